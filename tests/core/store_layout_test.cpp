// SPDX-License-Identifier: Apache-2.0
// The page layout migration: a store made in SQLCipher 4's default layout (4 KiB pages,
// HMAC-SHA512) is rewritten in the current one (HMAC-SHA256) when it is opened, keeping every
// row, the keyed audit chain and the immutability triggers; a wrong key still changes nothing;
// and a SIGKILL at any moment of the rewrite leaves a store that opens whole, old or new.
//
// SESSIONBOOK_LAYOUT_KILL_ROUNDS sets the kill rounds (default 40), SESSIONBOOK_CRASH_SEED
// replays a run.
#include "store/schema.h"
#include "store/store.h"
#include "util/clock.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QTemporaryDir>

#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <random>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

using namespace sb;
using namespace std::chrono_literals;

namespace {

std::string describe(const StoreError &error)
{
    return QString(error.kindName() + QStringLiteral(": ") + error.message).toStdString();
}

Database::Options oldLayout()
{
    Database::Options options;
    options.layout = Database::PageLayout::SqlCipher4Defaults;
    return options;
}

QString scalarText(Database &db, std::string_view sql)
{
    auto stmt = db.prepare(sql);
    REQUIRE(stmt);
    auto row = stmt->step();
    REQUIRE(row);
    return *row ? stmt->text(0) : QString();
}

std::int64_t scalar(Database &db, std::string_view sql)
{
    auto stmt = db.prepare(sql);
    REQUIRE(stmt);
    auto row = stmt->step();
    REQUIRE(row);
    REQUIRE(*row);
    return stmt->int64(0);
}

/// What the old store held, to compare after the rewrite.
struct Contents {
    OrganizationId organization;
    ProviderId provider;
    QList<SessionId> sessions;
    SessionId signedSession;
    std::int64_t auditRows = 0;
    int schemaVersion = 0;
};

/// Makes a store in the old layout with a practice, `count` sessions (notes of a few KiB) and
/// one signed session, through the real repositories (so the audit chain is the real one).
Contents makeOldStore(const QString &path, const DatabaseKey &key, int count)
{
    SystemClock clock;
    auto opened = Store::open(path, key, clock, oldLayout());
    INFO((opened ? std::string() : describe(opened.error())));
    REQUIRE(opened);
    Store &store = **opened;
    REQUIRE(scalarText(store.database(), "PRAGMA cipher_hmac_algorithm")
            == QStringLiteral("HMAC_SHA512"));
    const Actor actor{UserId(store.ids().next()), DeviceId(store.ids().next())};
    Contents contents;
    Organization org;
    org.id = OrganizationId(store.ids().next());
    org.name = QStringLiteral("Layout Practice");
    REQUIRE(store.practice().save(actor, org));
    Provider clinician;
    clinician.id = ProviderId(store.ids().next());
    clinician.organizationId = org.id;
    clinician.firstName = QStringLiteral("Layout");
    clinician.lastName = QStringLiteral("Clinician");
    clinician.npi = QStringLiteral("1987654328");
    REQUIRE(store.practice().save(actor, clinician));
    Patient patient;
    patient.id = PatientId(store.ids().next());
    patient.organizationId = org.id;
    patient.firstName = QStringLiteral("Old");
    patient.lastName = QStringLiteral("Layout");
    REQUIRE(store.patients().save(actor, patient));
    contents.organization = org.id;
    contents.provider = clinician.id;

    auto tx = store.database().begin();
    REQUIRE(tx);
    for (int i = 0; i < count; ++i) {
        Session s;
        s.id = SessionId(store.ids().next());
        s.organizationId = org.id;
        s.patientId = patient.id;
        s.providerId = clinician.id;
        s.dateOfService = QDate(2026, 11, 2);
        s.note = QStringLiteral("note %1 ").arg(i) + QString(500 + (i * 37) % 3000, u'x');
        s.timing.append(TimingEvent{TimingEventKind::Start, clock.nowUtc(), 1000 + i, 1, 0});
        s.diagnoses.append(Diagnosis{QStringLiteral("F411")});
        s.updatedAt = clock.nowUtc();
        REQUIRE(store.sessions().saveDraft(actor, s));
        contents.sessions.append(s.id);
    }
    REQUIRE(tx->commit());
    contents.signedSession = contents.sessions.front();
    REQUIRE(store.sessions().sign(actor, contents.signedSession, UserId(store.ids().next()),
                                  clock.nowUtc()));
    contents.auditRows = store.audit().count().valueOr(-1);
    contents.schemaVersion = store.database().schemaVersion();
    REQUIRE(store.audit().verify().intact);
    return contents;
}

/// Opens the store in the current layout and checks that it holds everything `before` did.
void verifyMigrated(const QString &path, const DatabaseKey &key, const Contents &before)
{
    SystemClock clock;
    auto opened = Store::open(path, key, clock);
    INFO((opened ? std::string() : describe(opened.error())));
    REQUIRE(opened);
    Store &store = **opened;
    Database &db = store.database();
    CHECK(scalarText(db, "PRAGMA cipher_hmac_algorithm") == QStringLiteral("HMAC_SHA256"));
    CHECK(scalarText(db, "PRAGMA cipher_page_size") == QStringLiteral("4096"));
    CHECK(scalarText(db, "PRAGMA journal_mode") == QStringLiteral("wal"));
    CHECK(db.schemaVersion() == before.schemaVersion);
    auto integrity = db.checkIntegrity();
    INFO((integrity ? std::string() : describe(integrity.error())));
    CHECK(integrity);

    // Raw reads: the repositories' reads would append audit rows.
    CHECK(scalar(db, "SELECT count(*) FROM sessions") == before.sessions.size());
    CHECK(scalar(db, "SELECT count(*) FROM session_timing") == before.sessions.size());
    CHECK(scalar(db, "SELECT count(*) FROM session_diagnoses") == before.sessions.size());
    for (qsizetype i = 0; i < before.sessions.size(); i += 17) {
        auto stmt = db.prepare("SELECT note FROM sessions WHERE id = ?");
        REQUIRE(stmt);
        stmt->bind(1, before.sessions[i]);
        auto row = stmt->step();
        REQUIRE(row);
        REQUIRE(*row);
        CHECK(stmt->text(0).startsWith(QStringLiteral("note %1 ").arg(i)));
    }
    const AuditVerification audit = store.audit().verify();
    INFO("audit: " << audit.problem.toStdString() << " at seq " << audit.firstBadSeq);
    CHECK(audit.intact);
    CHECK(audit.rowsChecked == before.auditRows);

    // The triggers came along: the signed session is still immutable.
    auto update = db.prepare("UPDATE sessions SET note = 'changed' WHERE id = ?");
    REQUIRE(update);
    update->bind(1, before.signedSession);
    auto changed = update->run();
    REQUIRE_FALSE(changed);
    CHECK(changed.error().kind == StoreError::Kind::Immutable);
    auto remove = db.prepare("DELETE FROM audit_log WHERE seq = 1");
    REQUIRE(remove);
    CHECK_FALSE(remove->run());

    CHECK_FALSE(QFileInfo::exists(path + QStringLiteral(".relayout")));
}

QMap<QString, QByteArray> snapshot(const QString &dir)
{
    QMap<QString, QByteArray> digests;
    const QFileInfoList entries =
        QDir(dir).entryInfoList(QDir::Files | QDir::Hidden | QDir::System, QDir::Name);
    for (const QFileInfo &entry : entries) {
        QFile file(entry.absoluteFilePath());
        REQUIRE(file.open(QIODevice::ReadOnly));
        digests.insert(entry.fileName(),
                       QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256));
    }
    return digests;
}

