// SPDX-License-Identifier: Apache-2.0
// The timer and a device clock that is off: each tap records the server offset the last sync
// measured (through the real SyncBridge and SyncClient, from the store as a sync left it), the
// date of service is the server's when that offset flags the clock as skewed, Today lists the
// session on that day, and the session trail says what happened with both start times. The
// device clock three hours ahead and three hours behind around local midnight; an unskewed
// clock and one never checked against the server keep the device's date.
#include "apptestharness.h"
#include "catchqt.h"
#include "client/devicesyncstore.h"
#include "client/tokenstore.h"
#include "lockcontroller.h"
#include "sessioncontroller.h"
#include "sessiontrailmodel.h"
#include "syncbridge.h"
#include "syncstatus.h"
#include "todaymodel.h"

#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::app;
using namespace sb::app::testing;

namespace {

constexpr std::int64_t minuteMs = 60'000;
constexpr std::int64_t hourMs = 60 * minuteMs;

/// A June day (no daylight-saving change anywhere near it) in the device's own zone.
const QDate june10(2026, 6, 10);
const QDate june11(2026, 6, 11);

std::int64_t localMs(const QDate &day, const QTime &time)
{
    return QDateTime(day, time, QTimeZone::systemTimeZone()).toMSecsSinceEpoch();
}

/// One clinician device wired as app/clinician/clinicianapp.cpp wires it: the sync bridge
/// feeds SyncStatus, whose offset the capture screen's timer clock takes.
struct TimerDevice {
    Harness h;
    LockController lock{*h.host};
    SyncStatus status{h.clock};
    std::unique_ptr<SyncBridge> bridge;
    TodayModel today{*h.host};
    SessionController capture{*h.host};
    SessionTrailModel trail{*h.host};

    TimerDevice()
    {
        SyncBridge::Config config;
        config.tokens = std::make_shared<sync::MemoryTokenStore>();
        config.options.periodicIntervalMs = 0;
        bridge = std::make_unique<SyncBridge>(*h.host, status, config);
        QObject::connect(&status, &SyncStatus::changed, &capture,
                         [this] { capture.timerClock().setServerOffset(status.serverOffsetMs()); });
    }

    /// Unlocks with the device clock at `deviceMs`; with `offsetMs`, the last sync (before
    /// this unlock) measured that offset and the store kept it. Then the sync client starts.
    void unlockAt(std::int64_t deviceMs, std::optional<std::int64_t> offsetMs)
    {
        h.clock.setWallMs(deviceMs);
        unlockFirstRun(lock);
        if (offsetMs) {
            const bool recorded = h.onStore<bool>([offset = *offsetMs](WorkerState &state) {
                return sync::DeviceSyncStore(*state.store)
                    .recordServerOffset(offset, state.clock.nowUtc())
                    .hasValue();
            });
            REQUIRE(recorded);
        }
        bool started = false;
        QObject::connect(bridge.get(), &SyncBridge::started, bridge.get(),
                         [&started] { started = true; });
        bridge->start();
        REQUIRE(waitFor([&] { return started; }));
        REQUIRE(status.serverOffsetMs() == offsetMs);
    }

    /// Starts a session for a caseload patient, runs it 50 min with a pause, stops it; the
    /// session as stored.
    Session captureSession()
    {
        const auto [patientId, patientName] = h.caseloadPatient();
        REQUIRE_FALSE(patientId.isEmpty());
        capture.start(patientId, patientName);
        REQUIRE(waitFor([&] { return capture.phase() == SessionController::Running; }));
        h.clock.advanceMs(20 * minuteMs);
        capture.timer()->pause();
        h.clock.advanceMs(5 * minuteMs);
        capture.timer()->resume();
        h.clock.advanceMs(30 * minuteMs);
        capture.timer()->stop();
        REQUIRE(waitFor([&] { return !capture.busy(); }));
        const SessionId id = capture.session()->id;
        const auto stored = h.onStore<std::optional<Session>>([id](WorkerState &state) {
            auto s = state.store->sessions().session(state.actor, id);
            return s ? std::optional<Session>(*s) : std::nullopt;
        });
        REQUIRE(stored);
        CHECK(stored->elapsedMinutes() == 50);
        return *stored;
    }

    /// The trail's words about the clock for `session`.
    QString clockTextOf(const Session &session, const QString &patientName)
    {
        bool loaded = false;
        const auto connection =
            QObject::connect(&trail, &SessionTrailModel::loaded, [&loaded] { loaded = true; });
        trail.load(session.id.toString(), patientName);
        REQUIRE(waitFor([&] { return loaded; }));
        QObject::disconnect(connection);
        return trail.clockText();
    }

