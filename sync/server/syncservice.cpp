// SPDX-License-Identifier: Apache-2.0
#include "server/syncservice.h"

#include "domain/enums.h"
#include "recordcodec.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/try.h"

#include <QScopeGuard>
#include <QUuid>

#include <string>

namespace sb::sync {

namespace {

constexpr QStringView sessionRecord = u"session";
constexpr QStringView addendumRecord = u"addendum";
constexpr int maxTokenLength = 256;

/// Cursors are opaque to devices but ordered: the organization's feed sequence in the high
/// bits, and in the low 20 bits either the position reached in an initial snapshot taken at
/// that sequence, or all ones for "the feed after that sequence". Every cursor the server
/// issues to a device is therefore larger than the one it was given.
/// How long anonymous refusals are counted before their audit row is written.
constexpr std::int64_t refusalWindowMs = 60'000;

constexpr int offsetBits = 20;
constexpr std::uint64_t feedMarker = (std::uint64_t{1} << offsetBits) - 1;

std::uint64_t feedCursor(std::uint64_t seq)
{
    return (seq << offsetBits) | feedMarker;
}

std::string wireText(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    return {utf8.constData(), static_cast<std::size_t>(utf8.size())};
}

std::int64_t wireMs(const QDateTime &time)
{
    return time.isValid() ? time.toMSecsSinceEpoch() : 0;
}

QByteArray bytesOf(const std::string &bytes)
{
    return QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

QByteArray serialized(const google::protobuf::MessageLite &message)
{
    std::string bytes;
    message.SerializeToString(&bytes);
    return bytesOf(bytes);
}

const char *outcomeName(int status)
{
    switch (status) {
    case 200:
        return "ok";
    case 400:
        return "rejected";
    case 401:
        return "unauthorized";
    case 403:
        return "forbidden";
    case 404:
        return "not_found";
    case 408:
        return "timeout";
    case 411:
        return "length_required";
    case 413:
        return "too_large";
    case 426:
        return "schema_too_old";
    case 431:
        return "header_too_large";
    default:
        return status >= 500 ? "error" : "refused";
    }
}

/// Store errors that concern one change (it cannot be stored as sent) rather than the store.
bool isChangeError(const StoreError &error)
{
    switch (error.kind) {
    case StoreError::Kind::NotFound:
    case StoreError::Kind::Constraint:
    case StoreError::Kind::Immutable:
    case StoreError::Kind::InvalidArgument:
        return true;
    default:
        return false;
    }
}

} // namespace

struct SyncService::Auth {
    std::optional<Principal> principal;
    HttpReply failure;
};

struct SyncService::ChangeOutcome {
    pb::AckOutcome outcome = pb::ACK_OUTCOME_REJECTED;
    QString reason;
    std::uint64_t seq = 0;
};

SyncService::SyncService(Store &store, std::shared_ptr<const coding::RuleSet> rules,
                         SyncServiceConfig config)
    : m_store(store)
    , m_repo(store.database(), store.audit(), store.clock(), store.ids())
    , m_engine(std::move(rules))
    , m_config(config)
{
}

void SyncService::fillHeader(pb::ResponseHeader &header) const
{
    header.set_server_time_ms(m_store.clock().nowMsSinceEpoch());
    header.set_schema_version(m_config.limits.serverSchemaVersion);
}

HttpReply SyncService::message(const google::protobuf::MessageLite &message) const
{
    return HttpReply{200, serialized(message), "application/x-protobuf", {}};
}

HttpReply SyncService::error(int status, const QString &code, const QString &text) const
{
    pb::ErrorResponse response;
    fillHeader(*response.mutable_header());
    response.set_code(wireText(code));
    response.set_message(wireText(text));
    HttpReply reply{status, serialized(response), "application/x-protobuf", {}};
    if (status == 401) {
        reply.headers.append(
            std::pair<QByteArray, QByteArray>("WWW-Authenticate", "Bearer realm=\"sessionbook\""));
    }
    return reply;
}

HttpReply SyncService::storeFailure(const StoreError &failure) const
{
    // The store's message never carries PHI, but it is for the server's operator, not
    // the device: the device only learns that it should retry later.
    if (failure.kind == StoreError::Kind::Busy) {
        return error(503, QStringLiteral("busy"), QStringLiteral("store busy; retry later"));
    }
    return error(500, QStringLiteral("internal"),
                 QStringLiteral("the server could not complete "
                                "the request; retry later"));
}

HttpReply SyncService::health() const
{
    return HttpReply{200, QByteArrayLiteral("ok\n"), "text/plain", {}};
}

HttpReply SyncService::finish(const Actor &actor, AuditAction action, QStringView what,
                              const QUuid &recordId, HttpReply reply)
{
    if (actor.user.isNull() && reply.status >= 400) {
        countRefusal(what, reply.status); // no principal: counted, not a row each
        return reply;
    }
    if (!m_refusals.isEmpty()
        && m_store.clock().nowMsSinceEpoch() - m_refusalWindowStartMs >= refusalWindowMs) {
        flushRefusals();
    }
    const QString outcome = QString::fromLatin1(outcomeName(reply.status));
    if (auto ok = m_store.audit().append(actor, action, what, recordId, outcome); !ok) {
        return storeFailure(ok.error());
    }
    return reply;
}

SyncService::~SyncService()
{
    flushRefusals();
}

void SyncService::auditRefusal(QStringView what, int status)
{
    countRefusal(what, status);
}

void SyncService::countRefusal(QStringView what, int status)
{
    const std::int64_t now = m_store.clock().nowMsSinceEpoch();
    if (!m_refusals.isEmpty()
        && (now - m_refusalWindowStartMs >= refusalWindowMs || now < m_refusalWindowStartMs)) {
        flushRefusals();
    }
    if (m_refusals.isEmpty()) {
        m_refusalWindowStartMs = now;
    }
    ++m_refusals[std::pair(what.toString(), status)];
}

void SyncService::flushRefusals()
{
    if (m_refusals.isEmpty() || m_store.database().inTransaction()) {
        return;
    }
    const QString peer = m_store.audit().peer();
    m_store.audit().setPeer({}); // many peers: the count stands for all of them
    for (auto it = m_refusals.begin(); it != m_refusals.end();) {
        const QString outcome =
            QString::fromLatin1(outcomeName(it.key().second)) + u" x" + QString::number(it.value());
        if (auto ok = m_store.audit().append(Actor{}, AuditAction::Read, it.key().first, QUuid(),
                                             outcome);
            !ok) {
            // Kept, and written with the next flush: a refusal is never uncounted.
            qWarning("sync: refusals could not be audited yet: %s", qPrintable(ok.error().message));
            break;
        }
        it = m_refusals.erase(it);
    }
    m_store.audit().setPeer(peer);
}

void SyncService::setRequestPeer(const QString &peer)
{
    m_peer = peer; // also the device's last peer
    m_store.audit().setPeer(peer);
}

SyncService::Auth SyncService::authenticate(QByteArrayView authorization, Endpoint endpoint)
{
    Auth auth;
    const QByteArrayView scheme("Bearer ");
    if (authorization.isEmpty()) {
        auth.failure = error(401, QStringLiteral("unauthorized"),
                             QStringLiteral("a device token is required"));
        return auth;
    }
    if (authorization.size() <= scheme.size() || authorization.size() > maxTokenLength
        || authorization.first(scheme.size()).toByteArray().toLower() != "bearer ") {
        auth.failure =
            error(401, QStringLiteral("unauthorized"), QStringLiteral("the token is not valid"));
        auth.failure.headers = {
            {"WWW-Authenticate", "Bearer realm=\"sessionbook\", error=\"invalid_token\""}};
        return auth;
    }
    const QString token =
        QString::fromLatin1(authorization.sliced(scheme.size()).toByteArray()).trimmed();
    auto result = m_repo.authenticate(token);
    if (!result) {
        auth.failure = storeFailure(result.error());
        return auth;
    }
    if (!*result && result->error() == AuthFailure::RoleRefused) {
        auth.failure = error(403, QStringLiteral("forbidden"),
                             QStringLiteral("this account's role is not recognized"));
        return auth;
    }
    if (!*result) {
        // "token_expired" tells a device with a refresh token to refresh and go on.
        const bool expired = result->error() == AuthFailure::Expired;
        auth.failure = expired ? error(401, QStringLiteral("token_expired"),
                                       QStringLiteral("the access token has expired"))
                               : error(401, QStringLiteral("unauthorized"),
                                       QStringLiteral("the token is not valid"));
        auth.failure.headers = {
            {"WWW-Authenticate", "Bearer realm=\"sessionbook\", error=\"invalid_token\""}};
        return auth;
    }
    if (!roleMayUse(result->value().role, endpoint)) {
        auth.failure = error(403, QStringLiteral("forbidden"),
                             QStringLiteral("this role does not use this endpoint"));
        return auth;
    }
    auth.principal = result->value();
    // Last seen, and from where; a failure to note it refuses nothing.
    (void)m_repo.touchDevice(auth.principal->device, m_peer);
    return auth;
}

TokenPolicy SyncService::tokenPolicy() const
{
    return TokenPolicy{m_config.tokenTtlDays, m_config.accessTokenTtlSeconds};
}

HttpReply SyncService::enroll(QByteArrayView body)
{
    auto request = decodeEnrollRequest(body, m_config.limits);
    if (!request) {
        return finish(
            Actor{}, AuditAction::Create, u"sync.enroll", QUuid(),
            error(request.error().httpStatus, request.error().code, request.error().message));
    }
    if (!request->refresh_token().empty()) {
        return refresh(*request);
    }
    auto enrolled = m_repo.enroll(QString::fromStdString(request->enrollment_code()),
                                  QString::fromStdString(request->device_name()),
                                  QString::fromStdString(request->platform()), tokenPolicy(),
                                  request->refresh_tokens(), m_peer);
    if (!enrolled) {
        return storeFailure(enrolled.error());
    }
    if (!*enrolled) {
        if (enrolled->error() == EnrollFailure::RoleRefused) {
            return finish(Actor{}, AuditAction::Create, u"sync.enroll", QUuid(),
                          error(403, QStringLiteral("forbidden"),
                                QStringLiteral("this account's role enrolls no device")));
        }
        // Unknown, used and expired codes look the same to the caller.
        return finish(Actor{}, AuditAction::Create, u"sync.enroll", QUuid(),
                      error(401, QStringLiteral("unauthorized"),
                            QStringLiteral("the enrollment code is not valid")));
    }
    return tokens(enrolled->value(), u"sync.enroll");
}

HttpReply SyncService::tokens(const Enrollment &issued, QStringView what)
{
    const Principal &p = issued.principal;
    pb::EnrollResponse response;
    fillHeader(*response.mutable_header());
    response.set_device_id(toWireId(p.device));
    response.set_device_token(issued.token.toStdString());
    response.set_refresh_token(issued.refreshToken.toStdString());
    response.set_access_expires_at_ms(issued.accessExpiresAtMs);
    response.set_user_id(toWireId(p.user));
    response.set_organization_id(toWireId(p.organization));
    response.set_user_display_name(wireText(p.displayName));
    response.set_role(wireText(toName(p.role)));
    if (p.provider) {
        response.set_provider_id(toWireId(*p.provider));
    }
    return finish(Actor{p.user, p.device}, AuditAction::Create, what, p.device.uuid(),
                  message(response));
}

std::optional<HttpReply> SyncService::checkPushToken(QByteArrayView authorization)
{
    Auth auth = authenticate(authorization, Endpoint::Push);
    if (auth.principal) {
        return std::nullopt;
    }
    return finish(Actor{}, AuditAction::Create, u"sync.push", QUuid(), auth.failure);
}

HttpReply SyncService::refresh(const pb::EnrollRequest &request)
{
    auto refreshed =
        m_repo.refresh(QString::fromStdString(request.refresh_token()),
                       QString::fromStdString(request.next_refresh_token()), tokenPolicy(), m_peer);
    if (!refreshed) {
        return storeFailure(refreshed.error());
    }
    if (!*refreshed) {
        const AuthFailure why = refreshed->error();
        HttpReply refused =
            why == AuthFailure::RoleRefused
                ? error(403, QStringLiteral("forbidden"),
                        QStringLiteral("this account's role is not recognized"))
                : error(401, QStringLiteral("unauthorized"),
                        why == AuthFailure::Reused
                            ? QStringLiteral("the refresh token was used twice; this device is "
                                             "signed out and must enroll again")
                            : QStringLiteral("the refresh token is not valid; enroll again"));
        return finish(Actor{}, AuditAction::Create, u"sync.refresh", QUuid(), refused);
    }
    return tokens(refreshed->value(), u"sync.refresh");
}

HttpReply SyncService::push(QByteArrayView authorization, QByteArrayView body)
{
    Auth auth = authenticate(authorization, Endpoint::Push);
    if (!auth.principal) {
        return finish(Actor{}, AuditAction::Create, u"sync.push", QUuid(), auth.failure);
    }
    const Principal &principal = *auth.principal;
    const Actor actor{principal.user, principal.device};
    auto request = decodePushRequest(body, m_config.limits);
    if (!request) {
        return finish(
            actor, AuditAction::Create, u"sync.push", QUuid(),
            error(request.error().httpStatus, request.error().code, request.error().message));
    }
    const QUuid requestId = fromWireId(request->header().request_id()).value_or(QUuid());
    if (!principal.provider) {
        return finish(actor, AuditAction::Create, u"sync.push", requestId,
                      error(403, QStringLiteral("forbidden"),
                            QStringLiteral("only a clinician's device pushes sessions")));
    }

    auto tx = m_store.database().begin();
    if (!tx) {
        return storeFailure(tx.error());
    }
    // Whatever the outcome, nothing read in this transaction outlives it.
    const auto forget = qScopeGuard([this] { m_lookups = {}; });
    pb::PushResponse response;
    for (const pb::Change &change : request->changes()) {
        auto outcome = applyChange(principal, change);
        if (!outcome) {
            return storeFailure(outcome.error()); // the whole batch rolls back
        }
        pb::Ack *ack = response.add_acks();
        ack->set_change_id(change.change_id());
        ack->set_outcome(outcome->outcome);
        ack->set_reason(wireText(outcome->reason));
        ack->set_server_seq(outcome->seq);
    }
    fillHeader(*response.mutable_header());
    HttpReply reply =
        finish(actor, AuditAction::Create, u"sync.push", requestId, message(response));
    if (reply.status != 200) {
        return reply;
    }
    if (auto ok = tx->commit(); !ok) {
        return storeFailure(ok.error());
    }
    return reply;
}

StoreResult<SyncService::ChangeOutcome> SyncService::applyChange(const Principal &principal,
                                                                 const pb::Change &change)
{
    const auto changeId = fromWireId(change.change_id());
    if (!changeId || changeId->isNull()) {
        return ChangeOutcome{pb::ACK_OUTCOME_REJECTED, QStringLiteral("change_id must be 16 bytes"),
                             0};
    }
    if (change.content_hash().size() != 32) {
        return ChangeOutcome{pb::ACK_OUTCOME_REJECTED,
                             QStringLiteral("content_hash must be a SHA-256 (32 bytes)"), 0};
    }
    const QByteArray changeKey = bytesOf(change.change_id());
    const QByteArray hash = bytesOf(change.content_hash());
    SB_TRY_ASSIGN(ledger, m_repo.ledgerEntry(principal.organization, changeKey));
    if (ledger) {
        if (ledger->contentHash == hash) {
            return ChangeOutcome{pb::ACK_OUTCOME_DUPLICATE, QString(), ledger->serverSeq};
        }
        const QString reason = QStringLiteral("change_id already applied with other content");
        const QByteArray recordId =
            change.has_session() ? bytesOf(change.session().id()) : bytesOf(change.addendum().id());
        SB_TRY(m_repo.recordConflict(changeKey, principal,
                                     change.has_session() ? sessionRecord : addendumRecord,
                                     recordId, hash, reason, serialized(change)));
        return ChangeOutcome{pb::ACK_OUTCOME_CONFLICT, reason, 0};
    }
    // Each change in its own savepoint: one that cannot be stored leaves nothing behind and
    // does not take the rest of the batch with it.
    SB_TRY_ASSIGN(savepoint, m_store.database().begin());
    StoreResult<ChangeOutcome> outcome =
        change.has_session() ? applySession(principal, change)
        : change.has_addendum()
            ? applyAddendum(principal, change)
            : StoreResult<ChangeOutcome>(ChangeOutcome{
                pb::ACK_OUTCOME_REJECTED, QStringLiteral("change carries no record"), 0});
    if (!outcome) {
        savepoint.rollback();
        if (isChangeError(outcome.error())) {
            return ChangeOutcome{
                pb::ACK_OUTCOME_REJECTED,
                QStringLiteral("could not be stored: ") + outcome.error().kindName(), 0};
        }
        return outcome;
    }
    if (outcome->outcome == pb::ACK_OUTCOME_REJECTED) {
        savepoint.rollback();
        return outcome;
    }
    SB_TRY(savepoint.commit());
    return outcome;
}

StoreResult<SyncService::ChangeOutcome> SyncService::applySession(const Principal &principal,
                                                                  const pb::Change &change)
{
    auto rejected = [](QString reason) {
        return ChangeOutcome{pb::ACK_OUTCOME_REJECTED, std::move(reason), 0};
    };
    auto decoded = decodeSession(change.session());
    if (!decoded) {
        return rejected(decoded.error().field + u": " + decoded.error().message);
    }
    Session session = std::move(*decoded);
    if (!session.signature) {
        return rejected(QStringLiteral("session must be signed"));
    }
    const QByteArray hash = bytesOf(change.content_hash());
    const QByteArray computed = sessionContentHash(session);
    if (computed != hash || session.signature->contentHash != hash) {
        return rejected(QStringLiteral("content_hash does not match the session's content"));
    }
    // Authorization: nothing outside the caller's organization and caseload exists for it.
    if (session.organizationId != principal.organization) {
        return rejected(QStringLiteral("organization not found"));
    }
    if (session.providerId != *principal.provider) {
        return rejected(QStringLiteral("provider not found"));
    }
    if (session.signature->signedBy != principal.user) {
        return rejected(QStringLiteral("signer must be the device's user"));
    }
    SB_TRY_ASSIGN(visible,
                  m_repo.inCaseload(principal.organization, session.patientId, principal.provider));
    if (!visible) {
        return rejected(QStringLiteral("patient not found"));
    }
    for (const Participant &p : session.participants) {
        if (p.patientId) {
            SB_TRY_ASSIGN(member, m_repo.inCaseload(principal.organization, *p.patientId,
                                                    principal.provider));
            if (!member) {
                return rejected(QStringLiteral("participant not found"));
            }
        }
    }
    if (session.payerId) {
        SB_TRY_ASSIGN(known, payer(*session.payerId));
        if (!known) {
            return rejected(QStringLiteral("payer not found"));
        }
    }

    const QByteArray recordId = session.id.uuid().toRfc4122();
    const Actor actor{principal.user, principal.device};
    {
        // Within the organization only: another practice's session of the same id is not
        // found here, and the store refuses to write over it.
        SB_TRY_ASSIGN(existing, m_store.database().prepare("SELECT signed_hash FROM sessions "
                                                           "WHERE id = ? AND organization_id = ?"));
        existing.bind(1, session.id).bind(2, principal.organization);
        SB_TRY_ASSIGN(row, existing.step());
        if (row) {
            if (existing.blob(0) == hash) {
                // The same signed content under a new change id: already applied.
                SB_TRY_ASSIGN(first, m_repo.ledgerForRecord(principal.organization, recordId));
                const std::uint64_t seq = first ? first->serverSeq : 0;
                SB_TRY(m_repo.recordLedger(bytesOf(change.change_id()), principal, sessionRecord,
                                           recordId, hash, seq));
                return ChangeOutcome{pb::ACK_OUTCOME_DUPLICATE, QString(), seq};
            }
            const QString reason = QStringLiteral("session already stored with other content");
            SB_TRY(m_repo.recordConflict(bytesOf(change.change_id()), principal, sessionRecord,
                                         recordId, hash, reason, serialized(change)));
            return ChangeOutcome{pb::ACK_OUTCOME_CONFLICT, reason, 0};
        }
    }

    // Coded before it is stored, so the session, its received and coded statuses and its
    // signature go in as one write with one audit row.
    SB_TRY_ASSIGN(coded, codeSession(session));
    const QDateTime now = m_store.clock().nowUtc();
    Session incoming = session;
    incoming.addenda.clear();
    incoming.statusTrail = {StatusEntry{SessionStatus::Received, now, QString()},
                            StatusEntry{SessionStatus::Coded, now, coded}};
    if (!incoming.updatedAt.isValid()) {
        incoming.updatedAt = now;
    }
    SB_TRY(m_store.sessions().storeSigned(actor, incoming));
    SB_TRY_ASSIGN(seq, m_repo.nextSeq(principal.organization));
    SB_TRY(m_repo.recordLedger(bytesOf(change.change_id()), principal, sessionRecord, recordId,
                               hash, seq));
    // Received and coded in the same step: one feed item carries both.
    SB_TRY(publishStatus(session, seq, toName(SessionStatus::Coded), coded,
                         {toName(SessionStatus::Received)}));
    return ChangeOutcome{pb::ACK_OUTCOME_ACCEPTED, QString(), seq};
}

StoreResult<SyncService::ChangeOutcome> SyncService::applyAddendum(const Principal &principal,
                                                                   const pb::Change &change)
{
    auto rejected = [](QString reason) {
        return ChangeOutcome{pb::ACK_OUTCOME_REJECTED, std::move(reason), 0};
    };
    auto decoded = decodeAddendum(change.addendum());
    if (!decoded) {
        return rejected(decoded.error().field + u": " + decoded.error().message);
    }
    const SessionId sessionId = decoded->sessionId;
    const Addendum addendum = decoded->addendum;
    if (!addendum.signature) {
        return rejected(QStringLiteral("addendum must be signed"));
    }
    const QByteArray hash = bytesOf(change.content_hash());
    if (addendumContentHash(sessionId, addendum) != hash
        || addendum.signature->contentHash != hash) {
        return rejected(QStringLiteral("content_hash does not match the addendum's content"));
    }
    if (addendum.authorId != principal.user || addendum.signature->signedBy != principal.user) {
        return rejected(QStringLiteral("author must be the device's user"));
    }
    Session session;
    {
        SB_TRY_ASSIGN(
            find, m_store.database().prepare("SELECT organization_id, patient_id, provider_id FROM "
                                             "sessions WHERE id = ? AND organization_id = ?"));
        find.bind(1, sessionId).bind(2, principal.organization);
        SB_TRY_ASSIGN(row, find.step());
        if (!row || find.id<ProviderId>(2) != *principal.provider) {
            return rejected(QStringLiteral("session not found"));
        }
        session.id = sessionId;
        session.organizationId = find.id<OrganizationId>(0);
        session.patientId = find.id<PatientId>(1);
        session.providerId = find.id<ProviderId>(2);
    }
    const QByteArray recordId = addendum.id.uuid().toRfc4122();
    {
        SB_TRY_ASSIGN(existing,
                      m_store.database().prepare(
                          "SELECT a.signed_hash FROM session_addenda a JOIN sessions s ON s.id = "
                          "a.session_id WHERE a.id = ? AND s.organization_id = ?"));
        existing.bind(1, addendum.id).bind(2, principal.organization);
        SB_TRY_ASSIGN(row, existing.step());
        if (row) {
            if (existing.blob(0) == hash) {
                SB_TRY_ASSIGN(first, m_repo.ledgerForRecord(principal.organization, recordId));
                const std::uint64_t seq = first ? first->serverSeq : 0;
                SB_TRY(m_repo.recordLedger(bytesOf(change.change_id()), principal, addendumRecord,
                                           recordId, hash, seq));
                return ChangeOutcome{pb::ACK_OUTCOME_DUPLICATE, QString(), seq};
            }
            const QString reason = QStringLiteral("addendum already stored with other content");
            SB_TRY(m_repo.recordConflict(bytesOf(change.change_id()), principal, addendumRecord,
                                         recordId, hash, reason, serialized(change)));
            return ChangeOutcome{pb::ACK_OUTCOME_CONFLICT, reason, 0};
        }
    }
    const Actor actor{principal.user, principal.device};
    SB_TRY(m_store.sessions().addAddendum(actor, sessionId, addendum));
    SB_TRY_ASSIGN(seq, m_repo.nextSeq(principal.organization));
    SB_TRY(m_repo.recordLedger(bytesOf(change.change_id()), principal, addendumRecord, recordId,
                               hash, seq));
    SB_TRY_ASSIGN(done, m_repo.completeAddendumTasks(sessionId));
    for (const TaskInfo &task : done) {
        pb::PullItem item;
        encodeTask(task, *item.mutable_task());
        SB_TRY_ASSIGN(taskSeq, m_repo.nextSeq(principal.organization));
        SB_TRY(m_repo.publish(principal.organization, taskSeq, session.providerId, u"task",
                              task.id.toRfc4122(), serialized(item)));
    }
    return ChangeOutcome{pb::ACK_OUTCOME_ACCEPTED, QString(), seq};
}

StoreResult<QString> SyncService::codeSession(const Session &session)
{
    coding::SessionFacts facts;
    facts.service = session.service;
    facts.minutes = session.elapsedMinutes();
    facts.modality = session.modality;
    facts.patientLocation = session.patientLocation;
    facts.interactiveComplexity = session.interactiveComplexity;
    facts.dateOfService = session.dateOfService;
    if (!session.diagnoses.isEmpty()) {
        facts.primaryDiagnosis = session.diagnoses.first().code;
    }
    SB_TRY_ASSIGN(renderer, provider(session.providerId));
    facts.provider = renderer.credential;
    SB_TRY_ASSIGN(practice, organization(session.organizationId));
    facts.state = coding::StateCode::parse(practice.state).value_or(coding::StateCode());
    if (session.payerId) {
        SB_TRY_ASSIGN(billed, payer(*session.payerId));
        if (billed) {
            facts.payer = billed->kind;
            facts.payerProfile = billed->profile;
        }
    }
    const coding::CodingDecision decision = m_engine.code(facts);
    if (!decision.billable) {
        return QString(QStringLiteral("not billable: ")
                       + (decision.rule ? decision.rule->id : QStringLiteral("unknown")));
    }
    QStringList lines;
    for (const coding::CodedLine &line : decision.lines) {
        QString text = line.code.toString();
        for (const coding::Modifier &modifier : line.modifiers) {
            text += u'-' + modifier.toString();
        }
        if (line.units > 1) {
            text += u'x' + QString::number(line.units);
        }
        lines.append(text);
    }
    return QString(lines.join(u' ') + u" POS " + decision.pos.toString());
}

StoreResult<Provider> SyncService::provider(const ProviderId &id)
{
    if (const auto it = m_lookups.providers.constFind(id.uuid());
        it != m_lookups.providers.cend()) {
        return *it;
    }
    SB_TRY_ASSIGN(found, m_store.practice().provider(id));
    m_lookups.providers.insert(id.uuid(), found);
    return found;
}

StoreResult<Organization> SyncService::organization(const OrganizationId &id)
{
    if (const auto it = m_lookups.organizations.constFind(id.uuid());
        it != m_lookups.organizations.cend()) {
        return *it;
    }
    SB_TRY_ASSIGN(found, m_store.practice().organization(id));
    m_lookups.organizations.insert(id.uuid(), found);
    return found;
}

StoreResult<std::optional<Payer>> SyncService::payer(const PayerId &id)
{
    if (const auto it = m_lookups.payers.constFind(id.uuid()); it != m_lookups.payers.cend()) {
        return *it;
    }
    auto found = m_store.practice().payer(id);
    if (!found && found.error().kind != StoreError::Kind::NotFound) {
        return unexpected(found.error());
    }
    const std::optional<Payer> known = found ? std::optional<Payer>(*found) : std::nullopt;
    m_lookups.payers.insert(id.uuid(), known);
    return known;
}

StoreResult<void> SyncService::publishStatus(const Session &session, std::uint64_t seq,
                                             const QString &status, const QString &detail,
                                             const QStringList &earlier)
{
    pb::PullItem item;
    auto *update = item.mutable_session_status();
    const std::int64_t now = m_store.clock().nowMsSinceEpoch();
    update->set_session_id(toWireId(session.id));
    update->set_status(wireText(status));
    update->set_at_ms(now);
    update->set_detail(wireText(detail));
    for (const QString &before : earlier) {
        auto *step = update->add_earlier();
        step->set_status(wireText(before));
        step->set_at_ms(now);
    }
    return m_repo.publish(session.organizationId, seq, session.providerId, u"session_status",
                          session.id.uuid().toRfc4122(), serialized(item));
}

StoreResult<QList<SyncService::SnapshotItem>> SyncService::snapshot(const Principal &principal,
                                                                    std::uint64_t seq)
{
    const Actor actor{principal.user, principal.device};
    // The whole snapshot is assembled for each page, but a page discloses only its own items:
    // pull() audits those (one Export row each), not every record read here.
    const AuditLog::ReadsAuditedByCaller auditedByPull(m_store.audit());
    const QDate today = m_store.clock().nowUtc().date();
    const std::optional<ProviderId> caseload =
        principal.role == Role::Clinician ? principal.provider : std::nullopt;
    SB_TRY_ASSIGN(patientIds, m_repo.snapshotPatients(principal.organization, caseload, today));

    QList<SnapshotItem> first;  // patients, then active authorizations and coverage
    QList<SnapshotItem> second; // active coverage and eligibility, credentialing
    QList<SnapshotItem> rest;   // expired authorizations, ended coverage, statuses, tasks
    QHash<PayerId, Payer> payers;
    SB_TRY_ASSIGN(allPayers, m_store.practice().payers());
    for (const Payer &payer : allPayers) {
        payers.insert(payer.id, payer);
    }
    for (const PatientId &id : patientIds) {
        SB_TRY_ASSIGN(patient, m_store.patients().patient(actor, id));
        pb::PullItem item;
        item.set_seq(seq);
        encodePatient(patient, *item.mutable_patient());
        first.append({item, QStringLiteral("patient"), patient.id.uuid()});
    }
    for (const PatientId &id : patientIds) {
        SB_TRY_ASSIGN(authorizations, m_store.patients().authorizations(actor, id));
        for (const Authorization &a : authorizations) {
            pb::PullItem item;
            item.set_seq(seq);
            encodeAuthorization(a, *item.mutable_authorization());
            const bool active = !a.endDate.isValid() || a.endDate >= today;
            (active ? second : rest).append({item, QStringLiteral("authorization"), a.id.uuid()});
        }
        SB_TRY_ASSIGN(coverages, m_store.patients().coverages(actor, id));
        for (const Coverage &c : coverages) {
            pb::PullItem item;
            item.set_seq(seq);
            encodeCoverage(c, payers.value(c.payerId), *item.mutable_coverage());
            const bool active = !c.termination.isValid() || c.termination >= today;
            (active ? second : rest).append({item, QStringLiteral("coverage"), c.id.uuid()});
        }
    }
    QList<ProviderId> providers;
    if (caseload) {
        providers.append(*caseload);
    } else {
        SB_TRY_ASSIGN(all, m_store.practice().providers(principal.organization));
        for (const Provider &p : all) {
            providers.append(p.id);
        }
    }
    for (const ProviderId &provider : providers) {
        SB_TRY_ASSIGN(records, m_store.practice().credentialingFor(provider));
        for (const CredentialingRecord &c : records) {
            pb::PullItem item;
            item.set_seq(seq);
            encodeCredentialing(c, *item.mutable_credentialing());
            second.append({item, QStringLiteral("credentialing"), c.id.uuid()});
        }
    }
    SB_TRY_ASSIGN(tasks, m_repo.openTasks(principal.organization, caseload));
    for (const TaskInfo &task : tasks) {
        pb::PullItem item;
        item.set_seq(seq);
        encodeTask(task, *item.mutable_task());
        second.append({item, QStringLiteral("task"), task.id});
    }
    SB_TRY_ASSIGN(statuses,
                  m_repo.latestStatuses(principal.organization, caseload, today.addDays(-90)));
    for (const LatestStatus &status : statuses) {
        pb::PullItem item;
        item.set_seq(seq);
        auto *update = item.mutable_session_status();
        update->set_session_id(toWireId(status.session));
        update->set_status(wireText(status.status));
        update->set_at_ms(wireMs(status.at));
        update->set_detail(wireText(status.detail));
        rest.append({item, QStringLiteral("session_status"), status.session.uuid()});
    }
    return first + second + rest;
}

HttpReply SyncService::pull(QByteArrayView authorization, QByteArrayView body)
{
    Auth auth = authenticate(authorization, Endpoint::Pull);
    if (!auth.principal) {
        return finish(Actor{}, AuditAction::Export, u"sync.pull", QUuid(), auth.failure);
    }
    const Principal &principal = *auth.principal;
    const Actor actor{principal.user, principal.device};
    auto request = decodePullRequest(body, m_config.limits);
    if (!request) {
        return finish(
            actor, AuditAction::Export, u"sync.pull", QUuid(),
            error(request.error().httpStatus, request.error().code, request.error().message));
    }
    const QUuid requestId = fromWireId(request->header().request_id()).value_or(QUuid());
    if (principal.role == Role::Clinician && !principal.provider) {
        return finish(actor, AuditAction::Export, u"sync.pull", requestId,
                      error(403, QStringLiteral("forbidden"),
                            QStringLiteral("this role does not receive patient data")));
    }
    const int limit = static_cast<int>(
        std::clamp<unsigned>(request->max_items() == 0 ? 100u : request->max_items(), 1u,
                             static_cast<unsigned>(m_config.maxPullItems)));
    const std::optional<ProviderId> caseload =
        principal.role == Role::Clinician ? principal.provider : std::nullopt;

    auto tx = m_store.database().begin();
    if (!tx) {
        return storeFailure(tx.error());
    }
    auto last = m_repo.lastSeq(principal.organization);
    if (!last) {
        return storeFailure(last.error());
    }
    pb::PullResponse response;
    const std::uint64_t cursor = request->cursor();
    const std::uint64_t low = cursor & feedMarker;
    if (cursor == 0 || low != feedMarker) {
        // Initial sync, or a page of one: the snapshot as of sequence `at`.
        const std::uint64_t at = cursor == 0 ? *last : cursor >> offsetBits;
        const qsizetype offset = static_cast<qsizetype>(cursor == 0 ? 0 : low);
        auto items = snapshot(principal, at);
        if (!items) {
            return storeFailure(items.error());
        }
        if (items->size() >= qsizetype(feedMarker)) {
            return storeFailure(
                StoreError{StoreError::Kind::Internal, QStringLiteral("snapshot too large"), 0});
        }
        const qsizetype end = std::min(items->size(), offset + limit);
        for (qsizetype i = offset; i < end; ++i) {
            const SnapshotItem &sent = items->at(i);
            *response.add_items() = sent.item;
            if (auto ok = m_store.audit().append(actor, AuditAction::Export, sent.recordType,
                                                 sent.recordId);
                !ok) {
                return storeFailure(ok.error());
            }
        }
        if (end < items->size()) {
            response.set_next_cursor((at << offsetBits) | std::uint64_t(end));
            response.set_more(true);
        } else {
            response.set_next_cursor(feedCursor(at));
            response.set_more(*last > at);
        }
    } else {
        const std::uint64_t after = cursor >> offsetBits;
        auto items = m_repo.feed(principal.organization, after, caseload, limit + 1);
        if (!items) {
            return storeFailure(items.error());
        }
        std::uint64_t next = after;
        for (qsizetype i = 0; i < items->size() && i < limit; ++i) {
            pb::PullItem *item = response.add_items();
            const FeedItem &feedItem = items->at(i);
            if (!item->ParseFromArray(feedItem.payload.constData(),
                                      static_cast<int>(feedItem.payload.size()))) {
                return storeFailure(StoreError{StoreError::Kind::Corrupt,
                                               QStringLiteral("feed item unreadable"), 0});
            }
            item->set_seq(feedItem.seq);
            next = feedItem.seq;
        }
        response.set_next_cursor(feedCursor(next));
        response.set_more(items->size() > limit);
    }
    fillHeader(*response.mutable_header());
    HttpReply reply =
        finish(actor, AuditAction::Export, u"sync.pull", requestId, message(response));
    if (reply.status == 200) {
        if (auto ok = tx->commit(); !ok) {
            return storeFailure(ok.error());
        }
    }
    return reply;
}

HttpReply SyncService::sessionStatus(QByteArrayView authorization, QStringView sessionId)
{
    Auth auth = authenticate(authorization, Endpoint::SessionStatus);
    if (!auth.principal) {
        return finish(Actor{}, AuditAction::Read, u"sync.session_status", QUuid(), auth.failure);
    }
    const Principal &principal = *auth.principal;
    const Actor actor{principal.user, principal.device};
    const auto id = SessionId::fromString(sessionId);
    auto notFound = [this] {
        return error(404, QStringLiteral("not_found"), QStringLiteral("no such session"));
    };
    if (!id) {
        return finish(actor, AuditAction::Read, u"sync.session_status", QUuid(), notFound());
    }
    bool visible = false;
    {
        auto find = m_store.database().prepare(
            "SELECT provider_id FROM sessions WHERE id = ? AND organization_id = ?");
        if (!find) {
            return storeFailure(find.error());
        }
        find->bind(1, *id).bind(2, principal.organization);
        auto row = find->step();
        if (!row) {
            return storeFailure(row.error());
        }
        visible = *row
                  && (principal.role == Role::Biller
                      || (principal.provider && find->id<ProviderId>(0) == *principal.provider));
    }
    if (!visible) {
        return finish(actor, AuditAction::Read, u"sync.session_status", id->uuid(), notFound());
    }
    auto session = m_store.sessions().session(actor, *id);
    if (!session) {
        return storeFailure(session.error());
    }
    pb::SessionStatusResponse response;
    fillHeader(*response.mutable_header());
    response.set_session_id(toWireId(*id));
    for (const StatusEntry &entry : session->statusTrail) {
        auto *update = response.add_statuses();
        update->set_session_id(toWireId(*id));
        update->set_status(wireText(toName(entry.status)));
        update->set_at_ms(wireMs(entry.at));
        update->set_detail(wireText(entry.detail));
    }
    return finish(actor, AuditAction::Read, u"sync.session_status", id->uuid(), message(response));
}

HttpReply SyncService::patient(QByteArrayView authorization, QStringView patientId)
{
    Auth auth = authenticate(authorization, Endpoint::Patient);
    if (!auth.principal) {
        return finish(Actor{}, AuditAction::Read, u"sync.patient", QUuid(), auth.failure);
    }
    const Principal &principal = *auth.principal;
    const Actor actor{principal.user, principal.device};
    const auto id = PatientId::fromString(patientId);
    auto notFound = [this] {
        return error(404, QStringLiteral("not_found"), QStringLiteral("no such patient"));
    };
    if (!id) {
        return finish(actor, AuditAction::Read, u"sync.patient", QUuid(), notFound());
    }
    auto visible =
        m_repo.inCaseload(principal.organization, *id,
                          principal.role == Role::Clinician ? std::optional<ProviderId>(
                              principal.provider.value_or(ProviderId(QUuid::createUuid())))
                                                            : std::nullopt);
    if (!visible) {
        return storeFailure(visible.error());
    }
    if (!*visible) {
        return finish(actor, AuditAction::Read, u"sync.patient", id->uuid(), notFound());
    }
    auto found = m_store.patients().patient(actor, *id);
    if (!found) {
        return storeFailure(found.error());
    }
    pb::PatientResponse response;
    fillHeader(*response.mutable_header());
    encodePatient(*found, *response.mutable_patient());
    return finish(actor, AuditAction::Read, u"sync.patient", id->uuid(), message(response));
}

} // namespace sb::sync
