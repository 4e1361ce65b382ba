// SPDX-License-Identifier: Apache-2.0
#include "keyvault.h"

#include "keycrypto.h"
#include "util/clock.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>
#include <limits>
#include <optional>

namespace sb {

namespace {

const QString deviceSecretName = QStringLiteral("store-key-wrap-v1");
/// The attempt counter's generation and count, where a copy of the data directory cannot reach.
const QString counterSecretName = QStringLiteral("passcode-counter-v1");
constexpr int formatVersion = 1;

Unexpected<VaultError> vaultError(VaultError::Kind kind, QString message)
{
    return {VaultError{kind, std::move(message), 0, 0}};
}

/// What the keystore remembers of the counter: its generation and the count then.
struct KeystoreCounter {
    std::int64_t generation = 0;
    int failures = 0;
};

std::optional<KeystoreCounter> parseCounter(const QByteArray &value)
{
    const QList<QByteArray> parts = value.split(':');
    bool okGeneration = false;
    bool okFailures = false;
    KeystoreCounter counter;
    if (parts.size() == 2) {
        counter.generation = parts[0].toLongLong(&okGeneration);
        counter.failures = parts[1].toInt(&okFailures);
    }
    if (!okGeneration || !okFailures) {
        return std::nullopt;
    }
    return counter;
}

} // namespace

/// The vault file: everything but the keystore secret and the passcode. JSON, base64 fields.
struct KeyVault::File {
    int version = formatVersion;
    QByteArray salt;
    int iterations = 0;
    QByteArray sealedKey;
    int failures = 0;
    /// Grows with every write of the counter; the keystore keeps the latest.
    std::int64_t generation = 0;
    /// When the last attempt was counted, on the monotonic clock of boot `attemptBootId`.
    std::int64_t attemptBootId = 0;
    std::int64_t attemptMonotonicMs = 0;
    QByteArray counterMac; ///< Empty in files written before the counter was authenticated.
    /// Not stored: the counter did not verify (edited, or an older copy put back).
    bool tampered = false;
    std::int64_t keystoreGeneration = 0;

