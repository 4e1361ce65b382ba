// SPDX-License-Identifier: Apache-2.0
#include "capturedetails.h"

#include "domain/enums.h"

namespace sb::app {

namespace {

QVariantMap option(const QString &value, const QString &text)
{
    return {{QStringLiteral("value"), value}, {QStringLiteral("text"), text}};
}

} // namespace

CaptureDetails::CaptureDetails(CaptureState &state, QObject *parent)
    : QObject(parent)
    , m_state(state)
{
}

QString CaptureDetails::service() const
{
    return m_state.session ? toName(m_state.session->service) : QString();
}

QString CaptureDetails::modality() const
{
    return m_state.session ? toName(m_state.session->modality) : QString();
}

QString CaptureDetails::patientLocation() const
{
    return m_state.session ? toName(m_state.session->patientLocation) : QString();
}

bool CaptureDetails::interactiveComplexity() const
{
    return m_state.session && m_state.session->interactiveComplexity;
}

bool CaptureDetails::telehealth() const
{
    return m_state.session && m_state.session->modality != Modality::InPerson;
}

bool CaptureDetails::groupSession() const
{
    if (!m_state.session) {
        return false;
    }
    const ServiceKind kind = m_state.session->service;
    return kind == ServiceKind::Group || kind == ServiceKind::MultipleFamilyGroup;
}

QVariantList CaptureDetails::serviceOptions() const
{
    return {
        option(toName(ServiceKind::IndividualPsychotherapy), tr("Individual psychotherapy")),
        option(toName(ServiceKind::PsychotherapyWithEm), tr("Psychotherapy with E/M")),
        option(toName(ServiceKind::Crisis), tr("Crisis psychotherapy")),
        option(toName(ServiceKind::FamilyWithPatient), tr("Family, with patient")),
        option(toName(ServiceKind::FamilyWithoutPatient), tr("Family, without patient")),
        option(toName(ServiceKind::Group), tr("Group psychotherapy")),
        option(toName(ServiceKind::MultipleFamilyGroup), tr("Multiple-family group")),
        option(toName(ServiceKind::DiagnosticEval), tr("Diagnostic evaluation")),
        option(toName(ServiceKind::DiagnosticEvalMedical),
               tr("Diagnostic evaluation with medical services")),
        option(toName(ServiceKind::PsychTestingEval), tr("Psychological testing evaluation")),
        option(toName(ServiceKind::PsychTestingAdmin), tr("Psychological test administration")),
        option(toName(ServiceKind::EmOfficeNew), tr("Office visit, new patient")),
        option(toName(ServiceKind::EmOfficeEstablished), tr("Office visit, established")),
        option(toName(ServiceKind::HealthBehaviorIndividual), tr("Health behavior intervention"))};
}

QVariantList CaptureDetails::modalityOptions() const
{
    return {option(toName(Modality::InPerson), tr("In person")),
            option(toName(Modality::Video), tr("Video")),
            option(toName(Modality::AudioOnly), tr("Audio only"))};
}

QVariantList CaptureDetails::locationOptions() const
{
    return {option(toName(PatientLocation::Office), tr("Clinic or office")),
            option(toName(PatientLocation::Home), tr("Patient's home")),
            option(toName(PatientLocation::Other), tr("Other site"))};
}

void CaptureDetails::setService(const QString &name)
{
    const auto value = fromName<ServiceKind>(name);
    if (!m_state.editable() || !value || *value == m_state.session->service) {
        return;
    }
    m_state.session->service = *value;
    apply();
}

void CaptureDetails::setModality(const QString &name)
{
    const auto value = fromName<Modality>(name);
    if (!m_state.editable() || !value || *value == m_state.session->modality) {
        return;
    }
    Session &session = *m_state.session;
    session.modality = *value;
    if (*value == Modality::InPerson) {
        session.patientLocation = PatientLocation::Office;
    } else if (session.patientLocation == PatientLocation::Office) {
        session.patientLocation = PatientLocation::Home; // the usual telehealth case
    }
    apply();
}

void CaptureDetails::setPatientLocation(const QString &name)
{
    const auto value = fromName<PatientLocation>(name);
    if (!m_state.editable() || !value || *value == m_state.session->patientLocation) {
        return;
    }
    m_state.session->patientLocation = *value;
    apply();
}

void CaptureDetails::setInteractiveComplexity(bool on)
{
    if (!m_state.editable() || m_state.session->interactiveComplexity == on) {
        return;
    }
    m_state.session->interactiveComplexity = on;
    apply();
}

void CaptureDetails::apply()
{
    Q_EMIT changed();
    Q_EMIT edited();
}

} // namespace sb::app
