// SPDX-License-Identifier: Apache-2.0
#include "diagnosissearchmodel.h"

#include "codesets/icd10repository.h"
#include "storehost.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThreadPool>

namespace sb::app {

namespace {

/// The index as the store thread hands it over (copyable; null when the store refused).
using IndexPtr = std::shared_ptr<const Icd10Index>;

QString withDot(const QString &code)
{
    return code.size() > 3 ? code.left(3) + u'.' + code.mid(3) : code;
}

} // namespace

DiagnosisSearchModel::DiagnosisSearchModel(StoreHost &host, QObject *parent)
    : QAbstractListModel(parent)
    , m_host(host)
{
}

int DiagnosisSearchModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_hits.size());
}

QVariant DiagnosisSearchModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Icd10SearchHit &hit = m_hits.at(index.row());
    switch (role) {
    case CodeRole:
        return hit.code;
    case Qt::DisplayRole:
    case DisplayCodeRole:
        return withDot(hit.code);
    case DescriptionRole:
        return hit.description;
    case BillableRole:
        return hit.billable;
    case BuiltInRole:
        return hit.builtIn;
    default:
        return {};
    }
}

QHash<int, QByteArray> DiagnosisSearchModel::roleNames() const
{
    return {{CodeRole, "code"},
            {DisplayCodeRole, "displayCode"},
            {DescriptionRole, "description"},
            {BillableRole, "billable"},
            {BuiltInRole, "builtIn"}};
}

void DiagnosisSearchModel::setQuery(const QString &query)
{
    if (m_query == query) {
        return;
    }
    m_query = query;
    m_limit = m_pageSize;
    Q_EMIT queryChanged();
    search();
}

void DiagnosisSearchModel::setPageSize(int size)
{
    size = qBound(1, size, 500);
    if (m_pageSize != size) {
        m_pageSize = size;
        m_limit = size;
        Q_EMIT pageSizeChanged();
        search();
    }
}

void DiagnosisSearchModel::loadIndex()
{
    m_host.run<IndexPtr>(
        this,
        [](WorkerState &state) -> IndexPtr {
            if (!state.store) {
                return nullptr;
            }
            Icd10Repository repository(*state.store);
            auto loaded = Icd10Index::load(repository);
            if (!loaded) {
                return std::make_shared<const Icd10Index>(Icd10Index::builtIn());
            }
            return std::make_shared<const Icd10Index>(std::move(loaded).value());
        },
        [this](const IndexPtr &index) {
            if (!index) {
                return;
            }
            m_index = index;
            Q_EMIT readyChanged();
            search();
        });
}

void DiagnosisSearchModel::loadMore()
{
    if (m_hasMore) {
        m_limit += m_pageSize;
        search();
    }
}

void DiagnosisSearchModel::clear()
{
    setQuery(QString());
}

void DiagnosisSearchModel::search()
{
    const int generation = ++m_generation;
    if (!m_index || m_query.trimmed().isEmpty()) {
        setHits({}, false);
        setSearching(false);
        return;
    }
    setSearching(true);
    const IndexPtr index = m_index;
    const QString query = m_query;
    const int limit = m_limit;
    QPointer<DiagnosisSearchModel> self(this);
    QThreadPool::globalInstance()->start([self, index, query, limit, generation] {
        Icd10SearchOptions options;
        options.limit = limit + 1; // one more tells whether another page exists
        QList<Icd10SearchHit> hits = index->search(query, options);
        // Delivered on the GUI thread; `self` is only looked at there.
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, hits = std::move(hits), limit, generation]() mutable {
                if (!self || generation != self->m_generation) {
                    return;
                }
                const bool more = hits.size() > limit;
                if (more) {
                    hits.resize(limit);
                }
                self->setHits(std::move(hits), more);
                self->setSearching(false);
                Q_EMIT self->resultsReady();
            },
            Qt::QueuedConnection);
    });
}

void DiagnosisSearchModel::setSearching(bool searching)
{
    if (m_searching != searching) {
        m_searching = searching;
        Q_EMIT searchingChanged();
    }
}

void DiagnosisSearchModel::setHits(QList<Icd10SearchHit> hits, bool hasMore)
{
    const qsizetype before = m_hits.size();
    // A later page extends the current one: append rows rather than reset the view.
    bool extends = hits.size() > before && before > 0;
    for (qsizetype i = 0; extends && i < before; ++i) {
        extends = hits.at(i).code == m_hits.at(i).code;
    }
    if (extends) {
        beginInsertRows({}, int(before), int(hits.size() - 1));
        m_hits = std::move(hits);
        endInsertRows();
    } else {
        beginResetModel();
        m_hits = std::move(hits);
        endResetModel();
    }
    const bool moreChanged = m_hasMore != hasMore;
    m_hasMore = hasMore;
    if (before != m_hits.size() || moreChanged) {
        Q_EMIT countChanged();
    }
}

} // namespace sb::app
