// SPDX-License-Identifier: Apache-2.0
// Sessions through the SessionRepository: drafts with their children, replacing saves, the
// status trail, signing (the stored hash is the content hash) and addenda after signing;
// and Session::elapsedMs() over timing events.
#include "catchqt.h"
#include "fixtures.h"
#include "store/sessionrepository.h"

#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <limits>
#include <utility>

using namespace sb;
using namespace sb::test;
using Kind = StoreError::Kind;

namespace {

constexpr std::int64_t minuteMs = 60'000;

/// A fresh store with Fixtures saved in it. Not movable: the store holds its clock by reference.
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
    SessionRepository &sessions() { return t.store->sessions(); }
    Uuid7Generator &ids() { return t.store->ids(); }
    QDateTime now() const { return t.clock.nowUtc(); }
    Session load(const SessionId &id)
    {
        auto session = sessions().session(f.actor, id);
        REQUIRE(session.hasValue());
        return *session;
    }
};

TimingEvent tap(TimingEventKind kind, std::int64_t wallMs, std::int64_t monotonicMs,
                std::int64_t bootId = 1)
{
    return TimingEvent{kind, QDateTime::fromMSecsSinceEpoch(wallMs, Qt::UTC), monotonicMs, bootId,
                       0};
}

} // namespace

TEST_CASE("A draft session round-trips with timing, participants, diagnoses and note")
{
    Practice p;
    CHECK(p.load(p.f.draft.id) == p.f.draft);

    Session group = makeDraftSession(p.ids(), p.store().clock(), p.f.organization.id,
                                     p.f.patient.id, p.f.provider.id);
    Patient member = makePatient(p.ids(), p.f.organization.id, p.f.provider.id);
    REQUIRE(p.store().patients().save(p.f.actor, member));
    group.service = ServiceKind::Group;
    group.modality = Modality::InPerson;
    group.patientLocation = PatientLocation::Office;
    group.interactiveComplexity = true;
    group.participants = {
        Participant{ParticipantRole::Patient, p.f.patient.id, QString(), true},
        Participant{ParticipantRole::GroupMember, member.id, QString(), false},
        Participant{ParticipantRole::Interpreter, std::nullopt, QStringLiteral("Interpreter A"),
                    true},
        Participant{ParticipantRole::FamilyMember, std::nullopt, QStringLiteral("Parent"), true}};
    group.diagnoses = {Diagnosis{QStringLiteral("F331")}, Diagnosis{QStringLiteral("F4310")},
                       Diagnosis{QStringLiteral("Z634")}};
    group.noteTemplate = QStringLiteral("BIRP");
    group.statusTrail = {
        StatusEntry{SessionStatus::Captured, p.now(), QString()},
        StatusEntry{SessionStatus::OnDevice, p.now().addMSecs(1), QStringLiteral("queued")}};
    REQUIRE(p.sessions().saveDraft(p.f.actor, group));
    CHECK(p.load(group.id) == group);

    SECTION("a session without payer, timing or diagnoses")
    {
        Session bare = makeDraftSession(p.ids(), p.store().clock(), p.f.organization.id,
                                        p.f.patient.id, p.f.provider.id);
        bare.timing.clear();
        bare.diagnoses.clear();
        bare.participants.clear();
        bare.note.clear();
        bare.noteTemplate.clear();
        bare.statusTrail = {StatusEntry{SessionStatus::Captured, bare.updatedAt, QString()}};
        REQUIRE(p.sessions().saveDraft(p.f.actor, bare));
        CHECK(p.load(bare.id) == bare);
    }
}

TEST_CASE("A new draft without a status trail starts it with 'captured' at its update time")
{
    Practice p;
    Session s = makeDraftSession(p.ids(), p.store().clock(), p.f.organization.id, p.f.patient.id,
                                 p.f.provider.id, p.f.payer.id);
    REQUIRE(s.statusTrail.isEmpty());
    REQUIRE(p.sessions().saveDraft(p.f.actor, s));
    CHECK(p.load(s.id).statusTrail
          == QList<StatusEntry>{StatusEntry{SessionStatus::Captured, s.updatedAt, QString()}});
}

