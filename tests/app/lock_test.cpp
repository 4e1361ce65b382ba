// SPDX-License-Identifier: Apache-2.0
// The lock screen's rules: a wrong passcode says so and makes the next try wait longer,
// without deleting anything; the app locks after the idle time and when it goes to the
// background; locking drops the open session (PHI) from memory and the unlock brings it
// back. Timers are shortened; the vault's delays run on the manual clock.
#include "apptestharness.h"
#include "catchqt.h"
#include "demopractice.h"
#include "lockcontroller.h"
#include "sessioncontroller.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEvent>
#include <QFile>
#include <QSignalSpy>

#include <catch2/catch_test_macros.hpp>
#include <stdexcept>

using namespace sb;
using namespace sb::app;
using namespace sb::app::testing;

namespace {

/// Number of sessions in the store (what "nothing deleted" is checked on).
int sessionCount(Harness &h)
{
    return h.onStore<int>([](WorkerState &state) {
        if (!state.store || !state.provider) {
            return -1;
        }
        const QDate today = state.clock.nowUtc().toLocalTime().date();
        auto all = state.store->sessions().sessionsForProvider(
            state.actor, state.provider->id, today.addYears(-5), today.addYears(1));
        return all ? int(all->size()) : -1;
    });
}

/// An unlocked app with the capture controller wired to the lock as the app wires it.
struct LockedCapture {
    Harness h;
    LockController lock{*h.host};
    SessionController capture{*h.host};

    LockedCapture()
    {
        QObject::connect(&lock, &LockController::unlocked, &capture,
                         &SessionController::resumeInterrupted);
        QObject::connect(&lock, &LockController::locked, &capture,
                         &SessionController::handleLocked);
        unlockFirstRun(lock);
    }

    void settle()
    {
        REQUIRE(waitFor([&] { return !capture.busy(); }));
    }

    QString start()
    {
        const auto [patientId, patientName] = h.caseloadPatient();
        REQUIRE_FALSE(patientId.isEmpty());
        capture.start(patientId, patientName);
        REQUIRE(waitFor([&] { return capture.phase() == SessionController::Running; }));
        settle();
        return capture.sessionId();
    }

    /// Locks, then checks that nothing about the session is left in the controller.
    void lockAndCheckForgotten()
    {
        lock.lock();
        CHECK(capture.phase() == SessionController::Idle);
        CHECK(capture.sessionId().isEmpty());
        CHECK_FALSE(capture.session().has_value());
        CHECK(capture.patientName().isEmpty());
        CHECK(capture.note()->text().isEmpty());
        CHECK(capture.note()->templateName().isEmpty());
        CHECK(capture.diagnoses()->rowCount() == 0);
        CHECK(capture.participants()->rowCount() == 0);
        CHECK(capture.addenda()->rowCount() == 0);
        CHECK(capture.details()->service().isEmpty());
        CHECK(capture.details()->modality().isEmpty());
        CHECK(capture.codingHint().isEmpty());
        CHECK(capture.timer()->elapsedSeconds() == 0);
        CHECK_FALSE(capture.editable());
        CHECK_FALSE(capture.addendumRequested());
        settle(); // the note flushed on lock, answered before the store closed
        CHECK_FALSE(capture.error().isError());
        CHECK(capture.phase() == SessionController::Idle);
        const bool closed = h.onStore<bool>([](WorkerState &state) { return !state.store; });
        CHECK(closed);
    }

    void unlockAndWaitFor(const QString &id)
    {
        lock.unlock(QStringLiteral("258036"));
        REQUIRE(waitFor([&] {
            return lock.state() == LockController::Unlocked && capture.sessionId() == id
                   && !capture.busy();
        }));
    }
};

/// One wrong attempt, waiting for its answer.
void wrongAttempt(LockController &lock)
{
    lock.unlock(QStringLiteral("999999"));
    REQUIRE(waitFor([&] { return lock.state() == LockController::Locked; }));
}

/// Sets an environment variable for one scope.
class ScopedEnv {
public:
    ScopedEnv(const char *name, const QByteArray &value)
        : m_name(name)
    {
        qputenv(m_name, value);
    }
    ~ScopedEnv() { qunsetenv(m_name); }
    ScopedEnv(const ScopedEnv &) = delete;
    ScopedEnv &operator=(const ScopedEnv &) = delete;

private:
    const char *m_name;
};

/// Who the store thread holds as the device's clinician: "" when none.
QString clinicianLogin(Harness &h)
{
    return h.onStore<QString>([](WorkerState &state) {
        if (!state.clinician || !state.provider) {
            return QString();
        }
        const auto user = state.store->practice().user(state.clinician->id);
        return user ? user->login : QStringLiteral("(not in the practice)");
    });
}

} // namespace

