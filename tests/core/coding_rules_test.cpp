// SPDX-License-Identifier: Apache-2.0
// Coding rules as data: same-day pairs with their modifier indicator, units-per-day limits,
// run-time override files, and the loader's validation.
#include "coding_testhelpers.h"

#include <QFile>
#include <QTemporaryDir>

#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::coding;
using namespace sb::coding::testing;

namespace {

using SK = ServiceKind;

SessionFacts withSameDate(ServiceKind service, int minutes,
                          std::initializer_list<ProcedureCode> reported,
                          std::initializer_list<Modifier> requested = {})
{
    SessionFacts f = facts(service, minutes);
    for (const auto &code : reported) {
        f.sameDateCodes.push_back(code);
    }
    for (const auto &modifier : requested) {
        f.requestedModifiers.push_back(modifier);
    }
    return f;
}

QString writeFile(const QTemporaryDir &dir, const char *name, const QByteArray &content)
{
    const QString path = dir.filePath(QLatin1String(name));
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(content);
    return path;
}

QString loadError(const QByteArray &overrideJson)
{
    QList<RuleSource> sources = RuleSet::builtinSources();
    sources.append(RuleSource{QStringLiteral("override.json"), overrideJson});
    const auto loaded = RuleSet::load(sources);
    return loaded ? QString() : loaded.error().message;
}

} // namespace

TEST_CASE("Same-day pairs: modifier indicator 0 refuses, 1 needs 59 or X{EPSU} on column 2")
{
    const CodingEngine &engine = builtinEngine();
    struct Row {
        SessionFacts facts;
        const char *lines;
        const char *ruleOrRefused; ///< rule id when not billable, else refusedOf()
    };
    const Row rows[] = {
        {withSameDate(SK::IndividualPsychotherapy, 45, {cpt("99213")}), "-", "PAIR-EM-PT"},
        {withSameDate(SK::IndividualPsychotherapy, 45, {cpt("90839")}), "-", "PAIR-CRISIS-PT"},
        {withSameDate(SK::Crisis, 60, {cpt("90834")}), "-", "PAIR-CRISIS-PT"},
        {withSameDate(SK::Crisis, 60, {cpt("90791")}), "-", "PAIR-CRISIS-DIAG"},
        {withSameDate(SK::DiagnosticEval, 60, {cpt("90792")}), "-", "PAIR-DIAG-DIAG"},
        {withSameDate(SK::DiagnosticEval, 60, {cpt("90834")}), "-", "PAIR-DIAG-PT"},
        {withSameDate(SK::DiagnosticEval, 60, {cpt("99214")}), "-", "PAIR-DIAG-EM"},
        // MI 1: the individual code is column 2 of the family code.
        {withSameDate(SK::IndividualPsychotherapy, 45, {cpt("90846")}), "-", "PAIR-FAM-PT"},
        {withSameDate(SK::IndividualPsychotherapy, 45, {cpt("90846")}, {mod("59")}), "90834[59]",
         "-"},
        {withSameDate(SK::IndividualPsychotherapy, 45, {cpt("90847")}, {mod("XU")}), "90834[XU]",
         "-"},
        // MI 0 cannot be bypassed.
        {withSameDate(SK::IndividualPsychotherapy, 45, {cpt("99213")}, {mod("59")}), "-",
         "PAIR-EM-PT"},
        // The bypass modifier is only applied where an edit calls for it.
        {withSameDate(SK::IndividualPsychotherapy, 45, {cpt("90853")}, {mod("59")}), "90834",
         "90834/59:NCCI-BYPASS-UNUSED"},
        // Unrelated same-day codes do not interfere.
        {withSameDate(SK::IndividualPsychotherapy, 45, {cpt("90853")}), "90834", "-"},
    };
    for (const auto &row : rows) {
        const CodingDecision d = engine.code(row.facts);
        CAPTURE(toName(row.facts.service).toStdString(),
                row.facts.sameDateCodes[0].toString().toStdString());
        CHECK(linesOf(d) == row.lines);
        if (d.billable) {
            CHECK(refusedOf(d) == row.ruleOrRefused);
        } else {
            CHECK(ruleOf(d) == row.ruleOrRefused);
        }
    }

    // The column-1 code is billable; the biller is told the earlier column-2 line needs 59/XU.
    const CodingDecision family =
        engine.code(withSameDate(SK::FamilyWithoutPatient, 50, {cpt("90834")}));
    CHECK(linesOf(family) == "90846");
    CHECK(hasWarning(family, "PAIR-FAM-PT"));
}

