// SPDX-License-Identifier: Apache-2.0
// ICD-10-CM shape and normalization, the NPI check digit, fiscal years, and the built-in list
// of behavioral-health codes that serves before any release is imported.
#include "codesets/builtinicd10.h"
#include "codesets/codeformats.h"
#include "codesets/icd10index.h"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <string>

using namespace sb;
using FormatKind = Icd10FormatError::Kind;

namespace {

/// Textbook Luhn over a digit string (rightmost digit is the check digit), written apart from
/// the code under test.
bool luhnValid(const std::string &digits)
{
    int sum = 0;
    bool twice = false;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        int d = *it - '0';
        if (twice) {
            d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        }
        sum += d;
        twice = !twice;
    }
    return sum % 10 == 0;
}

} // namespace

TEST_CASE("ICD-10-CM codes are accepted with or without the dot and normalized to no-dot upper")
{
    const auto [input, normalized] = GENERATE(table<const char *, const char *>({
        {"F41.1", "F411"},
        {"f41.1", "F411"},
        {" F411 ", "F411"},
        {"F41", "F41"},
        {"F32.A", "F32A"},
        {"F43.10", "F4310"},
        {"Z62.820", "Z62820"},
        {"T36.0X1A", "T360X1A"},
        {"t360x1a", "T360X1A"},
        {"S06.0X0A", "S060X0A"},
        {"H21.1X1", "H211X1"}, // an X that is a real 6th character, not a placeholder
        {"U07.1", "U071"},
        {"C4A.0", "C4A0"},
        {"Z3A.01", "Z3A01"},
        {"QA0.0101", "QA00101"}, // FY2026: a letter in the 2nd position (QA0 category)
    }));
    CAPTURE(input);
    const auto result = normalizeIcd10Code(QString::fromLatin1(input));
    REQUIRE(result);
    CHECK(result->toStdString() == normalized);
    CHECK(hasIcd10Shape(*result));
}

TEST_CASE("malformed ICD-10-CM codes are refused with the rule they break")
{
    const auto [input, kind] = GENERATE(table<const char *, FormatKind>({
        {"", FormatKind::Empty},
        {"   ", FormatKind::Empty},
        {"F4", FormatKind::BadLength},
        {"F41.12345", FormatKind::BadLength},
        {"F4112345", FormatKind::BadLength},
        {"4F1", FormatKind::FirstNotLetter},
        {"F!1", FormatKind::BadCharacter},
        {"F4.11", FormatKind::MisplacedDot},
        {"F41.", FormatKind::MisplacedDot},
        {"F41..1", FormatKind::MisplacedDot},
        {".F411", FormatKind::MisplacedDot},
        {"F41-1", FormatKind::BadCharacter},
        {"F41 1", FormatKind::BadCharacter},
        {"F41.1;", FormatKind::BadCharacter},
        {"T36.0X", FormatKind::TrailingPlaceholder},
        {"W45.3XX", FormatKind::TrailingPlaceholder},
    }));
    CAPTURE(input);
    const auto result = normalizeIcd10Code(QString::fromUtf8(input));
    REQUIRE_FALSE(result);
    CHECK(result.error().kind == kind);
    CHECK_FALSE(result.error().message.isEmpty());
}

TEST_CASE("the dotted form puts the dot after the third character")
{
    CHECK(icd10WithDot(u"F411") == u"F41.1");
    CHECK(icd10WithDot(u"T360X1A") == u"T36.0X1A");
    CHECK(icd10WithDot(u"F41") == u"F41");
}

TEST_CASE("NPI check digits: the CMS examples and malformed numbers")
{
    CHECK(npiCheckDigit(u"123456789") == 3);
    const auto [npi, valid] = GENERATE(table<const char *, bool>({
        {"1234567893", true}, // the CMS example
        {"1558598797", true},
        {"1234567890", false}, // wrong check digit
        {"1234567894", false},
        {"1558598796", false},
        {"2234567890", false},
        {"123456789", false}, // 9 digits
        {"12345678931", false},
        {"123456789A", false},
        {"12345 6789", false},
        {"", false},
    }));
    CAPTURE(npi);
    CHECK(isValidNpi(QString::fromLatin1(npi)) == valid);
}