TEST_CASE("A new draft with no update time starts its trail at the store clock's time")
{
    Practice p;
    Session s = makeDraftSession(p.ids(), p.store().clock(), p.f.organization.id, p.f.patient.id,
                                 p.f.provider.id, p.f.payer.id);
    s.updatedAt = QDateTime();
    p.t.clock.advanceMs(5 * minuteMs);
    REQUIRE(p.sessions().saveDraft(p.f.actor, s));
    CHECK(p.load(s.id).statusTrail
          == QList<StatusEntry>{StatusEntry{SessionStatus::Captured, p.now(), QString()}});
}

TEST_CASE("Saving a draft again replaces its children and keeps its status trail")
{
    Practice p;
    Session s = p.f.draft;
    p.t.clock.advanceMs(5 * minuteMs);
    s.timing.removeLast();
    s.timing.append(
        tap(TimingEventKind::Stop, p.t.clock.nowMsSinceEpoch(), p.t.clock.monotonicMs()));
    s.diagnoses = {Diagnosis{QStringLiteral("F432")}};
    s.participants.append(
        Participant{ParticipantRole::FamilyMember, std::nullopt, QStringLiteral("Spouse"), true});
    s.modality = Modality::AudioOnly;
    s.note = QStringLiteral("Edited fictional note.");
    s.updatedAt = p.now();
    s.statusTrail.append(StatusEntry{SessionStatus::OnDevice, p.now(), QString()}); // ignored
    REQUIRE(p.sessions().saveDraft(p.f.actor, s));

    Session expected = s;
    expected.statusTrail = p.f.draft.statusTrail;
    CHECK(p.load(s.id) == expected);
    CHECK(rowCount(p.store().database(), "session_diagnoses") == 1);
    CHECK(rowCount(p.store().database(), "session_timing") == s.timing.size());
    CHECK(rowCount(p.store().database(), "session_participants") == 2);

    s.timing.clear();
    s.diagnoses.clear();
    s.participants.clear();
    REQUIRE(p.sessions().saveDraft(p.f.actor, s));
    expected = s;
    expected.statusTrail = p.f.draft.statusTrail;
    CHECK(p.load(s.id) == expected);
    CHECK(rowCount(p.store().database(), "session_diagnoses") == 0);
    CHECK(rowCount(p.store().database(), "session_timing") == 0);
}

TEST_CASE("The status trail is appended in order, before and after signing")
{
    Practice p;
    QList<StatusEntry> trail = p.f.draft.statusTrail;
    const StatusEntry onDevice{SessionStatus::OnDevice, p.now().addSecs(60), QString()};
    REQUIRE(p.sessions().appendStatus(p.f.actor, p.f.draft.id, onDevice));
    trail.append(onDevice);
    REQUIRE(p.sessions().sign(p.f.actor, p.f.draft.id, p.f.clinician.id, p.now().addSecs(90)));
    for (const auto &[status, detail] : std::initializer_list<std::pair<SessionStatus, QString>>{
             {SessionStatus::Received, QString()},
             {SessionStatus::Coded, QStringLiteral("90837")},
             {SessionStatus::Claimed, QStringLiteral("CLM-000123")},
             {SessionStatus::Denied, QStringLiteral("CO-197")},
             {SessionStatus::Paid, QStringLiteral("EFT-77")}}) {
        const StatusEntry entry{status, p.now().addSecs(120 + trail.size()), detail};
        REQUIRE(p.sessions().appendStatus(p.f.actor, p.f.draft.id, entry));
        trail.append(entry);
    }
    CHECK(p.load(p.f.draft.id).statusTrail == trail);
}

