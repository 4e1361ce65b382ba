// SPDX-License-Identifier: Apache-2.0
// The encrypted store against the faults in reference/security.md: a wrong key, files that are
// not (or no longer) SQLCipher databases, a schema from the future, PHI left in plaintext on
// disk, and the file format itself, checked with the independent `sqlcipher` shell.
#include "store/schema.h"
#include "store/store.h"
#include "util/clock.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>

#include <catch2/catch_test_macros.hpp>
#include <string>

using namespace sb;

namespace {

const QString sqlcipherShell = QStringLiteral("/usr/bin/sqlcipher");
const QString sqlite3Shell = QStringLiteral("/usr/bin/sqlite3");

std::string describe(const StoreError &error)
{
    return QString(error.kindName() + QStringLiteral(": ") + error.message).toStdString();
}

/// SHA-256 of every file in `dir`, by name: equal snapshots mean nothing was written,
/// created or deleted there.
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

std::string listing(const QMap<QString, QByteArray> &digests)
{
    QStringList parts;
    for (auto it = digests.cbegin(); it != digests.cend(); ++it) {
        parts.append(it.key() + u'=' + QString::fromLatin1(it.value().toHex().left(12)));
    }
    return parts.join(u' ').toStdString();
}

QString randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()), raw.size() / 4);
    return QString::fromLatin1(raw.toHex());
}

struct Practice {
    OrganizationId organization;
    ProviderId provider;
};

Practice seedPractice(Store &store, const Actor &actor)
{
    Practice practice{OrganizationId(store.ids().next()), ProviderId(store.ids().next())};
    Organization org;
    org.id = practice.organization;
    org.name = QStringLiteral("Test Practice");
    REQUIRE(store.practice().save(actor, org));
    Provider provider;
    provider.id = practice.provider;
    provider.organizationId = org.id;
    provider.firstName = QStringLiteral("Test");
    provider.lastName = QStringLiteral("Clinician");
    provider.npi = QStringLiteral("1987654328");
    REQUIRE(store.practice().save(actor, provider));
    return practice;
}

/// Saves one patient named after `marker` and one session whose note carries it.
void addPatientWithSession(Store &store, const Actor &actor, const Practice &practice,
                           const QString &marker)
{
    Patient patient;
    patient.id = PatientId(store.ids().next());
    patient.organizationId = practice.organization;
    patient.firstName = marker + QStringLiteral("-first");
    patient.lastName = marker + QStringLiteral("-last");
    patient.birthDate = QDate(1990, 3, 14);
    patient.addressLine = marker + QStringLiteral("-street");
    REQUIRE(store.patients().save(actor, patient));

    Session session;
    session.id = SessionId(store.ids().next());
    session.organizationId = practice.organization;
    session.patientId = patient.id;
    session.providerId = practice.provider;
    session.dateOfService = QDate(2026, 1, 5);
    session.noteTemplate = QStringLiteral("SOAP");
    session.note = QStringLiteral("S: reports low mood. ") + marker + QStringLiteral("-note");
    session.participants.append(Participant{ParticipantRole::Patient, patient.id,
                                            marker + QStringLiteral("-participant"), true});
    session.diagnoses.append(Diagnosis{QStringLiteral("F331")});
    session.updatedAt = store.clock().nowUtc();
    const auto saved = store.sessions().saveDraft(actor, session);
    INFO((saved ? std::string() : describe(saved.error())));
    REQUIRE(saved);
}

std::int64_t count(Database &db, std::string_view sql)
{
    auto stmt = db.prepare(sql);
    REQUIRE(stmt);
    auto row = stmt->step();
    REQUIRE(row);
    REQUIRE(*row);
    return stmt->int64(0);
}

std::unique_ptr<Store> openStore(const QString &path, const DatabaseKey &key, const Clock &clock)
{
    auto store = Store::open(path, key, clock);
    INFO((store ? std::string() : describe(store.error())));
    REQUIRE(store);
    return std::move(*store);
}

Actor testActor()
{
    return Actor{UserId(QUuid::createUuid()), DeviceId(QUuid::createUuid())};
}

/// Runs the sqlcipher shell on `db` with `script` on stdin (the key stays out of argv).
struct ShellResult {
    int exitCode = -1;
    QString out;
    QString err;
};

ShellResult runShell(const QString &program, const QString &db, const QByteArray &script)
{
    QProcess process;
    process.setProgram(program);
    process.setArguments({QStringLiteral("-batch"), db});
    process.start();
    REQUIRE(process.waitForStarted(10000));
    process.write(script);
    process.closeWriteChannel();
    REQUIRE(process.waitForFinished(30000));
    REQUIRE(process.exitStatus() == QProcess::NormalExit);
    return ShellResult{process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                       QString::fromUtf8(process.readAllStandardError())};
}

