// SPDX-License-Identifier: Apache-2.0
// The timer and the server offset: each tap records the offset the last sync measured (or that
// none was), the date of service comes from server time when that offset flags the device
// clock as skewed, and the store keeps both through a reopen and into the signature's hash.
// The device clock three hours off either way around local midnight.
#include "catchqt.h"
#include "domain/servicedate.h"
#include "fixtures.h"
#include "store/sessionrepository.h"

#include <catch2/catch_test_macros.hpp>
#include <limits>

using namespace sb;
using namespace sb::test;

namespace {

constexpr std::int64_t minuteMs = 60'000;
constexpr std::int64_t hourMs = 60 * minuteMs;

/// The practice's zone in these tests: a fixed UTC-06:00 (no daylight saving, no tzdata).
QTimeZone practiceZone()
{
    return QTimeZone(-6 * 3600);
}

/// ms since the epoch of a local wall time in practiceZone().
std::int64_t localMs(const QDate &day, const QTime &time)
{
    return QDateTime(day, time, practiceZone()).toMSecsSinceEpoch();
}

const QDate march9(2026, 3, 9);
const QDate march10(2026, 3, 10);

/// A Start tap taken on `clock` with the offset known (or not) at that moment.
TimingEvent startOn(const ManualClock &clock, std::optional<std::int64_t> offsetMs)
{
    return timingEventNow(TimingEventKind::Start, clock, offsetMs);
}

} // namespace

TEST_CASE("A tap records the clocks and the server offset known when it is taken")
{
    ManualClock clock(localMs(march9, QTime(22, 30)));
    clock.advanceMs(5000);
    const TimingEvent known = startOn(clock, -3 * hourMs);
    CHECK(known.kind == TimingEventKind::Start);
    CHECK(known.wallClockUtc == clock.nowUtc());
    CHECK(known.monotonicMs == 5000);
    CHECK(known.bootId == clock.bootId());
    CHECK(known.serverOffsetMs == -3 * hourMs);
    CHECK(known.serverOffsetKnown);

    const TimingEvent unknown = startOn(clock, std::nullopt);
    CHECK(unknown.serverOffsetMs == 0);
    CHECK_FALSE(unknown.serverOffsetKnown);
    CHECK_FALSE(serverTimeOf(unknown).isValid());
}

TEST_CASE("Device clock 3 h ahead before local midnight: the date of service is the server's")
{
    // The server says 22:30 on March 9; the device says 01:30 on March 10.
    const std::int64_t serverMs = localMs(march9, QTime(22, 30));
    ManualClock device(serverMs + 3 * hourMs);
    const TimingEvent start = startOn(device, -3 * hourMs);
    const ServiceDate date = serviceDateOf(start, practiceZone());
    CHECK(date.source == ServiceDate::Source::ServerTime);
    CHECK(date.date == march9);
    CHECK(date.deviceStartUtc.toMSecsSinceEpoch() == serverMs + 3 * hourMs);
    CHECK(date.serverStartUtc.toMSecsSinceEpoch() == serverMs);
    CHECK(date.serverOffsetMs == -3 * hourMs);
    CHECK(start.wallClockUtc.toTimeZone(practiceZone()).date() == march10); // what it was
}

TEST_CASE("Device clock 3 h behind after local midnight: the date of service is the server's")
{
    // The server says 01:30 on March 10; the device still says 22:30 on March 9.
    const std::int64_t serverMs = localMs(march10, QTime(1, 30));
    ManualClock device(serverMs - 3 * hourMs);
    const TimingEvent start = startOn(device, 3 * hourMs);
    const ServiceDate date = serviceDateOf(start, practiceZone());
    CHECK(date.source == ServiceDate::Source::ServerTime);
    CHECK(date.date == march10);
    CHECK(date.serverStartUtc.toMSecsSinceEpoch() == serverMs);
    CHECK(start.wallClockUtc.toTimeZone(practiceZone()).date() == march9);
}

