// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "audit/auditlog.h"
#include "domain/session.h"
#include "store/storeerror.h"

#include <QList>

#include <cstdint>
#include <optional>

namespace sb {

class Database;
class Statement;
class Clock;

/// Where a page of sessions ends, in the order of their first timer tap then id. A session
/// without a tap sorts first (-1).
struct SessionPageKey {
    std::int64_t firstTapMs = -1; ///< Wall clock of the first tap, ms since epoch UTC.
    SessionId id;
};

/// One page of sessions, and where the next one starts (empty when this was the last).
struct SessionPage {
    QList<Session> sessions;
    std::optional<SessionPageKey> next;
};

/**
 * Sessions with their timing events, participants, diagnoses, note, signature, addenda and
 * status trail. A signed session is immutable: saveDraft() refuses it (and triggers in the
 * schema refuse it too); changes after signing are signed addenda.
 * Every read and write is audited.
 */
class SessionRepository {
public:
    SessionRepository(Database &db, AuditLog &audit, const Clock &clock)
        : m_db(db)
        , m_audit(audit)
        , m_clock(clock)
    {
    }

    /// Creates or replaces an unsigned session. A new session starts its status trail with
    /// "captured" when the caller gave none.
    StoreResult<void> saveDraft(const Actor &actor, const Session &session);
    /**
     * Stores a session that arrives already signed (from a device), with its status trail,
     * in one transaction and one audit row. Refused unless the signature's hash is the
     * content hash, or when the session is already stored.
     */
    StoreResult<void> storeSigned(const Actor &actor, const Session &session);
    /// Signs the session as it is stored; the signature's hash is computed here.
    StoreResult<Signature> sign(const Actor &actor, const SessionId &id, const UserId &signer,
                                const QDateTime &at);
    StoreResult<void> addAddendum(const Actor &actor, const SessionId &id,
                                  const Addendum &addendum);
    StoreResult<void> appendStatus(const Actor &actor, const SessionId &id,
                                   const StatusEntry &entry);

    StoreResult<Session> session(const Actor &actor, const SessionId &id);
    /// A provider's sessions with a date of service in [from, to], oldest first. Audited as one
    /// List row for the query and one Read row per session returned.
    StoreResult<QList<Session>> sessionsForProvider(const Actor &actor, const ProviderId &provider,
                                                    const QDate &from, const QDate &to);
    /**
     * At most `limit` of a provider's sessions with `day` as date of service, ordered by their
     * first timer tap then id, starting after `after` (from the first when empty). For lists
     * that page their rows; a page is an index range, wherever it starts. Audited like
     * sessionsForProvider(), per page.
     */
    StoreResult<SessionPage> sessionsForProviderPage(const Actor &actor, const ProviderId &provider,
                                                     const QDate &day,
                                                     const std::optional<SessionPageKey> &after,
                                                     int limit);
    /**
     * The provider's session whose timer was never stopped: unsigned, its last timing event a
     * Start, Resume or Pause, on any date (started before midnight or before a reboot counts).
     * With several, the one tapped last. Lets an app killed mid-session put it back on screen
     * without listing the day. Audited as one List row for the query and one Read row for the
     * session found.
     */
    StoreResult<std::optional<SessionId>> interruptedSession(const Actor &actor,
                                                             const ProviderId &provider);
    /// A patient's sessions, oldest first; audited like sessionsForProvider().
    StoreResult<QList<Session>> sessionsForPatient(const Actor &actor, const PatientId &patient);

private:
    StoreResult<Session> load(const SessionId &id);
    StoreResult<void> insertStatus(const SessionId &id, const StatusEntry &entry);
    /// Writes the session row and its children; true when it existed. No audit, no commit.
    StoreResult<bool> writeDraftRows(const Session &session);
    StoreResult<QList<Session>> loadMany(Statement &ids);
    Database &m_db;
    AuditLog &m_audit;
    const Clock &m_clock;
};

/// SHA-256 over a canonical encoding of what a signature covers: who, when, what service,
/// the timing, participants, diagnoses and the note. Independent of storage order or form.
QByteArray sessionContentHash(const Session &session);
/// The same for an addendum's text and author.
QByteArray addendumContentHash(const SessionId &session, const Addendum &addendum);

} // namespace sb