QByteArray keyPragma(const DatabaseKey &key)
{
    QByteArray hex = key.toHex();
    // The store's page layout (Database::PageLayout::Current) after the key.
    QByteArray pragma = "PRAGMA key = \"x'" + hex
                        + "'\";\n"
                          "PRAGMA cipher_hmac_algorithm = HMAC_SHA256;\n";
    secureWipe(hex);
    return pragma;
}

QString lastLine(const QString &text)
{
    const QStringList lines = text.split(u'\n', Qt::SkipEmptyParts);
    return lines.isEmpty() ? QString() : lines.last().trimmed();
}

QByteArray utf16(const QString &text, bool bigEndian)
{
    QByteArray bytes;
    for (const QChar c : text) {
        const char hi = static_cast<char>(c.unicode() >> 8);
        const char lo = static_cast<char>(c.unicode() & 0xFF);
        bytes.append(bigEndian ? hi : lo);
        bytes.append(bigEndian ? lo : hi);
    }
    return bytes;
}

/// Every file in `dir` that contains one of `needles` in UTF-8, UTF-16LE or UTF-16BE, with
/// what was found.
QStringList plaintextHits(const QString &dir, const QStringList &needles)
{
    QStringList hits;
    const QFileInfoList entries =
        QDir(dir).entryInfoList(QDir::Files | QDir::Hidden | QDir::System, QDir::Name);
    for (const QFileInfo &entry : entries) {
        QFile file(entry.absoluteFilePath());
        REQUIRE(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        for (const QString &needle : needles) {
            const QList<std::pair<const char *, QByteArray>> forms{
                {"utf-8", needle.toUtf8()},
                {"utf-16le", utf16(needle, false)},
                {"utf-16be", utf16(needle, true)}};
            for (const auto &[encoding, form] : forms) {
                if (bytes.contains(form)) {
                    hits.append(entry.fileName() + QStringLiteral(": ") + needle
                                + QStringLiteral(" (") + QLatin1String(encoding) + u')');
                }
            }
        }
    }
    return hits;
}

const QByteArray sqliteHeader("SQLite format 3\0", 16);

} // namespace

