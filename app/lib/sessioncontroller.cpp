// SPDX-License-Identifier: Apache-2.0
#include "sessioncontroller.h"

#include "client/devicesyncstore.h"
#include "codinghint.h"
#include "storehost.h"

namespace sb::app {

namespace {

/// What start() needs from the store: the new draft and the facts the coding engine uses.
struct Started {
    std::optional<Session> session;
    coding::SessionFacts facts;
    QString error;
};

struct Written {
    bool ok = false;
    QString error;
};

} // namespace

SessionController::SessionController(StoreHost &host, QObject *parent)
    : QObject(parent), m_host(host)
{
    if (auto rules = coding::RuleSet::builtin()) {
        m_engine.emplace(rules.value());
    }
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &SessionController::elapsedChanged);
}

int SessionController::elapsedSeconds() const
{
    if (!m_session) {
        return 0;
    }
    std::int64_t ms = m_session->elapsedMs();
    if (m_phase == Running && !m_session->timing.isEmpty()) {
        ms += m_host.clock().monotonicMs() - m_session->timing.last().monotonicMs;
    }
    return int(ms / 1000);
}

QString SessionController::elapsedText() const
{
    const int s = elapsedSeconds();
    return QStringLiteral("%1:%2").arg(s / 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10,
                                                                            QLatin1Char('0'));
}

QString SessionController::codingHint() const
{
    if (!m_engine || !m_session) {
        return {};
    }
    coding::SessionFacts facts = m_facts;
    facts.minutes = elapsedSeconds() / 60;
    return app::codingHint(*m_engine, facts, m_phase == Running || m_phase == Paused);
}

void SessionController::start(const QString &patientId, const QString &patientName)
{
    if (m_phase == Running || m_phase == Paused) {
        return;
    }
    const auto patient = PatientId::fromString(patientId);
    if (!patient) {
        setError(tr("Unknown patient."));
        return;
    }
    setError({});
    m_patientName = patientName;
    const PatientId id = *patient;
    writeStarted();
    m_host.run<Started>(
        this,
        [id](WorkerState &state) {
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
            s.dateOfService = state.clock.nowUtc().toLocalTime().date();
            s.participants = {Participant{ParticipantRole::Patient, id, QString(), true}};
            out.facts.provider = state.provider->credential;
            out.facts.dateOfService = s.dateOfService;
            for (const auto &coverage : store.patients().coverages(state.actor, id)
                                            .valueOr(QList<Coverage>{})) {
                if (coverage.priority == 1) {
                    s.payerId = coverage.payerId;
                    if (auto payer = store.practice().payer(coverage.payerId)) {
                        out.facts.payer = payer->kind;
                        out.facts.payerProfile = payer->profile;
                    }
                }
            }
            out.session = s;
            return out;
        },
        [this](const Started &started) {
            writeFinished();
            if (!started.session) {
                setError(tr("The session could not be started."));
                return;
            }
            m_session = started.session;
            m_facts = started.facts;
            tap(TimingEventKind::Start, Running);
        });
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
    const Clock &clock = m_host.clock();
    TimingEvent event;
    event.kind = kind;
    event.wallClockUtc = clock.nowUtc();
    event.monotonicMs = clock.monotonicMs();
    event.bootId = 1;
    m_session->timing.append(event);
    m_session->updatedAt = event.wallClockUtc;
    setPhase(next);
    if (next == Running) {
        m_tick.start();
    } else {
        m_tick.stop();
    }
    Q_EMIT elapsedChanged();
    save();
}

void SessionController::save()
{
    const Session copy = *m_session;
    writeStarted();
    m_host.run<Written>(
        this,
        [copy](WorkerState &state) {
            if (!state.store) {
                return Written{false, QStringLiteral("locked")};
            }
            auto saved = state.store->sessions().saveDraft(state.actor, copy);
            return Written{bool(saved), saved ? QString() : saved.error().kindName()};
        },
        [this](const Written &written) {
            writeFinished();
            if (!written.ok) {
                setError(tr("Saving failed. Your timing is kept on screen; try again."));
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
    const SessionId id = m_session->id;
    writeStarted();
    m_host.run<Written>(
        this,
        [id](WorkerState &state) {
            if (!state.store || !state.clinician) {
                return Written{false, QStringLiteral("locked")};
            }
            // Signature and outbox row in one transaction; the client (when built) then syncs.
            auto signature = state.sync
                                 ? state.sync->signSession(state.actor, id, state.clinician->id,
                                                           state.clock.nowUtc())
                                 : sync::DeviceSyncStore(*state.store)
                                       .signSession(state.actor, id, state.clinician->id,
                                                    state.clock.nowUtc());
            return Written{bool(signature), signature ? QString() : signature.error().kindName()};
        },
        [this](const Written &written) {
            writeFinished();
            if (!written.ok) {
                setError(tr("Signing failed; the draft is kept."));
                return;
            }
            setPhase(Signed);
            Q_EMIT sessionSigned();
        });
}

void SessionController::close()
{
    if (m_phase == Running || m_phase == Paused) {
        return;
    }
    m_session.reset();
    m_patientName.clear();
    setError({});
    setPhase(Idle);
    Q_EMIT elapsedChanged();
}

void SessionController::setPhase(Phase phase)
{
    if (m_phase != phase) {
        m_phase = phase;
        Q_EMIT phaseChanged();
    }
}

void SessionController::setError(const QString &text)
{
    if (m_errorText != text) {
        m_errorText = text;
        Q_EMIT errorTextChanged();
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