TEST_CASE("Units-per-day limits count what is already reported on the date")
{
    const CodingEngine &engine = builtinEngine();
    const CodingDecision second =
        engine.code(withSameDate(SK::IndividualPsychotherapy, 45, {cpt("90834")}));
    CHECK_FALSE(second.billable);
    CHECK(ruleOf(second) == "MUE-90834");

    const CodingDecision crisis = engine.code(withSameDate(SK::Crisis, 60, {cpt("90839")}));
    CHECK_FALSE(crisis.billable);
    CHECK(ruleOf(crisis) == "MUE-90839");
    CHECK(crisis.rule->reason.contains(u"once per date"));

    const CodingDecision extension =
        engine.code(withSameDate(SK::Crisis, 140, {cpt("90840"), cpt("90840")}));
    CHECK(linesOf(extension) == "90839,90840");
    CHECK(hasWarning(extension, "MUE-90840"));
}

TEST_CASE("An E/M and its add-on that conflict with a same-day evaluation are both refused")
{
    SessionFacts f = facts(SK::PsychotherapyWithEm, 40);
    f.provider = ProviderCredential::Psychiatrist;
    f.emCode = cpt("99214");
    f.sameDateCodes.push_back(cpt("90791"));
    const CodingDecision d = builtinEngine().code(f);
    CHECK_FALSE(d.billable);
    CHECK(ruleOf(d) == "PAIR-DIAG-EM");
    CHECK(refusedOf(d) == "99214:PAIR-DIAG-EM,90836:PAIR-DIAG-PT");
}

TEST_CASE("An override file changes decisions at run time, without a rebuild")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = writeFile(dir, "practice-rules.json", R"json({
        "format": 1,
        "version": "test-1",
        "mue": [{"id": "MUE-90840", "cpt": "90840", "units": 8, "mai": 3},
                {"id": "MUE-96130", "cpt": "96130", "units": 0, "mai": 2}],
        "pairs": [{"id": "PAIR-FAM-PT", "disabled": true}],
        "notices": [{"id": "NOTE-MCR-IN-PERSON",
                     "when": {"payer": "medicare", "modality": ["video", "audio_only"],
                              "from": "2025-10-01"},
                     "effect": "warn",
                     "reason": "In-person visit required within 6 months (our MAC's reading)."}],
        "services": [{"id": "DIAG-MIN16", "when": {"service": "diagnostic_eval",
                                                   "payer_profile": "headway"},
                      "bands": [{"id": "DIAG-90791-MIN16", "cpt": "90791", "min": 16,
                                 "reason": "This payer expects 16 minutes for 90791."}],
                      "below": {"id": "DIAG-UNDER-16", "reason": "This payer wants 16 minutes."}}],
        "credential_modifiers": [{"id": "MCD-ZZ-LCSW",
                                  "when": {"payer": "medicaid", "state": "ZZ", "provider": "lcsw"},
                                  "modifiers": ["AJ"], "reason": "State ZZ: social worker AJ."}],
        "code_modifiers": [{"id": "MCD-ZZ-GROUP", "when": {"payer": "medicaid", "state": "ZZ"},
                            "codes": ["90853"], "modifiers": ["HQ"],
                            "reason": "State ZZ: group setting HQ on group psychotherapy."}]
    })json");
    const CodingEngine builtin(loadBuiltin());
    const CodingEngine overridden(loadBuiltin(path));
    CHECK(overridden.rules().version().endsWith(u"practice-rules.json@test-1"));

    SessionFacts crisis = facts(SK::Crisis, 200);
    CHECK(linesOf(builtin.code(crisis)) == "90839,90840x3");
    CHECK(linesOf(overridden.code(crisis)) == "90839,90840x5");

    const SessionFacts family = withSameDate(SK::IndividualPsychotherapy, 45, {cpt("90846")});
    CHECK_FALSE(builtin.code(family).billable);
    CHECK(linesOf(overridden.code(family)) == "90834");

    SessionFacts video = facts(SK::IndividualPsychotherapy, 45);
    video.payer = PayerKind::Medicare;
    video.modality = Modality::Video;
    video.patientLocation = PatientLocation::Home;
    CHECK_FALSE(hasWarning(builtin.code(video), "NOTE-MCR-IN-PERSON"));
    CHECK(hasWarning(overridden.code(video), "NOTE-MCR-IN-PERSON"));

    SessionFacts diag = facts(SK::DiagnosticEval, 15);
    CHECK(linesOf(overridden.code(diag)) == "90791");
    diag.payerProfile = QStringLiteral("headway");
    CHECK(ruleOf(overridden.code(diag)) == "DIAG-UNDER-16");
    diag.minutes = 16;
    CHECK(overridden.code(diag).lines[0].rule->id == u"DIAG-90791-MIN16");

    // A limit of 0 makes the code not payable; its add-on then has no primary.
    const SessionFacts testing = facts(SK::PsychTestingEval, 100);
    CHECK(linesOf(builtin.code(testing)) == "96130,96131");
    const CodingDecision refusedTesting = overridden.code(testing);
    CHECK(ruleOf(refusedTesting) == "MUE-96130");
    CHECK(refusedOf(refusedTesting) == "96130:MUE-96130,96131:ADDON-TESTING");

    SessionFacts medicaid = facts(SK::Group, 60);
    medicaid.payer = PayerKind::Medicaid;
    medicaid.provider = ProviderCredential::ClinicalSocialWorker;
    medicaid.state = StateCode::literal("ZZ");
    CHECK(linesOf(builtin.code(medicaid)) == "90853");
    CHECK(linesOf(overridden.code(medicaid)) == "90853[AJ,HQ]");
}

