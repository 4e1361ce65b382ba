// SPDX-License-Identifier: Apache-2.0
#include "coding/codingengine.h"

#include "coding/ruleset_p.h"

#include <algorithm>

namespace sb::coding {

namespace {

constexpr std::size_t kMaxLines = 6;

bool inSorted(const std::vector<ProcedureCode> &codes, ProcedureCode code)
{
    return std::binary_search(codes.begin(), codes.end(), code);
}

/// One coding run: the facts, the tables, and the decision being built.
class Run {
public:
    Run(const RuleTables &tables, const SessionFacts &facts, CodingDecision &out)
        : m_t(tables)
        , m_facts(facts)
        , m_out(out)
        , m_day(facts.dateOfService.toJulianDay())
    {
    }

    void execute();

private:
    void notBillable(const RuleText *rule)
    {
        m_out.billable = false;
        m_out.rule = rule;
        m_out.lines.clear();
        m_out.pos = PlaceOfService();
    }
    void warn(const RuleText *rule)
    {
        const Notice notice{rule};
        if (!m_out.warnings.contains(notice)) {
            m_out.warnings.push_back(notice);
        }
    }
    void refuse(ProcedureCode code, const RuleText *rule, Modifier modifier = {})
    {
        m_out.refused.push_back(Refusal{code, modifier, rule});
    }
    void addLine(ProcedureCode code, int units, const RuleText *rule)
    {
        CodedLine line;
        line.code = code;
        line.units = std::uint16_t(std::clamp(units, 1, 9999));
        line.rule = rule;
        if (m_out.lines.push_back(line)) {
            m_bypass[m_out.lines.size() - 1] = Modifier();
        }
    }
    void removeLine(std::size_t index)
    {
        m_out.lines.eraseAt(index);
        for (std::size_t i = index + 1; i < kMaxLines; ++i) {
            m_bypass[i - 1] = m_bypass[i];
        }
    }
    [[nodiscard]] bool reportedSameDate(ProcedureCode code) const
    {
        return m_facts.sameDateCodes.contains(code);
    }

    bool proposeLines(ServiceKind service, int depth);
    void applySameDayPairs();
    void applyUnitLimits();
    void checkAddOnPrimaries();
    bool applyPlaceAndModifiers();
    [[nodiscard]] const PairRule *findPair(ProcedureCode column1, ProcedureCode column2) const;
    [[nodiscard]] Modifier requestedBypass() const;

