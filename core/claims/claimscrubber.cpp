// SPDX-License-Identifier: Apache-2.0
#include "claims/claimscrubber.h"

#include "codesets/codeformats.h"
#include "codesets/icd10index.h"

#include <algorithm>

namespace sb::claims {

namespace {

/// Collects findings into a result, skipping checks the data switched off.
class Report {
public:
    Report(const ScrubSettings &settings, ScrubResult &result)
        : m_settings(settings)
        , m_result(result)
    {
    }

    void add(Check check, int line = 0, const QString &code = {}, const QDate &date = {},
             int count = 0, int limit = 0)
    {
        const Severity severity = m_settings.text(check).severity;
        if (severity == Severity::Off) {
            return;
        }
        m_result.findings.append(Finding{check, severity, line, code, date, count, limit});
        if (severity == Severity::Error) {
            ++m_result.errors;
        } else {
            ++m_result.warnings;
        }
    }

private:
    const ScrubSettings &m_settings;
    ScrubResult &m_result;
};

bool sameProcedure(QStringView text, ProcedureCode code)
{
    if (text.size() != 5) {
        return false;
    }
    for (qsizetype i = 0; i < 5; ++i) {
        if (text[i].toUpper() != QLatin1Char(code.at(std::size_t(i)))) {
            return false;
        }
    }
    return true;
}

/// The same ICD-10-CM code, ignoring case and the dot.
bool sameDiagnosis(QStringView a, QStringView b)
{
    qsizetype i = 0;
    qsizetype j = 0;
    for (;;) {
        while (i < a.size() && a[i] == u'.') {
            ++i;
        }
        while (j < b.size() && b[j] == u'.') {
            ++j;
        }
        if (i == a.size() || j == b.size()) {
            return i == a.size() && j == b.size();
        }
        if (a[i].toUpper() != b[j].toUpper()) {
            return false;
        }
        ++i;
        ++j;
    }
}

/// An NPI as it may be shown: digits only, else a placeholder (never echo free text).
QString shownNpi(const QString &npi)
{
    const bool digits = npi.size() <= 15 && std::all_of(npi.begin(), npi.end(), [](QChar c) {
                            return c >= u'0' && c <= u'9';
                        });
    return digits ? npi : QStringLiteral("(not a number)");
}

QString statusWords(CredentialingStatus status)
{
    switch (status) {
    case CredentialingStatus::Pending:
        return QStringLiteral("pending");
    case CredentialingStatus::OutOfNetwork:
        return QStringLiteral("out of network");
    case CredentialingStatus::Terminated:
        return QStringLiteral("terminated");
    case CredentialingStatus::InNetwork:
        break;
    }
    return QStringLiteral("in network");
}

void checkNpis(const Claim &claim, Report &report)
{
    if (claim.billingNpi.isEmpty()) {
        report.add(Check::NpiBillingMissing);
    } else if (!isValidNpi(claim.billingNpi)) {
        report.add(Check::NpiBillingInvalid, 0, shownNpi(claim.billingNpi));
    }
    if (claim.renderingNpi.isEmpty()) {
        report.add(Check::NpiRenderingMissing);
    } else if (!isValidNpi(claim.renderingNpi)) {
        report.add(Check::NpiRenderingInvalid, 0, shownNpi(claim.renderingNpi));
    }
}

/// What the payer checks read, from a claim or from a visit's payer facts: one set of checks
/// serves the biller's scrub and the clinician's warnings.
struct PayerView {
    const QDate &dateOfService;
    const QDate &scrubDate;
    bool authorizationRequired;
    const std::optional<Authorization> &authorization;
    const std::optional<EligibilitySnapshot> &eligibility;
    const QList<CredentialingRecord> &credentialing;
    const QList<ClaimLine> *lines; ///< Null: not coded yet, so one visit or unit is needed.

