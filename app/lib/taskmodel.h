// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QtQmlIntegration>

namespace sb::app {

class StoreHost;

/// One open task the office sent to this device (sync_tasks).
struct TaskRow {
    QString id;
    QString sessionId; ///< Empty when the task is not about one session.
    QString kind;      ///< e.g. "addendum_requested".
    QString message;   ///< The office's words.
    QString patientName;
    QDateTime createdAt;
};

/**
 * Work from billing, e.g. "addendum requested", pulled by sync. Loaded in one store job;
 * data() reads cached rows only. open(row) asks the app to show that task's session.
 */
class TaskModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Built by the composition root")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        KindRole = Qt::UserRole + 1, ///< The office's task kind, e.g. "addendum_requested".
        TitleRole,                   ///< Translated short title for the kind.
        MessageRole,                 ///< The office's message.
        SessionIdRole,               ///< Opaque id string, or empty.
        PatientNameRole,             ///< "Last, First" of the session's patient, or empty.
        CreatedTextRole,             ///< "Mar 4, 14:05" local time.
    };
    Q_ENUM(Role)

    explicit TaskModel(StoreHost &host, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    Q_INVOKABLE void reload();
    Q_INVOKABLE void clear();
    /// Emits sessionRequested for the task's session (nothing for tasks without one).
    Q_INVOKABLE void open(int row);
    void setRows(QList<TaskRow> rows);

Q_SIGNALS:
    void countChanged();
    void loaded();
    void sessionRequested(const QString &sessionId, const QString &patientName);

private:
    StoreHost &m_host;
    QList<TaskRow> m_rows;
    int m_generation = 0;
};

} // namespace sb::app
