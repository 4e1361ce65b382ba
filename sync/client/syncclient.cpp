// SPDX-License-Identifier: Apache-2.0
#include "client/syncclient.h"

#include "client/tokenstore.h"
#include "recordcodec.h"
#include "store/store.h"
#include "util/clock.h"

#include <QCryptographicHash>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSslKey>

#include <cstdlib>
#include <utility>

namespace sb::sync {

Q_LOGGING_CATEGORY(lcSyncClient, "sessionbook.sync.client")

namespace {

/// Appends a protobuf varint.
void appendVarint(std::string &out, std::uint64_t value)
{
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7F) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

void fillHeader(pb::RequestHeader &header, const QString &clientVersion, const QUuid &requestId)
{
    header.set_schema_version(protocolSchemaVersion);
    header.set_client_version(clientVersion.toStdString());
    header.set_request_id(toWireId(requestId));
}

QString errorCodeOf(const QByteArray &body)
{
    pb::ErrorResponse error;
    if (error.ParseFromArray(body.constData(), static_cast<int>(body.size()))) {
        return QString::fromStdString(error.code());
    }
    return {};
}

/// Set on a reply aborted because its overall deadline passed.
constexpr const char *deadlinePassed = "sessionbook.deadlinePassed";

/// SHA-256 of the certificate's DER SubjectPublicKeyInfo: the pin, the same across renewals
/// of a certificate that keep its key.
QByteArray keyPinOf(const QSslCertificate &certificate)
{
    return QCryptographicHash::hash(certificate.publicKey().toDer(), QCryptographicHash::Sha256);
}

bool ignorableWithPin(QSslError::SslError error)
{
    switch (error) {
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::CertificateUntrusted:
    case QSslError::HostNameMismatch:
        return true;
    default:
        return false;
    }
}

} // namespace

SyncClient::SyncClient(Store &store, TokenStore &tokens, const Clock &clock, RandomSource &random,
                       Options options, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_device(store)
    , m_tokens(tokens)
    , m_clock(clock)
    , m_options(std::move(options))
    , m_backoff(random, m_options.retryBaseMs, m_options.retryCapMs)
    , m_network(new QNetworkAccessManager(this))
    , m_batchLimit(m_options.maxBatchChanges)
{
    m_ssl = QSslConfiguration::defaultConfiguration();
    m_ssl.setProtocol(QSsl::TlsV1_2OrLater);
    if (!m_options.trustedCertificates.isEmpty()) {
        m_ssl.addCaCertificates(m_options.trustedCertificates);
    }
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] { startCycle(false); });
    connect(&m_periodicTimer, &QTimer::timeout, this, [this] { startCycle(false); });
    loadState();
    if (m_options.periodicIntervalMs > 0) {
        m_periodicTimer.start(m_options.periodicIntervalMs);
    }
}

SyncClient::~SyncClient()
{
    abandonReply();
}

