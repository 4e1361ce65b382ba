// SPDX-License-Identifier: Apache-2.0
#include "keyvault.h"

#include "keycrypto.h"
#include "util/clock.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>

namespace sb {

namespace {

const QString deviceSecretName = QStringLiteral("store-key-wrap-v1");
constexpr int formatVersion = 1;

Unexpected<VaultError> vaultError(VaultError::Kind kind, QString message)
{
    return {VaultError{kind, std::move(message), 0, 0}};
}

} // namespace

/// The vault file: everything but the keystore secret and the passcode. JSON, base64 fields.
struct KeyVault::File {
    int version = formatVersion;
    QByteArray salt;
    int iterations = 0;
    QByteArray sealedKey;
    int failures = 0;
    std::int64_t lastFailureMs = 0;

    /// Authenticated with the key so a changed salt or iteration count fails to unwrap.
    [[nodiscard]] QByteArray aad() const
    {
        return "sessionbook-keyvault:" + QByteArray::number(version) + ':'
               + QByteArray::number(iterations) + ':' + salt.toHex();
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
    File f;
    f.version = json.value(QStringLiteral("version")).toInt();
    f.salt = QByteArray::fromBase64(json.value(QStringLiteral("salt")).toString().toLatin1());
    f.iterations = json.value(QStringLiteral("iterations")).toInt();
    f.sealedKey =
        QByteArray::fromBase64(json.value(QStringLiteral("sealedKey")).toString().toLatin1());
    f.failures = json.value(QStringLiteral("failures")).toInt();
    f.lastFailureMs = qint64(json.value(QStringLiteral("lastFailureMs")).toDouble());
    if (f.version != formatVersion || f.salt.size() != 16 || f.iterations < 1
        || f.sealedKey.isEmpty()) {
        return vaultError(VaultError::Kind::Corrupt, QStringLiteral("vault file is not valid"));
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
    json.insert(QStringLiteral("lastFailureMs"), double(f.lastFailureMs));
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly)) {
        return vaultError(VaultError::Kind::Io, file.errorString());
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(json).toJson());
    if (!file.commit()) {
        return vaultError(VaultError::Kind::Io, file.errorString());
    }
    return {};
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
    if (auto written = writeFile(f); !written) {
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
    auto f = readFile();
    if (!f || f->failures == 0) {
        return 0;
    }
    const std::int64_t delay = delayAfter(f->failures);
    const std::int64_t now = m_clock.nowMsSinceEpoch();
    if (now < f->lastFailureMs) {
        return delay; // The clock went back: wait the full delay rather than none.
    }
    return std::max<std::int64_t>(0, f->lastFailureMs + delay - now);
}

int KeyVault::failedAttempts() const
{
    auto f = readFile();
    return f ? f->failures : 0;
}

int KeyVault::iterations() const
{
    auto f = readFile();
    return f ? f->iterations : 0;
}

VaultResult<DatabaseKey> KeyVault::unlock(const QString &passcode)
{
    auto f = readFile();
    if (!f) {
        return unexpected(f.error());
    }
    if (const std::int64_t wait = retryAfterMs(); wait > 0) {
        return unexpected(VaultError{VaultError::Kind::TooSoon, QStringLiteral("too many attempts"),
                                     wait, f->failures});
    }
    auto kek = wrappingKey(passcode, f.value());
    if (!kek) {
        return unexpected(kek.error());
    }
    auto plain = keycrypto::open(kek.value(), f->sealedKey, f->aad());
    secureWipe(kek.value());
    if (!plain) {
        f->failures += 1;
        f->lastFailureMs = m_clock.nowMsSinceEpoch();
        (void)writeFile(f.value());
        return unexpected(VaultError{VaultError::Kind::WrongPasscode,
                                     QStringLiteral("wrong passcode"), delayAfter(f->failures),
                                     f->failures});
    }
    auto key = DatabaseKey::fromBytes(plain.value());
    secureWipe(plain.value());
    if (!key) {
        return vaultError(VaultError::Kind::Corrupt, QStringLiteral("unwrapped key has bad size"));
    }
    if (f->failures != 0) {
        f->failures = 0;
        f->lastFailureMs = 0;
        (void)writeFile(f.value());
    }
    return std::move(*key);
}

} // namespace sb
