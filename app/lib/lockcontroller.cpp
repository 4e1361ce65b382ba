// SPDX-License-Identifier: Apache-2.0
#include "lockcontroller.h"

#include "client/deviceschema.h"
#include "storehost.h"
#include "syncbridge.h"

#include <QClipboard>
#include <QEvent>
#include <QFile>
#include <QGuiApplication>

#include <algorithm>
#include <utility>

namespace sb::app {

struct LockController::Outcome {
    bool ok = false;
    int failures = 0;
    AppError error;
    QString clinicianName;
};

namespace {

/// After a key is in hand: open the store (preparing it first when the passcode was just
/// chosen) and take the device's clinician from its enrollment, the only source of it. An
/// unenrolled device has none until it enrolls.
void openStore(WorkerState &state, DatabaseKey key, bool isNew, LockController::Outcome &outcome)
{
    auto store = Store::open(state.storePath, key, state.clock, sync::deviceSchema());
    if (!store) {
        outcome.error = AppError::fromStore(store.error(), AppError::Unlock);
        return;
    }
    if (isNew && state.prepareNewStore) {
        if (auto prepared = state.prepareNewStore(*store.value()); !prepared) {
            outcome.error = AppError::fromStore(prepared.error(), AppError::Unlock);
            return;
        }
    }
    state.store = std::move(store.value());
    state.clinician.reset();
    state.provider.reset();
    state.actor = Actor{UserId(state.store->ids().next()), DeviceId(state.store->ids().next())};
    if (const auto enrolledName = adoptEnrolledIdentity(state)) {
        outcome.clinicianName = *enrolledName;
    }
    outcome.ok = true;
}

} // namespace

LockController::LockController(StoreHost &host, QObject *parent)
    : QObject(parent)
    , m_host(host)
    , m_state(host.vaultExists() ? Locked : FirstRun)
{
    m_idleTimer.setSingleShot(true);
    m_idleTimer.setInterval(5 * 60 * 1000);
    connect(&m_idleTimer, &QTimer::timeout, this, &LockController::lock);
    m_inactiveTimer.setSingleShot(true);
    m_inactiveTimer.setInterval(30 * 1000);
    connect(&m_inactiveTimer, &QTimer::timeout, this, &LockController::lock);
    // A store job that threw left the store in a state nobody can vouch for: close it.
    connect(&host, &StoreHost::jobFailed, this, [this] {
        if (m_state == Unlocked) {
            lock();
            setError(AppError(AppError::LockedAfterError));
        }
    });
    m_retryTimer.setInterval(1000);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] {
        setRetryAfter(m_retryAfterSeconds - 1);
        if (m_retryAfterSeconds <= 0) {
            m_retryTimer.stop();
        }
    });
}

QString LockController::keystoreName() const
{
    return m_host.secrets().displayName();
}

bool LockController::keystoreIsFake() const
{
    return m_host.secrets().isFake();
}

void LockController::setIdleTimeoutSeconds(int seconds)
{
    if (seconds == idleTimeoutSeconds() || seconds <= 0) {
        return;
    }
    m_idleTimer.setInterval(seconds * 1000);
    if (m_state == Unlocked) {
        m_idleTimer.start();
    }
    Q_EMIT idleTimeoutSecondsChanged();
}

void LockController::setIdleTimeoutMs(int ms)
{
    if (ms <= 0) {
        return;
    }
    m_idleTimer.setInterval(ms);
    if (m_state == Unlocked) {
        m_idleTimer.start();
    }
    Q_EMIT idleTimeoutSecondsChanged();
}

LockController::PasscodeProblem LockController::checkPasscode(const QString &passcode)
{
    const QList<uint> points = passcode.toLower().toUcs4();
    const qsizetype n = points.size();
    if (n < minimumPasscodeLength) {
        return PasscodeTooShort;
    }
    // Repetitive: the whole passcode repeats a group of up to three characters.
    for (qsizetype period = 1; period <= 3; ++period) {
        bool repeats = true;
        for (qsizetype i = period; i < n && repeats; ++i) {
            repeats = points[i] == points[i - period];
        }
        if (repeats) {
            return PasscodeRepetitive;
        }
    }
    // Sequential: every step +1 or every step -1 (digits wrap: 7890123).
    const bool digits =
        std::all_of(points.begin(), points.end(), [](uint c) { return c >= '0' && c <= '9'; });
    for (const int step : {1, -1}) {
        bool run = true;
        for (qsizetype i = 1; i < n && run; ++i) {
            const int diff = int(points[i]) - int(points[i - 1]);
            run = diff == step || (digits && (diff == step * -9));
        }
        if (run) {
            return PasscodeSequential;
        }
    }
    return NoPasscodeProblem;
}

void LockController::choosePasscode(const QString &passcode, const QString &confirmation)
{
    if (m_state != FirstRun) {
        return;
    }
    switch (checkPasscode(passcode)) {
    case PasscodeTooShort:
        setError(AppError(AppError::PasscodeTooShort, AppError::Unlock, minimumPasscodeLength),
                 PasscodeTooShort);
        return;
    case PasscodeRepetitive:
        setError(AppError(AppError::PasscodeRepetitive, AppError::Unlock), PasscodeRepetitive);
        return;
    case PasscodeSequential:
        setError(AppError(AppError::PasscodeSequential, AppError::Unlock), PasscodeSequential);
        return;
    case NoPasscodeProblem:
    case PasscodeMismatch:
        break;
    }
    if (passcode != confirmation) {
        setError(AppError(AppError::PasscodeMismatch, AppError::Unlock), PasscodeMismatch);
        return;
    }
    setError({});
    setState(Unlocking);
    m_host.run<Outcome>(
        this,
        [passcode](WorkerState &state) {
            Outcome outcome;
            auto key = state.vault.setUp(passcode);
            if (!key) {
                outcome.error = AppError::fromVault(key.error());
                return outcome;
            }
            openStore(state, std::move(key.value()), true, outcome);
            return outcome;
        },
        [this](const Outcome &outcome) { finish(outcome); });
}

