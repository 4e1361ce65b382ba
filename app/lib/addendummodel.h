// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "capturestate.h"

#include <QAbstractListModel>
#include <QtQmlIntegration>

namespace sb::app {

/**
 * The signed addenda of the session on the capture screen, oldest first. After signing, the
 * note cannot change; later information goes into addenda. add() asks SessionController
 * (which owns the store jobs) to create, sign and enqueue one; the stored addendum is then
 * appended here by appendSigned().
 */
class AddendumModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by SessionController")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        TextRole = Qt::UserRole + 1, ///< The addendum's text (PHI).
        SignedAtRole,                ///< When it was signed: local time, short format.
    };
    Q_ENUM(Role)

    explicit AddendumModel(CaptureState &state, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] int count() const { return rowCount(); }

    /// Creates and signs an addendum to the signed session (text trimmed, not empty).
    Q_INVOKABLE void add(const QString &text);

    /// The store holds `addendum`, signed, for the session shown.
    void appendSigned(const Addendum &addendum);
    /// SessionController brackets replacing the session with these.
    void beginReplace();
    void endReplace();

Q_SIGNALS:
    void countChanged();
    /// add() was called for a signed session: store the addendum with `text`.
    void addRequested(const QString &text);

private:
    [[nodiscard]] int size() const;

    CaptureState &m_state;
};

} // namespace sb::app
