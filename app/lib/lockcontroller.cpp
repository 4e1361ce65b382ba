// SPDX-License-Identifier: Apache-2.0
#include "lockcontroller.h"

#include "storehost.h"
#include "syncbridge.h"

#include <QEvent>

namespace sb::app {

struct LockController::Outcome {
    bool ok = false;
    int failures = 0;
    VaultError::Kind kind = VaultError::Kind::Corrupt;
    std::int64_t retryAfterMs = 0;
    bool storeFailed = false;
    QString clinicianName;
};

namespace {

/// After a key is in hand: open the store (preparing it first when the passcode was just
/// chosen) and take the device's clinician from its enrollment, the only source of it. An
/// unenrolled device has none until it enrolls.
void openStore(WorkerState &state, DatabaseKey key, bool isNew, LockController::Outcome &outcome)
{
    auto store = Store::open(state.storePath, key, state.clock);
    if (!store) {
        outcome.storeFailed = true;
        return;
    }
    if (isNew && state.prepareNewStore) {
        if (auto prepared = state.prepareNewStore(*store.value()); !prepared) {
            outcome.storeFailed = true;
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

void LockController::choosePasscode(const QString &passcode, const QString &confirmation)
{
    if (m_state != FirstRun) {
        return;
    }
    if (passcode.size() < minimumPasscodeLength) {
        setError(tr("Use at least %n character(s).", nullptr, minimumPasscodeLength));
        return;
    }
    if (passcode != confirmation) {
        setError(tr("The two passcodes do not match."));
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
                outcome.kind = key.error().kind;
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
            if (!key) {
                outcome.kind = key.error().kind;
                outcome.retryAfterMs = key.error().retryAfterMs;
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
    setRetryAfter(int((outcome.retryAfterMs + 999) / 1000));
    if (m_retryAfterSeconds > 0) {
        m_retryTimer.start();
    }
    if (outcome.storeFailed) {
        setError(tr("The encrypted store could not be opened. Nothing was deleted."));
        return;
    }
    switch (outcome.kind) {
    case VaultError::Kind::WrongPasscode:
        m_failedAttempts = outcome.failures;
        setError(tr("Wrong passcode. Nothing was deleted. Repeated wrong attempts make you "
                    "wait longer before the next try."));
        break;
    case VaultError::Kind::TooSoon:
        setError(tr("Too many attempts. Wait, then try again."));
        break;
    case VaultError::Kind::KeystoreMissing:
    case VaultError::Kind::KeystoreUnavailable:
        setError(tr("The device keystore is not available."));
        break;
    default:
        setError(tr("The key vault could not be read. Nothing was deleted."));
        break;
    }
}

void LockController::lock()
{
    m_idleTimer.stop();
    m_inactiveTimer.stop();
    if (m_state != Unlocked) {
        return;
    }
    m_clinicianName.clear();
    setState(Locked);
    Q_EMIT locked();
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

void LockController::setError(const QString &text)
{
    if (m_errorText != text) {
        m_errorText = text;
        Q_EMIT errorTextChanged();
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
