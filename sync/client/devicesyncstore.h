// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "audit/auditlog.h"
#include "domain/session.h"
#include "sessionbook/sync/v1/sync.pb.h"
#include "store/storeerror.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QUuid>

#include <cstdint>
#include <optional>

namespace sb {
class Store;
}

namespace sb::sync {

namespace pb = ::sessionbook::sync::v1;

/// Where an outbox entry stands. Only Pending entries are sent; the others wait for a person.
enum class OutboxState { Pending, Conflict, Rejected };

/// One change waiting in the device's outbox: the encoded wire Change, sent as is on every
/// retry, so the server sees the same change_id and content hash each time.
struct OutboxEntry {
    QUuid changeId;
    std::int64_t seq = 0; ///< Local order of enqueueing; never the device clock.
    QString recordType;   ///< "session" or "addendum".
    QUuid recordId;
    QByteArray contentHash;
    QByteArray payload; ///< A serialized sessionbook.sync.v1.Change.
    OutboxState state = OutboxState::Pending;
    int attempts = 0;
    QString lastError; ///< The server's reason for a conflict or rejection; never PHI.
};

/// The server keys a device trusts: SHA-256 of each key's DER SubjectPublicKeyInfo ("SPKI").
struct ServerPins {
    QByteArray primary; ///< 32 bytes; empty when the system's certificate authorities decide.
    QByteArray backup;  ///< 32 bytes of a spare key the office keeps offline, or empty.
    /// Saved before key pinning: `primary` may be the hash of a whole certificate. The first
    /// sync that matches it replaces it with that certificate's key pin.
    bool legacy = false;
};

/// The device's enrollment and sync bookkeeping (one row).
struct SyncState {
    DeviceId deviceId;
    UserId userId;
    OrganizationId organizationId;
    std::optional<ProviderId> providerId;
    QString serverUrl;
    ServerPins pins;
    std::uint64_t pullCursor = 0;
    std::int64_t serverOffsetMs = 0; ///< Server time minus device time.
    QDateTime offsetMeasuredAt;
    QDateTime lastSuccessAt;
    QString lastError;

    [[nodiscard]] bool isEnrolled() const { return !deviceId.isNull(); }
};

/// What the server said about one change.
struct AckResult {
    QUuid changeId;
    pb::AckOutcome outcome = pb::ACK_OUTCOME_UNSPECIFIED;
    QString reason;
};

struct AckSummary {
    int removed = 0;    ///< Accepted or duplicate: the server has it; the row is gone.
    int conflicts = 0;  ///< Kept with the reason, no longer sent.
    int rejected = 0;   ///< Kept with the reason, no longer sent.
    int unresolved = 0; ///< Unknown outcome or no such row: stays pending.
};

struct PullSummary {
    int applied = 0;
    int skipped = 0;   ///< Items for records this device does not hold (no PHI is logged).
    int conflicts = 0; ///< Journal rows written.
    std::uint64_t cursor = 0;
};

/// A mutable field whose local value lost to another one; both values are kept.
struct ConflictEntry {
    QUuid id;
    QString recordType;
    QUuid recordId;
    QString field;
    QString keptValue;
    QString losingValue;
    QString winner; ///< "server" or "device".
    QDateTime at;
};

/// Work the office sent to this device (e.g. "addendum_requested").
struct DeviceTask {
    QUuid id;
    std::optional<SessionId> sessionId;
    QString kind;
    QString message;
    QDateTime createdAt;
    bool done = false;
};

/**
 * The device side of sync over the encrypted store: the outbox, the sync state, the conflict
 * journal and pulled tasks (schema step 6), plus the "sign and enqueue" operations. Signing a
 * session or adding a signed addendum writes the outbox row in the same transaction as the
 * signature, so a signed record can never exist on the device without its pending change.
 * An outbox row leaves only on the server's ACCEPTED or DUPLICATE acknowledgement.
 *
 * A thin stateless view over a Store: use it on the store's owner thread only.
 */
class DeviceSyncStore {
public:
    explicit DeviceSyncStore(Store &store)
        : m_store(store)
    {
    }

    /// Signs the stored draft and enqueues its change in one transaction; also records the
    /// "on_device" status.
    StoreResult<Signature> signSession(const Actor &actor, const SessionId &id,
                                       const UserId &signer, const QDateTime &at);
    /// Stores a signed addendum (its signature's hash is computed here) and enqueues it in
    /// one transaction.
    StoreResult<void> addSignedAddendum(const Actor &actor, const SessionId &session,
                                        const Addendum &addendum);

    /// Pending entries in enqueue order after position `afterSeq`, at most `maxCount` and
    /// about `maxBytes` of payload (always at least one entry when any is pending there).
    StoreResult<QList<OutboxEntry>> nextBatch(int maxCount, std::int64_t maxBytes,
                                              std::int64_t afterSeq = 0);
    /// Applies the server's acknowledgements in one transaction.
    StoreResult<AckSummary> applyAcks(const QList<AckResult> &acks);
    /// Counts a failed or unknown attempt on these entries; they stay pending.
    StoreResult<void> recordAttempt(const QList<QUuid> &changeIds, const QString &error);
    StoreResult<std::int64_t> pendingCount();
    /// Everything in the outbox, pending or held for review, in enqueue order.
    StoreResult<QList<OutboxEntry>> entries();

    StoreResult<SyncState> state();
    /// Records a (re-)enrollment; the pull cursor restarts when the device id or the server
    /// changes. The outbox is untouched unless `discardOutbox` (the user confirmed it): then
    /// it is emptied in the same transaction, one audit row per dropped change, so no change
    /// meant for the old server can reach the new one.
    StoreResult<void> saveEnrollment(const QString &serverUrl, const ServerPins &pins,
                                     const DeviceId &device, const UserId &user,
                                     const OrganizationId &organization,
                                     const std::optional<ProviderId> &provider,
                                     bool discardOutbox = false);
    /// Replaces a legacy pin with the key pin of the certificate that matched it.
    StoreResult<void> upgradeLegacyPin(const QByteArray &keyPin);
    StoreResult<void> recordServerOffset(std::int64_t offsetMs, const QDateTime &measuredAt);
    StoreResult<void> recordSuccess(const QDateTime &at);
    StoreResult<void> recordError(const QString &error, const QDateTime &at);

    /// Applies one pull page and moves the cursor to its next_cursor in one transaction, so
    /// a page is applied exactly once even if the app dies right after.
    StoreResult<PullSummary> applyPull(const Actor &actor, const pb::PullResponse &page);

    StoreResult<QList<ConflictEntry>> conflicts();
    StoreResult<QList<DeviceTask>> openTasks();

private:
    StoreResult<void> enqueue(const QString &recordType, const QUuid &recordId,
                              const QByteArray &contentHash, const pb::Change &change);
    StoreResult<int> applyItem(const Actor &actor, const SyncState &state, const pb::PullItem &item,
                               bool &skipped);
    StoreResult<int> journal(const QString &recordType, const QUuid &recordId, const QString &field,
                             const QString &local, const QString &incoming, std::uint64_t seq);
    Store &m_store;
};

[[nodiscard]] QString toName(OutboxState state);

} // namespace sb::sync
