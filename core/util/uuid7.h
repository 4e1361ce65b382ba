// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QUuid>

#include <cstdint>
#include <mutex>

namespace sb {

class Clock;

/**
 * Generates RFC 9562 version-7 UUIDs: 48 bits of Unix milliseconds, then a 12-bit counter
 * that keeps ids from one generator strictly increasing within a millisecond (and across a
 * wall clock that steps back), then 62 random bits from the system CSPRNG.
 * Time-ordered ids keep B-tree inserts at the right edge of the index.
 */
class Uuid7Generator {
public:
    explicit Uuid7Generator(const Clock &clock);
    [[nodiscard]] QUuid next();

    /// The millisecond timestamp a v7 UUID carries (for tests and diagnostics).
    [[nodiscard]] static std::int64_t timestampMs(const QUuid &uuid);

private:
    const Clock &m_clock;
    std::mutex m_mutex;
    std::int64_t m_lastMs = -1;
    std::uint32_t m_counter = 0;
};

} // namespace sb
