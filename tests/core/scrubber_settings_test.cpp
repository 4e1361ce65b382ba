// SPDX-License-Identifier: Apache-2.0
// Scrubber settings as data (overrides, severities, dated payer entries, bad files), and the
// scrubber agreeing with the coding engine on claims built from its own decisions.
#include "claims/claimscrubber.h"
#include "codesets/icd10index.h"
#include "coding/codingengine.h"
#include "domain/enums.h"

#include <algorithm>
#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::claims;

namespace {

ScrubSettingsSource document(const char *name, const char *json)
{
    return {QLatin1String(name), QByteArray(json)};
}

Expected<std::shared_ptr<const ScrubSettings>, ScrubSettingsError> withOverride(const char *json)
{
    return ScrubSettings::load({ScrubSettings::builtinSource(), document("override", json)});
}

Claim claimFor(PayerKind payer, const QDate &dos, const QDate &scrubDate)
{
    Claim c;
    c.payerKind = payer;
    c.billingNpi = QStringLiteral("1234567893");
    c.renderingNpi = QStringLiteral("1558598797");
    c.dateOfService = dos;
    c.scrubDate = scrubDate;
    c.pos = PlaceOfService::literal("11");
    c.diagnoses = {QStringLiteral("F411")};
    ClaimLine line;
    line.cpt = ProcedureCode::literal("90834");
    line.minutes = 45;
    line.pointers.push_back(1);
    c.lines = {line};
    EligibilitySnapshot e;
    e.checkedAt = QDateTime(dos, QTime(9, 0), Qt::UTC);
    e.active = true;
    c.eligibility = e;
    CredentialingRecord r;
    r.status = CredentialingStatus::InNetwork;
    r.effectiveDate = QDate(2020, 1, 1);
    c.credentialing = {r};
    c.noteSigned = true;
    return c;
}

const Icd10Index &builtInIndex()
{
    static const Icd10Index index = Icd10Index::builtIn();
    return index;
}

} // namespace

TEST_CASE("scrubber settings: the built-in file loads with every check")
{
    auto settings = ScrubSettings::builtin();
    REQUIRE(settings);
    CHECK((*settings)->version() == u"scrubber@2026.1");
    CHECK((*settings)->maxDiagnoses == 12);
    CHECK((*settings)->maxPointersPerLine == 4);
    CHECK((*settings)->eligibilityStaleDays == 30);
    CHECK((*settings)->caqhReattestDays == 120);
    CHECK((*settings)->authLowVisits == 3);
    CHECK((*settings)->authClosingDays == 14);
    for (std::size_t i = 0; i < kCheckCount; ++i) {
        const CheckText &text = (*settings)->text(Check(i));
        INFO(QString(checkId(Check(i))).toStdString());
        CHECK(text.severity != Severity::Off);
        CHECK(text.message.size() > 20);
        CHECK(QString(checkId(Check(i))).startsWith(u"scrub."));
    }
    CHECK((*settings)->text(Check::FilingClosing).severity == Severity::Warning);
    CHECK((*settings)->text(Check::FilingPassed).severity == Severity::Error);
}

TEST_CASE("scrubber settings: an override changes severities, messages, windows and limits")
{
    auto settings = withOverride(R"({"format": 1, "version": "practice-7",
        "settings": {"eligibility_stale_days": 45},
        "checks": {
            "scrub.elig.not_verified": {"severity": "error"},
            "scrub.npi.rendering_missing": {"disabled": true},
            "scrub.note.unsigned": {"message": "Sign the note, then resend ({date})."}
        },
        "timely_filing": [
            {"id": "TF-COMMERCIAL", "when": {"payer": "commercial"}, "days": 180, "closing_days": 10},
            {"id": "TF-MEDICARE", "disabled": true},
            {"id": "TF-ACME-2026", "when": {"payer_profile": "acme", "from": "2026-01-01"}, "days": 60, "closing_days": 5}
        ]})");
    REQUIRE(settings);
    CHECK((*settings)->version() == u"scrubber@2026.1,override@practice-7");
    const ClaimScrubber scrubber(*settings, ClaimScrubber::lookupFor(builtInIndex()));

    Claim claim = claimFor(PayerKind::Commercial, QDate(2026, 3, 2), QDate(2026, 6, 1));
    claim.renderingNpi.clear();
    claim.eligibility->checkedAt = QDateTime(QDate(2026, 1, 20), QTime(9, 0), Qt::UTC);
    ScrubResult result = scrubber.scrub(claim);
    CHECK(result.findings.isEmpty()); // day 91 of 180; 41 days stale of 45; rendering check off

    claim.eligibility.reset();
    claim.noteSigned = false;
    result = scrubber.scrub(claim);
    REQUIRE(result.findings.size() == 2);
    CHECK(result.errors == 2);
    CHECK(scrubber.message(result.findings[0]) == u"Sign the note, then resend ().");
    CHECK(result.findings[1].check == Check::EligNotVerified);

    // The removed Medicare entry falls back to the 90-day default.
    Claim medicare = claimFor(PayerKind::Medicare, QDate(2026, 3, 2), QDate(2026, 6, 1));
    medicare.renderingNpi.clear();
    CHECK(scrubber.scrub(medicare).has(Check::FilingPassed));

    // A dated profile entry applies from its date only.
    Claim acme = claimFor(PayerKind::Commercial, QDate(2026, 3, 2), QDate(2026, 5, 2));
    acme.payerProfile = QStringLiteral("acme");
    acme.renderingNpi.clear();
    CHECK(scrubber.scrub(acme).has(Check::FilingPassed));
    acme = claimFor(PayerKind::Commercial, QDate(2025, 12, 31), QDate(2026, 5, 2));
    acme.payerProfile = QStringLiteral("acme");
    acme.renderingNpi.clear();
    CHECK_FALSE(scrubber.scrub(acme).has(Check::FilingPassed));
}