void SyncClient::abandonReply()
{
    if (m_reply) {
        QNetworkReply *reply = m_reply;
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void SyncClient::loadState()
{
    auto state = m_device.state();
    if (!state) {
        setError(QStringLiteral("sync state unreadable: ") + state.error().kindName());
        return;
    }
    m_enrolled = state->isEnrolled() && m_tokens.token().has_value();
    m_serverUrl = QUrl(state->serverUrl);
    m_pins = state->pins;
    m_lastSuccess = state->lastSuccessAt;
    m_lastError = state->lastError;
    m_serverOffsetMs = state->serverOffsetMs;
    m_serverOffsetKnown = state->offsetMeasuredAt.isValid();
    m_clockSkewed =
        m_serverOffsetKnown && sb::isClockSkewed(m_serverOffsetMs, m_options.skewThresholdMs);
    refreshPending();
}

void SyncClient::refreshPending()
{
    auto count = m_device.pendingCount();
    if (count && *count != m_pendingCount) {
        m_pendingCount = *count;
        Q_EMIT pendingCountChanged();
    }
}

void SyncClient::setError(const QString &error)
{
    if (error != m_lastError) {
        m_lastError = error;
        Q_EMIT lastErrorChanged();
    }
}

void SyncClient::setSyncing(bool syncing)
{
    if (syncing != m_syncing) {
        m_syncing = syncing;
        Q_EMIT syncingChanged();
    }
}

bool SyncClient::fault(SyncStep step)
{
    if (m_faultHook && m_faultHook(step)) {
        m_halted = true;
        abandonReply();
        m_retryTimer.stop();
        m_periodicTimer.stop();
        Q_EMIT halted();
        return true;
    }
    return false;
}

bool SyncClient::pinMatches(const ServerPins &pins, const QSslCertificate &certificate)
{
    if (pins.primary.isEmpty()) {
        return true;
    }
    if (certificate.isNull()) {
        return false;
    }
    const QByteArray keyPin = keyPinOf(certificate);
    if (keyPin == pins.primary || (!pins.backup.isEmpty() && keyPin == pins.backup)) {
        return true;
    }
    // Only a pin saved before key pinning may name a whole certificate; see keepKeyPin().
    return pins.legacy && certificate.digest(QCryptographicHash::Sha256) == pins.primary;
}

void SyncClient::keepKeyPin(const ServerPins &pins, const QSslCertificate &certificate)
{
    // Only the enrolled legacy pin is upgraded (not the pins an enrollment is trying).
    if (!pins.legacy || pins.primary.isEmpty() || pins.primary != m_pins.primary
        || certificate.isNull()) {
        return;
    }
    // The certificate matched the old pin exactly, so its key is the one that was trusted.
    const QByteArray keyPin = keyPinOf(certificate);
    if (m_device.upgradeLegacyPin(keyPin)) {
        m_pins.primary = keyPin;
        m_pins.legacy = false;
    }
}

void SyncClient::handleSslErrors(QNetworkReply *reply, const QList<QSslError> &errors,
                                 const ServerPins &pins)
{
    // With a pin, the pin is the trust decision: a self-signed office certificate is fine
    // when it is exactly the pinned one. Any other error (expired, revoked...) still fails.
    if (pins.primary.isEmpty()) {
        return;
    }
    for (const QSslError &error : errors) {
        if (!ignorableWithPin(error.error()) || !pinMatches(pins, error.certificate())) {
            return;
        }
    }
    reply->ignoreSslErrors(errors);
}

QNetworkReply *SyncClient::post(const QUrl &base, const char *path, const QByteArray &body,
                                bool authorized, const ServerPins &pins)
{
    QUrl url = base;
    url.setPath(QString::fromLatin1(path));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-protobuf"));
    request.setSslConfiguration(m_ssl);
    request.setTransferTimeout(m_options.transferTimeoutMs);
    if (authorized) {
        request.setRawHeader(QByteArrayLiteral("Authorization"),
                             QByteArrayLiteral("Bearer ")
                                 + DeviceCredentials::decode(m_tokens.token().value_or(QString()))
                                       .accessToken.toUtf8());
    }
    m_sentWallMs = m_clock.nowMsSinceEpoch();
    m_sentMonotonicMs = m_clock.monotonicMs();
    ++m_stats.requests;
    QNetworkReply *reply = m_network->post(request, body);
    connect(reply, &QNetworkReply::sslErrors, this, [reply, pins](const QList<QSslError> &errors) {
        handleSslErrors(reply, errors, pins);
    });
    connect(reply, &QNetworkReply::encrypted, this, [reply, pins] {
        if (!pinMatches(pins, reply->sslConfiguration().peerCertificate())) {
            qCWarning(lcSyncClient) << "server certificate does not match the pin";
            reply->abort();
        }
    });
    // The transfer timeout only notices silence; this ends a request that keeps moving a
    // byte now and then but never finishes. The timer goes with the reply.
    if (m_options.requestDeadlineMs > 0) {
        auto *deadline = new QTimer(reply);
        deadline->setSingleShot(true);
        connect(deadline, &QTimer::timeout, reply, [reply] {
            qCWarning(lcSyncClient) << "request deadline passed; aborting";
            reply->setProperty(deadlinePassed, true);
            reply->abort();
        });
        deadline->start(m_options.requestDeadlineMs);
    }
    m_reply = reply;
    return reply;
}

SyncClient::Answer SyncClient::answerOf(QNetworkReply *reply, const ServerPins &pins)
{
    Answer answer;
    answer.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->property(deadlinePassed).toBool()) {
        // Unknown, like no answer; its own words, so that nobody reads a pin failure into
        // the abort's "canceled".
        answer.outcome = Outcome::Transient;
        answer.error = QStringLiteral("no answer from the server in time");
        return answer;
    }
    answer.body = reply->readAll();
    // No HTTP status: the outcome is unknown (refused, reset, timed out, TLS refused). The
    // changes stay pending and go again under the same ids.
    if (answer.httpStatus == 0) {
        answer.outcome = Outcome::Transient;
        answer.error = reply->error() == QNetworkReply::SslHandshakeFailedError
                           ? QStringLiteral("the server's certificate was refused")
                           : QStringLiteral("no answer from the server (network error %1)")
                                 .arg(int(reply->error()));
        return answer;
    }
    // A status arrived but the transfer broke (cut off, aborted at the deadline): the body
    // is partial, and a truncated protobuf may still parse. Unknown, like no answer.
    if (reply->error() != QNetworkReply::NoError
        && reply->error() <= QNetworkReply::UnknownNetworkError) {
        answer.outcome = Outcome::Transient;
        answer.error = QStringLiteral("the server's answer was cut off (network error %1)")
                           .arg(int(reply->error()));
        return answer;
    }
    if (reply->url().scheme() != u"https"
        || !pinMatches(pins, reply->sslConfiguration().peerCertificate())) {
        answer.outcome = Outcome::Transient;
        answer.error = QStringLiteral("the server's certificate is not the pinned one");
        return answer;
    }
    keepKeyPin(pins, reply->sslConfiguration().peerCertificate());
    switch (answer.httpStatus) {
    case 200:
        answer.outcome = Outcome::Ok;
        return answer;
    case 401:
        answer.outcome =
            errorCodeOf(answer.body) == u"token_expired" ? Outcome::Expired : Outcome::SignIn;
        answer.error = QStringLiteral("Sign in again to sync; your sessions are kept on this "
                                      "device.");
        break;
    case 413:
        answer.outcome = Outcome::TooLarge;
        answer.error = QStringLiteral("batch too large");
        break;
    case 426:
        answer.outcome = Outcome::UpdateApp;
        answer.error = QStringLiteral("Update the app to sync; your sessions are kept on this "
                                      "device.");
        break;
    case 408:
    case 429:
        answer.outcome = Outcome::Transient;
        break;
    default:
        answer.outcome = answer.httpStatus >= 500 ? Outcome::Transient : Outcome::Failed;
        break;
    }
    if (answer.error.isEmpty()) {
        const QString code = errorCodeOf(answer.body);
        answer.error = QStringLiteral("server answered ") + QString::number(answer.httpStatus)
                       + (code.isEmpty() ? QString() : QStringLiteral(" ") + code);
    }
    pb::ErrorResponse error;
    if (error.ParseFromArray(answer.body.constData(), static_cast<int>(answer.body.size()))
        && error.has_header()) {
        noteServerTime(error.header().server_time_ms());
    }
    return answer;
}

void SyncClient::noteServerTime(std::int64_t serverMs)
{
    if (serverMs <= 0) {
        return;
    }
    // The server stamped its time somewhere during the round trip: assume the middle.
    const std::int64_t roundTrip = m_clock.monotonicMs() - m_sentMonotonicMs;
    const std::int64_t offset = serverMs - (m_sentWallMs + roundTrip / 2);
    const bool skewed = sb::isClockSkewed(offset, m_options.skewThresholdMs);
    if (offset != m_serverOffsetMs || skewed != m_clockSkewed || !m_serverOffsetKnown) {
        m_serverOffsetMs = offset;
        m_serverOffsetKnown = true;
        m_clockSkewed = skewed;
        Q_EMIT clockSkewChanged();
    }
}

namespace {

bool sameServer(const QUrl &a, const QUrl &b)
{
    return a.scheme() == b.scheme() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0
           && a.port(443) == b.port(443);
}

} // namespace

StoreResult<bool> SyncClient::outboxWouldMove(const QUrl &server, const std::optional<UserId> &user)
{
    auto state = m_device.state();
    if (!state) {
        return unexpected(state.error());
    }
    if (!state->isEnrolled()) {
        return false; // a first enrollment takes what was signed before it along
    }
    if (sameServer(QUrl(state->serverUrl), server) && (!user || *user == state->userId)) {
        return false; // signing in again: the outbox is this account's
    }
    auto entries = m_device.entries();
    if (!entries) {
        return unexpected(entries.error());
    }
    return !entries->isEmpty(); // held-for-review entries count: they belong to the old server
}

void SyncClient::failEnroll(EnrollError kind, const QString &error)
{
    m_enrolling = false;
    setError(error);
    Q_EMIT enrollFinished(false, error, kind);
}

void SyncClient::cancelCycle()
{
    if (!m_busy) {
        return;
    }
    abandonReply(); // unknown outcome: its changes stay pending and go again
    m_prepared.reset();
    m_afterUpload = {};
    m_busy = false;
    m_again = false;
    setSyncing(false);
    Q_EMIT syncFinished(false);
}

void SyncClient::enroll(const QUrl &server, const QString &code, const QByteArray &keyPin,
                        const QByteArray &backupKeyPin, EnrollOptions options)
{
    const ServerPins pins{keyPin, keyPin.isEmpty() ? QByteArray() : backupKeyPin, false};
    if (server.scheme() != u"https") {
        failEnroll(EnrollError::NotHttps, QStringLiteral("the server address must use https"));
        return;
    }
    if (!options.discardPendingOutbox) {
        auto moves = outboxWouldMove(server, std::nullopt);
        if (!moves) {
            failEnroll(EnrollError::NotSaved,
                       QStringLiteral("sync state unreadable: ") + moves.error().kindName());
            return;
        }
        if (*moves) {
            failEnroll(EnrollError::PendingOutbox,
                       QStringLiteral("changes on this device are not yet synced to the previous "
                                      "server: sync them first, or confirm discarding them"));
            return;
        }
    }
    // The cycle in flight belongs to the enrollment being replaced: it ends here, and no other
    // starts until this one is answered.
    cancelCycle();
    m_retryTimer.stop();
    abandonReply(); // an earlier enrollment still waiting
    m_enrolling = true;
    pb::EnrollRequest request;
    fillHeader(*request.mutable_header(), m_options.clientVersion, m_store.ids().next());
    request.set_enrollment_code(code.toStdString());
    request.set_device_name(m_options.deviceName.toStdString());
    request.set_platform(m_options.platform.toStdString());
    request.set_refresh_tokens(true);
    const std::string body = request.SerializeAsString();
    QNetworkReply *reply =
        post(server, "/v1/enroll", QByteArray(body.data(), static_cast<qsizetype>(body.size())),
             false, pins);
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, server, pins, discard = options.discardPendingOutbox] {
                enrollAnswered(reply, server, pins, discard);
            });
}

