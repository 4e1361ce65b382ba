// SPDX-License-Identifier: Apache-2.0
#include "secretstore.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QSaveFile>
#include <qt6keychain/keychain.h>

namespace sb {

namespace {

/// Runs a QtKeychain job to completion and maps its error.
SecretResult<void> runJob(QKeychain::Job &job)
{
    QEventLoop loop;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
    job.setAutoDelete(false);
    job.start();
    loop.exec();
    switch (job.error()) {
    case QKeychain::NoError:
        return {};
    case QKeychain::EntryNotFound:
        return unexpected(SecretError{SecretError::Kind::NotFound, QStringLiteral("no entry")});
    default:
        return unexpected(SecretError{SecretError::Kind::Unavailable, job.errorString()});
    }
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QString service)
    : m_service(std::move(service))
{
}

SecretResult<QByteArray> KeychainSecretStore::read(const QString &name)
{
    QKeychain::ReadPasswordJob job(m_service);
    job.setKey(name);
    if (auto done = runJob(job); !done) {
        return unexpected(done.error());
    }
    return job.binaryData();
}

SecretResult<void> KeychainSecretStore::write(const QString &name, const QByteArray &secret)
{
    QKeychain::WritePasswordJob job(m_service);
    job.setKey(name);
    job.setBinaryData(secret);
    return runJob(job);
}

SecretResult<void> KeychainSecretStore::remove(const QString &name)
{
    QKeychain::DeletePasswordJob job(m_service);
    job.setKey(name);
    return runJob(job);
}

QString KeychainSecretStore::displayName() const
{
    return QStringLiteral("System keychain");
}

FakeFileSecretStore::FakeFileSecretStore(QString directory)
    : m_directory(std::move(directory))
{
    QDir().mkpath(m_directory);
}

QString FakeFileSecretStore::filePath(const QString &name) const
{
    return QDir(m_directory)
        .filePath(QStringLiteral("fake-keystore-") + name + QStringLiteral(".hex"));
}

SecretResult<QByteArray> FakeFileSecretStore::read(const QString &name)
{
    QFile file(filePath(name));
    if (!file.exists()) {
        return unexpected(SecretError{SecretError::Kind::NotFound, QStringLiteral("no entry")});
    }
    if (!file.open(QIODevice::ReadOnly)) {
        return unexpected(SecretError{SecretError::Kind::Io, file.errorString()});
    }
    return QByteArray::fromHex(file.readAll().trimmed());
}

SecretResult<void> FakeFileSecretStore::write(const QString &name, const QByteArray &secret)
{
    QSaveFile file(filePath(name));
    if (!file.open(QIODevice::WriteOnly)) {
        return unexpected(SecretError{SecretError::Kind::Io, file.errorString()});
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(secret.toHex());
    if (!file.commit()) {
        return unexpected(SecretError{SecretError::Kind::Io, file.errorString()});
    }
    return {};
}

SecretResult<void> FakeFileSecretStore::remove(const QString &name)
{
    QFile::remove(filePath(name));
    return {};
}

QString FakeFileSecretStore::displayName() const
{
    return QStringLiteral("FAKE file keystore (testing only, no protection)");
}

std::unique_ptr<SecretStore> makeDefaultSecretStore(const QString &dataDirectory)
{
    if (qEnvironmentVariable("SESSIONBOOK_FAKE_KEYSTORE") == QLatin1String("1")) {
        return std::make_unique<FakeFileSecretStore>(dataDirectory);
    }
    return std::make_unique<KeychainSecretStore>(QStringLiteral("org.sessionbook.device"));
}

} // namespace sb
