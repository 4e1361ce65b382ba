// SPDX-License-Identifier: Apache-2.0
#include "sessioncontroller.h"

#include "client/devicesyncstore.h"
#include "codesets/icd10index.h"
#include "codinghint.h"
#include "diagnosissearchmodel.h"
#include "domain/enums.h"
#include "readiness.h"
#include "storehost.h"

#include <QLocale>

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

QVariantMap option(const QString &value, const QString &text)
{
    return {{QStringLiteral("value"), value}, {QStringLiteral("text"), text}};
}

QString withDot(const QString &code)
{
    return code.size() > 3 ? code.left(3) + u'.' + code.mid(3) : code;
}

/// "f41.1 " -> "F411": what the code set and the store expect.
QString normalizedCode(const QString &code)
{
    QString out;
    for (const QChar c : code) {
        if (c.isLetterOrNumber()) {
            out.append(c.toUpper());
        }
    }
    return out;
}

QString roleText(ParticipantRole role)
{
    switch (role) {
    case ParticipantRole::Patient:
        return SessionController::tr("Patient");
    case ParticipantRole::FamilyMember:
        return SessionController::tr("Family member");
    case ParticipantRole::GroupMember:
        return SessionController::tr("Group member");
    case ParticipantRole::Interpreter:
        return SessionController::tr("Interpreter");
    case ParticipantRole::Other:
        return SessionController::tr("Other");
    }
    return {};
}

bool isGroup(ServiceKind kind)
{
    return kind == ServiceKind::Group || kind == ServiceKind::MultipleFamilyGroup;
}

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
{
    if (auto rules = coding::RuleSet::builtin()) {
        m_engine.emplace(rules.value());
    }
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &SessionController::elapsedChanged);
    m_autosave.setSingleShot(true);
    m_autosave.setInterval(noteAutosaveMs);
    connect(&m_autosave, &QTimer::timeout, this, &SessionController::flushNote);
    m_search = new DiagnosisSearchModel(host, this);
    m_readiness = new ReadinessModel(this);
    connect(m_search, &DiagnosisSearchModel::readyChanged, this, [this] {
        Q_EMIT diagnosesChanged(); // descriptions come from the index
        refreshReadiness();
    });
    connect(this, &SessionController::busyChanged, this, &SessionController::refreshReadiness);
}

SessionController::~SessionController() = default;

int SessionController::elapsedSeconds() const
{
    if (!m_session) {
        return 0;
    }
    std::int64_t ms = m_session->elapsedMs();
    if (m_phase == Running && !m_session->timing.isEmpty()) {
        const TimingEvent &since = m_session->timing.last();
        const Clock &clock = m_host.clock();
        std::int64_t running = clock.monotonicMs() - since.monotonicMs;
        if (since.bootId != clock.bootId() || running < 0) {
            // The device rebooted since the tap: the wall clock is all we have.
            running = std::max<std::int64_t>(0, since.wallClockUtc.msecsTo(clock.nowUtc()));
        }
        ms += running;
    }
    return int(ms / 1000);
}

