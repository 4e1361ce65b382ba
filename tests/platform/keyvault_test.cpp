// SPDX-License-Identifier: Apache-2.0
#include "catchqt.h"
#include "fixtures.h"
#include "keycrypto.h"
#include "keyvault.h"
#include "secretstore.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <catch2/catch_test_macros.hpp>

using namespace sb;

namespace {

/// Fast KDF settings so the suite stays quick; calibration has its own test.
KeyVault::Options fastOptions()
{
    KeyVault::Options options;
    options.iterations = 1000;
    return options;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    return file.readAll();
}

void writeAll(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    REQUIRE(file.write(bytes) == bytes.size());
}

/// The OS keystore refusing writes (a locked keyring): reads go through, writes fail.
class ReadOnlySecretStore final : public SecretStore {
public:
    explicit ReadOnlySecretStore(SecretStore &inner)
        : m_inner(inner)
    {
    }
    SecretResult<QByteArray> read(const QString &name) override { return m_inner.read(name); }
    SecretResult<void> write(const QString &, const QByteArray &) override
    {
        return unexpected(SecretError{SecretError::Kind::Unavailable, QStringLiteral("locked")});
    }
    SecretResult<void> remove(const QString &name) override { return m_inner.remove(name); }
    [[nodiscard]] QString displayName() const override { return m_inner.displayName(); }
    [[nodiscard]] bool isFake() const override { return true; }

private:
    SecretStore &m_inner;
};

/// Three wrong attempts: the free ones, so the next wait is 1 s.
void failThreeTimes(KeyVault &vault)
{
    for (int i = 0; i < 3; ++i) {
        REQUIRE(vault.unlock(QStringLiteral("wrong")).error().kind
                == VaultError::Kind::WrongPasscode);
    }
}

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

} // namespace

TEST_CASE("AES-256-GCM seal/open round-trips and rejects tampering", "[platform]")
{
    const QByteArray key = keycrypto::randomBytes(32);
    const QByteArray sealed = keycrypto::seal(key, "secret", "aad");
    REQUIRE(sealed.size() == 12 + 6 + 16);
    CHECK(keycrypto::open(key, sealed, "aad") == std::optional<QByteArray>("secret"));
    CHECK_FALSE(keycrypto::open(key, sealed, "other aad"));
    QByteArray flipped = sealed;
    flipped[14] = char(flipped[14] ^ 1);
    CHECK_FALSE(keycrypto::open(key, flipped, "aad"));
    CHECK_FALSE(keycrypto::open(keycrypto::randomBytes(32), sealed, "aad"));
}

TEST_CASE("PBKDF2-HMAC-SHA512 matches a published vector", "[platform]")
{
    // RFC 6070-style input; expected value from OpenSSL/Python hashlib.pbkdf2_hmac.
    const QByteArray out = keycrypto::pbkdf2Sha512("password", "salt", 1, 64);
    CHECK(out.toHex().left(32) == QByteArray("867f70cf1ade02cff3752599a3a53dc4"));
}

TEST_CASE("Calibration picks iterations near the target time", "[platform]")
{
    const int iterations = keycrypto::calibrateIterations(60, 1000);
    QElapsedTimer timer;
    timer.start();
    (void)keycrypto::pbkdf2Sha512("passcode", QByteArray(16, 'x'), iterations);
    const qint64 ms = timer.elapsed();
    // Loose bounds: the machine is shared with parallel builds, so load can change between
    // calibrating and measuring. This guards against an order-of-magnitude mistake only.
    CHECK(ms >= 6);
    CHECK(ms <= 3000);
}

TEST_CASE("KeyVault: set up, unlock with the passcode, same key", "[platform]")
{
    test::TempDir dir;
    REQUIRE(dir.isValid());
    ManualClock clock;
    FakeFileSecretStore secrets(dir.filePath(QStringLiteral("keystore")));
    KeyVault vault(dir.filePath(QStringLiteral("vault.json")), secrets, clock, fastOptions());
    CHECK_FALSE(vault.isSetUp());
    CHECK(vault.unlock(QStringLiteral("1234")).error().kind == VaultError::Kind::NotSetUp);

    auto created = vault.setUp(QStringLiteral("246810"));
    REQUIRE(created);
    CHECK(vault.isSetUp());
    CHECK(vault.setUp(QStringLiteral("x")).error().kind == VaultError::Kind::AlreadySetUp);

    auto unlocked = vault.unlock(QStringLiteral("246810"));
    REQUIRE(unlocked);
    CHECK(unlocked->bytes() == created->bytes());

    // The key bytes are nowhere in the vault file.
    QFile file(dir.filePath(QStringLiteral("vault.json")));
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    CHECK_FALSE(text.contains(created->bytes().toHex()));
    CHECK_FALSE(text.contains(created->bytes().toBase64()));
}

