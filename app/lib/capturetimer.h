// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "capturestate.h"
#include "timerclock.h"

#include <QObject>
#include <QTimer>
#include <QtQmlIntegration>

namespace sb {
class Clock;
}

namespace sb::app {

/**
 * The capture screen's timer. Every tap (pause, resume, stop; start comes with a new session)
 * appends a TimingEvent stamped with the clock's wall time, monotonic time, boot id and the
 * server offset known then (TimerClock) to the
 * session on screen and emits tapped(); SessionController then stores it at once, so a killed
 * app loses nothing. The elapsed time is always recomputed from the events: a running interval
 * counts from its event by the monotonic clock, or by the wall clock after a reboot. Whether
 * the timer runs is read from the last event, never kept apart from it.
 */
class CaptureTimer : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by SessionController")
    Q_PROPERTY(int elapsedSeconds READ elapsedSeconds NOTIFY elapsedChanged)
    Q_PROPERTY(QString elapsedText READ elapsedText NOTIFY elapsedChanged)
    Q_PROPERTY(bool running READ running NOTIFY elapsedChanged)
    Q_PROPERTY(bool paused READ paused NOTIFY elapsedChanged)
public:
    /// `clock` measures elapsed time; `timerClock` stamps each tap with the server offset.
    CaptureTimer(CaptureState &state, const Clock &clock, const TimerClock &timerClock,
                 QObject *parent = nullptr);

    [[nodiscard]] int elapsedSeconds() const;
    /// "mm:ss" (minutes go past 59).
    [[nodiscard]] QString elapsedText() const;
    /// The unsigned session's last event is a start or a resume.
    [[nodiscard]] bool running() const;
    /// The unsigned session's last event is a pause.
    [[nodiscard]] bool paused() const;

    Q_INVOKABLE void pause();
    Q_INVOKABLE void resume();
    /// Stops a running or paused timer for good; the session can then be signed.
    Q_INVOKABLE void stop();

    /// Appends the Start event, taken before the session was made (its date of service
    /// follows from it), to a new session (SessionController::start()).
    void startNew(const TimingEvent &startTap);
    /// The session was replaced or signed: ticks while it runs, and notifies.
    void refresh();

Q_SIGNALS:
    /// Elapsed time, running or paused may have changed (also each second while running).
    void elapsedChanged();
    /// A timing event was appended to the session; it must be stored.
    void tapped();

private:
    void tap(TimingEventKind kind);
    void append(const TimingEvent &event);

    CaptureState &m_state;
    const Clock &m_clock;
    const TimerClock &m_timerClock;
    QTimer m_tick;
};

} // namespace sb::app
