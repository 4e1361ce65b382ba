// SPDX-License-Identifier: Apache-2.0
#pragma once

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
 * whether `provider` is credentialed in network with the primary payer on that date.
 * Pure: the caller loads the records in one batch on the store thread.
 */
CaseloadWarnings caseloadWarnings(const QDate &today, const QList<Coverage> &coverages,
                                  const QList<Authorization> &authorizations,
                                  const QList<CredentialingRecord> &credentialing,
                                  const QList<Payer> &payers);

} // namespace sb::app
