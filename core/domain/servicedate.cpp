// SPDX-License-Identifier: Apache-2.0
#include "domain/servicedate.h"

#include "util/clock.h"
#include "util/saturating.h"

namespace sb {

namespace {

QDate dateIn(const QDateTime &instant, const QTimeZone &zone)
{
    return zone.isValid() ? instant.toTimeZone(zone).date() : instant.toLocalTime().date();
}

} // namespace

bool isClockSkewed(std::int64_t serverOffsetMs, std::int64_t thresholdMs)
{
    // |offset| without overflow at INT64_MIN.
    return serverOffsetMs > thresholdMs || serverOffsetMs < -thresholdMs;
}

TimingEvent timingEventNow(TimingEventKind kind, const Clock &clock,
                           std::optional<std::int64_t> serverOffsetMs)
{
    TimingEvent event;
    event.kind = kind;
    event.wallClockUtc = clock.nowUtc();
    event.monotonicMs = clock.monotonicMs();
    event.bootId = clock.bootId();
    event.serverOffsetMs = serverOffsetMs.value_or(0);
    event.serverOffsetKnown = serverOffsetMs.has_value();
    return event;
}

QDateTime serverTimeOf(const TimingEvent &tap)
{
    if (!tap.serverOffsetKnown || !tap.wallClockUtc.isValid()) {
        return {};
    }
    return QDateTime::fromMSecsSinceEpoch(
        saturatingAdd(tap.wallClockUtc.toMSecsSinceEpoch(), tap.serverOffsetMs), Qt::UTC);
}

ServiceDate serviceDateOf(const TimingEvent &start, const QTimeZone &zone, std::int64_t thresholdMs)
{
    ServiceDate out;
    out.deviceStartUtc = start.wallClockUtc.toUTC();
    out.serverStartUtc = serverTimeOf(start);
    out.serverOffsetMs = start.serverOffsetKnown ? start.serverOffsetMs : 0;
    if (!start.serverOffsetKnown) {
        out.source = ServiceDate::Source::NoServerOffset;
    } else if (isClockSkewed(start.serverOffsetMs, thresholdMs) && out.serverStartUtc.isValid()) {
        out.source = ServiceDate::Source::ServerTime;
    } else {
        out.source = ServiceDate::Source::DeviceClock;
    }
    const QDateTime &basis =
        out.source == ServiceDate::Source::ServerTime ? out.serverStartUtc : out.deviceStartUtc;
    if (basis.isValid()) {
        out.date = dateIn(basis, zone);
    }
    return out;
}

} // namespace sb
