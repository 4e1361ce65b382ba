// SPDX-License-Identifier: Apache-2.0
#include "todaymodel.h"

#include "caseloadwarnings.h"
#include "sessiontrailmodel.h"
#include "storehost.h"

#include <QHash>

#include <algorithm>

namespace sb::app {

namespace {

/// The whole Today query batch, on the store thread.
QList<TodayRow> loadToday(WorkerState &state)
{
    QList<TodayRow> rows;
    if (!state.store || !state.provider || !state.clinician) {
        return rows;
    }
    Store &store = *state.store;
    // One transaction for the whole batch: each repository read appends audit rows and would
    // otherwise commit (and fsync the WAL) on its own, twice per patient.
    auto batch = store.database().begin();
    if (!batch) {
        return rows;
    }
    const QDate today = state.clock.nowUtc().toLocalTime().date();
    const ProviderId providerId = state.provider->id;
    const auto sessions = store.sessions()
                              .sessionsForProvider(state.actor, providerId, today, today)
                              .valueOr(QList<Session>{});
    const auto credentialing
        = store.practice().credentialingFor(providerId).valueOr(QList<CredentialingRecord>{});
    const auto payers = store.practice().payers().valueOr(QList<Payer>{});
    const auto patients = store.patients()
                              .patients(state.actor, state.clinician->organizationId)
                              .valueOr(QList<Patient>{});
    QHash<PatientId, const Patient *> byId;
    for (const auto &patient : patients) {
        byId.insert(patient.id, &patient);
    }
    QHash<PatientId, CaseloadWarnings> warningsOf;
    const auto warningsFor = [&](const PatientId &id) {
        auto found = warningsOf.constFind(id);
        if (found == warningsOf.cend()) {
            const auto coverages
                = store.patients().coverages(state.actor, id).valueOr(QList<Coverage>{});
            const auto auths = store.patients().authorizations(state.actor, id)
                                   .valueOr(QList<Authorization>{});
            found = warningsOf.insert(
                id, caseloadWarnings(today, coverages, auths, credentialing, payers));
        }
        return *found;
    };
    for (const auto &session : sessions) {
        const Patient *patient = byId.value(session.patientId);
        if (patient == nullptr) {
            continue;
        }
        TodayRow row;
        row.patientId = patient->id.toString();
        row.patientName = patient->lastName + QStringLiteral(", ") + patient->firstName;
        row.sessionId = session.id.toString();
        if (!session.timing.isEmpty()) {
            row.startedAt = session.timing.first().wallClockUtc.toLocalTime();
        }
        row.minutes = int(session.elapsedMs() / 60000);
        row.isSigned = session.isSigned();
        if (!session.statusTrail.isEmpty()) {
            int furthest = 0;
            for (const StatusEntry &entry : session.statusTrail) {
                furthest = std::max(furthest, int(entry.status));
            }
            row.status = SessionTrailModel::labelOf(furthest);
        }
        row.state = TodayRow::State::Stopped;
        if (row.isSigned) {
            row.state = TodayRow::State::Signed;
        } else if (!session.timing.isEmpty()) {
            switch (session.timing.last().kind) {
            case TimingEventKind::Start:
            case TimingEventKind::Resume:
                row.state = TodayRow::State::Running;
                break;
            case TimingEventKind::Pause:
                row.state = TodayRow::State::Paused;
                break;
            case TimingEventKind::Stop:
                break;
            }
        }
        const auto warnings = warningsFor(session.patientId);
        row.warnings = warnings.messages;
        row.blocking = warnings.blocking;
        rows.append(row);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const TodayRow &a, const TodayRow &b) {
        return a.startedAt < b.startedAt;
    });
    for (const auto &patient : patients) {
        if (patient.primaryProviderId != providerId) {
            continue;
        }
        TodayRow row;
        row.patientId = patient.id.toString();
        row.patientName = patient.lastName + QStringLiteral(", ") + patient.firstName;
        const auto warnings = warningsFor(patient.id);
        row.warnings = warnings.messages;
        row.blocking = warnings.blocking;
        rows.append(row);
    }
    if (!batch->commit()) {
        return {};
    }
    return rows;
}

} // namespace

TodayModel::TodayModel(StoreHost &host, QObject *parent) : QAbstractListModel(parent), m_host(host)
{
}

int TodayModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant TodayModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const TodayRow &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case PatientNameRole:
        return row.patientName;
    case PatientIdRole:
        return row.patientId;
    case SessionIdRole:
        return row.sessionId;
    case TimeRole:
        return row.startedAt.isValid() ? row.startedAt.toString(QStringLiteral("HH:mm"))
                                       : QString();
    case MinutesRole:
        return row.minutes;
    case SignedRole:
        return row.isSigned;
    case WarningsRole:
        return row.warnings;
    case BlockingRole:
        return row.blocking;
    case SeenTodayRole:
        return !row.sessionId.isEmpty();
    case StatusRole:
        return row.status;
    case ActiveRole:
        return row.state == TodayRow::State::Running || row.state == TodayRow::State::Paused;
    case StateTextRole:
        switch (row.state) {
        case TodayRow::State::None:
            return QString();
        case TodayRow::State::Running:
            return tr("Running");
        case TodayRow::State::Paused:
            return tr("Paused");
        case TodayRow::State::Stopped:
            return tr("Draft");
        case TodayRow::State::Signed:
            return tr("Signed");
        }
        return QString();
    default:
        return {};
    }
}

QHash<int, QByteArray> TodayModel::roleNames() const
{
    return {{PatientIdRole, "patientId"}, {PatientNameRole, "patientName"},
            {SessionIdRole, "sessionId"}, {TimeRole, "time"},
            {MinutesRole, "minutes"},     {SignedRole, "signed"},
            {WarningsRole, "warnings"},   {BlockingRole, "blocking"},
            {SeenTodayRole, "seenToday"}, {StatusRole, "status"},
            {StateTextRole, "stateText"}, {ActiveRole, "active"}};
}

QString TodayModel::activeSessionId() const
{
    for (const TodayRow &row : m_rows) {
        if (row.state == TodayRow::State::Running || row.state == TodayRow::State::Paused) {
            return row.sessionId;
        }
    }
    return {};
}

void TodayModel::reload()
{
    m_loading = true;
    Q_EMIT loadingChanged();
    const int generation = ++m_generation;
    m_host.run<QList<TodayRow>>(this, &loadToday, [this, generation](const QList<TodayRow> &rows) {
        if (generation != m_generation) {
            return;
        }
        setRows(rows);
        m_loading = false;
        Q_EMIT loadingChanged();
        Q_EMIT loaded();
    });
}

void TodayModel::clear()
{
    ++m_generation;
    setRows({});
    if (m_loading) {
        m_loading = false;
        Q_EMIT loadingChanged();
    }
}

void TodayModel::setRows(QList<TodayRow> rows)
{
    const int before = int(m_rows.size());
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    if (before != int(m_rows.size())) {
        Q_EMIT countChanged();
    }
}

} // namespace sb::app
