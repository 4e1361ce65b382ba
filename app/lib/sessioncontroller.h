// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "apperror.h"
#include "caseloadwarnings.h"
#include "coding/codingengine.h"
#include "diagnosissearchmodel.h"
#include "domain/session.h"
#include "readiness.h"
#include "timerclock.h"

#include <QObject>
#include <QTimer>
#include <QVariantList>
#include <QtQmlIntegration>

#include <optional>

namespace sb::app {

class StoreHost;

/**
 * The capture screen: one session at a time. Every timer tap (start, pause, resume, stop) is
 * a TimingEvent saved at once as a draft on the store thread, so a killed app loses nothing;
 * the elapsed time is always recomputed from the events. The coding hint follows the minutes.
 *
 * Session details (service, modality, patient location, interactive complexity,
 * participants and attendance) and diagnoses are saved as a draft on each change; the note
 * is saved 1 s after typing stops and whenever the screen is left or the session signed.
 * The note is PHI: it is never logged and never part of an error text. Signing needs every
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
    Q_PROPERTY(int elapsedSeconds READ elapsedSeconds NOTIFY elapsedChanged)
    Q_PROPERTY(QString elapsedText READ elapsedText NOTIFY elapsedChanged)
    Q_PROPERTY(QString codingHint READ codingHint NOTIFY elapsedChanged)
    Q_PROPERTY(sb::app::AppError error READ error NOTIFY errorChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(bool editable READ editable NOTIFY phaseChanged)
    Q_PROPERTY(QString service READ service NOTIFY detailsChanged)
    Q_PROPERTY(QString modality READ modality NOTIFY detailsChanged)
    Q_PROPERTY(QString patientLocation READ patientLocation NOTIFY detailsChanged)
    Q_PROPERTY(bool interactiveComplexity READ interactiveComplexity NOTIFY detailsChanged)
    Q_PROPERTY(bool telehealth READ telehealth NOTIFY detailsChanged)
    Q_PROPERTY(bool groupSession READ groupSession NOTIFY detailsChanged)
    Q_PROPERTY(QVariantList participants READ participants NOTIFY detailsChanged)
    Q_PROPERTY(QVariantList serviceOptions READ serviceOptions CONSTANT)
    Q_PROPERTY(QVariantList modalityOptions READ modalityOptions CONSTANT)
    Q_PROPERTY(QVariantList locationOptions READ locationOptions CONSTANT)
    Q_PROPERTY(QVariantList participantRoleOptions READ participantRoleOptions CONSTANT)
    Q_PROPERTY(QVariantList diagnoses READ diagnoses NOTIFY diagnosesChanged)
    Q_PROPERTY(QString diagnosisMessage READ diagnosisMessage NOTIFY diagnosisMessageChanged)
    Q_PROPERTY(sb::app::DiagnosisSearchModel *diagnosisSearch READ diagnosisSearch CONSTANT)
    Q_PROPERTY(QString note READ note NOTIFY noteChanged)
    Q_PROPERTY(QString noteTemplate READ noteTemplate NOTIFY noteChanged)
    Q_PROPERTY(QString noteStatus READ noteStatus NOTIFY noteStatusChanged)
    Q_PROPERTY(sb::app::ReadinessModel *readiness READ readiness CONSTANT)
    Q_PROPERTY(bool canSign READ canSign NOTIFY canSignChanged)
    Q_PROPERTY(QVariantList addenda READ addenda NOTIFY addendaChanged)
    Q_PROPERTY(QString sessionId READ sessionId NOTIFY phaseChanged)
    Q_PROPERTY(bool addendumRequested READ addendumRequested NOTIFY addendumRequestedChanged)
public:
    enum Phase { Idle, Running, Paused, Stopped, Signed };
    Q_ENUM(Phase)

    /// How long typing must pause before the note is saved.
    static constexpr int noteAutosaveMs = 1000;

    explicit SessionController(StoreHost &host, QObject *parent = nullptr);
    ~SessionController() override;

    /// Stamps each tap with the server offset known then and dates the session by it; the
    /// composition root feeds it SyncStatus's offset.
    [[nodiscard]] TimerClock &timerClock() { return m_timerClock; }

    [[nodiscard]] Phase phase() const { return m_phase; }
    [[nodiscard]] QString patientName() const { return m_patientName; }
    [[nodiscard]] int elapsedSeconds() const;
    [[nodiscard]] QString elapsedText() const;
    [[nodiscard]] QString codingHint() const;
    [[nodiscard]] AppError error() const { return m_error; }
    [[nodiscard]] bool busy() const { return m_pendingWrites > 0; }
    [[nodiscard]] bool editable() const { return m_session && m_phase != Signed; }
    [[nodiscard]] QString service() const;
    [[nodiscard]] QString modality() const;
    [[nodiscard]] QString patientLocation() const;
    [[nodiscard]] bool interactiveComplexity() const;
    [[nodiscard]] bool telehealth() const;
    [[nodiscard]] bool groupSession() const;
    /// Each: {name, role (snake_case), roleText, present, removable}.
    [[nodiscard]] QVariantList participants() const;
    /// Each option: {value (snake_case name), text (translated)}.
    [[nodiscard]] QVariantList serviceOptions() const;
    [[nodiscard]] QVariantList modalityOptions() const;
    [[nodiscard]] QVariantList locationOptions() const;
    [[nodiscard]] QVariantList participantRoleOptions() const;
    /// Each: {code, displayCode, description, primary}; the first is primary.
    [[nodiscard]] QVariantList diagnoses() const;
    [[nodiscard]] QString diagnosisMessage() const { return m_diagnosisMessage; }
    [[nodiscard]] DiagnosisSearchModel *diagnosisSearch() const { return m_search; }
    [[nodiscard]] QString note() const;
    [[nodiscard]] QString noteTemplate() const;
    /// "Saved", "Saving…" or "Not saved yet" (translated), about the note only: "Saving…" while
    /// a save carrying a note change is in flight, not for timer taps or detail edits.
    [[nodiscard]] QString noteStatus() const;
    [[nodiscard]] bool noteDirty() const { return m_noteDirty; }
    [[nodiscard]] ReadinessModel *readiness() const { return m_readiness; }
    [[nodiscard]] bool canSign() const;
    /// Each: {text, signedAt (local, formatted)}.
    [[nodiscard]] QVariantList addenda() const;
    /// Opaque id string of the session on screen, or empty.
    [[nodiscard]] QString sessionId() const;
    /// True when the session was opened for an office task asking for an addendum; the
    /// capture screen then opens the addendum editor. Cleared by close() and by signing one.
    [[nodiscard]] bool addendumRequested() const { return m_addendumRequested; }
    /// The phase a stored session resumes in, from its signature and last timing event.
    [[nodiscard]] static Phase phaseOf(const Session &session);
    /// The session as the controller holds it (tests compare it with the store).
    [[nodiscard]] const std::optional<Session> &session() const { return m_session; }

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
    Q_INVOKABLE void pause();
    Q_INVOKABLE void resume();
    Q_INVOKABLE void stop();
    /// Signs the stopped session when no readiness item blocks; it is immutable afterwards.
    Q_INVOKABLE void sign();
    /// Leaves the capture screen (only when idle, stopped or signed); saves the note first.
    Q_INVOKABLE void close();

    /// Details; names are the stored snake_case names (toName). Unknown names are ignored.
    Q_INVOKABLE void setService(const QString &name);
    Q_INVOKABLE void setModality(const QString &name);
    Q_INVOKABLE void setPatientLocation(const QString &name);
    Q_INVOKABLE void setInteractiveComplexity(bool on);
    /// Adds a family member, group member, interpreter or other participant by name.
    Q_INVOKABLE void addParticipant(const QString &displayName, const QString &role);
    Q_INVOKABLE void removeParticipant(int index);
    /// Group attendance: only present members are billed.
    Q_INVOKABLE void setParticipantPresent(int index, bool present);

    /// Adds a billable ICD-10-CM code (with or without the dot); false with
    /// diagnosisMessage set when the code is invalid, not billable or already there.
    Q_INVOKABLE bool addDiagnosis(const QString &code);
    Q_INVOKABLE void removeDiagnosis(int index);
    /// Moves a diagnosis to the first (primary) position.
    Q_INVOKABLE void makePrimaryDiagnosis(int index);

    /// The note as typed; saved noteAutosaveMs after the last change.
    Q_INVOKABLE void setNote(const QString &text);
    /// Inserts the headed sections of "SOAP", "DAP" or "BIRP" and saves.
    Q_INVOKABLE void applyTemplate(const QString &name);
    /// Saves a note change now (leaving the screen, locking).
    Q_INVOKABLE void flushNote();
    /// Creates and signs an addendum to the signed session; queued for sync with it.
    Q_INVOKABLE void addAddendum(const QString &text);

    /// The headed sections a template inserts; empty for an unknown name.
    static QString templateText(const QString &name);

    /// What an open or resume job reports back to the GUI thread.
    struct Opened;

Q_SIGNALS:
    void phaseChanged();
    void elapsedChanged();
    void errorChanged();
    void busyChanged();
    void detailsChanged();
    void diagnosesChanged();
    void diagnosisMessageChanged();
    void noteChanged();
    void noteStatusChanged();
    void canSignChanged();
    void addendaChanged();
    void sessionSaved();
    void sessionSigned();
    void addendumSigned();
    void addendumRequestedChanged();
    void sessionOpened();

private:
    [[nodiscard]] coding::SessionFacts factsNow() const;
    void detailsEdited();
    void tap(TimingEventKind kind, Phase next);
    void tap(const TimingEvent &event, Phase next);
    /// Saves the draft; `withNote` when it carries a note change (noteStatus follows it).
    void save(bool withNote = false);
    void setPhase(Phase phase);
    void setError(const AppError &error);
    void setDiagnosisMessage(const QString &text);
    void writeStarted();
    void writeFinished();
    void refreshReadiness();
    void openSession(const QString &sessionId, bool forAddendum);
    void showOpened(const Opened &opened, bool forAddendum);
    /// A job's session came back after a lock: reopened after the unlock instead.
    void rememberForUnlock(const Opened &opened, bool forAddendum);
    /// Forgets the session and every PHI field (close() and handleLocked()).
    void dropSession();
    /// Every property of the session notifies (another session, or none, is now shown).
    void notifySessionReplaced();
    void setAddendumRequested(bool on);

    StoreHost &m_host;
    TimerClock m_timerClock;
    std::optional<coding::CodingEngine> m_engine;
    std::optional<Session> m_session;
    coding::SessionFacts m_facts;
    CaseloadWarnings m_caseload;
    QString m_patientName;
    AppError m_error;
    QString m_diagnosisMessage;
    Phase m_phase = Idle;
    int m_pendingWrites = 0;
    int m_noteSaves = 0;
    bool m_noteDirty = false;
    bool m_canSign = false;
    bool m_addendumRequested = false;
    /// Bumped by each lock: a job posted before it must not bring PHI back into memory.
    int m_lockEpoch = 0;
    /// The session on screen when the app locked, for resumeInterrupted().
    std::optional<SessionId> m_resumeId;
    bool m_resumeForAddendum = false;
    QTimer m_tick;
    QTimer m_autosave;
    DiagnosisSearchModel *m_search = nullptr;
    ReadinessModel *m_readiness = nullptr;
};

} // namespace sb::app