TEST_CASE("The loader refuses bad rule files and says where the problem is")
{
    CHECK(loadError(R"({"format": 1})").isEmpty());
    CHECK(loadError("{not json").startsWith(u"override.json: not a JSON object"));
    CHECK(loadError(R"({"format": 2})").contains(u"unsupported rule format"));
    CHECK(loadError(R"({"format": 1, "rules": []})").contains(u"unknown section 'rules'"));

    const QString badCode = loadError(R"({"format": 1, "mue": [
        {"id": "MUE-X", "cpt": "9083", "units": 1}]})");
    CHECK(badCode.contains(u"mue[MUE-X]"));
    CHECK(badCode.contains(u"procedure code"));

    CHECK(loadError(R"({"format": 1, "pairs": [
        {"id": "P", "column1": ["90834"], "column2": ["@nope"], "mi": 0, "reason": "r"}]})")
              .contains(u"unknown code group @nope"));
    CHECK(loadError(R"({"format": 1, "pairs": [
        {"id": "P", "column1": ["90834"], "column2": ["90832"], "mi": 2, "reason": "r"}]})")
              .contains(u"modifier indicator"));
    CHECK(loadError(R"({"format": 1, "services": [{"id": "S",
        "when": {"service": "group"},
        "bands": [{"id": "B1", "cpt": "90853", "min": 10, "reason": "a"},
                  {"id": "B2", "cpt": "90853", "min": 5, "reason": "b"}],
        "below": {"id": "B0", "reason": "c"}}]})")
              .contains(u"ascend"));
    CHECK(loadError(R"({"format": 1, "services": [{"id": "S",
        "when": {"service": "group"},
        "bands": [{"id": "B1", "cpt": "99999", "min": 0, "reason": "a"}]}]})")
              .contains(u"99999 has no description"));
    CHECK(loadError(R"({"format": 1, "services": [{"id": "S",
        "when": {"service": "hologram"}, "refuse": {"id": "R", "reason": "r"}}]})")
              .contains(u"unknown value"));
    CHECK(loadError(R"({"format": 1, "notices": [{"id": "N", "when": {"payr": "medicare"},
        "effect": "warn", "reason": "r"}]})")
              .contains(u"unknown key 'payr'"));
    CHECK(loadError(R"({"format": 1, "messages": {"MOD-LIMIT": ""}})")
              .contains(u"needs an id and a reason"));
    CHECK(loadError(R"({"format": 1, "notices": [{"id": "N2", "when": {"from": "2026-13-01"},
        "effect": "warn", "reason": "r"}]})")
              .contains(u"YYYY-MM-DD"));
    CHECK(loadError(R"({"format": 1, "telehealth": [{"id": "TH-DEFAULT", "disabled": true}]})")
              .contains(u"default"));

    QList<RuleSource> withoutBase = RuleSet::builtinSources();
    withoutBase.removeFirst();
    const auto loaded = RuleSet::load(withoutBase);
    REQUIRE_FALSE(loaded.hasValue());
    CHECK_FALSE(loaded.error().message.isEmpty());

    const auto missing = RuleSet::builtin(QStringLiteral("/nonexistent/rules.json"));
    REQUIRE_FALSE(missing.hasValue());
    CHECK(missing.error().message.contains(u"cannot read"));
}
