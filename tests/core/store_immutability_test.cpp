// SPDX-License-Identifier: Apache-2.0
// Signed sessions and signed addenda cannot change: the repository refuses, and so do the
// schema's triggers when someone holding the key writes SQL directly.
#include "catchqt.h"
#include "fixtures.h"
#include "store/sessionrepository.h"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

using namespace sb;
using namespace sb::test;
using Kind = StoreError::Kind;

namespace {

/// A store with Fixtures whose draft session has been signed.
struct SignedPractice {
    TestStore t;
    Fixtures f;
    Session signedSession;
    explicit SignedPractice(bool sign = true)
    {
        REQUIRE(t.store);
        auto created = Fixtures::create(*t.store);
        REQUIRE(created.hasValue());
        f = std::move(*created);
        if (sign) {
            REQUIRE(
                t.store->sessions().sign(f.actor, f.draft.id, f.clinician.id, t.clock.nowUtc()));
        }
        signedSession = load();
    }
    Store &store() { return *t.store; }
    Database &db() { return t.store->database(); }
    Session load()
    {
        auto s = t.store->sessions().session(f.actor, f.draft.id);
        REQUIRE(s.hasValue());
        return *s;
    }
};

/// Runs one literal statement whose only parameter, ?1, is `id` (used as often as needed).
StoreResult<void> runWithId(Database &db, const char *sql, const QByteArray &id)
{
    auto stmt = db.prepare(sql);
    if (!stmt) {
        return unexpected(stmt.error());
    }
    stmt->bind(1, id);
    return stmt->run();
}

struct RawWrite {
    const char *name;
    const char *sql;
};

/// Direct writes to a session and its children, each one changing what the signature covers.
const std::initializer_list<RawWrite> sessionWrites{
    {"note", "UPDATE sessions SET note = 'tampered' WHERE id = ?1"},
    {"note template", "UPDATE sessions SET note_template = 'SOAP' WHERE id = ?1"},
    {"service", "UPDATE sessions SET service = 'crisis' WHERE id = ?1"},
    {"modality", "UPDATE sessions SET modality = 'in_person' WHERE id = ?1"},
    {"patient location", "UPDATE sessions SET patient_location = 'office' WHERE id = ?1"},
    {"interactive complexity", "UPDATE sessions SET interactive_complexity = 1 WHERE id = ?1"},
    {"date of service", "UPDATE sessions SET date_of_service = '2020-01-01' WHERE id = ?1"},
    {"patient", "UPDATE sessions SET patient_id = randomblob(16) WHERE id = ?1"},
    {"provider", "UPDATE sessions SET provider_id = randomblob(16) WHERE id = ?1"},
    {"organization", "UPDATE sessions SET organization_id = randomblob(16) WHERE id = ?1"},
    {"payer", "UPDATE sessions SET payer_id = NULL WHERE id = ?1"},
    {"signer", "UPDATE sessions SET signed_by = randomblob(16) WHERE id = ?1"},
    {"signature time", "UPDATE sessions SET signed_at = signed_at + 1 WHERE id = ?1"},
    {"signature hash", "UPDATE sessions SET signed_hash = zeroblob(32) WHERE id = ?1"},
    {"delete session", "DELETE FROM sessions WHERE id = ?1"},
    {"insert timing", "INSERT INTO session_timing (session_id, seq, kind, wall_ms, "
                      "monotonic_ms, boot_id, server_offset_ms) VALUES (?1, 99, 'resume', 0, "
                      "0, 1, 0)"},
    {"delete timing", "DELETE FROM session_timing WHERE session_id = ?1"},
    {"update timing", "UPDATE session_timing SET monotonic_ms = monotonic_ms + 600000 "
                      "WHERE session_id = ?1 AND kind = 'stop'"},
    {"insert diagnosis", "INSERT INTO session_diagnoses (session_id, seq, code) "
                         "VALUES (?1, 99, 'F329')"},
    {"delete diagnoses", "DELETE FROM session_diagnoses WHERE session_id = ?1"},
    {"update diagnosis", "UPDATE session_diagnoses SET code = 'F329' WHERE session_id = ?1"},
    {"insert participant", "INSERT INTO session_participants (session_id, seq, role, "
                           "display_name, present) VALUES (?1, 99, 'other', 'X', 1)"},
    {"delete participants", "DELETE FROM session_participants WHERE session_id = ?1"},
    {"update participant", "UPDATE session_participants SET present = 0 WHERE session_id = ?1"},
};

} // namespace

