// SPDX-License-Identifier: Apache-2.0
#include "sessiontrailmodel.h"

#include "domain/enums.h"
#include "domain/session.h"
#include "storehost.h"
#include "timerclock.h"

#include <QCoreApplication>

namespace sb::app {

namespace {

/// The six steps; a denial takes the place of "paid".
QList<TrailStep> stepsOf(const QList<StatusEntry> &trail)
{
    const SessionStatus order[] = {SessionStatus::Captured, SessionStatus::OnDevice,
                                   SessionStatus::Received, SessionStatus::Coded,
                                   SessionStatus::Claimed,  SessionStatus::Paid};
    bool denied = false;
    for (const StatusEntry &entry : trail) {
        denied = denied || entry.status == SessionStatus::Denied;
    }
    QList<TrailStep> steps;
    for (SessionStatus status : order) {
        if (status == SessionStatus::Paid && denied) {
            status = SessionStatus::Denied;
        }
        TrailStep step{int(status), false, {}, {}};
        for (const StatusEntry &entry : trail) {
            if (entry.status == status) {
                step.reached = true;
                step.at = entry.at;
                step.detail = entry.detail;
            }
        }
        steps.append(step);
    }
    // A later step implies the earlier ones (e.g. a pulled "coded" before "received").
    bool later = false;
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
        later = later || it->reached;
        it->reached = it->reached || later;
    }
    return steps;
}

/// What one load of the trail brings back from the store thread.
struct TrailLoad {
    QList<TrailStep> steps;
    QString clockText;
};

} // namespace

SessionTrailModel::SessionTrailModel(StoreHost &host, QObject *parent)
    : QAbstractListModel(parent)
    , m_host(host)
{
}

QString SessionTrailModel::labelOf(int status)
{
    switch (SessionStatus(status)) {
    case SessionStatus::Captured:
        return tr("Captured");
    case SessionStatus::OnDevice:
        return tr("On device");
    case SessionStatus::Received:
        return tr("Received by the office");
    case SessionStatus::Coded:
        return tr("Coded");
    case SessionStatus::Claimed:
        return tr("Claimed");
    case SessionStatus::Paid:
        return tr("Paid");
    case SessionStatus::Denied:
        return tr("Denied");
    }
    return {};
}

int SessionTrailModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_steps.size());
}

QVariant SessionTrailModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const TrailStep &step = m_steps.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case LabelRole:
        return labelOf(step.status);
    case ReachedRole:
        return step.reached;
    case AtTextRole:
        return step.at.isValid() ? step.at.toLocalTime().toString(QStringLiteral("MMM d, HH:mm"))
                                 : QString();
    case DetailRole:
        return step.detail;
    case DeniedRole:
        return SessionStatus(step.status) == SessionStatus::Denied;
    case StatusNameRole:
        return toName(SessionStatus(step.status));
    default:
        return {};
    }
}

QHash<int, QByteArray> SessionTrailModel::roleNames() const
{
    return {{LabelRole, "label"},   {ReachedRole, "reached"}, {AtTextRole, "atText"},
            {DetailRole, "detail"}, {DeniedRole, "denied"},   {StatusNameRole, "statusName"}};
}

QString SessionTrailModel::currentText() const
{
    for (auto it = m_steps.crbegin(); it != m_steps.crend(); ++it) {
        if (it->reached) {
            return labelOf(it->status);
        }
    }
    return {};
}

void SessionTrailModel::load(const QString &sessionId, const QString &patientName)
{
    m_sessionId = sessionId;
    m_patientName = patientName;
    Q_EMIT sessionChanged();
    refresh();
}

void SessionTrailModel::refresh()
{
    const auto id = SessionId::fromString(m_sessionId);
    if (!id) {
        m_clockText.clear();
        setSteps({});
        return;
    }
    const int generation = ++m_generation;
    m_host.run<TrailLoad>(
        this,
        [id = *id](WorkerState &state) {
            TrailLoad out;
            if (!state.store) {
                return out;
            }
            auto session = state.store->sessions().session(state.actor, id);
            if (!session) {
                return out;
            }
            out.steps = stepsOf(session->statusTrail);
            if (!session->timing.isEmpty()) {
                const QTimeZone zone = QTimeZone::systemTimeZone();
                ServiceDate date = serviceDateOf(session->timing.first(), zone);
                date.date = session->dateOfService; // as stored (and signed)
                out.clockText = serviceDateText(date, zone);
            }
            return out;
        },
        [this, generation](const TrailLoad &load) {
            if (generation == m_generation) {
                m_clockText = load.clockText;
                setSteps(load.steps);
                Q_EMIT loaded();
            }
        });
}

void SessionTrailModel::clear()
{
    ++m_generation;
    m_sessionId.clear();
    m_patientName.clear();
    m_clockText.clear();
    setSteps({});
    Q_EMIT sessionChanged();
}

void SessionTrailModel::setSteps(QList<TrailStep> steps)
{
    beginResetModel();
    m_steps = std::move(steps);
    endResetModel();
    Q_EMIT sessionChanged();
}

} // namespace sb::app
