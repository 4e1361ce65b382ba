// SPDX-License-Identifier: Apache-2.0
// The hash-chained audit log: every PHI read and write through the patient and session
// repositories appends exactly the rows it should, in the same transaction; the chain
// verifies after many operations; and each way of tampering with it (changed, deleted,
// truncated, swapped rows, a changed head) is reported at the right row.
#include "catchqt.h"
#include "fixtures.h"

#include <QFile>

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <functional>

using namespace sb;
using namespace sb::test;
using Kind = StoreError::Kind;

namespace {

/// A store with Fixtures saved in it. Not movable: the store holds its clock by reference.
struct Practice {
    TestStore t;
    Fixtures f;
    Practice()
    {
        REQUIRE(t.store);
        auto created = Fixtures::create(*t.store);
        REQUIRE(created.hasValue());
        f = std::move(*created);
    }
    Store &store() { return *t.store; }
    Database &db() { return t.store->database(); }
    std::int64_t auditCount() { return *t.store->audit().count(); }
};

/// One audit row as the tests look at it.
struct Row {
    QString action;
    QString recordType;
    QUuid recordId;
    QString outcome;
    QUuid user;
    QUuid device;
    friend bool operator==(const Row &, const Row &) = default;
};

QList<Row> rowsAfter(Database &db, std::int64_t seq)
{
    auto stmt = db.prepare("SELECT action, record_type, record_id, outcome, user_id, device_id "
                           "FROM audit_log WHERE seq > ? ORDER BY seq");
    REQUIRE(stmt.hasValue());
    stmt->bind(1, seq);
    QList<Row> rows;
    while (*stmt->step()) {
        const QByteArray record = stmt->blob(2);
        rows.append(Row{stmt->text(0), stmt->text(1),
                        record.size() == 16 ? QUuid::fromRfc4122(record) : QUuid(), stmt->text(3),
                        stmt->id<UserId>(4).uuid(), stmt->id<DeviceId>(5).uuid()});
    }
    return rows;
}

void exec(Database &db, const char *sql)
{
    const auto ok = db.execLiteral(sql);
    if (!ok) {
        FAIL(ok.error().message.toStdString());
    }
}

} // namespace

namespace Catch {
template<> struct StringMaker<Row> {
    static std::string convert(const Row &r)
    {
        const QString text =
            r.action + u'/' + r.recordType + u'/' + r.recordId.toString() + u'/' + r.outcome;
        return text.toStdString();
    }
};
} // namespace Catch

