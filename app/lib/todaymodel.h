// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "domain/patient.h"
#include "domain/session.h"
#include "store/patientrepository.h"
#include "store/sessionrepository.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QStringList>
#include <QtQmlIntegration>

#include <algorithm>
#include <optional>

namespace sb::app {

class StoreHost;

/// One row of the Today screen: one of today's sessions, or a patient of the caseload. Ids are
/// kept as ids and labels made in data(): a row is what the screen needs and no more.
struct TodayRow {
    enum class State { None, Running, Paused, Stopped, Signed };
    PatientId patientId;
    QString patientName;
    SessionId sessionId; ///< Null on a caseload row.
    QDateTime startedAt; ///< Local time of today's first timer tap.
    int minutes = 0;
    int furthestStatus = -1; ///< SessionStatus reached by today's session, or -1.
    State state = State::None;
    bool blocking = false;
    QStringList warnings;
};

/// Where the next page of Today starts: today's sessions first, then the caseload.
struct TodayCursor {
    /// The day the first page was read for: pages read after midnight continue that day.
    QDate day;
    std::optional<SessionPageKey> session;
    bool sessionsDone = false;
    std::optional<PatientPageKey> patient;
    bool caseloadDone = false;
    [[nodiscard]] bool atEnd() const { return sessionsDone && caseloadDone; }
};

/// One page of rows and where the one after starts.
struct TodayPage {
    QList<TodayRow> rows;
    TodayCursor next;
    bool failed = false; ///< The store refused a read; the list ends here.
};

/**
 * Today's sessions (one row each, drafts and signed, by first timer tap; tapping one reopens
 * it), then the clinician's caseload (one row per patient by name; tapping one starts a new
 * session), each with denial warnings.
 *
 * Rows come in pages of pageSize(): reload() replaces them with the first page (one model
 * reset), and fetchMore() appends the next page when the view scrolls to the end. Each page
 * is one job on the store thread, which also reads that page's coverages and authorizations
 * for the warnings, so a long day costs what is on screen. data() only reads the cached rows
 * and never queries.
 */
class TodayModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Built by the composition root")
    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)
public:
    enum Role {
        PatientIdRole = Qt::UserRole + 1, ///< Opaque id string for the capture screen.
        PatientNameRole,                  ///< "Last, First".
        SessionIdRole,                    ///< Empty when not seen today.
        TimeRole,                         ///< "14:05" or empty.
        MinutesRole,                      ///< Face-to-face minutes of today's session.
        SignedRole,
        WarningsRole, ///< QStringList of short sentences.
        BlockingRole, ///< A visit would likely be denied.
        SeenTodayRole,
        StatusRole,    ///< "Received by the office", "Coded"... or empty.
        StateTextRole, ///< "Running", "Paused", "Draft" or "Signed" for a session row, else empty.
        ActiveRole,    ///< The session's timer is running or paused (it was never stopped).
    };
    Q_ENUM(Role)

    static constexpr int defaultPageSize = 50;

    explicit TodayModel(StoreHost &host, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    [[nodiscard]] bool loading() const { return m_loading; }
    /// Says (without PHI) that the list stopped short because a read failed; empty otherwise.
    [[nodiscard]] QString errorText() const { return m_errorText; }
    /// A page is being read for fetchMore().
    [[nodiscard]] bool fetching() const { return m_fetching; }

    [[nodiscard]] int pageSize() const { return m_pageSize; }
    /// Rows per page (at least 1); applies from the next reload or fetch.
    void setPageSize(int rows) { m_pageSize = std::max(1, rows); }

    /// Replaces the rows with the first page.
    Q_INVOKABLE void reload();
    /// Drops every row (PHI) from memory; called when the app locks.
    Q_INVOKABLE void clear();

Q_SIGNALS:
    void loadingChanged();
    void countChanged();
    void errorTextChanged();
    /// The first page of a reload() is in.
    void loaded();

private:
    void resetRows(QList<TodayRow> rows);
    void setFailed(bool failed);

    StoreHost &m_host;
    QList<TodayRow> m_rows;
    std::optional<TodayCursor> m_next; ///< Empty: nothing more to fetch.
    int m_pageSize = defaultPageSize;
    bool m_loading = false;
    bool m_fetching = false;
    QString m_errorText;
    int m_generation = 0; ///< Results of a job started before reload() or clear() are dropped.
};

} // namespace sb::app