TEST_CASE("A session that arrives signed is stored with its trail in one audited write")
{
    Practice p;
    Session s = makeDraftSession(p.ids(), p.store().clock(), p.f.organization.id, p.f.patient.id,
                                 p.f.provider.id, p.f.payer.id);
    s.statusTrail = {StatusEntry{SessionStatus::Received, p.now(), QString()},
                     StatusEntry{SessionStatus::Coded, p.now(), QStringLiteral("90834")}};
    s.signature = Signature{p.f.clinician.id, p.now(), sessionContentHash(s)};
    const auto auditBefore = p.store().audit().count();
    REQUIRE(auditBefore.hasValue());
    REQUIRE(p.sessions().storeSigned(p.f.actor, s));
    const auto auditAfter = p.store().audit().count();
    REQUIRE(auditAfter.hasValue());
    CHECK(*auditAfter == *auditBefore + 1);
    CHECK(p.load(s.id) == s);

    // Stored once: again is refused, and a signature over other content is refused.
    CHECK(errorKind(p.sessions().storeSigned(p.f.actor, s)).has_value());
    Session forged = makeDraftSession(p.ids(), p.store().clock(), p.f.organization.id,
                                      p.f.patient.id, p.f.provider.id, p.f.payer.id);
    forged.signature = Signature{p.f.clinician.id, p.now(), sessionContentHash(s)};
    CHECK(errorKind(p.sessions().storeSigned(p.f.actor, forged)) == Kind::InvalidArgument);
    CHECK(errorKind(p.sessions().session(p.f.actor, forged.id)) == Kind::NotFound);
}

TEST_CASE("Signing stores a signature whose hash is the session's content hash")
{
    Practice p;
    const Session before = p.load(p.f.draft.id);
    const QDateTime signedAt = p.now().addSecs(3600);
    auto signature = p.sessions().sign(p.f.actor, p.f.draft.id, p.f.clinician.id, signedAt);
    REQUIRE(signature);
    CHECK(signature->signedBy == p.f.clinician.id);
    CHECK(signature->signedAt == signedAt);
    CHECK(signature->contentHash == sessionContentHash(before));
    CHECK(signature->contentHash.size() == 32);

    const Session after = p.load(p.f.draft.id);
    REQUIRE(after.isSigned());
    CHECK(*after.signature == *signature);
    CHECK(sessionContentHash(after) == after.signature->contentHash);
    Session expected = before;
    expected.signature = *signature;
    CHECK(after == expected);

    SECTION("signing again is refused and the first signature stays")
    {
        CHECK(errorKind(p.sessions().sign(p.f.actor, p.f.draft.id, p.f.clinician.id,
                                          signedAt.addSecs(60)))
              == Kind::Immutable);
        CHECK(p.load(p.f.draft.id).signature == signature.value());
    }
    SECTION("signing an unknown session is not found")
    {
        CHECK(errorKind(p.sessions().sign(p.f.actor, SessionId(p.ids().next()), p.f.clinician.id,
                                          signedAt))
              == Kind::NotFound);
    }
}

TEST_CASE("The content hash covers every signed field and nothing else")
{
    Practice p;
    const Session base = p.f.draft;
    const QByteArray baseHash = sessionContentHash(base);
    CHECK(sessionContentHash(base) == baseHash); // deterministic

    struct Change {
        const char *name;
        void (*apply)(Session &);
    };
    const auto change = GENERATE(values<Change>({
        {"note",
         [](Session &s) {
             s.note += u'.';
         }},
        {"note template",
         [](Session &s) {
             s.noteTemplate = QStringLiteral("SOAP");
         }},
        {"service",
         [](Session &s) {
             s.service = ServiceKind::Crisis;
         }},
        {"modality",
         [](Session &s) {
             s.modality = Modality::InPerson;
         }},
        {"patient location",
         [](Session &s) {
             s.patientLocation = PatientLocation::Other;
         }},
        {"interactive complexity",
         [](Session &s) {
             s.interactiveComplexity = true;
         }},
        {"date of service",
         [](Session &s) {
             s.dateOfService = s.dateOfService.addDays(-1);
         }},
        {"payer",
         [](Session &s) {
             s.payerId.reset();
         }},
        {"a timing event",
         [](Session &s) {
             s.timing[1].monotonicMs += 1;
         }},
        {"timing order",
         [](Session &s) {
             s.timing.swapItemsAt(1, 2);
         }},
        {"a diagnosis",
         [](Session &s) {
             s.diagnoses[1].code = QStringLiteral("Z630");
         }},
        {"diagnosis order",
         [](Session &s) {
             s.diagnoses.swapItemsAt(0, 1);
         }},
        {"participant presence",
         [](Session &s) {
             s.participants[0].present = false;
         }},
        {"text moved between note and template",
         [](Session &s) {
             s.noteTemplate += s.note.left(1);
             s.note.remove(0, 1);
         }},
    }));
    CAPTURE(change.name);
    Session changed = base;
    change.apply(changed);
    CHECK(sessionContentHash(changed) != baseHash);

    Session unsignedFields = base;
    unsignedFields.updatedAt = unsignedFields.updatedAt.addDays(3);
    unsignedFields.statusTrail.append(StatusEntry{SessionStatus::Paid, p.now(), QString()});
    CHECK(sessionContentHash(unsignedFields) == baseHash);
}