TEST_CASE("the NPI check digit equals Luhn over 80840 and the first nine digits")
{
    for (int i = 0; i < 2000; ++i) {
        const int base = 100'000'000 + i * 449'887; // spread over 1xxxxxxxx and 2xxxxxxxx
        const std::string first9 = std::to_string(base).substr(0, 9);
        const int digit = npiCheckDigit(QString::fromStdString(first9));
        REQUIRE(digit >= 0);
        REQUIRE(digit <= 9);
        const std::string npi = first9 + char('0' + digit);
        CAPTURE(npi);
        REQUIRE(luhnValid("80840" + npi));
        REQUIRE_FALSE(luhnValid("80840" + first9 + char('0' + (digit + 1) % 10)));
        const bool startsRight = npi[0] == '1' || npi[0] == '2';
        REQUIRE(isValidNpi(QString::fromStdString(npi)) == startsRight);
    }
}

TEST_CASE("a fiscal year runs from 1 October to 30 September and is named by its end")
{
    CHECK(fiscalYearOf(QDate(2025, 9, 30)) == 2025);
    CHECK(fiscalYearOf(QDate(2025, 10, 1)) == 2026);
    CHECK(fiscalYearOf(QDate(2026, 1, 15)) == 2026);
    CHECK(fiscalYearOf(QDate(2026, 9, 30)) == 2026);
    CHECK(fiscalYearStart(2026) == QDate(2025, 10, 1));
    CHECK(fiscalYearEnd(2026) == QDate(2026, 9, 30));
}

TEST_CASE("the built-in list is sorted, unique, well formed and behavioral health")
{
    const auto codes = builtInIcd10Codes();
    REQUIRE(codes.size() >= 60);
    REQUIRE(codes.size() <= 100);
    for (std::size_t i = 0; i < codes.size(); ++i) {
        const QString code = QString::fromLatin1(codes[i].code);
        CAPTURE(code.toStdString());
        CHECK(normalizeIcd10Code(code).valueOr(QString()) == code);
        CHECK((code.startsWith(u'F') || code.startsWith(u'Z')));
        CHECK(std::string(codes[i].description).size() > 5);
        if (i > 0) {
            CHECK(QLatin1String(codes[i - 1].code) < QLatin1String(codes[i].code));
        }
        CHECK(findBuiltInIcd10(code) == &codes[i]);
    }
    CHECK(findBuiltInIcd10(u"F41") == nullptr);
    CHECK(findBuiltInIcd10(u"A000") == nullptr);
}

TEST_CASE("before any import the built-in list answers checks and searches")
{
    const Icd10Index index = Icd10Index::builtIn();
    REQUIRE(index.isBuiltIn());
    CHECK(index.size() == static_cast<int>(builtInIcd10Codes().size()));

    const auto accepted = index.check(u"f41.1", QDate(2025, 9, 15));
    REQUIRE(accepted);
    CHECK(accepted->code == u"F411");
    CHECK(accepted->builtIn);
    CHECK(accepted->description == u"Generalized anxiety disorder");

    const auto header = index.check(u"F43.1", QDate(2025, 9, 15));
    REQUIRE_FALSE(header);
    CHECK(header.error().kind == Icd10Refusal::Kind::NoReleaseForDate);
    const auto badFormat = index.check(u"F4!", QDate(2025, 9, 15));
    REQUIRE_FALSE(badFormat);
    CHECK(badFormat.error().kind == Icd10Refusal::Kind::InvalidFormat);

    const auto byCode = index.search(u"F43.1");
    REQUIRE(byCode.size() == 3);
    CHECK(byCode[0].code == u"F4310");
    CHECK(byCode[0].builtIn);
    for (const auto &hit : byCode) {
        CHECK(hit.code.startsWith(u"F431"));
        CHECK(hit.match == Icd10SearchHit::Match::CodePrefix);
    }

    const auto byWords = index.search(u"post trauma");
    REQUIRE_FALSE(byWords.isEmpty());
    for (const auto &hit : byWords) {
        CHECK(hit.code.startsWith(u"F431"));
        CHECK(hit.description.contains(u"Post-traumatic stress disorder"));
    }
    CHECK(index.search(u"GENERALIZED anx").value(0).code == u"F411");
    CHECK(index.search(u"anxiety zzzz").isEmpty());
    CHECK(index.search(u"anxiety", {2, std::nullopt}).size() == 2);
}