    /// Whether Today (as it reloads now) lists `session`.
    bool todayLists(const Session &session)
    {
        bool loaded = false;
        const auto connection =
            QObject::connect(&today, &TodayModel::loaded, [&loaded] { loaded = true; });
        today.reload();
        REQUIRE(waitFor([&] { return loaded && !today.loading(); }));
        QObject::disconnect(connection);
        for (int row = 0; row < today.rowCount(); ++row) {
            if (today.index(row, 0).data(TodayModel::SessionIdRole).toString()
                == session.id.toString()) {
                return true;
            }
        }
        return false;
    }
};

void checkEveryTap(const Session &session, std::optional<std::int64_t> offsetMs)
{
    REQUIRE(session.timing.size() == 4);
    for (const TimingEvent &tap : session.timing) {
        CHECK(tap.serverOffsetKnown == offsetMs.has_value());
        CHECK(tap.serverOffsetMs == offsetMs.value_or(0));
    }
}

} // namespace

TEST_CASE("Device clock 3 h ahead at 22:30: taps keep the offset, the date of service is the "
          "server's, the trail shows both times",
          "[app]")
{
    TimerDevice d;
    const std::int64_t serverStart = localMs(june10, QTime(22, 30));
    d.unlockAt(serverStart + 3 * hourMs, -3 * hourMs); // the device says 01:30 on June 11
    const Session session = d.captureSession();

    checkEveryTap(session, -3 * hourMs);
    CHECK(session.dateOfService == june10);
    CHECK(d.todayLists(session)); // Today is the server's day too

    const QString patientName = d.h.caseloadPatient().second;
    const QString text = d.clockTextOf(session, patientName);
    CHECK(text.contains(QStringLiteral("3 h ahead")));
    CHECK(text.contains(QStringLiteral("Jun 11, 01:30"))); // the device's start
    CHECK(text.contains(QStringLiteral("Jun 10, 22:30"))); // the server's start
    CHECK(text.contains(june10.toString(QStringLiteral("MMM d, yyyy"))));
    for (const QString &part : patientName.split(QStringLiteral(", "))) {
        CHECK_FALSE(text.contains(part)); // no PHI
    }
}

TEST_CASE("Device clock 3 h behind at 01:30: the date of service is the server's next day", "[app]")
{
    TimerDevice d;
    const std::int64_t serverStart = localMs(june11, QTime(1, 30));
    d.unlockAt(serverStart - 3 * hourMs, 3 * hourMs); // the device still says 22:30 on June 10
    const Session session = d.captureSession();

    checkEveryTap(session, 3 * hourMs);
    CHECK(session.dateOfService == june11);
    CHECK(d.todayLists(session));

    const QString text = d.clockTextOf(session, d.h.caseloadPatient().second);
    CHECK(text.contains(QStringLiteral("3 h behind")));
    CHECK(text.contains(QStringLiteral("Jun 10, 22:30")));
    CHECK(text.contains(QStringLiteral("Jun 11, 01:30")));
}

TEST_CASE("An unskewed device clock keeps its date and its trail says nothing more", "[app]")
{
    // 23:59:30 on the device, 90 s behind the server (already June 11 there): no skew.
    TimerDevice d;
    d.unlockAt(localMs(june10, QTime(23, 59, 30)), 90'000);
    const Session session = d.captureSession();

    checkEveryTap(session, 90'000);
    CHECK(session.dateOfService == june10);
    CHECK(d.clockTextOf(session, d.h.caseloadPatient().second).isEmpty());
}

TEST_CASE("A device that never synced keeps its clock's date, and the trail says so", "[app]")
{
    // 3 h ahead, but no sync ever measured it: nothing to correct with.
    TimerDevice d;
    d.unlockAt(localMs(june10, QTime(22, 30)) + 3 * hourMs, std::nullopt);
    const Session session = d.captureSession();

    checkEveryTap(session, std::nullopt);
    CHECK(session.dateOfService == june11);
    CHECK(d.todayLists(session));

    const QString text = d.clockTextOf(session, d.h.caseloadPatient().second);
    CHECK(text.contains(QStringLiteral("had not synced")));
    CHECK(text.contains(QStringLiteral("Jun 11, 01:30")));
    CHECK(text.contains(QStringLiteral("by the device's clock")));
}
