// SPDX-License-Identifier: Apache-2.0
// bench-today-list [--sessions N] [--rounds R]: the Today list with N sessions (default
// 10,000: N patients of the signed-in clinician, each with a session today), as the app loads
// it. TodayModel pages its rows: reload() reads the first page (sessions, patients, warnings)
// in one job on the store thread (StoreHost) and replaces the rows with one model reset on
// this (GUI) thread; each fetchMore() appends the next page, as a view does when scrolled to
// the end. Measured: reload to first page, the model reset, one fetchMore, and scrolling
// through every page. Seeding is setup, not measured.
// Against, in the same process and store: the raw SELECT of all the rows (patient, name,
// today's session, its first timer tap, signed) into a QList, on the same store thread.
// Memory once every page is in: the heap bytes the model's rows hold, as what clear() frees
// (mallinfo2 with one arena, after malloc_trim), and VmRSS from /proc/self/status likewise.
// Budget (design.md): model reset <= 30 ms.
#include "demodevice.h"
#include "domain/session.h"
#include "lockcontroller.h"
#include "secretstore.h"
#include "store/database.h"
#include "storehost.h"
#include "todaymodel.h"
#include "util/clock.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <malloc.h>
#include <vector>

namespace {

using namespace sb;

bool waitFor(const std::function<bool()> &done, int timeoutMs = 600000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired()) {
            return false;
        }
        // Sleeps until an event arrives (the job's result is one). The overload with a
        // maximum time would drop WaitForMoreEvents and spin a core the store thread needs.
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
    }
    return true;
}

long vmRssKb()
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        return -1;
    }
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith("VmRSS:")) {
            return line.mid(6).trimmed().split(' ').first().toLong();
        }
    }
    return -1;
}