QString SessionController::elapsedText() const
{
    const int s = elapsedSeconds();
    return QStringLiteral("%1:%2")
        .arg(s / 60, 2, 10, QLatin1Char('0'))
        .arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString SessionController::codingHint() const
{
    if (!m_engine || !m_session) {
        return {};
    }
    return app::codingHint(*m_engine, factsNow(), m_phase == Running || m_phase == Paused);
}

coding::SessionFacts SessionController::factsNow() const
{
    coding::SessionFacts facts = m_facts;
    facts.minutes = elapsedSeconds() / 60;
    if (m_session) {
        facts.service = m_session->service;
        facts.modality = m_session->modality;
        facts.patientLocation = m_session->patientLocation;
        facts.interactiveComplexity = m_session->interactiveComplexity;
        facts.primaryDiagnosis =
            m_session->diagnoses.isEmpty() ? QString() : m_session->diagnoses.first().code;
    }
    return facts;
}

QString SessionController::service() const
{
    return m_session ? toName(m_session->service) : QString();
}

QString SessionController::modality() const
{
    return m_session ? toName(m_session->modality) : QString();
}

QString SessionController::patientLocation() const
{
    return m_session ? toName(m_session->patientLocation) : QString();
}

bool SessionController::interactiveComplexity() const
{
    return m_session && m_session->interactiveComplexity;
}

bool SessionController::telehealth() const
{
    return m_session && m_session->modality != Modality::InPerson;
}

bool SessionController::groupSession() const
{
    return m_session && isGroup(m_session->service);
}

QVariantList SessionController::participants() const
{
    QVariantList out;
    if (!m_session) {
        return out;
    }
    for (const Participant &p : m_session->participants) {
        const bool patient = p.role == ParticipantRole::Patient;
        out.append(QVariantMap{{QStringLiteral("name"),
                                patient && p.displayName.isEmpty() ? m_patientName : p.displayName},
                               {QStringLiteral("role"), toName(p.role)},
                               {QStringLiteral("roleText"), roleText(p.role)},
                               {QStringLiteral("present"), p.present},
                               {QStringLiteral("removable"), !patient}});
    }
    return out;
}

QVariantList SessionController::serviceOptions() const
{
    return {
        option(toName(ServiceKind::IndividualPsychotherapy), tr("Individual psychotherapy")),
        option(toName(ServiceKind::PsychotherapyWithEm), tr("Psychotherapy with E/M")),
        option(toName(ServiceKind::Crisis), tr("Crisis psychotherapy")),
        option(toName(ServiceKind::FamilyWithPatient), tr("Family, with patient")),
        option(toName(ServiceKind::FamilyWithoutPatient), tr("Family, without patient")),
        option(toName(ServiceKind::Group), tr("Group psychotherapy")),
        option(toName(ServiceKind::MultipleFamilyGroup), tr("Multiple-family group")),
        option(toName(ServiceKind::DiagnosticEval), tr("Diagnostic evaluation")),
        option(toName(ServiceKind::DiagnosticEvalMedical),
               tr("Diagnostic evaluation with medical services")),
        option(toName(ServiceKind::PsychTestingEval), tr("Psychological testing evaluation")),
        option(toName(ServiceKind::PsychTestingAdmin), tr("Psychological test administration")),
        option(toName(ServiceKind::EmOfficeNew), tr("Office visit, new patient")),
        option(toName(ServiceKind::EmOfficeEstablished), tr("Office visit, established")),
        option(toName(ServiceKind::HealthBehaviorIndividual), tr("Health behavior intervention"))};
}

QVariantList SessionController::modalityOptions() const
{
    return {option(toName(Modality::InPerson), tr("In person")),
            option(toName(Modality::Video), tr("Video")),
            option(toName(Modality::AudioOnly), tr("Audio only"))};
}

QVariantList SessionController::locationOptions() const
{
    return {option(toName(PatientLocation::Office), tr("Clinic or office")),
            option(toName(PatientLocation::Home), tr("Patient's home")),
            option(toName(PatientLocation::Other), tr("Other site"))};
}

QVariantList SessionController::participantRoleOptions() const
{
    return {option(toName(ParticipantRole::FamilyMember), roleText(ParticipantRole::FamilyMember)),
            option(toName(ParticipantRole::GroupMember), roleText(ParticipantRole::GroupMember)),
            option(toName(ParticipantRole::Interpreter), roleText(ParticipantRole::Interpreter)),
            option(toName(ParticipantRole::Other), roleText(ParticipantRole::Other))};
}

QVariantList SessionController::diagnoses() const
{
    QVariantList out;
    if (!m_session) {
        return out;
    }
    const auto index = m_search->codeIndex();
    bool first = true;
    for (const Diagnosis &dx : m_session->diagnoses) {
        QString description;
        if (index) {
            if (const Icd10Check check = index->check(dx.code, m_session->dateOfService)) {
                description = check->description;
            }
        }
        out.append(QVariantMap{{QStringLiteral("code"), dx.code},
                               {QStringLiteral("displayCode"), withDot(dx.code)},
                               {QStringLiteral("description"), description},
                               {QStringLiteral("primary"), first}});
        first = false;
    }
    return out;
}

QString SessionController::note() const
{
    return m_session ? m_session->note : QString();
}

QString SessionController::noteTemplate() const
{
    return m_session ? m_session->noteTemplate : QString();
}

QString SessionController::noteStatus() const
{
    if (!m_session) {
        return {};
    }
    if (m_noteDirty) {
        return tr("Not saved yet");
    }
    return m_noteSaves > 0 ? tr("Saving…") : tr("Saved");
}

bool SessionController::canSign() const
{
    return m_canSign;
}

QVariantList SessionController::addenda() const
{
    QVariantList out;
    if (!m_session) {
        return out;
    }
    for (const Addendum &a : m_session->addenda) {
        const QDateTime at = a.signature ? a.signature->signedAt : a.createdAt;
        out.append(QVariantMap{{QStringLiteral("text"), a.text},
                               {QStringLiteral("signedAt"),
                                QLocale().toString(at.toLocalTime(), QLocale::ShortFormat)}});
    }
    return out;
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
    m_patientName = patientName;
    if (!m_search->ready()) {
        m_search->loadIndex();
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
        [this, epoch, startTap](const Started &started) {
            writeFinished();
            if (epoch != m_lockEpoch) {
                return; // locked before the Start tap: nothing was stored, nothing is kept
            }
            if (!started.session) {
                setError(AppError(AppError::Locked, AppError::Start));
                return;
            }
            m_session = started.session;
            m_facts = started.facts;
            m_caseload = started.caseload;
            m_noteDirty = false;
            setDiagnosisMessage({});
            Q_EMIT detailsChanged();
            Q_EMIT diagnosesChanged();
            Q_EMIT noteChanged();
            Q_EMIT addendaChanged();
            tap(startTap, Running);
        });
}

QString SessionController::sessionId() const
{
    return m_session ? m_session->id.toString() : QString();
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
    if (m_session && m_session->id == *id) {
        setAddendumRequested(forAddendum && m_phase == Signed);
        Q_EMIT sessionOpened();
        return;
    }
    if (m_phase == Running || m_phase == Paused) {
        setError(AppError(AppError::SessionRunning, AppError::Open));
        return;
    }
    close();
    if (!m_search->ready()) {
        m_search->loadIndex();
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
    m_session = opened.session;
    m_patientName = opened.patientName;
    m_facts = opened.facts;
    m_caseload = opened.caseload;
    m_noteDirty = false;
    setDiagnosisMessage({});
    const Phase phase = phaseOf(*m_session);
    const bool samePhase = phase == m_phase;
    setPhase(phase);
    if (phase == Running) {
        m_tick.start();
    } else {
        m_tick.stop();
    }
    setAddendumRequested(forAddendum && phase == Signed);
    if (samePhase) {
        Q_EMIT phaseChanged(); // patientName and sessionId notify with the phase
    }
    notifySessionReplaced();
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
            if (!m_search->ready()) {
                m_search->loadIndex();
            }
            showOpened(opened, forAddendum);
        });
}