TEST_CASE("Every PHI read and write appends exactly its audit rows")
{
    Practice p;
    Store &store = p.store();
    const Actor &actor = p.f.actor;
    Uuid7Generator &ids = store.ids();
    const Patient &patient = p.f.patient;
    const Session &draft = p.f.draft;
    const Authorization authorization =
        makeAuthorization(ids, patient.id, p.f.payer.id, p.f.provider.id, 4);
    REQUIRE(store.patients().save(actor, authorization));
    Coverage coverage = makeCoverage(ids, patient.id, p.f.payer.id);
    Session second =
        makeDraftSession(ids, store.clock(), p.f.organization.id, patient.id, p.f.provider.id);
    const PatientId unknownPatient(ids.next());
    const SessionId unknownSession(ids.next());

    struct Call {
        const char *name;
        std::function<bool()> run; ///< Whether the call succeeded.
        QList<std::tuple<const char *, const char *, QUuid, const char *>> expected;
    };
    auto ok = [](const auto &result) {
        return result.hasValue();
    };
    const QList<Call> calls{
        {"save patient",
         [&] { return ok(store.patients().save(actor, patient)); },
         {{"update", "patient", patient.id.uuid(), "ok"}}},
        {"read patient",
         [&] { return ok(store.patients().patient(actor, patient.id)); },
         {{"read", "patient", patient.id.uuid(), "ok"}}},
        {"read unknown patient",
         [&] { return !ok(store.patients().patient(actor, unknownPatient)); },
         {{"read", "patient", unknownPatient.uuid(), "not found"}}},
        {"list patients",
         [&] { return ok(store.patients().patients(actor, p.f.organization.id)); },
         {{"list", "patient", p.f.organization.id.uuid(), "ok"}}},
        {"save coverage",
         [&] { return ok(store.patients().save(actor, coverage)); },
         {{"update", "coverage", coverage.id.uuid(), "ok"}}},
        {"list coverages",
         [&] { return ok(store.patients().coverages(actor, patient.id)); },
         {{"list", "coverage", patient.id.uuid(), "ok"}}},
        {"save authorization",
         [&] { return ok(store.patients().save(actor, authorization)); },
         {{"update", "authorization", authorization.id.uuid(), "ok"}}},
        {"list authorizations",
         [&] { return ok(store.patients().authorizations(actor, patient.id)); },
         {{"list", "authorization", patient.id.uuid(), "ok"}}},
        {"consume authorization",
         [&] { return ok(store.patients().consume(actor, authorization.id, 1)); },
         {{"update", "authorization", authorization.id.uuid(), "ok"}}},
        {"refused consume (rolled back with its audit row)",
         [&] { return !ok(store.patients().consume(actor, authorization.id, 99)); },
         {}},
        {"create session",
         [&] { return ok(store.sessions().saveDraft(actor, second)); },
         {{"create", "session", second.id.uuid(), "ok"}}},
        {"update session",
         [&] { return ok(store.sessions().saveDraft(actor, second)); },
         {{"update", "session", second.id.uuid(), "ok"}}},
        {"read session",
         [&] { return ok(store.sessions().session(actor, draft.id)); },
         {{"read", "session", draft.id.uuid(), "ok"}}},
        {"read unknown session",
         [&] { return !ok(store.sessions().session(actor, unknownSession)); },
         {{"read", "session", unknownSession.uuid(), "not found"}}},
        {"append status",
         [&] {
             return ok(store.sessions().appendStatus(
                 actor, draft.id,
                 StatusEntry{SessionStatus::OnDevice, store.clock().nowUtc(), QString()}));
         },
         {{"status", "session", draft.id.uuid(), "ok"}}},
        {"sign session",
         [&] {
             return ok(
                 store.sessions().sign(actor, draft.id, p.f.clinician.id, store.clock().nowUtc()));
         },
         {{"sign", "session", draft.id.uuid(), "ok"}}},
        {"refused edit of a signed session",
         [&] { return !ok(store.sessions().saveDraft(actor, draft)); },
         {}},
        {"addendum",
         [&] {
             return ok(store.sessions().addAddendum(
                 actor, draft.id,
                 makeAddendum(ids, p.f.clinician.id, store.clock().nowUtc(),
                              QStringLiteral("Fictional addendum."))));
         },
         {{"addendum", "session", draft.id.uuid(), "ok"}}},
        {"sessions for patient (a list row, then a read per session)",
         [&] { return ok(store.sessions().sessionsForPatient(actor, patient.id)); },
         {{"list", "session", patient.id.uuid(), "ok"},
          {"read", "session", draft.id.uuid(), "ok"},
          {"read", "session", second.id.uuid(), "ok"}}},
        {"sessions for provider, none in range (still audited)",
         [&] {
             const QDate far(2001, 1, 1);
             return ok(store.sessions().sessionsForProvider(actor, p.f.provider.id, far, far));
         },
         {{"list", "session", p.f.provider.id.uuid(), "ok"}}},
        {"interrupted session, none (still audited)",
         [&] { return ok(store.sessions().interruptedSession(actor, p.f.provider.id)); },
         {{"list", "session", p.f.provider.id.uuid(), "ok"}}},
    };

    for (const Call &call : calls) {
        CAPTURE(call.name);
        const std::int64_t before = p.auditCount();
        REQUIRE(call.run());
        QList<Row> expected;
        for (const auto &[action, type, record, outcome] : call.expected) {
            expected.append(Row{QString::fromLatin1(action), QString::fromLatin1(type), record,
                                QString::fromLatin1(outcome), actor.user.uuid(),
                                actor.device.uuid()});
        }
        CHECK(rowsAfter(p.db(), before) == expected);
        CHECK(p.auditCount() == before + expected.size());
    }
    const AuditVerification verified = store.audit().verify();
    CHECK(verified.intact);
    CHECK(verified.rowsChecked == p.auditCount());
}

