// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "domain/servicedate.h"

#include <QString>
#include <QTimeZone>

#include <cstdint>
#include <optional>

namespace sb {
class Clock;
}

namespace sb::app {

/**
 * The timer's time, on the GUI thread: the device clock, plus the server offset the last sync
 * measured (SyncStatus's snapshot, fed by the composition root) and the time zone dates are
 * taken in (the device's). Every tap records the offset known when it is taken; the date of
 * service comes from the Start tap (core's serviceDateOf: corrected when the offset flags the
 * device clock as skewed).
 */
class TimerClock {
public:
    explicit TimerClock(const Clock &clock, QTimeZone zone = QTimeZone::systemTimeZone())
        : m_clock(clock)
        , m_zone(std::move(zone))
    {
    }

    /// The offset from the last sync (server minus device); nullopt when none was measured.
    void setServerOffset(std::optional<std::int64_t> offsetMs) { m_offsetMs = offsetMs; }
    [[nodiscard]] std::optional<std::int64_t> serverOffset() const { return m_offsetMs; }
    [[nodiscard]] const QTimeZone &timeZone() const { return m_zone; }

    /// A tap now, carrying the offset known now.
    [[nodiscard]] TimingEvent tap(TimingEventKind kind) const;
    /// The date of service of a session started by `start`.
    [[nodiscard]] ServiceDate serviceDate(const TimingEvent &start) const;

private:
    const Clock &m_clock;
    QTimeZone m_zone;
    std::optional<std::int64_t> m_offsetMs;
};

/**
 * The session trail's words for how its date of service was found, with the device's and the
 * server's start times in `zone`: for a clock flagged as skewed and for a session started
 * before any sync; empty when the device clock agreed with the server's. Dates, times and the
 * size of the offset only: never PHI.
 */
[[nodiscard]] QString serviceDateText(const ServiceDate &date, const QTimeZone &zone);

} // namespace sb::app
