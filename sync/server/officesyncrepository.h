// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "audit/auditlog.h"
#include "domain/organization.h"
#include "recordcodec.h"
#include "store/storeerror.h"
#include "util/uuid7.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <cstdint>
#include <optional>

namespace sb {
class Clock;
class Database;
class Statement;
} // namespace sb

namespace sb::sync {

/// Who a valid device token speaks for.
struct Principal {
    DeviceId device;
    UserId user;
    OrganizationId organization;
    Role role = Role::Clinician;
    std::optional<ProviderId> provider;
    QString displayName;
};

/// Why a token does not authenticate: a 401 to the device, except RoleRefused (403), whose
/// user has a role the server does not know or that has no sync device.
/// Reused: a spent refresh token came back with another successor; the device is revoked.
enum class AuthFailure { Unknown, Revoked, Expired, Inactive, RoleRefused, Reused };

/// How long the tokens of a device live.
struct TokenPolicy {
    int refreshTtlDays = 90;    ///< A refresh token unused this long expires (so does a device
                                ///< token of a client without refresh tokens).
    int accessTtlSeconds = 900; ///< Access tokens: short, so a stolen one is soon worthless.
};

/// Why a code does not enroll: InvalidCode is unknown, used or expired (the caller cannot tell
/// which); RoleRefused is a valid code of a user whose role enrolls no device (it stays unused).
enum class EnrollFailure { InvalidCode, RoleRefused };

/// A freshly enrolled or refreshed device: the tokens exist only here and on the device.
struct Enrollment {
    Principal principal;
    QString token;        ///< The access token (a long-lived device token for older clients).
    QString refreshToken; ///< Empty for a client without refresh tokens.
    std::int64_t accessExpiresAtMs = 0;
};

/// An enrolled device as `device list` shows it (no token, no hash).
struct DeviceInfo {
    DeviceId id;
    UserId user;
    QString login;
    QString name;
    QString platform;
    QDateTime enrolledAt;
    QDateTime expiresAt;
    QDateTime revokedAt;
    QDateTime lastSeenAt;
    QString lastPeer; ///< The address of the last request (the proxy's, behind one).
};

/// A ledger row: what the server did with a change id the first time it saw it.
struct LedgerEntry {
    QByteArray contentHash;
    QString outcome; ///< "accepted"
    std::uint64_t serverSeq = 0;
};

/// One item of the pull feed, already encoded as a PullItem without its seq.
struct FeedItem {
    std::uint64_t seq = 0;
    QByteArray payload;
};

/// The newest status of one session, for the initial sync.
struct LatestStatus {
    SessionId session;
    QString status;
    QDateTime at;
    QString detail;
};

/// A task for a clinician's device ("addendum_requested"), never PHI in the message.
struct TaskInfo {
    QUuid id;
    SessionId session;
    QString kind;
    QString message;
    QDateTime createdAt;
    bool done = false;
};

/// A task as it travels in the pull feed.
void encodeTask(const TaskInfo &task, pb::Task &wire);

/**
 * The back office's sync bookkeeping in the office store: devices and their hashed tokens,
 * one-time enrollment codes, the exactly-once ledger, conflicts, the per-organization
 * sequence and pull feed, and tasks. Calls compose inside the caller's transaction (the
 * server applies a whole push batch in one). Owned by the store's thread.
 */
class OfficeSyncRepository {
public:
    OfficeSyncRepository(Database &db, AuditLog &audit, const Clock &clock, Uuid7Generator &ids)
        : m_db(db)
        , m_audit(audit)
        , m_clock(clock)
        , m_ids(ids)
    {
    }

    /// A new one-time code for `user`, valid for `ttlMinutes`. Only its hash is stored; the
    /// code itself is returned once ("ABCD-EFGH-JKLM"). InvalidArgument when the user's role
    /// enrolls no device, NotFound for an unknown user.
    StoreResult<QString> issueEnrollmentCode(const Actor &actor, const UserId &user,
                                             int ttlMinutes);
    /// Redeems a code. On success the code is spent and a device with new tokens exists:
    /// with `refreshable`, a short-lived access token and a refresh token, else one device
    /// token living as long as a refresh token.
    StoreResult<Expected<Enrollment, EnrollFailure>>
    enroll(const QString &code, const QString &deviceName, const QString &platform,
           const TokenPolicy &policy, bool refreshable, const QString &peer);
    /**
     * Rotates a device's tokens: `refreshToken` is spent, `nextRefreshToken` (chosen by the
     * device) becomes its refresh token and a new access token is issued. The same pair again
     * while the next token is unused is a retry of a lost answer (a new access token, no
     * rotation); a spent token with another successor is a replay: the device is revoked.
     */
    StoreResult<Expected<Enrollment, AuthFailure>> refresh(const QString &refreshToken,
                                                           const QString &nextRefreshToken,
                                                           const TokenPolicy &policy,
                                                           const QString &peer);
    /// Notes that the device was seen now from `peer` (written at most once a minute).
    StoreResult<void> touchDevice(const DeviceId &device, const QString &peer);
    /// The principal behind a bearer token, or why not (nullopt error means a store error).
    StoreResult<Expected<Principal, AuthFailure>> authenticate(const QString &token);
    StoreResult<QList<DeviceInfo>> devices();
    /// Revokes a device: its token stops working at once. NotFound for an unknown id.
    StoreResult<void> revokeDevice(const Actor &actor, const DeviceId &device);