void copyDir(const QString &from, const QString &to)
{
    REQUIRE(QDir().mkpath(to));
    const QStringList names = QDir(from).entryList(QDir::Files | QDir::Hidden);
    for (const QString &name : names) {
        QFile::remove(to + u'/' + name);
        REQUIRE(QFile::copy(from + u'/' + name, to + u'/' + name));
    }
}

/// Which layout the file at `path` is in right now, without writing anything.
enum class Found { Old, New, Neither };
Found layoutOf(const QString &path, const DatabaseKey &key)
{
    for (auto layout : {Database::PageLayout::SqlCipher4Defaults, Database::PageLayout::Current}) {
        Database::Options options;
        options.create = false;
        options.layout = layout;
        // The store's own schema, already applied: no step runs.
        auto db = Database::openModules(path, key, std::span(&coreSchema(), 1), options);
        if (db) {
            return layout == Database::PageLayout::Current ? Found::New : Found::Old;
        }
    }
    return Found::Neither;
}

std::uint64_t envNumber(const char *name, std::uint64_t fallback)
{
    const char *value = std::getenv(name);
    return value && *value ? std::strtoull(value, nullptr, 10) : fallback;
}

} // namespace

TEST_CASE("A store in SQLCipher 4's default layout is rewritten in the current one, whole")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("old.db"));
    const DatabaseKey key = DatabaseKey::generate();
    const Contents before = makeOldStore(path, key, 120);
    REQUIRE(layoutOf(path, key) == Found::Old);

    verifyMigrated(path, key, before);
    CHECK(layoutOf(path, key) == Found::New);
    // Opening again finds nothing to migrate and keeps working.
    verifyMigrated(path, key, before);
}

TEST_CASE("A new store is made in the current layout")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("new.db"));
    const DatabaseKey key = DatabaseKey::generate();
    SystemClock clock;
    {
        auto store = Store::open(path, key, clock);
        REQUIRE(store);
        CHECK(scalarText((*store)->database(), "PRAGMA cipher_hmac_algorithm")
              == QStringLiteral("HMAC_SHA256"));
    }
    CHECK(layoutOf(path, key) == Found::New);
}

TEST_CASE("A wrong key on an old-layout store is WrongKey and changes no file")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("old.db"));
    const DatabaseKey key = DatabaseKey::generate();
    const Contents before = makeOldStore(path, key, 10);
    const auto files = snapshot(dir.path());

    SystemClock clock;
    auto opened = Store::open(path, DatabaseKey::generate(), clock);
    REQUIRE_FALSE(opened);
    CHECK(opened.error().kind == StoreError::Kind::WrongKey);
    CHECK(snapshot(dir.path()) == files);
    verifyMigrated(path, key, before);
}

