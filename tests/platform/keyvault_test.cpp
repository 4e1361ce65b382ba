// SPDX-License-Identifier: Apache-2.0
#include "catchqt.h"
#include "fixtures.h"
#include "keycrypto.h"
#include "keyvault.h"
#include "secretstore.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>

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
    // Winding the wall clock back does not shorten the wait.
    clock.setWallMs(clock.nowMsSinceEpoch() - 3'600'000);
    CHECK(again.retryAfterMs() == 4000);
    clock.setWallMs(clock.nowMsSinceEpoch() + 3'600'000 + 4000);
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
        REQUIRE(secrets.write(QStringLiteral("store-key-wrap-v1"), keycrypto::randomBytes(32)));
        CHECK(vault.unlock(QStringLiteral("right")).error().kind
              == VaultError::Kind::WrongPasscode);
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