    static PayerView of(const Claim &c)
    {
        return {c.dateOfService, c.scrubDate,   c.authorizationRequired,
                c.authorization, c.eligibility, c.credentialing,
                &c.lines};
    }
    static PayerView of(const PayerFacts &f)
    {
        return {f.dateOfService, f.scrubDate,   f.authorizationRequired,
                f.authorization, f.eligibility, f.credentialing,
                nullptr};
    }
};

void checkEligibility(const PayerView &claim, const ScrubSettings &settings, Report &report)
{
    if (!claim.eligibility || !claim.eligibility->checkedAt.isValid()) {
        report.add(Check::EligNotVerified);
        return;
    }
    const EligibilitySnapshot &e = *claim.eligibility;
    const QDate &dos = claim.dateOfService;
    if (!e.active || (e.planBegin.isValid() && dos < e.planBegin)
        || (e.planEnd.isValid() && dos > e.planEnd)) {
        report.add(Check::EligInactive);
    }
    if (e.behavioralHealthCarvedOut) {
        report.add(Check::EligCarvedOut, 0,
                   e.carveOutPayerName.isEmpty() ? QStringLiteral("another payer")
                                                 : e.carveOutPayerName);
    }
    const QDate checked = e.checkedAt.toUTC().date();
    if (checked.daysTo(dos) > settings.eligibilityStaleDays) {
        report.add(Check::EligStale, 0, {}, checked, 0, settings.eligibilityStaleDays);
    }
}

void checkAuthorization(const PayerView &claim, const ScrubSettings &settings, Report &report)
{
    if (!claim.authorization) {
        if (claim.authorizationRequired) {
            report.add(Check::AuthMissing);
        }
        return;
    }
    const Authorization &a = *claim.authorization;
    const QDate &dos = claim.dateOfService;
    bool coversDate = true;
    if (a.startDate.isValid() && dos < a.startDate) {
        report.add(Check::AuthNotStarted, 0, {}, a.startDate);
        coversDate = false;
    } else if (a.endDate.isValid() && dos > a.endDate) {
        report.add(Check::AuthExpired, 0, {}, a.endDate);
        coversDate = false;
    }
    int needed = 1;
    if (claim.lines != nullptr) {
        needed = a.unit == AuthorizationUnit::Visits ? 1 : 0;
        for (qsizetype i = 0; i < claim.lines->size(); ++i) {
            const ClaimLine &line = (*claim.lines)[i];
            const bool covered =
                a.serviceCodes.isEmpty()
                || std::any_of(a.serviceCodes.begin(), a.serviceCodes.end(),
                               [&](const QString &code) { return sameProcedure(code, line.cpt); });
            if (!covered) {
                report.add(Check::AuthServiceNotCovered, int(i + 1), line.cpt.toString());
            } else if (a.unit == AuthorizationUnit::Units) {
                needed += std::max(line.units, 0);
            }
        }
    }
    if (a.remaining() < needed) {
        report.add(Check::AuthExhausted, 0, {}, {}, std::max(a.remaining(), 0), needed);
    } else if (coversDate
               && (a.remaining() <= settings.authLowVisits
                   || (a.endDate.isValid() && dos.daysTo(a.endDate) <= settings.authClosingDays))) {
        report.add(Check::AuthClosing, 0, {}, a.endDate, a.remaining(), settings.authLowVisits);
    }
}

void checkCredentialing(const PayerView &claim, const ScrubSettings &settings, Report &report)
{
    if (claim.credentialing.isEmpty()) {
        report.add(Check::CredMissing);
        return;
    }
    const QDate &dos = claim.dateOfService;
    const CredentialingRecord *covering = nullptr;
    QDate nextStart;
    QDate lastEnd;
    for (const CredentialingRecord &record : claim.credentialing) {
        const bool started = record.effectiveDate.isValid() && record.effectiveDate <= dos;
        const bool ended = record.endDate.isValid() && record.endDate < dos;
        if (started && !ended) {
            if (!covering
                || (covering->status != CredentialingStatus::InNetwork
                    && record.status == CredentialingStatus::InNetwork)) {
                covering = &record;
            }
        } else if (ended) {
            lastEnd = std::max(lastEnd, record.endDate);
        } else if (record.effectiveDate.isValid()
                   && (!nextStart.isValid() || record.effectiveDate < nextStart)) {
            nextStart = record.effectiveDate;
        }
    }
    if (!covering) {
        if (nextStart.isValid()) {
            report.add(Check::CredNotYetEffective, 0, {}, nextStart);
        } else if (lastEnd.isValid()) {
            report.add(Check::CredEnded, 0, {}, lastEnd);
        } else {
            report.add(Check::CredNotInNetwork, 0, statusWords(CredentialingStatus::Pending));
        }
        return;
    }
    if (covering->status != CredentialingStatus::InNetwork) {
        report.add(Check::CredNotInNetwork, 0, statusWords(covering->status));
    }
    if (covering->licenseExpiresOn.isValid() && covering->licenseExpiresOn < dos) {
        report.add(Check::CredLicenseExpired, 0, {}, covering->licenseExpiresOn);
    }
    if (covering->caqhAttestedOn.isValid() && claim.scrubDate.isValid()
        && covering->caqhAttestedOn.daysTo(claim.scrubDate) > settings.caqhReattestDays) {
        report.add(Check::CredCaqhOverdue, 0, {}, covering->caqhAttestedOn, 0,
                   settings.caqhReattestDays);
    }
}

int nearestYear(const QList<int> &years, int fiscalYear)
{
    for (int year : years) {
        if (year >= fiscalYear) {
            return year;
        }
    }
    return years.isEmpty() ? 0 : years.back();
}

void checkDiagnoses(const Claim &claim, const ScrubSettings &settings,
                    const DiagnosisLookup &lookup, Report &report)
{
    const QList<QString> &dx = claim.diagnoses;
    if (dx.isEmpty()) {
        report.add(Check::DxMissing);
        return;
    }
    if (dx.size() > settings.maxDiagnoses) {
        report.add(Check::DxTooMany, 0, {}, {}, int(dx.size()), settings.maxDiagnoses);
    }
    for (qsizetype i = 0; i < dx.size(); ++i) {
        bool repeated = false;
        for (qsizetype j = 0; j < i && !repeated; ++j) {
            repeated = sameDiagnosis(dx[i], dx[j]);
        }
        if (repeated) {
            report.add(Check::DxDuplicate, 0, icd10WithDot(dx[i].toUpper().remove(u'.')));
            continue;
        }
        const Icd10Check checked = lookup(dx[i], claim.dateOfService);
        if (checked) {
            continue;
        }
        const Icd10Refusal &refusal = checked.error();
        using Kind = Icd10Refusal::Kind;
        const QString code = icd10WithDot(refusal.code);
        const int year = refusal.fiscalYear;
        // The format check lets a letter through in character 2 (FY2026 added QA0); a refused
        // code shaped that way is more likely a word or a name than a code, so it is never
        // echoed.
        const bool echoable = refusal.code.size() >= 3 && refusal.code[1].isDigit();
        switch (echoable ? refusal.kind : Kind::InvalidFormat) {
        case Kind::InvalidFormat:
            report.add(Check::DxInvalidFormat, 0, {}, {}, int(i + 1));
            break;
        case Kind::UnknownCode:
            report.add(Check::DxUnknown, 0, code, claim.dateOfService, year);
            break;
        case Kind::HeaderNotBillable:
            report.add(Check::DxNotBillable, 0, code, claim.dateOfService, year);
            break;
        case Kind::NotValidOnDate:
            report.add(Check::DxNotValidOnDate, 0, code, claim.dateOfService, year,
                       nearestYear(refusal.validInFiscalYears, year));
            break;
        case Kind::NoReleaseForDate:
            report.add(Check::DxNoRelease, 0, code, claim.dateOfService, year);
            break;
        }
    }
}

void checkLines(const Claim &claim, const ScrubSettings &settings, Report &report)
{
    const int diagnoses = int(std::min<qsizetype>(claim.diagnoses.size(), settings.maxDiagnoses));
    for (qsizetype i = 0; i < claim.lines.size(); ++i) {
        const ClaimLine &line = claim.lines[i];
        const int number = int(i + 1);
        if (line.units < 1) {
            report.add(Check::LineUnitsInvalid, number, line.cpt.toString(), {}, line.units);
        }
        if (line.pointers.empty()) {
            report.add(Check::LinePointerMissing, number, line.cpt.toString());
        } else if (int(line.pointers.size()) > settings.maxPointersPerLine) {
            report.add(Check::LineTooManyPointers, number, line.cpt.toString(), {},
                       int(line.pointers.size()), settings.maxPointersPerLine);
        }
        for (std::uint8_t pointer : line.pointers) {
            if (pointer < 1 || pointer > diagnoses) {
                report.add(Check::LinePointerInvalid, number, line.cpt.toString(), {}, pointer);
                break;
            }
        }
        if (int(line.modifiers.size()) > settings.maxModifiersPerLine) {
            report.add(Check::LineTooManyModifiers, number, line.cpt.toString(), {},
                       int(line.modifiers.size()), settings.maxModifiersPerLine);
        }
        const TimedCode *timed = settings.timedCode(line.cpt);
        if (!timed) {
            continue;
        }
        if (line.minutes < 0) {
            report.add(Check::TimeMissing, number, line.cpt.toString());
        } else if (line.minutes < timed->minMinutes) {
            report.add(Check::TimeUnder, number, line.cpt.toString(), {}, line.minutes,
                       timed->minMinutes);
        } else if (timed->unitStep > 0) {
            const int supported = (line.minutes - timed->minMinutes) / timed->unitStep + 1;
            if (line.units > supported) {
                report.add(Check::TimeUnitsOver, number, line.cpt.toString(), {}, line.units,
                           supported);
            }
        } else if (timed->maxMinutes >= 0 && line.minutes > timed->maxMinutes) {
            report.add(Check::TimeLongerCode, number, line.cpt.toString(), {}, line.minutes,
                       timed->maxMinutes);
        }
    }
}

void checkPlaceAndModifiers(const Claim &claim, const ScrubSettings &settings, Report &report)
{
    if (claim.pos.isNull()) {
        report.add(Check::PosMissing);
    }
    if (claim.modality == Modality::InPerson) {
        if (!claim.pos.isNull() && settings.telehealthPos.contains(claim.pos)) {
            report.add(Check::PosTelehealthInPerson, 0, claim.pos.toString());
        }
        for (qsizetype i = 0; i < claim.lines.size(); ++i) {
            for (const Modifier &modifier : claim.lines[i].modifiers) {
                if (settings.telehealthModifiers.contains(modifier)) {
                    report.add(Check::ModTelehealthInPerson, int(i + 1), modifier.toString());
                }
            }
        }
        return;
    }
    const TelehealthRule *rule = settings.telehealth(claim);
    if (!rule) {
        return;
    }
    const bool home = claim.patientLocation == PatientLocation::Home;
    const auto &allowed = home ? rule->posHome : rule->posOther;
    if (!claim.pos.isNull() && !allowed.contains(claim.pos)) {
        report.add(Check::PosTelehealthMismatch, 0, allowed[0].toString());
    }
    const bool video = claim.modality == Modality::Video;
    const auto &required = video ? rule->videoModifiers : rule->audioModifiers;
    for (qsizetype i = 0; i < claim.lines.size(); ++i) {
        const ClaimLine &line = claim.lines[i];
        const int number = int(i + 1);
        const bool hasRequired = required.empty()
                                 || std::any_of(line.modifiers.begin(), line.modifiers.end(),
                                                [&](Modifier m) { return required.contains(m); });
        if (!hasRequired) {
            report.add(video ? Check::ModVideoMissing : Check::ModAudioMissing, number,
                       required[0].toString());
        }
        for (const Modifier &modifier : line.modifiers) {
            if (video && settings.audioOnlyModifiers.contains(modifier)) {
                report.add(Check::ModAudioOnVideo, number, modifier.toString());
            } else if (settings.telehealthModifiers.contains(modifier) && !rule->accepted.empty()
                       && !rule->accepted.contains(modifier)) {
                report.add(Check::ModNotAccepted, number, modifier.toString());
            }
        }
    }
}

void checkTimelyFiling(const Claim &claim, const ScrubSettings &settings, Report &report)
{
    const TimelyFilingRule *rule = settings.timelyFiling(claim);
    if (!rule || !claim.scrubDate.isValid()) {
        return;
    }
    const QDate deadline = rule->deadline(claim.dateOfService);
    const qint64 left = claim.scrubDate.daysTo(deadline);
    if (left < 0) {
        report.add(Check::FilingPassed, 0, {}, deadline, int(-left));
    } else if (left <= rule->closingDays) {
        report.add(Check::FilingClosing, 0, {}, deadline, int(left));
    }
}

} // namespace

bool ScrubResult::has(Check check) const
{
    return std::any_of(findings.begin(), findings.end(),
                       [check](const Finding &f) { return f.check == check; });
}

ClaimScrubber::ClaimScrubber(std::shared_ptr<const ScrubSettings> settings,
                             DiagnosisLookup diagnoses)
    : m_settings(std::move(settings))
    , m_diagnoses(std::move(diagnoses))
{
}

DiagnosisLookup ClaimScrubber::lookupFor(const Icd10Index &index)
{
    return [&index](QStringView code, const QDate &dateOfService) {
        return index.check(code, dateOfService);
    };
}

ScrubResult ClaimScrubber::scrub(const Claim &claim) const
{
    ScrubResult result;
    scrub(claim, result);
    return result;
}

void ClaimScrubber::scrub(const Claim &claim, ScrubResult &result) const
{
    result.clear();
    const ScrubSettings &settings = *m_settings;
    Report report(settings, result);
    if (claim.lines.isEmpty()) {
        report.add(Check::ClaimNoLines);
    }
    checkNpis(claim, report);
    if (!claim.noteSigned) {
        report.add(Check::NoteUnsigned);
    }
    if (!claim.dateOfService.isValid()) {
        // Everything below depends on the date of service.
        report.add(Check::DosMissing);
        return;
    }
    if (claim.scrubDate.isValid() && claim.dateOfService > claim.scrubDate) {
        report.add(Check::DosFuture, 0, {}, claim.dateOfService);
    }
    if (claim.frequencyCode == 1 && !claim.patientRef.isEmpty() && !claim.existingClaims.isEmpty()
        && claim.existingClaims.contains(claim.key())) {
        report.add(Check::Duplicate, 0, {}, claim.dateOfService);
    }
    const PayerView payer = PayerView::of(claim);
    checkAuthorization(payer, settings, report);
    checkEligibility(payer, settings, report);
    checkCredentialing(payer, settings, report);
    checkDiagnoses(claim, settings, m_diagnoses, report);
    checkLines(claim, settings, report);
    checkPlaceAndModifiers(claim, settings, report);
    checkTimelyFiling(claim, settings, report);
}

void ClaimScrubber::scrubPayerFacts(const PayerFacts &facts, ScrubResult &result) const
{
    result.clear();
    const ScrubSettings &settings = *m_settings;
    Report report(settings, result);
    if (!facts.dateOfService.isValid()) {
        report.add(Check::DosMissing);
        return;
    }
    const PayerView payer = PayerView::of(facts);
    checkAuthorization(payer, settings, report);
    checkEligibility(payer, settings, report);
    checkCredentialing(payer, settings, report);
}

QString ClaimScrubber::message(const Finding &finding) const
{
    QString text = m_settings->text(finding.check).message;
    text.replace(QLatin1String("{line}"), QString::number(finding.line));
    text.replace(QLatin1String("{code}"), finding.code);
    text.replace(QLatin1String("{date}"), finding.date.toString(Qt::ISODate));
    text.replace(QLatin1String("{count}"), QString::number(finding.count));
    text.replace(QLatin1String("{limit}"), QString::number(finding.limit));
    return text;
}

} // namespace sb::claims