TEST_CASE("Addenda follow a signed session and round-trip, signed or not")
{
    Practice p;
    REQUIRE(p.sessions().sign(p.f.actor, p.f.draft.id, p.f.clinician.id, p.now()));
    Session expected = p.load(p.f.draft.id);

    p.t.clock.advanceMs(24 * 60 * minuteMs);
    const Addendum plain = makeAddendum(p.ids(), p.f.clinician.id, p.now(),
                                        QStringLiteral("Late entry: fictional clarification."));
    REQUIRE(p.sessions().addAddendum(p.f.actor, p.f.draft.id, plain));

    p.t.clock.advanceMs(minuteMs);
    Addendum signedOne = makeAddendum(p.ids(), p.f.clinician.id, p.now(),
                                      QStringLiteral("Requested by payer: time documented."));
    signedOne.signature = Signature{p.f.clinician.id, p.now().addSecs(5), QByteArray("ignored")};
    REQUIRE(p.sessions().addAddendum(p.f.actor, p.f.draft.id, signedOne));

    // The store computes the addendum's hash itself; a caller-supplied one is not trusted.
    Addendum storedSigned = signedOne;
    storedSigned.signature->contentHash = addendumContentHash(p.f.draft.id, signedOne);
    expected.addenda = {plain, storedSigned};
    const Session loaded = p.load(p.f.draft.id);
    CHECK(loaded == expected);
    CHECK(loaded.signature == expected.signature); // the session's own signature is untouched
    CHECK(addendumContentHash(p.f.draft.id, signedOne)
          != addendumContentHash(SessionId(p.ids().next()), signedOne));
}

TEST_CASE("Addenda need a signed session")
{
    Practice p;
    const Addendum addendum =
        makeAddendum(p.ids(), p.f.clinician.id, p.now(), QStringLiteral("Too early."));
    CHECK(errorKind(p.sessions().addAddendum(p.f.actor, p.f.draft.id, addendum))
          == Kind::InvalidArgument);
    CHECK(errorKind(p.sessions().addAddendum(p.f.actor, SessionId(p.ids().next()), addendum))
          == Kind::NotFound);
    CHECK(rowCount(p.store().database(), "session_addenda") == 0);
}

TEST_CASE("A draft cannot carry a signature")
{
    Practice p;
    Session s = p.f.draft;
    s.signature = Signature{p.f.clinician.id, p.now(), QByteArray(32, 'x')};
    CHECK(errorKind(p.sessions().saveDraft(p.f.actor, s)) == Kind::InvalidArgument);
    CHECK_FALSE(p.load(s.id).isSigned());
}

