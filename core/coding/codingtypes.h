// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "domain/organization.h"
#include "domain/session.h"

#include <QDate>
#include <QString>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace sb::coding {

/**
 * A short fixed-width code (CPT/HCPCS procedure, modifier, place of service, state) kept
 * inline, so that coding a session never allocates. Only [0-9A-Z] is accepted.
 */
template<std::size_t N> class FixedCode {
public:
    constexpr FixedCode() = default;

    /// A code from a literal of exactly N characters; for tables and tests.
    static constexpr FixedCode literal(const char (&text)[N + 1])
    {
        FixedCode code;
        for (std::size_t i = 0; i < N; ++i) {
            code.m_chars[i] = text[i];
        }
        return code;
    }

    /// Parses exactly N characters of [0-9A-Z] (lower case is folded); nullopt otherwise.
    static std::optional<FixedCode> parse(QStringView text)
    {
        if (std::size_t(text.size()) != N) {
            return std::nullopt;
        }
        FixedCode code;
        for (std::size_t i = 0; i < N; ++i) {
            char16_t c = text[qsizetype(i)].unicode();
            if (c >= u'a' && c <= u'z') {
                c = char16_t(c - u'a' + u'A');
            }
            if (!((c >= u'0' && c <= u'9') || (c >= u'A' && c <= u'Z'))) {
                return std::nullopt;
            }
            code.m_chars[i] = char(c);
        }
        return code;
    }

    [[nodiscard]] constexpr bool isNull() const { return m_chars[0] == 0; }
    [[nodiscard]] QString toString() const
    {
        return isNull() ? QString() : QString::fromLatin1(m_chars.data(), qsizetype(N));
    }
    [[nodiscard]] constexpr char at(std::size_t i) const { return m_chars[i]; }

    friend constexpr auto operator<=>(const FixedCode &, const FixedCode &) = default;
    friend constexpr bool operator==(const FixedCode &, const FixedCode &) = default;

private:
    std::array<char, N> m_chars{};
};

using ProcedureCode = FixedCode<5>; ///< CPT code number or HCPCS Level II code.
using Modifier = FixedCode<2>;
using PlaceOfService = FixedCode<2>;
using StateCode = FixedCode<2>; ///< USPS state abbreviation.

/// A vector with inline capacity N and no heap use; push_back on a full list is refused.
template<typename T, std::size_t N> class InlineList {
public:
    bool push_back(const T &value)
    {
        if (m_size == N) {
            return false;
        }
        m_items[m_size++] = value;
        return true;
    }
    void eraseAt(std::size_t index)
    {
        for (std::size_t i = index + 1; i < m_size; ++i) {
            m_items[i - 1] = m_items[i];
        }
        --m_size;
    }
    void clear() { m_size = 0; }
    [[nodiscard]] bool contains(const T &value) const
    {
        for (std::size_t i = 0; i < m_size; ++i) {
            if (m_items[i] == value) {
                return true;
            }
        }
        return false;
    }
    [[nodiscard]] std::size_t size() const { return m_size; }
    [[nodiscard]] bool empty() const { return m_size == 0; }
    [[nodiscard]] static constexpr std::size_t capacity() { return N; }
    T &operator[](std::size_t i) { return m_items[i]; }
    const T &operator[](std::size_t i) const { return m_items[i]; }
    T *begin() { return m_items.data(); }
    T *end() { return m_items.data() + m_size; }
    const T *begin() const { return m_items.data(); }
    const T *end() const { return m_items.data() + m_size; }

private:
    std::array<T, N> m_items{};
    std::size_t m_size = 0;
};

/// Who bills the service; selects Medicare telehealth modifiers (95, GT, FQ).
enum class BillingEntity {
    Practice,
    Hospital,               ///< hospital-based clinician (outpatient department)
    CriticalAccessHospital, ///< CAH Optional Method II
    RuralHealthClinic,
    FederallyQualifiedHealthCenter,
};

/// Who administered psychological tests (professional and technician codes differ).
enum class AdministeredBy { Unspecified, Professional, Technician };

QString toName(BillingEntity value);
QString toName(AdministeredBy value);
std::optional<BillingEntity> billingEntityFromName(QStringView name);
std::optional<AdministeredBy> administeredByFromName(QStringView name);

/**
 * The facts of one session the coding engine needs, and nothing else: no names, no note.
 * Everything is held by value so a batch can be coded without touching the store.
 */
struct SessionFacts {
    ServiceKind service = ServiceKind::IndividualPsychotherapy;
    int minutes = 0; ///< Psychotherapy (or service) minutes with the patient and/or family.
    Modality modality = Modality::InPerson;
    PatientLocation patientLocation = PatientLocation::Office;
    PayerKind payer = PayerKind::Commercial;
    ProviderCredential provider = ProviderCredential::Psychologist;
    bool interactiveComplexity = false;
    ProcedureCode emCode;    ///< Null when no E/M was reported with this session.
    int totalEmMinutes = -1; ///< Clinician's total time on the date; -1 when not given.
    AdministeredBy administeredBy = AdministeredBy::Unspecified;
    QDate dateOfService;
    StateCode state;      ///< Null when unknown.
    QString payerProfile; ///< Empty: the payer kind's defaults.
    BillingEntity billingEntity = BillingEntity::Practice;
    InlineList<Modifier, 4> requestedModifiers;
    QString primaryDiagnosis; ///< ICD-10-CM without the dot; empty when not given.
    InlineList<ProcedureCode, 8> sameDateCodes; ///< Already reported: same patient, date, provider.
};

/// A rule's id and the plain-language reason shown to billers. Owned by the RuleSet.
struct RuleText {
    QString id;
    QString reason;
};

/// One proposed claim line.
struct CodedLine {
    ProcedureCode code;
    std::uint16_t units = 1;
    InlineList<Modifier, 4> modifiers;
    const RuleText *rule = nullptr; ///< Why this code (the band or table entry).
};

/// A code (or a modifier on it) the engine will not propose, with the rule that refused it.
struct Refusal {
    ProcedureCode code;
    Modifier modifier; ///< Null when the whole line is refused.
    const RuleText *rule = nullptr;
};

/// Something a biller should check; does not change the lines.
struct Notice {
    const RuleText *rule = nullptr;
    friend bool operator==(const Notice &, const Notice &) = default;
};

/**
 * What the engine proposes for one session. When billable, `lines` is non-empty and `pos` is
 * set; otherwise `rule` says why nothing can be billed. The RuleText pointers stay valid as
 * long as the RuleSet that produced the decision; a scrubber can key on `rule->id`.
 */
struct CodingDecision {
    bool billable = false;
    InlineList<CodedLine, 6> lines;
    PlaceOfService pos;
    InlineList<Refusal, 8> refused;
    InlineList<Notice, 8> warnings;
    const RuleText *rule = nullptr; ///< Set when not billable.

    void reset() { *this = CodingDecision(); }
};

} // namespace sb::coding
