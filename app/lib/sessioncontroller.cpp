// SPDX-License-Identifier: Apache-2.0
#include "sessioncontroller.h"

#include "client/devicesyncstore.h"
#include "codesets/icd10index.h"
#include "codinghint.h"
#include "diagnosissearchmodel.h"
#include "domain/enums.h"
#include "readiness.h"
#include "storehost.h"

#include <utility>

namespace sb::app {

namespace {

/// What start() needs from the store: the new draft and the facts the coding engine uses.
struct Started {
    std::optional<Session> session;
    coding::SessionFacts facts;
    CaseloadWarnings caseload;
    QString error;
};

/// The coding facts and caseload warnings of `s`, and its payer when it has none yet.
void loadContext(WorkerState &state, Session &s, coding::SessionFacts &facts,
                 CaseloadWarnings &caseload)
{
    Store &store = *state.store;
    facts.provider = state.provider->credential;
    facts.dateOfService = s.dateOfService;
    const auto coverages =
        store.patients().coverages(state.actor, s.patientId).valueOr(QList<Coverage>{});
    caseload = caseloadWarnings(
        *state.payerChecks, s.dateOfService, coverages,
        store.patients().authorizations(state.actor, s.patientId).valueOr(QList<Authorization>{}),
        store.practice().credentialingFor(state.provider->id).valueOr(QList<CredentialingRecord>{}),
        store.practice().payers().valueOr(QList<Payer>{}));
    for (const auto &coverage : coverages) {
        if (coverage.priority == 1) {
            if (!s.payerId) {
                s.payerId = coverage.payerId;
            }
            if (auto payer = store.practice().payer(coverage.payerId)) {
                facts.payer = payer->kind;
                facts.payerProfile = payer->profile;
            }
        }
    }
}

struct Written {
    bool ok = false;
    AppError error;
};

struct SignedResult {
    std::optional<Signature> signature;
    AppError error;
};

struct AddendumResult {
    std::optional<Addendum> addendum;
    AppError error;
};

} // namespace

/// What open() and resumeInterrupted() need from the store: the stored session, its patient
/// and its coding facts.
struct SessionController::Opened {
    std::optional<Session> session;
    QString patientName;
    coding::SessionFacts facts;
    CaseloadWarnings caseload;
};

namespace {

/// One of the signed-in clinician's sessions with its context; empty for anyone else's.
SessionController::Opened loadOpened(WorkerState &state, const SessionId &id)
{
    SessionController::Opened out;
    if (!state.store || !state.provider || !state.clinician) {
        return out;
    }
    auto stored = state.store->sessions().session(state.actor, id);
    if (!stored || stored->providerId != state.provider->id) {
        return out; // only the clinician's own sessions
    }
    Session s = stored.value();
    if (auto patient = state.store->patients().patient(state.actor, s.patientId)) {
        out.patientName = patient->lastName + QStringLiteral(", ") + patient->firstName;
    }
    loadContext(state, s, out.facts, out.caseload);
    out.session = s;
    return out;
}

} // namespace

SessionController::SessionController(StoreHost &host, QObject *parent)
    : QObject(parent)
    , m_host(host)
    , m_timerClock(host.clock())
    , m_timer(new CaptureTimer(m_state, host.clock(), m_timerClock, this))
    , m_details(new CaptureDetails(m_state, this))
    , m_participants(new ParticipantModel(m_state, this))
    , m_diagnoses(new DiagnosisModel(m_state, host, this))
    , m_note(new CaptureNote(m_state, host.clock(), this))
    , m_addenda(new AddendumModel(m_state, this))
    , m_readiness(new ReadinessModel(this))
{
    if (auto rules = coding::RuleSet::builtin()) {
        m_engine.emplace(rules.value());
    }
    connect(m_timer, &CaptureTimer::elapsedChanged, this, &SessionController::codingHintChanged);
    connect(m_timer, &CaptureTimer::tapped, this, &SessionController::timerTapped);
    connect(m_details, &CaptureDetails::edited, this, &SessionController::draftEdited);
    connect(m_participants, &ParticipantModel::edited, this, &SessionController::draftEdited);
    connect(m_diagnoses, &DiagnosisModel::edited, this, &SessionController::draftEdited);
    connect(m_diagnoses, &DiagnosisModel::indexReady, this, &SessionController::refreshReadiness);
    connect(m_note, &CaptureNote::saveRequested, this, [this] { save(true); });
    connect(m_note, &CaptureNote::readinessChanged, this, &SessionController::refreshReadiness);
    connect(m_addenda, &AddendumModel::addRequested, this, &SessionController::addAddendum);
    connect(this, &SessionController::busyChanged, this, &SessionController::refreshReadiness);
}

SessionController::~SessionController() = default;

QString SessionController::codingHint() const
{
    if (!m_engine || !m_state.session) {
        return {};
    }
    return app::codingHint(*m_engine, factsNow(), m_phase == Running || m_phase == Paused);
}

coding::SessionFacts SessionController::factsNow() const
{
    coding::SessionFacts facts = m_facts;
    facts.minutes = m_timer->elapsedSeconds() / 60;
    if (const auto &s = m_state.session) {
        facts.service = s->service;
        facts.modality = s->modality;
        facts.patientLocation = s->patientLocation;
        facts.interactiveComplexity = s->interactiveComplexity;
        facts.primaryDiagnosis = s->diagnoses.isEmpty() ? QString() : s->diagnoses.first().code;
    }
    return facts;
}

QString SessionController::sessionId() const
{
    return m_state.session ? m_state.session->id.toString() : QString();
}

void SessionController::start(const QString &patientId, const QString &patientName)
{
    if (m_phase == Running || m_phase == Paused) {
        return;
    }
    const auto patient = PatientId::fromString(patientId);
    if (!patient) {
        setError(AppError(AppError::NotFound, AppError::Start));
        return;
    }
    setError({});
    DiagnosisSearchModel &search = *m_diagnoses->search();
    if (!search.ready()) {
        search.loadIndex();
    }
    const PatientId id = *patient;
    const int epoch = m_lockEpoch;
    // The Start tap is taken now, and the date of service follows from it (server time when
    // the device clock is skewed), before the store job that needs the date.
    const TimingEvent startTap = m_timerClock.tap(TimingEventKind::Start);
    const QDate serviceDay = m_timerClock.serviceDate(startTap).date;
    writeStarted();
    m_host.run<Started>(
        this,
        [id, serviceDay](WorkerState &state) {
            Started out;
            if (!state.store || !state.provider || !state.clinician) {
                out.error = QStringLiteral("locked");
                return out;
            }
            Store &store = *state.store;
            Session s;
            s.id = SessionId(store.ids().next());
            s.organizationId = state.clinician->organizationId;
            s.patientId = id;
            s.providerId = state.provider->id;
            s.dateOfService = serviceDay;
            s.participants = {Participant{ParticipantRole::Patient, id, QString(), true}};
            loadContext(state, s, out.facts, out.caseload);
            out.session = s;
            return out;
        },
        [this, epoch, patientName, startTap](const Started &started) {
            writeFinished();
            if (epoch != m_lockEpoch) {
                return; // locked before the Start tap: nothing was stored, nothing is kept
            }
            if (!started.session) {
                setError(AppError(AppError::Locked, AppError::Start));
                return;
            }
            m_facts = started.facts;
            m_caseload = started.caseload;
            replaceSession(started.session, patientName);
            m_timer->startNew(startTap);
        });
}

SessionController::Phase SessionController::phaseOf(const Session &session)
{
    if (session.isSigned()) {
        return Signed;
    }
    if (session.timing.isEmpty()) {
        return Stopped;
    }
    switch (session.timing.last().kind) {
    case TimingEventKind::Start:
    case TimingEventKind::Resume:
        return Running;
    case TimingEventKind::Pause:
        return Paused;
    case TimingEventKind::Stop:
        return Stopped;
    }
    return Stopped;
}

void SessionController::open(const QString &sessionId)
{
    openSession(sessionId, false);
}

void SessionController::openForAddendum(const QString &sessionId)
{
    openSession(sessionId, true);
}

void SessionController::openSession(const QString &sessionId, bool forAddendum)
{
    const auto id = SessionId::fromString(sessionId);
    if (!id) {
        setError(AppError(AppError::NotFound, AppError::Open));
        return;
    }
    if (m_state.session && m_state.session->id == *id) {
        setAddendumRequested(forAddendum && m_phase == Signed);
        Q_EMIT sessionOpened();
        return;
    }
    if (m_phase == Running || m_phase == Paused) {
        setError(AppError(AppError::SessionRunning, AppError::Open));
        return;
    }
    close();
    DiagnosisSearchModel &search = *m_diagnoses->search();
    if (!search.ready()) {
        search.loadIndex();
    }
    const SessionId wanted = *id;
    const int epoch = m_lockEpoch;
    writeStarted();
    m_host.run<Opened>(
        this, [wanted](WorkerState &state) { return loadOpened(state, wanted); },
        [this, forAddendum, epoch](const Opened &opened) {
            writeFinished();
            if (epoch != m_lockEpoch) {
                rememberForUnlock(opened, forAddendum);
                return;
            }
            if (!opened.session) {
                setError(AppError(AppError::NotFound, AppError::Open));
                return;
            }
            if (m_phase == Running || m_phase == Paused) {
                return; // a session was started meanwhile; it wins
            }
            showOpened(opened, forAddendum);
        });
}

void SessionController::showOpened(const Opened &opened, bool forAddendum)
{
    setError({});
    m_facts = opened.facts;
    m_caseload = opened.caseload;
    replaceSession(opened.session, opened.patientName);
    const Phase phase = phaseOf(*m_state.session);
    const bool samePhase = phase == m_phase;
    setPhase(phase);
    setAddendumRequested(forAddendum && phase == Signed);
    if (samePhase) {
        Q_EMIT phaseChanged(); // patientName and sessionId notify with the phase
    }
    refreshReadiness();
    Q_EMIT codingHintChanged();
    Q_EMIT sessionOpened();
}

void SessionController::rememberForUnlock(const Opened &opened, bool forAddendum)
{
    if (opened.session && !m_resumeId) {
        m_resumeId = opened.session->id;
        m_resumeForAddendum = forAddendum;
    }
}

void SessionController::resumeInterrupted()
{
    const std::optional<SessionId> remembered = std::exchange(m_resumeId, std::nullopt);
    const bool forAddendum = std::exchange(m_resumeForAddendum, false);
    if (m_phase != Idle) {
        return;
    }
    const int epoch = m_lockEpoch;
    writeStarted();
    m_host.run<Opened>(
        this,
        [remembered](WorkerState &state) {
            Opened out;
            if (!state.store || !state.provider) {
                return out;
            }
            if (remembered) {
                out = loadOpened(state, *remembered);
            }
            if (!out.session) {
                auto found =
                    state.store->sessions().interruptedSession(state.actor, state.provider->id);
                if (found && found->has_value()) {
                    out = loadOpened(state, **found);
                }
            }
            return out;
        },
        [this, forAddendum, epoch](const Opened &opened) {
            writeFinished();
            if (epoch != m_lockEpoch) {
                rememberForUnlock(opened, forAddendum);
                return;
            }
            if (!opened.session || m_phase != Idle) {
                return; // nothing to resume, or the clinician opened something meanwhile
            }
            DiagnosisSearchModel &search = *m_diagnoses->search();
            if (!search.ready()) {
                search.loadIndex();
            }
            showOpened(opened, forAddendum);
        });
}

void SessionController::handleLocked()
{
    m_note->flush(); // posted before the lock's close job, so it is stored first
    ++m_lockEpoch;
    if (m_state.session) {
        m_resumeId = m_state.session->id;
        m_resumeForAddendum = m_addendumRequested;
    }
    dropSession();
}

void SessionController::timerTapped()
{
    save(); // queued before anything a phase change triggers (Today reloads on it)
    setPhase(phaseOf(*m_state.session));
    refreshReadiness();
}

void SessionController::save(bool withNote)
{
    const Session copy = *m_state.session;
    writeStarted();
    if (withNote) {
        m_note->saveStarted();
    }
    m_host.run<Written>(
        this,
        [copy](WorkerState &state) {
            if (!state.store) {
                return Written{false, AppError(AppError::Locked, AppError::Save)};
            }
            auto saved = state.store->sessions().saveDraft(state.actor, copy);
            return Written{bool(saved),
                           saved ? AppError() : AppError::fromStore(saved.error(), AppError::Save)};
        },
        [this, withNote, id = copy.id](const Written &written) {
            if (withNote) {
                m_note->saveFinished(written.ok, m_state.session && m_state.session->id == id);
            }
            writeFinished();
            if (!written.ok) {
                setError(written.error);
                return;
            }
            Q_EMIT sessionSaved();
        });
}

void SessionController::sign()
{
    if (m_phase != Stopped || !m_state.session) {
        return;
    }
    refreshReadiness();
    if (m_readiness->blockingCount() > 0) {
        setError(AppError(AppError::BlockingItems, AppError::Sign));
        return;
    }
    m_note->flush(); // queued before the signature on the same thread: the signed note is current
    const SessionId id = m_state.session->id;
    const int epoch = m_lockEpoch;
    writeStarted();
    m_host.run<SignedResult>(
        this,
        [id](WorkerState &state) {
            if (!state.store || !state.clinician) {
                return SignedResult{std::nullopt, AppError(AppError::Locked, AppError::Sign)};
            }
            // The signature, its outbox entry and the "on device" status in one transaction;
            // through the sync client when it is built, so that a sync starts after it.
            auto signature =
                state.sync
                    ? state.sync->signSession(state.actor, id, state.clinician->id,
                                              state.clock.nowUtc())
                    : sync::DeviceSyncStore(*state.store)
                          .signSession(state.actor, id, state.clinician->id, state.clock.nowUtc());
            return signature ? SignedResult{signature.value(), {}}
                             : SignedResult{std::nullopt,
                                            AppError::fromStore(signature.error(), AppError::Sign)};
        },
        [this, epoch, id](const SignedResult &result) {
            writeFinished();
            if (epoch != m_lockEpoch || !m_state.session || m_state.session->id != id) {
                return; // locked meanwhile: the session reopens from the store, signed or not
            }
            if (!result.signature) {
                setError(result.error);
                return;
            }
            setError({});
            m_state.session->signature = result.signature;
            m_note->reset();
            m_timer->refresh();
            setPhase(Signed);
            refreshReadiness();
            Q_EMIT sessionSigned();
        });
}

void SessionController::close()
{
    if (m_phase == Running || m_phase == Paused) {
        return;
    }
    m_note->flush();
    dropSession();
}

void SessionController::replaceSession(std::optional<Session> session, const QString &patientName)
{
    if (!m_state.session && !session) {
        m_state.patientName = patientName;
        return; // nothing shown before or after: the models stay as they are
    }
    m_participants->beginReplace();
    m_diagnoses->beginReplace();
    m_addenda->beginReplace();
    m_state.session = std::move(session);
    m_state.patientName = patientName;
    m_addenda->endReplace();
    m_diagnoses->endReplace();
    m_participants->endReplace();
    m_note->reset();
    Q_EMIT m_details->changed();
    m_timer->refresh();
}

void SessionController::dropSession()
{
    setAddendumRequested(false);
    m_facts = {};
    m_caseload = {};
    replaceSession(std::nullopt, {});
    setError({});
    m_diagnoses->search()->clear();
    setPhase(Idle);
    refreshReadiness();
    Q_EMIT codingHintChanged();
}

void SessionController::draftEdited()
{
    m_state.session->updatedAt = m_host.clock().nowUtc();
    Q_EMIT codingHintChanged(); // the coding hint depends on the details
    save();
    refreshReadiness();
}

void SessionController::addAddendum(const QString &body)
{
    if (m_phase != Signed || !m_state.session) {
        return;
    }
    const SessionId id = m_state.session->id;
    const int epoch = m_lockEpoch;
    writeStarted();
    m_host.run<AddendumResult>(
        this,
        [id, body](WorkerState &state) {
            if (!state.store || !state.clinician) {
                return AddendumResult{std::nullopt,
                                      AppError(AppError::Locked, AppError::SignAddendum)};
            }
            Addendum addendum;
            addendum.id = AddendumId(state.store->ids().next());
            addendum.authorId = state.clinician->id;
            addendum.createdAt = state.clock.nowUtc();
            addendum.text = body;
            addendum.signature = Signature{state.clinician->id, addendum.createdAt, {}};
            // The addendum and its outbox entry are written in one transaction.
            auto stored =
                sync::DeviceSyncStore(*state.store).addSignedAddendum(state.actor, id, addendum);
            return stored
                       ? AddendumResult{addendum, {}}
                       : AddendumResult{std::nullopt, AppError::fromStore(stored.error(),
                                                                          AppError::SignAddendum)};
        },
        [this, epoch, id](const AddendumResult &result) {
            writeFinished();
            if (epoch != m_lockEpoch) {
                return; // locked meanwhile: the session reopens from the store with it
            }
            if (!result.addendum) {
                setError(result.error);
                return;
            }
            setError({});
            if (m_state.session && m_state.session->id == id) {
                m_addenda->appendSigned(*result.addendum);
            }
            setAddendumRequested(false);
            Q_EMIT addendumSigned();
        });
}

void SessionController::refreshReadiness()
{
    ReadinessInput input;
    const auto index = m_diagnoses->search()->codeIndex();
    if (m_state.session && m_engine) {
        input.session = &*m_state.session;
        input.timerStopped = m_phase == Stopped || m_phase == Signed;
        input.minutes = m_timer->elapsedSeconds() / 60;
        input.decision = m_engine->code(factsNow());
        input.caseload = m_caseload;
        input.codes = index.get();
    }
    m_readiness->setItems(readinessItems(input));
    const bool can = m_phase == Stopped && !busy() && m_readiness->blockingCount() == 0;
    if (can != m_canSign) {
        m_canSign = can;
        Q_EMIT canSignChanged();
    }
}

void SessionController::setAddendumRequested(bool on)
{
    if (m_addendumRequested != on) {
        m_addendumRequested = on;
        Q_EMIT addendumRequestedChanged();
    }
}

void SessionController::setPhase(Phase phase)
{
    if (m_phase != phase) {
        m_phase = phase;
        Q_EMIT phaseChanged();
    }
}

void SessionController::setError(const AppError &error)
{
    if (m_error != error) {
        m_error = error;
        Q_EMIT errorChanged();
    }
}

void SessionController::writeStarted()
{
    if (m_pendingWrites++ == 0) {
        Q_EMIT busyChanged();
    }
}

void SessionController::writeFinished()
{
    if (--m_pendingWrites == 0) {
        Q_EMIT busyChanged();
    }
}

} // namespace sb::app