void LockController::unlock(const QString &passcode)
{
    if (m_state != Locked || m_retryAfterSeconds > 0) {
        return;
    }
    setError({});
    setState(Unlocking);
    m_host.run<Outcome>(
        this,
        [passcode](WorkerState &state) {
            Outcome outcome;
            auto key = state.vault.unlock(passcode);
            if (!key && key.error().kind == VaultError::Kind::Wiped) {
                // The practice's wipe policy: the key is gone, so is the store it opened.
                for (const QString &suffix :
                     {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
                    if (QFile::exists(state.storePath + suffix)
                        && !QFile::remove(state.storePath + suffix)) {
                        qWarning("lock: a store file could not be removed after the wipe");
                    }
                }
            }
            if (!key) {
                outcome.error = AppError::fromVault(key.error());
                outcome.failures = key.error().failedAttempts;
                return outcome;
            }
            openStore(state, std::move(key.value()), false, outcome);
            return outcome;
        },
        [this](const Outcome &outcome) { finish(outcome); });
}

void LockController::finish(const Outcome &outcome)
{
    const bool lockPending = std::exchange(m_lockPending, false);
    if (outcome.ok && lockPending) {
        // A lock asked for while the KDF ran (app hidden, Lock tapped): the store opened, so
        // close it again without ever showing the unlocked screens.
        m_failedAttempts = 0;
        setState(Locked);
        Q_EMIT locked();
        closeStore();
        return;
    }
    if (outcome.ok) {
        m_failedAttempts = 0;
        m_clinicianName = outcome.clinicianName;
        setState(Unlocked);
        m_idleTimer.start();
        Q_EMIT unlocked();
        return;
    }
    const bool firstRun = !m_host.vaultExists();
    setState(firstRun ? FirstRun : Locked);
    setRetryAfter(outcome.error.retryAfterSeconds());
    if (m_retryAfterSeconds > 0) {
        m_retryTimer.start();
    }
    if (outcome.error.kind() == AppError::WrongPasscode) {
        m_failedAttempts = outcome.failures;
    } else if (outcome.error.kind() == AppError::Wiped) {
        m_failedAttempts = 0;
    }
    setError(outcome.error);
}

void LockController::lock()
{
    m_idleTimer.stop();
    m_inactiveTimer.stop();
    if (m_state == Unlocking) {
        m_lockPending = true; // applied by finish() when the unlock job answers
        return;
    }
    if (m_state != Unlocked) {
        return;
    }
    m_clinicianName.clear();
    setState(Locked);
    clearClipboard();
    Q_EMIT locked();
    closeStore();
}

void LockController::closeStore()
{
    m_host.run<bool>(
        this,
        [](WorkerState &state) {
            state.sync.reset(); // Holds the store; the outbox itself stays in it.
            state.store.reset();
            state.clinician.reset();
            state.provider.reset();
            return true;
        },
        [](const bool &) {});
}

void LockController::clearClipboard()
{
    // Text copied out of a note must not outlive the unlock. The platform cannot tell us
    // whose text the clipboard holds, so it is cleared whatever it is. (Tests without a GUI
    // application have no clipboard.)
    if (qobject_cast<QGuiApplication *>(QCoreApplication::instance()) != nullptr) {
        QGuiApplication::clipboard()->clear();
    }
}

void LockController::setClinicianName(const QString &name)
{
    if (m_state == Unlocked && !name.isEmpty() && name != m_clinicianName) {
        m_clinicianName = name;
        Q_EMIT stateChanged();
    }
}

void LockController::noteActivity()
{
    if (m_state == Unlocked) {
        m_idleTimer.start();
    }
}

void LockController::handleApplicationState(Qt::ApplicationState state)
{
    switch (state) {
    case Qt::ApplicationActive:
        m_inactiveTimer.stop();
        noteActivity();
        break;
    case Qt::ApplicationInactive:
        if (m_state == Unlocked) {
            m_inactiveTimer.start();
        }
        break;
    case Qt::ApplicationHidden:
    case Qt::ApplicationSuspended:
        lock();
        break;
    }
}

bool LockController::eventFilter(QObject *watched, QEvent *event)
{
    switch (event->type()) {
    case QEvent::KeyPress:
    case QEvent::MouseButtonPress:
    case QEvent::TouchBegin:
    case QEvent::Wheel:
        noteActivity();
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

void LockController::setState(State state)
{
    if (m_state != state) {
        m_state = state;
        Q_EMIT stateChanged();
    }
}

void LockController::setError(const AppError &error, PasscodeProblem problem)
{
    if (m_error != error || m_passcodeProblem != problem) {
        m_error = error;
        m_passcodeProblem = problem;
        Q_EMIT errorChanged();
    }
}

void LockController::setRetryAfter(int seconds)
{
    seconds = std::max(0, seconds);
    if (m_retryAfterSeconds != seconds) {
        m_retryAfterSeconds = seconds;
        Q_EMIT retryAfterSecondsChanged();
    }
}

} // namespace sb::app
