// SPDX-License-Identifier: Apache-2.0
// Coding engine: time bands, add-ons and their pairings, E/M by time, prolonged time.
#include "coding_testhelpers.h"

#include <catch2/catch_test_macros.hpp>
#include <functional>

using namespace sb;
using namespace sb::coding;
using namespace sb::coding::testing;

namespace {

using SK = ServiceKind;
using PC = ProviderCredential;

/// One row: the facts that vary, and either the expected lines or the refusing rule.
struct Row {
    ServiceKind service;
    int minutes;
    const char *lines; ///< Expected linesOf(); "-" when not billable.
    const char *rule;  ///< Rule id when not billable; "" when billable.
    ProviderCredential provider = PC::Psychologist;
    PayerKind payer = PayerKind::Commercial;
};

void checkRows(std::initializer_list<Row> rows,
               const std::function<void(SessionFacts &)> &adjust = {})
{
    for (const Row &row : rows) {
        SessionFacts f = facts(row.service, row.minutes);
        f.provider = row.provider;
        f.payer = row.payer;
        if (adjust) {
            adjust(f);
        }
        const CodingDecision d = builtinEngine().code(f);
        CAPTURE(toName(row.service).toStdString(), row.minutes, toName(row.provider).toStdString(),
                toName(row.payer).toStdString());
        CHECK(linesOf(d) == row.lines);
        CHECK(d.billable == (row.rule[0] == 0));
        if (!d.billable) {
            CHECK(ruleOf(d) == row.rule);
        } else {
            for (const auto &line : d.lines) {
                REQUIRE(line.rule != nullptr);
                CHECK_FALSE(line.rule->reason.isEmpty());
            }
        }
    }
}

} // namespace

TEST_CASE("Individual psychotherapy: every band edge")
{
    checkRows({
        {SK::IndividualPsychotherapy, 0, "-", "PT-IND-UNDER-16"},
        {SK::IndividualPsychotherapy, 15, "-", "PT-IND-UNDER-16"},
        {SK::IndividualPsychotherapy, 16, "90832", ""},
        {SK::IndividualPsychotherapy, 37, "90832", ""},
        {SK::IndividualPsychotherapy, 38, "90834", ""},
        {SK::IndividualPsychotherapy, 52, "90834", ""},
        {SK::IndividualPsychotherapy, 53, "90837", ""},
        {SK::IndividualPsychotherapy, 75, "90837", ""}, // codes do not stack
        {SK::IndividualPsychotherapy, 240, "90837", ""},
    });
    const CodingDecision d = builtinEngine().code(facts(SK::IndividualPsychotherapy, 38));
    REQUIRE(d.billable);
    CHECK(d.lines[0].rule->id == u"PT-IND-90834");
    CHECK(d.pos == PlaceOfService::literal("11"));
}

TEST_CASE("Crisis psychotherapy: 29/30, 74/75, 104/105 and under 30 as psychotherapy")
{
    checkRows({
        {SK::Crisis, 15, "-", "PT-IND-UNDER-16"},
        {SK::Crisis, 16, "90832", ""},
        {SK::Crisis, 29, "90832", ""},
        {SK::Crisis, 30, "90839", ""},
        {SK::Crisis, 74, "90839", ""},
        {SK::Crisis, 75, "90839,90840", ""},
        {SK::Crisis, 104, "90839,90840", ""},
        {SK::Crisis, 105, "90839,90840x2", ""},
        {SK::Crisis, 134, "90839,90840x2", ""},
        {SK::Crisis, 135, "90839,90840x3", ""},
    });
    const CodingDecision under = builtinEngine().code(facts(SK::Crisis, 29));
    CHECK(hasWarning(under, "CRISIS-UNDER-30"));
    CHECK(under.lines[0].rule->id == u"PT-IND-90832");

    // 200 minutes would be 5 units of 90840; the per-day limit caps it and says so.
    const CodingDecision longCrisis = builtinEngine().code(facts(SK::Crisis, 200));
    CHECK(linesOf(longCrisis) == "90839,90840x3");
    CHECK(hasWarning(longCrisis, "MUE-90840"));
}

