// SPDX-License-Identifier: Apache-2.0
#include "caseloadwarnings.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>

namespace sb::app {

namespace {

using claims::Check;
using claims::Finding;

/// The strings' translation context, declared so that lupdate files them under it too.
struct Text {
    Q_DECLARE_TR_FUNCTIONS(CaseloadWarnings)
};

QString shortDate(const QDate &date)
{
    return QLocale().toString(date, QLocale::ShortFormat);
}

/// A scrubber finding in the clinician's words, with where it goes in the list (authorization,
/// then eligibility, then network); empty for checks the device does not show.
struct Said {
    int rank = 0;
    QString text;
};

Said clinicianText(const Finding &finding, const claims::PayerFacts &facts,
                   const QString &payerName)
{
    switch (finding.check) {
    case Check::AuthExhausted:
        return {0, Text::tr("Authorization used up")};
    case Check::AuthMissing:
    case Check::AuthNotStarted:
    case Check::AuthExpired:
        return {0, Text::tr("No authorization covers today")};
    case Check::AuthClosing:
        return {1, Text::tr("Auth: %n visit(s) left, expires %1", nullptr, finding.count)
                       .arg(shortDate(finding.date))};
    case Check::EligNotVerified:
        return {2, Text::tr("Eligibility never checked")};
    case Check::EligInactive:
        return {2, Text::tr("Coverage inactive as of %1")
                       .arg(shortDate(facts.eligibility->checkedAt.date()))};
    case Check::EligStale:
        return {3, Text::tr("Eligibility as of %1").arg(shortDate(finding.date))};
    case Check::EligCarvedOut: {
        const QString &to = facts.eligibility->carveOutPayerName;
        return {4, to.isEmpty() ? Text::tr("Mental health carved out to another payer")
                                : Text::tr("Mental health carved out to %1").arg(to)};
    }
    case Check::CredMissing:
    case Check::CredNotYetEffective:
    case Check::CredEnded:
    case Check::CredNotInNetwork:
        return {5, Text::tr("You are not in network with %1 today").arg(payerName)};
    case Check::CredLicenseExpired:
        return {6, Text::tr("Your license on file expired %1").arg(shortDate(finding.date))};
    case Check::CredCaqhOverdue:
        return {7, Text::tr("CAQH attestation overdue (last %1)").arg(shortDate(finding.date))};
    default:
        return {};
    }
}

} // namespace

CaseloadWarnings caseloadWarnings(const claims::ClaimScrubber &payerChecks, const QDate &today,
                                  const QList<Coverage> &coverages,
                                  const QList<Authorization> &authorizations,
                                  const QList<CredentialingRecord> &credentialing,
                                  const QList<Payer> &payers)
{
    CaseloadWarnings out;
    const Coverage *primary = nullptr;
    for (const auto &coverage : coverages) {
        if (coverage.effective <= today
            && (coverage.termination.isNull() || coverage.termination >= today)
            && (primary == nullptr || coverage.priority < primary->priority)) {
            primary = &coverage;
        }
    }
    if (primary == nullptr) {
        out.messages.append(Text::tr("No active coverage (self-pay?)"));
        return out;
    }
    QString payerName;
    for (const auto &payer : payers) {
        if (payer.id == primary->payerId) {
            payerName = payer.name;
        }
    }

    // Today's visit as the scrubber sees it: an authorization on file with the primary payer
    // means the payer asks for one, and today needs one that covers it.
    claims::PayerFacts facts;
    facts.dateOfService = today;
    facts.scrubDate = today;
    for (const auto &auth : authorizations) {
        if (auth.payerId != primary->payerId) {
            continue;
        }
        facts.authorizationRequired = true;
        if (auth.startDate <= today && auth.endDate >= today) {
            facts.authorization = auth;
        }
    }
    facts.eligibility = primary->eligibility;
    for (const auto &record : credentialing) {
        if (record.payerId == primary->payerId) {
            facts.credentialing.append(record);
        }
    }

    claims::ScrubResult result;
    payerChecks.scrubPayerFacts(facts, result);
    QList<Said> said;
    for (const Finding &finding : result.findings) {
        Said one = clinicianText(finding, facts, payerName);
        // Inactive coverage says the check's date already; its age adds nothing.
        if (one.text.isEmpty()
            || (finding.check == Check::EligStale && result.has(Check::EligInactive))) {
            continue;
        }
        out.blocking = out.blocking || finding.severity == claims::Severity::Error;
        if (std::none_of(said.cbegin(), said.cend(),
                         [&](const Said &s) { return s.text == one.text; })) {
            said.append(std::move(one));
        }
    }
    std::stable_sort(said.begin(), said.end(),
                     [](const Said &a, const Said &b) { return a.rank < b.rank; });
    for (Said &one : said) {
        out.messages.append(std::move(one.text));
    }
    return out;
}

} // namespace sb::app
