// SPDX-License-Identifier: Apache-2.0
// bench-store / bench-store-plain: durable save latency and batched insert rate of the real
// Store (schema, pragmas, audit rows) over SQLCipher and over plain SQLite.
//
// One source, three binaries; SESSIONBOOK_BENCH_VARIANT names the store library linked in:
// "sqlcipher" (bench-store, the real core), "sqlite" (bench-store-plain: core's sources over
// Debian's libsqlite3) and "unkeyed" (bench-store-unkeyed: core's sources over libsqlcipher,
// never keyed, a control that separates encryption from SQLite version differences).
// bench-store runs the comparison: its own workload in-process, the others as child
// processes with the same parameters (reading their JSON line), then the table and verdicts.
//
// Fairness on a shared, noisy 2-core machine: the comparison runs in rounds (--rounds,
// default 3) and rotates which variant goes first (round r starts with variant r mod n), so
// page-cache warmth, disk write-back and neighbours' load do not always favour the same side. Each
// run uses a fresh database file in a fresh directory on the same file system; a few unmeasured
// warm-up saves and one warm-up batch fill the statement cache before timing. Ratios are computed
// per round and reported as the median with the min–max spread over rounds.

#include "domain/organization.h"
#include "domain/patient.h"
#include "domain/session.h"
#include "store/store.h"
#include "util/clock.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QProcess>
#include <QStorageInfo>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <time.h>
#include <vector>

#ifndef SESSIONBOOK_BENCH_VARIANT
#error "SESSIONBOOK_BENCH_VARIANT must name the store library: sqlcipher, sqlite or unkeyed"
#endif

namespace {

using namespace sb;
using SteadyClock = std::chrono::steady_clock;

constexpr std::string_view variantName = SESSIONBOOK_BENCH_VARIANT;
constexpr bool isSqlCipher = variantName == "sqlcipher";
constexpr int batchSize = 1000;
const QString jsonPrefix = QStringLiteral("BENCH_STORE_JSON ");

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

struct Params {
    int saves = 2000;
    int batches = 20;
    QString dir;
    QStringList cipherPragmas; ///< Run on a throwaway connection first (investigation only).
};

double msBetween(SteadyClock::time_point from, SteadyClock::time_point to)
{
    return std::chrono::duration<double, std::milli>(to - from).count();
}

/// CPU time of this thread. Wall-clock latency on a shared machine includes time spent
/// preempted by other processes (4 ms scheduler ticks show up as steps); CPU time does not, so
/// the CPU cost ratio stays meaningful when the machine is loaded. Time blocked in fsync is
/// not CPU time either: CPU time is the compute cost SQLCipher adds, wall time the user's wait.
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        return QStringLiteral("unknown");
    }
    return QString::fromUtf8(file.readAll().trimmed());
}

/// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double> &sorted, double p)
{
    if (sorted.empty()) {
        return 0.0;
    }
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return percentile(values, 0.5);
}

QString describe(const StoreError &error)
{
    return error.kindName() + QStringLiteral(": ") + error.message;
}

/// First column of the first row of a literal query, or empty (plain SQLite answers no rows
/// to cipher_* pragmas).
QString scalar(Database &db, std::string_view sql)
{
    auto stmt = db.prepare(sql);
    if (!stmt || !stmt->step().valueOr(false)) {
        return {};
    }
    return stmt->text(0);
}

/// The fixed practice every saved session points at (foreign keys are on).
struct Fixture {
    Actor actor;
    OrganizationId organization;
    ProviderId provider;
    PayerId payer;
    PatientId patient;
    QString note;
};