TEST_CASE("Family, group and diagnostic evaluation")
{
    checkRows({
        {SK::FamilyWithoutPatient, 25, "-", "FAM-NO-PT-UNDER-26"},
        {SK::FamilyWithoutPatient, 26, "90846", ""},
        {SK::FamilyWithPatient, 25, "-", "FAM-PT-UNDER-26"},
        {SK::FamilyWithPatient, 26, "90847", ""},
        {SK::FamilyWithPatient, 90, "90847", ""},
        {SK::Group, 0, "90853", ""},
        {SK::Group, 90, "90853", ""},
        {SK::MultipleFamilyGroup, 60, "90849", ""},
        {SK::DiagnosticEval, 60, "90791", "", PC::ClinicalSocialWorker},
        {SK::DiagnosticEval, 60, "90791", "", PC::Psychiatrist},
        {SK::DiagnosticEvalMedical, 60, "90792", "", PC::Psychiatrist},
        {SK::DiagnosticEvalMedical, 60, "90792", "", PC::PsychiatricNursePractitioner},
        {SK::DiagnosticEvalMedical, 60, "90792", "", PC::PhysicianAssistant},
        {SK::DiagnosticEvalMedical, 60, "-", "DIAG-MED-PRESCRIBER", PC::Psychologist},
        {SK::DiagnosticEvalMedical, 60, "-", "DIAG-MED-PRESCRIBER", PC::ClinicalSocialWorker},
    });
}

TEST_CASE("Psychotherapy add-ons with E/M: bands, prescribers only, and the E/M primary")
{
    auto withEm = [](SessionFacts &f) {
        f.emCode = cpt("99214");
    };
    checkRows({{SK::PsychotherapyWithEm, 15, "99214", "", PC::Psychiatrist},
               {SK::PsychotherapyWithEm, 16, "99214,90833", "", PC::Psychiatrist},
               {SK::PsychotherapyWithEm, 37, "99214,90833", "", PC::PsychiatricNursePractitioner},
               {SK::PsychotherapyWithEm, 38, "99214,90836", "", PC::PhysicianAssistant},
               {SK::PsychotherapyWithEm, 52, "99214,90836", "", PC::Psychiatrist},
               {SK::PsychotherapyWithEm, 53, "99214,90838", "", PC::Psychiatrist},
               {SK::PsychotherapyWithEm, 40, "-", "PT-EM-PRESCRIBER", PC::Psychologist},
               {SK::PsychotherapyWithEm, 40, "-", "PT-EM-PRESCRIBER", PC::ClinicalSocialWorker},
               {SK::PsychotherapyWithEm, 40, "-", "PT-EM-PRESCRIBER", PC::ProfessionalCounselor},
               {SK::PsychotherapyWithEm, 40, "-", "PT-EM-PRESCRIBER", PC::MarriageFamilyTherapist}},
              withEm);

    SessionFacts f = facts(SK::PsychotherapyWithEm, 16);
    f.provider = PC::Psychiatrist;
    CHECK(hasWarning(builtinEngine().code([&] {
        SessionFacts g = f;
        g.emCode = cpt("99214");
        g.minutes = 15;
        return g;
    }()),
                     "PT-EM-UNDER-16"));
    CHECK(ruleOf(builtinEngine().code(f)) == "EM-CODE-MISSING");
    f.sameDateCodes.push_back(cpt("99213")); // the E/M is already on the claim
    CHECK(linesOf(builtinEngine().code(f)) == "90833");
    f.sameDateCodes.clear();
    f.emCode = cpt("90834");
    CHECK(ruleOf(builtinEngine().code(f)) == "EM-CODE-INVALID");
}

TEST_CASE("Office E/M by total time: every level edge, 2021-2023 and 2024 rules")
{
    auto emTime = [](SessionFacts &f) {
        f.totalEmMinutes = f.minutes;
        f.minutes = 0;
    };
    const PC md = PC::Psychiatrist;
    checkRows({{SK::EmOfficeNew, 14, "-", "EM-NEW-UNDER-15", md},
               {SK::EmOfficeNew, 15, "99202", "", md},
               {SK::EmOfficeNew, 29, "99202", "", md},
               {SK::EmOfficeNew, 30, "99203", "", md},
               {SK::EmOfficeNew, 44, "99203", "", md},
               {SK::EmOfficeNew, 45, "99204", "", md},
               {SK::EmOfficeNew, 59, "99204", "", md},
               {SK::EmOfficeNew, 60, "99205", "", md},
               {SK::EmOfficeNew, 74, "99205", "", md},
               {SK::EmOfficeEstablished, 9, "-", "EM-EST-UNDER-10", md},
               {SK::EmOfficeEstablished, 10, "99212", "", md},
               {SK::EmOfficeEstablished, 19, "99212", "", md},
               {SK::EmOfficeEstablished, 20, "99213", "", md},
               {SK::EmOfficeEstablished, 29, "99213", "", md},
               {SK::EmOfficeEstablished, 30, "99214", "", md},
               {SK::EmOfficeEstablished, 39, "99214", "", md},
               {SK::EmOfficeEstablished, 40, "99215", "", md},
               {SK::EmOfficeEstablished, 54, "99215", "", md},
               {SK::EmOfficeEstablished, 30, "-", "EM-PRESCRIBER", PC::Psychologist}},
              emTime);

    SessionFacts f = facts(SK::EmOfficeNew, 0);
    f.provider = md;
    f.totalEmMinutes = 35;
    f.dateOfService = QDate(2023, 12, 31);
    CHECK(builtinEngine().code(f).lines[0].rule->id == u"EM-NEW-99203");
    f.dateOfService = QDate(2024, 1, 1);
    CHECK(builtinEngine().code(f).lines[0].rule->id == u"EM-NEW-99203-2024");
    f.dateOfService = QDate(2020, 12, 31); // before the 2021 time rules: no rule applies
    CHECK(ruleOf(builtinEngine().code(f)) == "SVC-NO-RULE");
}

