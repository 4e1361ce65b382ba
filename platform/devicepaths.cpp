// SPDX-License-Identifier: Apache-2.0
#include "devicepaths.h"

#include <QDir>
#include <QStandardPaths>

namespace sb {

QString DevicePaths::dataDirectory()
{
    QString dir = qEnvironmentVariable("SESSIONBOOK_DATA_DIR");
    if (dir.isEmpty()) {
        dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    }
    QDir().mkpath(dir);
    return dir;
}

QString DevicePaths::storePath()
{
    return QDir(dataDirectory()).filePath(QStringLiteral("sessionbook.db"));
}

} // namespace sb
