// SPDX-License-Identifier: Apache-2.0
#include "codesets/icd10check.h"

#include "codesets/codeformats.h"

namespace sb {

namespace {

QString yearList(const QList<int> &years)
{
    QStringList names;
    for (int year : years) {
        names.append(QStringLiteral("FY%1").arg(year));
    }
    return names.join(QStringLiteral(", "));
}

Icd10Refusal refusal(Icd10Refusal::Kind kind, const Icd10Facts &facts, int fiscalYear,
                     QString message)
{
    return Icd10Refusal{kind, facts.code, fiscalYear, facts.billableIn, std::move(message)};
}

} // namespace

QString toName(Icd10Refusal::Kind kind)
{
    switch (kind) {
    case Icd10Refusal::Kind::InvalidFormat:
        return QStringLiteral("invalid-format");
    case Icd10Refusal::Kind::UnknownCode:
        return QStringLiteral("unknown-code");
    case Icd10Refusal::Kind::HeaderNotBillable:
        return QStringLiteral("header-not-billable");
    case Icd10Refusal::Kind::NotValidOnDate:
        return QStringLiteral("not-valid-on-date");
    case Icd10Refusal::Kind::NoReleaseForDate:
        return QStringLiteral("no-release-for-date");
    }
    return {};
}

Icd10Check decideIcd10(const Icd10Facts &facts, int fiscalYear)
{
    using Kind = Icd10Refusal::Kind;
    const QString dotted = icd10WithDot(facts.code);
    if (facts.importedFiscalYears.isEmpty()) {
        if (facts.inBuiltInList) {
            return Icd10Accepted{facts.code, fiscalYear, true, facts.description};
        }
        return unexpected(refusal(Kind::NoReleaseForDate, facts, fiscalYear,
                                  dotted
                                      + QStringLiteral(" is not in the built-in list and no "
                                                       "ICD-10-CM release is imported")));
    }
    if (!facts.importedFiscalYears.contains(fiscalYear)) {
        return unexpected(refusal(Kind::NoReleaseForDate, facts, fiscalYear,
                                  QStringLiteral("no ICD-10-CM release is imported for FY%1 "
                                                 "(imported: %2)")
                                      .arg(fiscalYear)
                                      .arg(yearList(facts.importedFiscalYears))));
    }
    if (facts.billableIn.contains(fiscalYear)) {
        return Icd10Accepted{facts.code, fiscalYear, false, facts.description};
    }
    if (facts.headerIn.contains(fiscalYear)) {
        QString message = dotted
                          + QStringLiteral(" is a header in FY%1, not billable: use a "
                                           "more specific code")
                                .arg(fiscalYear);
        if (!facts.billableIn.isEmpty()) {
            message += QStringLiteral(" (it was billable in %1)").arg(yearList(facts.billableIn));
        }
        return unexpected(refusal(Kind::HeaderNotBillable, facts, fiscalYear, message));
    }
    if (!facts.billableIn.isEmpty()) {
        return unexpected(refusal(Kind::NotValidOnDate, facts, fiscalYear,
                                  dotted
                                      + QStringLiteral(" is not valid in FY%1 (%2 to %3); it "
                                                       "is valid in %4")
                                            .arg(fiscalYear)
                                            .arg(fiscalYearStart(fiscalYear).toString(Qt::ISODate),
                                                 fiscalYearEnd(fiscalYear).toString(Qt::ISODate),
                                                 yearList(facts.billableIn))));
    }
    return unexpected(
        refusal(Kind::UnknownCode, facts, fiscalYear,
                dotted + QStringLiteral(" is not an ICD-10-CM code in FY%1").arg(fiscalYear)));
}

} // namespace sb