TEST_CASE("KeyVault: the key opens a real store; wrong passcodes delete nothing", "[platform]")
{
    test::TempDir dir;
    ManualClock clock;
    FakeFileSecretStore secrets(dir.filePath(QStringLiteral("keystore")));
    const QString vaultPath = dir.filePath(QStringLiteral("vault.json"));
    const QString storePath = dir.filePath(QStringLiteral("device.db"));
    KeyVault vault(vaultPath, secrets, clock, fastOptions());
    {
        auto key = vault.setUp(QStringLiteral("good passcode"));
        REQUIRE(key);
        auto store = Store::open(storePath, *key, clock);
        REQUIRE(store);
    }
    const QByteArray storeBefore = fileHash(storePath);

    auto wrong = vault.unlock(QStringLiteral("bad"));
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().kind == VaultError::Kind::WrongPasscode);
    CHECK(wrong.error().failedAttempts == 1);
    CHECK(QFile::exists(vaultPath));
    CHECK(fileHash(storePath) == storeBefore);

    auto key = vault.unlock(QStringLiteral("good passcode"));
    REQUIRE(key);
    CHECK(vault.failedAttempts() == 0);
    auto store = Store::open(storePath, *key, clock);
    CHECK(store);
}

TEST_CASE("KeyVault: growing delay after failures, on the injected clock", "[platform]")
{
    test::TempDir dir;
    ManualClock clock;
    FakeFileSecretStore secrets(dir.filePath(QStringLiteral("keystore")));
    KeyVault vault(dir.filePath(QStringLiteral("vault.json")), secrets, clock, fastOptions());
    REQUIRE(vault.setUp(QStringLiteral("right")));

    for (int i = 1; i <= 3; ++i) {
        auto result = vault.unlock(QStringLiteral("wrong"));
        REQUIRE(result.error().kind == VaultError::Kind::WrongPasscode);
    }
    CHECK(vault.failedAttempts() == 3);
    CHECK(vault.retryAfterMs() == 1000);
    // Even the right passcode is refused while the delay runs, and not counted.
    auto early = vault.unlock(QStringLiteral("right"));
    REQUIRE_FALSE(early);
    CHECK(early.error().kind == VaultError::Kind::TooSoon);
    CHECK(early.error().retryAfterMs == 1000);
    CHECK(vault.failedAttempts() == 3);

    clock.advanceMs(1000);
    CHECK(vault.unlock(QStringLiteral("wrong")).error().kind == VaultError::Kind::WrongPasscode);
    CHECK(vault.retryAfterMs() == 2000);
    clock.advanceMs(2000);
    CHECK(vault.unlock(QStringLiteral("wrong")).error().retryAfterMs == 4000);

    // A new vault object (an app restart) still sees the count.
    KeyVault again(dir.filePath(QStringLiteral("vault.json")), secrets, clock, fastOptions());
    CHECK(again.failedAttempts() == 5);
    CHECK(again.retryAfterMs() == 4000);
    // Winding the wall clock back or forward does not shorten the wait: it is elapsed time.
    const std::int64_t wall = clock.nowMsSinceEpoch();
    clock.setWallMs(wall - 3'600'000);
    CHECK(again.retryAfterMs() == 4000);
    clock.setWallMs(wall + 3'600'000);
    CHECK(again.retryAfterMs() == 4000);
    CHECK(again.unlock(QStringLiteral("right")).error().kind == VaultError::Kind::TooSoon);
    clock.advanceMs(3000);
    CHECK(again.retryAfterMs() == 1000);
    clock.advanceMs(1000);
    REQUIRE(again.unlock(QStringLiteral("right")));
    CHECK(again.failedAttempts() == 0);
    CHECK(vault.delayAfter(100) == 15 * 60 * 1000);
}

