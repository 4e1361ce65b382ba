// SPDX-License-Identifier: Apache-2.0
// bench-coding: how many sessions the coding engine codes, and codes + scrubs, per second on
// one thread.
//
// 100,000 varied sessions (every service kind, minutes 0-200, all modalities, payers,
// provider types, dates 2021-2028, Medicaid states, payer profiles, same-day codes and
// requested modifiers) are generated from a fixed seed, coded once to warm up, then coded in
// several timed rounds. The baseline, in the same process and over the same sessions, writes
// the very same decisions into the output struct with no rule logic (a copy of a decision
// computed beforehand): the cost of producing the output at all. Figures are medians over the
// rounds. The budget is 100,000 sessions/s for code + scrub; the engine gets a part of it.
//
// Code + scrub: each session also has a claim template (NPIs, one to three diagnoses, some
// invalid or outside the built-in list, authorization, eligibility, credentialing, a scrub
// date up to 400 days after the date of service); the timed loop codes the session, puts the
// decision's lines and place of service on the claim and scrubs it against the built-in
// ICD-10-CM list, reusing one result. Its own baseline copies the precomputed decision and
// scrub result instead.

#include "claims/claimscrubber.h"
#include "codesets/icd10index.h"
#include "coding/codingengine.h"
#include "coding/ruleset.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

using namespace sb;
using namespace sb::coding;
using sb::claims::Claim;
using sb::claims::ClaimLine;
using sb::claims::ClaimScrubber;
using sb::claims::ScrubResult;
using sb::claims::ScrubSettings;

