// SPDX-License-Identifier: Apache-2.0
#include "domain/enums.h"

#include <array>
#include <utility>

namespace sb {

namespace {

template<typename Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, const char *>, N>;

constexpr NameTable<Role, 3> roleNames{
    {{Role::Clinician, "clinician"}, {Role::Biller, "biller"}, {Role::Admin, "admin"}}};

constexpr NameTable<ProviderCredential, 7> credentialNames{
    {{ProviderCredential::Psychiatrist, "psychiatrist"},
     {ProviderCredential::PsychiatricNursePractitioner, "psychiatric_np"},
     {ProviderCredential::PhysicianAssistant, "physician_assistant"},
     {ProviderCredential::Psychologist, "psychologist"},
     {ProviderCredential::ClinicalSocialWorker, "lcsw"},
     {ProviderCredential::ProfessionalCounselor, "lpc"},
     {ProviderCredential::MarriageFamilyTherapist, "lmft"}}};

constexpr NameTable<PayerKind, 3> payerKindNames{{{PayerKind::Medicare, "medicare"},
                                                  {PayerKind::Medicaid, "medicaid"},
                                                  {PayerKind::Commercial, "commercial"}}};

constexpr NameTable<Sex, 3> sexNames{
    {{Sex::Female, "female"}, {Sex::Male, "male"}, {Sex::Unknown, "unknown"}}};

constexpr NameTable<AuthorizationUnit, 2> authUnitNames{
    {{AuthorizationUnit::Visits, "visits"}, {AuthorizationUnit::Units, "units"}}};

constexpr NameTable<CredentialingStatus, 4> credentialingNames{
    {{CredentialingStatus::Pending, "pending"},
     {CredentialingStatus::InNetwork, "in_network"},
     {CredentialingStatus::OutOfNetwork, "out_of_network"},
     {CredentialingStatus::Terminated, "terminated"}}};

constexpr NameTable<ServiceKind, 14> serviceNames{
    {{ServiceKind::IndividualPsychotherapy, "individual_psychotherapy"},
     {ServiceKind::PsychotherapyWithEm, "psychotherapy_with_em"},
     {ServiceKind::Crisis, "crisis"},
     {ServiceKind::FamilyWithoutPatient, "family_without_patient"},
     {ServiceKind::FamilyWithPatient, "family_with_patient"},
     {ServiceKind::Group, "group"},
     {ServiceKind::MultipleFamilyGroup, "multiple_family_group"},
     {ServiceKind::DiagnosticEval, "diagnostic_eval"},
     {ServiceKind::DiagnosticEvalMedical, "diagnostic_eval_medical"},
     {ServiceKind::PsychTestingEval, "psych_testing_eval"},
     {ServiceKind::PsychTestingAdmin, "psych_testing_admin"},
     {ServiceKind::EmOfficeNew, "em_office_new"},
     {ServiceKind::EmOfficeEstablished, "em_office_established"},
     {ServiceKind::HealthBehaviorIndividual, "health_behavior_individual"}}};

constexpr NameTable<Modality, 3> modalityNames{{{Modality::InPerson, "in_person"},
                                                {Modality::Video, "video"},
                                                {Modality::AudioOnly, "audio_only"}}};

constexpr NameTable<PatientLocation, 3> locationNames{{{PatientLocation::Office, "office"},
                                                       {PatientLocation::Home, "home"},
                                                       {PatientLocation::Other, "other"}}};

constexpr NameTable<TimingEventKind, 4> timingNames{{{TimingEventKind::Start, "start"},
                                                     {TimingEventKind::Pause, "pause"},
                                                     {TimingEventKind::Resume, "resume"},
                                                     {TimingEventKind::Stop, "stop"}}};

constexpr NameTable<ParticipantRole, 5> participantNames{
    {{ParticipantRole::Patient, "patient"},
     {ParticipantRole::FamilyMember, "family_member"},
     {ParticipantRole::GroupMember, "group_member"},
     {ParticipantRole::Interpreter, "interpreter"},
     {ParticipantRole::Other, "other"}}};

constexpr NameTable<SessionStatus, 7> statusNames{{{SessionStatus::Captured, "captured"},
                                                   {SessionStatus::OnDevice, "on_device"},
                                                   {SessionStatus::Received, "received"},
                                                   {SessionStatus::Coded, "coded"},
                                                   {SessionStatus::Claimed, "claimed"},
                                                   {SessionStatus::Paid, "paid"},
                                                   {SessionStatus::Denied, "denied"}}};

template<typename Enum, std::size_t N> QString nameIn(const NameTable<Enum, N> &table, Enum value)
{
    for (const auto &[candidate, name] : table) {
        if (candidate == value) {
            return QString::fromLatin1(name);
        }
    }
    return {};
}

template<typename Enum, std::size_t N>
std::optional<Enum> parseIn(const NameTable<Enum, N> &table, QStringView name)
{
    for (const auto &[candidate, text] : table) {
        if (name == QLatin1String(text)) {
            return candidate;
        }
    }
    return std::nullopt;
}

} // namespace

#define SB_ENUM_NAMES(Enum, table)                                                                 \
    QString toName(Enum value)                                                                     \
    {                                                                                              \
        return nameIn(table, value);                                                               \
    }                                                                                              \
    template<> std::optional<Enum> fromName<Enum>(QStringView name)                                \
    {                                                                                              \
        return parseIn(table, name);                                                               \
    }

SB_ENUM_NAMES(Role, roleNames)
SB_ENUM_NAMES(ProviderCredential, credentialNames)
SB_ENUM_NAMES(PayerKind, payerKindNames)
SB_ENUM_NAMES(Sex, sexNames)
SB_ENUM_NAMES(AuthorizationUnit, authUnitNames)
SB_ENUM_NAMES(CredentialingStatus, credentialingNames)
SB_ENUM_NAMES(ServiceKind, serviceNames)
SB_ENUM_NAMES(Modality, modalityNames)
SB_ENUM_NAMES(PatientLocation, locationNames)
SB_ENUM_NAMES(TimingEventKind, timingNames)
SB_ENUM_NAMES(ParticipantRole, participantNames)
SB_ENUM_NAMES(SessionStatus, statusNames)

#undef SB_ENUM_NAMES

} // namespace sb
