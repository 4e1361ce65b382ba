// SPDX-License-Identifier: Apache-2.0
#include "secretstore.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QTimer>
#include <qt6keychain/keychain.h>

#include <atomic>
#include <future>

namespace sb {

namespace {

/// Starts a QtKeychain job on this thread; `finish` maps its outcome when it ends.
template<typename Job, typename Finish> void startJob(Job *job, const QString &name, Finish finish)
{
    job->setKey(name);
    job->setAutoDelete(true);
    QObject::connect(job, &QKeychain::Job::finished, job,
                     [job, finish = std::move(finish)] { finish(*job); });
    job->start();
}

SecretResult<void> outcomeOf(const QKeychain::Job &job)
{
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

QtKeychainBackend::QtKeychainBackend(QString service)
    : m_service(std::move(service))
{
}

void QtKeychainBackend::read(const QString &name, ReadDone done)
{
    startJob(new QKeychain::ReadPasswordJob(m_service), name,
             [done = std::move(done)](const QKeychain::ReadPasswordJob &job) {
                 auto outcome = outcomeOf(job);
                 done(outcome ? SecretResult<QByteArray>(job.binaryData())
                              : SecretResult<QByteArray>(unexpected(outcome.error())));
             });
}

void QtKeychainBackend::write(const QString &name, const QByteArray &secret, Done done)
{
    auto *job = new QKeychain::WritePasswordJob(m_service);
    job->setBinaryData(secret);
    startJob(job, name, [done = std::move(done)](const QKeychain::WritePasswordJob &finished) {
        done(outcomeOf(finished));
    });
}

void QtKeychainBackend::remove(const QString &name, Done done)
{
    startJob(new QKeychain::DeletePasswordJob(m_service), name,
             [done = std::move(done)](const QKeychain::DeletePasswordJob &job) {
                 done(outcomeOf(job));
             });
}

QString QtKeychainBackend::displayName() const
{
    return QStringLiteral("System keychain");
}

DelayedSecretBackend::DelayedSecretBackend(std::unique_ptr<SecretStore> inner,
                                           std::chrono::milliseconds delay)
    : m_inner(std::move(inner))
    , m_delay(delay)
{
}

void DelayedSecretBackend::read(const QString &name, ReadDone done)
{
    QTimer::singleShot(m_delay,
                       [this, name, done = std::move(done)] { done(m_inner->read(name)); });
}

void DelayedSecretBackend::write(const QString &name, const QByteArray &secret, Done done)
{
    QTimer::singleShot(m_delay, [this, name, secret, done = std::move(done)] {
        done(m_inner->write(name, secret));
    });
}

void DelayedSecretBackend::remove(const QString &name, Done done)
{
    QTimer::singleShot(m_delay,
                       [this, name, done = std::move(done)] { done(m_inner->remove(name)); });
}

KeystoreThread::KeystoreThread(std::unique_ptr<AsyncSecretBackend> backend,
                               std::chrono::milliseconds timeout)
    : m_backend(std::move(backend))
    , m_timeout(timeout)
{
    m_thread.setObjectName(QStringLiteral("sessionbook-keystore"));
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

KeystoreThread::~KeystoreThread()
{
    m_thread.quit();
    m_thread.wait();
}

template<typename T>
SecretResult<T> KeystoreThread::call(
    std::function<void(AsyncSecretBackend &, std::function<void(SecretResult<T>)>)> start)
{
    Q_ASSERT(QThread::currentThread() != &m_thread);
    // Shared with the job: an answer after the timeout lands here and is dropped.
    auto promise = std::make_shared<std::promise<SecretResult<T>>>();
    auto answered = std::make_shared<std::atomic_bool>(false);
    std::future<SecretResult<T>> answer = promise->get_future();
    QMetaObject::invokeMethod(
        m_context,
        [this, start = std::move(start), promise, answered] {
            start(*m_backend, [promise, answered](SecretResult<T> result) {
                if (!answered->exchange(true)) {
                    promise->set_value(std::move(result));
                }
            });
        },
        Qt::QueuedConnection);
    if (answer.wait_for(m_timeout) != std::future_status::ready) {
        return unexpected(SecretError{SecretError::Kind::Unavailable,
                                      QStringLiteral("the keystore did not answer in time")});
    }
    return answer.get();
}

SecretResult<QByteArray> KeystoreThread::read(const QString &name)
{
    return call<QByteArray>(
        [name](AsyncSecretBackend &backend, std::function<void(SecretResult<QByteArray>)> done) {
            backend.read(name, std::move(done));
        });
}

SecretResult<void> KeystoreThread::write(const QString &name, const QByteArray &secret)
{
    return call<void>(
        [name, secret](AsyncSecretBackend &backend, std::function<void(SecretResult<void>)> done) {
            backend.write(name, secret, std::move(done));
        });
}

SecretResult<void> KeystoreThread::remove(const QString &name)
{
    return call<void>(
        [name](AsyncSecretBackend &backend, std::function<void(SecretResult<void>)> done) {
            backend.remove(name, std::move(done));
        });
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
        auto fake = std::make_unique<FakeFileSecretStore>(dataDirectory);
        bool delayed = false;
        const int delayMs =
            qEnvironmentVariableIntValue("SESSIONBOOK_FAKE_KEYSTORE_DELAY_MS", &delayed);
        if (!delayed || delayMs <= 0) {
            return fake;
        }
        return std::make_unique<KeystoreThread>(std::make_unique<DelayedSecretBackend>(
            std::move(fake), std::chrono::milliseconds(delayMs)));
    }
    return std::make_unique<KeystoreThread>(
        std::make_unique<QtKeychainBackend>(QStringLiteral("org.sessionbook.device")));
}

} // namespace sb
