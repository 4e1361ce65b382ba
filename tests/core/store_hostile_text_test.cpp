// SPDX-License-Identifier: Apache-2.0
// Hostile text goes in and comes out byte for byte: SQL metacharacters, embedded NULs, a
// 64 KiB note, bidirectional overrides, astral-plane characters, lone combining marks and
// X12 delimiters, through patient names, session notes, addenda and logins. Nothing of it is
// ever executed: the schema is the same afterwards.
#include "catchqt.h"
#include "fixtures.h"
#include "store/sessionrepository.h"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/generators/catch_generators_range.hpp>

using namespace sb;
using namespace sb::test;
using Kind = StoreError::Kind;

namespace {

struct Hostile {
    const char *name;
    QString text;
};

QString withNul(QStringView before, QStringView after)
{
    return before.toString() + QChar(u'\0') + after.toString();
}

QString longNote()
{
    QString note;
    note.reserve(64 * 1024);
    const QString line = QStringLiteral("Patient reports \"ok\"; 'fine' — ~*:^ 😀 \u05D0\u0627\n");
    while (note.size() + line.size() <= 64 * 1024) {
        note += line;
    }
    note += QString(64 * 1024 - note.size(), u'x');
    return note;
}

const QList<Hostile> &hostileTexts()
{
    static const QList<Hostile> texts{
        {"quotes", QStringLiteral("O'Brien \"Ed\" `back` ''\"\"")},
        {"drop table", QStringLiteral("'; DROP TABLE sessions;--")},
        {"bobby tables", QStringLiteral("Robert'); DROP TABLE patients; --")},
        {"or 1=1", QStringLiteral("' OR '1'='1' /* */ UNION SELECT * FROM sqlite_master --")},
        {"embedded NUL", withNul(u"before", u"after")},
        {"leading and trailing NUL", withNul(u"", u"middle") + QChar(u'\0')},
        {"64 KiB note", longNote()},
        {"RTL with U+202E override",
         QStringLiteral("\u0645\u0631\u064A\u0636 \u05DE\u05D8\u05D5\u05E4\u05DC \u202Etxt.exe")},
        {"emoji and astral plane",
         QStringLiteral("😀🧠👩🏽‍⚕️ \U0001D54F \U0002070E \U0010FFFD")},
        {"lone combining marks", QString(QChar(0x0301)) + QChar(0x0308) + QChar(0x20DD)},
        {"X12 delimiters", QStringLiteral("*~:^ NM1*IL*1*DOE*JANE~ISA*00*^:")},
        {"control characters", QStringLiteral("line1\r\nline2\tend\x1B[31m\x7F")},
        {"LIKE wildcards and escapes", QStringLiteral("100% \\ _ %% \\' \\\"")},
        {"noncharacters", QStringLiteral("\uFFFE\uFFFF\uFDD0")},
        {"whitespace only", QStringLiteral(" \u00A0\u2003 ")},
    };
    return texts;
}

/// Bytes SQLite holds for a text column, as SQL sees them.
std::int64_t storedByteLength(Database &db, const char *sql, const QByteArray &id)
{
    auto stmt = db.prepare(sql);
    REQUIRE(stmt.hasValue());
    stmt->bind(1, id);
    REQUIRE(*stmt->step());
    return stmt->int64(0);
}

} // namespace

