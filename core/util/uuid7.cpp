// SPDX-License-Identifier: Apache-2.0
#include "util/uuid7.h"

#include "util/clock.h"

#include <QRandomGenerator>

#include <array>

namespace sb {

Uuid7Generator::Uuid7Generator(const Clock &clock)
    : m_clock(clock)
{
}

QUuid Uuid7Generator::next()
{
    std::int64_t ms = 0;
    std::uint32_t counter = 0;
    {
        std::lock_guard lock(m_mutex);
        ms = m_clock.nowMsSinceEpoch();
        if (ms <= m_lastMs) {
            // Same millisecond, or the wall clock went back: stay on the last timestamp and
            // count up, so ids stay ordered. On counter overflow borrow the next millisecond.
            ms = m_lastMs;
            if (++m_counter > 0xFFF) {
                ++ms;
                m_counter = 0;
            }
        } else {
            m_counter = 0;
        }
        m_lastMs = ms;
        counter = m_counter;
    }

    std::array<quint32, 2> random{};
    QRandomGenerator::system()->fillRange(random.data(), random.size());

    QByteArray bytes(16, Qt::Uninitialized);
    auto *b = reinterpret_cast<unsigned char *>(bytes.data());
    for (int i = 0; i < 6; ++i) {
        b[i] = static_cast<unsigned char>((ms >> (8 * (5 - i))) & 0xFF);
    }
    b[6] = static_cast<unsigned char>(0x70 | ((counter >> 8) & 0x0F)); // version 7
    b[7] = static_cast<unsigned char>(counter & 0xFF);
    b[8] = static_cast<unsigned char>(0x80 | (random[0] & 0x3F)); // variant 10
    b[9] = static_cast<unsigned char>((random[0] >> 8) & 0xFF);
    b[10] = static_cast<unsigned char>((random[0] >> 16) & 0xFF);
    b[11] = static_cast<unsigned char>((random[0] >> 24) & 0xFF);
    for (int i = 0; i < 4; ++i) {
        b[12 + i] = static_cast<unsigned char>((random[1] >> (8 * i)) & 0xFF);
    }
    return QUuid::fromRfc4122(bytes);
}

std::int64_t Uuid7Generator::timestampMs(const QUuid &uuid)
{
    const QByteArray bytes = uuid.toRfc4122();
    std::int64_t ms = 0;
    for (int i = 0; i < 6; ++i) {
        ms = (ms << 8) | static_cast<unsigned char>(bytes[i]);
    }
    return ms;
}

} // namespace sb
