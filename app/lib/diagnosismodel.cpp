// SPDX-License-Identifier: Apache-2.0
#include "diagnosismodel.h"

#include "codesets/icd10index.h"
#include "diagnosissearchmodel.h"
#include "readiness.h"

namespace sb::app {

namespace {

QString withDot(const QString &code)
{
    return code.size() > 3 ? code.left(3) + u'.' + code.mid(3) : code;
}

} // namespace

DiagnosisModel::DiagnosisModel(CaptureState &state, StoreHost &host, QObject *parent)
    : QAbstractListModel(parent)
    , m_state(state)
    , m_search(new DiagnosisSearchModel(host, this))
{
    connect(m_search, &DiagnosisSearchModel::readyChanged, this, [this] {
        if (size() > 0) {
            changedRows(0, size() - 1, {DescriptionRole}); // descriptions come from the index
        }
        Q_EMIT indexReady();
    });
}

int DiagnosisModel::size() const
{
    return m_state.session ? int(m_state.session->diagnoses.size()) : 0;
}

int DiagnosisModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : size();
}

QVariant DiagnosisModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Diagnosis &dx = m_state.session->diagnoses.at(index.row());
    switch (role) {
    case CodeRole:
        return dx.code;
    case Qt::DisplayRole:
    case DisplayCodeRole:
        return withDot(dx.code);
    case DescriptionRole: {
        const auto codes = m_search->codeIndex();
        if (codes) {
            if (const Icd10Check check = codes->check(dx.code, m_state.session->dateOfService)) {
                return check->description;
            }
        }
        return QString();
    }
    case PrimaryRole:
        return index.row() == 0;
    default:
        return {};
    }
}

QHash<int, QByteArray> DiagnosisModel::roleNames() const
{
    return {{CodeRole, "code"},
            {DisplayCodeRole, "displayCode"},
            {DescriptionRole, "description"},
            {PrimaryRole, "primary"}};
}

QString DiagnosisModel::normalizedCode(const QString &code)
{
    QString out;
    for (const QChar c : code) {
        if (c.isLetterOrNumber()) {
            out.append(c.toUpper());
        }
    }
    return out;
}

bool DiagnosisModel::add(const QString &code)
{
    if (!m_state.editable()) {
        return false;
    }
    const QString normalized = normalizedCode(code);
    const auto codes = m_search->codeIndex();
    if (!codes) {
        setMessage(tr("The code list is still loading; try again in a moment."));
        return false;
    }
    if (normalized.isEmpty()) {
        setMessage(tr("Enter an ICD-10-CM code."));
        return false;
    }
    QList<Diagnosis> &diagnoses = m_state.session->diagnoses;
    for (const Diagnosis &dx : diagnoses) {
        if (dx.code == normalized) {
            setMessage(tr("%1 is already on this session.").arg(withDot(normalized)));
            return false;
        }
    }
    if (diagnoses.size() >= maxDiagnoses) {
        setMessage(tr("A claim holds at most 12 diagnoses."));
        return false;
    }
    const QString problem = diagnosisProblem(*codes, normalized, m_state.session->dateOfService);
    if (!problem.isEmpty()) {
        setMessage(problem);
        return false;
    }
    setMessage({});
    const int row = int(diagnoses.size());
    beginInsertRows({}, row, row);
    diagnoses.append(Diagnosis{normalized});
    endInsertRows();
    Q_EMIT countChanged();
    Q_EMIT edited();
    return true;
}

void DiagnosisModel::remove(int row)
{
    if (!m_state.editable() || row < 0 || row >= size()) {
        return;
    }
    beginRemoveRows({}, row, row);
    m_state.session->diagnoses.removeAt(row);
    endRemoveRows();
    if (row == 0 && size() > 0) {
        changedRows(0, 0, {PrimaryRole}); // the next one is primary now
    }
    setMessage({});
    Q_EMIT countChanged();
    Q_EMIT edited();
}

void DiagnosisModel::makePrimary(int row)
{
    if (!m_state.editable() || row <= 0 || row >= size()) {
        return;
    }
    beginMoveRows({}, row, row, {}, 0);
    m_state.session->diagnoses.move(row, 0);
    endMoveRows();
    changedRows(0, 1, {PrimaryRole}); // the new primary and the old one
    Q_EMIT edited();
}

void DiagnosisModel::beginReplace()
{
    beginResetModel();
}

void DiagnosisModel::endReplace()
{
    endResetModel();
    setMessage({});
    Q_EMIT countChanged();
}

void DiagnosisModel::setMessage(const QString &text)
{
    if (m_message != text) {
        m_message = text;
        Q_EMIT messageChanged();
    }
}

void DiagnosisModel::changedRows(int first, int last, const QList<int> &roles)
{
    Q_EMIT dataChanged(index(first, 0), index(last, 0), roles);
}

} // namespace sb::app
