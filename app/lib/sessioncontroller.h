// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "addendummodel.h"
#include "apperror.h"
#include "capturedetails.h"
#include "capturenote.h"
#include "capturestate.h"
#include "capturetimer.h"
#include "caseloadwarnings.h"
#include "coding/codingengine.h"
#include "diagnosismodel.h"
#include "diagnosissearchmodel.h"
#include "domain/session.h"
#include "participantmodel.h"
#include "readiness.h"
#include "timerclock.h"

#include <QObject>
#include <QtQmlIntegration>

#include <optional>

namespace sb::app {

class StoreHost;

/**
 * The capture session: one session at a time on the capture screen. It owns the session's
 * lifecycle (start, open, resume after an unlock, sign, close, drop on lock) and every store
 * job of the screen, and shows the session through one feature object each: the timer, the
 * details, the participants, the diagnoses, the note, the addenda and the readiness
 * checklist. Feature objects edit the session on screen in place and say so; this object then
 * saves the draft on the store thread, so a killed app loses nothing.
 *
 * Every timer tap is saved at once; details, participants and diagnoses on each change; the
 * note 1 s after typing stops and whenever the screen is left or the session signed. The
 * note is PHI: it is never logged and never part of an error text. Signing needs every
 * blocking readiness item resolved; a signed session is read-only and later changes are
 * signed addenda, enqueued for sync in the same transaction. While the app is locked the
 * controller holds no PHI, only the id of the session to bring back after the unlock.
 */
class SessionController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Built by the composition root")
    Q_PROPERTY(Phase phase READ phase NOTIFY phaseChanged)
    Q_PROPERTY(QString patientName READ patientName NOTIFY phaseChanged)
    Q_PROPERTY(QString sessionId READ sessionId NOTIFY phaseChanged)
    Q_PROPERTY(bool editable READ editable NOTIFY phaseChanged)
    /// What the minutes bill now, under the timer: "38 min → 90834 · 15 more min for 90837".
    Q_PROPERTY(QString codingHint READ codingHint NOTIFY codingHintChanged)
    Q_PROPERTY(sb::app::AppError error READ error NOTIFY errorChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(bool canSign READ canSign NOTIFY canSignChanged)
    Q_PROPERTY(bool addendumRequested READ addendumRequested NOTIFY addendumRequestedChanged)
    Q_PROPERTY(sb::app::CaptureTimer *timer READ timer CONSTANT)
    Q_PROPERTY(sb::app::CaptureDetails *details READ details CONSTANT)
    Q_PROPERTY(sb::app::ParticipantModel *participants READ participants CONSTANT)
    Q_PROPERTY(sb::app::DiagnosisModel *diagnoses READ diagnoses CONSTANT)
    Q_PROPERTY(sb::app::CaptureNote *note READ note CONSTANT)
    Q_PROPERTY(sb::app::AddendumModel *addenda READ addenda CONSTANT)
    Q_PROPERTY(sb::app::ReadinessModel *readiness READ readiness CONSTANT)
public:
    enum Phase { Idle, Running, Paused, Stopped, Signed };
    Q_ENUM(Phase)

    explicit SessionController(StoreHost &host, QObject *parent = nullptr);
    ~SessionController() override;

    /// Stamps each tap with the server offset known then and dates the session by it; the
    /// composition root feeds it SyncStatus's offset.
    [[nodiscard]] TimerClock &timerClock() { return m_timerClock; }

    [[nodiscard]] Phase phase() const { return m_phase; }
    [[nodiscard]] QString patientName() const { return m_state.patientName; }
    /// Opaque id string of the session on screen, or empty.
    [[nodiscard]] QString sessionId() const;
    [[nodiscard]] bool editable() const { return m_state.editable(); }
    [[nodiscard]] QString codingHint() const;
    [[nodiscard]] AppError error() const { return m_error; }
    [[nodiscard]] bool busy() const { return m_pendingWrites > 0; }
    [[nodiscard]] bool canSign() const { return m_canSign; }
    /// True when the session was opened for an office task asking for an addendum; the
    /// capture screen then opens the addendum editor. Cleared by close() and by signing one.
    [[nodiscard]] bool addendumRequested() const { return m_addendumRequested; }

    [[nodiscard]] CaptureTimer *timer() const { return m_timer; }
    [[nodiscard]] CaptureDetails *details() const { return m_details; }
    [[nodiscard]] ParticipantModel *participants() const { return m_participants; }
    [[nodiscard]] DiagnosisModel *diagnoses() const { return m_diagnoses; }
    [[nodiscard]] CaptureNote *note() const { return m_note; }
    [[nodiscard]] AddendumModel *addenda() const { return m_addenda; }
    [[nodiscard]] ReadinessModel *readiness() const { return m_readiness; }

    /// The phase a stored session resumes in, from its signature and last timing event.
    [[nodiscard]] static Phase phaseOf(const Session &session);
    /// The session as the controller holds it (tests compare it with the store).
    [[nodiscard]] const std::optional<Session> &session() const { return m_state.session; }

    /// Starts a new session for a patient (id string from TodayModel) and taps Start.
    Q_INVOKABLE void start(const QString &patientId, const QString &patientName);
    /**
     * Loads one of the clinician's stored sessions (id string from TodayModel or TaskModel) on
     * the store thread and shows it: a draft continues in the phase its timing events end in
     * (a running timer keeps counting from the stored events, so a killed app loses no
     * time), a signed session is read-only and takes addenda. Refused while another session's
     * timer runs or is paused.
     */
    Q_INVOKABLE void open(const QString &sessionId);
    /// open() for an office task: the signed session opens with the addendum editor.
    Q_INVOKABLE void openForAddendum(const QString &sessionId);
    /**
     * After an unlock (the app's start included): when nothing is on screen, reopens the
     * session that was on screen when the app locked, else the clinician's session whose
     * timer was never stopped (an app killed mid-session), as open() does. Asks the store,
     * not Today, so it finds a session started on another day or not among Today's rows.
     */
    Q_INVOKABLE void resumeInterrupted();
    /**
     * The app locked: saves a pending note (queued before the store closes), then drops the
     * session and everything PHI from memory, keeping only its id for resumeInterrupted().
     * No timer tap: a running timer keeps running in its stored events.
     */
    Q_INVOKABLE void handleLocked();
    /// Signs the stopped session when no readiness item blocks; it is immutable afterwards.
    Q_INVOKABLE void sign();
    /// Leaves the capture screen (only when idle, stopped or signed); saves the note first.
    Q_INVOKABLE void close();

    /// What an open or resume job reports back to the GUI thread.
    struct Opened;

Q_SIGNALS:
    void phaseChanged();
    void codingHintChanged();
    void errorChanged();
    void busyChanged();
    void canSignChanged();
    void sessionSaved();
    void sessionSigned();
    void addendumSigned();
    void addendumRequestedChanged();
    void sessionOpened();

private:
    [[nodiscard]] coding::SessionFacts factsNow() const;
    /// Details, participants or diagnoses changed: stored at once, hint and checklist follow.
    void draftEdited();
    void timerTapped();
    /// Saves the draft; `withNote` when it carries a note change (the note's status follows).
    void save(bool withNote = false);
    void addAddendum(const QString &body);
    void setPhase(Phase phase);
    void setError(const AppError &error);
    void writeStarted();
    void writeFinished();
    void refreshReadiness();
    void openSession(const QString &sessionId, bool forAddendum);
    void showOpened(const Opened &opened, bool forAddendum);
    /// A job's session came back after a lock: reopened after the unlock instead.
    void rememberForUnlock(const Opened &opened, bool forAddendum);
    /// Shows `session` (or none) in every feature object, each model reset once.
    void replaceSession(std::optional<Session> session, const QString &patientName);
    /// Forgets the session and every PHI field (close() and handleLocked()).
    void dropSession();
    void setAddendumRequested(bool on);

    StoreHost &m_host;
    TimerClock m_timerClock;
    CaptureState m_state;
    std::optional<coding::CodingEngine> m_engine;
    coding::SessionFacts m_facts;
    CaseloadWarnings m_caseload;
    AppError m_error;
    Phase m_phase = Idle;
    int m_pendingWrites = 0;
    bool m_canSign = false;
    bool m_addendumRequested = false;
    /// Bumped by each lock: a job posted before it must not bring PHI back into memory.
    int m_lockEpoch = 0;
    /// The session on screen when the app locked, for resumeInterrupted().
    std::optional<SessionId> m_resumeId;
    bool m_resumeForAddendum = false;
    CaptureTimer *m_timer = nullptr;
    CaptureDetails *m_details = nullptr;
    ParticipantModel *m_participants = nullptr;
    DiagnosisModel *m_diagnoses = nullptr;
    CaptureNote *m_note = nullptr;
    AddendumModel *m_addenda = nullptr;
    ReadinessModel *m_readiness = nullptr;
};

} // namespace sb::app