TEST_CASE("An unskewed device clock keeps its own date, even a minute from midnight")
{
    // 23:59:30 on the device, 00:01:00 on the server: 90 s is no skew, the device's date holds.
    ManualClock device(localMs(march9, QTime(23, 59, 30)));
    const TimingEvent start = startOn(device, 90'000);
    const ServiceDate date = serviceDateOf(start, practiceZone());
    CHECK(date.source == ServiceDate::Source::DeviceClock);
    CHECK(date.date == march9);
    CHECK(date.serverStartUtc.isValid()); // known, just not needed

    // The threshold is the sync client's: five minutes exactly is not skewed, a bit more is.
    CHECK_FALSE(isClockSkewed(clockSkewThresholdMs));
    CHECK_FALSE(isClockSkewed(-clockSkewThresholdMs));
    CHECK(isClockSkewed(clockSkewThresholdMs + 1));
    CHECK(isClockSkewed(-clockSkewThresholdMs - 1));
    CHECK(isClockSkewed(std::numeric_limits<std::int64_t>::min()));
}

TEST_CASE("With no server offset known the device clock's date is kept, and marked so")
{
    // The same device 3 h ahead, but it never synced: nothing to correct with.
    ManualClock device(localMs(march9, QTime(22, 30)) + 3 * hourMs);
    const ServiceDate date = serviceDateOf(startOn(device, std::nullopt), practiceZone());
    CHECK(date.source == ServiceDate::Source::NoServerOffset);
    CHECK(date.date == march10);
    CHECK_FALSE(date.serverStartUtc.isValid());

    // An offset that is 0 because nothing measured it is no offset: a stored tap from before
    // the flag existed does not count as "checked and right".
    TimingEvent legacy = startOn(device, std::nullopt);
    legacy.serverOffsetMs = -3 * hourMs;
    CHECK(serviceDateOf(legacy, practiceZone()).source == ServiceDate::Source::NoServerOffset);
}

TEST_CASE("Hostile offsets saturate instead of overflowing")
{
    TimingEvent tap;
    tap.wallClockUtc = QDateTime::fromMSecsSinceEpoch(localMs(march9, QTime(12, 0)), Qt::UTC);
    tap.serverOffsetMs = std::numeric_limits<std::int64_t>::max();
    tap.serverOffsetKnown = true;
    // A date all the same (sanitizers catch an overflow): the wire caps real offsets anyway.
    CHECK(serviceDateOf(tap, practiceZone()).date.isValid());
    tap.serverOffsetMs = std::numeric_limits<std::int64_t>::min();
    CHECK(serviceDateOf(tap, practiceZone()).date.isValid());
}

TEST_CASE("The store keeps each tap's offset and whether it was known; the signature covers it")
{
    TestStore t;
    REQUIRE(t.store);
    auto created = Fixtures::create(*t.store);
    REQUIRE(created.hasValue());
    const Fixtures &f = *created;

    // Device 3 h ahead: started before a sync (no offset), then a sync measured it.
    t.clock.setWallMs(localMs(march9, QTime(22, 30)) + 3 * hourMs);
    Session s = f.draft;
    s.timing = {startOn(t.clock, std::nullopt)};
    t.clock.advanceMs(20 * minuteMs);
    s.timing.append(timingEventNow(TimingEventKind::Pause, t.clock, -3 * hourMs - 1234));
    t.clock.advanceMs(5 * minuteMs);
    s.timing.append(timingEventNow(TimingEventKind::Stop, t.clock, -3 * hourMs - 1234));
    REQUIRE(t.store->sessions().saveDraft(f.actor, s).hasValue());

    REQUIRE(t.reopen());
    auto loaded = t.store->sessions().session(f.actor, s.id);
    REQUIRE(loaded.hasValue());
    REQUIRE(loaded->timing.size() == 3);
    CHECK_FALSE(loaded->timing[0].serverOffsetKnown);
    CHECK(loaded->timing[1].serverOffsetKnown);
    CHECK(loaded->timing[1].serverOffsetMs == -3 * hourMs - 1234);
    CHECK(loaded->timing[2].serverOffsetKnown);
    CHECK(loaded->timing == s.timing);

    // The flag is part of what a signature covers (a flipped flag would redate the session).
    Session flipped = *loaded;
    flipped.timing[1].serverOffsetKnown = false;
    CHECK(sessionContentHash(flipped) != sessionContentHash(*loaded));

    auto signature = t.store->sessions().sign(f.actor, s.id, f.clinician.id, t.clock.nowUtc());
    REQUIRE(signature.hasValue());
    auto signedSession = t.store->sessions().session(f.actor, s.id);
    REQUIRE(signedSession.hasValue());
    CHECK(sessionContentHash(*signedSession) == signature->contentHash);

    // Signed taps are as fixed as the rest: the flag cannot be rewritten afterwards.
    auto tamper = t.store->database().prepare(
        "UPDATE session_timing SET server_offset_known = 0 WHERE session_id = ?");
    REQUIRE(tamper.hasValue());
    tamper->bind(1, s.id);
    CHECK(errorKind(tamper->run()) == StoreError::Kind::Immutable);
}
