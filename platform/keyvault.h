// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "secretstore.h"
#include "store/databasekey.h"
#include "util/expected.h"

#include <QString>

#include <cstdint>

namespace sb {

class Clock;

/// Why the vault could not set up or unlock. Never carries passcode or key bytes.
struct VaultError {
    enum class Kind {
        NotSetUp,        ///< No vault file yet: first run, choose a passcode.
        AlreadySetUp,    ///< setUp() on a device that already has a vault.
        WrongPasscode,   ///< The passcode did not unwrap the key (counted as a failure).
        TooSoon,         ///< Locked out after failures; retry after retryAfterMs.
        KeystoreMissing, ///< The device secret is gone from the OS keystore.
        KeystoreUnavailable,
        Corrupt, ///< The vault file is unreadable or not ours.
        Io,
        Crypto, ///< OpenSSL refused an operation.
        Wiped,  ///< Too many failures under the wipe policy: the key is destroyed.
    };
    Kind kind = Kind::Corrupt;
    QString message;
    std::int64_t retryAfterMs = 0; ///< For TooSoon and WrongPasscode: the wait before the next try.
    int failedAttempts = 0;        ///< Consecutive failures so far.
};

template<typename T> using VaultResult = Expected<T, VaultError>;

/**
 * Keeps the random 256-bit store key wrapped on disk. The wrapping key needs both factors:
 * HKDF(PBKDF2-HMAC-SHA512(passcode, salt, n) , salt = device secret from the OS keystore),
 * and the key is sealed with AES-256-GCM (header as AAD). A stolen data directory without
 * the keystore, or the keystore without the passcode, opens nothing. Unlock runs the KDF
 * exactly once.
 *
 * Wrong passcodes earn a growing delay. Each attempt is counted BEFORE the KDF runs (a killed
 * process or a failed write cannot skip the count: no record, no attempt). The count is kept
 * in the vault file under an HMAC keyed from the keystore's device secret (an edited count
 * does not verify), and its generation is also kept in the keystore (an older copy of the
 * file put back has a lower generation). Either finding counts as a full lockout, not a
 * reset. The delay is measured on the monotonic clock of this boot, so moving the wall clock
 * skips nothing; after a reboot the full delay starts again from the first attempt. Nothing
 * is deleted on failure unless the practice turned on wipeAfterFailures.
 */
class KeyVault {
public:
    struct Options {
        int iterations = 0; ///< 0: calibrate to targetMs on this machine at setUp().
        int targetMs = 250;
        int freeAttempts = 3; ///< Failures before the delay starts.
        std::int64_t maxDelayMs = 15 * 60 * 1000;
        /// Practice policy: after this many consecutive failures the store key is destroyed
        /// (the vault file and the device secret go; the store can no longer be opened).
        /// 0: never (the default).
        int wipeAfterFailures = 0;
    };

    KeyVault(QString vaultPath, SecretStore &secrets, const Clock &clock, Options options);
    KeyVault(QString vaultPath, SecretStore &secrets, const Clock &clock)
        : KeyVault(std::move(vaultPath), secrets, clock, Options{})
    {
    }

    [[nodiscard]] bool isSetUp() const;
    /// First run: a fresh store key wrapped under `passcode`. Refuses to replace a vault.
    VaultResult<DatabaseKey> setUp(const QString &passcode);
    /// One KDF run, then unwrap. A wrong passcode is counted and delays the next attempt.
    VaultResult<DatabaseKey> unlock(const QString &passcode);
    /// Milliseconds until unlock() may be tried again (0: now).
    [[nodiscard]] std::int64_t retryAfterMs() const;
    [[nodiscard]] int failedAttempts() const;
    [[nodiscard]] int iterations() const;
    [[nodiscard]] const SecretStore &secretStore() const { return m_secrets; }

    /// The delay after `failures` consecutive failures with these options.
    [[nodiscard]] std::int64_t delayAfter(int failures) const;

private:
    struct File;
    [[nodiscard]] VaultResult<File> readFile() const;
    /// readFile(), then the attempt counter checked against its MAC and the keystore.
    [[nodiscard]] VaultResult<File> readChecked() const;
    [[nodiscard]] VaultResult<QByteArray> counterMacKey(const File &file) const;
    VaultResult<void> writeFile(const File &file) const;
    /// The counter's new state: a new generation, MAC'd, written to the file then the keystore.
    VaultResult<void> recordAttempts(File &file, int failures);
    [[nodiscard]] std::int64_t waitFor(const File &file) const;
    VaultResult<QByteArray> wrappingKey(const QString &passcode, const File &file);
    void wipe();

    QString m_path;
    SecretStore &m_secrets;
    const Clock &m_clock;
    Options m_options;
};

} // namespace sb