    /// Authenticated with the key so a changed salt or iteration count fails to unwrap.
    [[nodiscard]] QByteArray aad() const
    {
        return "sessionbook-keyvault:" + QByteArray::number(version) + ':'
               + QByteArray::number(iterations) + ':' + salt.toHex();
    }
    /// What the counter MAC covers: the counter, bound to this vault's sealed key.
    [[nodiscard]] QByteArray counterMessage() const
    {
        return "sessionbook-keyvault-counter:1:" + salt.toHex() + ':' + sealedKey.toHex() + ':'
               + QByteArray::number(failures) + ':' + QByteArray::number(generation) + ':'
               + QByteArray::number(attemptBootId) + ':' + QByteArray::number(attemptMonotonicMs);
    }
};

KeyVault::KeyVault(QString vaultPath, SecretStore &secrets, const Clock &clock, Options options)
    : m_path(std::move(vaultPath))
    , m_secrets(secrets)
    , m_clock(clock)
    , m_options(options)
{
}

bool KeyVault::isSetUp() const
{
    return QFile::exists(m_path);
}

VaultResult<KeyVault::File> KeyVault::readFile() const
{
    QFile file(m_path);
    if (!file.exists()) {
        return vaultError(VaultError::Kind::NotSetUp, QStringLiteral("no vault file"));
    }
    if (!file.open(QIODevice::ReadOnly)) {
        return vaultError(VaultError::Kind::Io, file.errorString());
    }
    const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    const auto int64 = [&json](const QString &name) {
        return json.value(name).toString().toLongLong();
    };
    File f;
    f.version = json.value(QStringLiteral("version")).toInt();
    f.salt = QByteArray::fromBase64(json.value(QStringLiteral("salt")).toString().toLatin1());
    f.iterations = json.value(QStringLiteral("iterations")).toInt();
    f.sealedKey =
        QByteArray::fromBase64(json.value(QStringLiteral("sealedKey")).toString().toLatin1());
    f.failures = json.value(QStringLiteral("failures")).toInt();
    f.generation = int64(QStringLiteral("generation"));
    f.attemptBootId = int64(QStringLiteral("attemptBootId"));
    f.attemptMonotonicMs = int64(QStringLiteral("attemptMonotonicMs"));
    f.counterMac =
        QByteArray::fromHex(json.value(QStringLiteral("counterMac")).toString().toLatin1());
    if (f.version != formatVersion || f.salt.size() != 16 || f.iterations < 1
        || f.sealedKey.isEmpty() || f.failures < 0) {
        return vaultError(VaultError::Kind::Corrupt, QStringLiteral("vault file is not valid"));
    }
    return f;
}

VaultResult<QByteArray> KeyVault::counterMacKey(const File &f) const
{
    auto secret = m_secrets.read(deviceSecretName);
    if (!secret) {
        return vaultError(secret.error().kind == SecretError::Kind::NotFound
                              ? VaultError::Kind::KeystoreMissing
                              : VaultError::Kind::KeystoreUnavailable,
                          secret.error().message);
    }
    QByteArray key = keycrypto::hkdfSha256(secret.value(), f.salt,
                                           QByteArrayLiteral("sessionbook attempt counter v1"));
    secureWipe(secret.value());
    if (key.size() != 32) {
        return vaultError(VaultError::Kind::Crypto, QStringLiteral("key derivation failed"));
    }
    return key;
}

VaultResult<KeyVault::File> KeyVault::readChecked() const
{
    auto f = readFile();
    if (!f) {
        return f;
    }
    auto macKey = counterMacKey(f.value());
    if (!macKey) {
        return unexpected(macKey.error());
    }
    std::optional<KeystoreCounter> remembered;
    if (auto stored = m_secrets.read(counterSecretName)) {
        remembered = parseCounter(stored.value());
        if (!remembered) {
            remembered = KeystoreCounter{std::numeric_limits<std::int64_t>::max() / 2, 0};
        }
    } else if (stored.error().kind != SecretError::Kind::NotFound) {
        return vaultError(VaultError::Kind::KeystoreUnavailable, stored.error().message);
    }
    bool verified = false;
    if (f->counterMac.isEmpty()) {
        // A file from before the counter was authenticated: only while the keystore has never
        // seen a counter (else it is a downgrade).
        verified = !remembered;
        f->attemptBootId = 0; // its wall-clock time means nothing here: wait in full
    } else {
        verified = keycrypto::equalConstantTime(
            f->counterMac, keycrypto::hmacSha256(macKey.value(), f->counterMessage()));
    }
    secureWipe(macKey.value());
    // A crash between the file and the keystore write leaves the file ahead, never behind.
    if (verified && remembered && f->generation < remembered->generation) {
        verified = false;
    }
    if (remembered) {
        f->keystoreGeneration = remembered->generation;
    }
    if (!verified) {
        // Edited, or an older copy put back: the count is not known, so it is the lockout.
        f->tampered = true;
        int lockout = m_options.freeAttempts;
        while (delayAfter(lockout) < m_options.maxDelayMs
               && lockout < m_options.freeAttempts + 21) {
            ++lockout;
        }
        f->failures = std::max({f->failures, remembered ? remembered->failures : 0, lockout});
        f->attemptBootId = 0;
    }
    return f;
}

VaultResult<void> KeyVault::writeFile(const File &f) const
{
    QJsonObject json;
    json.insert(QStringLiteral("version"), f.version);
    json.insert(QStringLiteral("kdf"), QStringLiteral("PBKDF2-HMAC-SHA512+HKDF-SHA256"));
    json.insert(QStringLiteral("aead"), QStringLiteral("AES-256-GCM"));
    json.insert(QStringLiteral("salt"), QString::fromLatin1(f.salt.toBase64()));
    json.insert(QStringLiteral("iterations"), f.iterations);
    json.insert(QStringLiteral("sealedKey"), QString::fromLatin1(f.sealedKey.toBase64()));
    json.insert(QStringLiteral("failures"), f.failures);
    json.insert(QStringLiteral("generation"), QString::number(f.generation));
    json.insert(QStringLiteral("attemptBootId"), QString::number(f.attemptBootId));
    json.insert(QStringLiteral("attemptMonotonicMs"), QString::number(f.attemptMonotonicMs));
    json.insert(QStringLiteral("counterMac"), QString::fromLatin1(f.counterMac.toHex()));
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly)) {
        return vaultError(VaultError::Kind::Io, file.errorString());
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const QByteArray text = QJsonDocument(json).toJson();
    if (file.write(text) != text.size() || !file.commit()) {
        return vaultError(VaultError::Kind::Io, file.errorString());
    }
    return {};
}

