// SPDX-License-Identifier: Apache-2.0
#include "server/devcert.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

namespace sb::sync {

QByteArray certificateSha256(const QSslCertificate &certificate)
{
    return certificate.digest(QCryptographicHash::Sha256).toHex();
}

QByteArray spkiSha256(const QSslCertificate &certificate)
{
    return QCryptographicHash::hash(certificate.publicKey().toDer(), QCryptographicHash::Sha256)
        .toHex();
}

Expected<DevCertificate, QString> makeDevCertificate(const QString &directory)
{
    QTemporaryDir temporary;
    QString dir = directory;
    if (dir.isEmpty()) {
        if (!temporary.isValid()) {
            return unexpected(QStringLiteral("cannot create a temporary directory"));
        }
        dir = temporary.path();
    } else if (!QDir().mkpath(dir)) {
        return unexpected(QStringLiteral("cannot create ") + dir);
    }
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    const QString certPath = QDir(dir).absoluteFilePath(QStringLiteral("cert.pem"));
    const QString keyPath = QDir(dir).absoluteFilePath(QStringLiteral("key.pem"));

    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                   QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                   QStringLiteral("-keyout"), keyPath, QStringLiteral("-out"), certPath,
                   QStringLiteral("-days"), QStringLiteral("30"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=localhost"), QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1")});
    if (!openssl.waitForStarted(10'000) || !openssl.waitForFinished(30'000)
        || openssl.exitStatus() != QProcess::NormalExit || openssl.exitCode() != 0) {
        return unexpected(QStringLiteral("openssl could not make a certificate (is the openssl "
                                         "command installed?)"));
    }
    QFile::setPermissions(keyPath, QFile::ReadOwner | QFile::WriteOwner);

    QFile certFile(certPath);
    QFile keyFile(keyPath);
    if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly)) {
        return unexpected(QStringLiteral("cannot read the certificate openssl wrote"));
    }
    DevCertificate result;
    result.certificate = QSslCertificate(certFile.readAll(), QSsl::Pem);
    result.key = QSslKey(keyFile.readAll(), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    if (result.certificate.isNull() || result.key.isNull()) {
        return unexpected(QStringLiteral("the certificate openssl wrote cannot be loaded"));
    }
    result.certificatePath = directory.isEmpty() ? QString() : certPath;
    result.sha256 = certificateSha256(result.certificate);
    result.spkiSha256 = spkiSha256(result.certificate);
    return result;
}

} // namespace sb::sync
