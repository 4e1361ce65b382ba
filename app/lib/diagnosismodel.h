// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "capturestate.h"
#include "diagnosissearchmodel.h"

#include <QAbstractListModel>
#include <QtQmlIntegration>

namespace sb::app {

class StoreHost;

/**
 * The session's ICD-10-CM diagnoses in claim pointer order (the first is primary), with the
 * picker that finds codes to add. Rows are the session's diagnoses, read in place; the
 * descriptions come from the code-set index once the picker has loaded it. add() accepts a
 * billable code valid on the date of service, once, at most 12; otherwise message says why.
 * Each edit emits edited() and SessionController saves the draft at once.
 */
class DiagnosisModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by SessionController")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    /// Why the last add() was refused (translated, no PHI); empty otherwise.
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)
    Q_PROPERTY(sb::app::DiagnosisSearchModel *search READ search CONSTANT)
public:
    enum Role {
        CodeRole = Qt::UserRole + 1, ///< Without the dot, "F411".
        DisplayCodeRole,             ///< With the dot, "F41.1".
        DescriptionRole,             ///< The long title; empty until the index is loaded.
        PrimaryRole,                 ///< The first row: the claim's primary diagnosis.
    };
    Q_ENUM(Role)

    /// At most this many diagnoses per session (the 837P's diagnosis pointers).
    static constexpr int maxDiagnoses = 12;

    DiagnosisModel(CaptureState &state, StoreHost &host, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] int count() const { return rowCount(); }
    [[nodiscard]] QString message() const { return m_message; }
    [[nodiscard]] DiagnosisSearchModel *search() const { return m_search; }

    /// Adds a billable ICD-10-CM code (with or without the dot); false with message set when
    /// the code is invalid, not billable on the date of service, already there, or one too many.
    Q_INVOKABLE bool add(const QString &code);
    Q_INVOKABLE void remove(int row);
    /// Moves a diagnosis to the first (primary) position.
    Q_INVOKABLE void makePrimary(int row);

    /// "f41.1 " -> "F411": what the code set and the store expect.
    [[nodiscard]] static QString normalizedCode(const QString &code);

    /// SessionController brackets replacing the session with these; the message is cleared.
    void beginReplace();
    void endReplace();

Q_SIGNALS:
    void countChanged();
    void messageChanged();
    /// The user changed the diagnoses of the draft; it must be stored.
    void edited();
    /// The code-set index is loaded: descriptions and validity can be read now.
    void indexReady();

private:
    [[nodiscard]] int size() const;
    void setMessage(const QString &text);
    void changedRows(int first, int last, const QList<int> &roles);

    CaptureState &m_state;
    DiagnosisSearchModel *m_search = nullptr;
    QString m_message;
};

} // namespace sb::app
