// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "util/expected.h"

#include <QList>
#include <QString>

namespace sb {

/**
 * Why a diagnosis code cannot go on a claim for a date of service. The scrubber turns each
 * kind into its own edit; `message` is plain language for billing staff (no PHI: a code and
 * fiscal years only).
 */
struct Icd10Refusal {
    enum class Kind {
        InvalidFormat,     ///< Not shaped like an ICD-10-CM code at all.
        UnknownCode,       ///< Not in the release for that date, nor in any other imported one.
        HeaderNotBillable, ///< A category or subcategory: a more specific code is needed.
        NotValidOnDate,    ///< Billable in other fiscal years (`validInFiscalYears`), not this one.
        NoReleaseForDate,  ///< No release is imported for that date's fiscal year.
    };
    Kind kind = Kind::UnknownCode;
    QString code;                  ///< Normalized (no dot) when the format allowed it.
    int fiscalYear = 0;            ///< The fiscal year of the date of service.
    QList<int> validInFiscalYears; ///< Imported fiscal years in which the code is billable.
    QString message;
};

QString toName(Icd10Refusal::Kind kind);

/// A code accepted for a date of service.
struct Icd10Accepted {
    QString code; ///< Normalized, no dot.
    int fiscalYear = 0;
    bool builtIn = false; ///< Accepted from the built-in list because nothing is imported.
    QString description;
};

using Icd10Check = Expected<Icd10Accepted, Icd10Refusal>;

/// What the code tables say about one code; the input of decideIcd10().
struct Icd10Facts {
    QString code;
    QList<int> importedFiscalYears; ///< Ascending; empty means only the built-in list exists.
    QList<int> billableIn;          ///< Imported fiscal years where the code is billable.
    QList<int> headerIn;            ///< ... where it is a header (or a prefix of a billable code).
    bool inBuiltInList = false;
    QString description;
};

/**
 * The one rule both the store and the in-memory index apply: the release of the date of
 * service's fiscal year decides; with nothing imported the built-in list decides; a date
 * whose fiscal year has no release is refused rather than guessed.
 */
Icd10Check decideIcd10(const Icd10Facts &facts, int fiscalYear);

} // namespace sb
