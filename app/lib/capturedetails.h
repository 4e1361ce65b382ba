// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "capturestate.h"

#include <QObject>
#include <QVariantList>
#include <QtQmlIntegration>

namespace sb::app {

/**
 * The session's billing details on the capture screen: service, modality, where the patient
 * is (it decides the place of service) and interactive complexity. Names are the stored
 * snake_case names (toName); an unknown name, an unchanged value or a signed session changes
 * nothing. Each change edits the session on screen and emits edited(), and SessionController
 * saves the draft at once.
 */
class CaptureDetails : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by SessionController")
    Q_PROPERTY(QString service READ service NOTIFY changed)
    Q_PROPERTY(QString modality READ modality NOTIFY changed)
    Q_PROPERTY(QString patientLocation READ patientLocation NOTIFY changed)
    Q_PROPERTY(bool interactiveComplexity READ interactiveComplexity NOTIFY changed)
    /// Video or audio only: the patient's location matters.
    Q_PROPERTY(bool telehealth READ telehealth NOTIFY changed)
    /// A group service: only present members are billed.
    Q_PROPERTY(bool groupSession READ groupSession NOTIFY changed)
    Q_PROPERTY(QVariantList serviceOptions READ serviceOptions CONSTANT)
    Q_PROPERTY(QVariantList modalityOptions READ modalityOptions CONSTANT)
    Q_PROPERTY(QVariantList locationOptions READ locationOptions CONSTANT)
public:
    explicit CaptureDetails(CaptureState &state, QObject *parent = nullptr);

    [[nodiscard]] QString service() const;
    [[nodiscard]] QString modality() const;
    [[nodiscard]] QString patientLocation() const;
    [[nodiscard]] bool interactiveComplexity() const;
    [[nodiscard]] bool telehealth() const;
    [[nodiscard]] bool groupSession() const;
    /// Each option: {value (snake_case name), text (translated)}, for a ComboBox.
    [[nodiscard]] QVariantList serviceOptions() const;
    [[nodiscard]] QVariantList modalityOptions() const;
    [[nodiscard]] QVariantList locationOptions() const;

    Q_INVOKABLE void setService(const QString &name);
    /// In person moves the patient to the office; telehealth from the office to home.
    Q_INVOKABLE void setModality(const QString &name);
    Q_INVOKABLE void setPatientLocation(const QString &name);
    Q_INVOKABLE void setInteractiveComplexity(bool on);

Q_SIGNALS:
    /// Any property may have changed (an edit, or another session is shown).
    void changed();
    /// The user changed a detail of the draft; it must be stored.
    void edited();

private:
    void apply();

    CaptureState &m_state;
};

} // namespace sb::app
