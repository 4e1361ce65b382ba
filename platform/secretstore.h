// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "util/expected.h"

#include <QByteArray>
#include <QString>

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
 * The real backend: QtKeychain. Jobs are asynchronous; this class waits for each one in a
 * local event loop, which is acceptable because the vault only touches the keystore on
 * first run and unlock, from the store worker thread.
 */
class KeychainSecretStore final : public SecretStore {
public:
    explicit KeychainSecretStore(QString service);
    SecretResult<QByteArray> read(const QString &name) override;
    SecretResult<void> write(const QString &name, const QByteArray &secret) override;
    SecretResult<void> remove(const QString &name) override;
    [[nodiscard]] QString displayName() const override;
    [[nodiscard]] bool isFake() const override { return false; }

private:
    QString m_service;
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
 * screenshots), else QtKeychain.
 */
std::unique_ptr<SecretStore> makeDefaultSecretStore(const QString &dataDirectory);

} // namespace sb
