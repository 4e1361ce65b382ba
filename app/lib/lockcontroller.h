// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "apperror.h"

#include <QObject>
#include <QTimer>
#include <QtQmlIntegration>

namespace sb::app {

class StoreHost;

/**
 * The lock screen's state machine: first run (choose a passcode), locked, unlocking,
 * unlocked. The KDF and Store::open run on the store thread. It locks after
 * idleTimeoutSeconds without user input (activity comes through eventFilter on the
 * application), at once when the app is hidden or suspended, and after a short grace when it
 * is merely inactive (another window has focus). Locking closes the store, dropping the key.
 */
class LockController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Built by the composition root")
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    /// Why the last passcode choice or unlock failed (None: it did not); the screen words it.
    Q_PROPERTY(sb::app::AppError error READ error NOTIFY errorChanged)
    Q_PROPERTY(PasscodeProblem passcodeProblem READ passcodeProblem NOTIFY errorChanged)
    Q_PROPERTY(int retryAfterSeconds READ retryAfterSeconds NOTIFY retryAfterSecondsChanged)
    Q_PROPERTY(QString keystoreName READ keystoreName CONSTANT)
    Q_PROPERTY(bool keystoreIsFake READ keystoreIsFake CONSTANT)
    Q_PROPERTY(QString clinicianName READ clinicianName NOTIFY stateChanged)
    Q_PROPERTY(int idleTimeoutSeconds READ idleTimeoutSeconds WRITE setIdleTimeoutSeconds NOTIFY
                   idleTimeoutSecondsChanged)
public:
    enum State { FirstRun, Locked, Unlocking, Unlocked };
    Q_ENUM(State)
    /// Why choosePasscode() refused a new passcode (the screen marks the field it concerns).
    enum PasscodeProblem {
        NoPasscodeProblem,
        PasscodeTooShort,   ///< Fewer than minimumPasscodeLength characters.
        PasscodeRepetitive, ///< One character, or a short group, repeated: 000000, 121212.
        PasscodeSequential, ///< A run up or down: 123456, 987654, 567890, abcdef.
        PasscodeMismatch,   ///< The confirmation differs.
    };
    Q_ENUM(PasscodeProblem)
    static constexpr int minimumPasscodeLength = 6;
    /// The minimum passcode policy (the confirmation aside).
    [[nodiscard]] static PasscodeProblem checkPasscode(const QString &passcode);

    explicit LockController(StoreHost &host, QObject *parent = nullptr);

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] AppError error() const { return m_error; }
    [[nodiscard]] PasscodeProblem passcodeProblem() const { return m_passcodeProblem; }
    [[nodiscard]] int retryAfterSeconds() const { return m_retryAfterSeconds; }
    [[nodiscard]] QString keystoreName() const;
    [[nodiscard]] bool keystoreIsFake() const;
    [[nodiscard]] QString clinicianName() const { return m_clinicianName; }
    [[nodiscard]] int idleTimeoutSeconds() const { return m_idleTimer.interval() / 1000; }
    void setIdleTimeoutSeconds(int seconds);
    /// Grace before locking when the app is only inactive (tests shorten it).
    void setInactiveGraceMs(int ms) { m_inactiveTimer.setInterval(ms); }
    /// The idle timeout below one second (tests only; idleTimeoutSeconds is the setting).
    void setIdleTimeoutMs(int ms);
    /// How long one second of the retry countdown lasts (tests shorten it).
    void setRetryTickMs(int ms) { m_retryTimer.setInterval(ms); }
    /// Failed passcode attempts since the last unlock (kept in the vault across restarts).
    [[nodiscard]] int failedAttempts() const { return m_failedAttempts; }

    /// First run: both entries must match and pass checkPasscode().
    Q_INVOKABLE void choosePasscode(const QString &passcode, const QString &confirmation);
    Q_INVOKABLE void unlock(const QString &passcode);
    /// Locks now; during an unlock, as soon as the unlock ends (the store never stays open).
    Q_INVOKABLE void lock();
    /// The enrolled clinician's name once sync knows it (SyncBridge::identityChanged).
    void setClinicianName(const QString &name);
    /// Restarts the idle timer (called for every user input event).
    Q_INVOKABLE void noteActivity();
    void handleApplicationState(Qt::ApplicationState state);

    bool eventFilter(QObject *watched, QEvent *event) override;

    /// What an unlock or setup job reports back to the GUI thread.
    struct Outcome;

Q_SIGNALS:
    void stateChanged();
    void errorChanged();
    void retryAfterSecondsChanged();
    void idleTimeoutSecondsChanged();
    void unlocked();
    void locked();

private:
    void finish(const Outcome &outcome);
    void closeStore();
    void setState(State state);
    void clearClipboard();
    void setError(const AppError &error, PasscodeProblem problem = NoPasscodeProblem);
    void setRetryAfter(int seconds);

    StoreHost &m_host;
    State m_state;
    AppError m_error;
    PasscodeProblem m_passcodeProblem = NoPasscodeProblem;
    QString m_clinicianName;
    int m_retryAfterSeconds = 0;
    int m_failedAttempts = 0;
    bool m_lockPending = false; ///< lock() came while Unlocking.
    QTimer m_idleTimer;
    QTimer m_inactiveTimer;
    QTimer m_retryTimer;
};

} // namespace sb::app
