// SPDX-License-Identifier: Apache-2.0
// KeystoreThread: the keystore's asynchronous jobs run on a thread of their own, so a caller
// waits for the answer without running an event loop, and a keystore that hangs is an error.
#include "catchqt.h"
#include "secretstore.h"
#include "tempdir.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace std::chrono_literals;

namespace {

void ensureApp()
{
    static int argc = 1;
    static char name[] = "platform_test";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
}

std::unique_ptr<KeystoreThread> slowKeystore(const test::TempDir &dir,
                                             std::chrono::milliseconds delay,
                                             std::chrono::milliseconds timeout)
{
    return std::make_unique<KeystoreThread>(
        std::make_unique<DelayedSecretBackend>(
            std::make_unique<FakeFileSecretStore>(dir.filePath(QStringLiteral("keystore"))), delay),
        timeout);
}

} // namespace

TEST_CASE("KeystoreThread: answers come back, errors keep their kind", "[platform][keystore]")
{
    ensureApp();
    test::TempDir dir;
    auto keystore = slowKeystore(dir, 20ms, 5s);
    CHECK(keystore->isFake());
    CHECK(keystore->read(QStringLiteral("absent")).error().kind == SecretError::Kind::NotFound);
    REQUIRE(keystore->write(QStringLiteral("k"), QByteArrayLiteral("secret")));
    CHECK(keystore->read(QStringLiteral("k")).value() == QByteArrayLiteral("secret"));
    REQUIRE(keystore->remove(QStringLiteral("k")));
    CHECK(keystore->read(QStringLiteral("k")).error().kind == SecretError::Kind::NotFound);
}

TEST_CASE("KeystoreThread: the caller handles no event while it waits", "[platform][keystore]")
{
    ensureApp();
    test::TempDir dir;
    auto keystore = slowKeystore(dir, 50ms, 5s);
    QObject receiver;
    int ran = 0;
    QMetaObject::invokeMethod(
        &receiver, [&ran] { ++ran; }, Qt::QueuedConnection);
    (void)keystore->read(QStringLiteral("anything"));
    // A nested event loop would have run the queued call inside read().
    CHECK(ran == 0);
    QCoreApplication::processEvents();
    CHECK(ran == 1);
}

TEST_CASE("KeystoreThread: a keystore that does not answer in time is unavailable",
          "[platform][keystore]")
{
    ensureApp();
    test::TempDir dir;
    auto keystore = slowKeystore(dir, 1500ms, 100ms);
    QElapsedTimer took;
    took.start();
    const auto answer = keystore->read(QStringLiteral("k"));
    CHECK(took.elapsed() < 1000);
    REQUIRE_FALSE(answer);
    CHECK(answer.error().kind == SecretError::Kind::Unavailable);
    // The late answer is dropped; closing the keystore with it pending is safe.
    keystore.reset();
}