void SessionController::handleLocked()
{
    flushNote(); // posted before the lock's close job, so it is stored first
    ++m_lockEpoch;
    if (m_session) {
        m_resumeId = m_session->id;
        m_resumeForAddendum = m_addendumRequested;
    }
    dropSession();
}

void SessionController::pause()
{
    if (m_phase == Running) {
        tap(TimingEventKind::Pause, Paused);
    }
}

void SessionController::resume()
{
    if (m_phase == Paused) {
        tap(TimingEventKind::Resume, Running);
    }
}

void SessionController::stop()
{
    if (m_phase == Running || m_phase == Paused) {
        tap(TimingEventKind::Stop, Stopped);
    }
}

void SessionController::tap(TimingEventKind kind, Phase next)
{
    tap(m_timerClock.tap(kind), next);
}

void SessionController::tap(const TimingEvent &event, Phase next)
{
    m_session->timing.append(event);
    m_session->updatedAt = event.wallClockUtc;
    save(); // queued before anything a phase change triggers (Today reloads on it)
    setPhase(next);
    if (next == Running) {
        m_tick.start();
    } else {
        m_tick.stop();
    }
    Q_EMIT elapsedChanged();
    refreshReadiness();
}

void SessionController::save(bool withNote)
{
    const Session copy = *m_session;
    writeStarted();
    if (withNote) {
        ++m_noteSaves;
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
                --m_noteSaves;
                if (!written.ok && m_session && m_session->id == id) {
                    m_noteDirty = true; // "Not saved yet": the next flush tries again
                }
                Q_EMIT noteStatusChanged();
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
    if (m_phase != Stopped || !m_session) {
        return;
    }
    refreshReadiness();
    if (m_readiness->blockingCount() > 0) {
        setError(AppError(AppError::BlockingItems, AppError::Sign));
        return;
    }
    flushNote(); // queued before the signature on the same thread: the signed note is current
    const SessionId id = m_session->id;
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
        [this, epoch](const SignedResult &result) {
            writeFinished();
            if (epoch != m_lockEpoch) {
                return; // locked meanwhile: the session reopens from the store, signed or not
            }
            if (!result.signature) {
                setError(result.error);
                return;
            }
            setError({});
            m_session->signature = result.signature;
            m_autosave.stop();
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
    flushNote();
    dropSession();
}

void SessionController::notifySessionReplaced()
{
    Q_EMIT elapsedChanged();
    Q_EMIT detailsChanged();
    Q_EMIT diagnosesChanged();
    Q_EMIT noteChanged();
    Q_EMIT noteStatusChanged();
    Q_EMIT addendaChanged();
    refreshReadiness();
}

void SessionController::dropSession()
{
    m_autosave.stop();
    m_session.reset();
    m_noteDirty = false;
    m_tick.stop();
    setAddendumRequested(false);
    m_patientName.clear();
    m_facts = {};
    m_caseload = {};
    setError({});
    setDiagnosisMessage({});
    m_search->clear();
    setPhase(Idle);
    notifySessionReplaced();
}

void SessionController::detailsEdited()
{
    m_session->updatedAt = m_host.clock().nowUtc();
    Q_EMIT detailsChanged();
    Q_EMIT elapsedChanged(); // the coding hint depends on the details
    save();
    refreshReadiness();
}

void SessionController::setService(const QString &name)
{
    const auto value = fromName<ServiceKind>(name);
    if (!editable() || !value || *value == m_session->service) {
        return;
    }
    m_session->service = *value;
    detailsEdited();
}

void SessionController::setModality(const QString &name)
{
    const auto value = fromName<Modality>(name);
    if (!editable() || !value || *value == m_session->modality) {
        return;
    }
    m_session->modality = *value;
    if (*value == Modality::InPerson) {
        m_session->patientLocation = PatientLocation::Office;
    } else if (m_session->patientLocation == PatientLocation::Office) {
        m_session->patientLocation = PatientLocation::Home; // the usual telehealth case
    }
    detailsEdited();
}

void SessionController::setPatientLocation(const QString &name)
{
    const auto value = fromName<PatientLocation>(name);
    if (!editable() || !value || *value == m_session->patientLocation) {
        return;
    }
    m_session->patientLocation = *value;
    detailsEdited();
}

void SessionController::setInteractiveComplexity(bool on)
{
    if (!editable() || m_session->interactiveComplexity == on) {
        return;
    }
    m_session->interactiveComplexity = on;
    detailsEdited();
}

void SessionController::addParticipant(const QString &displayName, const QString &role)
{
    const QString name = displayName.simplified();
    const auto value = fromName<ParticipantRole>(role);
    if (!editable() || name.isEmpty() || !value || *value == ParticipantRole::Patient) {
        return;
    }
    m_session->participants.append(Participant{*value, std::nullopt, name.left(200), true});
    detailsEdited();
}

void SessionController::removeParticipant(int index)
{
    if (!editable() || index < 0 || index >= m_session->participants.size()
        || m_session->participants.at(index).role == ParticipantRole::Patient) {
        return;
    }
    m_session->participants.removeAt(index);
    detailsEdited();
}

void SessionController::setParticipantPresent(int index, bool present)
{
    if (!editable() || index < 0 || index >= m_session->participants.size()
        || m_session->participants.at(index).present == present) {
        return;
    }
    m_session->participants[index].present = present;
    detailsEdited();
}

bool SessionController::addDiagnosis(const QString &code)
{
    if (!editable()) {
        return false;
    }
    const QString normalized = normalizedCode(code);
    const auto index = m_search->codeIndex();
    if (!index) {
        setDiagnosisMessage(tr("The code list is still loading; try again in a moment."));
        return false;
    }
    if (normalized.isEmpty()) {
        setDiagnosisMessage(tr("Enter an ICD-10-CM code."));
        return false;
    }
    for (const Diagnosis &dx : m_session->diagnoses) {
        if (dx.code == normalized) {
            setDiagnosisMessage(tr("%1 is already on this session.").arg(withDot(normalized)));
            return false;
        }
    }
    if (m_session->diagnoses.size() >= 12) {
        setDiagnosisMessage(tr("A claim holds at most 12 diagnoses."));
        return false;
    }
    const QString problem = diagnosisProblem(*index, normalized, m_session->dateOfService);
    if (!problem.isEmpty()) {
        setDiagnosisMessage(problem);
        return false;
    }
    setDiagnosisMessage({});
    m_session->diagnoses.append(Diagnosis{normalized});
    Q_EMIT diagnosesChanged();
    detailsEdited();
    return true;
}

void SessionController::removeDiagnosis(int index)
{
    if (!editable() || index < 0 || index >= m_session->diagnoses.size()) {
        return;
    }
    m_session->diagnoses.removeAt(index);
    setDiagnosisMessage({});
    Q_EMIT diagnosesChanged();
    detailsEdited();
}

void SessionController::makePrimaryDiagnosis(int index)
{
    if (!editable() || index <= 0 || index >= m_session->diagnoses.size()) {
        return;
    }
    m_session->diagnoses.move(index, 0);
    Q_EMIT diagnosesChanged();
    detailsEdited();
}

void SessionController::setNote(const QString &text)
{
    if (!editable() || m_session->note == text) {
        return;
    }
    const bool wasEmpty = m_session->note.trimmed().isEmpty();
    m_session->note = text;
    m_session->updatedAt = m_host.clock().nowUtc();
    if (!m_noteDirty) {
        m_noteDirty = true;
        Q_EMIT noteStatusChanged();
    }
    m_autosave.start();
    if (wasEmpty != text.trimmed().isEmpty()) {
        refreshReadiness();
    }
}

QString SessionController::templateText(const QString &name)
{
    QStringList headings;
    if (name == u"SOAP") {
        headings = {tr("Subjective"), tr("Objective"), tr("Assessment"), tr("Plan")};
    } else if (name == u"DAP") {
        headings = {tr("Data"), tr("Assessment"), tr("Plan")};
    } else if (name == u"BIRP") {
        headings = {tr("Behavior"), tr("Intervention"), tr("Response"), tr("Plan")};
    }
    QString text;
    for (const QString &heading : headings) {
        text += heading + QStringLiteral(":\n\n");
    }
    return text;
}

void SessionController::applyTemplate(const QString &name)
{
    const QString sections = templateText(name);
    if (!editable() || sections.isEmpty()) {
        return;
    }
    QString note = m_session->note;
    if (!note.trimmed().isEmpty()) {
        note += note.endsWith(u'\n') ? QStringLiteral("\n") : QStringLiteral("\n\n");
    }
    m_session->note = note + sections;
    m_session->noteTemplate = name;
    m_session->updatedAt = m_host.clock().nowUtc();
    m_noteDirty = true;
    Q_EMIT noteChanged();
    flushNote();
    refreshReadiness();
}

void SessionController::flushNote()
{
    m_autosave.stop();
    if (!m_noteDirty || !m_session) {
        return;
    }
    m_noteDirty = false;
    save(true);
    Q_EMIT noteStatusChanged();
}

void SessionController::addAddendum(const QString &text)
{
    const QString body = text.trimmed();
    if (m_phase != Signed || !m_session || body.isEmpty()) {
        return;
    }
    const SessionId id = m_session->id;
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
        [this, epoch](const AddendumResult &result) {
            writeFinished();
            if (epoch != m_lockEpoch) {
                return; // locked meanwhile: the session reopens from the store with it
            }
            if (!result.addendum) {
                setError(result.error);
                return;
            }
            setError({});
            if (m_session) {
                m_session->addenda.append(*result.addendum);
                Q_EMIT addendaChanged();
            }
            setAddendumRequested(false);
            Q_EMIT addendumSigned();
        });
}

void SessionController::refreshReadiness()
{
    ReadinessInput input;
    const auto index = m_search->codeIndex();
    if (m_session && m_engine) {
        input.session = &*m_session;
        input.timerStopped = m_phase == Stopped || m_phase == Signed;
        input.minutes = elapsedSeconds() / 60;
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

void SessionController::setDiagnosisMessage(const QString &text)
{
    if (m_diagnosisMessage != text) {
        m_diagnosisMessage = text;
        Q_EMIT diagnosisMessageChanged();
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