TEST_CASE("Prolonged time: 99417 for CPT payers, G2212 for Medicare, none with an add-on")
{
    auto emTime = [](SessionFacts &f) {
        f.totalEmMinutes = f.minutes;
        f.minutes = 0;
    };
    const PC md = PC::Psychiatrist;
    const PayerKind mcr = PayerKind::Medicare;
    const PayerKind com = PayerKind::Commercial;
    const PayerKind mcd = PayerKind::Medicaid;
    checkRows({{SK::EmOfficeNew, 74, "99205", "", md, com},
               {SK::EmOfficeNew, 75, "99205,99417", "", md, com},
               {SK::EmOfficeNew, 89, "99205,99417", "", md, com},
               {SK::EmOfficeNew, 90, "99205,99417x2", "", md, mcd},
               {SK::EmOfficeNew, 88, "99205", "", md, mcr},
               {SK::EmOfficeNew, 89, "99205,G2212", "", md, mcr},
               {SK::EmOfficeNew, 103, "99205,G2212", "", md, mcr},
               {SK::EmOfficeNew, 104, "99205,G2212x2", "", md, mcr},
               {SK::EmOfficeEstablished, 54, "99215", "", md, com},
               {SK::EmOfficeEstablished, 55, "99215,99417", "", md, com},
               {SK::EmOfficeEstablished, 69, "99215,99417", "", md, com},
               {SK::EmOfficeEstablished, 70, "99215,99417x2", "", md, com},
               {SK::EmOfficeEstablished, 68, "99215", "", md, mcr},
               {SK::EmOfficeEstablished, 69, "99215,G2212", "", md, mcr}},
              emTime);

    SessionFacts f = facts(SK::PsychotherapyWithEm, 30);
    f.provider = md;
    f.emCode = cpt("99215");
    f.totalEmMinutes = 70;
    const CodingDecision d = builtinEngine().code(f);
    CHECK(linesOf(d) == "99215,90833");
    CHECK(refusedOf(d) == "99417:PROLONGED-WITH-ADDON");
    f.payer = PayerKind::Medicare;
    CHECK(refusedOf(builtinEngine().code(f)) == "G2212:PROLONGED-WITH-ADDON");
}

TEST_CASE("Psychological testing: evaluation and administration units, professional vs technician")
{
    auto by = [](AdministeredBy who) {
        return [who](SessionFacts &f) {
            f.administeredBy = who;
        };
    };
    checkRows({{SK::PsychTestingEval, 30, "-", "TEST-EVAL-UNDER-31"},
               {SK::PsychTestingEval, 31, "96130", ""},
               {SK::PsychTestingEval, 90, "96130", ""},
               {SK::PsychTestingEval, 91, "96130,96131", ""},
               {SK::PsychTestingEval, 150, "96130,96131", ""},
               {SK::PsychTestingEval, 151, "96130,96131x2", ""},
               {SK::PsychTestingEval, 60, "-", "TEST-EVAL-CREDENTIAL", PC::ClinicalSocialWorker},
               {SK::PsychTestingAdmin, 60, "-", "TEST-ADMIN-WHO"}});
    checkRows(
        {{SK::PsychTestingAdmin, 15, "-", "TEST-ADMIN-UNDER-16"},
         {SK::PsychTestingAdmin, 16, "96136", ""},
         {SK::PsychTestingAdmin, 45, "96136", ""},
         {SK::PsychTestingAdmin, 46, "96136,96137", ""},
         {SK::PsychTestingAdmin, 75, "96136,96137", ""},
         {SK::PsychTestingAdmin, 76, "96136,96137x2", ""},
         {SK::PsychTestingAdmin, 60, "-", "TEST-ADMIN-CREDENTIAL", PC::ProfessionalCounselor}},
        by(AdministeredBy::Professional));
    checkRows({{SK::PsychTestingAdmin, 15, "-", "TEST-ADMIN-UNDER-16"},
               {SK::PsychTestingAdmin, 16, "96138", ""},
               {SK::PsychTestingAdmin, 46, "96138,96139", ""},
               {SK::PsychTestingEval, 120, "-", "TEST-EVAL-TECH"}},
              by(AdministeredBy::Technician));
}

