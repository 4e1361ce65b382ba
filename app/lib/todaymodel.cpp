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
    // Today's session of each patient (the last one wins, as before), looked up by hash.
    QHash<PatientId, const Session *> todaysByPatient;
    todaysByPatient.reserve(sessions.size());
    for (const auto &session : sessions) {
        todaysByPatient.insert(session.patientId, &session);
    }
    for (const auto &patient : patients) {
        const bool mine = patient.primaryProviderId == providerId;
        const Session *todays = todaysByPatient.value(patient.id, nullptr);
        if (!mine && todays == nullptr) {
            continue;
        }
        TodayRow row;
        row.patientId = patient.id.toString();
        row.patientName = patient.lastName + QStringLiteral(", ") + patient.firstName;
        if (todays != nullptr) {
            row.sessionId = todays->id.toString();
            if (!todays->timing.isEmpty()) {
                row.startedAt = todays->timing.first().wallClockUtc.toLocalTime();
            }
            row.minutes = int(todays->elapsedMs() / 60000);
            row.isSigned = todays->isSigned();
            if (!todays->statusTrail.isEmpty()) {
                int furthest = 0;
                for (const StatusEntry &entry : todays->statusTrail) {
                    furthest = std::max(furthest, int(entry.status));
                }
                row.status = SessionTrailModel::labelOf(furthest);
            }
        }
        const auto coverages = store.patients().coverages(state.actor, patient.id)
                                   .valueOr(QList<Coverage>{});
        const auto auths = store.patients().authorizations(state.actor, patient.id)
                               .valueOr(QList<Authorization>{});
        const auto warnings = caseloadWarnings(today, coverages, auths, credentialing, payers);
        row.warnings = warnings.messages;
        row.blocking = warnings.blocking;
        rows.append(row);
    }
    if (!batch->commit()) {
        return {};
    }
    std::stable_sort(rows.begin(), rows.end(), [](const TodayRow &a, const TodayRow &b) {
        if (a.sessionId.isEmpty() != b.sessionId.isEmpty()) {
            return !a.sessionId.isEmpty();
        }
        return a.startedAt < b.startedAt;
    });
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
            {SeenTodayRole, "seenToday"}, {StatusRole, "status"}};
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
