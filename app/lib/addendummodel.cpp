// SPDX-License-Identifier: Apache-2.0
#include "addendummodel.h"

#include <QLocale>

namespace sb::app {

AddendumModel::AddendumModel(CaptureState &state, QObject *parent)
    : QAbstractListModel(parent)
    , m_state(state)
{
}

int AddendumModel::size() const
{
    return m_state.session ? int(m_state.session->addenda.size()) : 0;
}

int AddendumModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : size();
}

QVariant AddendumModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Addendum &a = m_state.session->addenda.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return a.text;
    case SignedAtRole: {
        const QDateTime at = a.signature ? a.signature->signedAt : a.createdAt;
        return QLocale().toString(at.toLocalTime(), QLocale::ShortFormat);
    }
    default:
        return {};
    }
}

QHash<int, QByteArray> AddendumModel::roleNames() const
{
    return {{TextRole, "text"}, {SignedAtRole, "signedAt"}};
}

void AddendumModel::add(const QString &text)
{
    const QString body = text.trimmed();
    if (!m_state.session || !m_state.session->isSigned() || body.isEmpty()) {
        return;
    }
    Q_EMIT addRequested(body);
}

void AddendumModel::appendSigned(const Addendum &addendum)
{
    if (!m_state.session) {
        return;
    }
    const int row = size();
    beginInsertRows({}, row, row);
    m_state.session->addenda.append(addendum);
    endInsertRows();
    Q_EMIT countChanged();
}

void AddendumModel::beginReplace()
{
    beginResetModel();
}

void AddendumModel::endReplace()
{
    endResetModel();
    Q_EMIT countChanged();
}

} // namespace sb::app
