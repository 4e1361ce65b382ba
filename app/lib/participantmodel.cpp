// SPDX-License-Identifier: Apache-2.0
#include "participantmodel.h"

#include "domain/enums.h"

namespace sb::app {

ParticipantModel::ParticipantModel(CaptureState &state, QObject *parent)
    : QAbstractListModel(parent)
    , m_state(state)
{
}

int ParticipantModel::size() const
{
    return m_state.session ? int(m_state.session->participants.size()) : 0;
}

int ParticipantModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : size();
}

QVariant ParticipantModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Participant &p = m_state.session->participants.at(index.row());
    const bool patient = p.role == ParticipantRole::Patient;
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return patient && p.displayName.isEmpty() ? m_state.patientName : p.displayName;
    case RoleNameRole:
        return toName(p.role);
    case RoleTextRole:
        return roleText(p.role);
    case PresentRole:
        return p.present;
    case RemovableRole:
        return !patient;
    default:
        return {};
    }
}

QHash<int, QByteArray> ParticipantModel::roleNames() const
{
    return {{NameRole, "name"},
            {RoleNameRole, "roleName"},
            {RoleTextRole, "roleText"},
            {PresentRole, "present"},
            {RemovableRole, "removable"}};
}

QString ParticipantModel::roleText(ParticipantRole role)
{
    switch (role) {
    case ParticipantRole::Patient:
        return tr("Patient");
    case ParticipantRole::FamilyMember:
        return tr("Family member");
    case ParticipantRole::GroupMember:
        return tr("Group member");
    case ParticipantRole::Interpreter:
        return tr("Interpreter");
    case ParticipantRole::Other:
        return tr("Other");
    }
    return {};
}

QVariantList ParticipantModel::roleOptions() const
{
    QVariantList out;
    for (const ParticipantRole role : {ParticipantRole::FamilyMember, ParticipantRole::GroupMember,
                                       ParticipantRole::Interpreter, ParticipantRole::Other}) {
        out.append(QVariantMap{{QStringLiteral("value"), toName(role)},
                               {QStringLiteral("text"), roleText(role)}});
    }
    return out;
}

void ParticipantModel::add(const QString &displayName, const QString &role)
{
    const QString name = displayName.simplified();
    const auto value = fromName<ParticipantRole>(role);
    if (!m_state.editable() || name.isEmpty() || !value || *value == ParticipantRole::Patient) {
        return;
    }
    const int row = size();
    beginInsertRows({}, row, row);
    m_state.session->participants.append(Participant{*value, std::nullopt, name.left(200), true});
    endInsertRows();
    Q_EMIT countChanged();
    Q_EMIT edited();
}

void ParticipantModel::remove(int row)
{
    if (!m_state.editable() || row < 0 || row >= size()
        || m_state.session->participants.at(row).role == ParticipantRole::Patient) {
        return;
    }
    beginRemoveRows({}, row, row);
    m_state.session->participants.removeAt(row);
    endRemoveRows();
    Q_EMIT countChanged();
    Q_EMIT edited();
}

void ParticipantModel::setPresent(int row, bool present)
{
    if (!m_state.editable() || row < 0 || row >= size()
        || m_state.session->participants.at(row).present == present) {
        return;
    }
    m_state.session->participants[row].present = present;
    const QModelIndex changed = index(row, 0);
    Q_EMIT dataChanged(changed, changed, {PresentRole});
    Q_EMIT edited();
}

void ParticipantModel::beginReplace()
{
    beginResetModel();
}

void ParticipantModel::endReplace()
{
    endResetModel();
    Q_EMIT countChanged();
}

} // namespace sb::app
