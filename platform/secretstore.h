// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "util/expected.h"

#include <QByteArray>
#include <QString>
#include <QThread>

#include <chrono>
#include <functional>
#include <memory>

namespace sb {

/// Why the device secret store could not answer. Messages never contain secret bytes.
struct SecretError {
    enum class Kind {
        NotFound,    ///< No secret under that name.
        Unavailable, ///< The keystore refused or is not running (locked keyring, no D-Bus).
        Io,          ///< The fake backend's file could not be read or written.
    };
    Kind kind = Kind::Unavailable;
    QString message;
};

template<typename T> using SecretResult = Expected<T, SecretError>;

/**
 * A small named-secret store in the OS keystore (Keychain, Keystore, libsecret, Windows
 * Credential Manager). The key vault keeps one random device secret here, so a copied data
 * directory alone cannot be unlocked, even with the passcode.
 */
class SecretStore {
public:
    virtual ~SecretStore() = default;
    virtual SecretResult<QByteArray> read(const QString &name) = 0;
    virtual SecretResult<void> write(const QString &name, const QByteArray &secret) = 0;
    virtual SecretResult<void> remove(const QString &name) = 0;
    /// Shown to the user ("System keychain", "FAKE file keystore (testing only)").
    [[nodiscard]] virtual QString displayName() const = 0;
    /// True for backends that give no protection beyond the file system (tests, headless CI).
    [[nodiscard]] virtual bool isFake() const = 0;
};

/**
 * A keystore whose operations end asynchronously, through the event loop of the thread that
 * started them (QtKeychain's jobs). Only KeystoreThread calls one, always on its own thread;
 * each operation calls `done` exactly once, later, from that thread's event loop.
 */
class AsyncSecretBackend {
public:
    using ReadDone = std::function<void(SecretResult<QByteArray>)>;
    using Done = std::function<void(SecretResult<void>)>;
    virtual ~AsyncSecretBackend() = default;
    virtual void read(const QString &name, ReadDone done) = 0;
    virtual void write(const QString &name, const QByteArray &secret, Done done) = 0;
    virtual void remove(const QString &name, Done done) = 0;
    [[nodiscard]] virtual QString displayName() const = 0;
    [[nodiscard]] virtual bool isFake() const = 0;
};

/// The real backend: QtKeychain's jobs (Keychain, Keystore, libsecret, Windows).
class QtKeychainBackend final : public AsyncSecretBackend {
public:
    explicit QtKeychainBackend(QString service);
    void read(const QString &name, ReadDone done) override;
    void write(const QString &name, const QByteArray &secret, Done done) override;
    void remove(const QString &name, Done done) override;
    [[nodiscard]] QString displayName() const override;
    [[nodiscard]] bool isFake() const override { return false; }

private:
    QString m_service;
};

/**
 * A FAKE slow keystore: another store's answers, each delivered `delay` later through the
 * event loop, like a keyring that asks the user or a slow D-Bus. For tests, and for the app
 * with SESSIONBOOK_FAKE_KEYSTORE_DELAY_MS.
 */
class DelayedSecretBackend final : public AsyncSecretBackend {
public:
    DelayedSecretBackend(std::unique_ptr<SecretStore> inner, std::chrono::milliseconds delay);
    void read(const QString &name, ReadDone done) override;
    void write(const QString &name, const QByteArray &secret, Done done) override;
    void remove(const QString &name, Done done) override;
    [[nodiscard]] QString displayName() const override { return m_inner->displayName(); }
    [[nodiscard]] bool isFake() const override { return m_inner->isFake(); }

private:
    std::unique_ptr<SecretStore> m_inner;
    std::chrono::milliseconds m_delay;
};

/**
 * The keystore's owner thread: an asynchronous backend's jobs run there, in that thread's own
 * event loop, and a caller (the store thread: key vault, device token) waits for the answer
 * without running any event loop of its own. So no event of the calling thread is handled
 * while a keystore job is in flight: store jobs queued meanwhile run after the one that asked,
 * in the order they were queued. An answer that takes longer than `timeout` is
 * SecretError::Unavailable (the job's late answer is dropped).
 *
 * Calling from the keystore thread itself would deadlock; only this class runs code there.
 */
class KeystoreThread final : public SecretStore {
public:
    static constexpr std::chrono::milliseconds defaultTimeout{30'000};

    explicit KeystoreThread(std::unique_ptr<AsyncSecretBackend> backend,
                            std::chrono::milliseconds timeout = defaultTimeout);
    ~KeystoreThread() override;
    KeystoreThread(const KeystoreThread &) = delete;
    KeystoreThread &operator=(const KeystoreThread &) = delete;

    SecretResult<QByteArray> read(const QString &name) override;
    SecretResult<void> write(const QString &name, const QByteArray &secret) override;
    SecretResult<void> remove(const QString &name) override;
    [[nodiscard]] QString displayName() const override { return m_backend->displayName(); }
    [[nodiscard]] bool isFake() const override { return m_backend->isFake(); }

private:
    /// Starts `start` on the keystore thread and waits (blocking, no event loop) for its answer.
    template<typename T>
    SecretResult<T>
    call(std::function<void(AsyncSecretBackend &, std::function<void(SecretResult<T>)>)> start);

    std::unique_ptr<AsyncSecretBackend> m_backend; ///< Used on m_thread only.
    std::chrono::milliseconds m_timeout;
    QThread m_thread;
    QObject *m_context = nullptr; ///< Lives on m_thread: where the backend is called.
};

/**
 * A FAKE keystore: secrets in plain files (mode 0600) in one directory. Only for tests and
 * headless Linux without a keyring; it protects nothing, and the UI says so.
 */
class FakeFileSecretStore final : public SecretStore {
public:
    explicit FakeFileSecretStore(QString directory);
    SecretResult<QByteArray> read(const QString &name) override;
    SecretResult<void> write(const QString &name, const QByteArray &secret) override;
    SecretResult<void> remove(const QString &name) override;
    [[nodiscard]] QString displayName() const override;
    [[nodiscard]] bool isFake() const override { return true; }

private:
    [[nodiscard]] QString filePath(const QString &name) const;
    QString m_directory;
};

/**
 * The backend for this process: the fake one when SESSIONBOOK_FAKE_KEYSTORE=1 (tests, CI,
 * screenshots), slowed down by SESSIONBOOK_FAKE_KEYSTORE_DELAY_MS when that is set; else
 * QtKeychain on its KeystoreThread.
 */
std::unique_ptr<SecretStore> makeDefaultSecretStore(const QString &dataDirectory);

} // namespace sb