TEST_CASE("Sessions list by provider and date range, and by patient, oldest first")
{
    Practice p;
    const QDate today = p.f.draft.dateOfService;
    QList<Session> made;
    for (int daysAgo : {10, 3, 30}) {
        Session s = makeDraftSession(p.ids(), p.store().clock(), p.f.organization.id,
                                     p.f.patient.id, p.f.provider.id, p.f.payer.id);
        s.dateOfService = today.addDays(-daysAgo);
        s.statusTrail = {StatusEntry{SessionStatus::Captured, s.updatedAt, QString()}};
        REQUIRE(p.sessions().saveDraft(p.f.actor, s));
        made.append(s);
    }
    Provider other = makeProvider(p.ids(), p.f.organization.id);
    REQUIRE(p.store().practice().save(p.f.actor, other));
    Session elsewhere =
        makeDraftSession(p.ids(), p.store().clock(), p.f.organization.id, p.f.patient.id, other.id);
    elsewhere.statusTrail = {StatusEntry{SessionStatus::Captured, elsewhere.updatedAt, QString()}};
    REQUIRE(p.sessions().saveDraft(p.f.actor, elsewhere));

    auto ranged = p.sessions().sessionsForProvider(p.f.actor, p.f.provider.id, today.addDays(-10),
                                                   today.addDays(-3));
    REQUIRE(ranged);
    CHECK(*ranged == QList<Session>{made[0], made[1]});
    auto everything =
        p.sessions().sessionsForProvider(p.f.actor, p.f.provider.id, today.addDays(-365), today);
    REQUIRE(everything);
    CHECK(*everything == QList<Session>{made[2], made[0], made[1], p.f.draft});
    CHECK(p.sessions()
              .sessionsForProvider(p.f.actor, other.id, today.addDays(-1), today.addDays(-1))
              ->isEmpty());

    auto forPatient = p.sessions().sessionsForPatient(p.f.actor, p.f.patient.id);
    REQUIRE(forPatient);
    REQUIRE(forPatient->size() == 5);
    CHECK(forPatient->first() == made[2]);
}

TEST_CASE("A provider's sessions page by first timer tap then id, every one exactly once")
{
    Practice p;
    const QDate today = p.f.draft.dateOfService;
    const std::int64_t t0 = p.now().toMSecsSinceEpoch() - 600 * minuteMs;
    // Seven more sessions today: two share a first tap (the id breaks the tie), one has no
    // tap yet (it sorts first), and one was started before a pause-free stop.
    QList<Session> expected;
    for (int i = 0; i < 7; ++i) {
        Session s = makeDraftSession(p.ids(), p.store().clock(), p.f.organization.id,
                                     p.f.patient.id, p.f.provider.id, p.f.payer.id);
        s.dateOfService = today;
        const std::int64_t start = t0 + (i == 3 ? 2 : 6 - i) * 10 * minuteMs;
        s.timing = {tap(TimingEventKind::Start, start, 1000),
                    tap(TimingEventKind::Stop, start + 45 * minuteMs, 1000 + 45 * minuteMs)};
        if (i == 5) {
            s.timing.clear();
        }
        s.statusTrail = {StatusEntry{SessionStatus::Captured, s.updatedAt, QString()}};
        REQUIRE(p.sessions().saveDraft(p.f.actor, s));
        expected.append(s);
    }
    Session yesterday = makeDraftSession(p.ids(), p.store().clock(), p.f.organization.id,
                                         p.f.patient.id, p.f.provider.id, p.f.payer.id);
    yesterday.dateOfService = today.addDays(-1);
    yesterday.statusTrail = {StatusEntry{SessionStatus::Captured, yesterday.updatedAt, QString()}};
    REQUIRE(p.sessions().saveDraft(p.f.actor, yesterday));
    expected.append(p.load(p.f.draft.id));
    const auto firstTap = [](const Session &s) {
        return s.timing.isEmpty() ? std::int64_t{-1}
                                  : s.timing.first().wallClockUtc.toMSecsSinceEpoch();
    };
    std::sort(expected.begin(), expected.end(), [&](const Session &a, const Session &b) {
        return std::pair(firstTap(a), a.id.uuid().toRfc4122())
               < std::pair(firstTap(b), b.id.uuid().toRfc4122());
    });
    REQUIRE(expected.first().timing.isEmpty());

    const int pageSize = GENERATE(1, 3, 8, 50);
    CAPTURE(pageSize);
    QList<Session> paged;
    std::optional<SessionPageKey> after;
    int pages = 0;
    do {
        const std::int64_t auditBefore = rowCount(p.store().database(), "audit_log");
        auto page = p.sessions().sessionsForProviderPage(p.f.actor, p.f.provider.id, today, after,
                                                         pageSize);
        REQUIRE(page);
        CHECK(page->sessions.size() <= pageSize);
        // One List row per page and one Read row per session on it.
        CHECK(rowCount(p.store().database(), "audit_log")
              == auditBefore + 1 + page->sessions.size());
        paged.append(page->sessions);
        after = page->next;
        REQUIRE(++pages <= 9);
    } while (after);
    CHECK(paged == expected);
    CHECK(pages == (int(expected.size()) + pageSize - 1) / pageSize);

    // A draft that gets its first tap moves to where the tap puts it.
    Session late = expected.takeFirst();
    late.timing = {tap(TimingEventKind::Start, t0 + 900 * minuteMs, 5000)};
    REQUIRE(p.sessions().saveDraft(p.f.actor, late));
    expected.append(p.load(late.id));
    auto whole =
        p.sessions().sessionsForProviderPage(p.f.actor, p.f.provider.id, today, std::nullopt, 50);
    REQUIRE(whole);
    CHECK(whole->sessions == expected);

    CHECK(errorKind(p.sessions().sessionsForProviderPage(p.f.actor, p.f.provider.id, today,
                                                         std::nullopt, 0))
          == Kind::InvalidArgument);
    auto none = p.sessions().sessionsForProviderPage(p.f.actor, p.f.provider.id,
                                                     today.addDays(-400), std::nullopt, 10);
    REQUIRE(none);
    CHECK(none->sessions.isEmpty());
    CHECK_FALSE(none->next);
}

