// SPDX-License-Identifier: Apache-2.0
// Coding engine: place of service and telehealth modifiers by payer, profile, entity and date;
// Medicaid credential modifiers from a state profile.
#include "coding_testhelpers.h"

#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::coding;
using namespace sb::coding::testing;

namespace {

struct TeleRow {
    PayerKind payer;
    const char *profile;
    BillingEntity entity;
    QDate dos;
    Modality modality;
    PatientLocation location;
    const char *pos;   ///< "-" when not billable
    const char *lines; ///< linesOf(), or the refusing rule id when not billable
};

} // namespace

TEST_CASE("Telehealth place of service and modifiers by payer, profile, entity and date")
{
    using M = Modality;
    using L = PatientLocation;
    using E = BillingEntity;
    const PayerKind mcr = PayerKind::Medicare;
    const PayerKind com = PayerKind::Commercial;
    const QDate y2026(2026, 3, 2);
    const QDate y2023(2023, 6, 1);
    const TeleRow rows[] = {
        // Medicare from 2024: POS 10/02 by location, no 95; audio-only at home with 93 only.
        {mcr, "", E::Practice, y2026, M::InPerson, L::Office, "11", "90834"},
        {mcr, "", E::Practice, y2026, M::Video, L::Home, "10", "90834"},
        {mcr, "", E::Practice, y2026, M::Video, L::Other, "02", "90834"},
        {mcr, "", E::Practice, y2026, M::AudioOnly, L::Home, "10", "90834[93]"},
        {mcr, "", E::Practice, y2026, M::AudioOnly, L::Other, "-", "TH-MCR-AUDIO-HOME"},
        {mcr, "", E::Practice, QDate(2024, 1, 1), M::Video, L::Home, "10", "90834"},
        // Medicare through 2023: in-person POS with 95.
        {mcr, "", E::Practice, y2023, M::Video, L::Home, "11", "90834[95]"},
        {mcr, "", E::Practice, QDate(2023, 12, 31), M::Video, L::Other, "11", "90834[95]"},
        {mcr, "", E::Practice, y2023, M::AudioOnly, L::Other, "11", "90834[93]"},
        // Medicare by billing entity.
        {mcr, "", E::Hospital, y2026, M::Video, L::Home, "10", "90834[95]"},
        {mcr, "", E::Hospital, y2026, M::Video, L::Other, "02", "90834"},
        {mcr, "", E::CriticalAccessHospital, y2026, M::Video, L::Other, "02", "90834[GT]"},
        {mcr, "", E::RuralHealthClinic, y2026, M::AudioOnly, L::Home, "10", "90834[FQ]"},
        {mcr, "", E::FederallyQualifiedHealthCenter, y2026, M::AudioOnly, L::Home, "10",
         "90834[FQ]"},
        // Commercial default, and payer profiles.
        {com, "", E::Practice, y2026, M::Video, L::Home, "10", "90834[95]"},
        {com, "", E::Practice, y2026, M::AudioOnly, L::Other, "02", "90834[93]"},
        {com, "uhc_commercial", E::Practice, QDate(2021, 6, 1), M::Video, L::Home, "02", "90834"},
        {com, "uhc_commercial", E::Practice, y2026, M::Video, L::Home, "10", "90834"},
        {com, "uhc_commercial", E::Practice, y2026, M::AudioOnly, L::Home, "10", "90834[93]"},
        {com, "pos11_modifier95", E::Practice, y2026, M::Video, L::Home, "11", "90834[95]"},
        {com, "pos02_modifier95", E::Practice, y2026, M::Video, L::Home, "02", "90834[95]"},
        {com, "unknown_profile", E::Practice, y2026, M::Video, L::Home, "10", "90834[95]"},
    };
    for (const auto &row : rows) {
        SessionFacts f = facts(ServiceKind::IndividualPsychotherapy, 45);
        f.payer = row.payer;
        f.payerProfile = QLatin1String(row.profile);
        f.billingEntity = row.entity;
        f.dateOfService = row.dos;
        f.modality = row.modality;
        f.patientLocation = row.location;
        const CodingDecision d = builtinEngine().code(f);
        CAPTURE(toName(row.payer).toStdString(), row.profile, toName(row.entity).toStdString(),
                row.dos.toString(Qt::ISODate).toStdString(), toName(row.modality).toStdString(),
                toName(row.location).toStdString());
        if (row.pos[0] == '-') {
            CHECK_FALSE(d.billable);
            CHECK(ruleOf(d) == row.lines);
        } else {
            REQUIRE(d.billable);
            CHECK(d.pos.toString().toStdString() == row.pos);
            CHECK(linesOf(d) == row.lines);
        }
    }
}

TEST_CASE("Requested telehealth modifiers the payer does not accept are refused with a reason")
{
    SessionFacts f = facts(ServiceKind::IndividualPsychotherapy, 45);
    f.payer = PayerKind::Medicare;
    f.modality = Modality::Video;
    f.patientLocation = PatientLocation::Home;
    f.requestedModifiers.push_back(mod("GT"));
    f.requestedModifiers.push_back(mod("95"));
    CodingDecision d = builtinEngine().code(f);
    CHECK(linesOf(d) == "90834");
    CHECK(refusedOf(d) == "90834/GT:TH-MCR-2024-MOD,90834/95:TH-MCR-2024-MOD");
    CHECK(d.refused[0].rule->reason.contains(u"GT"));

    f.modality = Modality::AudioOnly;
    f.requestedModifiers.clear();
    f.requestedModifiers.push_back(mod("93")); // what Medicare wants anyway: not doubled
    d = builtinEngine().code(f);
    CHECK(linesOf(d) == "90834[93]");
    CHECK(refusedOf(d) == "-");
    CHECK(hasWarning(d, "NOTE-MCR-AUDIO-CONDITIONS"));

    f.payer = PayerKind::Commercial;
    f.payerProfile = QStringLiteral("uhc_commercial");
    f.dateOfService = QDate(2021, 6, 1);
    f.modality = Modality::Video;
    f.requestedModifiers.clear();
    f.requestedModifiers.push_back(mod("95")); // informational, accepted in 2021
    f.requestedModifiers.push_back(mod("FQ"));
    d = builtinEngine().code(f);
    CHECK(linesOf(d) == "90834[95]");
    CHECK(refusedOf(d) == "90834/FQ:TH-UHC-2021-MOD");

    f.modality = Modality::InPerson;
    f.requestedModifiers.clear();
    f.requestedModifiers.push_back(mod("95"));
    d = builtinEngine().code(f);
    CHECK(linesOf(d) == "90834");
    CHECK(d.pos == PlaceOfService::literal("11"));
    CHECK(refusedOf(d) == "90834/95:TH-MOD-IN-PERSON");
}

