// SPDX-License-Identifier: Apache-2.0
// A killed app reopens its running session, proven with a real SIGKILL. The test binary runs
// itself again as "the app before the kill" (SESSIONBOOK_TEST_CHILD=<data directory>): it
// chooses the passcode, starts a session for a caseload patient, waits until the Start tap
// is stored, prints the session id and blocks. The test kills it, then builds a fresh store
// host and controllers on the same directory, unlocks, and expects the unlock alone (wired as
// clinicianapp.cpp wires it) to bring the same session back with its time counted from the
// stored taps. Both processes use the SystemClock: same boot, same monotonic counter.
#include "apptestharness.h"
#include "catchqt.h"
#include "lockcontroller.h"
#include "sessioncontroller.h"
#include "util/clock.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTimer>

#include <algorithm>
#include <catch2/catch_session.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <cstdio>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#endif

using namespace sb;
using namespace sb::app;
using namespace sb::app::testing;

namespace {

constexpr const char *childDirVariable = "SESSIONBOOK_TEST_CHILD";
constexpr const char *childPauseVariable = "SESSIONBOOK_TEST_CHILD_PAUSE";
constexpr int childLifetimeMs = 60'000;

QString passcode()
{
    return QStringLiteral("kill-test-passcode");
}

/// The app before the kill. Prints "session <id>" once the Start tap (and the Pause tap when
/// asked) is stored, then runs until killed. No Catch2 here: this is not a test case.
int runChild(const QString &dataDir, bool pauseFirst)
{
#ifdef Q_OS_LINUX
    // Never outlive the test: a parent that dies takes this process with it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    const SystemClock clock;
    Harness h(dataDir, &clock);
    LockController lock(*h.host);
    SessionController capture(*h.host);
    lock.choosePasscode(passcode(), passcode());
    if (!waitFor([&] { return lock.state() == LockController::Unlocked; })) {
        std::fprintf(stderr, "child: no unlock\n");
        return 2;
    }
    const auto [patientId, patientName] = h.caseloadPatient();
    capture.start(patientId, patientName);
    const SessionController::Phase phase =
        pauseFirst ? SessionController::Paused : SessionController::Running;
    bool tapped =
        waitFor([&] { return capture.phase() == SessionController::Running && !capture.busy(); });
    if (tapped && pauseFirst) {
        capture.timer()->pause();
        tapped = waitFor([&] { return capture.phase() == phase && !capture.busy(); });
    }
    if (!tapped || capture.error().isError()) {
        std::fprintf(stderr, "child: the session was not started\n");
        return 3;
    }
    std::printf("session %s\n", qPrintable(capture.sessionId()));
    std::fflush(stdout);
    // Blocks like the running app would; the lifetime is only a backstop.
    QTimer::singleShot(childLifetimeMs, QCoreApplication::instance(), &QCoreApplication::quit);
    return QCoreApplication::exec();
}

/// The child process; killed and reaped however the test ends.
class Child {
public:
    explicit Child(const QString &dataDir, bool pauseFirst)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QString::fromLatin1(childDirVariable), dataDir);
        if (pauseFirst) {
            env.insert(QString::fromLatin1(childPauseVariable), QStringLiteral("1"));
        }
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(QCoreApplication::applicationFilePath(), QStringList());
    }
    ~Child() { kill(); }
    Child(const Child &) = delete;
    Child &operator=(const Child &) = delete;

    /// The session id the child printed, or empty when it did not within the timeout.
    QString sessionId(int timeoutMs = 20'000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            while (m_process.canReadLine()) {
                const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
                if (line.startsWith(QStringLiteral("session "))) {
                    return line.mid(8);
                }
            }
            if (m_process.state() == QProcess::NotRunning) {
                return {};
            }
            m_process.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
        }
        return {};
    }

    /// SIGKILL, then waits until it is gone; true when it died of the signal.
    bool kill()
    {
        if (m_process.state() == QProcess::NotRunning) {
            return false;
        }
        m_process.kill();
        m_process.waitForFinished(10'000);
        return m_process.state() == QProcess::NotRunning
               && m_process.exitStatus() == QProcess::CrashExit;
    }

private:
    QProcess m_process;
};