TEST_CASE("A wrong key is a typed WrongKey error and leaves every file byte-identical")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("store.db"));
    const DatabaseKey keyA = DatabaseKey::generate();
    const DatabaseKey keyB = DatabaseKey::generate();
    SystemClock clock;
    const Actor actor = testActor();
    Practice practice;
    {
        auto store = openStore(path, keyA, clock);
        practice = seedPractice(*store, actor);
        for (int i = 0; i < 3; ++i) {
            addPatientWithSession(*store, actor, practice, QStringLiteral("Wrongkey%1").arg(i));
        }
    }

    SECTION("cleanly closed store, wrong and right key alternating")
    {
        for (int round = 0; round < 4; ++round) {
            INFO("round " << round);
            const auto before = snapshot(dir.path());
            REQUIRE(before.contains(QStringLiteral("store.db")));

            auto wrong = Store::open(path, keyB, clock);
            REQUIRE_FALSE(wrong);
            INFO(describe(wrong.error()));
            CHECK(wrong.error().kind == StoreError::Kind::WrongKey);
            // Through the lower layer too: the same refusal, no schema work attempted.
            auto wrongDb = Database::openModules(path, keyB, {&coreSchema(), 1}, {});
            REQUIRE_FALSE(wrongDb);
            CHECK(wrongDb.error().kind == StoreError::Kind::WrongKey);

            const auto after = snapshot(dir.path());
            INFO("before: " << listing(before) << "\nafter:  " << listing(after));
            CHECK(after == before);

            // The right key still opens it, with every record; reading (audited) and adding
            // one more changes the file, so the next round starts from new bytes.
            auto store = openStore(path, keyA, clock);
            CHECK(count(store->database(), "SELECT count(*) FROM patients") == 3 + round);
            CHECK(count(store->database(), "SELECT count(*) FROM sessions") == 3 + round);
            auto patients = store->patients().patients(actor, practice.organization);
            REQUIRE(patients);
            CHECK(patients->size() == 3 + round);
            addPatientWithSession(*store, actor, practice, QStringLiteral("Round%1").arg(round));
            CHECK(store->audit().verify().intact);
        }
    }

    SECTION("store with a hot WAL (the files a crash leaves behind)")
    {
        // Copies taken while a writer holds the store open, with records only in the WAL.
        QTemporaryDir crashed;
        REQUIRE(crashed.isValid());
        const QString copy = crashed.filePath(QStringLiteral("store.db"));
        {
            auto store = openStore(path, keyA, clock);
            REQUIRE(store->database().checkpoint());
            for (int i = 0; i < 4; ++i) {
                addPatientWithSession(*store, actor, practice, QStringLiteral("Walonly%1").arg(i));
            }
            REQUIRE(QFileInfo(path + QStringLiteral("-wal")).size() > 0);
            for (const QString &suffix :
                 {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
                REQUIRE(QFile::copy(path + suffix, copy + suffix));
            }
        }

        for (int round = 0; round < 3; ++round) {
            INFO("round " << round);
            const auto before = snapshot(crashed.path());
            REQUIRE(before.contains(QStringLiteral("store.db-wal")));
            REQUIRE(before.contains(QStringLiteral("store.db-shm")));

            auto wrong = Store::open(copy, keyB, clock);
            REQUIRE_FALSE(wrong);
            INFO(describe(wrong.error()));
            CHECK(wrong.error().kind == StoreError::Kind::WrongKey);

            // The database and the WAL hold the data: byte-identical, nothing checkpointed or
            // deleted. The -shm is only an index of the WAL, which SQLite rebuilds whenever the
            // first connection opens a store nobody has open (the right key does the same), so
            // it must still exist but may differ.
            auto after = snapshot(crashed.path());
            INFO("before: " << listing(before) << "\nafter:  " << listing(after));
            CHECK(after.contains(QStringLiteral("store.db-shm")));
            after.remove(QStringLiteral("store.db-shm"));
            auto beforeData = before;
            beforeData.remove(QStringLiteral("store.db-shm"));
            CHECK(after == beforeData);
        }

        // The right key recovers the WAL: the records that were only there are present.
        auto store = openStore(copy, keyA, clock);
        CHECK(count(store->database(), "SELECT count(*) FROM patients") == 7);
        CHECK(count(store->database(), "SELECT count(*) FROM sessions") == 7);
        CHECK(store->database().checkIntegrity());
        CHECK(store->audit().verify().intact);
    }
}

TEST_CASE("Files that are not SQLCipher databases are Corrupt, a missing one Io, and untouched")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const DatabaseKey key = DatabaseKey::generate();
    SystemClock clock;

    SECTION("a plaintext SQLite database")
    {
        const QString path = dir.filePath(QStringLiteral("plain.db"));
        if (QFileInfo::exists(sqlite3Shell)) {
            const auto made = runShell(sqlite3Shell, path,
                                       "CREATE TABLE patients (name TEXT);"
                                       "INSERT INTO patients VALUES ('x');\n");
            REQUIRE(made.exitCode == 0);
        } else {
            // The header SQLite writes, then the rest of a 4096-byte first page.
            QFile file(path);
            REQUIRE(file.open(QIODevice::WriteOnly));
            QByteArray page(4096, '\0');
            page.replace(0, sqliteHeader.size(), sqliteHeader);
            REQUIRE(file.write(page) == page.size());
        }
        {
            QFile file(path);
            REQUIRE(file.open(QIODevice::ReadOnly));
            REQUIRE(file.read(16) == sqliteHeader);
        }
        const auto before = snapshot(dir.path());
        auto opened = Store::open(path, key, clock);
        REQUIRE_FALSE(opened);
        INFO(describe(opened.error()));
        CHECK(opened.error().kind == StoreError::Kind::Corrupt);
        CHECK(snapshot(dir.path()) == before);
    }

    SECTION("short garbage and a truncated store")
    {
        const QString garbage = dir.filePath(QStringLiteral("garbage.db"));
        {
            QFile file(garbage);
            REQUIRE(file.open(QIODevice::WriteOnly));
            REQUIRE(file.write(QByteArray::fromHex(randomHex(100).toLatin1())) == 100);
        }
        const QString real = dir.filePath(QStringLiteral("real.db"));
        {
            auto store = openStore(real, key, clock);
            seedPractice(*store, testActor());
        }
        const QString truncated = dir.filePath(QStringLiteral("truncated.db"));
        {
            QFile source(real);
            REQUIRE(source.open(QIODevice::ReadOnly));
            QFile file(truncated);
            REQUIRE(file.open(QIODevice::WriteOnly));
            REQUIRE(file.write(source.read(300)) == 300);
        }
        for (const QString &path : {garbage, truncated}) {
            INFO(path.toStdString());
            const auto before = snapshot(dir.path());
            auto opened = Store::open(path, key, clock);
            REQUIRE_FALSE(opened);
            INFO(describe(opened.error()));
            CHECK(opened.error().kind == StoreError::Kind::Corrupt);
            CHECK(snapshot(dir.path()) == before);
        }
    }

    SECTION("page-sized random bytes: refused without a crash or a write")
    {
        // SQLCipher cannot tell random bytes from a page under another key (both fail the
        // HMAC); either answer is acceptable, opening or changing the file is not.
        const QString path = dir.filePath(QStringLiteral("random.db"));
        {
            QFile file(path);
            REQUIRE(file.open(QIODevice::WriteOnly));
            REQUIRE(file.write(QByteArray::fromHex(randomHex(8192).toLatin1())) == 8192);
        }
        const auto before = snapshot(dir.path());
        auto opened = Store::open(path, key, clock);
        REQUIRE_FALSE(opened);
        INFO(describe(opened.error()));
        CHECK((opened.error().kind == StoreError::Kind::WrongKey
               || opened.error().kind == StoreError::Kind::Corrupt));
        CHECK(snapshot(dir.path()) == before);
    }

    SECTION("a missing file with create=false")
    {
        const QString path = dir.filePath(QStringLiteral("missing.db"));
        Database::Options options;
        options.create = false;
        auto opened = Store::open(path, key, clock, options);
        REQUIRE_FALSE(opened);
        INFO(describe(opened.error()));
        CHECK(opened.error().kind == StoreError::Kind::Io);
        CHECK(snapshot(dir.path()).isEmpty());
    }
}