TEST_CASE("The device's clinician comes from its enrollment only", "[app]")
{
    // What the app once guessed from: the environment, and logins shaped "first.last".
    const ScopedEnv user("SESSIONBOOK_USER", "maya.okafor");

    SECTION("not enrolled: no clinician, on the first unlock and the next")
    {
        Harness h(QString(), nullptr, [](Store &store) {
            const Actor setup{UserId(store.ids().next()), DeviceId(store.ids().next())};
            return demo::seedDemoPractice(store, setup);
        });
        LockController lock(*h.host);
        unlockFirstRun(lock);
        CHECK(lock.clinicianName().isEmpty());
        CHECK(clinicianLogin(h).isEmpty());
        lock.lock();
        lock.unlock(QStringLiteral("258036"));
        REQUIRE(waitFor([&] { return lock.state() == LockController::Unlocked; }));
        CHECK(lock.clinicianName().isEmpty());
        CHECK(clinicianLogin(h).isEmpty());
    }
    SECTION("enrolled: the enrolled clinician, whatever the environment says")
    {
        Harness h; // Sam Lindqvist enrolled
        LockController lock(*h.host);
        unlockFirstRun(lock);
        CHECK(lock.clinicianName() == QStringLiteral("Sam Lindqvist"));
        CHECK(clinicianLogin(h) == QStringLiteral("sam.lindqvist"));
    }
}

TEST_CASE("A new store that cannot be prepared fails its first unlock", "[app]")
{
    Harness h(QString(), nullptr, [](Store &) -> StoreResult<void> {
        return storeError(StoreError::Kind::Io, QStringLiteral("disk full"));
    });
    LockController lock(*h.host);
    lock.choosePasscode(QStringLiteral("258036"), QStringLiteral("258036"));
    REQUIRE(waitFor([&] { return lock.state() != LockController::Unlocking; }));
    CHECK(lock.state() == LockController::Locked);
    // The store's own kind reaches the screen: storage, not "wrong passcode".
    CHECK(lock.error().kind() == AppError::StorageFull);
    CHECK(lock.error().operation() == AppError::Unlock);
}

TEST_CASE("Wrong passcode: a clear message, a growing delay, nothing deleted", "[app]")
{
    Harness h;
    LockController lock(*h.host);
    lock.setRetryTickMs(10);
    unlockFirstRun(lock);
    const int before = sessionCount(h);
    REQUIRE(before > 0);
    lock.lock();

    wrongAttempt(lock);
    CHECK(lock.error().kind() == AppError::WrongPasscode);
    CHECK(lock.failedAttempts() == 1);
    CHECK(lock.retryAfterSeconds() == 0); // the first attempts are free
    wrongAttempt(lock);
    wrongAttempt(lock);
    CHECK(lock.failedAttempts() == 3);
    CHECK(lock.retryAfterSeconds() == 1);

    // Each further failure doubles the wait: 1 s, 2 s, 4 s (on the vault's clock).
    int expected = 1;
    for (int round = 0; round < 2; ++round) {
        lock.unlock(QStringLiteral("258036")); // ignored during the countdown
        CHECK(lock.state() == LockController::Locked);
        REQUIRE(waitFor([&] { return lock.retryAfterSeconds() == 0; }, 5000));
        h.clock.advanceMs(expected * 1000);
        wrongAttempt(lock);
        expected *= 2;
        CHECK(lock.retryAfterSeconds() == expected);
    }
    CHECK(lock.failedAttempts() == 5);

    // Trying too soon (another device screen, a restart) is refused with its own message.
    REQUIRE(waitFor([&] { return lock.retryAfterSeconds() == 0; }, 5000));
    lock.unlock(QStringLiteral("258036"));
    REQUIRE(waitFor([&] { return lock.state() == LockController::Locked; }));
    CHECK(lock.error().kind() == AppError::LockedOut);
    CHECK(lock.error().retryAfterSeconds() == expected);
    CHECK(lock.retryAfterSeconds() == expected);

    REQUIRE(waitFor([&] { return lock.retryAfterSeconds() == 0; }, 5000));
    h.clock.advanceMs(expected * 1000);
    lock.unlock(QStringLiteral("258036"));
    REQUIRE(waitFor([&] { return lock.state() == LockController::Unlocked; }));
    CHECK_FALSE(lock.error().isError());
    CHECK(lock.failedAttempts() == 0);
    CHECK(sessionCount(h) == before);
}

