// SPDX-License-Identifier: Apache-2.0
#include "util/clock.h"

#include <chrono>

namespace sb {

QDateTime SystemClock::nowUtc() const
{
    return QDateTime::currentDateTimeUtc();
}

std::int64_t SystemClock::nowMsSinceEpoch() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

std::int64_t SystemClock::monotonicMs() const
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

QDateTime ManualClock::nowUtc() const
{
    return QDateTime::fromMSecsSinceEpoch(m_wallMs, Qt::UTC);
}

} // namespace sb