void SyncClient::enrollAnswered(QNetworkReply *reply, const QUrl &server, const ServerPins &pins,
                                bool discardOutbox)
{
    reply->deleteLater();
    m_reply = nullptr;
    const Answer answer = answerOf(reply, pins);
    pb::EnrollResponse response;
    if (answer.outcome != Outcome::Ok) {
        failEnroll(EnrollError::Refused,
                   answer.error.isEmpty() ? QStringLiteral("enrollment refused") : answer.error);
        return;
    }
    if (!response.ParseFromArray(answer.body.constData(), static_cast<int>(answer.body.size()))) {
        failEnroll(EnrollError::BadAnswer, QStringLiteral("enrollment answer unreadable"));
        return;
    }
    noteServerTime(response.header().server_time_ms());
    const auto device = fromWireId(response.device_id());
    const auto user = fromWireId(response.user_id());
    const auto organization = fromWireId(response.organization_id());
    const auto provider = fromWireId(response.provider_id());
    if (!device || device->isNull() || !user || !organization || !provider
        || response.device_token().empty()) {
        failEnroll(EnrollError::BadAnswer, QStringLiteral("enrollment answer incomplete"));
        return;
    }
    // Checked again with the account now known (and changes signed meanwhile): the same
    // server under another user is another recipient too. Nothing is stored yet.
    if (!discardOutbox) {
        auto moves = outboxWouldMove(server, UserId(*user));
        if (!moves) {
            failEnroll(EnrollError::NotSaved,
                       QStringLiteral("sync state unreadable: ") + moves.error().kindName());
            return;
        }
        if (*moves) {
            failEnroll(EnrollError::PendingOutbox,
                       QStringLiteral("changes on this device are not yet synced and the code is "
                                      "for another account: sync them first, or confirm "
                                      "discarding them"));
            return;
        }
    }
    const DeviceCredentials credentials{
        QString::fromStdString(response.device_token()), response.access_expires_at_ms(),
        QString::fromStdString(response.refresh_token()), QString()};
    if (!m_tokens.setToken(credentials.encode())) {
        failEnroll(EnrollError::NotSaved, QStringLiteral("the device token could not be stored"));
        return;
    }
    auto saved = m_device.saveEnrollment(
        server.toString(), pins, DeviceId(*device), UserId(*user), OrganizationId(*organization),
        provider->isNull() ? std::nullopt : std::optional<ProviderId>(ProviderId(*provider)),
        discardOutbox);
    if (!saved) {
        failEnroll(EnrollError::NotSaved,
                   QStringLiteral("enrollment not saved: ") + saved.error().kindName());
        return;
    }
    m_pins = pins;
    m_serverUrl = server;
    m_enrolled = true;
    m_enrolling = false;
    m_halted = false;
    refreshPending();
    Q_EMIT enrolledChanged();
    if (m_signInRequired) {
        m_signInRequired = false;
        Q_EMIT signInRequiredChanged();
    }
    if (m_serverOffsetKnown
        && !bookkeepingSaved(m_device.recordServerOffset(m_serverOffsetMs, m_clock.nowUtc()),
                             "server offset")) {
        // Enrolled all the same; the offset is measured again on the next sync.
        setError(QStringLiteral("sync state not saved"));
    } else {
        setError(QString());
    }
    Q_EMIT enrollFinished(true, QString(), EnrollError::None);
}