TEST_CASE("Auto-lock after the configured idle time; input postpones it", "[app]")
{
    Harness h;
    LockController lock(*h.host);
    unlockFirstRun(lock);
    QSignalSpy changed(&lock, &LockController::idleTimeoutSecondsChanged);
    lock.setIdleTimeoutSeconds(120);
    CHECK(lock.idleTimeoutSeconds() == 120);
    CHECK(changed.count() == 1);
    lock.setIdleTimeoutSeconds(0); // refused
    CHECK(lock.idleTimeoutSeconds() == 120);

    lock.setIdleTimeoutMs(150);
    QObject target;
    // Only the type matters to the filter (a QMouseEvent would need a QGuiApplication).
    QEvent press(QEvent::MouseButtonPress);
    QElapsedTimer elapsed;
    elapsed.start();
    // Input every 50 ms keeps it open well past the timeout.
    while (elapsed.elapsed() < 400) {
        lock.eventFilter(&target, &press);
        waitFor([] { return false; }, 50);
        REQUIRE(lock.state() == LockController::Unlocked);
    }
    QSignalSpy locked(&lock, &LockController::locked);
    CHECK(waitFor([&] { return lock.state() == LockController::Locked; }, 2000));
    CHECK(locked.count() == 1);

    // The timer does not run while locked, and restarts on unlock.
    lock.unlock(QStringLiteral("258036"));
    REQUIRE(waitFor([&] { return lock.state() == LockController::Unlocked; }));
    CHECK(waitFor([&] { return lock.state() == LockController::Locked; }, 2000));
}

TEST_CASE("Going to the background locks at once; inactive after a grace", "[app]")
{
    Harness h;
    LockController lock(*h.host);
    unlockFirstRun(lock);
    QSignalSpy locked(&lock, &LockController::locked);

    SECTION("hidden")
    {
        lock.handleApplicationState(Qt::ApplicationHidden);
        CHECK(lock.state() == LockController::Locked);
        CHECK(locked.count() == 1);
        CHECK(lock.clinicianName().isEmpty());
    }
    SECTION("suspended")
    {
        lock.handleApplicationState(Qt::ApplicationSuspended);
        CHECK(lock.state() == LockController::Locked);
    }
    SECTION("inactive, then back before the grace ends")
    {
        lock.setInactiveGraceMs(100);
        lock.handleApplicationState(Qt::ApplicationInactive);
        lock.handleApplicationState(Qt::ApplicationActive);
        waitFor([] { return false; }, 200);
        CHECK(lock.state() == LockController::Unlocked);
        lock.handleApplicationState(Qt::ApplicationInactive);
        CHECK(waitFor([&] { return lock.state() == LockController::Locked; }, 2000));
    }
    // The store is closed with the lock: the key is gone from memory.
    const bool closed = h.onStore<bool>([](WorkerState &state) { return !state.store; });
    CHECK(closed);
}

TEST_CASE("A lock asked for during an unlock is applied when the unlock ends", "[app]")
{
    Harness h;
    LockController lock(*h.host);
    unlockFirstRun(lock);
    lock.lock();
    QSignalSpy unlocked(&lock, &LockController::unlocked);
    QSignalSpy locked(&lock, &LockController::locked);

    SECTION("the app goes to the background while the key is derived")
    {
        lock.unlock(QStringLiteral("258036"));
        REQUIRE(lock.state() == LockController::Unlocking);
        lock.handleApplicationState(Qt::ApplicationHidden);
    }
    SECTION("Lock is asked for while the key is derived")
    {
        lock.unlock(QStringLiteral("258036"));
        REQUIRE(lock.state() == LockController::Unlocking);
        lock.lock();
    }
    REQUIRE(waitFor([&] { return lock.state() != LockController::Unlocking; }));
    CHECK(lock.state() == LockController::Locked);
    CHECK(unlocked.count() == 0);
    CHECK(locked.count() == 1);
    CHECK(lock.clinicianName().isEmpty());
    // The store the unlock opened is closed again: no key left in memory.
    const bool closed = h.onStore<bool>([](WorkerState &state) { return !state.store; });
    CHECK(closed);
    // The lock was used up: the next unlock opens normally.
    lock.unlock(QStringLiteral("258036"));
    REQUIRE(waitFor([&] { return lock.state() == LockController::Unlocked; }));
    CHECK(unlocked.count() == 1);
}