/// What the test reads back from the store about one session.
struct Stored {
    bool found = false;
    bool isSigned = false;
    QList<TimingEventKind> taps;
};

} // namespace

TEST_CASE("A killed app reopens its interrupted session on the next unlock (real SIGKILL)", "[app]")
{
    ensureApp();
    const bool pauseFirst = GENERATE(false, true);
    CAPTURE(pauseFirst);
    sb::test::TempDir shared;
    REQUIRE(shared.isValid());

    QElapsedTimer sinceStart; // starts after the child's tap: a lower bound on its age
    QString id;
    {
        Child child(shared.path(), pauseFirst);
        id = child.sessionId();
        sinceStart.start();
        REQUIRE_FALSE(id.isEmpty());
        REQUIRE(child.kill());
    }
    // Time passes with the app dead; a running timer must count it.
    waitFor([] { return false; }, 1'100);

    const SystemClock clock;
    Harness h(shared.path(), &clock);
    LockController lock(*h.host);
    SessionController capture(*h.host);
    // As clinicianapp.cpp wires them.
    QObject::connect(&lock, &LockController::unlocked, &capture,
                     &SessionController::resumeInterrupted);
    QObject::connect(&lock, &LockController::locked, &capture, &SessionController::handleLocked);
    REQUIRE(lock.state() == LockController::Locked);
    lock.unlock(passcode());
    REQUIRE(waitFor([&] {
        return lock.state() == LockController::Unlocked && capture.sessionId() == id
               && !capture.busy();
    }));
    CHECK_FALSE(capture.error().isError());
    CHECK_FALSE(capture.patientName().isEmpty());
    REQUIRE(capture.session().has_value());
    const TimingEvent start = capture.session()->timing.first();
    CHECK(start.kind == TimingEventKind::Start);
    CHECK(start.bootId == clock.bootId());

    if (!pauseFirst) {
        CHECK(capture.phase() == SessionController::Running);
        // Counted from the stored Start: at least the time since the child reported it, at
        // most the wall-clock time since the tap.
        const int elapsed = capture.timer()->elapsedSeconds();
        CHECK(elapsed >= 1);
        CHECK(elapsed >= int(sinceStart.elapsed() / 1000));
        CHECK(elapsed <= int(start.wallClockUtc.msecsTo(clock.nowUtc()) / 1000) + 1);
        CHECK(waitFor([&] { return capture.timer()->elapsedSeconds() > elapsed; }, 3'000));
    } else {
        CHECK(capture.phase() == SessionController::Paused);
        const int elapsed = capture.timer()->elapsedSeconds();
        CHECK(elapsed == int(capture.session()->elapsedMs() / 1000));
        CHECK(elapsed < int(sinceStart.elapsed() / 1000)); // the dead time was paused time
    }

    const SessionId sessionId = *SessionId::fromString(id);
    const Stored stored = h.onStore<Stored>([sessionId](WorkerState &state) {
        Stored out;
        auto s = state.store->sessions().session(state.actor, sessionId);
        if (s) {
            out.found = true;
            out.isSigned = s->isSigned();
            for (const TimingEvent &e : s->timing) {
                out.taps.append(e.kind);
            }
        }
        return out;
    });
    REQUIRE(stored.found);
    CHECK_FALSE(stored.isSigned);
    const QList<TimingEventKind> expected =
        pauseFirst ? QList<TimingEventKind>{TimingEventKind::Start, TimingEventKind::Pause}
                   : QList<TimingEventKind>{TimingEventKind::Start};
    CHECK(stored.taps == expected);
}

int main(int argc, char *argv[])
{
    if (const QString dir = qEnvironmentVariable(childDirVariable); !dir.isEmpty()) {
        ensureApp();
        return runChild(dir, qEnvironmentVariableIsSet(childPauseVariable));
    }
    return Catch::Session().run(argc, argv);
}
