// SPDX-License-Identifier: Apache-2.0
// bench-sync: the device sync client against the real `sessionbook-office serve` process
// over loopback TLS.
//   1. One device pushes N signed sessions (default 10,000) until every one is acknowledged;
//      then, in the same command, the same rows are inserted into a copy of the office store
//      in batched transactions through the store's own repositories (the baseline). Prints
//      seconds for both and the ratio of rates (budget: push <= 2 s, ratio >= 0.5).
//   2. D simulated devices (default 200) sync at once, each with a few signed sessions:
//      errors, lost and duplicated sessions (all must be 0) and p50/p99 latency from
//      syncNow() to a completed cycle, next to one device syncing alone.
// Prints figures; it is not a test. Options: --sessions N --devices D --per-device K.
#include "client/devicesyncstore.h"
#include "client_harness.h"
#include "fixtures.h"
#include "recordcodec.h"
#include "server/officesyncrepository.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QMap>

#include <algorithm>
#include <cstdio>
#include <unistd.h>
#include <vector>

using namespace sb;
using namespace sb::synctest;

namespace {

sync::SyncClient::Options benchOptions()
{
    sync::SyncClient::Options options;
    options.retryBaseMs = 20;
    options.retryCapMs = 2'000;
    options.periodicIntervalMs = 0;
    options.transferTimeoutMs = 60'000;
    return options;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

/// Signs `count` sessions on the device in one outer transaction (setup, not measured).
bool signMany(Device &device, const Practice &practice, int clinician, int count)
{
    const Practice::Clinician &c = practice.clinicians.at(clinician);
    Store &store = device.store();
    auto tx = store.database().begin();
    if (!tx) {
        return false;
    }
    sync::DeviceSyncStore outbox(store);
    for (int i = 0; i < count; ++i) {
        Session draft = test::makeDraftSession(
            store.ids(), device.clock(), practice.organization.id,
            c.patients.at(i % c.patients.size()).id, c.provider.id, practice.payer.id);
        if (!store.sessions().saveDraft(device.actor(), draft)
            || !outbox.signSession(device.actor(), draft.id, c.user.id, device.clock().nowUtc())) {
            return false;
        }
    }
    return tx->commit().hasValue();
}

struct Counts {
    std::int64_t lost = 0;
    std::int64_t duplicated = 0;
};

/// Every signed session of the device on the office exactly once (sessions and ledger).
Counts audit(Store &office, Store &device)
{
    Counts counts;
    auto signedIds =
        device.database().prepare("SELECT id FROM sessions WHERE signed_at IS NOT NULL");
    if (!signedIds) {
        return {-1, -1};
    }
    for (;;) {
        auto row = signedIds->step();
        if (!row || !*row) {
            break;
        }
        const QByteArray id = signedIds->blob(0);
        auto check = office.database().prepare(
            "SELECT (SELECT count(*) FROM sessions WHERE id = ?1), "
            "(SELECT count(*) FROM office_sync_ledger WHERE record_id = ?1)");
        if (!check) {
            return {-1, -1};
        }
        check->bind(1, id);
        if (!check->step()) {
            return {-1, -1};
        }
        if (check->int64(0) == 0) {
            ++counts.lost;
        }
        if (check->int64(0) > 1 || check->int64(1) > 1) {
            ++counts.duplicated;
        }
    }
    return counts;
}

bool enroll(Device &device, OfficeServer &server, Store &office, const UserId &user)
{
    sync::OfficeSyncRepository repo(office.database(), office.audit(), office.clock(),
                                    office.ids());
    auto code = repo.issueEnrollmentCode(Actor{}, user, 60);
    if (!code) {
        return false;
    }
    const auto failure = device.enroll(server.url(), *code, server.keyPin());
    if (failure) {
        std::fprintf(stderr, "enroll: %s\n", qPrintable(*failure));
    }
    return !failure;
}

/// CPU seconds (user + system) a process has used so far, from /proc; -1 when unknown.
double cpuSeconds(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (pid <= 0 || !stat.open(QIODevice::ReadOnly)) {
        return -1;
    }
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13) {
        return -1;
    }
    // utime and stime are fields 14 and 15 of the file (11 and 12 after the command name).
    return double(fields[11].toLongLong() + fields[12].toLongLong())
           / double(::sysconf(_SC_CLK_TCK));
}

/// Copies the office store's files (the server must be down).
bool copyStore(const QString &from, const QString &to)
{
    for (const char *suffix : {"", "-wal"}) {
        const QString source = from + QString::fromLatin1(suffix);
        if (QFile::exists(source) && !QFile::copy(source, to + QString::fromLatin1(suffix))) {
            return false;
        }
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Sync client throughput and concurrency."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("sessions"), QStringLiteral("Sessions pushed by one device."),
                      QStringLiteral("n"), QStringLiteral("10000")});
    parser.addOption({QStringLiteral("devices"), QStringLiteral("Devices syncing at once."),
                      QStringLiteral("n"), QStringLiteral("200")});
    parser.addOption({QStringLiteral("per-device"), QStringLiteral("Sessions per device."),
                      QStringLiteral("n"), QStringLiteral("3")});
    parser.process(app);
    const int sessions = parser.value(QStringLiteral("sessions")).toInt();
    const int deviceCount = parser.value(QStringLiteral("devices")).toInt();
    const int perDevice = parser.value(QStringLiteral("per-device")).toInt();
    const int clinicians = std::max(1, std::min(deviceCount, 20));