TEST_CASE("A copy left by a killed migration is discarded and the migration starts over")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("old.db"));
    const DatabaseKey key = DatabaseKey::generate();
    const Contents before = makeOldStore(path, key, 30);
    for (const QString &suffix :
         {QStringLiteral(".relayout"), QStringLiteral(".relayout-journal")}) {
        QFile stale(path + suffix);
        REQUIRE(stale.open(QIODevice::WriteOnly));
        stale.write(QByteArray(8192, 'j'));
    }
    verifyMigrated(path, key, before);
    CHECK_FALSE(QFileInfo::exists(path + QStringLiteral(".relayout-journal")));
}

TEST_CASE("SIGKILL at any moment of the layout migration leaves a whole store, old or new")
{
    const std::string childProgram = std::string(SESSIONBOOK_BIN_DIR) + "/store_crash_child";
    INFO("child: " << childProgram);
    REQUIRE(QFileInfo(QString::fromStdString(childProgram)).isExecutable());
    const int rounds = static_cast<int>(envNumber("SESSIONBOOK_LAYOUT_KILL_ROUNDS", 40));
    const std::uint64_t seed = envNumber("SESSIONBOOK_CRASH_SEED", std::random_device{}());
    std::printf("store_layout_test: seed %llu, %d kill rounds\n",
                static_cast<unsigned long long>(seed), rounds);
    std::fflush(stdout);
    INFO("seed " << seed);

    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString templateDir = dir.filePath(QStringLiteral("template"));
    REQUIRE(QDir().mkpath(templateDir));
    const DatabaseKey key = DatabaseKey::generate();
    const Contents before = makeOldStore(templateDir + QStringLiteral("/old.db"), key, 400);

    // How long an undisturbed migration takes here: the kills are spread over it.
    double migrationMs = 0;
    {
        const QString probe = dir.filePath(QStringLiteral("probe"));
        copyDir(templateDir, probe);
        const auto t0 = std::chrono::steady_clock::now();
        SystemClock clock;
        Database::Options options;
        options.create = false;
        REQUIRE(Store::open(probe + QStringLiteral("/old.db"), key, clock, options));
        migrationMs =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
    }

    QByteArray hex = key.toHex();
    std::mt19937_64 rng(seed);
    // The child also pays process start-up before it opens the store.
    std::uniform_real_distribution<double> delayMs(0.0, 20.0 + 3.0 * migrationMs);
    int foundOld = 0;
    int foundNew = 0;
    for (int round = 0; round < rounds; ++round) {
        INFO("round " << round);
        const QString roundDir = dir.filePath(QStringLiteral("round"));
        QDir(roundDir).removeRecursively();
        copyDir(templateDir, roundDir);
        const QString path = roundDir + QStringLiteral("/old.db");
        const std::vector<std::string> args{
            QFile::encodeName(path).toStdString(), hex.toStdString(),
            before.organization.toString().toStdString(), before.provider.toString().toStdString()};
        std::vector<char *> argv;
        argv.push_back(const_cast<char *>(childProgram.c_str()));
        for (const std::string &arg : args) {
            argv.push_back(const_cast<char *>(arg.c_str()));
        }
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        pid_t pid = -1;
        const int rc =
            ::posix_spawn(&pid, childProgram.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        REQUIRE(rc == 0);
        std::this_thread::sleep_for(
            std::chrono::microseconds(static_cast<std::int64_t>(delayMs(rng) * 1000.0)));
        ::kill(pid, SIGKILL);
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);

        // Before anything else opens it: the file on disk is one of the two layouts, whole.
        const Found found = layoutOf(path, key);
        REQUIRE(found != Found::Neither);
        (found == Found::Old ? foundOld : foundNew) += 1;

        // The child commits new sessions once it is open; those are not compared here.
        SystemClock clock;
        auto opened = Store::open(path, key, clock);
        INFO((opened ? std::string() : describe(opened.error())));
        REQUIRE(opened);
        Database &db = (*opened)->database();
        CHECK(scalarText(db, "PRAGMA cipher_hmac_algorithm") == QStringLiteral("HMAC_SHA256"));
        REQUIRE(db.checkIntegrity());
        CHECK(scalar(db, "SELECT count(*) FROM sessions") >= before.sessions.size());
        auto first = db.prepare("SELECT count(*) FROM sessions WHERE id = ? OR id = ?");
        REQUIRE(first);
        first->bind(1, before.sessions.front()).bind(2, before.sessions.back());
        REQUIRE(first->step().valueOr(false));
        CHECK(first->int64(0) == 2);
        const AuditVerification audit = (*opened)->audit().verify();
        INFO("audit: " << audit.problem.toStdString());
        CHECK(audit.intact);
        CHECK(audit.rowsChecked >= before.auditRows);
    }
    secureWipe(hex);
    std::printf("store_layout_test: migration %.1f ms; killed with the old file %d times, with "
                "the new one %d times\n",
                migrationMs, foundOld, foundNew);
    std::fflush(stdout);
}
