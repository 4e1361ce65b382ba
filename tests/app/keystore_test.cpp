// SPDX-License-Identifier: Apache-2.0
// The keystore never runs an event loop on the store thread: with a slow keystore, store jobs
// queued during an unlock run after it, one at a time, in the order they were queued.
#include "apptestharness.h"
#include "catchqt.h"
#include "lockcontroller.h"
#include "secretstore.h"
#include "storehost.h"

#include <QDir>
#include <QElapsedTimer>
#include <QMutex>

#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::app;
using namespace sb::app::testing;
using namespace std::chrono_literals;

namespace {

/// A StoreHost on `dir` whose keystore answers each request `delay` late, on its
/// KeystoreThread, and gives up after `timeout`.
struct SlowKeystoreHost {
    bool appReady = (ensureApp(), true); ///< Before the keystore thread starts its loop.
    ManualClock clock{QDateTime::currentMSecsSinceEpoch()};
    KeystoreThread secrets;
    std::unique_ptr<StoreHost> host;

    SlowKeystoreHost(const QDir &dir, std::chrono::milliseconds delay,
                     std::chrono::milliseconds timeout = KeystoreThread::defaultTimeout)
        : secrets(
            std::make_unique<DelayedSecretBackend>(
                std::make_unique<FakeFileSecretStore>(dir.filePath(QStringLiteral("keystore"))),
                delay),
            timeout)
    {
        StoreHost::Config config;
        config.vaultPath = dir.filePath(QStringLiteral("vault.json"));
        config.storePath = dir.filePath(QStringLiteral("device.db"));
        config.secrets = &secrets;
        config.clock = &clock;
        config.vaultOptions.iterations = 1000;
        config.prepareNewStore = Harness::demoDevice();
        host = std::make_unique<StoreHost>(config);
    }
};

} // namespace

TEST_CASE("A slow keystore: store jobs queued during an unlock run after it, in order",
          "[app][keystore]")
{
    sb::test::TempDir dir;
    SlowKeystoreHost slow(QDir(dir.path()), 60ms);
    LockController lock(*slow.host);
    lock.choosePasscode(QStringLiteral("258036"), QStringLiteral("258036"));
    REQUIRE(waitFor([&] { return lock.state() == LockController::Unlocked; }));
    lock.lock();
    REQUIRE(waitFor([&] { return lock.state() == LockController::Locked; }));

    // The unlock asks the keystore several times (counter, device secret); each answer is
    // slow. Jobs queued right behind it must neither run inside it nor inside each other,
    // though each also waits for the keystore (as the device token does).
    lock.unlock(QStringLiteral("258036"));
    QMutex mutex;
    QStringList trail;
    int finished = 0;
    QObject receiver;
    constexpr int jobs = 4;
    for (int i = 1; i <= jobs; ++i) {
        slow.host->run<bool>(
            &receiver,
            [&, i](WorkerState &state) {
                {
                    QMutexLocker locked(&mutex);
                    trail << QStringLiteral("begin %1 %2")
                                 .arg(i)
                                 .arg(state.store ? QStringLiteral("open")
                                                  : QStringLiteral("closed"));
                }
                (void)slow.secrets.read(QStringLiteral("sync-device-token"));
                QMutexLocker locked(&mutex);
                trail << QStringLiteral("end %1").arg(i);
                return true;
            },
            [&](const bool &) { ++finished; });
    }
    REQUIRE(waitFor([&] { return finished == jobs; }));
    CHECK(lock.state() == LockController::Unlocked);

    QStringList expected;
    for (int i = 1; i <= jobs; ++i) {
        // Each ran after the unlock ended (the store is open) and before the next began.
        expected << QStringLiteral("begin %1 open").arg(i) << QStringLiteral("end %1").arg(i);
    }
    QMutexLocker locked(&mutex);
    CHECK(trail == expected);
}

TEST_CASE("A keystore that does not answer in time is unavailable, and the unlock says so",
          "[app][keystore]")
{
    sb::test::TempDir dir;
    {
        SlowKeystoreHost quick(QDir(dir.path()), 0ms);
        LockController lock(*quick.host);
        lock.choosePasscode(QStringLiteral("258036"), QStringLiteral("258036"));
        REQUIRE(waitFor([&] { return lock.state() == LockController::Unlocked; }));
    }
    // The same device, its keystore now stalled (a keyring prompt nobody answers).
    SlowKeystoreHost stalled(QDir(dir.path()), 5s, 200ms);
    LockController lock(*stalled.host);
    REQUIRE(lock.state() == LockController::Locked);
    QElapsedTimer took;
    took.start();
    lock.unlock(QStringLiteral("258036"));
    REQUIRE(waitFor([&] { return lock.state() == LockController::Locked; }));
    CHECK(took.elapsed() < 4000);
    CHECK(lock.error().kind() == AppError::KeystoreUnavailable);
    CHECK(lock.failedAttempts() == 0); // the passcode was never tried
}