    OfficeServer server;
    // Every simulated device shares 127.0.0.1, and all of them start at the same instant:
    // more than the per-address defaults (meant for one practice behind one NAT address)
    // let through at once. The bench measures the sync, not those limits.
    server.setExtraArguments({QStringLiteral("--max-connections-per-address"),
                              QString::number(4 * std::max(deviceCount, 128)),
                              QStringLiteral("--accept-rate-per-address"),
                              QString::number(20 * std::max(deviceCount, 128))});
    Practice practice;
    if (!server.seed(clinicians + 1, 4, practice)) {
        std::fputs("cannot seed the office store\n", stderr);
        return 1;
    }
    test::TempDir baselineDir;
    const QString baselinePath = baselineDir.filePath(QStringLiteral("baseline.db"));
    if (!copyStore(server.databasePath(), baselinePath) || !server.start()) {
        std::fputs("cannot start sessionbook-office serve\n", stderr);
        return 1;
    }
    auto office = server.openStore();
    if (!office) {
        return 1;
    }
    std::printf("bench-sync: sessionbook-office serve on 127.0.0.1:%u (TLS, dev certificate "
                "pinned)\n",
                unsigned(server.port()));

    // ---- 1. One device pushes N sessions --------------------------------------------------
    const int pusher = clinicians; // its own clinician, so part 2 does not see its sessions
    Device device(practice, pusher, benchOptions(), 1);
    if (!device.isValid()
        || !enroll(device, server, *office, practice.clinicians[pusher].user.id)) {
        std::fputs("device setup failed\n", stderr);
        return 1;
    }
    if (!device.syncToQuiescence(60'000) || !signMany(device, practice, pusher, sessions)) {
        std::fputs("signing failed\n", stderr);
        return 1;
    }
    device.restartClient(false); // pick up the pending count
    QList<QByteArray> payloads;
    {
        auto entries = device.client().deviceStore().entries();
        for (const sync::OutboxEntry &e : *entries) {
            payloads.append(e.payload);
        }
    }
    QElapsedTimer timer;
    double pushSeconds = -1;
    double cycleSeconds = -1;
    QObject::connect(&device.client(), &sync::SyncClient::pendingCountChanged, [&] {
        if (device.client().pendingCount() == 0 && pushSeconds < 0) {
            pushSeconds = double(timer.nsecsElapsed()) / 1e9;
        }
    });
    bool cycleOk = false;
    bool cycleDone = false;
    QObject::connect(&device.client(), &sync::SyncClient::syncFinished, [&](bool ok) {
        cycleOk = ok;
        cycleDone = true;
        cycleSeconds = double(timer.nsecsElapsed()) / 1e9;
    });
    const double serverCpuBefore = cpuSeconds(server.processId());
    const double clientCpuBefore = cpuSeconds(::getpid());
    timer.start();
    device.client().syncNow();
    waitUntil([&] { return pushSeconds >= 0 || cycleDone; }, 600'000);
    const double serverCpu = cpuSeconds(server.processId()) - serverCpuBefore;
    const double clientCpu = cpuSeconds(::getpid()) - clientCpuBefore;
    waitUntil([&] { return cycleDone; }, 600'000);
    const Counts pushedCounts = audit(*office, device.store());
    std::printf(
        "push: %d sessions acknowledged in %.3f s (%.0f sessions/s; budget <= 2 s: %s); "
        "cycle with the pull of their statuses %.3f s; requests %d, ok %s, lost %lld, "
        "duplicated %lld\n",
        sessions, pushSeconds, sessions / pushSeconds, pushSeconds <= 2.0 ? "met" : "MISSED",
        cycleSeconds, device.client().stats().requests, cycleOk ? "yes" : "NO",
        static_cast<long long>(pushedCounts.lost), static_cast<long long>(pushedCounts.duplicated));

    std::printf("push CPU: server process %.2f s, client process %.2f s (of %.2f s wall)\n",
                serverCpu, clientCpu, pushSeconds);

    // Baseline: the same rows into a copy of the office store, 500 per transaction, through
    // the repositories the server stores them with (draft + signature + status + audit).
    double baselineSeconds = -1;
    {
        SystemClock clock;
        auto baseline = Store::open(baselinePath, test::testKey(), clock);
        if (!baseline) {
            std::fputs("cannot open the baseline store\n", stderr);
            return 1;
        }
        QList<Session> rows;
        rows.reserve(payloads.size());
        for (const QByteArray &payload : payloads) {
            sync::pb::Change change;
            change.ParseFromArray(payload.constData(), int(payload.size()));
            auto decoded = sync::decodeSession(change.session());
            if (decoded) {
                rows.append(*decoded);
            }
        }
        const Actor actor{practice.clinicians[pusher].user.id, DeviceId()};
        QElapsedTimer base;
        base.start();
        for (qsizetype start = 0; start < rows.size(); start += 500) {
            auto tx = (*baseline)->database().begin();
            for (qsizetype i = start; i < std::min(rows.size(), start + 500); ++i) {
                Session draft = rows[i];
                const Signature signature = *draft.signature;
                draft.signature.reset();
                draft.statusTrail = {StatusEntry{SessionStatus::Received, clock.nowUtc(), {}}};
                (void)(*baseline)->sessions().saveDraft(actor, draft);
                (void)(*baseline)->sessions().sign(actor, draft.id, signature.signedBy,
                                                   signature.signedAt);
            }
            (void)tx->commit();
        }
        baselineSeconds = double(base.nsecsElapsed()) / 1e9;
    }
    std::printf("baseline: the same %lld rows inserted into an office store in batches of 500 "
                "in %.3f s (%.0f rows/s)\n",
                static_cast<long long>(payloads.size()), baselineSeconds,
                double(payloads.size()) / baselineSeconds);
    const double ratio = baselineSeconds / pushSeconds;
    std::printf("ratio push rate / baseline rate: %.2f (budget >= 0.5: %s)\n", ratio,
                ratio >= 0.5 ? "met" : "MISSED");

    // ---- 2. D devices at once ----------------------------------------------------------------
    std::vector<std::unique_ptr<Device>> devices;
    QElapsedTimer setup;
    setup.start();
    // Device 0 syncs alone first (the baseline), then devices 1..D all at once.
    for (int d = 0; d <= deviceCount; ++d) {
        const int clinician = d % clinicians;
        auto made =
            std::make_unique<Device>(practice, clinician, benchOptions(), std::uint64_t(100 + d));
        if (!made->isValid()
            || !enroll(*made, server, *office, practice.clinicians[clinician].user.id)
            || !signMany(*made, practice, clinician, perDevice)) {
            std::fprintf(stderr, "device %d setup failed\n", d);
            return 1;
        }
        made->restartClient(false);
        devices.push_back(std::move(made));
    }
    std::printf("%d devices set up (stores, enrollment, %d signed sessions each) in %.1f s\n",
                deviceCount + 1, perDevice, double(setup.elapsed()) / 1000);

    QMap<QString, int> reasons;
    auto syncAll = [&](std::size_t from, std::size_t to, std::vector<double> &latencies,
                       int &errors) {
        std::vector<bool> done(devices.size(), false);
        std::vector<QMetaObject::Connection> connections;
        QElapsedTimer clock;
        clock.start();
        std::size_t remaining = to - from;
        for (std::size_t d = from; d < to; ++d) {
            connections.push_back(QObject::connect(
                &devices[d]->client(), &sync::SyncClient::syncFinished, [&, d](bool ok) {
                    if (done[d]) {
                        return;
                    }
                    if (!ok) {
                        ++errors; // a failed attempt; the client retries with backoff
                        ++reasons[devices[d]->client().lastError()];
                        return;
                    }
                    done[d] = true;
                    --remaining;
                    latencies.push_back(double(clock.nsecsElapsed()) / 1e6);
                }));
        }
        for (std::size_t d = from; d < to; ++d) {
            devices[d]->client().syncNow();
        }
        waitUntil([&] { return remaining == 0; }, 600'000);
        for (const auto &c : connections) {
            QObject::disconnect(c);
        }
        return remaining == 0;
    };

    std::vector<double> alone;
    int aloneErrors = 0;
    syncAll(0, 1, alone, aloneErrors);
    std::vector<double> latencies;
    int errors = 0;
    const bool finished = syncAll(1, devices.size(), latencies, errors);
    std::int64_t lost = 0;
    std::int64_t duplicated = 0;
    for (const auto &d : devices) {
        const Counts c = audit(*office, d->store());
        lost += c.lost;
        duplicated += c.duplicated;
    }
    std::printf("one device alone: %.1f ms (errors %d)\n", alone.empty() ? -1.0 : alone[0],
                aloneErrors);
    std::printf("%zu devices at once: all finished %s, errors %d, lost %lld, duplicated %lld, "
                "latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
                devices.size() - 1, finished ? "yes" : "NO", errors, static_cast<long long>(lost),
                static_cast<long long>(duplicated), percentile(latencies, 0.50),
                percentile(latencies, 0.99), percentile(latencies, 1.0));
    for (auto it = reasons.cbegin(); it != reasons.cend(); ++it) {
        std::printf("  failed attempts: %d x \"%s\"\n", it.value(), qPrintable(it.key()));
    }
    return (finished && errors == 0 && lost == 0 && duplicated == 0) ? 0 : 1;
}
