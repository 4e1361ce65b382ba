// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "coding/codingengine.h"
#include "domain/organization.h"
#include "server/accesspolicy.h"
#include "server/officesyncrepository.h"
#include "server/requestdecoder.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QString>

#include <memory>
#include <optional>
#include <utility>

namespace sb {
class Store;
struct Session;
} // namespace sb

namespace sb::sync {

/// What an endpoint answers; the HTTP layer only frames it.
struct HttpReply {
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/x-protobuf";
    QList<std::pair<QByteArray, QByteArray>> headers;
};

struct SyncServiceConfig {
    RequestLimits limits;
    int tokenTtlDays = 90; ///< Refresh tokens (and older clients' device tokens).
    int accessTokenTtlSeconds = 900;
    int maxPullItems = 500; ///< Server cap on PullRequest.max_items.
};

/**
 * The sync protocol's endpoints over the office store, independent of HTTP so that they can
 * be tested and fuzzed without sockets: body bytes and the Authorization header in, a
 * status and an encoded message out. Every call writes one audit row for the request (who,
 * device, what, outcome) in the same transaction as whatever it changed; a malformed body
 * changes nothing but that row. Runs on the store's thread and never blocks on the network.
 *
 * Authorization: a bearer device token names device -> user -> role and organization.
 * roleMayUse() lists the endpoints of each role; any other is 403, as is a role the server
 * does not know. Clinicians see and push only their own caseload, billers the whole
 * organization. Anything outside what the caller may see is 404, exactly as if it did not
 * exist; every session and change id is looked up within the caller's organization.
 */
class SyncService {
public:
    SyncService(Store &store, std::shared_ptr<const coding::RuleSet> rules,
                SyncServiceConfig config);

    [[nodiscard]] HttpReply health() const;
    /// The token endpoint: enrollment with a one-time code, or a refresh token's rotation.
    HttpReply enroll(QByteArrayView body);
    HttpReply push(QByteArrayView authorization, QByteArrayView body);
    HttpReply pull(QByteArrayView authorization, QByteArrayView body);
    HttpReply sessionStatus(QByteArrayView authorization, QStringView sessionId);
    HttpReply patient(QByteArrayView authorization, QStringView patientId);

    ~SyncService();
    SyncService(const SyncService &) = delete;
    SyncService &operator=(const SyncService &) = delete;

    /// The token of a push whose body has not been read yet: nullopt when it is valid, else
    /// the push's own refusal (audited as push() audits it), so a large body from a caller
    /// without a valid token is never read.
    std::optional<HttpReply> checkPushToken(QByteArrayView authorization);

    /// A request the HTTP layer refused before any endpoint ran (413, 408, 404 route...):
    /// audited without a principal. `what` is a route or "http", never request content.
    /// Counted, not written one by one (see flushRefusals()).
    void auditRefusal(QStringView what, int status);
    /**
     * Writes the refusals counted so far without a principal (auditRefusal(), and requests
     * without a valid token): one audit row per route and status with the count, so a flood
     * of anonymous requests costs a bounded number of rows and no write each. Runs by itself
     * when a count's window (a minute) has passed and when the service is destroyed.
     */
    void flushRefusals();
    /// The network peer of the request now being served, recorded in its audit rows.
    void setRequestPeer(const QString &peer);
    /// An ErrorResponse reply carrying the server time.
    [[nodiscard]] HttpReply error(int status, const QString &code, const QString &message) const;

    [[nodiscard]] OfficeSyncRepository &repository() { return m_repo; }

private:
    struct Auth;
    /// The principal behind the token if its role may use `endpoint`, else the refusal.
    Auth authenticate(QByteArrayView authorization, Endpoint endpoint);
    HttpReply finish(const Actor &actor, AuditAction action, QStringView what,
                     const QUuid &recordId, HttpReply reply);
    void fillHeader(pb::ResponseHeader &header) const;
    HttpReply message(const google::protobuf::MessageLite &message) const;
    HttpReply storeFailure(const StoreError &error) const;
    HttpReply refresh(const pb::EnrollRequest &request);
    HttpReply tokens(const Enrollment &issued, QStringView what);
    [[nodiscard]] TokenPolicy tokenPolicy() const;

    struct ChangeOutcome;
    StoreResult<ChangeOutcome> applyChange(const Principal &principal, const pb::Change &change);
    StoreResult<ChangeOutcome> applySession(const Principal &principal, const pb::Change &change);
    StoreResult<ChangeOutcome> applyAddendum(const Principal &principal, const pb::Change &change);
    StoreResult<QString> codeSession(const Session &session);
    /// Publishes a session's new status to its device; `earlier` are statuses reached in
    /// the same step before it (same instant, no detail), carried in the same item.
    StoreResult<void> publishStatus(const Session &session, std::uint64_t seq,
                                    const QString &status, const QString &detail,
                                    const QStringList &earlier = {});
    /// One record of a snapshot, and how its disclosure is audited when a page sends it.
    struct SnapshotItem {
        pb::PullItem item;
        QString recordType;
        QUuid recordId;
    };
    StoreResult<QList<SnapshotItem>> snapshot(const Principal &principal, std::uint64_t seq);
    void countRefusal(QStringView what, int status);

    /// Practice records a push reads for every session (provider, organization, payer),
    /// read once per push: the push runs in one transaction, so they cannot change under it.
    struct PushLookups {
        QHash<QUuid, Provider> providers;
        QHash<QUuid, Organization> organizations;
        QHash<QUuid, std::optional<Payer>> payers; ///< nullopt: no such payer.
    };
    StoreResult<Provider> provider(const ProviderId &id);
    StoreResult<Organization> organization(const OrganizationId &id);
    StoreResult<std::optional<Payer>> payer(const PayerId &id);

    Store &m_store;
    OfficeSyncRepository m_repo;
    coding::CodingEngine m_engine;
    SyncServiceConfig m_config;
    PushLookups m_lookups; ///< Emptied when each push ends, whatever its outcome.
    /// Anonymous refusals since m_refusalWindowStartMs, by route and status.
    QHash<std::pair<QString, int>, std::int64_t> m_refusals;
    std::int64_t m_refusalWindowStartMs = 0;
    QString m_peer;
};

} // namespace sb::sync
