// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "claims/claim.h"
#include "claims/scrubsettings.h"
#include "codesets/icd10check.h"

#include <QDate>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace sb {
class Icd10Index;
}

namespace sb::claims {

/**
 * One problem found on a claim. Holds only what the message needs (a code, a date, two
 * numbers) so that scrubbing does not format text; ClaimScrubber::message() does that when
 * someone reads it.
 */
struct Finding {
    Check check = Check::ClaimNoLines;
    Severity severity = Severity::Error;
    int line = 0; ///< 1-based service line; 0 for the whole claim.
    QString code; ///< A CPT, ICD-10-CM, modifier, place of service, NPI or payer name.
    QDate date;
    int count = 0;
    int limit = 0;
};

/// The findings on one claim, in check order, and whether it may be exported.
struct ScrubResult {
    QList<Finding> findings;
    int errors = 0;
    int warnings = 0;
    [[nodiscard]] bool exportable() const { return errors == 0; }
    [[nodiscard]] bool has(Check check) const;
    /// Keeps the list's capacity, so a batch reuses one result without allocating.
    void clear()
    {
        findings.clear();
        errors = warnings = 0;
    }
};

/**
 * The payer facts of one visit before it is coded or billed: what the device knows when the
 * clinician looks at today's caseload or a session. The same authorization, eligibility and
 * credentialing checks run on it as on a claim (ClaimScrubber::scrubPayerFacts()), with the
 * same settings, so a threshold lives in one place.
 */
struct PayerFacts {
    QDate dateOfService;
    QDate scrubDate; ///< Today; the CAQH re-attestation age counts to it.
    /// The payer or plan requires prior authorization; the check then needs `authorization`.
    bool authorizationRequired = false;
    /// The authorization the visit would be billed under; `used` counts earlier visits. Not
    /// yet coded, the visit needs one visit (or one unit) of it.
    std::optional<Authorization> authorization;
    std::optional<EligibilitySnapshot> eligibility;
    /// The rendering provider's credentialing records with this payer (any dates).
    QList<CredentialingRecord> credentialing;
};

/**
 * Whether an ICD-10-CM code may be billed on a date of service: Icd10Index::check() over the
 * imported releases, or the built-in list. Injected so the scrubber stays a pure function.
 */
using DiagnosisLookup = std::function<Icd10Check(QStringView code, const QDate &dateOfService)>;

/**
 * The claim scrubber: a named list of checks run on a claim before export (authorization,
 * eligibility and carve-outs, credentialing, ICD-10-CM validity on the date, diagnoses and
 * pointers, time against the code, NPI check digits, place of service against modifiers,
 * duplicates, timely filing, the signature). Each finding names its check id, severity and a
 * plain message for the biller saying what to do; errors block export, warnings do not.
 *
 * A pure function of the claim, the settings and the diagnosis lookup: no store, no clock (the
 * claim carries its scrub date), no allocation beyond the findings and what the lookup does.
 * Const and lock-free, so one scrubber can serve many threads.
 */
class ClaimScrubber {
public:
    ClaimScrubber(std::shared_ptr<const ScrubSettings> settings, DiagnosisLookup diagnoses);
    /// A lookup over `index`, which must outlive the scrubber.
    static DiagnosisLookup lookupFor(const Icd10Index &index);

    [[nodiscard]] ScrubResult scrub(const Claim &claim) const;
    /// The same, reusing `result` (cleared first); for batches.
    void scrub(const Claim &claim, ScrubResult &result) const;

    /// Only the authorization, eligibility and credentialing checks, on facts without a claim:
    /// the same checks and settings scrub() uses (`result` is cleared first). Needs no
    /// diagnosis lookup.
    void scrubPayerFacts(const PayerFacts &facts, ScrubResult &result) const;

    /// The finding's message for billers, placeholders filled in.
    [[nodiscard]] QString message(const Finding &finding) const;

    [[nodiscard]] const ScrubSettings &settings() const { return *m_settings; }

private:
    std::shared_ptr<const ScrubSettings> m_settings;
    DiagnosisLookup m_diagnoses;
};

} // namespace sb::claims
