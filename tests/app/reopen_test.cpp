// SPDX-License-Identifier: Apache-2.0
// Reopening work from Today and from office tasks: today's sessions are listed with their
// phase, a draft continues where its timing events left it (a running timer survives a
// killed app), a signed session opens read-only and takes addenda.
#include "apptestharness.h"
#include "catchqt.h"
#include "lockcontroller.h"
#include "sessioncontroller.h"
#include "taskmodel.h"
#include "todaymodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <catch2/catch_test_macros.hpp>
#include <memory>

using namespace sb;
using namespace sb::app;
using namespace sb::app::testing;

namespace {

/// An unlocked app whose capture controller can be "killed" and built again.
struct App {
    Harness h;
    LockController lock{*h.host};
    TodayModel today{*h.host};
    std::unique_ptr<SessionController> capture = std::make_unique<SessionController>(*h.host);

    App()
    {
        unlockFirstRun(lock);
        reloadToday();
    }

    void reloadToday()
    {
        today.reload();
        REQUIRE(waitFor([&] { return !today.loading() && today.rowCount() > 0; }));
    }

    /// The row of a caseload patient (no session on it): tapping it starts a session.
    [[nodiscard]] QModelIndex caseloadRow() const
    {
        for (int i = 0; i < today.rowCount(); ++i) {
            if (!today.index(i, 0).data(TodayModel::SeenTodayRole).toBool()) {
                return today.index(i, 0);
            }
        }
        return {};
    }

    /// Today's row for a session, or an invalid index.
    [[nodiscard]] QModelIndex sessionRow(const QString &sessionId) const
    {
        for (int i = 0; i < today.rowCount(); ++i) {
            if (today.index(i, 0).data(TodayModel::SessionIdRole).toString() == sessionId) {
                return today.index(i, 0);
            }
        }
        return {};
    }

    /// Starts a session for the first caseload patient; returns its id.
    QString startNew()
    {
        const QModelIndex row = caseloadRow();
        REQUIRE(row.isValid());
        capture->start(row.data(TodayModel::PatientIdRole).toString(),
                       row.data(TodayModel::PatientNameRole).toString());
        REQUIRE(waitFor([&] { return capture->phase() == SessionController::Running; }));
        settle();
        return capture->sessionId();
    }

    void settle()
    {
        REQUIRE(waitFor([&] { return !capture->busy(); }));
    }

    /// What resumeInterrupted() would reopen, as the store answers it; empty for none.
    QString interrupted()
    {
        return h.onStore<QString>([](WorkerState &state) {
            auto found =
                state.store->sessions().interruptedSession(state.actor, state.provider->id);
            return found && found->has_value() ? (*found)->toString() : QString();
        });
    }

    /// The app is killed: the controller goes without stop or close.
    void kill() { capture = std::make_unique<SessionController>(*h.host); }

    void open(const QString &id)
    {
        capture->open(id);
        REQUIRE(waitFor([&] { return capture->sessionId() == id && !capture->busy(); }));
    }
};

TimingEvent event(TimingEventKind kind)
{
    TimingEvent e;
    e.kind = kind;
    return e;
}

} // namespace

TEST_CASE("SessionController::phaseOf: the phase a stored session resumes in", "[app]")
{
    Session s;
    CHECK(SessionController::phaseOf(s) == SessionController::Stopped);
    s.timing = {event(TimingEventKind::Start)};
    CHECK(SessionController::phaseOf(s) == SessionController::Running);
    s.timing.append(event(TimingEventKind::Pause));
    CHECK(SessionController::phaseOf(s) == SessionController::Paused);
    s.timing.append(event(TimingEventKind::Resume));
    CHECK(SessionController::phaseOf(s) == SessionController::Running);
    s.timing.append(event(TimingEventKind::Stop));
    CHECK(SessionController::phaseOf(s) == SessionController::Stopped);
    s.signature = Signature{};
    CHECK(SessionController::phaseOf(s) == SessionController::Signed);
}