TEST_CASE("Practice writes are audited; practice reads are not PHI and are not")
{
    Practice p;
    Store &store = p.store();
    std::int64_t before = p.auditCount();
    REQUIRE(store.practice().organization(p.f.organization.id));
    REQUIRE(store.practice().providers(p.f.organization.id));
    REQUIRE(store.practice().payers());
    REQUIRE(store.practice().userByLogin(p.f.clinician.login));
    CHECK(p.auditCount() == before);

    const CredentialingRecord record =
        makeCredentialing(store.ids(), p.f.provider.id, p.f.payer.id);
    REQUIRE(store.practice().save(p.f.actor, record));
    const QList<Row> rows = rowsAfter(p.db(), before);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].action == QStringLiteral("update"));
    CHECK(rows[0].recordType == QStringLiteral("credentialing"));
    CHECK(rows[0].recordId == record.id.uuid());
}

TEST_CASE("The chain verifies after many operations and survives reopening")
{
    Practice p;
    Store &store = p.store();
    for (int i = 0; i < 60; ++i) {
        p.t.clock.advanceMs(1'000 + i);
        Patient patient = makePatient(store.ids(), p.f.organization.id, p.f.provider.id);
        REQUIRE(store.patients().save(p.f.actor, patient));
        REQUIRE(store.patients().patient(p.f.actor, patient.id));
        Session s = makeDraftSession(store.ids(), store.clock(), p.f.organization.id, patient.id,
                                     p.f.provider.id);
        REQUIRE(store.sessions().saveDraft(p.f.actor, s));
        if (i % 3 == 0) {
            REQUIRE(
                store.sessions().sign(p.f.actor, s.id, p.f.clinician.id, store.clock().nowUtc()));
        }
    }
    const std::int64_t rows = p.auditCount();
    CHECK(rows == 6 + 60 * 3 + 20);
    AuditVerification verified = store.audit().verify();
    CHECK(verified.intact);
    CHECK(verified.rowsChecked == rows);
    CHECK(verified.firstBadSeq == 0);

    Store *again = p.t.reopen();
    REQUIRE(again);
    verified = again->audit().verify();
    CHECK(verified.intact);
    CHECK(verified.rowsChecked == rows);
    REQUIRE(again->patients().patients(p.f.actor, p.f.organization.id));
    CHECK(again->audit().verify().intact);
}

TEST_CASE("Rows without a record id or a device verify like any other")
{
    Practice p;
    AuditLog &log = p.store().audit();
    REQUIRE(log.append(Actor{p.f.clinician.id, DeviceId()}, AuditAction::Export, u"claims_batch",
                       QUuid()));
    REQUIRE(log.append(Actor{}, AuditAction::Read, u"report", QUuid()));
    const AuditVerification verified = log.verify();
    CHECK(verified.intact);
    CHECK(verified.problem == QString());
}

TEST_CASE("The audit log is append-only for the schema's triggers")
{
    Practice p;
    CHECK(errorKind(p.db().execLiteral("UPDATE audit_log SET outcome = 'x' WHERE seq = 2"))
          == Kind::Immutable);
    CHECK(errorKind(p.db().execLiteral("DELETE FROM audit_log WHERE seq = 2")) == Kind::Immutable);
    CHECK(errorKind(p.db().execLiteral("DELETE FROM audit_log")) == Kind::Immutable);
    CHECK(p.store().audit().verify().intact);
}

TEST_CASE("Tampering by someone holding the key is detected at the right row")
{
    Practice p;
    Store &store = p.store();
    for (int i = 0; i < 6; ++i) {
        p.t.clock.advanceMs(500);
        REQUIRE(store.patients().patient(p.f.actor, p.f.patient.id));
    }
    REQUIRE(p.auditCount() == 12);
    REQUIRE(store.audit().verify().intact);
    // An attacker with the key removes the append-only guard first.
    exec(p.db(), "DROP TRIGGER audit_log_no_update");
    exec(p.db(), "DROP TRIGGER audit_log_no_delete");
    REQUIRE(store.audit().verify().intact);

    struct Tamper {
        const char *name;
        const char *sql;
        std::int64_t firstBadSeq;
    };
    // Rows 7..12 are reads of the patient; 6 is the draft session's creation.
    const auto tamper = GENERATE(values<Tamper>({
        {"time of a middle row", "UPDATE audit_log SET at = at + 1 WHERE seq = 6", 6},
        {"user of a middle row", "UPDATE audit_log SET user_id = randomblob(16) WHERE seq = 6", 6},
        {"device of a middle row", "UPDATE audit_log SET device_id = NULL WHERE seq = 6", 6},
        {"action of a middle row", "UPDATE audit_log SET action = 'read' WHERE seq = 6", 6},
        {"unknown action on a read row",
         "UPDATE audit_log SET action = 'nothing_to_see' WHERE seq = 8", 8},
        {"record type of a middle row",
         "UPDATE audit_log SET record_type = 'organization' WHERE seq = 6", 6},
        {"record id of a middle row",
         "UPDATE audit_log SET record_id = randomblob(16) WHERE seq = 6", 6},
        {"record id cut short", "UPDATE audit_log SET record_id = x'00' WHERE seq = 6", 6},
        {"outcome of a middle row", "UPDATE audit_log SET outcome = 'denied' WHERE seq = 6", 6},
        {"stored hash of a middle row", "UPDATE audit_log SET hash = zeroblob(32) WHERE seq = 6",
         6},
        {"previous hash of a middle row",
         "UPDATE audit_log SET prev_hash = zeroblob(32) WHERE seq = 6", 6},
        {"first row", "UPDATE audit_log SET outcome = 'x' WHERE seq = 1", 1},
        {"newest row", "UPDATE audit_log SET outcome = 'x' WHERE seq = 12", 12},
        {"middle row deleted", "DELETE FROM audit_log WHERE seq = 6", 6},
        {"first row deleted", "DELETE FROM audit_log WHERE seq = 1", 1},
        {"newest row deleted (tail truncation)", "DELETE FROM audit_log WHERE seq = 12", 12},
        {"newest three rows deleted", "DELETE FROM audit_log WHERE seq >= 10", 10},
        {"everything deleted", "DELETE FROM audit_log", 1},
        {"two rows swapped, hashes and all",
         "CREATE TEMP TABLE swap AS SELECT * FROM audit_log WHERE seq IN (5, 6);"
         "UPDATE audit_log SET (at, user_id, device_id, action, record_type, record_id, outcome, "
         "prev_hash, hash) = (SELECT at, user_id, device_id, action, record_type, record_id, "
         "outcome, prev_hash, hash FROM swap WHERE swap.seq = 11 - audit_log.seq) "
         "WHERE seq IN (5, 6); DROP TABLE swap;",
         5},
        {"two rows' contents swapped, hashes left in place",
         "CREATE TEMP TABLE swap AS SELECT * FROM audit_log WHERE seq IN (5, 6);"
         "UPDATE audit_log SET (at, user_id, device_id, action, record_type, record_id, "
         "outcome) = (SELECT at, user_id, device_id, action, record_type, record_id, outcome "
         "FROM swap WHERE swap.seq = 11 - audit_log.seq) WHERE seq IN (5, 6); DROP TABLE swap;",
         5},
        {"chain head hash changed", "UPDATE audit_head SET hash = zeroblob(32)", 12},
        {"chain head moved back", "UPDATE audit_head SET seq = 9", 10},
        {"chain head moved forward", "UPDATE audit_head SET seq = 15", 13},
        {"chain head deleted", "DELETE FROM audit_head", 12},
        {"peer of a middle row", "UPDATE audit_log SET peer = '198.51.100.7' WHERE seq = 6", 6},
        {"key boundary moved past the rows (all read as plain SHA-256)",
         "UPDATE audit_head SET keyed_from = 13", 1},
    }));
    CAPTURE(tamper.name);
    exec(p.db(), tamper.sql);
    const AuditVerification verified = store.audit().verify();
    CHECK_FALSE(verified.intact);
    CHECK(verified.firstBadSeq == tamper.firstBadSeq);
    CHECK_FALSE(verified.problem.isEmpty());
}

TEST_CASE("A row rewritten with a freshly keyed hash still breaks the next link")
{
    Practice p;
    Store &store = p.store();
    REQUIRE(store.patients().patient(p.f.actor, p.f.patient.id));
    REQUIRE(store.patients().patient(p.f.actor, p.f.patient.id));
    REQUIRE(p.auditCount() == 8);
    exec(p.db(), "DROP TRIGGER audit_log_no_update");

    auto entries = store.audit().entriesFor(p.f.patient.id.uuid());
    REQUIRE(entries.hasValue());
    AuditEntry forged = entries->at(1); // the first read of the patient: seq 7
    REQUIRE(forged.seq == 7);
    forged.outcome = QStringLiteral("not found"); // pretend the record was never seen
    forged.hash = AuditLog::keyedChainHash(AuditLog::keyFor(testKey()), forged);
    auto update = p.db().prepare("UPDATE audit_log SET outcome = ?, hash = ? WHERE seq = ?");
    REQUIRE(update.hasValue());
    update->bind(1, forged.outcome).bind(2, forged.hash).bind(3, forged.seq);
    REQUIRE(update->run());

    const AuditVerification verified = store.audit().verify();
    CHECK_FALSE(verified.intact);
    CHECK(verified.firstBadSeq == 8); // row 7 is self-consistent; row 8 no longer follows it
}

TEST_CASE("A row forged without the audit key is detected")
{
    Practice p;
    Store &store = p.store();
    REQUIRE(store.patients().patient(p.f.actor, p.f.patient.id));
    const std::int64_t rows = p.auditCount();
    REQUIRE(store.audit().verify().intact);

    // Someone who can write to the database but lacks the audit key appends a row that
    // chains correctly by every public rule: the plain SHA-256 of the unkeyed chain.
    auto head = p.db().prepare("SELECT seq, hash FROM audit_head WHERE id = 1");
    REQUIRE(head.hasValue());
    REQUIRE(*head->step());
    AuditEntry forged;
    forged.seq = head->int64(0) + 1;
    forged.prevHash = head->blob(1);
    forged.at = QDateTime::fromMSecsSinceEpoch(p.t.clock.nowMsSinceEpoch(), Qt::UTC);
    forged.user = p.f.actor.user;
    forged.device = p.f.actor.device;
    forged.action = AuditAction::Read;
    forged.recordType = QStringLiteral("report");
    forged.outcome = QStringLiteral("ok");
    for (const QByteArray &key : {QByteArray(), QByteArray(32, 'k')}) {
        forged.hash =
            key.isEmpty() ? AuditLog::chainHash(forged) : AuditLog::keyedChainHash(key, forged);
        CAPTURE(key.isEmpty());
        REQUIRE(p.db().execLiteral("SAVEPOINT forge"));
        auto insert = p.db().prepare(
            "INSERT INTO audit_log (seq, at, user_id, device_id, action, record_type, outcome, "
            "prev_hash, hash) VALUES (?, ?, ?, ?, 'read', 'report', 'ok', ?, ?)");
        REQUIRE(insert.hasValue());
        insert->bind(1, forged.seq)
            .bind(2, forged.at)
            .bind(3, forged.user)
            .bind(4, forged.device)
            .bind(5, forged.prevHash)
            .bind(6, forged.hash);
        REQUIRE(insert->run());
        auto moveHead = p.db().prepare("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1");
        REQUIRE(moveHead.hasValue());
        moveHead->bind(1, forged.seq).bind(2, forged.hash);
        REQUIRE(moveHead->run());

        const AuditVerification verified = store.audit().verify();
        CHECK_FALSE(verified.intact);
        CHECK(verified.firstBadSeq == rows + 1);
        REQUIRE(p.db().execLiteral("ROLLBACK TO forge"));
        REQUIRE(p.db().execLiteral("RELEASE forge"));
    }
    CHECK(store.audit().verify().intact);
}

TEST_CASE("Cutting the newest rows and rewriting the head is caught by the exported head")
{
    Practice p;
    for (int i = 0; i < 6; ++i) {
        p.t.clock.advanceMs(500);
        REQUIRE(p.store().patients().patient(p.f.actor, p.f.patient.id));
    }
    const std::int64_t rows = p.auditCount();
    const QString exportPath = AuditLog::headExportPathFor(p.db().path());
    // Closing the store exports its head, beside the store.
    Store *store = p.t.reopen();
    REQUIRE(store);
    REQUIRE(QFile::exists(exportPath));
    REQUIRE(store->audit().verify().intact);

    // Someone holding the store key removes the last three rows and moves the head back onto
    // the new last row: consistent inside the store.
    Database &db = store->database();
    exec(db, "DROP TRIGGER audit_log_no_delete");
    auto del = db.prepare("DELETE FROM audit_log WHERE seq > ?");
    REQUIRE(del.hasValue());
    del->bind(1, rows - 3);
    REQUIRE(del->run());
    exec(db, "UPDATE audit_head SET (seq, hash) = "
             "(SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1) WHERE id = 1");

    const AuditVerification verified = store->audit().verify();
    CHECK_FALSE(verified.intact);
    CHECK(verified.firstBadSeq == rows - 2);
    CHECK(verified.problem.contains(QStringLiteral("exported")));

    // Nor does rewriting the cut rows with other content help: the exported hash differs.
    // (The export file itself only ever grows; the store never rewrites it.)
    QFile file(exportPath);
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QByteArray exported = file.readAll();
    CHECK(exported.count('\n') == 1);
    CHECK(exported.startsWith(
        QByteArray("sessionbook-audit-head 1 " + QByteArray::number(rows) + ' ')));
}

TEST_CASE("The head is exported on close and daily, once per change")
{
    Practice p;
    const QString exportPath = AuditLog::headExportPathFor(p.db().path());
    auto lines = [&] {
        QFile file(exportPath);
        return file.open(QIODevice::ReadOnly) ? file.readAll().count('\n') : 0;
    };
    CHECK(lines() == 0);
    p.t.clock.advanceMs(24 * 3600 * 1000);
    REQUIRE(p.store().patients().patient(p.f.actor, p.f.patient.id)); // a day later: exported
    CHECK(lines() == 1);
    REQUIRE(p.store().patients().patient(p.f.actor, p.f.patient.id)); // not a day yet
    CHECK(lines() == 1);
    REQUIRE(p.t.reopen()); // closing exports the moved head
    CHECK(lines() == 2);
    REQUIRE(p.t.reopen()); // nothing moved (opening writes no audit row)
    CHECK(lines() == 2);
    CHECK(p.t.store->audit().verify().intact);
}

TEST_CASE("Rows carry the network peer of the request that wrote them")
{
    Practice p;
    AuditLog &log = p.store().audit();
    log.setPeer(QStringLiteral("203.0.113.9"));
    REQUIRE(p.store().patients().patient(p.f.actor, p.f.patient.id));
    log.setPeer({});
    REQUIRE(p.store().patients().patient(p.f.actor, p.f.patient.id));
    auto entries = log.entriesFor(p.f.patient.id.uuid());
    REQUIRE(entries.hasValue());
    REQUIRE(entries->size() >= 2);
    CHECK(entries->at(entries->size() - 2).peer == QStringLiteral("203.0.113.9"));
    CHECK(entries->last().peer.isEmpty());
    CHECK(log.verify().intact);
}
