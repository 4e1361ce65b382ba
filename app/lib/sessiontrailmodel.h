// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QtQmlIntegration>

namespace sb::app {

class StoreHost;

/// One step of a session's way: captured, on device, received, coded, claimed, paid/denied.
struct TrailStep {
    int status = 0; ///< sb::SessionStatus as int.
    bool reached = false;
    QDateTime at;   ///< UTC, when reached.
    QString detail; ///< A claim number or a denial reason code; never PHI.
};

/**
 * The status trail of one session (session_status rows, as the pull applies them) as the
 * six steps of its way, each reached or not yet. Loaded in one store job.
 */
class SessionTrailModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Built by the composition root")
    Q_PROPERTY(QString sessionId READ sessionId NOTIFY sessionChanged)
    Q_PROPERTY(QString patientName READ patientName NOTIFY sessionChanged)
    Q_PROPERTY(QString currentText READ currentText NOTIFY sessionChanged)
    /// How the date of service was found when the device clock was skewed or had never been
    /// checked against the server's (device and server start times); empty otherwise. No PHI.
    Q_PROPERTY(QString clockText READ clockText NOTIFY sessionChanged)
public:
    enum Role {
        LabelRole = Qt::UserRole + 1, ///< Translated step name.
        ReachedRole,                  ///< bool.
        AtTextRole,                   ///< "Mar 4, 14:05" local time, or empty.
        DetailRole,                   ///< Claim number, denial reason code, or empty.
        DeniedRole,                   ///< The last step is a denial.
        StatusNameRole,               ///< Stable name: "captured", "on_device", ...
    };
    Q_ENUM(Role)

    explicit SessionTrailModel(StoreHost &host, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] QString sessionId() const { return m_sessionId; }
    [[nodiscard]] QString patientName() const { return m_patientName; }
    /// The furthest step reached, translated ("Coded").
    [[nodiscard]] QString currentText() const;
    [[nodiscard]] QString clockText() const { return m_clockText; }

    /// Loads the trail of a session (id string as TodayModel gives it).
    Q_INVOKABLE void load(const QString &sessionId, const QString &patientName);
    /// Reloads the current session (after a sync).
    Q_INVOKABLE void refresh();
    Q_INVOKABLE void clear();
    void setSteps(QList<TrailStep> steps);

    /// Translated name of a status (sb::SessionStatus as int).
    static QString labelOf(int status);

Q_SIGNALS:
    void sessionChanged();
    void loaded();

private:
    StoreHost &m_host;
    QString m_sessionId;
    QString m_patientName;
    QList<TrailStep> m_steps;
    QString m_clockText;
    int m_generation = 0;
};

} // namespace sb::app
