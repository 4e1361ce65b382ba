// SPDX-License-Identifier: Apache-2.0
#include "domain/enums.h"
#include "fixtures.h"
#include "recordcodec.h"
#include "store/sessionrepository.h"

#include <catch2/catch_test_macros.hpp>
#include <limits>
#include <string>
#include <vector>

using namespace sb;
using namespace sb::sync;

namespace {

Session signedSession(Uuid7Generator &ids, const Clock &clock)
{
    Session s =
        test::makeDraftSession(ids, clock, OrganizationId(ids.next()), PatientId(ids.next()),
                               ProviderId(ids.next()), PayerId(ids.next()));
    s.participants.append(
        Participant{ParticipantRole::FamilyMember, std::nullopt, QStringLiteral("Parent"), false});
    s.note = QStringLiteral("Quotes ' \" ; DROP TABLE x;-- \u202E RTL and emoji \U0001F600 *~:^");
    s.note.append(QChar(0));
    s.signature = Signature{UserId(ids.next()), clock.nowUtc(), sessionContentHash(s)};
    return s;
}

} // namespace

TEST_CASE("A signed session survives the wire byte for byte")
{
    ManualClock clock;
    Uuid7Generator ids(clock);
    const Session original = signedSession(ids, clock);

    pb::SessionRecord record;
    encodeSession(original, record);
    std::string bytes;
    REQUIRE(record.SerializeToString(&bytes));

    pb::SessionRecord parsed;
    REQUIRE(parsed.ParseFromString(bytes));
    auto decoded = decodeSession(parsed);
    REQUIRE(decoded.hasValue());
    Session expected = original;
    expected.statusTrail.clear(); // the status trail travels as pull items, not in the record
    expected.addenda.clear();
    CHECK(*decoded == expected);
    CHECK(sessionContentHash(*decoded) == original.signature->contentHash);
}

TEST_CASE("Each tap's server offset, and whether a sync had measured it, reach the office")
{
    ManualClock clock;
    Uuid7Generator ids(clock);
    Session session = signedSession(ids, clock);
    session.timing[0].serverOffsetMs = 0; // before the first sync: nothing known
    session.timing[0].serverOffsetKnown = false;
    for (qsizetype i = 1; i < session.timing.size(); ++i) {
        session.timing[i].serverOffsetMs = -3 * 3'600'000 - 417; // the device 3 h ahead
        session.timing[i].serverOffsetKnown = true;
    }
    session.signature->contentHash = sessionContentHash(session);

    pb::SessionRecord record;
    encodeSession(session, record);
    CHECK_FALSE(record.timing(0).server_offset_known());
    CHECK(record.timing(1).server_offset_known());
    CHECK(record.timing(1).server_offset_ms() == -3 * 3'600'000 - 417);
    auto decoded = decodeSession(record);
    REQUIRE(decoded.hasValue());
    CHECK(decoded->timing == session.timing);
    CHECK(sessionContentHash(*decoded) == session.signature->contentHash);

    // A client that predates the flag never sets it: its taps decode as not known, and the
    // hash it signed (which had no flag) still matches.
    Session older = signedSession(ids, clock);
    pb::SessionRecord olderRecord;
    encodeSession(older, olderRecord);
    for (auto &tap : *olderRecord.mutable_timing()) {
        tap.clear_server_offset_known();
    }
    auto olderDecoded = decodeSession(olderRecord);
    REQUIRE(olderDecoded.hasValue());
    for (const TimingEvent &tap : olderDecoded->timing) {
        CHECK_FALSE(tap.serverOffsetKnown);
    }
    CHECK(sessionContentHash(*olderDecoded) == older.signature->contentHash);
}