TEST_CASE("Today lists the day's sessions with their phase, then the caseload", "[app]")
{
    ModelTestGuard guard;
    App app;
    QAbstractItemModelTester tester(&app.today,
                                    QAbstractItemModelTester::FailureReportingMode::Warning);
    const QString patientId = app.caseloadRow().data(TodayModel::PatientIdRole).toString();
    const QString id = app.startNew();
    app.reloadToday();
    QModelIndex row = app.sessionRow(id);
    REQUIRE(row.isValid());
    CHECK(row.data(TodayModel::SeenTodayRole).toBool());
    CHECK(row.data(TodayModel::StateTextRole).toString() == QStringLiteral("Running"));
    CHECK(row.data(TodayModel::PatientIdRole).toString() == patientId);
    CHECK(app.today.roleNames().value(TodayModel::StateTextRole) == QByteArray("stateText"));
    // The patient stays in the caseload so that a second session can be started.
    bool inCaseload = false;
    bool sessionsFirst = true;
    bool caseloadSeen = false;
    for (int i = 0; i < app.today.rowCount(); ++i) {
        const QModelIndex r = app.today.index(i, 0);
        const bool seen = r.data(TodayModel::SeenTodayRole).toBool();
        sessionsFirst = sessionsFirst && !(seen && caseloadSeen);
        caseloadSeen = caseloadSeen || !seen;
        inCaseload =
            inCaseload || (!seen && r.data(TodayModel::PatientIdRole).toString() == patientId);
        CHECK(r.data(TodayModel::StateTextRole).toString().isEmpty() == !seen);
    }
    CHECK(inCaseload);
    CHECK(sessionsFirst);

    app.capture->timer()->pause();
    app.settle();
    app.reloadToday();
    CHECK(app.sessionRow(id).data(TodayModel::StateTextRole).toString()
          == QStringLiteral("Paused"));
    CHECK(app.sessionRow(id).data(TodayModel::ActiveRole).toBool());
    CHECK(app.interrupted() == id);
    app.capture->timer()->stop();
    app.settle();
    app.reloadToday();
    CHECK(app.sessionRow(id).data(TodayModel::StateTextRole).toString() == QStringLiteral("Draft"));
    CHECK_FALSE(app.sessionRow(id).data(TodayModel::ActiveRole).toBool());
    CHECK(app.interrupted().isEmpty());
    CHECK(ModelTestGuard::failures() == 0);
}

TEST_CASE("A running session reopened after the app was killed keeps counting", "[app]")
{
    App app;
    const QString id = app.startNew();
    app.h.clock.advanceMs(10 * 60 * 1000);
    app.kill();
    app.h.clock.advanceMs(5 * 60 * 1000);
    CHECK(app.capture->phase() == SessionController::Idle);

    QSignalSpy opened(app.capture.get(), &SessionController::sessionOpened);
    app.open(id);
    CHECK(opened.count() == 1);
    CHECK(app.capture->phase() == SessionController::Running);
    CHECK(app.capture->timer()->elapsedSeconds() == 15 * 60);
    CHECK_FALSE(app.capture->patientName().isEmpty());
    CHECK(app.capture->editable());
    CHECK_FALSE(app.capture->error().isError());
    app.h.clock.advanceMs(60 * 1000);
    CHECK(app.capture->timer()->elapsedSeconds() == 16 * 60);

    // The reopened session takes taps as before; all of them are stored.
    app.capture->timer()->pause();
    app.h.clock.advanceMs(3 * 60 * 1000);
    app.kill();
    app.open(id);
    CHECK(app.capture->phase() == SessionController::Paused);
    CHECK(app.capture->timer()->elapsedSeconds() == 16 * 60);
    app.capture->timer()->resume();
    app.h.clock.advanceMs(4 * 60 * 1000);
    app.capture->timer()->stop();
    app.settle();
    CHECK(app.capture->timer()->elapsedSeconds() == 20 * 60);
    app.kill();
    app.open(id);
    CHECK(app.capture->phase() == SessionController::Stopped);
    CHECK(app.capture->timer()->elapsedSeconds() == 20 * 60);
    CHECK(app.capture->session()->timing.size() == 4);
}

