// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "coding/codingtypes.h"
#include "coding/ruleset.h"

#include <memory>

namespace sb::coding {

/**
 * Proposes what to bill for one session and says why. All policy lives in the RuleSet; the
 * engine only applies it in a fixed order: the service's time band and add-ons, same-day
 * pairs and units-per-day limits, add-on primaries, then place of service and modifiers.
 * A call does no allocation and takes no lock, so one engine can serve many threads.
 */
class CodingEngine {
public:
    explicit CodingEngine(std::shared_ptr<const RuleSet> rules);

    [[nodiscard]] CodingDecision code(const SessionFacts &facts) const;
    /// The same, reusing `decision` (cleared first); for batch coding.
    void code(const SessionFacts &facts, CodingDecision &decision) const;

    [[nodiscard]] const RuleSet &rules() const { return *m_rules; }

private:
    std::shared_ptr<const RuleSet> m_rules;
};

} // namespace sb::coding