TEST_CASE("Invalid wire sessions are refused naming the field, never echoing the value")
{
    ManualClock clock;
    Uuid7Generator ids(clock);
    pb::SessionRecord good;
    encodeSession(signedSession(ids, clock), good);

    struct Case {
        const char *field;
        void (*spoil)(pb::SessionRecord &);
    };
    const Case cases[] = {
        {"session.id",
         [](pb::SessionRecord &r) {
             r.set_id("short");
         }},
        {"session.id",
         [](pb::SessionRecord &r) {
             r.clear_id();
         }},
        {"session.patient_id",
         [](pb::SessionRecord &r) {
             r.set_patient_id(std::string(17, 'x'));
         }},
        {"session.payer_id",
         [](pb::SessionRecord &r) {
             r.set_payer_id("123");
         }},
        {"session.date_of_service",
         [](pb::SessionRecord &r) {
             r.set_date_of_service("2026-13-40");
         }},
        {"session.service",
         [](pb::SessionRecord &r) {
             r.set_service("'; DROP TABLE sessions;--");
         }},
        {"session.modality",
         [](pb::SessionRecord &r) {
             r.set_modality("hologram");
         }},
        {"session.patient_location",
         [](pb::SessionRecord &r) {
             r.set_patient_location("");
         }},
        {"session.timing.kind",
         [](pb::SessionRecord &r) {
             r.mutable_timing(0)->set_kind("rewind");
         }},
        {"session.participants.role",
         [](pb::SessionRecord &r) {
             r.mutable_participants(0)->set_role("spy");
         }},
        {"session.signature",
         [](pb::SessionRecord &r) {
             r.mutable_signature()->set_content_hash("x");
         }},
    };
    for (const Case &c : cases) {
        pb::SessionRecord bad = good;
        c.spoil(bad);
        auto decoded = decodeSession(bad);
        INFO(c.field);
        REQUIRE_FALSE(decoded.hasValue());
        CHECK(decoded.error().field == QLatin1String(c.field));
        CHECK_FALSE(decoded.error().message.contains(u"DROP"));
    }
}

TEST_CASE("Addenda round-trip with their signature")
{
    ManualClock clock;
    Uuid7Generator ids(clock);
    const SessionId session(ids.next());
    Addendum addendum = test::makeAddendum(ids, UserId(ids.next()), clock.nowUtc(),
                                           QStringLiteral("Late entry: client called back."));
    addendum.signature =
        Signature{addendum.authorId, clock.nowUtc(), addendumContentHash(session, addendum)};
    pb::AddendumRecord record;
    encodeAddendum(session, addendum, record);
    auto decoded = decodeAddendum(record);
    REQUIRE(decoded.hasValue());
    CHECK(decoded->sessionId == session);
    CHECK(decoded->addendum == addendum);

    record.set_author_id("");
    CHECK_FALSE(decodeAddendum(record).hasValue());
}

TEST_CASE("Pulled practice records survive the wire: patient, coverage, authorization, "
          "credentialing")
{
    ManualClock clock;
    Uuid7Generator ids(clock);
    Patient patient;
    patient.id = PatientId(ids.next());
    patient.firstName = QStringLiteral("Ana ' ; --");
    patient.lastName = QStringLiteral("N\u00fa\u00f1ez");
    patient.birthDate = QDate(1990, 2, 28);
    patient.sex = Sex::Female;
    patient.primaryProviderId = ProviderId(ids.next());
    pb::Patient wirePatient;
    encodePatient(patient, wirePatient);
    auto decodedPatient = decodePatient(wirePatient);
    REQUIRE(decodedPatient);
    CHECK(*decodedPatient == patient); // the organization is the device's, never sent

    Payer payer{
        PayerId(ids.next()), QStringLiteral("Demo Health"), PayerKind::Medicaid, {}, {}, {}};
    Coverage coverage;
    coverage.id = CoverageId(ids.next());
    coverage.patientId = patient.id;
    coverage.payerId = payer.id;
    coverage.memberId = QStringLiteral("M-1");
    coverage.priority = 2;
    coverage.effective = QDate(2025, 1, 1);
    coverage.eligibility = EligibilitySnapshot{QDateTime(QDate(2026, 3, 1), QTime(9, 0), Qt::UTC),
                                               true,
                                               QDate(2026, 1, 1),
                                               QDate(2026, 12, 31),
                                               true,
                                               QStringLiteral("Mind BHO"),
                                               QStringLiteral("BHO1"),
                                               QStringLiteral("555-0100"),
                                               QStringLiteral("271")};
    pb::Coverage wireCoverage;
    encodeCoverage(coverage, payer, wireCoverage);
    auto decodedCoverage = decodeCoverage(wireCoverage);
    REQUIRE(decodedCoverage);
    CHECK(decodedCoverage->coverage == coverage);
    CHECK(decodedCoverage->payerName == payer.name);
    CHECK(decodedCoverage->payerKind == u"medicaid");

    Authorization auth;
    auth.id = AuthorizationId(ids.next());
    auth.patientId = patient.id;
    auth.payerId = payer.id;
    auth.number = QStringLiteral("PA-7");
    auth.serviceCodes = {QStringLiteral("90834"), QStringLiteral("90837")};
    auth.unit = AuthorizationUnit::Units;
    auth.authorized = 12;
    auth.used = 3;
    auth.startDate = QDate(2026, 1, 1);
    auth.endDate = QDate(2026, 6, 30);
    pb::Authorization wireAuth;
    encodeAuthorization(auth, wireAuth);
    auto decodedAuth = decodeAuthorization(wireAuth);
    REQUIRE(decodedAuth);
    CHECK(*decodedAuth == auth);

    const CredentialingRecord cred{CredentialingId(ids.next()),
                                   ProviderId(ids.next()),
                                   payer.id,
                                   CredentialingStatus::InNetwork,
                                   QDate(2025, 1, 1),
                                   QDate(),
                                   QDate(2026, 2, 1),
                                   QDate(2027, 12, 31)};
    pb::CredentialingStatus wireCred;
    encodeCredentialing(cred, wireCred);
    auto decodedCred = decodeCredentialing(wireCred);
    REQUIRE(decodedCred);
    CHECK(*decodedCred == cred);

    // What the device cannot use is refused, naming the field.
    wireAuth.set_unit("hours");
    REQUIRE_FALSE(decodeAuthorization(wireAuth));
    CHECK(decodeAuthorization(wireAuth).error().field == u"authorization.unit");
    wireCred.set_payer_id("short");
    REQUIRE_FALSE(decodeCredentialing(wireCred));
    CHECK(decodeCredentialing(wireCred).error().field == u"credentialing.payer_id");
    wireCoverage.clear_patient_id();
    REQUIRE_FALSE(decodeCoverage(wireCoverage));
    CHECK(decodeCoverage(wireCoverage).error().field == u"coverage.patient_id");
}