bool SyncClient::bookkeepingSaved(const StoreResult<void> &result, const char *what)
{
    if (result) {
        return true;
    }
    qCWarning(lcSyncClient) << "sync bookkeeping not saved:" << what << result.error().kindName();
    return false;
}

StoreResult<Signature> SyncClient::signSession(const Actor &actor, const SessionId &id,
                                               const UserId &signer, const QDateTime &at)
{
    auto signature = m_device.signSession(actor, id, signer, at);
    if (signature) {
        recordSigned();
    }
    return signature;
}

void SyncClient::syncNow()
{
    startCycle(true);
}

void SyncClient::appResumed()
{
    startCycle(false);
}

void SyncClient::connectivityRegained()
{
    startCycle(true);
}

void SyncClient::recordSigned()
{
    refreshPending();
    startCycle(false);
}

void SyncClient::signedInAgain()
{
    m_enrolled = m_device.state().hasValue() && m_tokens.token().has_value();
    if (m_signInRequired) {
        m_signInRequired = false;
        Q_EMIT signInRequiredChanged();
    }
    startCycle(true);
}

void SyncClient::startCycle(bool resetBackoff)
{
    if (m_halted || !m_enrolled || m_enrolling || m_signInRequired) {
        return;
    }
    if (resetBackoff) {
        m_backoff.reset();
    }
    if (m_busy) {
        m_again = true;
        return;
    }
    m_retryTimer.stop();
    m_busy = true;
    m_again = false;
    m_prepared.reset();
    m_afterUpload = {};
    m_pushedThrough = 0;
    m_refreshedThisCycle = false;
    setSyncing(true);
    if (accessTokenStale()) {
        refreshTokens();
        return;
    }
    pushNext();
}