TEST_CASE("resumeInterrupted reopens a session started on an earlier day, only when idle", "[app]")
{
    App app;
    const QString id = app.startNew();
    app.capture->timer()->pause();
    app.settle();
    app.kill();
    app.h.clock.advanceMs(26 * 60 * 60'000); // the next day: not one of Today's sessions
    QSignalSpy opened(app.capture.get(), &SessionController::sessionOpened);
    app.capture->resumeInterrupted();
    REQUIRE(waitFor([&] { return app.capture->sessionId() == id && !app.capture->busy(); }));
    CHECK(opened.count() == 1);
    CHECK(app.capture->phase() == SessionController::Paused);
    CHECK_FALSE(app.capture->patientName().isEmpty());

    // With another session on screen it leaves that one there.
    app.kill(); // the first one is still paused in the store
    const QString other = app.startNew();
    app.capture->timer()->stop();
    app.settle();
    app.capture->resumeInterrupted();
    app.settle();
    CHECK(app.capture->sessionId() == other);
    CHECK(app.capture->phase() == SessionController::Stopped);
    CHECK(app.interrupted() == id);
}

TEST_CASE("After a reboot a running session counts by the wall clock", "[app]")
{
    App app;
    const QString id = app.startNew();
    app.kill();
    // The Start tap came from before a reboot: its monotonic stamp is above today's counter.
    const QDateTime wallStart = app.h.clock.nowUtc().addSecs(-7 * 60);
    const bool rewritten = app.h.onStore<bool>([id, wallStart](WorkerState &state) {
        auto s = state.store->sessions().session(state.actor, *SessionId::fromString(id));
        if (!s) {
            return false;
        }
        Session copy = s.value();
        copy.timing.last().monotonicMs = 1'000'000'000'000;
        copy.timing.last().wallClockUtc = wallStart;
        return bool(state.store->sessions().saveDraft(state.actor, copy));
    });
    REQUIRE(rewritten);
    app.open(id);
    CHECK(app.capture->phase() == SessionController::Running);
    CHECK(app.capture->timer()->elapsedSeconds() == 7 * 60);
}

TEST_CASE("A session started before a reboot and stopped after it counts the wall-clock time "
          "across (each tap carries the boot it came from)",
          "[app]")
{
    App app;
    const QString id = app.startNew();
    app.h.clock.advanceMs(10 * 60'000);
    app.kill();
    app.h.clock.reboot();               // monotonic counter back to zero, a new boot id
    app.h.clock.advanceMs(28 * 60'000); // the phone is off, then on again
    app.open(id);
    CHECK(app.capture->phase() == SessionController::Running);
    CHECK(app.capture->timer()->elapsedSeconds() == 38 * 60);
    app.capture->timer()->stop();
    app.settle();
    const auto &timing = app.capture->session()->timing;
    REQUIRE(timing.size() == 2);
    CHECK(timing.first().bootId != timing.last().bootId);
    // The stored minutes (what coding reads) bridge the reboot by the wall clock.
    CHECK(app.capture->session()->elapsedMs() == 38 * 60'000);
    CHECK(app.capture->codingHint().startsWith(QStringLiteral("38 min")));
}

TEST_CASE("Opening is refused while another session's timer runs", "[app]")
{
    App app;
    const QString first = app.startNew();
    app.capture->timer()->stop();
    app.settle();
    app.capture->close();
    app.reloadToday();
    const QString second = app.startNew();
    REQUIRE(first != second);
    app.capture->open(first);
    CHECK(app.capture->sessionId() == second);
    CHECK(app.capture->phase() == SessionController::Running);
    CHECK(app.capture->error().isError());
    app.capture->open(QStringLiteral("not-an-id"));
    CHECK(app.capture->sessionId() == second);

    app.capture->timer()->stop();
    app.settle();
    app.open(first); // a stopped session may be left for another
    CHECK(app.capture->phase() == SessionController::Stopped);
    CHECK_FALSE(app.capture->error().isError());
}

TEST_CASE("An office task opens its signed session ready for an addendum", "[app]")
{
    App app;
    const QString id = app.startNew();
    REQUIRE(waitFor([&] { return app.capture->diagnoses()->search()->ready(); }));
    REQUIRE(app.capture->diagnoses()->add(QStringLiteral("F41.1")));
    app.capture->note()->applyTemplate(QStringLiteral("SOAP"));
    app.h.clock.advanceMs(40 * 60 * 1000);
    app.capture->timer()->stop();
    app.settle();
    REQUIRE(waitFor([&] { return app.capture->canSign(); }));
    app.capture->sign();
    REQUIRE(waitFor([&] { return app.capture->phase() == SessionController::Signed; }));
    app.capture->close();
    CHECK(app.capture->sessionId().isEmpty());

    // Tapping the signed session on Today: read-only, addenda possible, no editor yet.
    app.open(id);
    CHECK(app.capture->phase() == SessionController::Signed);
    CHECK_FALSE(app.capture->editable());
    CHECK_FALSE(app.capture->addendumRequested());
    CHECK(app.capture->timer()->elapsedSeconds() == 40 * 60);
    app.capture->close();

    TaskModel tasks(*app.h.host);
    tasks.setRows({TaskRow{QStringLiteral("t1"), id, QStringLiteral("addendum_requested"),
                           QStringLiteral("Please add the times."), QStringLiteral("Doe, Jane"),
                           app.h.clock.nowUtc()}});
    // What TodayPage wires: a tapped task opens its session for an addendum.
    QObject::connect(&tasks, &TaskModel::sessionRequested, app.capture.get(),
                     &SessionController::openForAddendum);
    tasks.open(0);
    REQUIRE(waitFor([&] { return app.capture->sessionId() == id && !app.capture->busy(); }));
    CHECK(app.capture->phase() == SessionController::Signed);
    CHECK(app.capture->addendumRequested());
    app.capture->addenda()->add(QStringLiteral("Fictional addendum: times added."));
    REQUIRE(waitFor([&] { return app.capture->addenda()->rowCount() == 1; }));
    CHECK_FALSE(app.capture->addendumRequested());
    CHECK_FALSE(app.capture->error().isError());
    app.capture->close();
    app.open(id);
    CHECK(app.capture->addenda()->rowCount() == 1);
}
