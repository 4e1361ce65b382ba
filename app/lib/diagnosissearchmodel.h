// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "codesets/icd10index.h"

#include <QAbstractListModel>
#include <QDate>
#include <QtQmlIntegration>

#include <memory>

namespace sb::app {

class StoreHost;

/**
 * The diagnosis picker: ICD-10-CM codes matching what the clinician types, by code ("f41.1")
 * or by words ("generaliz anx"). The code-set index is loaded once from the store on the
 * store thread (the built-in list when no release is imported); each search then runs on the
 * thread pool against that read-only index and only the newest query's answer is kept. A page
 * of `limit` results is shown; loadMore() asks for the next page. data() reads cached rows.
 */
class DiagnosisSearchModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by DiagnosisModel")
    Q_PROPERTY(QString query READ query WRITE setQuery NOTIFY queryChanged)
    Q_PROPERTY(int pageSize READ pageSize WRITE setPageSize NOTIFY pageSizeChanged)
    Q_PROPERTY(bool searching READ searching NOTIFY searchingChanged)
    Q_PROPERTY(bool canLoadMore READ canLoadMore NOTIFY countChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(bool ready READ ready NOTIFY readyChanged)
public:
    enum Role {
        CodeRole = Qt::UserRole + 1, ///< Without the dot, "F411".
        DisplayCodeRole,             ///< With the dot, "F41.1".
        DescriptionRole,             ///< The long title.
        BillableRole,                ///< False for a category header.
        BuiltInRole,                 ///< From the built-in list (no release imported).
    };
    Q_ENUM(Role)

    explicit DiagnosisSearchModel(StoreHost &host, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    [[nodiscard]] QString query() const { return m_query; }
    void setQuery(const QString &query);
    [[nodiscard]] int pageSize() const { return m_pageSize; }
    void setPageSize(int size);
    [[nodiscard]] bool searching() const { return m_searching; }
    [[nodiscard]] bool canLoadMore() const { return m_hasMore; }
    [[nodiscard]] bool ready() const { return m_index != nullptr; }
    /// The loaded index (null until loadIndex() finished); read-only, any thread.
    [[nodiscard]] std::shared_ptr<const Icd10Index> codeIndex() const { return m_index; }

    /// Loads the index from the store (again). Call after unlocking.
    Q_INVOKABLE void loadIndex();
    /// Shows one more page of results for the current query.
    Q_INVOKABLE void loadMore();
    /// Empties the query and the results.
    Q_INVOKABLE void clear();

Q_SIGNALS:
    void queryChanged();
    void pageSizeChanged();
    void searchingChanged();
    void countChanged();
    void readyChanged();
    /// A search answered (tests wait for it).
    void resultsReady();

private:
    void search();
    void setSearching(bool searching);
    void setHits(QList<Icd10SearchHit> hits, bool hasMore);

    StoreHost &m_host;
    std::shared_ptr<const Icd10Index> m_index;
    QList<Icd10SearchHit> m_hits;
    QString m_query;
    int m_pageSize = 20;
    int m_limit = 20;
    int m_generation = 0;
    bool m_searching = false;
    bool m_hasMore = false;
};

} // namespace sb::app