namespace {

/// One capped field: `fill(record, n)` makes the field n bytes (or n items) long.
template<typename Record> struct CapCase {
    const char *field;
    std::size_t cap;
    void (*fill)(Record &, std::size_t);
};

template<typename Record, typename Decode>
void checkCaps(const Record &good, const std::vector<CapCase<Record>> &cases, Decode decode)
{
    for (const auto &c : cases) {
        INFO(c.field);
        Record atCap = good;
        c.fill(atCap, c.cap);
        const auto accepted = decode(atCap);
        CHECK(accepted.hasValue());

        Record overCap = good;
        c.fill(overCap, c.cap + 1);
        const auto refused = decode(overCap);
        REQUIRE_FALSE(refused.hasValue());
        CHECK(refused.error().field == QLatin1String(c.field));
        CHECK(refused.error().fault == DecodeFault::TooLong);
        CHECK(refused.error().message.size() < 40); // names the rule, carries no content
    }
}

std::string text(std::size_t n, char fill = 'a')
{
    return std::string(n, fill);
}

} // namespace

TEST_CASE("Every capped session field is accepted at its cap and refused one past it")
{
    ManualClock clock;
    Uuid7Generator ids(clock);
    pb::SessionRecord good;
    encodeSession(signedSession(ids, clock), good);
    REQUIRE(good.timing_size() > 0);
    REQUIRE(good.participants_size() > 0);

    using R = pb::SessionRecord;
    const std::vector<CapCase<R>> cases = {
        {"session.note", wireCaps::noteBytes,
         [](R &r, std::size_t n) {
             r.set_note(text(n));
         }},
        {"session.note_template", wireCaps::noteTemplateBytes,
         [](R &r, std::size_t n) {
             r.set_note_template(text(n));
         }},
        {"session.participants.display_name", wireCaps::nameBytes,
         [](R &r, std::size_t n) {
             r.mutable_participants(0)->set_display_name(text(n));
         }},
        {"session.diagnoses", wireCaps::codeBytes,
         [](R &r, std::size_t n) {
             r.clear_diagnoses();
             r.add_diagnoses(text(n, 'F'));
         }},
        {"session.diagnoses", std::size_t(wireCaps::diagnoses),
         [](R &r, std::size_t n) {
             r.clear_diagnoses();
             for (std::size_t i = 0; i < n; ++i) {
                 r.add_diagnoses("F411");
             }
         }},
        {"session.participants", std::size_t(wireCaps::participants),
         [](R &r, std::size_t n) {
             const auto one = r.participants(0);
             r.clear_participants();
             for (std::size_t i = 0; i < n; ++i) {
                 *r.add_participants() = one;
             }
         }},
        {"session.timing", std::size_t(wireCaps::timingEvents),
         [](R &r, std::size_t n) {
             const auto one = r.timing(0);
             r.clear_timing();
             for (std::size_t i = 0; i < n; ++i) {
                 *r.add_timing() = one;
             }
         }},
    };
    checkCaps(good, cases, [](const R &r) { return decodeSession(r); });

    // Enumerations and dates: at the cap the value is merely unknown or malformed; one past
    // it the cap refuses it before it is converted.
    R longEnum = good;
    longEnum.set_service(text(wireCaps::enumNameBytes));
    auto unknown = decodeSession(longEnum);
    REQUIRE_FALSE(unknown.hasValue());
    CHECK(unknown.error().fault == DecodeFault::Invalid);
    longEnum.set_service(text(wireCaps::enumNameBytes + 1));
    auto overEnum = decodeSession(longEnum);
    REQUIRE_FALSE(overEnum.hasValue());
    CHECK(overEnum.error().field == u"session.service");
    CHECK(overEnum.error().fault == DecodeFault::TooLong);

    R longDate = good;
    longDate.set_date_of_service("2026-01-011");
    auto overDate = decodeSession(longDate);
    REQUIRE_FALSE(overDate.hasValue());
    CHECK(overDate.error().field == u"session.date_of_service");
    CHECK(overDate.error().fault == DecodeFault::TooLong);
}