TEST_CASE("scrubber settings: when an authorization is closing is the practice's setting")
{
    Claim claim = claimFor(PayerKind::Commercial, QDate(2026, 3, 2), QDate(2026, 3, 3));
    Authorization a;
    a.startDate = QDate(2026, 1, 1);
    a.endDate = QDate(2026, 3, 2).addDays(20);
    a.authorized = 12;
    a.used = 7; // 5 left, 20 days to go
    claim.authorization = a;
    const auto builtin = ScrubSettings::builtin();
    REQUIRE(builtin);
    CHECK_FALSE(ClaimScrubber(*builtin, ClaimScrubber::lookupFor(builtInIndex()))
                    .scrub(claim)
                    .has(Check::AuthClosing));

    auto fewVisits = withOverride(R"({"format": 1, "settings": {"auth_low_visits": 5}})");
    REQUIRE(fewVisits);
    const ClaimScrubber byVisits(*fewVisits, ClaimScrubber::lookupFor(builtInIndex()));
    ScrubResult result = byVisits.scrub(claim);
    REQUIRE(result.has(Check::AuthClosing));
    CHECK(result.exportable());
    CHECK(byVisits.message(result.findings[0])
          == u"The authorization has 5 visits or units left and ends on 2026-03-22: request the "
             u"next one before it runs out.");

    auto longer = withOverride(R"({"format": 1, "settings": {"auth_closing_days": 20}})");
    REQUIRE(longer);
    CHECK(ClaimScrubber(*longer, ClaimScrubber::lookupFor(builtInIndex()))
              .scrub(claim)
              .has(Check::AuthClosing));
}

TEST_CASE("scrubber settings: a bad file is refused with the entry named")
{
    struct Bad {
        const char *json;
        const char *mentions;
    };
    const Bad cases[] = {
        {R"({"format": 1, "checks": {"scrub.auth.expird": {"severity": "error"}}})", "expird"},
        {R"({"format": 1, "checks": {"scrub.auth.expired": {"severity": "fatal"}}})",
         "checks[scrub.auth.expired]"},
        {R"({"format": 1, "settings": {"max_diagnosis": 12}})", "max_diagnosis"},
        {R"({"format": 1, "settings": {"max_diagnoses": 0}})", "max_diagnoses"},
        {R"({"format": 1, "settings": {"auth_low_visits": -1}})", "auth_low_visits"},
        {R"({"format": 1, "settings": {"auth_closing_days": "two weeks"}})", "auth_closing_days"},
        {R"({"format": 1, "timely_filing": [{"id": "TF-X", "months": 12, "days": 90}]})",
         "timely_filing[TF-X]"},
        {R"({"format": 1, "timely_filing": [{"id": "TF-X", "when": {"from": "2026-13-01"}, "days": 9}]})",
         "YYYY-MM-DD"},
        {R"({"format": 1, "telehealth": [{"id": "TH-X", "pos": {"home": ["1"], "other": ["02"]}}]})",
         "telehealth[TH-X]"},
        {R"({"format": 1, "timed_codes": [{"id": "T-X", "cpt": "9083", "min": 16}]})", "T-X"},
        {R"({"format": 2})", "format"},
        {R"({"format": 1, "rules": []})", "rules"},
        {R"({"format": 1, "settings": [30]})", "settings must be an object"},
        {R"(not json)", "JSON"},
    };
    for (const Bad &bad : cases) {
        auto settings = withOverride(bad.json);
        INFO(bad.json);
        REQUIRE_FALSE(settings);
        INFO(settings.error().message.toStdString());
        CHECK(settings.error().message.contains(QLatin1String(bad.mentions)));
    }
    // Only a partial document: checks without a message are an error, not a silent default.
    auto partial = ScrubSettings::load({document("partial", R"({"format": 1})")});
    REQUIRE_FALSE(partial);
    CHECK(partial.error().message.contains(u"scrub.claim.no_lines"));
}