TEST_CASE("Medicare's in-person requirement for telemental health is a dated notice")
{
    SessionFacts f = facts(ServiceKind::IndividualPsychotherapy, 45);
    f.payer = PayerKind::Medicare;
    f.modality = Modality::Video;
    f.patientLocation = PatientLocation::Home;
    f.dateOfService = QDate(2027, 12, 31);
    CHECK_FALSE(hasWarning(builtinEngine().code(f), "NOTE-MCR-IN-PERSON"));
    f.dateOfService = QDate(2028, 1, 1);
    CHECK(hasWarning(builtinEngine().code(f), "NOTE-MCR-IN-PERSON"));
    f.modality = Modality::InPerson;
    CHECK_FALSE(hasWarning(builtinEngine().code(f), "NOTE-MCR-IN-PERSON"));
}

TEST_CASE("Medicaid credential modifiers come from the state profile")
{
    struct Row {
        ProviderCredential provider;
        ServiceKind service;
        const char *state;
        PayerKind payer;
        Modality modality;
        const char *lines;
        const char *warning;
    };
    using PC = ProviderCredential;
    using SK = ServiceKind;
    const PayerKind mcd = PayerKind::Medicaid;
    const Row rows[] = {
        {PC::ClinicalSocialWorker, SK::IndividualPsychotherapy, "WI", mcd, Modality::InPerson,
         "90834[HO]", ""},
        {PC::ProfessionalCounselor, SK::IndividualPsychotherapy, "WI", mcd, Modality::Video,
         "90834[HO,95]", ""},
        {PC::MarriageFamilyTherapist, SK::FamilyWithPatient, "WI", mcd, Modality::InPerson,
         "90847[HO]", ""},
        {PC::Psychologist, SK::IndividualPsychotherapy, "WI", mcd, Modality::InPerson, "90834[HP]",
         ""},
        {PC::Psychiatrist, SK::PsychotherapyWithEm, "WI", mcd, Modality::InPerson,
         "99213[UA],90836[UA]", ""},
        {PC::PsychiatricNursePractitioner, SK::PsychotherapyWithEm, "WI", mcd, Modality::InPerson,
         "99213[UB],90836[UB]", ""},
        {PC::PhysicianAssistant, SK::DiagnosticEvalMedical, "WI", mcd, Modality::InPerson, "90792",
         "MEDICAID-NO-CREDENTIAL"},
        {PC::ClinicalSocialWorker, SK::IndividualPsychotherapy, "MN", mcd, Modality::InPerson,
         "90834", "MEDICAID-NO-CREDENTIAL"},
        {PC::ClinicalSocialWorker, SK::IndividualPsychotherapy, "", mcd, Modality::InPerson,
         "90834", "MEDICAID-NO-STATE"},
        {PC::ClinicalSocialWorker, SK::IndividualPsychotherapy, "WI", PayerKind::Commercial,
         Modality::InPerson, "90834", ""},
    };
    for (const auto &row : rows) {
        SessionFacts f = facts(row.service, 45);
        f.provider = row.provider;
        f.payer = row.payer;
        f.modality = row.modality;
        f.patientLocation = PatientLocation::Home;
        f.emCode = cpt("99213");
        if (row.state[0] != 0) {
            f.state = *StateCode::parse(QString::fromLatin1(row.state));
        }
        const CodingDecision d = builtinEngine().code(f);
        CAPTURE(toName(row.provider).toStdString(), row.state, toName(row.payer).toStdString());
        REQUIRE(d.billable);
        CHECK(linesOf(d) == row.lines);
        if (row.warning[0] != 0) {
            CHECK(hasWarning(d, row.warning));
        } else {
            CHECK_FALSE(hasWarning(d, "MEDICAID-NO-CREDENTIAL"));
            CHECK_FALSE(hasWarning(d, "MEDICAID-NO-STATE"));
        }
    }
}

TEST_CASE("A line never carries more than four modifiers; the overflow is reported")
{
    SessionFacts f = facts(ServiceKind::IndividualPsychotherapy, 45);
    f.payer = PayerKind::Medicaid;
    f.state = StateCode::literal("WI");
    f.provider = ProviderCredential::ClinicalSocialWorker;
    f.modality = Modality::Video;
    f.patientLocation = PatientLocation::Home;
    f.sameDateCodes.push_back(cpt("90846"));
    f.requestedModifiers.push_back(mod("XU"));
    f.requestedModifiers.push_back(mod("GA"));
    f.requestedModifiers.push_back(mod("KX"));
    const CodingDecision d = builtinEngine().code(f);
    CHECK(linesOf(d) == "90834[HO,XU,95,GA]");
    CHECK(hasWarning(d, "MOD-LIMIT"));
}