VaultResult<void> KeyVault::recordAttempts(File &f, int failures)
{
    f.failures = failures;
    f.generation = std::max(f.generation, f.keystoreGeneration) + 1;
    f.attemptBootId = m_clock.bootId();
    f.attemptMonotonicMs = m_clock.monotonicMs();
    auto macKey = counterMacKey(f);
    if (!macKey) {
        return unexpected(macKey.error());
    }
    f.counterMac = keycrypto::hmacSha256(macKey.value(), f.counterMessage());
    secureWipe(macKey.value());
    if (f.counterMac.size() != 32) {
        return vaultError(VaultError::Kind::Crypto, QStringLiteral("counter MAC failed"));
    }
    // The file first: if the keystore write is lost, the file is ahead, which reads as valid.
    if (auto written = writeFile(f); !written) {
        return written;
    }
    auto remembered = m_secrets.write(counterSecretName, QByteArray::number(f.generation) + ':'
                                                             + QByteArray::number(failures));
    if (!remembered) {
        return vaultError(VaultError::Kind::KeystoreUnavailable, remembered.error().message);
    }
    f.keystoreGeneration = f.generation;
    f.tampered = false;
    return {};
}

std::int64_t KeyVault::waitFor(const File &f) const
{
    const std::int64_t delay = delayAfter(f.failures);
    if (delay == 0) {
        return 0;
    }
    // Another boot (or no trusted anchor): elapsed time is unknown, so the whole delay.
    if (f.attemptBootId != m_clock.bootId()) {
        return delay;
    }
    const std::int64_t elapsed = m_clock.monotonicMs() - f.attemptMonotonicMs;
    if (elapsed < 0) {
        return delay;
    }
    return std::max<std::int64_t>(0, delay - elapsed);
}

VaultResult<QByteArray> KeyVault::wrappingKey(const QString &passcode, const File &f)
{
    auto secret = m_secrets.read(deviceSecretName);
    if (!secret) {
        return vaultError(secret.error().kind == SecretError::Kind::NotFound
                              ? VaultError::Kind::KeystoreMissing
                              : VaultError::Kind::KeystoreUnavailable,
                          secret.error().message);
    }
    QByteArray utf8 = passcode.toUtf8();
    QByteArray stretched = keycrypto::pbkdf2Sha512(utf8, f.salt, f.iterations);
    secureWipe(utf8);
    QByteArray kek = keycrypto::hkdfSha256(stretched, secret.value(),
                                           QByteArrayLiteral("sessionbook store key wrap v1"));
    secureWipe(stretched);
    secureWipe(secret.value());
    if (kek.size() != 32) {
        return vaultError(VaultError::Kind::Crypto, QStringLiteral("key derivation failed"));
    }
    return kek;
}

VaultResult<DatabaseKey> KeyVault::setUp(const QString &passcode)
{
    if (isSetUp()) {
        return vaultError(VaultError::Kind::AlreadySetUp, QStringLiteral("vault exists"));
    }
    File f;
    f.salt = keycrypto::randomBytes(16);
    f.iterations = m_options.iterations > 0 ? m_options.iterations
                                            : keycrypto::calibrateIterations(m_options.targetMs);
    QByteArray deviceSecret = keycrypto::randomBytes(32);
    if (f.salt.size() != 16 || deviceSecret.size() != 32) {
        return vaultError(VaultError::Kind::Crypto, QStringLiteral("no random bytes"));
    }
    auto stored = m_secrets.write(deviceSecretName, deviceSecret);
    secureWipe(deviceSecret);
    if (!stored) {
        return vaultError(VaultError::Kind::KeystoreUnavailable, stored.error().message);
    }
    auto kek = wrappingKey(passcode, f);
    if (!kek) {
        return unexpected(kek.error());
    }
    DatabaseKey key = DatabaseKey::generate();
    f.sealedKey = keycrypto::seal(kek.value(), key.bytes(), f.aad());
    secureWipe(kek.value());
    if (f.sealedKey.isEmpty()) {
        return vaultError(VaultError::Kind::Crypto, QStringLiteral("sealing failed"));
    }
    // A fresh vault starts past whatever counter an earlier one left in the keystore.
    if (auto remembered = m_secrets.read(counterSecretName)) {
        const auto counter = parseCounter(remembered.value());
        f.keystoreGeneration = counter ? counter->generation : 0;
    }
    if (auto written = recordAttempts(f, 0); !written) {
        QFile::remove(m_path);
        return unexpected(written.error());
    }
    return key;
}