TEST_CASE("KeyVault: both factors are needed", "[platform]")
{
    test::TempDir dir;
    ManualClock clock;
    FakeFileSecretStore secrets(dir.filePath(QStringLiteral("keystore")));
    KeyVault vault(dir.filePath(QStringLiteral("vault.json")), secrets, clock, fastOptions());
    REQUIRE(vault.setUp(QStringLiteral("right")));

    SECTION("keystore secret gone: typed error, not a wrong passcode")
    {
        REQUIRE(secrets.remove(QStringLiteral("store-key-wrap-v1")));
        auto result = vault.unlock(QStringLiteral("right"));
        REQUIRE_FALSE(result);
        CHECK(result.error().kind == VaultError::Kind::KeystoreMissing);
        CHECK(vault.failedAttempts() == 0);
    }
    SECTION("a different device secret with the right passcode fails")
    {
        // The attempt counter's MAC is keyed from the device secret too, so another secret
        // reads as a forged counter: the full lockout, and no key.
        REQUIRE(secrets.write(QStringLiteral("store-key-wrap-v1"), keycrypto::randomBytes(32)));
        auto result = vault.unlock(QStringLiteral("right"));
        REQUIRE_FALSE(result);
        CHECK(result.error().kind == VaultError::Kind::TooSoon);
    }
    SECTION("a damaged vault file is Corrupt")
    {
        QFile file(dir.filePath(QStringLiteral("vault.json")));
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write("{not json");
        file.close();
        CHECK(vault.unlock(QStringLiteral("right")).error().kind == VaultError::Kind::Corrupt);
    }
    CHECK(secrets.isFake());
    CHECK(secrets.displayName().contains(QStringLiteral("FAKE")));
}

TEST_CASE("KeyVault: an edited attempt count is detected, not believed", "[platform]")
{
    test::TempDir dir;
    ManualClock clock;
    FakeFileSecretStore secrets(dir.filePath(QStringLiteral("keystore")));
    const QString path = dir.filePath(QStringLiteral("vault.json"));
    KeyVault vault(path, secrets, clock, fastOptions());
    REQUIRE(vault.setUp(QStringLiteral("right")));
    failThreeTimes(vault);
    REQUIRE(vault.retryAfterMs() == 1000);

    // Someone sets the count in the file back to zero.
    QJsonObject json = QJsonDocument::fromJson(readAll(path)).object();
    json.insert(QStringLiteral("failures"), 0);
    writeAll(path, QJsonDocument(json).toJson());

    // The count does not verify: the full lockout, not a fresh start.
    CHECK(vault.failedAttempts() >= 3);
    auto result = vault.unlock(QStringLiteral("right"));
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == VaultError::Kind::TooSoon);
    CHECK(result.error().retryAfterMs == 15 * 60 * 1000);
    clock.advanceMs(15 * 60 * 1000);
    REQUIRE(vault.unlock(QStringLiteral("right")));
    CHECK(vault.failedAttempts() == 0);
}

TEST_CASE("KeyVault: an older copy of the vault file put back is detected", "[platform]")
{
    test::TempDir dir;
    ManualClock clock;
    FakeFileSecretStore secrets(dir.filePath(QStringLiteral("keystore")));
    const QString path = dir.filePath(QStringLiteral("vault.json"));
    KeyVault vault(path, secrets, clock, fastOptions());
    REQUIRE(vault.setUp(QStringLiteral("right")));
    const QByteArray clean = readAll(path); // a backup taken with no failures counted

    failThreeTimes(vault);
    clock.advanceMs(1000);
    REQUIRE(vault.unlock(QStringLiteral("wrong")).error().failedAttempts == 4);
    writeAll(path, clean); // restored: its own MAC is valid, but its generation is behind

    CHECK(vault.failedAttempts() >= 4);
    auto result = vault.unlock(QStringLiteral("wrong"));
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == VaultError::Kind::TooSoon);
    CHECK(result.error().retryAfterMs == 15 * 60 * 1000);
}

TEST_CASE("KeyVault: the wait restarts in full after a reboot", "[platform]")
{
    test::TempDir dir;
    ManualClock clock;
    FakeFileSecretStore secrets(dir.filePath(QStringLiteral("keystore")));
    KeyVault vault(dir.filePath(QStringLiteral("vault.json")), secrets, clock, fastOptions());
    REQUIRE(vault.setUp(QStringLiteral("right")));
    failThreeTimes(vault);
    clock.advanceMs(1000);
    REQUIRE(vault.unlock(QStringLiteral("wrong")).error().retryAfterMs == 2000);
    clock.advanceMs(1500);
    // The monotonic counter restarts at boot, so time across a reboot cannot be measured.
    clock.reboot();
    CHECK(vault.retryAfterMs() == 2000);
    CHECK(vault.unlock(QStringLiteral("right")).error().kind == VaultError::Kind::TooSoon);
    clock.advanceMs(1999);
    CHECK(vault.unlock(QStringLiteral("right")).error().kind == VaultError::Kind::TooSoon);
    clock.advanceMs(1);
    CHECK(vault.unlock(QStringLiteral("right")));
}

