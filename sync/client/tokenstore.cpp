// SPDX-License-Identifier: Apache-2.0
#include "client/tokenstore.h"

#include <QFile>
#include <QSaveFile>

namespace sb::sync {

std::optional<QString> FileTokenStore::token() const
{
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly)) {
        return std::nullopt;
    }
    const QString text = QString::fromUtf8(file.readAll()).trimmed();
    return text.isEmpty() ? std::nullopt : std::optional<QString>(text);
}

bool FileTokenStore::setToken(const QString &token)
{
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly)) {
        return false;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(token.toUtf8());
    return file.commit();
}

void FileTokenStore::clear()
{
    QFile::remove(m_path);
}

} // namespace sb::sync