    /// The ledger row of a change id of `organization`; another organization's is no match.
    StoreResult<std::optional<LedgerEntry>> ledgerEntry(const OrganizationId &organization,
                                                        const QByteArray &changeId);
    /// The ledger row of the change of `organization` that first stored `recordId`, if any.
    StoreResult<std::optional<LedgerEntry>> ledgerForRecord(const OrganizationId &organization,
                                                            const QByteArray &recordId);
    StoreResult<void> recordLedger(const QByteArray &changeId, const Principal &principal,
                                   QStringView recordType, const QByteArray &recordId,
                                   const QByteArray &contentHash, std::uint64_t serverSeq);
    /// Keeps a conflicting change with its payload; the same conflict twice is kept once.
    StoreResult<void> recordConflict(const QByteArray &changeId, const Principal &principal,
                                     QStringView recordType, const QByteArray &recordId,
                                     const QByteArray &contentHash, const QString &reason,
                                     const QByteArray &payload);
    StoreResult<std::int64_t> conflictCount();

    /// Allocates the next server sequence number of an organization (starts at 1).
    StoreResult<std::uint64_t> nextSeq(const OrganizationId &organization);
    StoreResult<std::uint64_t> lastSeq(const OrganizationId &organization);
    /// Publishes an encoded PullItem at `seq` for one caseload (or the whole organization).
    StoreResult<void> publish(const OrganizationId &organization, std::uint64_t seq,
                              const std::optional<ProviderId> &provider, QStringView kind,
                              const QByteArray &recordId, const QByteArray &payload);
    /// Feed items after `afterSeq` visible to `provider` (all of the organization when null),
    /// oldest first, at most `limit`.
    StoreResult<QList<FeedItem>> feed(const OrganizationId &organization, std::uint64_t afterSeq,
                                      const std::optional<ProviderId> &provider, int limit);

    /// Whether a patient of `organization` is on the provider's caseload: its primary
    /// clinician, or a clinician who has a session with the patient.
    StoreResult<bool> inCaseload(const OrganizationId &organization, const PatientId &patient,
                                 const std::optional<ProviderId> &provider);

    /// Patients an initial sync sends, in priority order: those with a session today, then
    /// the rest of the caseload (the whole organization when `provider` is null) by name.
    StoreResult<QList<PatientId>> snapshotPatients(const OrganizationId &organization,
                                                   const std::optional<ProviderId> &provider,
                                                   const QDate &today);
    /// The newest status of each session dated `since` or later, newest sessions first.
    StoreResult<QList<LatestStatus>> latestStatuses(const OrganizationId &organization,
                                                    const std::optional<ProviderId> &provider,
                                                    const QDate &since);
    StoreResult<QList<TaskInfo>> openTasks(const OrganizationId &organization,
                                           const std::optional<ProviderId> &provider);
    /// Asks the session's clinician for an addendum: a task published to their caseload's
    /// feed. NotFound when the session does not exist.
    StoreResult<TaskInfo> requestAddendum(const Actor &actor, const SessionId &session,
                                          const QString &message);
    /// Marks open addendum requests of a session done (an addendum arrived); returns them.
    StoreResult<QList<TaskInfo>> completeAddendumTasks(const SessionId &session);

private:
    /// The principal of a row (device id, user id, expiry, revoked, organization, role,
    /// provider, display name, active), or why it does not authenticate.
    Expected<Principal, AuthFailure> principalOf(const Statement &row) const;
    StoreResult<void> insertAccessToken(const DeviceId &device, const QString &token,
                                        std::int64_t expiresAt);
    StoreResult<void> insertRefreshToken(const DeviceId &device, const QString &token,
                                         std::int64_t issuedAt, std::int64_t expiresAt);

    Database &m_db;
    AuditLog &m_audit;
    const Clock &m_clock;
    Uuid7Generator &m_ids;
};

/// SHA-256 of a token or code as the store keeps it.
QByteArray secretHash(const QString &secret);
/// Enrollment codes are typed by people: upper-cased, without dashes or spaces.
QString normalizeEnrollmentCode(const QString &code);

} // namespace sb::sync