bool SyncClient::accessTokenStale() const
{
    const auto credentials = DeviceCredentials::decode(m_tokens.token().value_or(QString()));
    if (credentials.refreshToken.isEmpty() || credentials.accessExpiresAtMs == 0) {
        return false;
    }
    // Server time as best known, with a margin for the request's own way there.
    constexpr std::int64_t marginMs = 30'000;
    return m_clock.nowMsSinceEpoch() + m_serverOffsetMs + marginMs >= credentials.accessExpiresAtMs;
}

void SyncClient::refreshTokens()
{
    m_refreshedThisCycle = true;
    DeviceCredentials credentials = DeviceCredentials::decode(m_tokens.token().value_or(QString()));
    if (credentials.refreshToken.isEmpty()) {
        finishCycle(false,
                    QStringLiteral("Sign in again to sync; your sessions are kept on this "
                                   "device."),
                    Outcome::SignIn);
        return;
    }
    if (credentials.nextRefreshToken.isEmpty()) {
        // Kept before it is sent: a lost answer is retried with the same pair.
        QByteArray bytes(32, Qt::Uninitialized);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                              bytes.size() / int(sizeof(quint32)));
        credentials.nextRefreshToken = QString::fromLatin1(
            bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
        if (!m_tokens.setToken(credentials.encode())) {
            finishCycle(false, QStringLiteral("the device token could not be stored"),
                        Outcome::Transient);
            return;
        }
    }
    pb::EnrollRequest request;
    fillHeader(*request.mutable_header(), m_options.clientVersion, m_store.ids().next());
    request.set_refresh_tokens(true);
    request.set_refresh_token(credentials.refreshToken.toStdString());
    request.set_next_refresh_token(credentials.nextRefreshToken.toStdString());
    const std::string body = request.SerializeAsString();
    QNetworkReply *reply =
        post(m_serverUrl, "/v1/enroll",
             QByteArray(body.data(), static_cast<qsizetype>(body.size())), false, m_pins);
    connect(reply, &QNetworkReply::finished, this, [this, reply, credentials] {
        reply->deleteLater();
        m_reply = nullptr;
        Answer answer = answerOf(reply, m_pins);
        pb::EnrollResponse response;
        if (answer.outcome == Outcome::Ok
            && (!response.ParseFromArray(answer.body.constData(),
                                         static_cast<int>(answer.body.size()))
                || response.device_token().empty()
                || QString::fromStdString(response.refresh_token())
                       != credentials.nextRefreshToken)) {
            answer.outcome = Outcome::Failed;
            answer.error = QStringLiteral("token refresh answer unreadable");
        }
        if (answer.outcome != Outcome::Ok) {
            // Refused (revoked, replayed, expired): sign in again; else retry later with the
            // same pair.
            finishCycle(false, answer.error,
                        answer.outcome == Outcome::Expired ? Outcome::SignIn : answer.outcome);
            return;
        }
        noteServerTime(response.header().server_time_ms());
        const DeviceCredentials renewed{QString::fromStdString(response.device_token()),
                                        response.access_expires_at_ms(),
                                        credentials.nextRefreshToken, QString()};
        if (!m_tokens.setToken(renewed.encode())) {
            finishCycle(false, QStringLiteral("the device token could not be stored"),
                        Outcome::Transient);
            return;
        }
        pushNext();
    });
}

