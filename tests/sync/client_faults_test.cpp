// SPDX-License-Identifier: Apache-2.0
// Seeded, repeatable fault trials (security.md #2, #3, #5): two devices sync through a
// TLS-terminating proxy that drops, duplicates, delays, reorders and replays requests and
// responses; clients "die" between any two steps (destroyed mid-flight, sometimes with the
// store reopened) and, in a few trials, as real child processes killed with SIGKILL; the
// server process is SIGKILLed mid-batch and restarted on its store. After every trial each
// signed session is on the server exactly once with the device's hash, and the device lost
// nothing.
//
// SESSIONBOOK_SYNC_TRIALS (default 500), SESSIONBOOK_SYNC_SEED (default 20261126) replays a
// run, SESSIONBOOK_SYNC_KILL_EVERY (default 50) spaces the server kills,
// SESSIONBOOK_SYNC_CHILD_TRIALS (default 4) the child-process kills.
#include "catchqt.h"
#include "client_harness.h"
#include "faultproxy.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>

#include <catch2/catch_test_macros.hpp>
#include <csignal>
#include <cstdio>
#include <random>

using namespace sb;
using namespace sb::synctest;

namespace {

sync::SyncClient::Options faultOptions(const TestCertificate &proxy)
{
    sync::SyncClient::Options options;
    options.retryBaseMs = 2;
    options.retryCapMs = 40;
    options.periodicIntervalMs = 0;
    options.transferTimeoutMs = 10'000;
    options.requestDeadlineMs = 15'000; // well inside the 30 s a device has to settle
    options.maxBatchChanges = 2;        // several batches per sync, so a kill can fall between them
    options.trustedCertificates = {proxy.certificate};
    return options;
}

bool restartServer(OfficeServer &server, FaultProxy &proxy)
{
    if (!server.start()) {
        return false;
    }
    proxy.setUpstream(server.port(), server.certificateSha256());
    return true;
}

std::int64_t officeSessionCount(Store &office)
{
    auto count = office.database().prepare("SELECT count(*) FROM sessions");
    if (!count || !count->step()) {
        return -1;
    }
    return count->int64(0);
}

/// One run of fault trials. The seeded run takes its figures from the environment; targeted
/// cases pin down one kind of fault.
struct TrialPlan {
    int trials = 500;
    std::uint64_t seed = 20261126;
    int killEvery = 50;         ///< Every n-th trial SIGKILLs the server mid-batch (0: never).
    int killDelayMaxMs = 6;     ///< The kill lands 0..this many ms after the first push left,
    int killAfterFaultsMs = -1; ///< or, when >= 0, this long after the faulty phase ended.
    int faultPhaseMs = -1;      ///< -1: 10..150 ms, ended early once the devices settle.
    double faultRate = 0.5;     ///< The proxy's fault rate while a trial runs.
    bool clientDeaths = true;   ///< Clients halt at chosen steps and are restarted.
};

/// Returns the number of server kills.
int runFaultTrials(const TrialPlan &plan)
{
    const int trials = plan.trials;
    const std::uint64_t seed = plan.seed;
    const int killEvery = plan.killEvery;
    INFO("seed " << seed << ", trials " << trials);

    OfficeServer server;
    Practice practice;
    REQUIRE(server.seed(2, 3, practice));
    REQUIRE(server.start());
    const auto certificate = makeTestCertificate();
    REQUIRE(certificate);
    FaultProxy proxy(*certificate, seed);
    REQUIRE(proxy.start());
    proxy.setUpstream(server.port(), server.certificateSha256());
    const QUrl proxyUrl(QStringLiteral("https://127.0.0.1:%1").arg(proxy.port()));

    std::vector<std::unique_ptr<Device>> devices;
    for (int d = 0; d < 2; ++d) {
        devices.push_back(std::make_unique<Device>(practice, d, faultOptions(*certificate),
                                                   seed + static_cast<std::uint64_t>(d)));
        REQUIRE(devices.back()->isValid());
        const auto code = server.enrollCode(practice.clinicians[d].user.login);
        REQUIRE(code);
        const auto failure = devices.back()->enroll(proxyUrl, *code);
        INFO((failure ? failure->toStdString() : std::string()));
        REQUIRE_FALSE(failure);
    }
    auto office = server.openStore();
    REQUIRE(office);

    std::mt19937_64 rng(seed);
    auto roll = [&rng](int low, int high) {
        return std::uniform_int_distribution<int>(low, high)(rng);
    };
    int clientKills = 0;
    int storeReopens = 0;
    int serverKills = 0;
    QElapsedTimer elapsed;
    elapsed.start();

    for (int trial = 0; trial < trials; ++trial) {
        INFO("trial " << trial);
        proxy.reseed(seed * 1000 + static_cast<std::uint64_t>(trial));
        proxy.setFaultRate(plan.faultRate);

        QList<QList<SessionId>> fresh(static_cast<qsizetype>(devices.size()));
        for (std::size_t d = 0; d < devices.size(); ++d) {
            const int count = roll(1, 3);
            for (int i = 0; i < count; ++i) {
                const SessionId id = devices[d]->signNewSession(false);
                REQUIRE_FALSE(id.isNull());
                fresh[static_cast<qsizetype>(d)].append(id);
            }
            // This client dies at a chosen step (the n-th time it gets there), or not at all.
            if (plan.clientDeaths && roll(0, 9) < 4) {
                const auto step = static_cast<sync::SyncStep>(roll(0, 6));
                auto remaining = std::make_shared<int>(roll(0, 2));
                devices[d]->client().setFaultHook([step, remaining](sync::SyncStep at) {
                    return at == step && (*remaining)-- == 0;
                });
            }
        }
        // The server dies mid-batch: shortly after the trial's first push reached it. The
        // trial owns the kill's timer, so a kill armed near the end of the faulty phase cannot
        // fire later, during the quiescence check, with nobody left to restart the server.
        QTimer killTimer;
        killTimer.setSingleShot(true);
        QObject::connect(&killTimer, &QTimer::timeout, [&] {
            server.kill();
            ++serverKills;
        });
        QDeadlineTimer faultsEnd(std::max(0, plan.faultPhaseMs));
        bool killServer = killEvery > 0 && trial % killEvery == killEvery / 2;
        if (killServer) {
            const int delayMs = roll(0, plan.killDelayMaxMs);
            proxy.setForwardHook([&, delayMs](int, const QByteArray &path) {
                if (path != "/v1/push" || !killServer) {
                    return;
                }
                killServer = false;
                killTimer.start(plan.killAfterFaultsMs < 0
                                    ? delayMs
                                    : static_cast<int>(faultsEnd.remainingTime())
                                          + plan.killAfterFaultsMs);
            });
        }

        for (auto &device : devices) {
            device->client().syncNow();
        }
        if (plan.faultPhaseMs >= 0) {
            waitUntil([&] { return faultsEnd.hasExpired(); }, plan.faultPhaseMs + 1);
        } else {
            waitUntil(
                [&] {
                    for (auto &device : devices) {
                        sync::SyncClient &client = device->client();
                        if (client.isSyncing()
                            || (client.pendingCount() > 0 && !client.isHalted())) {
                            return false;
                        }
                    }
                    return true;
                },
                roll(10, 150));
        }

        // Kill the clients that halted at their step, whichever are still mid-flight and a
        // few others, sometimes reopening the store as a restarted app would.
        for (auto &device : devices) {
            if (device->client().isHalted() || device->client().isSyncing() || roll(0, 3) == 0) {
                const bool reopen = roll(0, 1) == 1;
                device->restartClient(reopen);
                ++clientKills;
                storeReopens += reopen ? 1 : 0;
                REQUIRE(device->isValid());
            }
            device->client().setFaultHook({});
        }
        proxy.setForwardHook({});
        proxy.setFaultRate(0.0);
        if (killTimer.isActive()) {
            // Armed but not yet fired: it lands now, before the restart check.
            killTimer.stop();
            server.kill();
            ++serverKills;
        }
        if (!server.isRunning()) {
            REQUIRE(restartServer(server, proxy));
        }
        for (std::size_t d = 0; d < devices.size(); ++d) {
            Device &device = *devices[d];
            REQUIRE(device.syncToQuiescence(30'000));
            auto entries = device.client().deviceStore().entries();
            REQUIRE(entries);
            CHECK(entries->isEmpty()); // nothing conflicted or rejected
            const QString problem =
                checkOnServerExactlyOnce(*office, device.store(), fresh[static_cast<qsizetype>(d)]);
            INFO(problem.toStdString());
            REQUIRE(problem.isEmpty());
        }
        std::int64_t signedTotal = 0;
        for (auto &device : devices) {
            signedTotal += device->signedSessions().size();
        }
        REQUIRE(officeSessionCount(*office) == signedTotal);
        if ((trial + 1) % 500 == 0) {
            // Long runs take an hour: a cut-short run still shows how far it got cleanly.
            std::fprintf(stderr, "fault trials: %d of %d passed, %lld ms\n", trial + 1, trials,
                         static_cast<long long>(elapsed.elapsed()));
        }
    }

    // Every session ever signed, once more at the end, with the devices reopened.
    for (auto &device : devices) {
        device->restartClient(true);
        REQUIRE(
            checkOnServerExactlyOnce(*office, device->store(), device->signedSessions()).isEmpty());
    }
    WARN("fault trials: " << trials << " in " << elapsed.elapsed() << " ms; proxy requests "
                          << proxy.requests() << " (drop request "
                          << proxy.count(FaultProxy::Fault::DropRequest) << ", drop response "
                          << proxy.count(FaultProxy::Fault::DropResponse) << ", duplicate "
                          << proxy.count(FaultProxy::Fault::Duplicate) << ", delay "
                          << proxy.count(FaultProxy::Fault::Delay) << ", reorder "
                          << proxy.count(FaultProxy::Fault::Reorder) << ", replay "
                          << proxy.count(FaultProxy::Fault::Replay) << "); client kills "
                          << clientKills << " (store reopened " << storeReopens
                          << "); server SIGKILLs " << serverKills);
    if (plan.faultRate > 0.0) {
        CHECK(proxy.count(FaultProxy::Fault::DropResponse) > 0);
        CHECK(proxy.count(FaultProxy::Fault::Duplicate) > 0);
    }
    if (trials >= killEvery && killEvery > 0) {
        CHECK(serverKills > 0);
    }
    return serverKills;
}

} // namespace

TEST_CASE("Seeded fault trials: every session on the server exactly once, nothing lost",
          "[integration]")
{
    ensureApp();
    TrialPlan plan;
    plan.trials = static_cast<int>(envNumber("SESSIONBOOK_SYNC_TRIALS", 500));
    plan.seed = envNumber("SESSIONBOOK_SYNC_SEED", 20261126);
    plan.killEvery = static_cast<int>(envNumber("SESSIONBOOK_SYNC_KILL_EVERY", 50));
    runFaultTrials(plan);
}

TEST_CASE("A server kill armed as the faults stop lands before the restart check", "[integration]")
{
    // A 10,000-trial run once failed at a kill trial: the kill's timer was still pending when
    // the faults stopped and fired during the quiescence check, so the server stayed down.
    // Here every trial kills, and the kill is due just after the faulty phase ends, while
    // the first device settles.
    ensureApp();
    TrialPlan plan;
    plan.trials = 3;
    plan.seed = 4450;
    plan.killEvery = 1;
    plan.faultPhaseMs = 200;
    plan.killAfterFaultsMs = 10;
    plan.faultRate = 0.0;
    plan.clientDeaths = false;
    CHECK(runFaultTrials(plan) == plan.trials);
}

TEST_CASE("A client process killed with SIGKILL mid-sync loses nothing and duplicates nothing",
          "[integration]")
{
    ensureApp();
    const auto rounds = static_cast<int>(envNumber("SESSIONBOOK_SYNC_CHILD_TRIALS", 4));
    const std::uint64_t seed = envNumber("SESSIONBOOK_SYNC_SEED", 20261126);
    OfficeServer server;
    Practice practice;
    REQUIRE(server.seed(1, 2, practice));
    REQUIRE(server.start());
    const auto certificate = makeTestCertificate();
    REQUIRE(certificate);
    FaultProxy proxy(*certificate, seed);
    REQUIRE(proxy.start());
    proxy.setUpstream(server.port(), server.certificateSha256());
    proxy.setFaultRate(0.2);
    const QUrl proxyUrl(QStringLiteral("https://127.0.0.1:%1").arg(proxy.port()));

    QTemporaryDir scratch;
    REQUIRE(scratch.isValid());
    const QString caPath = scratch.filePath(QStringLiteral("proxy.pem"));
    {
        QFile ca(caPath);
        REQUIRE(ca.open(QIODevice::WriteOnly));
        ca.write(certificate->certificate.toPem());
    }

    Device device(practice, 0, faultOptions(*certificate), seed);
    REQUIRE(device.isValid());
    proxy.setFaultRate(0.0);
    const auto code = server.enrollCode(practice.clinicians[0].user.login);
    REQUIRE(code);
    REQUIRE_FALSE(device.enroll(proxyUrl, *code));
    proxy.setFaultRate(0.2);

    std::mt19937_64 rng(seed);
    int killed = 0;
    for (int round = 0; round < rounds; ++round) {
        for (int i = 0; i < 24; ++i) {
            REQUIRE_FALSE(device.signNewSession(false).isNull());
        }
        QProcess child;
        child.setProgram(QStringLiteral(SESSIONBOOK_BIN_DIR "/sync_client_child"));
        child.setArguments({device.databasePath(), device.tokenPath(), caPath});
        child.start();
        REQUIRE(child.waitForStarted(10'000));
        // Once the child has started its sync (one change per request), a random moment.
        waitUntil([&] { return child.canReadLine() || child.state() == QProcess::NotRunning; },
                  10'000);
        const int killAfterMs = std::uniform_int_distribution<int>(0, 60)(rng);
        // Let the child's event loop run against the proxy (which lives in this process).
        waitUntil([&] { return child.state() == QProcess::NotRunning; }, killAfterMs);
        if (child.state() != QProcess::NotRunning) {
            ::kill(static_cast<pid_t>(child.processId()), SIGKILL);
            ++killed;
        }
        waitUntil([&] { return child.state() == QProcess::NotRunning; }, 10'000);
    }
    proxy.setFaultRate(0.0);
    device.restartClient(true);
    REQUIRE(device.syncToQuiescence(30'000));
    auto office = server.openStore();
    REQUIRE(office);
    CHECK(checkOnServerExactlyOnce(*office, device.store(), device.signedSessions()).isEmpty());
    CHECK(officeSessionCount(*office) == device.signedSessions().size());
    WARN("child processes SIGKILLed mid-sync: " << killed << " of " << rounds);
    CHECK(killed > 0);
}
