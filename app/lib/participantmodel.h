// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "capturestate.h"

#include <QAbstractListModel>
#include <QVariantList>
#include <QtQmlIntegration>

namespace sb::app {

/**
 * Who took part in the session on the capture screen: the patient first (never removable),
 * then family members, group members, interpreters and others added by name, each with
 * group attendance (only present members are billed). Rows are the session's participants,
 * read in place; each edit emits edited() and SessionController saves the draft at once.
 * A signed session is read-only.
 */
class ParticipantModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by SessionController")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    /// The roles add() takes (never the patient): {value (snake_case name), text}.
    Q_PROPERTY(QVariantList roleOptions READ roleOptions CONSTANT)
public:
    enum Role {
        NameRole = Qt::UserRole + 1, ///< Shown name; the patient's is the session's patient.
        RoleNameRole,                ///< Stored snake_case role, "family_member".
        RoleTextRole,                ///< Translated role, "Family member".
        PresentRole,                 ///< Attended (group attendance).
        RemovableRole,               ///< Everyone but the patient.
    };
    Q_ENUM(Role)

    explicit ParticipantModel(CaptureState &state, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] int count() const { return rowCount(); }
    [[nodiscard]] QVariantList roleOptions() const;

    /// Adds a family member, group member, interpreter or other participant by name (at most
    /// 200 characters, whitespace simplified); empty names and unknown roles are ignored.
    Q_INVOKABLE void add(const QString &displayName, const QString &role);
    /// Removes a row; the patient stays.
    Q_INVOKABLE void remove(int row);
    /// Group attendance: only present members are billed.
    Q_INVOKABLE void setPresent(int row, bool present);

    /// The translated name of a role.
    [[nodiscard]] static QString roleText(ParticipantRole role);

    /// SessionController brackets replacing the session (or its patient name) with these.
    void beginReplace();
    void endReplace();

Q_SIGNALS:
    void countChanged();
    /// The user changed the participants of the draft; it must be stored.
    void edited();

private:
    [[nodiscard]] int size() const;

    CaptureState &m_state;
};

} // namespace sb::app
