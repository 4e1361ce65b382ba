// SPDX-License-Identifier: Apache-2.0
#include "store/sessionrepository.h"

#include "domain/enums.h"
#include "store/database.h"
#include "store/rows.h"
#include "util/clock.h"
#include "util/sha256.h"

namespace sb {

namespace {

using rows::all;
using rows::one;

constexpr QStringView sessionType = u"session";

/// The stored sort key of a session: its first tap's wall clock in ms UTC, -1 without one (as
/// the v7 migration computes it from the stored taps).
std::int64_t firstTapMs(const Session &s)
{
    if (s.timing.isEmpty() || !s.timing.first().wallClockUtc.isValid()) {
        return -1;
    }
    return s.timing.first().wallClockUtc.toMSecsSinceEpoch();
}

/// Length-prefixed fields so that moving text between fields changes the hash.
class CanonicalHash {
public:
    CanonicalHash &addBytes(QByteArrayView bytes)
    {
        m_hash.addField(bytes);
        return *this;
    }
    CanonicalHash &add(const QString &text)
    {
        m_hash.addUtf8Field(text);
        return *this;
    }
    CanonicalHash &add(std::int64_t value)
    {
        m_hash.addDecimalField(value);
        return *this;
    }
    template<typename Tag> CanonicalHash &add(const Id<Tag> &id)
    {
        return addBytes(id.isNull() ? QByteArray() : id.uuid().toRfc4122());
    }
    QByteArray result() const { return m_hash.result(); }

private:
    LengthPrefixedSha256 m_hash{8, 4096};
};

constexpr const char *sessionSelect =
    "SELECT id, organization_id, patient_id, provider_id, payer_id, date_of_service, service, "
    "modality, patient_location, interactive_complexity, note_template, note, signed_by, "
    "signed_at, signed_hash, updated_at FROM sessions ";

Session readSessionRow(const Statement &s)
{
    Session session;
    session.id = s.id<SessionId>(0);
    session.organizationId = s.id<OrganizationId>(1);
    session.patientId = s.id<PatientId>(2);
    session.providerId = s.id<ProviderId>(3);
    session.payerId = s.optionalId<PayerId>(4);
    session.dateOfService = s.date(5);
    session.service =
        fromName<ServiceKind>(s.text(6)).value_or(ServiceKind::IndividualPsychotherapy);
    session.modality = fromName<Modality>(s.text(7)).value_or(Modality::InPerson);
    session.patientLocation =
        fromName<PatientLocation>(s.text(8)).value_or(PatientLocation::Office);
    session.interactiveComplexity = s.boolean(9);
    session.noteTemplate = s.text(10);
    session.note = s.text(11);
    if (!s.isNull(13)) {
        session.signature = Signature{s.id<UserId>(12), s.dateTime(13), s.blob(14)};
    }
    session.updatedAt = s.dateTime(15);
    return session;
}

} // namespace

QByteArray sessionContentHash(const Session &s)
{
    CanonicalHash hash;
    hash.addBytes("sessionbook.session.v1")
        .add(s.id)
        .add(s.organizationId)
        .add(s.patientId)
        .add(s.providerId)
        .add(s.payerId.value_or(PayerId()))
        .add(s.dateOfService.toString(Qt::ISODate))
        .add(toName(s.service))
        .add(toName(s.modality))
        .add(toName(s.patientLocation))
        .add(std::int64_t{s.interactiveComplexity})
        .add(std::int64_t{s.timing.size()});
    for (const TimingEvent &e : s.timing) {
        hash.add(toName(e.kind))
            .add(std::int64_t{e.wallClockUtc.isValid() ? e.wallClockUtc.toMSecsSinceEpoch() : 0})
            .add(e.monotonicMs)
            .add(e.bootId)
            .add(e.serverOffsetMs);
        if (e.serverOffsetKnown) {
            // Only when set, so that sessions signed before the flag existed keep their hash.
            hash.addBytes("server-offset-known");
        }
    }
    hash.add(std::int64_t{s.participants.size()});
    for (const Participant &p : s.participants) {
        hash.add(toName(p.role))
            .add(p.patientId.value_or(PatientId()))
            .add(p.displayName)
            .add(std::int64_t{p.present});
    }
    hash.add(std::int64_t{s.diagnoses.size()});
    for (const Diagnosis &d : s.diagnoses) {
        hash.add(d.code);
    }
    hash.add(s.noteTemplate).add(s.note);
    return hash.result();
}

QByteArray addendumContentHash(const SessionId &session, const Addendum &addendum)
{
    CanonicalHash hash;
    hash.addBytes("sessionbook.addendum.v1")
        .add(session)
        .add(addendum.id)
        .add(addendum.authorId)
        .add(std::int64_t{addendum.createdAt.toMSecsSinceEpoch()})
        .add(addendum.text);
    return hash.result();
}

StoreResult<void> SessionRepository::saveDraft(const Actor &actor, const Session &s)
{
    if (s.isSigned()) {
        return storeError(StoreError::Kind::InvalidArgument,
                          QStringLiteral("a draft cannot carry a signature; use sign()"));
    }
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(existed, writeDraftRows(s));
    SB_TRY(m_audit.append(actor, existed ? AuditAction::Update : AuditAction::Create, sessionType,
                          s.id.uuid()));
    return tx.commit();
}

StoreResult<void> SessionRepository::storeSigned(const Actor &actor, const Session &s)
{
    if (!s.isSigned() || s.signature->contentHash != sessionContentHash(s)) {
        return storeError(StoreError::Kind::InvalidArgument,
                          QStringLiteral("storeSigned needs a session signed over its content"));
    }
    SB_TRY_ASSIGN(tx, m_db.begin());
    Session unsigned_ = s;
    unsigned_.signature.reset();
    SB_TRY_ASSIGN(existed, writeDraftRows(unsigned_));
    if (existed) {
        return storeError(StoreError::Kind::Constraint, QStringLiteral("session already stored"));
    }
    SB_TRY_ASSIGN(
        update,
        m_db.prepare(
            "UPDATE sessions SET signed_by = ?, signed_at = ?, signed_hash = ? WHERE id = ?"));
    update.bind(1, s.signature->signedBy)
        .bind(2, s.signature->signedAt)
        .bind(3, s.signature->contentHash)
        .bind(4, s.id);
    SB_TRY(update.run());
    SB_TRY(m_audit.append(actor, AuditAction::Create, sessionType, s.id.uuid()));
    return tx.commit();
}

StoreResult<bool> SessionRepository::writeDraftRows(const Session &s)
{
    bool existed = false;
    {
        SB_TRY_ASSIGN(existing, m_db.prepare("SELECT signed_at FROM sessions WHERE id = ?"));
        existing.bind(1, s.id);
        SB_TRY_ASSIGN(row, existing.step());
        existed = row;
        if (row && !existing.isNull(0)) {
            return storeError(StoreError::Kind::Immutable,
                              QStringLiteral("session is signed; add an addendum instead"));
        }
    }
    SB_TRY_ASSIGN(
        upsert, m_db.prepare(
                    "INSERT INTO sessions (id, organization_id, patient_id, provider_id, payer_id, "
                    "date_of_service, service, modality, patient_location, interactive_complexity, "
                    "note_template, note, updated_at, first_tap_ms) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT(id) DO UPDATE SET organization_id = excluded.organization_id, "
                    "patient_id = excluded.patient_id, provider_id = excluded.provider_id, "
                    "payer_id = excluded.payer_id, date_of_service = excluded.date_of_service, "
                    "service = excluded.service, modality = excluded.modality, "
                    "patient_location = excluded.patient_location, "
                    "interactive_complexity = excluded.interactive_complexity, "
                    "note_template = excluded.note_template, note = excluded.note, "
                    "updated_at = excluded.updated_at, first_tap_ms = excluded.first_tap_ms"));
    upsert.bind(1, s.id)
        .bind(2, s.organizationId)
        .bind(3, s.patientId)
        .bind(4, s.providerId)
        .bind(5, s.payerId)
        .bind(6, s.dateOfService)
        .bind(7, toName(s.service))
        .bind(8, toName(s.modality))
        .bind(9, toName(s.patientLocation))
        .bind(10, s.interactiveComplexity)
        .bind(11, s.noteTemplate)
        .bind(12, s.note)
        .bind(13, s.updatedAt)
        .bind(14, firstTapMs(s));
    SB_TRY(upsert.run());

    if (existed) {
        for (const char *clear : {"DELETE FROM session_timing WHERE session_id = ?",
                                  "DELETE FROM session_participants WHERE session_id = ?",
                                  "DELETE FROM session_diagnoses WHERE session_id = ?"}) {
            SB_TRY_ASSIGN(stmt, m_db.prepare(clear));
            stmt.bind(1, s.id);
            SB_TRY(stmt.run());
        }
    }
    for (qsizetype i = 0; i < s.timing.size(); ++i) {
        const TimingEvent &e = s.timing[i];
        SB_TRY_ASSIGN(stmt, m_db.prepare("INSERT INTO session_timing (session_id, seq, kind, "
                                         "wall_ms, monotonic_ms, boot_id, server_offset_ms, "
                                         "server_offset_known) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
        stmt.bind(1, s.id)
            .bind(2, std::int64_t{i})
            .bind(3, toName(e.kind))
            .bind(4, e.wallClockUtc)
            .bind(5, e.monotonicMs)
            .bind(6, e.bootId)
            .bind(7, e.serverOffsetMs)
            .bind(8, e.serverOffsetKnown);
        SB_TRY(stmt.run());
    }
    for (qsizetype i = 0; i < s.participants.size(); ++i) {
        const Participant &p = s.participants[i];
        SB_TRY_ASSIGN(stmt, m_db.prepare("INSERT INTO session_participants (session_id, seq, role, "
                                         "patient_id, display_name, "
                                         "present) VALUES (?, ?, ?, ?, ?, ?)"));
        stmt.bind(1, s.id)
            .bind(2, std::int64_t{i})
            .bind(3, toName(p.role))
            .bind(4, p.patientId)
            .bind(5, p.displayName)
            .bind(6, p.present);
        SB_TRY(stmt.run());
    }
    for (qsizetype i = 0; i < s.diagnoses.size(); ++i) {
        SB_TRY_ASSIGN(
            stmt,
            m_db.prepare("INSERT INTO session_diagnoses (session_id, seq, code) VALUES (?, ?, ?)"));
        stmt.bind(1, s.id).bind(2, std::int64_t{i}).bind(3, s.diagnoses[i].code);
        SB_TRY(stmt.run());
    }
    if (!existed) {
        QList<StatusEntry> trail = s.statusTrail;
        if (trail.isEmpty()) {
            const QDateTime at = s.updatedAt.isValid() ? s.updatedAt : m_clock.nowUtc();
            trail.append(StatusEntry{SessionStatus::Captured, at, QString()});
        }
        for (const StatusEntry &entry : trail) {
            SB_TRY(insertStatus(s.id, entry));
        }
    }
    return existed;
}

StoreResult<Signature> SessionRepository::sign(const Actor &actor, const SessionId &id,
                                               const UserId &signer, const QDateTime &at)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(session, load(id));
    if (session.isSigned()) {
        return storeError(StoreError::Kind::Immutable, QStringLiteral("session is already signed"));
    }
    Signature signature{signer, at, sessionContentHash(session)};
    SB_TRY_ASSIGN(
        update,
        m_db.prepare(
            "UPDATE sessions SET signed_by = ?, signed_at = ?, signed_hash = ? WHERE id = ?"));
    update.bind(1, signer).bind(2, at).bind(3, signature.contentHash).bind(4, id);
    SB_TRY(update.run());
    SB_TRY(m_audit.append(actor, AuditAction::Sign, sessionType, id.uuid()));
    SB_TRY(tx.commit());
    return signature;
}

StoreResult<void> SessionRepository::addAddendum(const Actor &actor, const SessionId &id,
                                                 const Addendum &a)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(check, m_db.prepare("SELECT signed_at FROM sessions WHERE id = ?"));
    check.bind(1, id);
    SB_TRY_ASSIGN(row, check.step());
    if (!row) {
        return storeError(StoreError::Kind::NotFound, QStringLiteral("session not found"));
    }
    if (check.isNull(0)) {
        return storeError(StoreError::Kind::InvalidArgument,
                          QStringLiteral("addenda are for signed sessions; edit the draft"));
    }
    SB_TRY_ASSIGN(
        insert,
        m_db.prepare(
            "INSERT INTO session_addenda (id, session_id, author_id, created_at, text, signed_by, "
            "signed_at, signed_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    insert.bind(1, a.id).bind(2, id).bind(3, a.authorId).bind(4, a.createdAt).bind(5, a.text);
    if (a.signature) {
        insert.bind(6, a.signature->signedBy)
            .bind(7, a.signature->signedAt)
            .bind(8, addendumContentHash(id, a));
    } else {
        insert.bind(6, std::nullopt).bind(7, std::nullopt).bind(8, std::nullopt);
    }
    SB_TRY(insert.run());
    SB_TRY(m_audit.append(actor, AuditAction::Addendum, sessionType, id.uuid()));
    return tx.commit();
}

StoreResult<void> SessionRepository::insertStatus(const SessionId &id, const StatusEntry &entry)
{
    SB_TRY_ASSIGN(
        insert,
        m_db.prepare("INSERT INTO session_status (session_id, seq, status, at, detail) VALUES (?, "
                     "(SELECT coalesce(max(seq), -1) + 1 FROM session_status WHERE session_id = "
                     "?), ?, ?, ?)"));
    insert.bind(1, id)
        .bind(2, id)
        .bind(3, toName(entry.status))
        .bind(4, entry.at)
        .bind(5, entry.detail);
    return insert.run();
}

StoreResult<void> SessionRepository::appendStatus(const Actor &actor, const SessionId &id,
                                                  const StatusEntry &entry)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY(insertStatus(id, entry));
    SB_TRY(m_audit.append(actor, AuditAction::Status, sessionType, id.uuid()));
    return tx.commit();
}

StoreResult<Session> SessionRepository::load(const SessionId &id)
{
    SB_TRY_ASSIGN(stmt, m_db.prepare(std::string(sessionSelect) + "WHERE id = ?"));
    stmt.bind(1, id);
    SB_TRY_ASSIGN(session, one<Session>(stmt, "session", readSessionRow));

    SB_TRY_ASSIGN(
        timing,
        m_db.prepare(
            "SELECT kind, wall_ms, monotonic_ms, boot_id, server_offset_ms, server_offset_known "
            "FROM session_timing WHERE session_id = ? ORDER BY seq"));
    timing.bind(1, id);
    SB_TRY_ASSIGN(events, all<TimingEvent>(timing, [](const Statement &r) {
                      return TimingEvent{
                          fromName<TimingEventKind>(r.text(0)).value_or(TimingEventKind::Start),
                          r.dateTime(1),
                          r.int64(2),
                          r.int64(3),
                          r.int64(4),
                          r.boolean(5)};
                  }));
    session.timing = std::move(events);

    SB_TRY_ASSIGN(
        participants,
        m_db.prepare("SELECT role, patient_id, display_name, present FROM session_participants "
                     "WHERE session_id = ? ORDER BY seq"));
    participants.bind(1, id);
    SB_TRY_ASSIGN(people, all<Participant>(participants, [](const Statement &r) {
                      return Participant{
                          fromName<ParticipantRole>(r.text(0)).value_or(ParticipantRole::Other),
                          r.optionalId<PatientId>(1), r.text(2), r.boolean(3)};
                  }));
    session.participants = std::move(people);

    SB_TRY_ASSIGN(
        diagnoses,
        m_db.prepare("SELECT code FROM session_diagnoses WHERE session_id = ? ORDER BY seq"));
    diagnoses.bind(1, id);
    SB_TRY_ASSIGN(
        codes, all<Diagnosis>(diagnoses, [](const Statement &r) { return Diagnosis{r.text(0)}; }));
    session.diagnoses = std::move(codes);

    SB_TRY_ASSIGN(
        addenda,
        m_db.prepare("SELECT id, author_id, created_at, text, signed_by, signed_at, signed_hash "
                     "FROM session_addenda WHERE session_id = ? ORDER BY created_at, id"));
    addenda.bind(1, id);
    SB_TRY_ASSIGN(notes, all<Addendum>(addenda, [](const Statement &r) {
                      Addendum a{r.id<AddendumId>(0), r.id<UserId>(1), r.dateTime(2), r.text(3),
                                 std::nullopt};
                      if (!r.isNull(5)) {
                          a.signature = Signature{r.id<UserId>(4), r.dateTime(5), r.blob(6)};
                      }
                      return a;
                  }));
    session.addenda = std::move(notes);

    SB_TRY_ASSIGN(
        status,
        m_db.prepare(
            "SELECT status, at, detail FROM session_status WHERE session_id = ? ORDER BY seq"));
    status.bind(1, id);
    SB_TRY_ASSIGN(trail, all<StatusEntry>(status, [](const Statement &r) {
                      return StatusEntry{
                          fromName<SessionStatus>(r.text(0)).value_or(SessionStatus::Captured),
                          r.dateTime(1), r.text(2)};
                  }));
    session.statusTrail = std::move(trail);
    return std::move(session);
}

StoreResult<Session> SessionRepository::session(const Actor &actor, const SessionId &id)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    auto found = load(id);
    SB_TRY(m_audit.append(actor, AuditAction::Read, sessionType, id.uuid(),
                          found ? u"ok" : u"not found"));
    SB_TRY(tx.commit());
    return found;
}

StoreResult<QList<Session>> SessionRepository::loadMany(Statement &ids)
{
    QList<SessionId> found;
    for (;;) {
        SB_TRY_ASSIGN(row, ids.step());
        if (!row) {
            break;
        }
        found.append(ids.id<SessionId>(0));
    }
    QList<Session> sessions;
    sessions.reserve(found.size());
    for (const SessionId &id : found) {
        SB_TRY_ASSIGN(session, load(id));
        sessions.append(std::move(session));
    }
    return sessions;
}

StoreResult<QList<Session>> SessionRepository::sessionsForProvider(const Actor &actor,
                                                                   const ProviderId &provider,
                                                                   const QDate &from,
                                                                   const QDate &to)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    QList<Session> sessions;
    {
        SB_TRY_ASSIGN(
            ids,
            m_db.prepare(
                "SELECT id FROM sessions WHERE provider_id = ? AND date_of_service BETWEEN ? AND ? "
                "ORDER BY date_of_service, id"));
        ids.bind(1, provider).bind(2, from).bind(3, to);
        SB_TRY_ASSIGN(loaded, loadMany(ids));
        sessions = std::move(loaded);
    }
    // One row for the query itself (so an empty answer is audited too), one per session read.
    SB_TRY(m_audit.append(actor, AuditAction::List, sessionType, provider.uuid()));
    for (const Session &s : sessions) {
        SB_TRY(m_audit.append(actor, AuditAction::Read, sessionType, s.id.uuid()));
    }
    SB_TRY(tx.commit());
    return sessions;
}

