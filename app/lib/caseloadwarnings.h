// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "claims/claimscrubber.h"
#include "domain/organization.h"
#include "domain/patient.h"

#include <QList>
#include <QStringList>

namespace sb::app {

/// What the clinician should know before seeing a patient today, as short sentences.
struct CaseloadWarnings {
    QStringList messages;
    bool blocking = false; ///< A visit today would likely be denied (no auth, out of network).
};

/**
 * Checks the facts that cause most behavioral-health denials, for one patient on `today`:
 * prior authorization left and expiry, eligibility age, active flag and carve-out, and
 * whether the clinician (whose records `credentialing` are) is credentialed in network with
 * the primary payer on that date. The checks and their thresholds are the claim scrubber's
 * (`payerChecks`, built once from the practice's settings); this function picks the primary
 * coverage and its authorization and says each finding in the clinician's words.
 * Pure: the caller loads the records in one batch on the store thread.
 */
CaseloadWarnings caseloadWarnings(const claims::ClaimScrubber &payerChecks, const QDate &today,
                                  const QList<Coverage> &coverages,
                                  const QList<Authorization> &authorizations,
                                  const QList<CredentialingRecord> &credentialing,
                                  const QList<Payer> &payers);

} // namespace sb::app