TEST_CASE("Addendum text is accepted at its cap and refused one past it")
{
    ManualClock clock;
    Uuid7Generator ids(clock);
    const SessionId session(ids.next());
    const Addendum addendum =
        test::makeAddendum(ids, UserId(ids.next()), clock.nowUtc(), QStringLiteral("Late entry"));
    pb::AddendumRecord good;
    encodeAddendum(session, addendum, good);

    using R = pb::AddendumRecord;
    const std::vector<CapCase<R>> cases = {
        {"addendum.text", wireCaps::addendumBytes,
         [](R &r, std::size_t n) {
             r.set_text(text(n));
         }},
    };
    checkCaps(good, cases, [](const R &r) { return decodeAddendum(r); });
}

TEST_CASE("Pulled practice records refuse over-long fields naming the field")
{
    ManualClock clock;
    Uuid7Generator ids(clock);

    pb::Patient patient;
    patient.set_id(toWireId(ids.next()));
    patient.set_first_name("Ada");
    using P = pb::Patient;
    checkCaps(patient,
              std::vector<CapCase<P>>{
                  {"patient.first_name", wireCaps::nameBytes,
                   [](P &r, std::size_t n) {
                       r.set_first_name(text(n));
                   }},
                  {"patient.last_name", wireCaps::nameBytes,
                   [](P &r, std::size_t n) {
                       r.set_last_name(text(n));
                   }},
              },
              [](const P &r) { return decodePatient(r); });

    pb::Coverage coverage;
    coverage.set_id(toWireId(ids.next()));
    coverage.set_patient_id(toWireId(ids.next()));
    coverage.set_payer_id(toWireId(ids.next()));
    using C = pb::Coverage;
    checkCaps(coverage,
              std::vector<CapCase<C>>{
                  {"coverage.member_id", wireCaps::identifierBytes,
                   [](C &r, std::size_t n) {
                       r.set_member_id(text(n));
                   }},
                  {"coverage.payer_name", wireCaps::nameBytes,
                   [](C &r, std::size_t n) {
                       r.set_payer_name(text(n));
                   }},
                  {"coverage.eligibility.carve_out_phone", wireCaps::identifierBytes,
                   [](C &r, std::size_t n) {
                       r.mutable_eligibility()->set_carve_out_phone(text(n, '5'));
                   }},
              },
              [](const C &r) { return decodeCoverage(r); });

    pb::Authorization authorization;
    authorization.set_id(toWireId(ids.next()));
    authorization.set_patient_id(toWireId(ids.next()));
    authorization.set_payer_id(toWireId(ids.next()));
    authorization.set_unit(toName(AuthorizationUnit::Visits).toStdString());
    using A = pb::Authorization;
    checkCaps(authorization,
              std::vector<CapCase<A>>{
                  {"authorization.number", wireCaps::identifierBytes,
                   [](A &r, std::size_t n) {
                       r.set_number(text(n, '7'));
                   }},
                  {"authorization.service_codes", std::size_t(wireCaps::serviceCodes),
                   [](A &r, std::size_t n) {
                       r.clear_service_codes();
                       for (std::size_t i = 0; i < n; ++i) {
                           r.add_service_codes("90837");
                       }
                   }},
                  {"authorization.service_codes", wireCaps::codeBytes,
                   [](A &r, std::size_t n) {
                       r.clear_service_codes();
                       r.add_service_codes(text(n, '9'));
                   }},
              },
              [](const A &r) { return decodeAuthorization(r); });
}

