// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "domain/session.h"

#include <QDate>
#include <QDateTime>
#include <QTimeZone>

#include <cstdint>
#include <optional>

namespace sb {

class Clock;

/**
 * A device clock whose offset from the server's (server time minus device time, as the last
 * sync measured it) is larger than this, either way, is flagged as skewed. The sync client's
 * flag (SyncClient::Options::skewThresholdMs) and the timer's date of service use this one
 * rule; five minutes is more than any round trip and less than any clock a person set wrong.
 */
inline constexpr std::int64_t clockSkewThresholdMs = 5 * 60'000;

/// Whether a device clock `serverOffsetMs` away from the server's is flagged as skewed.
[[nodiscard]] bool isClockSkewed(std::int64_t serverOffsetMs,
                                 std::int64_t thresholdMs = clockSkewThresholdMs);

/**
 * A timer tap now by `clock`: its wall clock, monotonic clock and boot, and the server offset
 * known now (nullopt: no sync ever measured one; the tap then says so and carries 0).
 */
[[nodiscard]] TimingEvent timingEventNow(TimingEventKind kind, const Clock &clock,
                                         std::optional<std::int64_t> serverOffsetMs);

/// A tap's wall clock corrected by its server offset (the server's time of the tap); invalid
/// when the tap has no wall clock or no known offset. Saturates on hostile values.
[[nodiscard]] QDateTime serverTimeOf(const TimingEvent &tap);

/**
 * How a session's date of service follows from its Start tap, in the practice's time zone (on
 * the device: the device's zone). The date is the corrected start instant's when the offset the
 * tap carries flags the device clock as skewed; otherwise the device clock's, as before: an
 * unskewed clock is trusted (its few seconds or minutes never matter to a date), and with no
 * offset known there is nothing better to use, which the trail then says.
 */
struct ServiceDate {
    enum class Source {
        DeviceClock,   ///< A known offset within the threshold: the device clock's date.
        ServerTime,    ///< The device clock was flagged as skewed: the corrected date.
        NoServerOffset ///< No sync had measured an offset: the device clock's date.
    };
    QDate date;
    Source source = Source::NoServerOffset;
    QDateTime deviceStartUtc;        ///< The Start tap by the device clock.
    QDateTime serverStartUtc;        ///< By the server's time; invalid with no offset known.
    std::int64_t serverOffsetMs = 0; ///< Server minus device, as the tap recorded it.
    friend bool operator==(const ServiceDate &, const ServiceDate &) = default;
};

/// The date of service of a session whose Start tap is `start` (see ServiceDate).
[[nodiscard]] ServiceDate serviceDateOf(const TimingEvent &start, const QTimeZone &zone,
                                        std::int64_t thresholdMs = clockSkewThresholdMs);

} // namespace sb