StoreResult<Fixture> createFixture(Store &store)
{
    auto &ids = store.ids();
    Fixture f;
    f.actor = Actor{UserId(ids.next()), DeviceId(ids.next())};

    Organization org;
    org.id = OrganizationId(ids.next());
    org.name = QStringLiteral("Bench Practice");
    org.groupNpi = QStringLiteral("1234567893");
    org.state = QStringLiteral("OR");
    if (auto ok = store.practice().save(f.actor, org); !ok) {
        return unexpected(ok.error());
    }
    Provider provider;
    provider.id = ProviderId(ids.next());
    provider.organizationId = org.id;
    provider.firstName = QStringLiteral("Bench");
    provider.lastName = QStringLiteral("Clinician");
    provider.npi = QStringLiteral("1245319599");
    if (auto ok = store.practice().save(f.actor, provider); !ok) {
        return unexpected(ok.error());
    }
    Payer payer;
    payer.id = PayerId(ids.next());
    payer.name = QStringLiteral("Bench Health Plan");
    payer.payerId = QStringLiteral("BENCH1");
    if (auto ok = store.practice().save(f.actor, payer); !ok) {
        return unexpected(ok.error());
    }
    Patient patient;
    patient.id = PatientId(ids.next());
    patient.organizationId = org.id;
    patient.firstName = QStringLiteral("Test");
    patient.lastName = QStringLiteral("Patient");
    patient.birthDate = QDate(1990, 5, 17);
    patient.primaryProviderId = provider.id;
    if (auto ok = store.patients().save(f.actor, patient); !ok) {
        return unexpected(ok.error());
    }
    f.organization = org.id;
    f.provider = provider.id;
    f.payer = payer.id;
    f.patient = patient.id;

    // 2 KiB of ASCII note text (one byte per character in UTF-8).
    const QString sentence = QStringLiteral(
        "Client reports improved sleep and fewer panic episodes; practiced paced breathing. ");
    while (f.note.size() < 2048) {
        f.note += sentence;
    }
    f.note.truncate(2048);
    return f;
}

