// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QStringList>
#include <QtQmlIntegration>

namespace sb::app {

class StoreHost;

/// One row of the Today screen: one of today's sessions, or a patient of the caseload.
struct TodayRow {
    enum class State { None, Running, Paused, Stopped, Signed };
    QString patientId;
    QString patientName;
    QString sessionId;   ///< Empty on a caseload row.
    QDateTime startedAt; ///< Local time of today's first timer tap.
    int minutes = 0;
    bool isSigned = false;
    QStringList warnings;
    bool blocking = false;
    QString status; ///< Translated furthest status of today's session ("Coded"), or empty.
    State state = State::None;
};

/**
 * Today's sessions (one row each, drafts and signed, oldest first; tapping one reopens it),
 * then the clinician's caseload (one row per patient; tapping one starts a new session), each
 * with denial warnings. Rows are loaded in one
 * job on the store thread (reload()) and replaced with one model reset; data() only reads
 * the cached rows and never queries.
 */
class TodayModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Built by the composition root")
    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        PatientIdRole = Qt::UserRole + 1, ///< Opaque id string for the capture screen.
        PatientNameRole,                  ///< "Last, First".
        SessionIdRole,                    ///< Empty when not seen today.
        TimeRole,                         ///< "14:05" or empty.
        MinutesRole,                      ///< Face-to-face minutes of today's session.
        SignedRole,
        WarningsRole,                     ///< QStringList of short sentences.
        BlockingRole,                     ///< A visit would likely be denied.
        SeenTodayRole,
        StatusRole,                       ///< "Received by the office", "Coded"... or empty.
        StateTextRole, ///< "Running", "Paused", "Draft" or "Signed" for a session row, else empty.
        ActiveRole,    ///< The session's timer is running or paused (it was never stopped).
    };
    Q_ENUM(Role)

    explicit TodayModel(StoreHost &host, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] bool loading() const { return m_loading; }

    /// The first of today's sessions whose timer was never stopped (the app was killed or
    /// locked mid-session), or empty.
    [[nodiscard]] QString activeSessionId() const;

    Q_INVOKABLE void reload();
    /// Drops every row (PHI) from memory; called when the app locks.
    Q_INVOKABLE void clear();
    /// Replaces the rows (the reload result; tests use it directly).
    void setRows(QList<TodayRow> rows);

Q_SIGNALS:
    void loadingChanged();
    void countChanged();
    void loaded();

private:
    StoreHost &m_host;
    QList<TodayRow> m_rows;
    bool m_loading = false;
    int m_generation = 0; ///< Results of a reload started before clear() are dropped.
};

} // namespace sb::app