TEST_CASE("scrubber: claims built from the coding engine's decisions pass POS, modifier and "
          "time checks")
{
    using namespace sb::coding;
    const CodingEngine engine(RuleSet::builtin().value());
    const ClaimScrubber scrubber(ScrubSettings::builtin().value(),
                                 ClaimScrubber::lookupFor(builtInIndex()));
    struct Service {
        ServiceKind kind;
        int minutes;
        ProviderCredential provider;
    };
    const Service services[] = {
        {ServiceKind::IndividualPsychotherapy, 45, ProviderCredential::ClinicalSocialWorker},
        {ServiceKind::IndividualPsychotherapy, 60, ProviderCredential::Psychologist},
        {ServiceKind::Crisis, 140, ProviderCredential::Psychologist},
        {ServiceKind::FamilyWithPatient, 50, ProviderCredential::MarriageFamilyTherapist},
        {ServiceKind::PsychotherapyWithEm, 40, ProviderCredential::Psychiatrist},
        {ServiceKind::DiagnosticEval, 0, ProviderCredential::ProfessionalCounselor},
    };
    const char *const profiles[] = {"", "uhc_commercial", "pos11_modifier95", "pos02_modifier95"};
    const QDate dates[] = {QDate(2021, 6, 1), QDate(2023, 6, 1), QDate(2026, 3, 2)};
    const Check checked[] = {Check::PosMissing,
                             Check::PosTelehealthInPerson,
                             Check::PosTelehealthMismatch,
                             Check::ModTelehealthInPerson,
                             Check::ModVideoMissing,
                             Check::ModAudioMissing,
                             Check::ModAudioOnVideo,
                             Check::ModNotAccepted,
                             Check::LineTooManyModifiers,
                             Check::TimeMissing,
                             Check::TimeUnder,
                             Check::TimeLongerCode,
                             Check::TimeUnitsOver};
    int compared = 0;
    for (PayerKind payer : {PayerKind::Medicare, PayerKind::Medicaid, PayerKind::Commercial}) {
        for (const char *profile : profiles) {
            if (payer != PayerKind::Commercial && profile[0] != 0) {
                continue;
            }
            for (const QDate &dos : dates) {
                for (Modality modality :
                     {Modality::InPerson, Modality::Video, Modality::AudioOnly}) {
                    for (PatientLocation location :
                         {PatientLocation::Office, PatientLocation::Home, PatientLocation::Other}) {
                        for (const Service &service : services) {
                            SessionFacts facts;
                            facts.service = service.kind;
                            facts.minutes = service.minutes;
                            facts.provider = service.provider;
                            facts.modality = modality;
                            facts.patientLocation = location;
                            facts.payer = payer;
                            facts.payerProfile = QLatin1String(profile);
                            facts.dateOfService = dos;
                            if (payer == PayerKind::Medicaid) {
                                facts.state = StateCode::literal("WI");
                            }
                            if (service.kind == ServiceKind::PsychotherapyWithEm) {
                                facts.emCode = ProcedureCode::literal("99214");
                            }
                            const CodingDecision decision = engine.code(facts);
                            if (!decision.billable) {
                                continue;
                            }
                            Claim claim = claimFor(payer, dos, dos.addDays(5));
                            claim.payerProfile = facts.payerProfile;
                            claim.state = facts.state;
                            claim.modality = modality;
                            claim.patientLocation = location;
                            claim.pos = decision.pos;
                            claim.lines.clear();
                            for (const CodedLine &coded : decision.lines) {
                                ClaimLine line;
                                line.cpt = coded.code;
                                line.units = coded.units;
                                for (const Modifier &m : coded.modifiers) {
                                    line.modifiers.push_back(m);
                                }
                                line.pointers.push_back(1);
                                line.minutes = service.minutes;
                                claim.lines.append(line);
                            }
                            const ScrubResult result = scrubber.scrub(claim);
                            for (const Finding &f : result.findings) {
                                const bool mine =
                                    std::find(std::begin(checked), std::end(checked), f.check)
                                    != std::end(checked);
                                INFO(toName(payer).toStdString()
                                     << " '" << profile << "' "
                                     << dos.toString(Qt::ISODate).toStdString() << ' '
                                     << toName(modality).toStdString() << ' '
                                     << toName(location).toStdString() << ' '
                                     << toName(service.kind).toStdString() << ": "
                                     << QString(checkId(f.check)).toStdString() << ' '
                                     << scrubber.message(f).toStdString());
                                CHECK_FALSE(mine);
                            }
                            ++compared;
                        }
                    }
                }
            }
        }
    }
    CHECK(compared > 300);
}
