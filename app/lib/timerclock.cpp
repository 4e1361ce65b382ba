// SPDX-License-Identifier: Apache-2.0
#include "timerclock.h"

#include <QCoreApplication>

#include <cstdlib>

namespace sb::app {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("sb::app::TimerClock", text);
}

QString timeText(const QDateTime &utc, const QTimeZone &zone)
{
    const QDateTime local = zone.isValid() ? utc.toTimeZone(zone) : utc.toLocalTime();
    return local.toString(QStringLiteral("MMM d, HH:mm"));
}

/// "3 h", "2 h 15 min", "7 min": the size of an offset, to the minute.
QString offsetText(std::int64_t offsetMs)
{
    const std::int64_t minutes = (offsetMs < 0 ? -(offsetMs / 60'000) : offsetMs / 60'000);
    const std::int64_t hours = minutes / 60;
    if (hours == 0) {
        return tr("%1 min").arg(minutes);
    }
    if (minutes % 60 == 0) {
        return tr("%1 h").arg(hours);
    }
    return tr("%1 h %2 min").arg(hours).arg(minutes % 60);
}

} // namespace

TimingEvent TimerClock::tap(TimingEventKind kind) const
{
    return timingEventNow(kind, m_clock, m_offsetMs);
}

ServiceDate TimerClock::serviceDate(const TimingEvent &start) const
{
    return serviceDateOf(start, m_zone);
}

QString serviceDateText(const ServiceDate &date, const QTimeZone &zone)
{
    const QString day = date.date.toString(QStringLiteral("MMM d, yyyy"));
    switch (date.source) {
    case ServiceDate::Source::DeviceClock:
        return {};
    case ServiceDate::Source::ServerTime:
        return (date.serverOffsetMs < 0
                    ? tr("The device clock was %1 ahead of the server's: started %2 by the "
                         "device, %3 by the server. Date of service %4, by the server's time.")
                    : tr("The device clock was %1 behind the server's: started %2 by the "
                         "device, %3 by the server. Date of service %4, by the server's time."))
            .arg(offsetText(date.serverOffsetMs), timeText(date.deviceStartUtc, zone),
                 timeText(date.serverStartUtc, zone), day);
    case ServiceDate::Source::NoServerOffset:
        return tr("The device had not synced when the timer started, so its clock could not be "
                  "checked: started %1 by the device. Date of service %2, by the device's "
                  "clock.")
            .arg(timeText(date.deviceStartUtc, zone), day);
    }
    return {};
}

} // namespace sb::app