StoreResult<SyncClient::PreparedPush> SyncClient::preparePush(std::int64_t afterSeq)
{
    auto read = m_device.nextBatch(m_batchLimit, m_options.maxBatchBytes, afterSeq);
    if (!read) {
        return unexpected(read.error());
    }
    const QList<OutboxEntry> &batch = *read;
    PreparedPush push;
    push.afterSeq = afterSeq;
    if (batch.isEmpty()) {
        return push;
    }
    pb::PushRequest head;
    fillHeader(*head.mutable_header(), m_options.clientVersion, m_store.ids().next());
    // The stored payloads are serialized Change messages: append them as field 2 as they are,
    // so every retry sends exactly the bytes enqueued with the signature.
    std::string body = head.SerializeAsString();
    push.ids.reserve(batch.size());
    for (const OutboxEntry &entry : batch) {
        body.push_back(static_cast<char>((2 << 3) | 2));
        appendVarint(body, static_cast<std::uint64_t>(entry.payload.size()));
        body.append(entry.payload.constData(), static_cast<std::size_t>(entry.payload.size()));
        push.ids.append(entry.changeId);
    }
    push.body = QByteArray(body.data(), static_cast<qsizetype>(body.size()));
    push.lastSeq = batch.last().seq;
    return push;
}

void SyncClient::pushNext()
{
    if (!m_prepared) {
        auto next = preparePush(m_pushedThrough);
        if (!next) {
            finishCycle(false, QStringLiteral("outbox unreadable: ") + next.error().kindName(),
                        Outcome::Failed);
            return;
        }
        m_prepared = std::move(*next);
    }
    if (m_prepared->ids.isEmpty()) {
        m_prepared.reset();
        pullNext();
        return;
    }
    sendPrepared();
}

bool SyncClient::sendPrepared()
{
    if (fault(SyncStep::BeforePush)) {
        return false;
    }
    PreparedPush push = std::move(*m_prepared);
    m_prepared.reset();
    m_pushedThrough = push.lastSeq;
    QNetworkReply *reply = post(m_serverUrl, "/v1/push", push.body, true, m_pins);
    connect(reply, &QNetworkReply::uploadProgress, this, [this](qint64 sent, qint64 total) {
        if (total <= 0 || sent != total) {
            return;
        }
        if (fault(SyncStep::AfterPushSent)) {
            return;
        }
        // The batch has left the device: while the server works on it, do the bookkeeping
        // of the answer before it and read the batch after it. Not earlier: QNAM's network
        // thread pulls the body through this thread, which must stay free until it is sent.
        if (m_afterUpload) {
            const auto bookkeeping = std::exchange(m_afterUpload, {});
            if (!bookkeeping()) {
                return;
            }
        }
        if (auto next = preparePush(m_pushedThrough)) {
            m_prepared = std::move(*next); // an error here is reported by pushNext(), later
        }
    });
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, afterSeq = push.afterSeq, ids = push.ids] {
                pushAnswered(reply, afterSeq, ids);
            });
    return true;
}

