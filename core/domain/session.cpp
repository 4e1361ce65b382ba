// SPDX-License-Identifier: Apache-2.0
#include "domain/session.h"

#include "util/saturating.h"

#include <algorithm>
#include <limits>

namespace sb {

namespace {
/// Duration between two events: the monotonic clock when both come from the same boot,
/// otherwise the wall clock (a reboot mid-session restarts the monotonic counter). The
/// events may come from another device, so the arithmetic saturates rather than overflows.
std::int64_t between(const TimingEvent &from, const TimingEvent &to)
{
    if (from.bootId == to.bootId) {
        return std::max<std::int64_t>(0, saturatingSub(to.monotonicMs, from.monotonicMs));
    }
    if (!from.wallClockUtc.isValid() || !to.wallClockUtc.isValid()) {
        return 0;
    }
    return std::max<std::int64_t>(0, saturatingSub(to.wallClockUtc.toMSecsSinceEpoch(),
                                                   from.wallClockUtc.toMSecsSinceEpoch()));
}
} // namespace

std::int64_t Session::elapsedMs() const
{
    std::int64_t total = 0;
    const TimingEvent *runningSince = nullptr;
    for (const TimingEvent &event : timing) {
        switch (event.kind) {
        case TimingEventKind::Start:
        case TimingEventKind::Resume:
            if (!runningSince) {
                runningSince = &event;
            }
            break;
        case TimingEventKind::Pause:
        case TimingEventKind::Stop:
            if (runningSince) {
                total = saturatingAdd(total, between(*runningSince, event));
                runningSince = nullptr;
            }
            break;
        }
    }
    return total;
}

int Session::elapsedMinutes() const
{
    return static_cast<int>(
        std::min<std::int64_t>(elapsedMs() / 60'000, std::numeric_limits<int>::max()));
}

} // namespace sb