TEST_CASE("Hostile text round-trips byte-identical and executes nothing")
{
    const Hostile hostile = GENERATE(from_range(hostileTexts()));
    CAPTURE(hostile.name);
    TestStore t;
    REQUIRE(t.store);
    auto created = Fixtures::create(*t.store);
    REQUIRE(created.hasValue());
    const Fixtures &f = *created;
    Store &store = *t.store;
    Database &db = store.database();
    const QStringList schemaBefore = schemaObjects(db);
    const std::int64_t patientsBefore = rowCount(db, "patients");
    const std::int64_t sessionsBefore = rowCount(db, "sessions");

    SECTION("patient names and address")
    {
        Patient p = makePatient(store.ids(), f.organization.id, f.provider.id);
        p.firstName = hostile.text;
        p.lastName = hostile.text;
        p.addressLine = hostile.text;
        REQUIRE(store.patients().save(f.actor, p));
        const auto read = store.patients().patient(f.actor, p.id);
        REQUIRE(read.hasValue());
        CHECK(read->firstName == hostile.text);
        CHECK(read->firstName.size() == hostile.text.size());
        CHECK(*read == p);
        CHECK(storedByteLength(db,
                               "SELECT length(CAST(last_name AS BLOB)) FROM patients "
                               "WHERE id = ?",
                               p.id.uuid().toRfc4122())
              == hostile.text.toUtf8().size());
        const auto listed = store.patients().patients(f.actor, f.organization.id);
        REQUIRE(listed.hasValue());
        CHECK(listed->contains(p));
        CHECK(rowCount(db, "patients") == patientsBefore + 1);
    }
    SECTION("session note, template, participant and diagnosis, then signed")
    {
        Session s = makeDraftSession(store.ids(), store.clock(), f.organization.id, f.patient.id,
                                     f.provider.id, f.payer.id);
        s.note = hostile.text;
        s.noteTemplate = hostile.text.left(200);
        s.participants.append(
            Participant{ParticipantRole::Other, std::nullopt, hostile.text.left(200), true});
        s.diagnoses.append(Diagnosis{hostile.text.left(50)});
        s.statusTrail = {StatusEntry{SessionStatus::Captured, s.updatedAt, QString()}};
        REQUIRE(store.sessions().saveDraft(f.actor, s));
        auto read = store.sessions().session(f.actor, s.id);
        REQUIRE(read.hasValue());
        CHECK(read->note == hostile.text);
        CHECK(read->note.size() == hostile.text.size());
        CHECK(*read == s);
        CHECK(storedByteLength(db, "SELECT length(CAST(note AS BLOB)) FROM sessions WHERE id = ?",
                               s.id.uuid().toRfc4122())
              == hostile.text.toUtf8().size());

        const auto signature =
            store.sessions().sign(f.actor, s.id, f.clinician.id, t.clock.nowUtc());
        REQUIRE(signature.hasValue());
        CHECK(signature->contentHash == sessionContentHash(s));
        read = store.sessions().session(f.actor, s.id);
        REQUIRE(read.hasValue());
        CHECK(sessionContentHash(*read) == signature->contentHash);
        CHECK(rowCount(db, "sessions") == sessionsBefore + 1);

        Addendum a = makeAddendum(store.ids(), f.clinician.id, t.clock.nowUtc(), hostile.text);
        REQUIRE(store.sessions().addAddendum(f.actor, s.id, a));
        read = store.sessions().session(f.actor, s.id);
        REQUIRE(read.hasValue());
        REQUIRE(read->addenda.size() == 1);
        CHECK(read->addenda.first() == a);
    }
    SECTION("practice records and lookups by login")
    {
        Organization o = makeOrganization(store.ids());
        o.name = hostile.text;
        REQUIRE(store.practice().save(f.actor, o));
        CHECK(*store.practice().organization(o.id) == o);

        User u = makeUser(store.ids(), f.organization.id, hostile.text);
        u.displayName = hostile.text;
        REQUIRE(store.practice().save(f.actor, u));
        const auto byLogin = store.practice().userByLogin(hostile.text);
        REQUIRE(byLogin.hasValue());
        CHECK(*byLogin == u);
        // A login that differs only after an embedded NUL or in its tail is another login.
        CHECK(errorKind(store.practice().userByLogin(hostile.text + u'!')) == Kind::NotFound);
        CHECK(errorKind(store.practice().userByLogin(QStringLiteral("' OR '1'='1")))
              == Kind::NotFound);
    }

    CHECK(schemaObjects(db) == schemaBefore);
    CHECK(db.checkIntegrity().hasValue());
    CHECK(store.audit().verify().intact);
}

TEST_CASE("Text that differs only after an embedded NUL stays distinct")
{
    TestStore t;
    REQUIRE(t.store);
    auto created = Fixtures::create(*t.store);
    REQUIRE(created.hasValue());
    const Fixtures &f = *created;
    Store &store = *t.store;
    const QString a = withNul(u"same", u"A");
    const QString b = withNul(u"same", u"B");
    REQUIRE(a != b);
    const User first = makeUser(store.ids(), f.organization.id, a);
    const User second = makeUser(store.ids(), f.organization.id, b);
    REQUIRE(store.practice().save(f.actor, first));
    REQUIRE(store.practice().save(f.actor, second)); // not a duplicate login
    CHECK(store.practice().userByLogin(a)->id == first.id);
    CHECK(store.practice().userByLogin(b)->id == second.id);
    CHECK(errorKind(store.practice().userByLogin(QStringLiteral("same"))) == Kind::NotFound);
}
