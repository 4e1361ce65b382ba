// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QTemporaryDir>

namespace sb::test {

/**
 * A fresh, empty directory under the system temp location, removed with everything in it
 * when the object dies. Every test that touches files gets its own, so tests never see each
 * other's databases and leave nothing behind.
 */
class TempDir {
public:
    TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;

    /// False when the directory could not be created (tests should REQUIRE this).
    [[nodiscard]] bool isValid() const { return m_dir.isValid(); }
    [[nodiscard]] QString path() const { return m_dir.path(); }
    /// Absolute path of `name` inside the directory (the file need not exist).
    [[nodiscard]] QString filePath(const QString &name) const { return m_dir.filePath(name); }

private:
    QTemporaryDir m_dir;
};

} // namespace sb::test
