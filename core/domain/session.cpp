// SPDX-License-Identifier: Apache-2.0
#include "domain/session.h"

namespace sb {

namespace {
/// Duration between two events: the monotonic clock when both come from the same boot,
/// otherwise the wall clock (a reboot mid-session restarts the monotonic counter).
std::int64_t between(const TimingEvent &from, const TimingEvent &to)
{
    if (from.bootId == to.bootId) {
        return std::max<std::int64_t>(0, to.monotonicMs - from.monotonicMs);
    }
    return std::max<std::int64_t>(0, from.wallClockUtc.msecsTo(to.wallClockUtc));
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
                total += between(*runningSince, event);
                runningSince = nullptr;
            }
            break;
        }
    }
    return total;
}

} // namespace sb