TEST_CASE("Decoded times out of range are refused; at the bounds they decode and add up sanely")
{
    ManualClock clock;
    Uuid7Generator ids(clock);
    pb::SessionRecord good;
    encodeSession(signedSession(ids, clock), good);
    REQUIRE(good.timing_size() > 0);
    constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
    constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min();

    struct Case {
        const char *field;
        std::int64_t value;
        void (*set)(pb::SessionRecord &, std::int64_t);
    };
    const auto wall = [](pb::SessionRecord &r, std::int64_t v) {
        r.mutable_timing(0)->set_wall_ms(v);
    };
    const auto monotonic = [](pb::SessionRecord &r, std::int64_t v) {
        r.mutable_timing(0)->set_monotonic_ms(v);
    };
    const auto offset = [](pb::SessionRecord &r, std::int64_t v) {
        r.mutable_timing(0)->set_server_offset_ms(v);
    };
    const auto updated = [](pb::SessionRecord &r, std::int64_t v) {
        r.set_updated_at_ms(v);
    };
    const auto signedAt = [](pb::SessionRecord &r, std::int64_t v) {
        r.mutable_signature()->set_signed_at_ms(v);
    };
    const Case refused[] = {
        {"session.timing.wall_ms", max, wall},
        {"session.timing.wall_ms", min, wall},
        {"session.timing.wall_ms", -1, wall},
        {"session.timing.wall_ms", wireCaps::maxWallMs + 1, wall},
        {"session.timing.monotonic_ms", max, monotonic},
        {"session.timing.monotonic_ms", min, monotonic},
        {"session.timing.monotonic_ms", wireCaps::maxMonotonicMs + 1, monotonic},
        {"session.timing.server_offset_ms", max, offset},
        {"session.timing.server_offset_ms", min, offset},
        {"session.updated_at_ms", max, updated},
        {"session.updated_at_ms", min, updated},
        {"session.signature", max, signedAt},
    };
    for (const Case &c : refused) {
        INFO(c.field << " = " << c.value);
        pb::SessionRecord bad = good;
        c.set(bad, c.value);
        auto decoded = decodeSession(bad);
        REQUIRE_FALSE(decoded.hasValue());
        CHECK(decoded.error().field == QLatin1String(c.field));
        CHECK(decoded.error().fault == DecodeFault::OutOfRange);
    }

    const Case accepted[] = {
        {"session.timing.wall_ms", wireCaps::maxWallMs, wall},
        {"session.timing.monotonic_ms", wireCaps::maxMonotonicMs, monotonic},
        {"session.timing.server_offset_ms", wireCaps::maxServerOffsetMs, offset},
        {"session.timing.server_offset_ms", -wireCaps::maxServerOffsetMs, offset},
        {"session.updated_at_ms", wireCaps::maxWallMs, updated},
        {"session.signature", wireCaps::maxWallMs, signedAt},
    };
    for (const Case &c : accepted) {
        INFO(c.field << " = " << c.value);
        pb::SessionRecord edge = good;
        c.set(edge, c.value);
        CHECK(decodeSession(edge).hasValue());
    }

    // The widest session the bounds allow: every tap from 0 to the monotonic cap. Its time
    // is a sum of bounded differences and never wraps.
    pb::SessionRecord widest = good;
    widest.clear_timing();
    for (int i = 0; i < wireCaps::timingEvents / 2; ++i) {
        auto *start = widest.add_timing();
        start->set_kind(toName(TimingEventKind::Start).toStdString());
        start->set_monotonic_ms(0);
        auto *stop = widest.add_timing();
        stop->set_kind(toName(TimingEventKind::Stop).toStdString());
        stop->set_monotonic_ms(wireCaps::maxMonotonicMs);
    }
    auto decoded = decodeSession(widest);
    REQUIRE(decoded.hasValue());
    CHECK(decoded->elapsedMs() == wireCaps::maxMonotonicMs * (wireCaps::timingEvents / 2));
    CHECK(decoded->elapsedMinutes() == std::numeric_limits<int>::max());

    pb::AddendumRecord addendum;
    encodeAddendum(SessionId(ids.next()),
                   test::makeAddendum(ids, UserId(ids.next()), clock.nowUtc(), QStringLiteral("x")),
                   addendum);
    addendum.set_created_at_ms(min);
    auto refusedAddendum = decodeAddendum(addendum);
    REQUIRE_FALSE(refusedAddendum.hasValue());
    CHECK(refusedAddendum.error().field == u"addendum.created_at_ms");
    CHECK(refusedAddendum.error().fault == DecodeFault::OutOfRange);
}
