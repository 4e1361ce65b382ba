// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "client/backoff.h"
#include "client/devicesyncstore.h"
#include "domain/servicedate.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace sb {
class Clock;
class Store;
} // namespace sb

namespace sb::sync {

class TokenStore;

/// The points of a sync cycle where a test may make the client "die" (security.md #2).
enum class SyncStep {
    BeforePush,    ///< The batch is read from the outbox, nothing sent.
    AfterPushSent, ///< The request is on the wire, no answer yet.
    PushAnswered,  ///< The server answered; acks not yet applied.
    PushApplied,   ///< Acks applied to the outbox.
    BeforePull,
    PullAnswered, ///< A page arrived; not yet applied.
    PullApplied,
};

/// How SyncClient::enroll() treats what the device holds.
struct EnrollOptions {
    /// The user confirmed that changes not yet synced to the old server are dropped from
    /// the outbox when the device moves to another server or user. The signed records
    /// themselves stay on the device.
    bool discardPendingOutbox = false;
};

/**
 * The device's sync client: pushes the outbox in bounded batches and pulls the office's
 * changes with the server's cursor, over HTTPS (TLS 1.2 or later; with a pin, the server's
 * public key must be the pinned one or the backup) with QNetworkAccessManager.
 *
 * Every upload has three outcomes: acknowledged, refused, or unknown (the connection died).
 * Unknown is retried with the same change ids, and the server deduplicates by change id, so a
 * retry can never apply a change twice; an outbox row leaves only on ACCEPTED or DUPLICATE.
 * Failures retry with exponential backoff and full jitter (injected RNG); a 401 stops retries
 * and asks the user to sign in again, keeping the outbox. Nothing here ever deletes unsynced
 * data.
 *
 * Lives on the store's owner thread; network I/O is asynchronous, so no slot blocks. Sync runs
 * on syncNow(), after a signed session, on resume, on regained connectivity and periodically.
 */
class SyncClient : public QObject {
    Q_OBJECT
    Q_PROPERTY(qint64 pendingCount READ pendingCount NOTIFY pendingCountChanged)
    Q_PROPERTY(QDateTime lastSuccess READ lastSuccess NOTIFY lastSuccessChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    Q_PROPERTY(bool syncing READ isSyncing NOTIFY syncingChanged)
    Q_PROPERTY(bool clockSkewed READ isClockSkewed NOTIFY clockSkewChanged)
    Q_PROPERTY(qint64 serverOffsetMs READ serverOffsetMs NOTIFY clockSkewChanged)
    Q_PROPERTY(bool signInRequired READ isSignInRequired NOTIFY signInRequiredChanged)
    Q_PROPERTY(bool enrolled READ isEnrolled NOTIFY enrolledChanged)

public:
    struct Options {
        int maxBatchChanges = 500;            ///< The server's limit per push.
        std::int64_t maxBatchBytes = 4 << 20; ///< Below the server's body limit.
        int pullMaxItems = 500;
        int transferTimeoutMs = 30'000; ///< Inactivity: no byte moved for this long.
        /// Overall, per request: a server that trickles its answer a byte at a time keeps
        /// the inactivity timeout from firing, so every request also has a hard end.
        int requestDeadlineMs = 180'000;
        std::int64_t retryBaseMs = 1'000;
        std::int64_t retryCapMs = 5 * 60'000;
        int periodicIntervalMs = 15 * 60'000;                ///< 0 turns the periodic sync off.
        std::int64_t skewThresholdMs = clockSkewThresholdMs; ///< The timer's rule too.
        QList<QSslCertificate> trustedCertificates;          ///< Added to the system CAs.
        QString clientVersion = QStringLiteral("sessionbook-device");
        QString deviceName = QStringLiteral("device");
        QString platform = QStringLiteral("linux");
    };

    /// Counters for tests, benchmarks and diagnostics.
    struct Stats {
        int requests = 0;
        int failures = 0; ///< Transport errors and unexpected answers.
        int retriesScheduled = 0;
        int pushed = 0; ///< Changes acknowledged ACCEPTED or DUPLICATE.
        int pulled = 0; ///< Items applied.
        int cycles = 0; ///< Completed successful cycles.
    };

    using FaultHook = std::function<bool(SyncStep)>;

    /// Why an enrollment failed; the text that goes with it is for people (no PHI).
    enum class EnrollError {
        None,
        NotHttps,
        /// The outbox holds changes and the enrollment is for another server or user: they
        /// must be synced to the old server first, or discarded with EnrollOptions.
        PendingOutbox,
        Refused,   ///< The server, TLS or the network refused, or nothing answered.
        BadAnswer, ///< The answer was unreadable or incomplete.
        NotSaved,  ///< The token, the enrollment or the device's state could not be stored.
    };
    Q_ENUM(EnrollError)
    using EnrollOptions = sync::EnrollOptions;

    SyncClient(Store &store, TokenStore &tokens, const Clock &clock, RandomSource &random,
               Options options, QObject *parent = nullptr);
    ~SyncClient() override;

    /// Enrolls this device with a one-time code. `keyPin` and `backupKeyPin` (32 bytes each)
    /// are SHA-256 of the server's public key (SPKI) and of a spare one; with no pin only the
    /// system's (and Options') certificate authorities decide. Emits enrollFinished(). A sync
    /// in flight ends first. Re-enrolling to another server or user while the outbox holds
    /// changes is refused (EnrollError::PendingOutbox) unless `options` confirm discarding
    /// them: the old outbox never goes to the new server.
    void enroll(const QUrl &server, const QString &code, const QByteArray &keyPin = {},
                const QByteArray &backupKeyPin = {}, EnrollOptions options = {});

    /// Signs a session and enqueues it in one transaction, then starts a sync.
    StoreResult<Signature> signSession(const Actor &actor, const SessionId &id,
                                       const UserId &signer, const QDateTime &at);

    Q_INVOKABLE void syncNow();
    Q_INVOKABLE void appResumed();
    Q_INVOKABLE void connectivityRegained();
    /// After DeviceSyncStore::signSession or addSignedAddendum done elsewhere.
    Q_INVOKABLE void recordSigned();
    /// The platform layer has a valid token again (after re-enrollment or sign-in).
    Q_INVOKABLE void signedInAgain();

    [[nodiscard]] qint64 pendingCount() const { return m_pendingCount; }
    [[nodiscard]] QDateTime lastSuccess() const { return m_lastSuccess; }
    [[nodiscard]] QString lastError() const { return m_lastError; }
    [[nodiscard]] bool isSyncing() const { return m_syncing; }
    [[nodiscard]] bool isClockSkewed() const { return m_clockSkewed; }
    [[nodiscard]] qint64 serverOffsetMs() const { return m_serverOffsetMs; }
    /// A server answer has measured serverOffsetMs (now or in an earlier run, as the store
    /// kept it); before that the offset is 0 and means nothing, and taps say so.
    [[nodiscard]] bool isServerOffsetKnown() const { return m_serverOffsetKnown; }
    [[nodiscard]] bool isSignInRequired() const { return m_signInRequired; }
    [[nodiscard]] bool isEnrolled() const { return m_enrolled; }
    [[nodiscard]] const Stats &stats() const { return m_stats; }
    /// True once the fault hook stopped this client; it does nothing more.
    [[nodiscard]] bool isHalted() const { return m_halted; }
    [[nodiscard]] DeviceSyncStore &deviceStore() { return m_device; }

    /// Test hook: when it returns true at a step, the client stops dead there (no more
    /// writes, the request abandoned), as if the process had been killed. Emits halted().
    void setFaultHook(FaultHook hook) { m_faultHook = std::move(hook); }

Q_SIGNALS:
    void enrollFinished(bool ok, const QString &error,
                        sb::sync::SyncClient::EnrollError kind = EnrollError::None);
    /// One cycle ended: ok when the outbox was drained (or held for review) and the pull
    /// caught up.
    void syncFinished(bool ok);
    void halted();
    void pendingCountChanged();
    void lastSuccessChanged();
    void lastErrorChanged();
    void syncingChanged();
    void clockSkewChanged();
    void signInRequiredChanged();
    void enrolledChanged();

private:
    /// Expired: the access token has expired (401 token_expired); a refresh may go on.
    enum class Outcome { Ok, Transient, SignIn, Expired, TooLarge, UpdateApp, Failed };
    struct Answer {
        Outcome outcome = Outcome::Failed;
        int httpStatus = 0;
        QByteArray body;
        QString error; ///< Plain words; never PHI.
    };

    /// A push request read and encoded ahead, while the one before it is on the server.
    struct PreparedPush {
        QByteArray body;
        QList<QUuid> ids;          ///< Empty: nothing pending after afterSeq.
        std::int64_t afterSeq = 0; ///< Outbox position its entries follow.
        std::int64_t lastSeq = 0;  ///< Outbox position of its last entry.
    };

    void loadState();
    void startCycle(bool resetBackoff);
    void pushNext();
    StoreResult<PreparedPush> preparePush(std::int64_t afterSeq);
    /// Sends m_prepared; once its body has left, runs m_afterUpload and reads the batch
    /// after it. False when a fault hook halted the client.
    bool sendPrepared();
    void pushAnswered(QNetworkReply *reply, std::int64_t afterSeq, const QList<QUuid> &ids);
    /// Applies a push answer's acks to the outbox; false when that ended the cycle.
    bool applyAnswer(const QList<AckResult> &acks, const QList<QUuid> &ids);
    void pullNext();
    /// Whether the access token is known to have expired (or is about to) and can be renewed.
    [[nodiscard]] bool accessTokenStale() const;
    /// Rotates the refresh token for a new access token, then goes on with pushNext().
    void refreshTokens();
    void finishCycle(bool ok, const QString &error, Outcome outcome);
    /// Ends a running cycle without an answer (its changes stay pending).
    void cancelCycle();
    void failEnroll(EnrollError kind, const QString &error);
    /// The enrollment answer from `server` under `pin`, once it arrived.
    void enrollAnswered(QNetworkReply *reply, const QUrl &server, const ServerPins &pins,
                        bool discardOutbox);
    /// Whether enrolling `server` (and, once known, `user`) would hand the outbox to someone
    /// else: the device is enrolled elsewhere and the outbox is not empty.
    StoreResult<bool> outboxWouldMove(const QUrl &server, const std::optional<UserId> &user);
    bool fault(SyncStep step);
    /// Sends with the inactivity timeout and the overall deadline; `pins` are the ones the
    /// server must match (the enrolled ones, or the ones an enrollment is trying).
    QNetworkReply *post(const QUrl &base, const char *path, const QByteArray &body, bool authorized,
                        const ServerPins &pins);
    Answer answerOf(QNetworkReply *reply, const ServerPins &pins);
    void noteServerTime(std::int64_t serverMs);
    void refreshPending();
    void setError(const QString &error);
    void setSyncing(bool syncing);
    void abandonReply();
    /// Bookkeeping the cycle's outcome depends on; logs the failure (kind only, no PHI).
    bool bookkeepingSaved(const StoreResult<void> &result, const char *what);
    static bool pinMatches(const ServerPins &pins, const QSslCertificate &certificate);
    /// After the enrolled legacy pin matched: keeps the certificate's key pin instead.
    void keepKeyPin(const ServerPins &pins, const QSslCertificate &certificate);
    static void handleSslErrors(QNetworkReply *reply, const QList<QSslError> &errors,
                                const ServerPins &pins);

    Store &m_store;
    DeviceSyncStore m_device;
    TokenStore &m_tokens;
    const Clock &m_clock;
    Options m_options;
    Backoff m_backoff;
    QNetworkAccessManager *m_network;
    QSslConfiguration m_ssl;
    QTimer m_retryTimer;
    QTimer m_periodicTimer;
    QPointer<QNetworkReply> m_reply;
    FaultHook m_faultHook;

    QUrl m_serverUrl;
    ServerPins m_pins;
    bool m_enrolled = false;
    bool m_enrolling = false; ///< No cycle starts while an enrollment is on the wire.
    bool m_busy = false;
    bool m_again = false;
    bool m_halted = false;
    int m_batchLimit = 0;
    std::optional<PreparedPush> m_prepared; ///< The next push of this cycle, built ahead.
    std::int64_t m_pushedThrough = 0;       ///< Outbox position this cycle has sent up to.
    /// The previous answer's bookkeeping, run once the batch after it has been uploaded.
    std::function<bool()> m_afterUpload;
    bool m_refreshedThisCycle = false; ///< At most one rotation per cycle: no loops.
    std::int64_t m_sentWallMs = 0;
    std::int64_t m_sentMonotonicMs = 0;

    qint64 m_pendingCount = 0;
    QDateTime m_lastSuccess;
    QString m_lastError;
    bool m_syncing = false;
    bool m_clockSkewed = false;
    qint64 m_serverOffsetMs = 0;
    bool m_serverOffsetKnown = false;
    bool m_signInRequired = false;
    Stats m_stats;
};

} // namespace sb::sync
