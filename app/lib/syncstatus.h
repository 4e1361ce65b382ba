// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "apperror.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>
#include <QtQmlIntegration>

#include <optional>

namespace sb {
class Clock;
}

namespace sb::app {

/// The device SyncClient's properties as one value, copied off the store thread.
struct SyncSnapshot {
    bool enrolled = false;
    qint64 pendingCount = 0;
    QDateTime lastSuccess;
    QString lastError; ///< The client's plain words; never PHI.
    bool syncing = false;
    bool clockSkewed = false;
    bool signInRequired = false;
    /// Server time minus device time as a server answer measured it; nullopt before any did.
    /// The timer stamps it on each tap (SessionController::timerClock()).
    std::optional<qint64> serverOffsetMs;
    friend bool operator==(const SyncSnapshot &, const SyncSnapshot &) = default;
};

/**
 * What the Today header shows about sync, on the GUI thread: changes waiting, the last
 * success ("synced 3 min ago"), an offline/error badge, clock skew and sign-in. SyncBridge
 * feeds it snapshots of the SyncClient (which lives on the store thread) by queued call.
 */
class SyncStatus : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Built by the composition root")
    Q_PROPERTY(bool connected READ connected NOTIFY changed)
    Q_PROPERTY(int pendingCount READ pendingCount NOTIFY changed)
    Q_PROPERTY(QDateTime lastSuccess READ lastSuccess NOTIFY changed)
    Q_PROPERTY(QString lastSuccessText READ lastSuccessText NOTIFY changed)
    /// Why the last attempt failed (None: it did not), for the header's badge.
    Q_PROPERTY(sb::app::AppError error READ error NOTIFY changed)
    Q_PROPERTY(bool syncing READ syncing NOTIFY changed)
    Q_PROPERTY(bool offline READ offline NOTIFY changed)
    Q_PROPERTY(bool clockSkewed READ clockSkewed NOTIFY changed)
    Q_PROPERTY(bool signInRequired READ signInRequired NOTIFY changed)
public:
    explicit SyncStatus(const Clock &clock, QObject *parent = nullptr);

    [[nodiscard]] bool connected() const { return m_state.enrolled; }
    [[nodiscard]] int pendingCount() const { return int(m_state.pendingCount); }
    [[nodiscard]] QDateTime lastSuccess() const { return m_state.lastSuccess; }
    /// "synced just now", "synced 3 min ago", "synced 2 h ago", "synced Mar 4"; "never synced".
    [[nodiscard]] QString lastSuccessText() const;
    [[nodiscard]] QString lastError() const { return m_state.lastError; }
    [[nodiscard]] AppError error() const;
    [[nodiscard]] bool syncing() const { return m_state.syncing; }
    /// The last attempt failed for a reason other than sign-in (no network, server error).
    [[nodiscard]] bool offline() const;
    [[nodiscard]] bool clockSkewed() const { return m_state.clockSkewed; }
    [[nodiscard]] bool signInRequired() const { return m_state.signInRequired; }
    [[nodiscard]] std::optional<qint64> serverOffsetMs() const { return m_state.serverOffsetMs; }
    [[nodiscard]] const SyncSnapshot &snapshot() const { return m_state; }

    /// "Sync now": the composition root forwards syncRequested() to the sync client.
    Q_INVOKABLE void requestSync() { Q_EMIT syncRequested(); }

    void apply(const SyncSnapshot &snapshot);
    /// Back to "not connected" (on lock: nothing about the store stays on screen).
    void reset();

Q_SIGNALS:
    void changed();
    void syncRequested();

private:
    const Clock &m_clock;
    SyncSnapshot m_state;
    QTimer m_refresh; ///< Keeps "n min ago" current.
};

} // namespace sb::app