void SyncClient::pushAnswered(QNetworkReply *reply, std::int64_t afterSeq, const QList<QUuid> &ids)
{
    reply->deleteLater();
    m_reply = nullptr;
    if (m_afterUpload) {
        // The upload ended without its progress signal (an error): the answer before this
        // one is applied first, in order.
        const auto bookkeeping = std::exchange(m_afterUpload, {});
        if (!bookkeeping()) {
            return;
        }
    }
    const Answer answer = answerOf(reply, m_pins);
    if (fault(SyncStep::PushAnswered)) {
        return;
    }
    if (answer.outcome == Outcome::TooLarge && m_batchLimit > 1) {
        m_batchLimit = std::max(1, m_batchLimit / 2);
        m_prepared.reset(); // built at the old size
        m_pushedThrough = afterSeq;
        pushNext();
        return;
    }
    if (answer.outcome != Outcome::Ok) {
        bookkeepingSaved(m_device.recordAttempt(ids, answer.error), "attempt");
        finishCycle(false, answer.error, answer.outcome);
        return;
    }
    pb::PushResponse response;
    if (!response.ParseFromArray(answer.body.constData(), static_cast<int>(answer.body.size()))) {
        bookkeepingSaved(m_device.recordAttempt(ids, QStringLiteral("push answer unreadable")),
                         "attempt");
        finishCycle(false, QStringLiteral("push answer unreadable"), Outcome::Failed);
        return;
    }
    noteServerTime(response.header().server_time_ms());
    QList<AckResult> acks;
    acks.reserve(response.acks_size());
    for (int i = 0; i < response.acks_size(); ++i) {
        const pb::Ack &ack = response.acks(i);
        auto changeId = fromWireId(ack.change_id());
        if (!changeId || changeId->isNull()) {
            // Acks come in request order; an ack without an id answers its position.
            if (i >= ids.size()) {
                continue;
            }
            changeId = ids.at(i);
        }
        if (!ids.contains(*changeId)) {
            continue; // Never let an answer touch a change this request did not carry.
        }
        acks.append(AckResult{*changeId, ack.outcome(), QString::fromStdString(ack.reason())});
    }
    // The server is done with this batch: send the next one (read while this one was on the
    // server) before applying these acks, so the device's bookkeeping overlaps the server's
    // work instead of adding to it. Ordering holds: the next batch leaves only now.
    if (m_prepared && !m_prepared->ids.isEmpty()) {
        if (!sendPrepared()) {
            return;
        }
        m_afterUpload = [this, acks, ids] {
            return applyAnswer(acks, ids);
        };
        return;
    }
    if (applyAnswer(acks, ids)) {
        pushNext(); // read on, or pull when the outbox is walked
    }
}

bool SyncClient::applyAnswer(const QList<AckResult> &acks, const QList<QUuid> &ids)
{
    auto applied = m_device.applyAcks(acks);
    if (!applied) {
        finishCycle(false, QStringLiteral("acks not saved: ") + applied.error().kindName(),
                    Outcome::Failed);
        return false;
    }
    m_stats.pushed += applied->removed;
    refreshPending();
    if (fault(SyncStep::PushApplied)) {
        return false;
    }
    if (applied->removed + applied->conflicts + applied->rejected == 0) {
        bookkeepingSaved(m_device.recordAttempt(ids, QStringLiteral("no change acknowledged")),
                         "attempt");
        finishCycle(false, QStringLiteral("the server acknowledged none of the changes"),
                    Outcome::Failed);
        return false;
    }
    if (m_batchLimit < m_options.maxBatchChanges) {
        m_batchLimit = std::min(m_options.maxBatchChanges, m_batchLimit * 2);
    }
    return true;
}