/// A new draft: 2 KiB note, start and stop timing events, one diagnosis.
Session makeSession(Store &store, const Fixture &f, int index)
{
    const QDateTime now = store.clock().nowUtc();
    Session s;
    s.id = SessionId(store.ids().next());
    s.organizationId = f.organization;
    s.patientId = f.patient;
    s.providerId = f.provider;
    s.payerId = f.payer;
    s.dateOfService = now.date();
    s.service = ServiceKind::IndividualPsychotherapy;
    s.modality = Modality::Video;
    s.patientLocation = PatientLocation::Home;
    s.timing = {
        TimingEvent{TimingEventKind::Start, now.addSecs(-53 * 60), 1'000'000, 7, -120},
        TimingEvent{TimingEventKind::Stop, now, 1'000'000 + 53 * 60'000, 7, -120},
    };
    s.diagnoses = {Diagnosis{QStringLiteral("F411")}};
    s.noteTemplate = QStringLiteral("SOAP");
    s.note = f.note;
    s.note.replace(0, 8, QString::number(index).rightJustified(8, u'0'));
    s.updatedAt = now;
    return s;
}

StoreResult<std::unique_ptr<Store>> openStore(const QString &path, const DatabaseKey &key,
                                              const Clock &clock)
{
    return Store::open(path, key, clock);
}

/// Investigation knob: global SQLCipher settings (cipher_default_*, cipher_memory_security)
/// must be issued before the measured connection is keyed, so they go to a scratch one.
StoreResult<void> applyCipherPragmas(const QStringList &pragmas)
{
    if (pragmas.isEmpty()) {
        return {};
    }
    const DatabaseKey key = DatabaseKey::generate();
    auto scratch = Database::open(QStringLiteral(":memory:"), key, {});
    if (!scratch) {
        return unexpected(scratch.error());
    }
    for (const QString &pragma : pragmas) {
        const QByteArray sql = pragma.toUtf8();
        if (auto ok = (*scratch)->execLiteral(sql.constData()); !ok) {
            return unexpected(ok.error());
        }
    }
    return {};
}

StoreResult<QJsonObject> runWorkload(const Params &params)
{
    QTemporaryDir dir(params.dir + QStringLiteral("/bench-store-XXXXXX"));
    if (!dir.isValid()) {
        return storeError(StoreError::Kind::Io,
                          QStringLiteral("cannot create a directory in ") + params.dir);
    }
    if (isSqlCipher) {
        if (auto ok = applyCipherPragmas(params.cipherPragmas); !ok) {
            return unexpected(ok.error());
        }
    }
    SystemClock clock;
    const DatabaseKey key = DatabaseKey::generate();
    QJsonObject result;
    result[QStringLiteral("variant")] = QString::fromLatin1(variantName);

    // ---- 1. durable single saves: one transaction (and fsyncs) per saveDraft ----------
    {
        auto opened = openStore(dir.filePath(QStringLiteral("durable.db")), key, clock);
        if (!opened) {
            return unexpected(opened.error());
        }
        Store &store = **opened;
        Database &db = store.database();
        result[QStringLiteral("sqlite_version")] = scalar(db, "SELECT sqlite_version()");
        result[QStringLiteral("cipher_version")] = scalar(db, "PRAGMA cipher_version");
        result[QStringLiteral("cipher_provider")] =
            QString(scalar(db, "PRAGMA cipher_provider") + u' '
                    + scalar(db, "PRAGMA cipher_provider_version"));
        result[QStringLiteral("cipher_page_size")] = scalar(db, "PRAGMA cipher_page_size");
        result[QStringLiteral("cipher_hmac")] = scalar(db, "PRAGMA cipher_hmac_algorithm");
        result[QStringLiteral("cipher_memory_security")] =
            scalar(db, "PRAGMA cipher_memory_security");
        result[QStringLiteral("page_size")] = scalar(db, "PRAGMA page_size");
        result[QStringLiteral("journal_mode")] = scalar(db, "PRAGMA journal_mode");
        result[QStringLiteral("synchronous")] = scalar(db, "PRAGMA synchronous");
        result[QStringLiteral("foreign_keys")] = scalar(db, "PRAGMA foreign_keys");

        auto fixture = createFixture(store);
        if (!fixture) {
            return unexpected(fixture.error());
        }
        const int warmup = std::min(50, std::max(1, params.saves / 20));
        for (int i = 0; i < warmup; ++i) {
            if (auto ok = store.sessions().saveDraft(fixture->actor,
                                                     makeSession(store, *fixture, -1 - i));
                !ok) {
                return unexpected(ok.error());
            }
        }
        std::vector<double> latencies;
        latencies.reserve(static_cast<std::size_t>(params.saves));
        double cpuTotalMs = 0;
        const auto loopStart = SteadyClock::now();
        for (int i = 0; i < params.saves; ++i) {
            const Session session = makeSession(store, *fixture, i);
            const double c0 = threadCpuMs();
            const auto t0 = SteadyClock::now();
            auto ok = store.sessions().saveDraft(fixture->actor, session);
            const auto t1 = SteadyClock::now();
            cpuTotalMs += threadCpuMs() - c0;
            if (!ok) {
                return unexpected(ok.error());
            }
            latencies.push_back(msBetween(t0, t1));
        }
        const double loopMs = msBetween(loopStart, SteadyClock::now());
        std::vector<double> sorted = latencies;
        std::sort(sorted.begin(), sorted.end());
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        QJsonObject durable;
        durable[QStringLiteral("saves")] = params.saves;
        durable[QStringLiteral("p50_ms")] = percentile(sorted, 0.50);
        durable[QStringLiteral("p90_ms")] = percentile(sorted, 0.90);
        durable[QStringLiteral("p99_ms")] = percentile(sorted, 0.99);
        durable[QStringLiteral("max_ms")] = sorted.empty() ? 0.0 : sorted.back();
        durable[QStringLiteral("mean_ms")] = sorted.empty() ? 0.0 : sum / double(sorted.size());
        durable[QStringLiteral("cpu_mean_ms")] = cpuTotalMs / params.saves;
        // Wall time of the whole loop, session construction included (it is microseconds).
        durable[QStringLiteral("saves_per_s")] = params.saves / (loopMs / 1000.0);
        durable[QStringLiteral("file_bytes")] =
            double(QFileInfo(dir.filePath(QStringLiteral("durable.db"))).size());
        result[QStringLiteral("durable")] = durable;
    }

    // ---- 2. batched: 1,000 saveDraft calls per transaction, fresh file -----------------
    // --batches 0 skips it (instruction counts of durable saves alone under callgrind).
    if (params.batches > 0) {
        auto opened = openStore(dir.filePath(QStringLiteral("batched.db")), key, clock);
        if (!opened) {
            return unexpected(opened.error());
        }
        Store &store = **opened;
        auto fixture = createFixture(store);
        if (!fixture) {
            return unexpected(fixture.error());
        }
        double batchCpuMs = 0;
        auto runBatch = [&](int batch) -> StoreResult<double> {
            const double c0 = threadCpuMs();
            const auto t0 = SteadyClock::now();
            auto tx = store.database().begin();
            if (!tx) {
                return unexpected(tx.error());
            }
            for (int i = 0; i < batchSize; ++i) {
                if (auto ok = store.sessions().saveDraft(
                        fixture->actor, makeSession(store, *fixture, batch * batchSize + i));
                    !ok) {
                    return unexpected(ok.error());
                }
            }
            if (auto ok = tx->commit(); !ok) {
                return unexpected(ok.error());
            }
            const double wallMs = msBetween(t0, SteadyClock::now());
            batchCpuMs += threadCpuMs() - c0;
            return wallMs;
        };
        if (auto warm = runBatch(-1); !warm) {
            return unexpected(warm.error());
        }
        batchCpuMs = 0;
        std::vector<double> batchMs;
        for (int b = 0; b < params.batches; ++b) {
            auto ms = runBatch(b);
            if (!ms) {
                return unexpected(ms.error());
            }
            batchMs.push_back(*ms);
        }
        double total = 0;
        for (double v : batchMs) {
            total += v;
        }
        std::sort(batchMs.begin(), batchMs.end());
        QJsonObject batched;
        batched[QStringLiteral("batches")] = params.batches;
        batched[QStringLiteral("batch_size")] = batchSize;
        batched[QStringLiteral("rows_per_s")] =
            total > 0 ? double(params.batches) * batchSize / (total / 1000.0) : 0.0;
        batched[QStringLiteral("rows_per_cpu_s")] =
            batchCpuMs > 0 ? double(params.batches) * batchSize / (batchCpuMs / 1000.0) : 0.0;
        batched[QStringLiteral("batch_p50_ms")] = percentile(batchMs, 0.5);
        batched[QStringLiteral("batch_max_ms")] = batchMs.empty() ? 0.0 : batchMs.back();
        result[QStringLiteral("batched")] = batched;
    }
    return result;
}

void printRun(const QJsonObject &r)
{
    const QJsonObject d = r[QStringLiteral("durable")].toObject();
    const QJsonObject b = r[QStringLiteral("batched")].toObject();
    out() << QStringLiteral("  %1: durable p50 %2 p90 %3 p99 %4 max %5 ms, %6 saves/s, "
                            "CPU %8 ms/save; batched %7 rows/s")
                 .arg(r[QStringLiteral("variant")].toString(), -9)
                 .arg(d[QStringLiteral("p50_ms")].toDouble(), 0, 'f', 3)
                 .arg(d[QStringLiteral("p90_ms")].toDouble(), 0, 'f', 3)
                 .arg(d[QStringLiteral("p99_ms")].toDouble(), 0, 'f', 3)
                 .arg(d[QStringLiteral("max_ms")].toDouble(), 0, 'f', 2)
                 .arg(d[QStringLiteral("saves_per_s")].toDouble(), 0, 'f', 0)
                 .arg(b[QStringLiteral("rows_per_s")].toDouble(), 0, 'f', 0)
                 .arg(d[QStringLiteral("cpu_mean_ms")].toDouble(), 0, 'f', 3)
          << Qt::endl;
}

/// Runs a sibling binary (bench-store-plain, bench-store-unkeyed) and returns its JSON result.
std::optional<QJsonObject> runChild(const QString &binary, const Params &params)
{
    const QString program = QCoreApplication::applicationDirPath() + u'/' + binary;
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(program, {QStringLiteral("--child"), QStringLiteral("--saves"),
                          QString::number(params.saves), QStringLiteral("--batches"),
                          QString::number(params.batches), QStringLiteral("--dir"), params.dir});
    if (!child.waitForStarted() || !child.waitForFinished(-1)) {
        err() << "error: cannot run " << program << ": " << child.errorString() << Qt::endl;
        return std::nullopt;
    }
    const QString output = QString::fromUtf8(child.readAllStandardOutput());
    if (child.exitStatus() != QProcess::NormalExit || child.exitCode() != 0) {
        err() << "error: " << program << " failed (exit " << child.exitCode() << ")" << Qt::endl;
        return std::nullopt;
    }
    for (const QString &line : output.split(u'\n')) {
        if (line.startsWith(jsonPrefix)) {
            const auto doc = QJsonDocument::fromJson(line.mid(jsonPrefix.size()).toUtf8());
            if (doc.isObject()) {
                return doc.object();
            }
        }
    }
    err() << "error: no result line from " << program << Qt::endl;
    return std::nullopt;
}

QString cpuModel()
{
    QFile file(QStringLiteral("/proc/cpuinfo"));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        return QStringLiteral("unknown");
    }
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("model name")) {
            return QString::fromUtf8(line.mid(line.indexOf(':') + 1).trimmed());
        }
    }
    return QStringLiteral("unknown");
}