StoreResult<SessionPage>
SessionRepository::sessionsForProviderPage(const Actor &actor, const ProviderId &provider,
                                           const QDate &day,
                                           const std::optional<SessionPageKey> &after, int limit)
{
    if (limit <= 0) {
        return storeError(StoreError::Kind::InvalidArgument,
                          QStringLiteral("a page holds at least one session"));
    }
    SB_TRY_ASSIGN(tx, m_db.begin());
    SessionPage page;
    QList<SessionPageKey> keys;
    {
        // Keyset paging (not OFFSET) on the (provider, day, first tap, id) index: a page costs
        // the same wherever it starts, and a session added meanwhile does not shift the rows
        // after it. One row past the limit tells whether another page follows.
        SB_TRY_ASSIGN(
            stmt,
            m_db.prepare(
                "SELECT id, first_tap_ms FROM sessions"
                " WHERE provider_id = ?1 AND date_of_service = ?2 AND (first_tap_ms, id) > (?3, ?4)"
                " ORDER BY first_tap_ms, id LIMIT ?5"));
        stmt.bind(1, provider).bind(2, day);
        if (after) {
            stmt.bind(3, after->firstTapMs).bind(4, after->id);
        } else {
            // Before every key: taps are >= -1 and an empty blob sorts before every id.
            stmt.bind(3, std::int64_t{-2}).bind(4, QByteArray(""));
        }
        stmt.bind(5, limit + 1);
        for (;;) {
            SB_TRY_ASSIGN(row, stmt.step());
            if (!row) {
                break;
            }
            keys.append(SessionPageKey{stmt.int64(1), stmt.id<SessionId>(0)});
        }
    }
    if (keys.size() > limit) {
        keys.removeLast();
        page.next = keys.constLast();
    }
    page.sessions.reserve(keys.size());
    for (const SessionPageKey &key : keys) {
        SB_TRY_ASSIGN(session, load(key.id));
        page.sessions.append(std::move(session));
    }
    SB_TRY(m_audit.append(actor, AuditAction::List, sessionType, provider.uuid()));
    for (const Session &s : page.sessions) {
        SB_TRY(m_audit.append(actor, AuditAction::Read, sessionType, s.id.uuid()));
    }
    SB_TRY(tx.commit());
    return page;
}

