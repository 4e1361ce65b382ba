// SPDX-License-Identifier: Apache-2.0
#include "client/tokenstore.h"

#include <QFile>
#include <QSaveFile>

namespace sb::sync {

namespace {

constexpr QStringView credentialsTag = u"sb-credentials-1";

} // namespace

QString DeviceCredentials::encode() const
{
    // Tokens are base64url: no line breaks inside them.
    return credentialsTag + u'\n' + accessToken + u'\n' + QString::number(accessExpiresAtMs) + u'\n'
           + refreshToken + u'\n' + nextRefreshToken;
}

DeviceCredentials DeviceCredentials::decode(const QString &secret)
{
    QStringList lines = secret.split(u'\n');
    if (lines.size() == 4) {
        lines.append(QString()); // a store that trims dropped the empty last line
    }
    DeviceCredentials credentials;
    if (lines.size() != 5 || lines[0] != credentialsTag) {
        credentials.accessToken = secret.trimmed();
        return credentials;
    }
    credentials.accessToken = lines[1];
    credentials.accessExpiresAtMs = lines[2].toLongLong();
    credentials.refreshToken = lines[3];
    credentials.nextRefreshToken = lines[4];
    return credentials;
}

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
