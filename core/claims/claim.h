// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "coding/codingtypes.h"
#include "domain/organization.h"
#include "domain/patient.h"
#include "domain/session.h"

#include <QDate>
#include <QList>
#include <QSet>
#include <QString>

#include <cstdint>
#include <optional>

namespace sb::claims {

using coding::InlineList;
using coding::Modifier;
using coding::PlaceOfService;
using coding::ProcedureCode;
using coding::StateCode;

/**
 * One service line as it will go out (837P SV1 / CMS-1500 box 24). The lists hold more than
 * a claim may carry (4 modifiers, 4 pointers) so that the scrubber can see and name the
 * excess instead of the builder silently dropping it.
 */
struct ClaimLine {
    ProcedureCode cpt;
    int units = 1;
    InlineList<Modifier, 6> modifiers;
    /// Diagnosis pointers, 1-based into Claim::diagnoses (1 = A ... 12 = L), first = primary.
    InlineList<std::uint8_t, 12> pointers;
    /// The time the code was chosen on, in minutes; -1 when not recorded. For an add-on
    /// counted in units (90840, 96159, ...) the total time of the service, as for its primary.
    int minutes = -1;
};

/**
 * What makes two claims the same claim: one claim per patient, payer, rendering provider and
 * date of service. The references are opaque ids (never a name), compared as given.
 */
struct ClaimKey {
    QString patientRef;
    QString payerRef;
    QString renderingNpi;
    QDate dateOfService;
    friend bool operator==(const ClaimKey &, const ClaimKey &) = default;
};
size_t qHash(const ClaimKey &key, size_t seed = 0);

/**
 * A claim and every fact the scrubber needs about it, by value: the scrubber never touches
 * the store, so a caller (the claim builder, the `scrub` command, a test) gathers the
 * authorization, eligibility and credentialing snapshots as of the claim and passes them in.
 * No names and no note text: the scrubber has no use for them and its messages must not
 * carry them.
 */
struct Claim {
    QString patientRef; ///< Opaque patient id, for the duplicate check only.
    QString payerRef;   ///< Opaque payer id, for the duplicate check only.
    PayerKind payerKind = PayerKind::Commercial;
    QString payerProfile; ///< Empty: the payer kind's defaults.
    StateCode state;      ///< Selects state rules (Medicaid timely filing); null when unknown.

    QString billingNpi;
    QString renderingNpi;

    QDate dateOfService;
    QDate scrubDate; ///< The day the claim would be sent; timely filing counts to it.

    PlaceOfService pos;
    Modality modality = Modality::InPerson;
    PatientLocation patientLocation = PatientLocation::Office;

    QList<QString> diagnoses; ///< ICD-10-CM in claim order (A, B, ...), with or without dot.
    QList<ClaimLine> lines;

    /// The payer or plan requires prior authorization for these services.
    bool authorizationRequired = false;
    /// The authorization the claim is billed under; `used` counts visits or units already
    /// used before this claim.
    std::optional<Authorization> authorization;
    /// The last eligibility check of the coverage billed.
    std::optional<EligibilitySnapshot> eligibility;
    /// The rendering provider's credentialing records with this payer (any dates).
    QList<CredentialingRecord> credentialing;

    bool noteSigned = false;
    /// 837P CLM05-3: 1 original, 7 replacement, 8 void. Only originals can be duplicates.
    int frequencyCode = 1;
    /// Keys of claims already built (implicitly shared: one set can serve a whole batch).
    QSet<ClaimKey> existingClaims;

    [[nodiscard]] ClaimKey key() const
    {
        return ClaimKey{patientRef, payerRef, renderingNpi, dateOfService};
    }
};

} // namespace sb::claims
