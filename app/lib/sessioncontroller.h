// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "coding/codingengine.h"
#include "domain/session.h"

#include <QObject>
#include <QTimer>
#include <QtQmlIntegration>

#include <optional>

namespace sb::app {

class StoreHost;

/**
 * The capture screen: one session at a time. Every timer tap (start, pause, resume, stop) is
 * a TimingEvent saved at once as a draft on the store thread, so a killed app loses nothing;
 * the elapsed time is always recomputed from the events. The coding hint follows the minutes.
 */
class SessionController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Built by the composition root")
    Q_PROPERTY(Phase phase READ phase NOTIFY phaseChanged)
    Q_PROPERTY(QString patientName READ patientName NOTIFY phaseChanged)
    Q_PROPERTY(int elapsedSeconds READ elapsedSeconds NOTIFY elapsedChanged)
    Q_PROPERTY(QString elapsedText READ elapsedText NOTIFY elapsedChanged)
    Q_PROPERTY(QString codingHint READ codingHint NOTIFY elapsedChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
public:
    enum Phase { Idle, Running, Paused, Stopped, Signed };
    Q_ENUM(Phase)

    explicit SessionController(StoreHost &host, QObject *parent = nullptr);

    [[nodiscard]] Phase phase() const { return m_phase; }
    [[nodiscard]] QString patientName() const { return m_patientName; }
    [[nodiscard]] int elapsedSeconds() const;
    [[nodiscard]] QString elapsedText() const;
    [[nodiscard]] QString codingHint() const;
    [[nodiscard]] QString errorText() const { return m_errorText; }
    [[nodiscard]] bool busy() const { return m_pendingWrites > 0; }
    /// The session as the controller holds it (tests compare it with the store).
    [[nodiscard]] const std::optional<Session> &session() const { return m_session; }

    /// Starts a new session for a patient (id string from TodayModel) and taps Start.
    Q_INVOKABLE void start(const QString &patientId, const QString &patientName);
    Q_INVOKABLE void pause();
    Q_INVOKABLE void resume();
    Q_INVOKABLE void stop();
    /// Signs the stopped session; it is immutable afterwards.
    Q_INVOKABLE void sign();
    /// Leaves the capture screen (only when idle, stopped or signed).
    Q_INVOKABLE void close();

Q_SIGNALS:
    void phaseChanged();
    void elapsedChanged();
    void errorTextChanged();
    void busyChanged();
    void sessionSaved();
    void sessionSigned();

private:
    void tap(TimingEventKind kind, Phase next);
    void save();
    void setPhase(Phase phase);
    void setError(const QString &text);
    void writeStarted();
    void writeFinished();

    StoreHost &m_host;
    std::optional<coding::CodingEngine> m_engine;
    std::optional<Session> m_session;
    coding::SessionFacts m_facts;
    QString m_patientName;
    QString m_errorText;
    Phase m_phase = Idle;
    int m_pendingWrites = 0;
    QTimer m_tick;
};

} // namespace sb::app