TEST_CASE("saveDraft on a signed session is refused as Immutable and changes nothing")
{
    SignedPractice p;
    const std::int64_t auditBefore = *p.store().audit().count();
    Session edited = p.f.draft; // unsigned copy, as a stale editor would still hold it
    edited.note = QStringLiteral("Rewritten after signing.");
    edited.diagnoses.clear();
    CHECK(errorKind(p.store().sessions().saveDraft(p.f.actor, edited)) == Kind::Immutable);
    CHECK(p.load() == p.signedSession);
    CHECK(*p.store().audit().count() == auditBefore + 1); // only the load() read above
}

TEST_CASE("Raw SQL cannot change a signed session or its children")
{
    const RawWrite write = GENERATE(values(sessionWrites));
    CAPTURE(write.name);
    SignedPractice p;
    const QByteArray id = p.f.draft.id.uuid().toRfc4122();
    const auto result = runWithId(p.db(), write.sql, id);
    CHECK(errorKind(result) == Kind::Immutable);
    const Session after = p.load();
    CHECK(after == p.signedSession);
    CHECK(sessionContentHash(after) == after.signature->contentHash);
}

TEST_CASE("The same raw SQL does change an unsigned draft (the triggers guard signing only)")
{
    const RawWrite write = GENERATE(values(sessionWrites));
    CAPTURE(write.name);
    SignedPractice p(false);
    REQUIRE_FALSE(p.signedSession.isSigned());
    // Foreign keys would refuse random ids for a draft too; they are not what is tested here.
    REQUIRE(p.db().execLiteral("PRAGMA foreign_keys = OFF"));
    const QByteArray id = p.f.draft.id.uuid().toRfc4122();
    const auto result = runWithId(p.db(), write.sql, id);
    CHECK(result.hasValue());
    CHECK(p.db().handle() != nullptr);
    auto stmt = p.db().prepare("SELECT changes()");
    REQUIRE(stmt);
    REQUIRE(*stmt->step());
    CHECK(stmt->int64(0) >= 1);
}

TEST_CASE("Fields outside the signature may still change on a signed session")
{
    SignedPractice p;
    const QByteArray id = p.f.draft.id.uuid().toRfc4122();
    REQUIRE(
        runWithId(p.db(), "UPDATE sessions SET updated_at = updated_at + 1000 WHERE id = ?1", id));
    const StatusEntry received{SessionStatus::Received, p.t.clock.nowUtc(), QString()};
    REQUIRE(p.store().sessions().appendStatus(p.f.actor, p.f.draft.id, received));
    const Session after = p.load();
    CHECK(after.updatedAt == p.signedSession.updatedAt.addMSecs(1000));
    CHECK(after.statusTrail.last() == received);
    CHECK(sessionContentHash(after) == after.signature->contentHash);
}

TEST_CASE("Signed addenda are immutable; unsigned ones are drafts")
{
    SignedPractice p;
    Addendum signedOne = makeAddendum(p.store().ids(), p.f.clinician.id, p.t.clock.nowUtc(),
                                      QStringLiteral("Signed clarification."));
    signedOne.signature = Signature{p.f.clinician.id, p.t.clock.nowUtc(), QByteArray()};
    const Addendum draftOne =
        makeAddendum(p.store().ids(), p.f.clinician.id, p.t.clock.nowUtc().addMSecs(1),
                     QStringLiteral("Unsigned clarification."));
    REQUIRE(p.store().sessions().addAddendum(p.f.actor, p.f.draft.id, signedOne));
    REQUIRE(p.store().sessions().addAddendum(p.f.actor, p.f.draft.id, draftOne));
    const Session before = p.load();
    REQUIRE(before.addenda.size() == 2);

    const QByteArray signedId = signedOne.id.uuid().toRfc4122();
    for (const char *sql : {"UPDATE session_addenda SET text = 'tampered' WHERE id = ?1",
                            "UPDATE session_addenda SET signed_at = NULL WHERE id = ?1",
                            "UPDATE session_addenda SET created_at = 0 WHERE id = ?1",
                            "DELETE FROM session_addenda WHERE id = ?1"}) {
        CAPTURE(sql);
        CHECK(errorKind(runWithId(p.db(), sql, signedId)) == Kind::Immutable);
    }
    CHECK(p.load() == before);

    const QByteArray draftId = draftOne.id.uuid().toRfc4122();
    REQUIRE(runWithId(p.db(), "UPDATE session_addenda SET text = 'edited' WHERE id = ?1", draftId));
    CHECK(p.load().addenda.at(1).text == QStringLiteral("edited"));
}
