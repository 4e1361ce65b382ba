// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "caseloadwarnings.h"
#include "coding/codingtypes.h"
#include "domain/session.h"

#include <QAbstractListModel>
#include <QtQmlIntegration>

namespace sb {
class Icd10Index;
}

namespace sb::app {

/// One line of the readiness checklist. Never PHI: codes, minutes and rule reasons only.
struct ReadinessItem {
    enum class Level { Done, Warning, Blocking };
    QString key;   ///< Stable: "timing", "diagnosis", "coding", "note", "signature", "payer".
    QString title; ///< Short and translated.
    QString detail;
    Level level = Level::Done;
    friend bool operator==(const ReadinessItem &, const ReadinessItem &) = default;
};

/// What the readiness check looks at, all from the device store and in memory.
struct ReadinessInput {
    const Session *session = nullptr;
    bool timerStopped = false;
    int minutes = 0;
    coding::CodingDecision decision;   ///< The coding engine's proposal for the session.
    CaseloadWarnings caseload;         ///< Authorization, eligibility, credentialing.
    const Icd10Index *codes = nullptr; ///< Null until loaded: diagnoses are not re-checked.
};

/**
 * The checklist before signing or leaving a session, offline: timer stopped, a valid billable
 * primary diagnosis, place of service and modifiers consistent with the modality (as the
 * coding engine proposes them), the note, payer warnings (never blocking: the clinician may
 * still see the patient), and the signature. Blocking items prevent signing.
 */
QList<ReadinessItem> readinessItems(const ReadinessInput &input);

/// A plain-language reason why `code` cannot be billed on `dateOfService`; empty when it can.
QString diagnosisProblem(const Icd10Index &codes, const QString &code, const QDate &dateOfService);

/// The readiness checklist for QML. Items are replaced by the controller; data() only reads.
class ReadinessModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by SessionController")
    Q_PROPERTY(int blockingCount READ blockingCount NOTIFY itemsChanged)
    Q_PROPERTY(int warningCount READ warningCount NOTIFY itemsChanged)
    Q_PROPERTY(int count READ rowCount NOTIFY itemsChanged)
public:
    enum Level { Done, Warning, Blocking };
    Q_ENUM(Level)
    enum Role {
        KeyRole = Qt::UserRole + 1, ///< Stable key of the check.
        TitleRole,
        DetailRole,
        LevelRole, ///< Level (Done, Warning, Blocking).
    };
    Q_ENUM(Role)

    explicit ReadinessModel(QObject *parent = nullptr)
        : QAbstractListModel(parent)
    {
    }

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] int blockingCount() const;
    [[nodiscard]] int warningCount() const;
    [[nodiscard]] const QList<ReadinessItem> &items() const { return m_items; }
    void setItems(QList<ReadinessItem> items);

Q_SIGNALS:
    void itemsChanged();

private:
    QList<ReadinessItem> m_items;
};

} // namespace sb::app