void SyncClient::pullNext()
{
    auto state = m_device.state();
    if (!state) {
        finishCycle(false, QStringLiteral("sync state unreadable"), Outcome::Failed);
        return;
    }
    if (fault(SyncStep::BeforePull)) {
        return;
    }
    pb::PullRequest request;
    fillHeader(*request.mutable_header(), m_options.clientVersion, m_store.ids().next());
    request.set_cursor(state->pullCursor);
    request.set_max_items(static_cast<std::uint32_t>(m_options.pullMaxItems));
    const std::string body = request.SerializeAsString();
    const std::uint64_t cursor = state->pullCursor;
    QNetworkReply *reply =
        post(m_serverUrl, "/v1/pull", QByteArray(body.data(), static_cast<qsizetype>(body.size())),
             true, m_pins);
    connect(reply, &QNetworkReply::finished, this, [this, reply, cursor] {
        reply->deleteLater();
        m_reply = nullptr;
        const Answer answer = answerOf(reply, m_pins);
        if (fault(SyncStep::PullAnswered)) {
            return;
        }
        if (answer.outcome != Outcome::Ok) {
            finishCycle(false, answer.error, answer.outcome);
            return;
        }
        pb::PullResponse page;
        if (!page.ParseFromArray(answer.body.constData(), static_cast<int>(answer.body.size()))) {
            finishCycle(false, QStringLiteral("pull answer unreadable"), Outcome::Failed);
            return;
        }
        noteServerTime(page.header().server_time_ms());
        auto state2 = m_device.state();
        const Actor actor{state2 ? state2->userId : UserId(),
                          state2 ? state2->deviceId : DeviceId()};
        auto applied = m_device.applyPull(actor, page);
        if (!applied) {
            finishCycle(false, QStringLiteral("pull not applied: ") + applied.error().kindName(),
                        Outcome::Failed);
            return;
        }
        m_stats.pulled += applied->applied;
        if (fault(SyncStep::PullApplied)) {
            return;
        }
        if (page.more() && applied->cursor != cursor) {
            pullNext();
            return;
        }
        finishCycle(true, QString(), Outcome::Ok);
    });
}

void SyncClient::finishCycle(bool ok, const QString &error, Outcome outcome)
{
    abandonReply(); // a pipelined push still in flight: its changes stay pending
    m_prepared.reset();
    m_afterUpload = {}; // acks not applied: those changes go again and come back DUPLICATE
    if (outcome == Outcome::Expired) {
        const bool refreshable =
            !DeviceCredentials::decode(m_tokens.token().value_or(QString())).refreshToken.isEmpty();
        if (refreshable && !m_refreshedThisCycle) {
            // The access token ran out mid-cycle: renew it and start over from the outbox.
            m_pushedThrough = 0;
            refreshTokens();
            return;
        }
        outcome = Outcome::SignIn;
    }
    m_busy = false;
    const QDateTime now = m_clock.nowUtc();
    refreshPending();
    // The offset dates the timer's taps and the success time tells the user how fresh the
    // device is: a cycle whose bookkeeping is lost is not a success, and it is tried again.
    // An offset no answer has measured is not recorded: offset_measured_at means measured.
    QString failure = error;
    if (m_serverOffsetKnown
        && !bookkeepingSaved(m_device.recordServerOffset(m_serverOffsetMs, now), "server offset")
        && ok) {
        ok = false;
        failure = QStringLiteral("sync state not saved");
        outcome = Outcome::Failed;
    }
    if (ok && !bookkeepingSaved(m_device.recordSuccess(now), "success")) {
        ok = false;
        failure = QStringLiteral("sync state not saved");
        outcome = Outcome::Failed;
    }
    if (ok) {
        m_backoff.reset();
        ++m_stats.cycles;
        m_lastSuccess = now;
        Q_EMIT lastSuccessChanged();
        setError(QString());
    } else {
        ++m_stats.failures;
        bookkeepingSaved(m_device.recordError(failure, now), "error");
        setError(failure);
        if (outcome == Outcome::SignIn) {
            m_signInRequired = true;
            Q_EMIT signInRequiredChanged();
        } else if (outcome != Outcome::UpdateApp) {
            const std::int64_t delay = m_backoff.nextDelayMs();
            ++m_stats.retriesScheduled;
            m_retryTimer.start(static_cast<int>(std::min<std::int64_t>(delay, 1 << 30)));
        }
    }
    const bool again = m_again && ok;
    m_again = false;
    setSyncing(false);
    Q_EMIT syncFinished(ok);
    if (again) {
        startCycle(false);
    }
}

} // namespace sb::sync
