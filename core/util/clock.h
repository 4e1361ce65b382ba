// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>

#include <cstdint>

namespace sb {

/**
 * The source of time for everything in core and sync. Injected, so that tests can run the
 * device at +48 h, freeze time, or step it; production code uses SystemClock.
 */
class Clock {
public:
    virtual ~Clock() = default;
    /// Wall-clock time in UTC (may jump when the user or NTP changes it).
    [[nodiscard]] virtual QDateTime nowUtc() const = 0;
    /// Milliseconds since the Unix epoch, wall clock.
    [[nodiscard]] virtual std::int64_t nowMsSinceEpoch() const = 0;
    /// A monotonic millisecond counter that never goes back (for durations, not dates).
    /// It restarts when the device boots.
    [[nodiscard]] virtual std::int64_t monotonicMs() const = 0;
    /// Names this boot of the device: two monotonic readings compare only under the same id.
    [[nodiscard]] virtual std::int64_t bootId() const = 0;
};

class SystemClock final : public Clock {
public:
    [[nodiscard]] QDateTime nowUtc() const override;
    [[nodiscard]] std::int64_t nowMsSinceEpoch() const override;
    [[nodiscard]] std::int64_t monotonicMs() const override;
    /// From the kernel's boot id (Linux, Android); elsewhere the boot instant, to the minute.
    [[nodiscard]] std::int64_t bootId() const override;
};

/// A clock that moves only when told to. For tests and simulations.
class ManualClock final : public Clock {
public:
    explicit ManualClock(std::int64_t msSinceEpoch = 1'767'225'600'000 /* 2026-01-01 */)
        : m_wallMs(msSinceEpoch)
    {
    }
    [[nodiscard]] QDateTime nowUtc() const override;
    [[nodiscard]] std::int64_t nowMsSinceEpoch() const override { return m_wallMs; }
    [[nodiscard]] std::int64_t monotonicMs() const override { return m_monotonicMs; }
    [[nodiscard]] std::int64_t bootId() const override { return m_bootId; }

    /// Moves both clocks forward.
    void advanceMs(std::int64_t ms)
    {
        m_wallMs += ms;
        m_monotonicMs += ms;
    }
    /// Sets the wall clock only (a user changing the date, a skewed device).
    void setWallMs(std::int64_t msSinceEpoch) { m_wallMs = msSinceEpoch; }
    /// The device restarts: a new boot id, the monotonic counter from zero, the wall clock on.
    void reboot()
    {
        ++m_bootId;
        m_monotonicMs = 0;
    }

private:
    std::int64_t m_wallMs;
    std::int64_t m_monotonicMs = 0;
    std::int64_t m_bootId = 1;
};

} // namespace sb