    const RuleTables &m_t;
    const SessionFacts &m_facts;
    CodingDecision &m_out;
    qint64 m_day;
    std::array<Modifier, kMaxLines> m_bypass{};
    bool m_bypassUsed = false;
};

void Run::execute()
{
    if (!m_facts.dateOfService.isValid()) {
        notBillable(m_t.messages.dosRequired);
        return;
    }
    for (const auto &notice : m_t.notices) {
        if (notice.when.matches(m_facts, m_day)) {
            if (notice.refuse) {
                notBillable(notice.rule);
                return;
            }
            warn(notice.rule);
        }
    }
    if (!proposeLines(m_facts.service, 0)) {
        return;
    }
    if (m_facts.interactiveComplexity) {
        addLine(m_t.interactiveComplexityCode, 1, m_t.messages.interactiveComplexityAdded);
    }
    applySameDayPairs();
    applyUnitLimits();
    checkAddOnPrimaries();
    if (m_out.lines.empty()) {
        notBillable(m_out.refused.empty() ? m_t.messages.noRule : m_out.refused[0].rule);
        return;
    }
    m_out.billable = applyPlaceAndModifiers();
}

bool Run::proposeLines(ServiceKind service, int depth)
{
    const auto &candidates = m_t.services[std::size_t(service)];
    const ServiceRule *rule = nullptr;
    for (const auto &candidate : candidates) {
        if (candidate.when.matches(m_facts, service, m_day)) {
            rule = &candidate;
            break;
        }
    }
    if (!rule) {
        notBillable(m_t.messages.noRule);
        return false;
    }
    if (rule->refuse) {
        notBillable(rule->refuse);
        return false;
    }
    if (rule->credentials != 0 && (rule->credentials & bit(m_facts.provider)) == 0) {
        notBillable(rule->credentialRule);
        return false;
    }
    if (!rule->dxExcludedPrefixes.isEmpty()) {
        if (m_facts.primaryDiagnosis.isEmpty()) {
            warn(m_t.messages.dxNotGiven);
        } else {
            for (const auto &prefix : rule->dxExcludedPrefixes) {
                if (m_facts.primaryDiagnosis.startsWith(prefix, Qt::CaseInsensitive)) {
                    notBillable(rule->dxRule);
                    return false;
                }
            }
        }
    }
    const int minutes = rule->time == TimeSource::EmTotal && m_facts.totalEmMinutes >= 0
                            ? m_facts.totalEmMinutes
                            : m_facts.minutes;
    const Band *band = nullptr;
    for (const auto &candidate : rule->bands) {
        if (minutes >= candidate.minMinutes) {
            band = &candidate;
        }
    }

    bool hasEmLine = false;
    if (rule->emPrimaries) {
        if (!m_facts.emCode.isNull()) {
            if (!inSorted(*rule->emPrimaries, m_facts.emCode)) {
                notBillable(m_t.messages.emInvalid);
                return false;
            }
            addLine(m_facts.emCode, 1, m_t.messages.emAsReported);
            hasEmLine = true;
        } else {
            const bool emSameDate =
                std::any_of(m_facts.sameDateCodes.begin(), m_facts.sameDateCodes.end(),
                            [&](ProcedureCode c) { return inSorted(*rule->emPrimaries, c); });
            if (!emSameDate) {
                notBillable(m_t.messages.emMissing);
                return false;
            }
        }
    }

    if (!band) {
        if (rule->belowAs && depth == 0) {
            warn(rule->belowRule);
            return proposeLines(*rule->belowAs, depth + 1);
        }
        if (hasEmLine) {
            warn(rule->belowRule);
            return true;
        }
        notBillable(rule->belowRule);
        return false;
    }

    addLine(band->code, 1, band->rule);
    if (rule->addOn) {
        const int units = rule->addOn->unitsFor(minutes);
        if (units > 0) {
            addLine(rule->addOn->code, units, rule->addOn->rule);
        }
    }
    const ProcedureCode prolongedBase = rule->prolonged ? band->code : m_facts.emCode;
    const int prolongedMinutes = rule->prolonged ? minutes : m_facts.totalEmMinutes;
    if ((rule->prolonged || hasEmLine) && prolongedMinutes >= 0) {
        for (const auto &prolonged : m_t.prolonged) {
            if (prolonged.base != prolongedBase
                || !prolonged.when.matches(m_facts, service, m_day)) {
                continue;
            }
            const int units = prolonged.units.unitsFor(prolongedMinutes);
            if (units > 0 && rule->prolonged) {
                addLine(prolonged.units.code, units, prolonged.units.rule);
            } else if (units > 0) {
                refuse(prolonged.units.code, m_t.messages.prolongedWithAddOn);
            }
            break;
        }
    }
    return true;
}

const PairRule *Run::findPair(ProcedureCode column1, ProcedureCode column2) const
{
    const auto range = std::equal_range(
        m_t.pairs.begin(), m_t.pairs.end(), std::pair(column1, column2),
        [](const auto &a, const auto &b) {
            auto key = [](const auto &x) {
                if constexpr (std::is_same_v<std::decay_t<decltype(x)>, PairRule>) {
                    return std::pair(x.column1, x.column2);
                } else {
                    return x;
                }
            };
            return key(a) < key(b);
        });
    for (auto it = range.first; it != range.second; ++it) {
        if (it->modifierIndicator != 9 && it->when.matches(m_facts, m_day)) {
            return &*it;
        }
    }
    return nullptr;
}

Modifier Run::requestedBypass() const
{
    for (const auto &modifier : m_facts.requestedModifiers) {
        if (m_t.bypassModifiers.contains(modifier)) {
            return modifier;
        }
    }
    return {};
}

void Run::applySameDayPairs()
{
    const Modifier bypass = requestedBypass();
    std::size_t i = 0;
    while (i < m_out.lines.size()) {
        const ProcedureCode code = m_out.lines[i].code;
        const RuleText *refusedBy = nullptr;
        auto consider = [&](ProcedureCode other, bool otherReported) {
            if (refusedBy) {
                return;
            }
            if (const PairRule *pair = findPair(other, code)) { // this line is column 2
                if (pair->modifierIndicator == 1 && !bypass.isNull()) {
                    m_bypass[i] = bypass;
                    m_bypassUsed = true;
                } else {
                    refusedBy = pair->rule;
                }
            } else if (const PairRule *reverse = findPair(code, other)) { // column 1
                if (reverse->modifierIndicator == 0) {
                    refusedBy = reverse->rule;
                } else if (otherReported) {
                    warn(reverse->rule);
                }
            }
        };
        for (const auto &other : m_facts.sameDateCodes) {
            consider(other, true);
        }
        for (std::size_t j = 0; j < i; ++j) {
            consider(m_out.lines[j].code, false);
        }
        if (refusedBy) {
            refuse(code, refusedBy);
            removeLine(i);
        } else {
            ++i;
        }
    }
}

void Run::applyUnitLimits()
{
    std::size_t i = 0;
    while (i < m_out.lines.size()) {
        CodedLine &line = m_out.lines[i];
        const auto first = std::lower_bound(
            m_t.mue.begin(), m_t.mue.end(), line.code,
            [](const MueRule &rule, ProcedureCode code) { return rule.code < code; });
        const MueRule *limit = nullptr;
        for (auto it = first; it != m_t.mue.end() && it->code == line.code; ++it) {
            if (it->when.matches(m_facts, m_day)) {
                limit = &*it;
                break;
            }
        }
        if (limit) {
            const int reported = int(
                std::count(m_facts.sameDateCodes.begin(), m_facts.sameDateCodes.end(), line.code));
            const int remaining = limit->units - reported;
            if (remaining <= 0) {
                refuse(line.code, limit->rule);
                removeLine(i);
                continue;
            }
            if (line.units > remaining) {
                line.units = std::uint16_t(remaining);
                warn(limit->rule);
            }
        }
        ++i;
    }
}

void Run::checkAddOnPrimaries()
{
    bool changed = true;
    while (changed) {
        changed = false;
        for (std::size_t i = 0; i < m_out.lines.size(); ++i) {
            const ProcedureCode code = m_out.lines[i].code;
            const auto found = std::lower_bound(
                m_t.addOns.begin(), m_t.addOns.end(), code,
                [](const AddOnRule &rule, ProcedureCode c) { return rule.code < c; });
            if (found == m_t.addOns.end() || found->code != code) {
                continue;
            }
            bool hasPrimary =
                std::any_of(m_facts.sameDateCodes.begin(), m_facts.sameDateCodes.end(),
                            [&](ProcedureCode c) { return inSorted(found->primaries, c); });
            for (std::size_t j = 0; j < m_out.lines.size() && !hasPrimary; ++j) {
                hasPrimary = j != i && inSorted(found->primaries, m_out.lines[j].code);
            }
            if (!hasPrimary) {
                refuse(code, found->rule);
                removeLine(i);
                changed = true;
                break;
            }
        }
    }
}

bool Run::applyPlaceAndModifiers()
{
    const TelehealthRule *telehealth = nullptr;
    for (const auto &candidate : m_t.telehealth) {
        if (candidate.when.matches(m_facts, m_day)) {
            telehealth = &candidate;
            break;
        }
    }
    if (!telehealth) {
        notBillable(m_t.messages.noRule);
        return false;
    }
    const bool inPerson = m_facts.modality == Modality::InPerson;
    const bool home = m_facts.patientLocation == PatientLocation::Home;
    const InlineList<Modifier, 3> *teleModifiers = nullptr;
    if (inPerson) {
        m_out.pos = telehealth->posInPerson;
    } else {
        if (m_facts.modality == Modality::AudioOnly
            && (telehealth->audio == AudioOnlyPolicy::NotAllowed
                || (telehealth->audio == AudioOnlyPolicy::HomeOnly && !home))) {
            notBillable(telehealth->audioRule);
            return false;
        }
        m_out.pos = home ? telehealth->posHome : telehealth->posOther;
        if (m_facts.modality == Modality::AudioOnly) {
            teleModifiers = home ? &telehealth->audioHome : &telehealth->audioOther;
        } else {
            teleModifiers = home ? &telehealth->videoHome : &telehealth->videoOther;
        }
    }

    const ProcedureCode firstCode = m_out.lines[0].code;
    InlineList<Modifier, 4> acceptedTele;
    InlineList<Modifier, 4> passThrough;
    for (const auto &modifier : m_facts.requestedModifiers) {
        if (m_t.bypassModifiers.contains(modifier)) {
            if (!m_bypassUsed) {
                refuse(firstCode, m_t.messages.bypassUnused, modifier);
            }
        } else if (m_t.telehealthModifiers.contains(modifier)) {
            if (inPerson) {
                refuse(firstCode, m_t.messages.telehealthModifierInPerson, modifier);
            } else if (teleModifiers->contains(modifier)) {
                continue;
            } else if (telehealth->accepted.contains(modifier)) {
                acceptedTele.push_back(modifier);
            } else {
                refuse(firstCode, telehealth->modifierRule, modifier);
            }
        } else {
            passThrough.push_back(modifier);
        }
    }

    const ModifierRule *credential = nullptr;
    for (const auto &candidate : m_t.credentialModifiers) {
        if (candidate.when.matches(m_facts, m_day)) {
            credential = &candidate;
            break;
        }
    }
    if (m_facts.payer == PayerKind::Medicaid && !credential) {
        warn(m_facts.state.isNull() ? m_t.messages.medicaidNoState
                                    : m_t.messages.medicaidNoCredential);
    }

    for (std::size_t i = 0; i < m_out.lines.size(); ++i) {
        CodedLine &line = m_out.lines[i];
        InlineList<Modifier, 12> wanted;
        auto want = [&wanted](Modifier m) {
            if (!m.isNull() && !wanted.contains(m)) {
                wanted.push_back(m);
            }
        };
        if (credential && (credential->codes.empty() || inSorted(credential->codes, line.code))) {
            for (const auto &m : credential->modifiers) {
                want(m);
            }
        }
        for (const auto &rule : m_t.codeModifiers) {
            if (inSorted(rule.codes, line.code) && rule.when.matches(m_facts, m_day)) {
                for (const auto &m : rule.modifiers) {
                    want(m);
                }
            }
        }
        want(m_bypass[i]);
        if (teleModifiers) {
            for (const auto &m : *teleModifiers) {
                want(m);
            }
        }
        for (const auto &m : acceptedTele) {
            want(m);
        }
        if (i == 0) {
            for (const auto &m : passThrough) {
                want(m);
            }
        }
        for (std::size_t k = 0; k < wanted.size(); ++k) {
            if (k < m_t.maxModifiersPerLine) {
                line.modifiers.push_back(wanted[k]);
            } else {
                warn(m_t.messages.modifierLimit);
            }
        }
    }
    return true;
}

} // namespace

CodingEngine::CodingEngine(std::shared_ptr<const RuleSet> rules)
    : m_rules(std::move(rules))
{
}

CodingDecision CodingEngine::code(const SessionFacts &facts) const
{
    CodingDecision decision;
    code(facts, decision);
    return decision;
}

void CodingEngine::code(const SessionFacts &facts, CodingDecision &decision) const
{
    decision.reset();
    Run(m_rules->tables(), facts, decision).execute();
}

} // namespace sb::coding