StoreResult<std::optional<SessionId>>
SessionRepository::interruptedSession(const Actor &actor, const ProviderId &provider)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    std::optional<SessionId> found;
    {
        // The last tap of each unsigned session of the provider; the newest open one wins.
        SB_TRY_ASSIGN(
            stmt, m_db.prepare(
                      "SELECT s.id FROM sessions s JOIN session_timing t ON t.session_id = s.id "
                      "WHERE s.provider_id = ? AND s.signed_at IS NULL "
                      "AND t.seq = (SELECT max(seq) FROM session_timing WHERE session_id = s.id) "
                      "AND t.kind IN (?, ?, ?) "
                      "ORDER BY t.wall_ms DESC, s.id DESC LIMIT 1"));
        stmt.bind(1, provider)
            .bind(2, toName(TimingEventKind::Start))
            .bind(3, toName(TimingEventKind::Resume))
            .bind(4, toName(TimingEventKind::Pause));
        SB_TRY_ASSIGN(row, stmt.step());
        if (row) {
            found = stmt.id<SessionId>(0);
        }
    }
    // The query is audited even when it finds nothing; the session found is a read of it.
    SB_TRY(m_audit.append(actor, AuditAction::List, sessionType, provider.uuid()));
    if (found) {
        SB_TRY(m_audit.append(actor, AuditAction::Read, sessionType, found->uuid()));
    }
    SB_TRY(tx.commit());
    return found;
}

StoreResult<QList<Session>> SessionRepository::sessionsForPatient(const Actor &actor,
                                                                  const PatientId &patient)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    QList<Session> sessions;
    {
        SB_TRY_ASSIGN(
            ids, m_db.prepare(
                     "SELECT id FROM sessions WHERE patient_id = ? ORDER BY date_of_service, id"));
        ids.bind(1, patient);
        SB_TRY_ASSIGN(loaded, loadMany(ids));
        sessions = std::move(loaded);
    }
    // One row for the query itself (so an empty answer is audited too), one per session read.
    SB_TRY(m_audit.append(actor, AuditAction::List, sessionType, patient.uuid()));
    for (const Session &s : sessions) {
        SB_TRY(m_audit.append(actor, AuditAction::Read, sessionType, s.id.uuid()));
    }
    SB_TRY(tx.commit());
    return sessions;
}

} // namespace sb
