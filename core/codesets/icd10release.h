// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "codesets/codeseterror.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

namespace sb {

/// One row of an ICD-10-CM release: a billable (leaf) code or a non-billable header.
struct Icd10Code {
    QString code; ///< Upper case, no dot ("F411").
    bool billable = false;
    QString shortDescription; ///< Empty for codes-file imports (that file has long ones only).
    QString longDescription;  ///< Empty for headers derived from a codes file.
};

/// Which CMS file a release came from; it decides where the header rows come from.
enum class Icd10Layout {
    OrderFile, ///< icd10cm_order_YYYY.txt: every row, with the billable flag and both titles.
    CodesFile, ///< icd10cm_codes_YYYY.txt: billable codes only; headers are derived.
};

QString toName(Icd10Layout layout);

/**
 * An ICD-10-CM release read from the official CMS files, before it is stored.
 *
 * Billable vs header: the order file says so itself (flag 1 or 0 in column 15). The codes
 * file lists billable codes only; the headers are then derived as every proper prefix (3
 * characters or more) of a billable code that is not itself billable, except prefixes ending
 * in placeholder X: for FY2026 this yields 23,221 of the order file's 23,467 headers and no
 * header the order file lacks (the 246 missed ones all end in X, and a lookup still refuses
 * such a prefix as incomplete because it is a prefix of a billable code). Derived headers
 * carry no description.
 */
struct Icd10Release {
    int fiscalYear = 0;
    Icd10Layout layout = Icd10Layout::OrderFile;
    QString sourceName; ///< File name, plus "!member" for a zip.
    QByteArray sha256;  ///< Of the file as given (the zip itself for a zip).
    bool headersDerived = false;
    std::vector<Icd10Code> codes; ///< Billable and header rows, in file order.

    [[nodiscard]] int billableCount() const;
    [[nodiscard]] int headerCount() const;
};

/**
 * Reads a CMS ICD-10-CM release: the zip as published (cms_2026_dx.zip,
 * 2026-code-descriptions-tabular-order.zip; the order file inside is preferred, else the
 * codes file), or an extracted icd10cm_order_YYYY.txt or icd10cm_codes_YYYY.txt. The layout
 * is told from the content, the fiscal year from the (member) file name unless
 * `fiscalYear` is given; both given and different is an error. Every line is checked: one
 * malformed line rejects the whole file, naming the line.
 */
CodeSetResult<Icd10Release> readIcd10Release(const QString &path,
                                             std::optional<int> fiscalYear = std::nullopt);

/// The same over bytes already in memory (`name` is used for the year and in messages).
CodeSetResult<Icd10Release> parseIcd10Text(const QByteArray &text, const QString &name,
                                           std::optional<int> fiscalYear = std::nullopt);

} // namespace sb
