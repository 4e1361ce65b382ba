// SPDX-License-Identifier: Apache-2.0
#include "codesets/codeformats.h"

namespace sb {

namespace {

bool isUpperAlnum(QChar c)
{
    return (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
}

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

Unexpected<Icd10FormatError> formatError(Icd10FormatError::Kind kind, const char *message)
{
    return {Icd10FormatError{kind, QString::fromLatin1(message)}};
}

} // namespace

Expected<QString, Icd10FormatError> normalizeIcd10Code(QStringView text)
{
    using Kind = Icd10FormatError::Kind;
    const QString trimmed = text.trimmed().toString().toUpper();
    if (trimmed.isEmpty()) {
        return formatError(Kind::Empty, "no code given");
    }
    QString code;
    code.reserve(7);
    for (qsizetype i = 0; i < trimmed.size(); ++i) {
        const QChar c = trimmed[i];
        if (c == u'.') {
            if (i != 3 || i + 1 == trimmed.size()) {
                return formatError(Kind::MisplacedDot,
                                   "a dot may only follow the 3rd character and precede more");
            }
            continue;
        }
        if (!isUpperAlnum(c)) {
            return formatError(Kind::BadCharacter, "only letters, digits and one dot are allowed");
        }
        code.append(c);
    }
    if (code.size() < 3 || code.size() > 7) {
        return formatError(Kind::BadLength, "an ICD-10-CM code has 3 to 7 characters");
    }
    if (code[0] < u'A' || code[0] > u'Z') {
        return formatError(Kind::FirstNotLetter, "the 1st character must be a letter");
    }
    if (code.size() > 3 && code.back() == u'X') {
        return formatError(Kind::TrailingPlaceholder,
                           "ends in placeholder X: the 7th character is missing");
    }
    return code;
}

bool hasIcd10Shape(QStringView code)
{
    if (code.size() < 3 || code.size() > 7 || code[0] < u'A' || code[0] > u'Z') {
        return false;
    }
    for (qsizetype i = 1; i < code.size(); ++i) {
        if (!isUpperAlnum(code[i])) {
            return false;
        }
    }
    return true;
}

QString icd10WithDot(QStringView code)
{
    if (code.size() <= 3) {
        return code.toString();
    }
    return code.left(3) + u'.' + code.mid(3);
}

int npiCheckDigit(QStringView first9)
{
    if (first9.size() != 9) {
        return -1;
    }
    int sum = 24; // the digits of the 80840 prefix, doubled as Luhn would double them
    for (qsizetype i = 0; i < 9; ++i) {
        const QChar c = first9[8 - i];
        if (!isDigit(c)) {
            return -1;
        }
        int digit = c.unicode() - u'0';
        if (i % 2 == 0) {
            digit *= 2;
            if (digit > 9) {
                digit -= 9;
            }
        }
        sum += digit;
    }
    return (10 - sum % 10) % 10;
}

bool isValidNpi(QStringView npi)
{
    if (npi.size() != 10 || (npi[0] != u'1' && npi[0] != u'2') || !isDigit(npi[9])) {
        return false;
    }
    return npiCheckDigit(npi.left(9)) == npi[9].unicode() - u'0';
}

int fiscalYearOf(const QDate &date)
{
    return date.month() >= 10 ? date.year() + 1 : date.year();
}

QDate fiscalYearStart(int fiscalYear)
{
    return {fiscalYear - 1, 10, 1};
}

QDate fiscalYearEnd(int fiscalYear)
{
    return {fiscalYear, 9, 30};
}

} // namespace sb