/// Heap bytes in use after returning free memory to the system.
long long heapInUse()
{
    malloc_trim(0);
    const struct mallinfo2 info = mallinfo2();
    // Large blocks (a QList of 10,000 rows) are mmapped and counted apart, in hblkhd.
    return static_cast<long long>(info.uordblks + info.hblkhd);
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

/// The baseline's row: what the list shows, straight from SQL.
struct RawRow {
    QByteArray patientId;
    QString lastName;
    QString firstName;
    QByteArray sessionId;
    qint64 firstTapMs = 0;
    bool isSigned = false;
};

/// N patients of the clinician, each with a 45-minute draft session today. One transaction.
int seed(app::WorkerState &state, int count)
{
    if (!state.store || !state.provider || !state.clinician) {
        return -1;
    }
    Store &store = *state.store;
    auto tx = store.database().begin();
    if (!tx) {
        return -1;
    }
    const QDate today = state.clock.nowUtc().toLocalTime().date();
    const QDateTime now = state.clock.nowUtc();
    for (int i = 0; i < count; ++i) {
        Patient patient{PatientId(store.ids().next()),
                        state.clinician->organizationId,
                        QStringLiteral("First%1").arg(i),
                        QStringLiteral("Last%1").arg(i, 5, 10, QChar(u'0')),
                        QDate(1980, 1, 1).addDays(i % 9000),
                        Sex::Unknown,
                        QString(),
                        QString(),
                        QString(),
                        QString(),
                        QString(),
                        state.provider->id};
        if (!store.patients().save(state.actor, patient)) {
            return -1;
        }
        Session s;
        s.id = SessionId(store.ids().next());
        s.organizationId = state.clinician->organizationId;
        s.patientId = patient.id;
        s.providerId = state.provider->id;
        s.dateOfService = today;
        s.participants = {Participant{ParticipantRole::Patient, patient.id, QString(), true}};
        const QDateTime start = now.addSecs(-3600 - (i % 600));
        s.timing = {
            TimingEvent{TimingEventKind::Start, start, 1000, 1, 0},
            TimingEvent{TimingEventKind::Stop, start.addSecs(45 * 60), 1000 + 45 * 60'000, 1, 0}};
        s.diagnoses = {Diagnosis{QStringLiteral("F411")}};
        s.noteTemplate = QStringLiteral("DAP");
        s.note = QStringLiteral("Fictional bench note.");
        s.updatedAt = now;
        if (!store.sessions().saveDraft(state.actor, s)) {
            return -1;
        }
    }
    if (!tx->commit()) {
        return -1;
    }
    return count;
}

/// The baseline: the same rows by two plain SELECTs (the organization's patients; the
/// provider's sessions today with their first timer tap) merged into a QList. No audit rows,
/// no per-patient queries.
QList<RawRow> rawSelect(app::WorkerState &state)
{
    QList<RawRow> rows;
    Database &db = state.store->database();
    struct Today {
        QByteArray sessionId;
        qint64 firstTapMs = 0;
        bool isSigned = false;
    };
    QHash<QByteArray, Today> todays;
    {
        auto stmt = db.prepare(
            "SELECT s.patient_id, s.id, t.wall_ms, s.signed_at IS NOT NULL FROM sessions s "
            "LEFT JOIN session_timing t ON t.session_id = s.id AND t.seq = 0 "
            "WHERE s.provider_id = ?1 AND s.date_of_service = ?2");
        if (!stmt) {
            return rows;
        }
        stmt->bind(1, state.provider->id).bind(2, state.clock.nowUtc().toLocalTime().date());
        while (stmt->step().valueOr(false)) {
            todays.insert(stmt->blob(0), Today{stmt->blob(1), stmt->int64(2), stmt->boolean(3)});
        }
    }
    auto stmt = db.prepare("SELECT id, last_name, first_name, primary_provider_id FROM patients "
                           "WHERE organization_id = ?1");
    if (!stmt) {
        return rows;
    }
    stmt->bind(1, state.clinician->organizationId);
    const QByteArray provider = state.provider->id.uuid().toRfc4122();
    while (stmt->step().valueOr(false)) {
        const QByteArray id = stmt->blob(0);
        const auto today = todays.constFind(id);
        if (today == todays.cend() && stmt->blob(3) != provider) {
            continue;
        }
        RawRow row{id, stmt->text(1), stmt->text(2), {}, 0, false};
        if (today != todays.cend()) {
            row.sessionId = today->sessionId;
            row.firstTapMs = today->firstTapMs;
            row.isSigned = today->isSigned;
        }
        rows.append(row);
    }
    return rows;
}

} // namespace

int main(int argc, char *argv[])
{
    // One malloc arena for every thread: the rows are built on the store thread, and
    // mallinfo2() would otherwise count only the main arena.
    mallopt(M_ARENA_MAX, 1);
    QCoreApplication app(argc, argv);
    int sessions = 10000;
    int rounds = 5;
    const QStringList args = QCoreApplication::arguments();
    if (const auto i = args.indexOf(QStringLiteral("--sessions")); i >= 0 && i + 1 < args.size()) {
        sessions = std::max(1, args.at(i + 1).toInt());
    }
    if (const auto i = args.indexOf(QStringLiteral("--rounds")); i >= 0 && i + 1 < args.size()) {
        rounds = std::max(1, args.at(i + 1).toInt());
    }

    // Setup: a vault with a cheap KDF (unlock is bench-unlock's subject), the demo practice,
    // then N more patients with a session today for the signed-in clinician.
    QTemporaryDir dir;
    SystemClock clock;
    FakeFileSecretStore secrets(dir.path());
    app::StoreHost::Config config;
    config.vaultPath = dir.filePath(QStringLiteral("keyvault.json"));
    config.storePath = dir.filePath(QStringLiteral("sessionbook.db"));
    config.secrets = &secrets;
    config.clock = &clock;
    config.vaultOptions.iterations = 1000;
    config.prepareNewStore = [](Store &store) {
        return demo::prepareDemoDevice(store, QStringLiteral("sam.lindqvist"));
    };
    app::StoreHost host(config);
    app::LockController lock(host);
    app::TodayModel today(host);
    lock.choosePasscode(QStringLiteral("bench-passcode"), QStringLiteral("bench-passcode"));
    if (!waitFor([&] { return lock.state() == app::LockController::Unlocked; })) {
        std::fprintf(stderr, "bench-today-list: unlock failed\n");
        return 1;
    }
    int seeded = 0;
    host.run<int>(
        &today, [sessions](app::WorkerState &state) { return seed(state, sessions); },
        [&seeded](const int &n) { seeded = n == 0 ? -1 : n; });
    if (!waitFor([&] { return seeded != 0; }) || seeded < 0) {
        std::fprintf(stderr, "bench-today-list: seeding failed\n");
        return 1;
    }

    QElapsedTimer clockMs;
    clockMs.start();
    qint64 resetBegin = 0;
    qint64 resetEnd = 0;
    QObject::connect(&today, &QAbstractItemModel::modelAboutToBeReset, &today,
                     [&] { resetBegin = clockMs.nsecsElapsed(); });
    QObject::connect(&today, &QAbstractItemModel::modelReset, &today,
                     [&] { resetEnd = clockMs.nsecsElapsed(); });

    std::vector<double> firstPage, modelReset, onePage, allPages, rawTotal, rawQuery;
    long long modelHeap = 0;
    long long rawHeap = 0;
    long modelRssKb = 0;
    long rawRssKb = 0;
    int firstRows = 0;
    int modelRows = 0;
    int rawRows = 0;
    int pages = 0;
    for (int r = 0; r < rounds; ++r) {
        // The model, as the app reloads it, then scrolled to the end page by page.
        today.clear();
        bool loaded = false;
        auto c = QObject::connect(&today, &app::TodayModel::loaded, &today, [&] { loaded = true; });
        const qint64 t0 = clockMs.nsecsElapsed();
        today.reload();
        waitFor([&] { return loaded; });
        const qint64 t1 = clockMs.nsecsElapsed();
        QObject::disconnect(c);
        firstPage.push_back(double(t1 - t0) / 1e6);
        modelReset.push_back(double(resetEnd - resetBegin) / 1e6);
        firstRows = today.rowCount();
        pages = 1;
        while (today.canFetchMore({})) {
            const qint64 p0 = clockMs.nsecsElapsed();
            today.fetchMore({});
            waitFor([&] { return !today.fetching(); });
            if (pages == 1) {
                onePage.push_back(double(clockMs.nsecsElapsed() - p0) / 1e6);
            }
            ++pages;
        }
        allPages.push_back(double(clockMs.nsecsElapsed() - t0) / 1e6);
        // What the rows hold is what clear() frees: SQLite's page cache, grown by the reads,
        // stays and is not the model's.
        const long long heapLoaded = heapInUse();
        const long rssLoaded = vmRssKb();
        modelRows = today.rowCount();
        today.clear();
        modelHeap = heapLoaded - heapInUse();
        modelRssKb = rssLoaded - vmRssKb();

        // The baseline: raw SELECT into a QList on the same store thread, held on this thread.
        QList<RawRow> held;
        bool got = false;
        double queryMs = 0;
        const qint64 b0 = clockMs.nsecsElapsed();
        host.run<QList<RawRow>>(
            &today,
            [&queryMs](app::WorkerState &state) {
                QElapsedTimer t;
                t.start();
                auto rows = rawSelect(state);
                queryMs = double(t.nsecsElapsed()) / 1e6;
                return rows;
            },
            [&](const QList<RawRow> &rows) {
                // Deep copies: the delivered list is shared with the queued call that carried
                // it, so only rows owned here alone are freed when `held` is dropped below.
                held.reserve(rows.size());
                for (const RawRow &row : rows) {
                    held.append(RawRow{QByteArray(row.patientId.constData(), row.patientId.size()),
                                       QString(row.lastName.constData(), row.lastName.size()),
                                       QString(row.firstName.constData(), row.firstName.size()),
                                       QByteArray(row.sessionId.constData(), row.sessionId.size()),
                                       row.firstTapMs, row.isSigned});
                }
                got = true;
            });
        waitFor([&] { return got; });
        const qint64 b1 = clockMs.nsecsElapsed();
        rawTotal.push_back(double(b1 - b0) / 1e6);
        rawQuery.push_back(queryMs);
        const long long rawHeapLoaded = heapInUse();
        const long rawRssLoaded = vmRssKb();
        rawRows = int(held.size());
        held = {};
        rawHeap = rawHeapLoaded - heapInUse();
        rawRssKb = rawRssLoaded - vmRssKb();
    }

    std::printf("bench-today-list: %d sessions seeded today (+ the demo practice), %d rounds,"
                " medians; pages of %d rows\n",
                seeded, rounds, today.pageSize());
    std::printf("  raw SELECT baseline (every row): %d rows, round trip %.1f ms (query %.1f ms)\n",
                rawRows, median(rawTotal), median(rawQuery));
    std::printf("  TodayModel reload -> first page: %d rows in %.1f ms (model reset on the GUI"
                " thread %.3f ms); ratio to the raw SELECT of every row %.3fx\n",
                firstRows, median(firstPage), median(modelReset),
                median(firstPage) / median(rawTotal));
    std::printf("  one more page (fetchMore): %.1f ms\n", onePage.empty() ? 0.0 : median(onePage));
    std::printf("  scrolled to the end: %d rows in %d pages, %.1f ms; ratio to the raw SELECT"
                " %.1fx\n",
                modelRows, pages, median(allPages), median(allPages) / median(rawTotal));
    std::printf("  memory held with every page in (freed by clear): model rows %.1f KiB heap"
                " (%.0f B/row), VmRSS %ld KiB; raw QList %.1f KiB heap (%.0f B/row), VmRSS %ld"
                " KiB; per-row ratio %.2fx\n",
                double(modelHeap) / 1024, double(modelHeap) / std::max(1, modelRows), modelRssKb,
                double(rawHeap) / 1024, double(rawHeap) / std::max(1, rawRows), rawRssKb,
                (double(modelHeap) / std::max(1, modelRows))
                    / std::max(1.0, double(rawHeap) / std::max(1, rawRows)));
    const bool within = median(modelReset) <= 30.0;
    std::printf("  budget: model reset <= 30 ms: %s (%.3f ms); reload -> first page %.1f ms\n",
                within ? "met" : "MISSED", median(modelReset), median(firstPage));
    return within ? 0 : 1;
}