std::int64_t KeyVault::delayAfter(int failures) const
{
    if (failures < m_options.freeAttempts) {
        return 0;
    }
    const int doublings = std::min(failures - m_options.freeAttempts, 20);
    return std::min<std::int64_t>(std::int64_t(1000) << doublings, m_options.maxDelayMs);
}

std::int64_t KeyVault::retryAfterMs() const
{
    auto f = readChecked();
    return f ? waitFor(f.value()) : 0; // unlock() reports why the vault cannot be read
}

int KeyVault::failedAttempts() const
{
    auto f = readChecked();
    return f ? f->failures : 0;
}

int KeyVault::iterations() const
{
    auto f = readFile();
    return f ? f->iterations : 0;
}

void KeyVault::wipe()
{
    // The sealed key is in the file and the device secret in the keystore: losing either
    // destroys the store key. Remove both, and the counter with them.
    const bool fileGone = QFile::remove(m_path) || !QFile::exists(m_path);
    const bool secretGone = bool(m_secrets.remove(deviceSecretName));
    if (!fileGone && !secretGone) {
        qWarning("key vault: the wipe policy could not remove the sealed key");
    }
    // Meaningless without the vault; if it stays, the next setUp() starts past it anyway.
    if (!m_secrets.remove(counterSecretName)) {
        qWarning("key vault: the attempt counter stays in the keystore after the wipe");
    }
}

VaultResult<DatabaseKey> KeyVault::unlock(const QString &passcode)
{
    auto f = readChecked();
    if (!f) {
        return unexpected(f.error());
    }
    // A counter that did not verify, or a wait begun on another boot, starts its wait now.
    if (f->tampered || (delayAfter(f->failures) > 0 && f->attemptBootId != m_clock.bootId())) {
        if (auto anchored = recordAttempts(f.value(), f->failures); !anchored) {
            return unexpected(anchored.error());
        }
    }
    if (const std::int64_t wait = waitFor(f.value()); wait > 0) {
        return unexpected(VaultError{VaultError::Kind::TooSoon, QStringLiteral("too many attempts"),
                                     wait, f->failures});
    }
    // Count the attempt before the KDF runs: no record, no attempt.
    const int before = f->failures;
    if (auto counted = recordAttempts(f.value(), before + 1); !counted) {
        return unexpected(counted.error());
    }
    auto kek = wrappingKey(passcode, f.value());
    if (!kek) {
        // The passcode was never tried: take the count back (or keep it, if that fails too).
        if (auto restored = recordAttempts(f.value(), before); !restored) {
            qWarning("key vault: an attempt that never tried the passcode stays counted");
        }
        return unexpected(kek.error());
    }
    auto plain = keycrypto::open(kek.value(), f->sealedKey, f->aad());
    secureWipe(kek.value());
    if (!plain) {
        if (m_options.wipeAfterFailures > 0 && f->failures >= m_options.wipeAfterFailures) {
            wipe();
            return unexpected(VaultError{VaultError::Kind::Wiped,
                                         QStringLiteral("wiped after too many attempts"), 0,
                                         f->failures});
        }
        return unexpected(VaultError{VaultError::Kind::WrongPasscode,
                                     QStringLiteral("wrong passcode"), delayAfter(f->failures),
                                     f->failures});
    }
    auto key = DatabaseKey::fromBytes(plain.value());
    secureWipe(plain.value());
    if (!key) {
        return vaultError(VaultError::Kind::Corrupt, QStringLiteral("unwrapped key has bad size"));
    }
    // Fails closed: an unlock whose reset was not recorded does not hand out the key.
    if (auto reset = recordAttempts(f.value(), 0); !reset) {
        return unexpected(reset.error());
    }
    return std::move(*key);
}

} // namespace sb