TEST_CASE("A schema newer than the code is TooNew and the file is left as it is")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("store.db"));
    const DatabaseKey key = DatabaseKey::generate();
    SystemClock clock;
    const Actor actor = testActor();
    {
        auto store = openStore(path, key, clock);
        const Practice practice = seedPractice(*store, actor);
        addPatientWithSession(*store, actor, practice, QStringLiteral("Future"));
        // What a later version of the program would leave behind.
        REQUIRE(store->database().execLiteral("PRAGMA user_version = 99"));
        REQUIRE(store->database().schemaVersion() == 99);
    }
    REQUIRE(Database::modularLayoutVersion < 99);

    const auto before = snapshot(dir.path());
    for (int round = 0; round < 2; ++round) {
        auto opened = Store::open(path, key, clock);
        REQUIRE_FALSE(opened);
        INFO(describe(opened.error()));
        CHECK(opened.error().kind == StoreError::Kind::TooNew);
        auto db = Database::openModules(path, key, {&coreSchema(), 1}, {});
        REQUIRE_FALSE(db);
        CHECK(db.error().kind == StoreError::Kind::TooNew);
        const auto after = snapshot(dir.path());
        INFO("before: " << listing(before) << "\nafter:  " << listing(after));
        CHECK(after == before);
    }
}

TEST_CASE("No PHI in plaintext on disk: not in the database, the WAL, the shm or any other file")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("store.db"));
    const DatabaseKey key = DatabaseKey::generate();
    SystemClock clock;
    const Actor actor = testActor();

    QStringList markers;
    for (int i = 0; i < 5; ++i) {
        markers.append(QStringLiteral("ZQXMARKER-") + randomHex(8));
    }
    // The common prefix catches any marker, even one cut at a field boundary.
    const QStringList needles = QStringList{QStringLiteral("ZQXMARKER")};
    const QStringList headerNeedles{QStringLiteral("SQLite format 3")};

    // The scan itself must be able to find what it looks for.
    {
        QTemporaryDir control;
        REQUIRE(control.isValid());
        QFile file(control.filePath(QStringLiteral("control.bin")));
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(100, '\x7f') + utf16(markers.first(), false) + sqliteHeader);
        file.close();
        CHECK(plaintextHits(control.path(), needles).size() == 1);
        CHECK(plaintextHits(control.path(), headerNeedles).size() == 1);
    }

    // The exported audit heads are plain text by design (sequence numbers and hashes); the
    // marker scan below covers that file too.
    const QSet<QString> allowed{QStringLiteral("store.db"), QStringLiteral("store.db-wal"),
                                QStringLiteral("store.db-shm"),
                                QStringLiteral("store.db.audit-heads")};
    auto checkDirectory = [&](const char *phase) {
        INFO(phase);
        const auto files = snapshot(dir.path());
        for (auto it = files.cbegin(); it != files.cend(); ++it) {
            INFO("unexpected file " << it.key().toStdString());
            CHECK(allowed.contains(it.key()));
        }
        const QStringList hits = plaintextHits(dir.path(), needles + markers);
        INFO(hits.join(u'\n').toStdString());
        CHECK(hits.isEmpty());
        CHECK(plaintextHits(dir.path(), headerNeedles).isEmpty());
    };

    {
        auto store = openStore(path, key, clock);
        const Practice practice = seedPractice(*store, actor);
        for (const QString &marker : markers) {
            addPatientWithSession(*store, actor, practice, marker);
        }
        // Committed, still in the WAL, store open: the state a stolen running device has.
        REQUIRE(QFileInfo(path + QStringLiteral("-wal")).size() > 0);
        REQUIRE(QFileInfo::exists(path + QStringLiteral("-shm")));
        auto patients = store->patients().patients(actor, practice.organization);
        REQUIRE(patients);
        REQUIRE(patients->size() == markers.size());
        CHECK(patients->first().firstName.startsWith(QStringLiteral("ZQXMARKER-")));
        checkDirectory("open, WAL not checkpointed");

        REQUIRE(store->database().checkpoint());
        checkDirectory("open, after checkpoint");

        // More writes after the checkpoint land at the start of the reused WAL.
        addPatientWithSession(*store, actor, practice, QStringLiteral("ZQXMARKER-") + randomHex(8));
        checkDirectory("open, WAL reused");
    }
    checkDirectory("closed");
    REQUIRE(QFileInfo(path).size() > 0);
}