TEST_CASE("KeyVault: an attempt that cannot be counted is refused", "[platform]")
{
    test::TempDir dir;
    ManualClock clock;
    FakeFileSecretStore writable(dir.filePath(QStringLiteral("keystore")));
    const QString path = dir.filePath(QStringLiteral("vault.json"));
    {
        KeyVault vault(path, writable, clock, fastOptions());
        REQUIRE(vault.setUp(QStringLiteral("right")));
    }
    ReadOnlySecretStore locked(writable);
    KeyVault vault(path, locked, clock, fastOptions());
    // Passcodes are never tried while the count cannot be kept (no record, no attempt), so
    // they cannot be guessed freely; what the file did record still makes them wait.
    for (int i = 0; i < 5; ++i) {
        auto result = vault.unlock(QStringLiteral("wrong"));
        REQUIRE_FALSE(result);
        CHECK((result.error().kind == VaultError::Kind::KeystoreUnavailable
               || result.error().kind == VaultError::Kind::TooSoon));
        clock.advanceMs(vault.retryAfterMs());
    }
    // Even the right one: a key whose counter reset was not written is not handed out.
    auto result = vault.unlock(QStringLiteral("right"));
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == VaultError::Kind::KeystoreUnavailable);
    // With the keystore back, the right passcode opens (after the wait the count earned).
    KeyVault again(path, writable, clock, fastOptions());
    clock.advanceMs(again.retryAfterMs());
    CHECK(again.unlock(QStringLiteral("right")));
    CHECK(again.failedAttempts() == 0);
}

TEST_CASE("KeyVault: the wipe policy destroys the key after N failures; off by default",
          "[platform]")
{
    test::TempDir dir;
    ManualClock clock;
    FakeFileSecretStore secrets(dir.filePath(QStringLiteral("keystore")));
    const QString path = dir.filePath(QStringLiteral("vault.json"));

    SECTION("off: ten failures wipe nothing")
    {
        KeyVault vault(path, secrets, clock, fastOptions());
        REQUIRE(vault.setUp(QStringLiteral("right")));
        for (int i = 0; i < 10; ++i) {
            clock.advanceMs(vault.retryAfterMs());
            REQUIRE(vault.unlock(QStringLiteral("wrong")).error().kind
                    == VaultError::Kind::WrongPasscode);
        }
        clock.advanceMs(vault.retryAfterMs());
        CHECK(vault.unlock(QStringLiteral("right")));
    }
    SECTION("after five")
    {
        KeyVault::Options options = fastOptions();
        options.wipeAfterFailures = 5;
        KeyVault vault(path, secrets, clock, options);
        REQUIRE(vault.setUp(QStringLiteral("right")));
        for (int i = 0; i < 4; ++i) {
            clock.advanceMs(vault.retryAfterMs());
            REQUIRE(vault.unlock(QStringLiteral("wrong")).error().kind
                    == VaultError::Kind::WrongPasscode);
        }
        clock.advanceMs(vault.retryAfterMs());
        auto fifth = vault.unlock(QStringLiteral("wrong"));
        REQUIRE_FALSE(fifth);
        CHECK(fifth.error().kind == VaultError::Kind::Wiped);
        CHECK_FALSE(vault.isSetUp());
        CHECK_FALSE(secrets.read(QStringLiteral("store-key-wrap-v1")));
        CHECK(vault.unlock(QStringLiteral("right")).error().kind == VaultError::Kind::NotSetUp);
    }
}

TEST_CASE("KeyVault: a vault from before the counter MAC upgrades; a stripped one does not",
          "[platform]")
{
    test::TempDir dir;
    ManualClock clock;
    FakeFileSecretStore secrets(dir.filePath(QStringLiteral("keystore")));
    const QString path = dir.filePath(QStringLiteral("vault.json"));
    KeyVault vault(path, secrets, clock, fastOptions());
    REQUIRE(vault.setUp(QStringLiteral("right")));
    QJsonObject json = QJsonDocument::fromJson(readAll(path)).object();
    for (const char *added : {"counterMac", "generation", "attemptBootId", "attemptMonotonicMs"}) {
        json.remove(QLatin1String(added));
    }
    const QByteArray legacy = QJsonDocument(json).toJson();

    SECTION("an old vault (the keystore has never held a counter) opens and gains the MAC")
    {
        REQUIRE(secrets.remove(QStringLiteral("passcode-counter-v1")));
        writeAll(path, legacy);
        REQUIRE(vault.unlock(QStringLiteral("right")));
        CHECK(QJsonDocument::fromJson(readAll(path)).object().contains(u"counterMac"));
        CHECK(vault.failedAttempts() == 0);
    }
    SECTION("the MAC stripped from a vault whose keystore has a counter: the lockout")
    {
        writeAll(path, legacy);
        CHECK(vault.unlock(QStringLiteral("right")).error().kind == VaultError::Kind::TooSoon);
    }
}