namespace {

std::vector<SessionFacts> makeSessions(std::size_t count)
{
    std::mt19937 random(20260302);
    auto pick = [&random](int n) {
        return int(random() % std::uint32_t(n));
    };
    const ProcedureCode sameDay[] = {
        ProcedureCode::literal("99213"), ProcedureCode::literal("90846"),
        ProcedureCode::literal("90834"), ProcedureCode::literal("90853"),
        ProcedureCode::literal("90839")};
    const Modifier requested[] = {Modifier::literal("95"), Modifier::literal("93"),
                                  Modifier::literal("GT"), Modifier::literal("59"),
                                  Modifier::literal("XU"), Modifier::literal("GA")};
    const char *const profiles[] = {"", "", "", "uhc_commercial", "pos11_modifier95"};
    std::vector<QString> profileNames;
    for (const char *profile : profiles) {
        profileNames.push_back(QString::fromLatin1(profile));
    }
    std::vector<SessionFacts> sessions(count);
    for (auto &f : sessions) {
        f.service = static_cast<ServiceKind>(pick(14));
        f.minutes = pick(201);
        f.modality = static_cast<Modality>(pick(3));
        f.patientLocation = static_cast<PatientLocation>(pick(3));
        f.payer = static_cast<PayerKind>(pick(3));
        f.provider = static_cast<ProviderCredential>(pick(7));
        f.interactiveComplexity = pick(4) == 0;
        if (f.service == ServiceKind::PsychotherapyWithEm || pick(8) == 0) {
            f.emCode = ProcedureCode::literal("99214");
        }
        if (f.service == ServiceKind::EmOfficeNew || f.service == ServiceKind::EmOfficeEstablished
            || pick(4) == 0) {
            f.totalEmMinutes = pick(120);
        }
        f.administeredBy = static_cast<AdministeredBy>(pick(3));
        f.dateOfService = QDate(2021, 1, 1).addDays(pick(8 * 365));
        if (f.payer == PayerKind::Medicaid) {
            f.state = pick(2) == 0 ? StateCode::literal("WI") : StateCode::literal("MN");
        }
        if (f.payer == PayerKind::Commercial) {
            f.payerProfile = profileNames[std::size_t(pick(5))];
        }
        f.billingEntity = static_cast<BillingEntity>(pick(5) == 0 ? pick(5) : 0);
        if (pick(3) == 0) {
            f.requestedModifiers.push_back(requested[pick(6)]);
        }
        if (pick(4) == 0) {
            f.sameDateCodes.push_back(sameDay[pick(5)]);
        }
        if (f.service == ServiceKind::HealthBehaviorIndividual) {
            f.primaryDiagnosis = pick(3) == 0 ? QStringLiteral("F411") : QStringLiteral("E119");
        }
    }
    return sessions;
}

/// The claim facts that do not come from coding, varied like the sessions.
std::vector<Claim> makeClaims(const std::vector<SessionFacts> &sessions)
{
    std::mt19937 random(20260303);
    auto pick = [&random](int n) {
        return int(random() % std::uint32_t(n));
    };
    const QString diagnoses[] = {QStringLiteral("F411"),  QStringLiteral("F331"),
                                 QStringLiteral("F4310"), QStringLiteral("F902"),
                                 QStringLiteral("F32.1"), QStringLiteral("Z634"),
                                 QStringLiteral("E119"),  QStringLiteral("F431")};
    const QString npis[] = {QStringLiteral("1234567893"), QStringLiteral("1558598797"),
                            QStringLiteral("1558598798")};
    std::vector<Claim> claims(sessions.size());
    for (std::size_t i = 0; i < sessions.size(); ++i) {
        const SessionFacts &f = sessions[i];
        Claim &c = claims[i];
        c.patientRef = QStringLiteral("patient-%1").arg(i);
        c.payerRef = QStringLiteral("payer-%1").arg(int(f.payer));
        c.payerKind = f.payer;
        c.payerProfile = f.payerProfile;
        c.state = f.state;
        c.billingNpi = npis[0];
        c.renderingNpi = npis[pick(20) == 0 ? 2 : 1];
        c.dateOfService = f.dateOfService;
        c.scrubDate = f.dateOfService.addDays(pick(400));
        c.modality = f.modality;
        c.patientLocation = f.patientLocation;
        const int dxCount = 1 + pick(3);
        for (int d = 0; d < dxCount; ++d) {
            c.diagnoses.append(diagnoses[pick(d == 0 ? 5 : 8)]);
        }
        c.authorizationRequired = pick(3) == 0;
        if (c.authorizationRequired && pick(5) != 0) {
            Authorization a;
            a.startDate = f.dateOfService.addDays(-pick(200));
            a.endDate = a.startDate.addDays(180);
            a.authorized = 20;
            a.used = pick(22);
            c.authorization = a;
        }
        if (pick(10) != 0) {
            EligibilitySnapshot e;
            e.checkedAt = QDateTime(f.dateOfService.addDays(-pick(60)), QTime(9, 0), Qt::UTC);
            e.active = pick(30) != 0;
            e.behavioralHealthCarvedOut = pick(40) == 0;
            c.eligibility = e;
        }
        CredentialingRecord r;
        r.status = pick(15) == 0 ? CredentialingStatus::Pending : CredentialingStatus::InNetwork;
        r.effectiveDate = QDate(2021, 1, 1).addDays(pick(400));
        r.caqhAttestedOn = c.scrubDate.addDays(-pick(150));
        r.licenseExpiresOn = QDate(2027, 6, 30);
        c.credentialing.append(r);
        c.noteSigned = pick(25) != 0;
        c.lines.reserve(6);
    }
    return claims;
}

/// Puts a coding decision on the claim, as the claim builder would.
void fillClaim(const SessionFacts &facts, const CodingDecision &decision, Claim &claim)
{
    claim.lines.clear();
    claim.pos = decision.pos;
    const std::uint8_t pointers = std::uint8_t(std::min<qsizetype>(claim.diagnoses.size(), 4));
    for (const CodedLine &coded : decision.lines) {
        ClaimLine line;
        line.cpt = coded.code;
        line.units = coded.units;
        for (const Modifier &m : coded.modifiers) {
            line.modifiers.push_back(m);
        }
        for (std::uint8_t p = 1; p <= pointers; ++p) {
            line.pointers.push_back(p);
        }
        line.minutes = facts.minutes;
        claim.lines.append(line);
    }
}

std::uint64_t fold(const ScrubResult &r)
{
    std::uint64_t sum = std::uint64_t(r.errors) * 131 + std::uint64_t(r.warnings);
    for (const auto &f : r.findings) {
        sum = sum * 7 + std::uint64_t(f.check);
    }
    return sum;
}

/// Folds a decision into a number, so that no work can be optimized away.
std::uint64_t fold(const CodingDecision &d)
{
    std::uint64_t sum = d.billable ? 1 : 0;
    for (const auto &line : d.lines) {
        sum = sum * 31 + std::uint64_t(line.code.at(4)) + line.units + line.modifiers.size();
    }
    return sum + d.refused.size() * 7 + d.warnings.size() * 3 + std::uint64_t(d.pos.at(1));
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Coding engine and code + scrub throughput on one thread."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("sessions"), QStringLiteral("Sessions per round."),
                      QStringLiteral("n"), QStringLiteral("100000")});
    parser.addOption({QStringLiteral("rounds"), QStringLiteral("Timed rounds."),
                      QStringLiteral("n"), QStringLiteral("7")});
    parser.process(app);
    const std::size_t count = std::max(1, parser.value(QStringLiteral("sessions")).toInt());
    const int rounds = std::max(1, parser.value(QStringLiteral("rounds")).toInt());
    QTextStream out(stdout);

    const auto loadStart = std::chrono::steady_clock::now();
    auto rules = RuleSet::builtin(qEnvironmentVariable("SESSIONBOOK_RULES"));
    if (!rules) {
        QTextStream(stderr) << "error: rules: " << rules.error().message << '\n';
        return 2;
    }
    const double loadMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - loadStart)
            .count();
    const CodingEngine engine(*rules);
    const std::vector<SessionFacts> sessions = makeSessions(count);
    auto scrubSettings = ScrubSettings::builtin(qEnvironmentVariable("SESSIONBOOK_SCRUB_SETTINGS"));
    if (!scrubSettings) {
        QTextStream(stderr) << "error: scrubber settings: " << scrubSettings.error().message
                            << '\n';
        return 2;
    }
    const Icd10Index icd10 = Icd10Index::builtIn();
    const ClaimScrubber scrubber(*scrubSettings, ClaimScrubber::lookupFor(icd10));
    std::vector<Claim> claims = makeClaims(sessions);

    std::vector<CodingDecision> expected(count);
    std::vector<ScrubResult> expectedScrub(count);
    std::size_t billable = 0;
    std::size_t lines = 0;
    std::size_t exportable = 0;
    std::size_t findings = 0;
    for (std::size_t i = 0; i < count; ++i) {
        engine.code(sessions[i], expected[i]);
        billable += expected[i].billable ? 1 : 0;
        lines += expected[i].lines.size();
        fillClaim(sessions[i], expected[i], claims[i]);
        scrubber.scrub(claims[i], expectedScrub[i]);
        exportable += expectedScrub[i].exportable() ? 1 : 0;
        findings += std::size_t(expectedScrub[i].findings.size());
    }

    using Clock = std::chrono::steady_clock;
    std::vector<double> engineRates;
    std::vector<double> baselineRates;
    std::vector<double> scrubRates;
    std::vector<double> scrubBaselineRates;
    std::uint64_t sink = 0;
    CodingDecision decision;
    ScrubResult scrubResult;
    for (int round = 0; round < rounds; ++round) {
        const auto engineStart = Clock::now();
        for (const auto &facts : sessions) {
            engine.code(facts, decision);
            sink += fold(decision);
        }
        const double engineSeconds =
            std::chrono::duration<double>(Clock::now() - engineStart).count();

        const auto baselineStart = Clock::now();
        for (std::size_t i = 0; i < count; ++i) {
            decision.reset();
            decision = expected[i];
            sink += fold(decision);
        }
        const double baselineSeconds =
            std::chrono::duration<double>(Clock::now() - baselineStart).count();
        engineRates.push_back(double(count) / engineSeconds);
        baselineRates.push_back(double(count) / baselineSeconds);

        const auto scrubStart = Clock::now();
        for (std::size_t i = 0; i < count; ++i) {
            engine.code(sessions[i], decision);
            fillClaim(sessions[i], decision, claims[i]);
            scrubber.scrub(claims[i], scrubResult);
            sink += fold(decision) + fold(scrubResult);
        }
        const double scrubSeconds =
            std::chrono::duration<double>(Clock::now() - scrubStart).count();

        const auto scrubBaselineStart = Clock::now();
        for (std::size_t i = 0; i < count; ++i) {
            decision.reset();
            decision = expected[i];
            fillClaim(sessions[i], decision, claims[i]);
            scrubResult.clear();
            scrubResult = expectedScrub[i];
            sink += fold(decision) + fold(scrubResult);
        }
        const double scrubBaselineSeconds =
            std::chrono::duration<double>(Clock::now() - scrubBaselineStart).count();
        scrubRates.push_back(double(count) / scrubSeconds);
        scrubBaselineRates.push_back(double(count) / scrubBaselineSeconds);
    }

    const double engineRate = median(engineRates);
    const double baselineRate = median(baselineRates);
    const double scrubRate = median(scrubRates);
    const double scrubBaselineRate = median(scrubBaselineRates);
    const auto [minRate, maxRate] = std::minmax_element(engineRates.begin(), engineRates.end());
    out << "bench-coding: " << count << " sessions x " << rounds << " rounds, one thread\n";
    out << "  rules                " << (*rules)->version() << " (loaded in "
        << QString::number(loadMs, 'f', 1) << " ms)\n";
    out << "  billable             " << billable << " sessions, " << lines << " lines\n";
    out << "  engine               " << QString::number(engineRate, 'f', 0)
        << " sessions/s (median; min " << QString::number(*minRate, 'f', 0) << ", max "
        << QString::number(*maxRate, 'f', 0) << "), " << QString::number(1e9 / engineRate, 'f', 0)
        << " ns/session\n";
    out << "  baseline (no logic)  " << QString::number(baselineRate, 'f', 0) << " sessions/s, "
        << QString::number(1e9 / baselineRate, 'f', 0) << " ns/session\n";
    out << "  engine / baseline    " << QString::number(baselineRate / engineRate, 'f', 1)
        << "x the time of only writing the output\n";
    out << "  scrub settings       " << (*scrubSettings)->version()
        << "; ICD-10-CM built-in list\n";
    out << "  scrubbed             " << count << " claims (" << billable
        << " with lines): " << exportable << " exportable, " << findings << " findings\n";
    out << "  code + scrub         " << QString::number(scrubRate, 'f', 0)
        << " sessions/s (median), " << QString::number(1e9 / scrubRate, 'f', 0)
        << " ns/session (scrub alone ~"
        << QString::number(1e9 / scrubRate - 1e9 / engineRate, 'f', 0) << " ns)\n";
    out << "  baseline (no logic)  " << QString::number(scrubBaselineRate, 'f', 0)
        << " sessions/s: copy the decision, fill the claim, copy the result\n";
    out << "  code+scrub/baseline  " << QString::number(scrubBaselineRate / scrubRate, 'f', 1)
        << "x the time of only producing the output\n";
    out << "  budget               100000 sessions/s for code + scrub: "
        << (scrubRate >= 100000 ? "within it" : "OVER IT") << " ("
        << QString::number(scrubRate / 100000, 'f', 1) << "x)\n";
    out << "  checksum             " << sink % 1000003 << '\n';
    return scrubRate >= 100000 ? 0 : 1;
}