TEST_CASE("elapsedMs counts running time and excludes pauses")
{
    const std::int64_t t0 = 1'767'225'600'000;
    struct Case {
        const char *name;
        QList<TimingEvent> timing;
        std::int64_t expectedMs;
    };
    using K = TimingEventKind;
    const auto c = GENERATE_COPY(values<Case>({
        {"no events", {}, 0},
        {"start only (still running)", {tap(K::Start, t0, 1000)}, 0},
        {"start, stop",
         {tap(K::Start, t0, 1000), tap(K::Stop, t0 + 53 * minuteMs, 1000 + 53 * minuteMs)},
         53 * minuteMs},
        {"one pause",
         {tap(K::Start, t0, 0), tap(K::Pause, t0 + 20 * minuteMs, 20 * minuteMs),
          tap(K::Resume, t0 + 25 * minuteMs, 25 * minuteMs),
          tap(K::Stop, t0 + 55 * minuteMs, 55 * minuteMs)},
         50 * minuteMs},
        {"two pauses",
         {tap(K::Start, t0, 0), tap(K::Pause, t0 + 10 * minuteMs, 10 * minuteMs),
          tap(K::Resume, t0 + 40 * minuteMs, 40 * minuteMs),
          tap(K::Pause, t0 + 50 * minuteMs, 50 * minuteMs),
          tap(K::Resume, t0 + 51 * minuteMs, 51 * minuteMs),
          tap(K::Stop, t0 + 60 * minuteMs, 60 * minuteMs)},
         29 * minuteMs},
        {"stopped while paused",
         {tap(K::Start, t0, 0), tap(K::Pause, t0 + 16 * minuteMs, 16 * minuteMs),
          tap(K::Stop, t0 + 90 * minuteMs, 90 * minuteMs)},
         16 * minuteMs},
        {"duplicate taps are idempotent",
         {tap(K::Start, t0, 0), tap(K::Start, t0 + minuteMs, minuteMs),
          tap(K::Pause, t0 + 10 * minuteMs, 10 * minuteMs),
          tap(K::Pause, t0 + 12 * minuteMs, 12 * minuteMs),
          tap(K::Resume, t0 + 15 * minuteMs, 15 * minuteMs),
          tap(K::Stop, t0 + 20 * minuteMs, 20 * minuteMs)},
         15 * minuteMs},
        {"wall clock jumps back an hour mid-session (monotonic wins)",
         {tap(K::Start, t0, 0), tap(K::Stop, t0 - 60 * minuteMs + 38 * minuteMs, 38 * minuteMs)},
         38 * minuteMs},
        {"reboot between pause and resume",
         {tap(K::Start, t0, 500'000, 1),
          tap(K::Pause, t0 + 20 * minuteMs, 500'000 + 20 * minuteMs, 1),
          tap(K::Resume, t0 + 30 * minuteMs, 2'000, 2),
          tap(K::Stop, t0 + 45 * minuteMs, 2'000 + 15 * minuteMs, 2)},
         35 * minuteMs},
        {"reboot while running falls back to the wall clock",
         {tap(K::Start, t0, 900'000, 7), tap(K::Stop, t0 + 42 * minuteMs, 3'000, 8)},
         42 * minuteMs},
        {"reboot while running, resumed on the new boot",
         {tap(K::Start, t0, 900'000, 7), tap(K::Pause, t0 + 30 * minuteMs, 1'000, 8),
          tap(K::Resume, t0 + 40 * minuteMs, 1'000 + 10 * minuteMs, 8),
          tap(K::Stop, t0 + 45 * minuteMs, 1'000 + 15 * minuteMs, 8)},
         35 * minuteMs},
        {"reboot with the wall clock gone backwards never counts negative time",
         {tap(K::Start, t0, 900'000, 7), tap(K::Stop, t0 - minuteMs, 3'000, 8)},
         0},
    }));
    CAPTURE(c.name);
    Session s;
    s.timing = c.timing;
    CHECK(s.elapsedMs() == c.expectedMs);
}

TEST_CASE("elapsedMs saturates instead of overflowing on hostile timing events")
{
    using K = TimingEventKind;
    constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
    constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min();
    const std::int64_t t0 = 1'767'225'600'000;

    Session s;
    SECTION("one interval wider than int64")
    {
        s.timing = {tap(K::Start, t0, min), tap(K::Stop, t0, max)};
        CHECK(s.elapsedMs() == max);
        CHECK(s.elapsedMinutes() == std::numeric_limits<int>::max());
    }
    SECTION("intervals whose sum passes int64")
    {
        s.timing = {tap(K::Start, t0, 0), tap(K::Pause, t0, max), tap(K::Resume, t0, 0),
                    tap(K::Stop, t0, max)};
        CHECK(s.elapsedMs() == max);
    }
    SECTION("a stop before its start by more than int64 counts nothing")
    {
        s.timing = {tap(K::Start, t0, max), tap(K::Stop, t0, min)};
        CHECK(s.elapsedMs() == 0);
        CHECK(s.elapsedMinutes() == 0);
    }
    SECTION("wall clocks at the extremes across a reboot")
    {
        s.timing = {tap(K::Start, min, 0, 1), tap(K::Stop, max, 0, 2)};
        CHECK(s.elapsedMs() >= 0);
        s.timing = {tap(K::Start, max, 0, 1), tap(K::Stop, min, 0, 2)};
        CHECK(s.elapsedMs() == 0);
    }
    SECTION("minutes past int clamp instead of wrapping")
    {
        const std::int64_t manyMinutes = std::int64_t{std::numeric_limits<int>::max()} + 10;
        s.timing = {tap(K::Start, t0, 0), tap(K::Stop, t0, manyMinutes * minuteMs)};
        CHECK(s.elapsedMinutes() == std::numeric_limits<int>::max());
    }
}

TEST_CASE("elapsedMs is the same after the timing events round-trip through the store")
{
    Practice p;
    const Session loaded = p.load(p.f.draft.id);
    CHECK(loaded.elapsedMs() == 50 * minuteMs);
    CHECK(loaded.elapsedMs() == p.f.draft.elapsedMs());
}

TEST_CASE("interruptedSession finds the provider's session whose timer was never stopped")
{
    Practice p;
    using K = TimingEventKind;
    const std::int64_t t0 = p.store().clock().nowMsSinceEpoch();
    // A draft (of the provider unless another is given) tapped `kinds`, a minute apart, the
    // last one at t0 + lastMs.
    auto draftEndingIn = [&](QList<K> kinds, std::int64_t lastMs,
                             std::optional<ProviderId> provider = {}) {
        Session s = makeDraftSession(p.ids(), p.store().clock(), p.f.organization.id,
                                     p.f.patient.id, provider.value_or(p.f.provider.id));
        s.timing.clear();
        for (qsizetype i = 0; i < kinds.size(); ++i) {
            const std::int64_t at = lastMs - (kinds.size() - 1 - i) * minuteMs;
            s.timing.append(tap(kinds[i], t0 + at, 1'000'000 + at));
        }
        REQUIRE(p.sessions().saveDraft(p.f.actor, s));
        return s;
    };
    auto interrupted = [&] {
        auto found = p.sessions().interruptedSession(p.f.actor, p.f.provider.id);
        REQUIRE(found);
        return *found;
    };
    auto auditCount = [&] {
        return *p.store().audit().count();
    };

    SECTION("none: the fixture's draft was stopped; the empty answer is audited too")
    {
        const std::int64_t before = auditCount();
        CHECK(interrupted() == std::nullopt);
        CHECK(auditCount() == before + 1);
    }
    SECTION("running, started days ago: found, with a List and a Read row")
    {
        Session running = draftEndingIn({K::Start}, 0);
        running.dateOfService = running.dateOfService.addDays(-3);
        REQUIRE(p.sessions().saveDraft(p.f.actor, running));
        const std::int64_t before = auditCount();
        CHECK(interrupted() == running.id);
        CHECK(auditCount() == before + 2);
        const auto rows = p.store().audit().entriesFor(running.id.uuid());
        REQUIRE(rows);
        CHECK(rows->last().action == AuditAction::Read);
    }
    SECTION("resumed after a pause: found")
    {
        const Session s = draftEndingIn({K::Start, K::Pause, K::Resume}, 0);
        CHECK(interrupted() == s.id);
    }
    SECTION("paused: found")
    {
        const Session s = draftEndingIn({K::Start, K::Pause}, 0);
        CHECK(interrupted() == s.id);
    }
    SECTION("stopped, even after a pause: not found")
    {
        (void)draftEndingIn({K::Start, K::Pause, K::Stop}, 0);
        (void)draftEndingIn({K::Start, K::Stop}, minuteMs);
        CHECK(interrupted() == std::nullopt);
    }
    SECTION("signed: not found")
    {
        // Signed as stored; a signed session cannot have been running (sign needs a stop),
        // but the signature is what decides.
        const Session s = draftEndingIn({K::Start}, 0);
        REQUIRE(p.sessions().sign(p.f.actor, s.id, p.f.clinician.id, p.now()));
        CHECK(interrupted() == std::nullopt);
    }
    SECTION("another provider's: not found")
    {
        const Provider other = makeProvider(p.ids(), p.f.organization.id);
        REQUIRE(p.store().practice().save(p.f.actor, other));
        const Session theirs = draftEndingIn({K::Start}, 0, other.id);
        CHECK(interrupted() == std::nullopt);
        auto found = p.sessions().interruptedSession(p.f.actor, other.id);
        REQUIRE(found);
        CHECK(*found == theirs.id);
    }
    SECTION("two candidates: the one tapped last, whichever was created first")
    {
        const Session older = draftEndingIn({K::Start, K::Pause}, 10 * minuteMs);
        const Session newer = draftEndingIn({K::Start}, 2 * minuteMs);
        CHECK(interrupted() == older.id);
        Session later = newer;
        later.timing.append(tap(K::Pause, t0 + 20 * minuteMs, 1'000'000 + 20 * minuteMs));
        later.timing.append(tap(K::Resume, t0 + 21 * minuteMs, 1'000'000 + 21 * minuteMs));
        REQUIRE(p.sessions().saveDraft(p.f.actor, later));
        CHECK(interrupted() == newer.id);
    }
}