TEST_CASE("The file is real SQLCipher 4: the sqlcipher shell reads it with the key only")
{
    INFO("scripts/setup must install the Debian `sqlcipher` package ("
         << sqlcipherShell.toStdString() << ")");
    REQUIRE(QFileInfo(sqlcipherShell).isExecutable());

    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("store.db"));
    const DatabaseKey key = DatabaseKey::generate();
    const DatabaseKey otherKey = DatabaseKey::generate();
    SystemClock clock;
    const Actor actor = testActor();
    const QByteArray countPatients = "SELECT count(*) FROM patients;\n";

    {
        auto store = openStore(path, key, clock);
        const Practice practice = seedPractice(*store, actor);
        for (int i = 0; i < 4; ++i) {
            addPatientWithSession(*store, actor, practice, QStringLiteral("Shell%1").arg(i));
        }
        // A second reader while the records are only in the WAL: the WAL is SQLCipher too.
        REQUIRE(QFileInfo(path + QStringLiteral("-wal")).size() > 0);
        const auto live = runShell(sqlcipherShell, path, keyPragma(key) + countPatients);
        INFO("stderr: " << live.err.toStdString());
        CHECK(live.exitCode == 0);
        CHECK(lastLine(live.out) == QStringLiteral("4"));
        addPatientWithSession(*store, actor, practice, QStringLiteral("Shell4"));
    }

    const auto right = runShell(sqlcipherShell, path,
                                keyPragma(key) + countPatients
                                    + "SELECT count(*) FROM sessions;\n"
                                      "PRAGMA cipher_integrity_check;\n");
    INFO("stderr: " << right.err.toStdString());
    CHECK(right.exitCode == 0);
    CHECK(right.err.isEmpty());
    const QStringList lines = right.out.split(u'\n', Qt::SkipEmptyParts);
    // "ok" answers the key pragma; cipher_integrity_check prints nothing when clean.
    CHECK(lines == QStringList{QStringLiteral("ok"), QStringLiteral("5"), QStringLiteral("5")});

    const auto before = snapshot(dir.path());
    const QList<QByteArray> refusedScripts{
        countPatients, keyPragma(otherKey) + countPatients,
        QByteArray("PRAGMA key = 'a passphrase is not the key';\n") + countPatients};
    for (const QByteArray &script : refusedScripts) {
        const auto refused = runShell(sqlcipherShell, path, script);
        INFO("stdout: " << refused.out.toStdString() << "\nstderr: " << refused.err.toStdString());
        CHECK(refused.exitCode != 0);
        CHECK(refused.err.contains(QStringLiteral("file is not a database")));
        CHECK_FALSE(refused.out.split(u'\n').contains(QStringLiteral("5")));
    }
    CHECK(snapshot(dir.path()) == before);

    // The plain SQLite shell cannot read it either.
    if (QFileInfo::exists(sqlite3Shell)) {
        const auto plain = runShell(sqlite3Shell, path, countPatients);
        CHECK(plain.exitCode != 0);
        CHECK(plain.err.contains(QStringLiteral("file is not a database")));
    }
}
