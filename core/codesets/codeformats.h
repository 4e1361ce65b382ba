// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "util/expected.h"

#include <QDate>
#include <QString>
#include <QStringView>

namespace sb {

/// Why a string is not an ICD-10-CM code by its shape alone (validity needs the code table).
struct Icd10FormatError {
    enum class Kind {
        Empty,
        BadLength,      ///< Fewer than 3 or more than 7 characters (the dot not counted).
        BadCharacter,   ///< Something other than letters, digits and one dot.
        FirstNotLetter, ///< Character 1 must be a letter.
        MisplacedDot,   ///< The dot may only follow the 3rd character, with characters after it.
        TrailingPlaceholder, ///< Ends in placeholder X: the 7th character is missing.
    };
    Kind kind = Kind::Empty;
    QString message;
};

/**
 * Checks the shape of an ICD-10-CM code as typed by a person or carried on a claim, and
 * normalizes it to the form the code tables and the 837 use: upper case, no dot ("f41.1"
 * becomes "F411"). Rules: a letter, two letters or digits, then optionally a dot and up to
 * four letters or digits. Character 2 is usually a digit, but FY2026 added the category QA0
 * (QA0.0101 SCN2A-related neurodevelopmental disorder), so a letter there is accepted and the
 * code table decides. A placeholder X pads a code to its 7th character, so a code that ends
 * in X has lost that character and is refused here.
 */
Expected<QString, Icd10FormatError> normalizeIcd10Code(QStringView text);

/// The same shape test without the placeholder rule, for rows of the CMS tables, whose
/// header rows may end in X ("T36.0X"). `code` is upper case without a dot.
[[nodiscard]] bool hasIcd10Shape(QStringView code);

/// "F411" → "F41.1"; codes of 3 characters are returned as they are.
[[nodiscard]] QString icd10WithDot(QStringView code);

/**
 * The NPI check digit for the first 9 digits: Luhn mod 10 computed as if the card-issuer
 * prefix 80840 stood in front (CMS "Requirements for NPI Check Digit"). -1 when `first9`
 * is not exactly 9 ASCII digits.
 */
[[nodiscard]] int npiCheckDigit(QStringView first9);

/// True for 10 ASCII digits starting with 1 or 2 whose last digit is the check digit.
[[nodiscard]] bool isValidNpi(QStringView npi);

/// The US federal fiscal year a date falls in: FY N runs 1 October N-1 to 30 September N.
/// ICD-10-CM releases take effect on 1 October, so a release is named by this year.
[[nodiscard]] int fiscalYearOf(const QDate &date);
[[nodiscard]] QDate fiscalYearStart(int fiscalYear);
[[nodiscard]] QDate fiscalYearEnd(int fiscalYear);

} // namespace sb
