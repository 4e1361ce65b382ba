// SPDX-License-Identifier: Apache-2.0
// The compiled, pre-indexed form of a RuleSet. Internal to core/coding.
#pragma once

#include "coding/codingtypes.h"

#include <QStringList>

#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <vector>

namespace sb::coding {

/// The "when" of a table entry. Enum fields are bit masks (0 = any); dates are Julian days,
/// inclusive.
struct Selector {
    std::uint32_t services = 0;
    std::uint32_t payers = 0;
    std::uint32_t providers = 0;
    std::uint32_t modalities = 0;
    std::uint32_t entities = 0;
    std::uint32_t administeredBy = 0;
    StateCode state;
    QString payerProfile;
    qint64 fromDay = std::numeric_limits<qint64>::min();
    qint64 toDay = std::numeric_limits<qint64>::max();
    int specificity = 0;
    int loadOrder = 0;

    /// `service` is passed apart from the facts: a service can be coded as another one
    /// (crisis under 30 minutes as psychotherapy).
    [[nodiscard]] bool matches(const SessionFacts &facts, ServiceKind service, qint64 day) const;
    [[nodiscard]] bool matches(const SessionFacts &facts, qint64 day) const
    {
        return matches(facts, facts.service, day);
    }
};

template<typename Enum> constexpr std::uint32_t bit(Enum value)
{
    return std::uint32_t(1) << static_cast<unsigned>(value);
}

struct Band {
    ProcedureCode code;
    int minMinutes = 0;
    const RuleText *rule = nullptr;
};

struct AddOnUnits {
    ProcedureCode code;
    int firstAt = 0;
    int step = 1;
    const RuleText *rule = nullptr;
    [[nodiscard]] int unitsFor(int minutes) const
    {
        return minutes < firstAt ? 0 : (minutes - firstAt) / step + 1;
    }
};

enum class TimeSource { Minutes, EmTotal };

struct ServiceRule {
    Selector when;
    const RuleText *refuse = nullptr; ///< Set: this service is never billable under `when`.
    std::uint32_t credentials = 0;
    const RuleText *credentialRule = nullptr;
    InlineList<Band, 6> bands; ///< Ascending by minMinutes.
    std::optional<AddOnUnits> addOn;
    std::optional<ServiceKind> belowAs;
    const RuleText *belowRule = nullptr;
    const std::vector<ProcedureCode> *emPrimaries = nullptr; ///< Set: E/M + psychotherapy add-on.
    TimeSource time = TimeSource::Minutes;
    bool prolonged = false;
    QStringList dxExcludedPrefixes;
    const RuleText *dxRule = nullptr;
};

struct ProlongedRule {
    Selector when;
    ProcedureCode base;
    AddOnUnits units;
};

struct AddOnRule {
    ProcedureCode code;
    std::vector<ProcedureCode> primaries; ///< Sorted.
    const RuleText *rule = nullptr;
};

enum class AudioOnlyPolicy { Allowed, HomeOnly, NotAllowed };

struct TelehealthRule {
    Selector when;
    PlaceOfService posInPerson;
    PlaceOfService posHome;
    PlaceOfService posOther;
    InlineList<Modifier, 3> videoHome;
    InlineList<Modifier, 3> videoOther;
    InlineList<Modifier, 3> audioHome;
    InlineList<Modifier, 3> audioOther;
    AudioOnlyPolicy audio = AudioOnlyPolicy::Allowed;
    const RuleText *audioRule = nullptr;
    InlineList<Modifier, 8> accepted;
    const RuleText *rule = nullptr;
    const RuleText *modifierRule = nullptr;
};

struct NoticeRule {
    Selector when;
    bool refuse = false;
    const RuleText *rule = nullptr;
};

struct ModifierRule {
    Selector when;
    std::vector<ProcedureCode> codes; ///< Empty: every line. Sorted.
    InlineList<Modifier, 3> modifiers;
    const RuleText *rule = nullptr;
};

struct PairRule {
    ProcedureCode column1;
    ProcedureCode column2;
    int modifierIndicator = 0;
    Selector when;
    const RuleText *rule = nullptr;
};

struct MueRule {
    ProcedureCode code;
    int units = 1;
    int adjudicationIndicator = 3;
    Selector when;
    const RuleText *rule = nullptr;
};

/// Well-known messages the engine refers to by id; all must be present in the data.
struct Messages {
    const RuleText *dosRequired = nullptr;
    const RuleText *noRule = nullptr;
    const RuleText *emMissing = nullptr;
    const RuleText *emInvalid = nullptr;
    const RuleText *emAsReported = nullptr;
    const RuleText *prolongedWithAddOn = nullptr;
    const RuleText *bypassUnused = nullptr;
    const RuleText *modifierLimit = nullptr;
    const RuleText *telehealthModifierInPerson = nullptr;
    const RuleText *medicaidNoState = nullptr;
    const RuleText *medicaidNoCredential = nullptr;
    const RuleText *dxNotGiven = nullptr;
    const RuleText *mueOver = nullptr;
    const RuleText *addOnNoPrimary = nullptr;
    const RuleText *interactiveComplexityAdded = nullptr;
};

struct RuleTables {
    std::deque<RuleText> texts; ///< Stable addresses for every RuleText pointer.
    std::map<QString, const RuleText *> textById;
    std::map<ProcedureCode, QString> descriptions;
    std::map<QString, std::vector<ProcedureCode>> codeGroups;

    /// Indexed by ServiceKind; each list is ordered most specific first.
    std::array<std::vector<ServiceRule>, 16> services;
    std::vector<ProlongedRule> prolonged;
    std::vector<AddOnRule> addOns; ///< Sorted by code.
    std::vector<TelehealthRule> telehealth;
    std::vector<NoticeRule> notices;
    std::vector<ModifierRule> credentialModifiers;
    std::vector<ModifierRule> codeModifiers;
    std::vector<PairRule> pairs; ///< Sorted by (column1, column2).
    std::vector<MueRule> mue;    ///< Sorted by code, then most specific first.

    ProcedureCode interactiveComplexityCode;
    InlineList<Modifier, 8> bypassModifiers;
    InlineList<Modifier, 8> telehealthModifiers;
    std::size_t maxModifiersPerLine = 4;
    Messages messages;
};

} // namespace sb::coding