struct Row {
    QString label;
    QString object;
    QString field;
    bool higherIsBetter;
    int decimals;
};

/// "median [min–max]" of one metric over rounds.
QString spread(const std::vector<double> &values, int decimals)
{
    if (values.empty()) {
        return QStringLiteral("-");
    }
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    return QStringLiteral("%1 [%2-%3]")
        .arg(median(values), 0, 'f', decimals)
        .arg(*lo, 0, 'f', decimals)
        .arg(*hi, 0, 'f', decimals);
}

int runComparison(const Params &params, int rounds, bool withControl)
{
    const QStorageInfo storage(params.dir);
    out() << "bench-store: durable saves and batched inserts through Store/SessionRepository\n"
          << "  cpu:        " << cpuModel() << " (" << QThread::idealThreadCount() << " logical)\n"
          << "  directory:  " << params.dir << " on " << storage.device() << " ("
          << storage.fileSystemType() << ", mounted at " << storage.rootPath() << ")\n"
          << "  workload:   " << params.saves << " durable saves (2 KiB note, 2 timing events, "
          << "1 diagnosis, 1 status row, 1 audit row each); " << params.batches << " x "
          << batchSize << " saves per transaction; " << rounds << " rounds, order rotating\n"
          << "  load avg:   " << loadAverage() << " (at start)\n";
    if (!params.cipherPragmas.isEmpty()) {
        out() << "  SQLCipher settings for this run: " << params.cipherPragmas.join(u"; ") << '\n';
    }
    out().flush();

    struct Leg {
        QString binary; ///< Empty: this process.
        std::vector<QJsonObject> runs;
    };
    std::vector<Leg> legs{{QString(), {}}, {QStringLiteral("bench-store-plain"), {}}};
    if (withControl) {
        legs.push_back({QStringLiteral("bench-store-unkeyed"), {}});
    }
    for (int round = 0; round < rounds; ++round) {
        out() << "round " << (round + 1) << Qt::endl;
        for (std::size_t i = 0; i < legs.size(); ++i) {
            Leg &leg = legs[(std::size_t(round) + i) % legs.size()];
            if (leg.binary.isEmpty()) {
                auto result = runWorkload(params);
                if (!result) {
                    err() << "error: " << describe(result.error()) << Qt::endl;
                    return 1;
                }
                leg.runs.push_back(*result);
            } else {
                auto result = runChild(leg.binary, params);
                if (!result) {
                    return 1;
                }
                leg.runs.push_back(*result);
            }
            printRun(leg.runs.back());
        }
    }
    const std::vector<QJsonObject> &cipherRuns = legs[0].runs;
    const std::vector<QJsonObject> &plainRuns = legs[1].runs;

    const QJsonObject &c0 = cipherRuns.front();
    const QJsonObject &p0 = plainRuns.front();
    out() << "\nSQLCipher " << c0[QStringLiteral("cipher_version")].toString() << " on SQLite "
          << c0[QStringLiteral("sqlite_version")].toString() << ", provider "
          << c0[QStringLiteral("cipher_provider")].toString() << ", cipher page size "
          << c0[QStringLiteral("cipher_page_size")].toString() << ", HMAC "
          << c0[QStringLiteral("cipher_hmac")].toString() << ", memory security "
          << c0[QStringLiteral("cipher_memory_security")].toString() << "\nplain SQLite "
          << p0[QStringLiteral("sqlite_version")].toString() << "; both: page_size "
          << c0[QStringLiteral("page_size")].toString() << "/"
          << p0[QStringLiteral("page_size")].toString() << ", journal_mode "
          << c0[QStringLiteral("journal_mode")].toString() << ", synchronous "
          << c0[QStringLiteral("synchronous")].toString() << " (2 = FULL), foreign_keys "
          << c0[QStringLiteral("foreign_keys")].toString() << "\n\n";

    const std::vector<Row> rows = {
        {QStringLiteral("durable save p50 (ms)"), QStringLiteral("durable"),
         QStringLiteral("p50_ms"), false, 3},
        {QStringLiteral("durable save p90 (ms)"), QStringLiteral("durable"),
         QStringLiteral("p90_ms"), false, 3},
        {QStringLiteral("durable save p99 (ms)"), QStringLiteral("durable"),
         QStringLiteral("p99_ms"), false, 3},
        {QStringLiteral("durable save max (ms)"), QStringLiteral("durable"),
         QStringLiteral("max_ms"), false, 2},
        {QStringLiteral("durable saves/s"), QStringLiteral("durable"),
         QStringLiteral("saves_per_s"), true, 0},
        {QStringLiteral("batched rows/s"), QStringLiteral("batched"), QStringLiteral("rows_per_s"),
         true, 0},
        {QStringLiteral("durable CPU/save (ms)"), QStringLiteral("durable"),
         QStringLiteral("cpu_mean_ms"), false, 3},
        {QStringLiteral("batched rows/CPU-s"), QStringLiteral("batched"),
         QStringLiteral("rows_per_cpu_s"), true, 0},
    };
    auto values = [](const std::vector<QJsonObject> &runs, const Row &row) {
        std::vector<double> v;
        for (const QJsonObject &r : runs) {
            v.push_back(r[row.object].toObject()[row.field].toDouble());
        }
        return v;
    };
    // Cost ratio: SQLCipher/SQLite for latencies, SQLite/SQLCipher for rates, so that > 1
    // always means SQLCipher is slower and the 1.25 budget reads the same way on every row.
    auto costRatios = [&](const Row &row, const std::vector<QJsonObject> &baseline) {
        const std::vector<double> c = values(cipherRuns, row);
        const std::vector<double> p = values(baseline, row);
        std::vector<double> ratio;
        for (std::size_t i = 0; i < c.size() && i < p.size(); ++i) {
            const double num = row.higherIsBetter ? p[i] : c[i];
            const double den = row.higherIsBetter ? c[i] : p[i];
            ratio.push_back(den > 0 ? num / den : 0.0);
        }
        return ratio;
    };

    out() << "median over rounds [min-max]; cost x = SQLCipher/SQLite time (rates inverted)\n";
    QString header = QStringLiteral("%1 %2 %3 %4")
                         .arg(QStringLiteral("metric"), -24)
                         .arg(QStringLiteral("SQLCipher"), -26)
                         .arg(QStringLiteral("SQLite"), -26)
                         .arg(QStringLiteral("cost x"), -18);
    if (withControl) {
        header += QStringLiteral(" %1 %2")
                      .arg(QStringLiteral("unkeyed SQLCipher"), -26)
                      .arg(QStringLiteral("cost x vs unkeyed"));
    }
    out() << header << '\n';
    for (const Row &row : rows) {
        QString line = QStringLiteral("%1 %2 %3 %4")
                           .arg(row.label, -24)
                           .arg(spread(values(cipherRuns, row), row.decimals), -26)
                           .arg(spread(values(plainRuns, row), row.decimals), -26)
                           .arg(spread(costRatios(row, plainRuns), 2), -18);
        if (withControl) {
            line += QStringLiteral(" %1 %2")
                        .arg(spread(values(legs[2].runs, row), row.decimals), -26)
                        .arg(spread(costRatios(row, legs[2].runs), 2));
        }
        out() << line << '\n';
    }

    const double p99 = median(values(cipherRuns, rows[2]));
    const double p99Ratio = median(costRatios(rows[2], plainRuns));
    const double p50Ratio = median(costRatios(rows[0], plainRuns));
    const double batchRatio = median(costRatios(rows[5], plainRuns));
    const double cpuRatio = median(costRatios(rows[6], plainRuns));
    const double batchCpuRatio = median(costRatios(rows[7], plainRuns));
    auto verdict = [](bool ok) {
        return ok ? QStringLiteral("PASS") : QStringLiteral("FAIL");
    };
    out() << "\nbudgets (medians over rounds)\n"
          << QStringLiteral("  SQLCipher durable save p99 <= 3 ms:      %1 ms   %2\n")
                 .arg(p99, 0, 'f', 3)
                 .arg(verdict(p99 <= 3.0))
          << QStringLiteral("  SQLCipher/SQLite durable p99 <= 1.25x:   %1x   %2\n")
                 .arg(p99Ratio, 0, 'f', 2)
                 .arg(verdict(p99Ratio <= 1.25))
          << QStringLiteral("  SQLCipher/SQLite durable p50 <= 1.25x:   %1x   %2\n")
                 .arg(p50Ratio, 0, 'f', 2)
                 .arg(verdict(p50Ratio <= 1.25))
          << QStringLiteral("  SQLite/SQLCipher batched rate <= 1.25x:  %1x   %2\n")
                 .arg(batchRatio, 0, 'f', 2)
                 .arg(verdict(batchRatio <= 1.25))
          << QStringLiteral("  (CPU only, immune to preemption: durable %1x, batched %2x)\n")
                 .arg(cpuRatio, 0, 'f', 2)
                 .arg(batchCpuRatio, 0, 'f', 2)
          << "  load avg at end: " << loadAverage() << '\n';

    QJsonObject summary;
    for (const Leg &leg : legs) {
        QJsonArray runs;
        for (const QJsonObject &r : leg.runs) {
            runs.append(r);
        }
        summary[leg.runs.front()[QStringLiteral("variant")].toString()] = runs;
    }
    out() << '\n'
          << jsonPrefix << QString::fromUtf8(QJsonDocument(summary).toJson(QJsonDocument::Compact))
          << Qt::endl;
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // Each run creates fresh databases; the per-step migration notices would bury the table.
    QLoggingCategory::setFilterRules(QStringLiteral("sessionbook.store.info=false"));
    QCoreApplication::setApplicationName(
        QFileInfo(QCoreApplication::applicationFilePath()).fileName());
    QCommandLineParser parser;
    parser.setApplicationDescription(
        isSqlCipher
            ? QStringLiteral("Durable save latency and batched insert rate of the SQLCipher "
                             "store, compared with the same code over plain SQLite "
                             "(bench-store-plain, run as a child process).")
            : QStringLiteral("A baseline of bench-store: the same store code, schema and "
                             "pragmas, never keyed (no encryption)."));
    parser.addHelpOption();
    const QCommandLineOption savesOption(QStringLiteral("saves"),
                                         QStringLiteral("Durable single saves (default 2000)."),
                                         QStringLiteral("N"), QStringLiteral("2000"));
    const QCommandLineOption batchesOption(
        QStringLiteral("batches"),
        QStringLiteral("Transactions of 1000 saves (default 20; 0 skips them)."),
        QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption dirOption(
        QStringLiteral("dir"),
        QStringLiteral("Directory for the database files (default: the temp dir, or the "
                       "binary's directory when the temp dir is in memory)."),
        QStringLiteral("PATH"));
    const QCommandLineOption roundsOption(
        QStringLiteral("rounds"),
        QStringLiteral("Rounds of every variant, order rotating (default 3)."), QStringLiteral("N"),
        QStringLiteral("3"));
    const QCommandLineOption pragmaOption(
        QStringLiteral("cipher-pragma"),
        QStringLiteral("Investigation: a global SQLCipher PRAGMA (cipher_default_*, "
                       "cipher_memory_security) applied before the store opens. Repeatable."),
        QStringLiteral("SQL"));
    const QCommandLineOption controlOption(
        QStringLiteral("control"),
        QStringLiteral("Also run bench-store-unkeyed: SQLCipher's own SQLite with no key, to "
                       "separate encryption cost from SQLite version differences."));
    const QCommandLineOption childOption(QStringLiteral("child"),
                                         QStringLiteral("Run one workload and print one JSON "
                                                        "line (used by bench-store)."));
    parser.addOptions({savesOption, batchesOption, dirOption, roundsOption, pragmaOption,
                       controlOption, childOption});
    parser.process(app);

    Params params;
    bool okSaves = false;
    bool okBatches = false;
    bool okRounds = false;
    params.saves = parser.value(savesOption).toInt(&okSaves);
    params.batches = parser.value(batchesOption).toInt(&okBatches);
    const int rounds = parser.value(roundsOption).toInt(&okRounds);
    if (!okSaves || !okBatches || !okRounds || params.saves < 1 || params.batches < 0
        || rounds < 1) {
        err() << "error: --saves, --batches and --rounds take positive integers" << Qt::endl;
        return 2;
    }
    params.cipherPragmas = parser.values(pragmaOption);
    params.dir = parser.value(dirOption);
    if (params.dir.isEmpty()) {
        params.dir = QDir::tempPath();
        const QByteArray fs = QStorageInfo(params.dir).fileSystemType();
        // fsync on tmpfs costs nothing: such a figure would say nothing about durability.
        if (fs == "tmpfs" || fs == "ramfs") {
            params.dir = QCoreApplication::applicationDirPath();
        }
    }
    params.dir = QDir(params.dir).absolutePath();
    if (!QDir().mkpath(params.dir)) {
        err() << "error: cannot create " << params.dir << Qt::endl;
        return 2;
    }

    if (parser.isSet(childOption) || !isSqlCipher) {
        // The plain binary on its own, or a child of bench-store: run, print, no comparison.
        const int runs = parser.isSet(childOption) ? 1 : rounds;
        for (int i = 0; i < runs; ++i) {
            auto result = runWorkload(params);
            if (!result) {
                err() << "error: " << describe(result.error()) << Qt::endl;
                return 1;
            }
            if (!parser.isSet(childOption)) {
                printRun(*result);
            }
            out() << jsonPrefix
                  << QString::fromUtf8(QJsonDocument(*result).toJson(QJsonDocument::Compact))
                  << Qt::endl;
        }
        return 0;
    }
    return runComparison(params, rounds, parser.isSet(controlOption));
}
