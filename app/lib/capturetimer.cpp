// SPDX-License-Identifier: Apache-2.0
#include "capturetimer.h"

#include "util/clock.h"

#include <algorithm>

namespace sb::app {

namespace {

std::optional<TimingEventKind> lastKind(const CaptureState &state)
{
    if (!state.session || state.session->isSigned() || state.session->timing.isEmpty()) {
        return std::nullopt;
    }
    return state.session->timing.last().kind;
}

} // namespace

CaptureTimer::CaptureTimer(CaptureState &state, const Clock &clock, const TimerClock &timerClock,
                           QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_clock(clock)
    , m_timerClock(timerClock)
{
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &CaptureTimer::elapsedChanged);
}

bool CaptureTimer::running() const
{
    const auto kind = lastKind(m_state);
    return kind == TimingEventKind::Start || kind == TimingEventKind::Resume;
}

bool CaptureTimer::paused() const
{
    return lastKind(m_state) == TimingEventKind::Pause;
}

int CaptureTimer::elapsedSeconds() const
{
    if (!m_state.session) {
        return 0;
    }
    const Session &session = *m_state.session;
    std::int64_t ms = session.elapsedMs();
    if (running()) {
        const TimingEvent &since = session.timing.last();
        std::int64_t runningMs = m_clock.monotonicMs() - since.monotonicMs;
        if (since.bootId != m_clock.bootId() || runningMs < 0) {
            // The device rebooted since the tap: the wall clock is all we have.
            runningMs = std::max<std::int64_t>(0, since.wallClockUtc.msecsTo(m_clock.nowUtc()));
        }
        ms += runningMs;
    }
    return int(ms / 1000);
}

QString CaptureTimer::elapsedText() const
{
    const int s = elapsedSeconds();
    return QStringLiteral("%1:%2")
        .arg(s / 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
}

void CaptureTimer::pause()
{
    if (running()) {
        tap(TimingEventKind::Pause);
    }
}

void CaptureTimer::resume()
{
    if (paused()) {
        tap(TimingEventKind::Resume);
    }
}

void CaptureTimer::stop()
{
    if (running() || paused()) {
        tap(TimingEventKind::Stop);
    }
}

void CaptureTimer::startNew(const TimingEvent &startTap)
{
    if (m_state.session && !m_state.session->isSigned() && m_state.session->timing.isEmpty()) {
        append(startTap);
    }
}

void CaptureTimer::refresh()
{
    if (running()) {
        m_tick.start();
    } else {
        m_tick.stop();
    }
    Q_EMIT elapsedChanged();
}

void CaptureTimer::tap(TimingEventKind kind)
{
    append(m_timerClock.tap(kind));
}

void CaptureTimer::append(const TimingEvent &event)
{
    m_state.session->timing.append(event);
    m_state.session->updatedAt = event.wallClockUtc;
    Q_EMIT tapped(); // stored before anything the new phase triggers
    refresh();
}

} // namespace sb::app