TEST_CASE("Health behavior intervention: units, physical primary diagnosis, prescriber notice")
{
    auto physicalDx = [](SessionFacts &f) {
        f.primaryDiagnosis = QStringLiteral("E119");
    };
    checkRows({{SK::HealthBehaviorIndividual, 15, "-", "HBAI-UNDER-16"},
               {SK::HealthBehaviorIndividual, 16, "96158", ""},
               {SK::HealthBehaviorIndividual, 37, "96158", ""},
               {SK::HealthBehaviorIndividual, 38, "96158,96159", ""},
               {SK::HealthBehaviorIndividual, 52, "96158,96159", ""},
               {SK::HealthBehaviorIndividual, 53, "96158,96159x2", ""}},
              physicalDx);
    SessionFacts f = facts(SK::HealthBehaviorIndividual, 30);
    CHECK(hasWarning(builtinEngine().code(f), "DX-NOT-GIVEN"));
    f.primaryDiagnosis = QStringLiteral("F411");
    CHECK(ruleOf(builtinEngine().code(f)) == "HBAI-DX");
    f.primaryDiagnosis = QStringLiteral("E119");
    CHECK_FALSE(hasWarning(builtinEngine().code(f), "NOTE-HBAI-PRESCRIBER"));
    f.provider = PC::Psychiatrist;
    CHECK(hasWarning(builtinEngine().code(f), "NOTE-HBAI-PRESCRIBER"));
}

TEST_CASE("Interactive complexity 90785: with the codes it may accompany, refused with the rest")
{
    struct IcRow {
        ServiceKind service;
        int minutes;
        ProviderCredential provider;
        const char *lines;
        const char *refused;
    };
    const IcRow rows[] = {
        {SK::IndividualPsychotherapy, 40, PC::ClinicalSocialWorker, "90834,90785", "-"},
        {SK::Crisis, 20, PC::Psychologist, "90832,90785", "-"}, // crisis under 30 is 90832
        {SK::DiagnosticEval, 60, PC::Psychologist, "90791,90785", "-"},
        {SK::DiagnosticEvalMedical, 60, PC::Psychiatrist, "90792,90785", "-"},
        {SK::PsychotherapyWithEm, 20, PC::Psychiatrist, "99213,90833,90785", "-"},
        {SK::Group, 60, PC::ProfessionalCounselor, "90853,90785", "-"},
        {SK::Crisis, 60, PC::Psychologist, "90839", "90785:PAIR-CRISIS-IC"},
        {SK::FamilyWithoutPatient, 50, PC::MarriageFamilyTherapist, "90846",
         "90785:PAIR-IC-FAMILY"},
        {SK::FamilyWithPatient, 50, PC::MarriageFamilyTherapist, "90847", "90785:PAIR-IC-FAMILY"},
        {SK::EmOfficeEstablished, 25, PC::Psychiatrist, "99213", "90785:IC-90785"},
        {SK::PsychotherapyWithEm, 10, PC::Psychiatrist, "99213", "90785:IC-90785"},
        {SK::MultipleFamilyGroup, 60, PC::Psychologist, "90849", "90785:IC-90785"},
        {SK::PsychTestingEval, 60, PC::Psychologist, "96130", "90785:IC-90785"},
        {SK::HealthBehaviorIndividual, 30, PC::Psychologist, "96158", "90785:PAIR-HBAI-PSYCH"},
    };
    for (const auto &row : rows) {
        SessionFacts f = facts(row.service, row.minutes);
        f.provider = row.provider;
        f.interactiveComplexity = true;
        f.emCode = cpt("99213");
        f.totalEmMinutes = row.minutes;
        f.primaryDiagnosis = QStringLiteral("E119");
        const CodingDecision d = builtinEngine().code(f);
        CAPTURE(toName(row.service).toStdString(), row.minutes);
        CHECK(d.billable);
        CHECK(linesOf(d) == row.lines);
        CHECK(refusedOf(d) == row.refused);
    }
}

TEST_CASE("Every proposed code has the project's own description")
{
    const auto rules = loadBuiltin();
    for (const char *code :
         {"90785", "90791", "90792", "90832", "90833", "90834", "90836", "90837", "90838",
          "90839", "90840", "90846", "90847", "90849", "90853", "96130", "96131", "96136",
          "96137", "96138", "96139", "96158", "96159", "99202", "99215", "99417", "G2212"}) {
        CAPTURE(code);
        CHECK_FALSE(rules->description(*ProcedureCode::parse(QString::fromLatin1(code))).isEmpty());
    }
    CHECK(rules->description(cpt("12345")).isEmpty());
    CHECK(rules->version().contains(u"base@2026.1"));
}

TEST_CASE("A missing date of service is refused, not guessed")
{
    SessionFacts f = facts(SK::IndividualPsychotherapy, 45);
    f.dateOfService = QDate();
    CHECK(ruleOf(builtinEngine().code(f)) == "DOS-REQUIRED");
}
