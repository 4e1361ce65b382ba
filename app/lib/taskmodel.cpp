// SPDX-License-Identifier: Apache-2.0
#include "taskmodel.h"

#include "client/devicesyncstore.h"
#include "storehost.h"

namespace sb::app {

namespace {

QList<TaskRow> loadTasks(WorkerState &state)
{
    QList<TaskRow> rows;
    if (!state.store) {
        return rows;
    }
    sync::DeviceSyncStore device(*state.store);
    const auto tasks = device.openTasks().valueOr(QList<sync::DeviceTask>{});
    for (const auto &task : tasks) {
        TaskRow row{task.id.toString(QUuid::WithoutBraces),
                    QString(),
                    task.kind,
                    task.message,
                    QString(),
                    task.createdAt};
        if (task.sessionId) {
            row.sessionId = task.sessionId->toString();
            if (auto session = state.store->sessions().session(state.actor, *task.sessionId)) {
                if (auto patient =
                        state.store->patients().patient(state.actor, session->patientId)) {
                    row.patientName = patient->lastName + QStringLiteral(", ") + patient->firstName;
                }
            }
        }
        rows.append(row);
    }
    return rows;
}

} // namespace

TaskModel::TaskModel(StoreHost &host, QObject *parent)
    : QAbstractListModel(parent)
    , m_host(host)
{
}

int TaskModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant TaskModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const TaskRow &row = m_rows.at(index.row());
    switch (role) {
    case KindRole:
        return row.kind;
    case Qt::DisplayRole:
    case TitleRole:
        if (row.kind == u"addendum_requested") {
            return tr("Addendum requested");
        }
        if (row.kind == u"documentation_requested") {
            return tr("Documentation requested");
        }
        return tr("Task from the office");
    case MessageRole:
        return row.message;
    case SessionIdRole:
        return row.sessionId;
    case PatientNameRole:
        return row.patientName;
    case CreatedTextRole:
        return row.createdAt.isValid()
                   ? row.createdAt.toLocalTime().toString(QStringLiteral("MMM d, HH:mm"))
                   : QString();
    default:
        return {};
    }
}

QHash<int, QByteArray> TaskModel::roleNames() const
{
    return {{KindRole, "kind"},
            {TitleRole, "title"},
            {MessageRole, "message"},
            {SessionIdRole, "sessionId"},
            {PatientNameRole, "patientName"},
            {CreatedTextRole, "createdText"}};
}

void TaskModel::reload()
{
    const int generation = ++m_generation;
    m_host.run<QList<TaskRow>>(this, &loadTasks, [this, generation](const QList<TaskRow> &rows) {
        if (generation == m_generation) {
            setRows(rows);
            Q_EMIT loaded();
        }
    });
}

void TaskModel::clear()
{
    ++m_generation;
    setRows({});
}

void TaskModel::open(int row)
{
    if (row >= 0 && row < m_rows.size() && !m_rows.at(row).sessionId.isEmpty()) {
        Q_EMIT sessionRequested(m_rows.at(row).sessionId, m_rows.at(row).patientName);
    }
}

void TaskModel::setRows(QList<TaskRow> rows)
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