TEST_CASE("Locking drops the open session from memory; the unlock brings it back", "[app]")
{
    LockedCapture app;
    SessionController &capture = app.capture;
    const QString id = app.start();
    const QString patientName = capture.patientName();
    REQUIRE_FALSE(patientName.isEmpty());
    REQUIRE(waitFor([&] { return capture.diagnoses()->search()->ready(); }));
    REQUIRE(capture.diagnoses()->add(QStringLiteral("F41.1")));
    capture.details()->setModality(QStringLiteral("video"));
    capture.participants()->add(QStringLiteral("Alex Rivera"), QStringLiteral("family_member"));
    app.settle();
    app.h.clock.advanceMs(10 * 60'000);
    // Typed within the last second: not autosaved yet when the lock comes.
    const QString typed = QStringLiteral("Fictional note typed just before the lock.");
    capture.note()->setText(typed);
    REQUIRE(capture.note()->dirty());

    app.lockAndCheckForgotten();
    app.h.clock.advanceMs(5 * 60'000); // the timer runs on while the screen is locked

    app.unlockAndWaitFor(id);
    CHECK(capture.phase() == SessionController::Running);
    CHECK(capture.patientName() == patientName);
    CHECK(capture.note()->text() == typed); // read back from the store: the flush was saved
    CHECK_FALSE(capture.note()->dirty());
    REQUIRE(capture.diagnoses()->rowCount() == 1);
    CHECK(capture.details()->modality() == QStringLiteral("video"));
    CHECK(capture.participants()->rowCount() == 2);
    CHECK(capture.timer()->elapsedSeconds() == 15 * 60);
    // No tap was added by the lock: one Start, still running.
    REQUIRE(capture.session().has_value());
    CHECK(capture.session()->timing.size() == 1);
    CHECK_FALSE(capture.error().isError());
}

TEST_CASE("After an unlock a stopped draft or a signed session is back where it was", "[app]")
{
    LockedCapture app;
    SessionController &capture = app.capture;
    const QString id = app.start();
    REQUIRE(waitFor([&] { return capture.diagnoses()->search()->ready(); }));
    REQUIRE(capture.diagnoses()->add(QStringLiteral("F41.1")));
    capture.note()->applyTemplate(QStringLiteral("SOAP"));
    app.h.clock.advanceMs(40 * 60'000);
    capture.timer()->stop();
    app.settle();

    SECTION("a stopped draft (no timer running: only the remembered id finds it)")
    {
        app.lockAndCheckForgotten();
        app.unlockAndWaitFor(id);
        CHECK(capture.phase() == SessionController::Stopped);
        CHECK(capture.timer()->elapsedSeconds() == 40 * 60);
        CHECK(capture.note()->templateName() == QStringLiteral("SOAP"));
        CHECK(capture.editable());
    }
    SECTION("a signed session being read")
    {
        REQUIRE(waitFor([&] { return capture.canSign(); }));
        capture.sign();
        REQUIRE(waitFor([&] { return capture.phase() == SessionController::Signed; }));
        app.lockAndCheckForgotten();
        app.unlockAndWaitFor(id);
        CHECK(capture.phase() == SessionController::Signed);
        CHECK_FALSE(capture.editable());
    }
    SECTION("a closed session stays closed")
    {
        capture.close();
        app.lockAndCheckForgotten();
        app.lock.unlock(QStringLiteral("258036"));
        REQUIRE(waitFor([&] { return app.lock.state() == LockController::Unlocked; }));
        app.settle();
        waitFor([] { return false; }, 100);
        CHECK(capture.phase() == SessionController::Idle);
        CHECK(capture.sessionId().isEmpty());
    }
}

TEST_CASE("A session opening as the app locks is not shown until the unlock", "[app]")
{
    LockedCapture app;
    SessionController &capture = app.capture;
    const QString id = app.start();
    capture.timer()->stop();
    app.settle();
    capture.close();
    // The open job is on its way when the lock comes: its answer must not bring PHI back.
    capture.open(id);
    REQUIRE(capture.busy());
    app.lockAndCheckForgotten();
    CHECK(capture.patientName().isEmpty());
    app.unlockAndWaitFor(id);
    CHECK(capture.phase() == SessionController::Stopped);
    CHECK_FALSE(capture.patientName().isEmpty());
}

TEST_CASE("A store job that throws locks the app; later jobs still run, in order", "[app]")
{
    Harness h;
    LockController lock(*h.host);
    unlockFirstRun(lock);
    QStringList failures;
    QObject::connect(h.host.get(), &StoreHost::jobFailed,
                     [&failures](const QString &what) { failures.append(what); });

    // Three jobs queued back to back: the middle one throws and delivers nothing.
    QList<int> delivered;
    QObject receiver;
    h.host->run<int>(
        &receiver, [](WorkerState &) { return 1; },
        [&delivered](const int &n) { delivered.append(n); });
    h.host->run<int>(
        &receiver, [](WorkerState &) -> int { throw std::runtime_error("boom"); },
        [&delivered](const int &n) { delivered.append(n); });
    h.host->run<int>(
        &receiver, [](WorkerState &) { return 3; },
        [&delivered](const int &n) { delivered.append(n); });

    REQUIRE(
        waitFor([&] { return delivered.size() == 2 && lock.state() == LockController::Locked; }));
    CHECK(delivered == QList<int>{1, 3});
    CHECK(failures == QStringList{QStringLiteral("exception")});
    // The message names no exception text, and the store is closed.
    CHECK(lock.error().kind() == AppError::LockedAfterError);
    const bool closed = h.onStore<bool>([](WorkerState &state) { return !state.store; });
    CHECK(closed);
    // Unlocking again works.
    lock.unlock(QStringLiteral("258036"));
    REQUIRE(waitFor([&] { return lock.state() == LockController::Unlocked; }));
}

TEST_CASE("The minimum passcode policy: length, no repeats, no runs", "[app]")
{
    using P = LockController::PasscodeProblem;
    struct Case {
        const char *passcode;
        P problem;
    };
    const Case cases[] = {
        {"12345", P::PasscodeTooShort},          {"", P::PasscodeTooShort},
        {"000000", P::PasscodeRepetitive},       {"aaaaaaaa", P::PasscodeRepetitive},
        {"121212", P::PasscodeRepetitive},       {"1231231", P::PasscodeRepetitive},
        {"123456", P::PasscodeSequential},       {"987654", P::PasscodeSequential},
        {"7890123", P::PasscodeSequential},      {"abcdef", P::PasscodeSequential},
        {"FEDCBA", P::PasscodeSequential},       {"258036", P::NoPasscodeProblem},
        {"123457", P::NoPasscodeProblem},        {"12341234", P::NoPasscodeProblem},
        {"correct horse", P::NoPasscodeProblem},
    };
    for (const auto &c : cases) {
        INFO(c.passcode);
        CHECK(LockController::checkPasscode(QString::fromLatin1(c.passcode)) == c.problem);
    }

    // choosePasscode enforces it with the kind, and sets nothing up.
    Harness h;
    LockController lock(*h.host);
    QSignalSpy changed(&lock, &LockController::errorChanged);
    lock.choosePasscode(QStringLiteral("123456"), QStringLiteral("123456"));
    CHECK(lock.state() == LockController::FirstRun);
    CHECK(lock.passcodeProblem() == LockController::PasscodeSequential);
    CHECK(lock.error().kind() == AppError::PasscodeSequential);
    lock.choosePasscode(QStringLiteral("111111"), QStringLiteral("111111"));
    CHECK(lock.passcodeProblem() == LockController::PasscodeRepetitive);
    CHECK(lock.error().kind() == AppError::PasscodeRepetitive);
    lock.choosePasscode(QStringLiteral("258036"), QStringLiteral("258037"));
    CHECK(lock.passcodeProblem() == LockController::PasscodeMismatch);
    CHECK(lock.error().kind() == AppError::PasscodeMismatch);
    CHECK(changed.count() == 3);
    CHECK_FALSE(h.host->vaultExists());
    lock.choosePasscode(QStringLiteral("258036"), QStringLiteral("258036"));
    CHECK(lock.passcodeProblem() == LockController::NoPasscodeProblem);
    REQUIRE(waitFor([&] { return lock.state() == LockController::Unlocked; }));
}

TEST_CASE("The practice's wipe policy erases the store after N wrong passcodes", "[app]")
{
    Harness h(QString(), nullptr, Harness::demoDevice(), /*wipeAfterFailures=*/3);
    LockController lock(*h.host);
    lock.setRetryTickMs(1);
    unlockFirstRun(lock);
    const QString storePath = QDir(h.dataDir).filePath(QStringLiteral("device.db"));
    REQUIRE(QFile::exists(storePath));
    lock.lock();
    for (int i = 0; i < 3; ++i) {
        REQUIRE(waitFor([&] { return lock.retryAfterSeconds() == 0; }, 5000));
        h.clock.advanceMs(60'000);
        lock.unlock(QStringLiteral("999999"));
        REQUIRE(waitFor([&] { return lock.state() != LockController::Unlocking; }));
    }
    CHECK(lock.state() == LockController::FirstRun);
    CHECK(lock.error().kind() == AppError::Wiped);
    CHECK_FALSE(h.host->vaultExists());
    CHECK_FALSE(QFile::exists(storePath));
    // A new passcode makes a new, empty device.
    unlockFirstRun(lock);
}
