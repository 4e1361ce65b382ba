// SPDX-License-Identifier: Apache-2.0
// Shared helpers for the coding engine tests: a facts builder and compact decision summaries.
#pragma once

#include "coding/codingengine.h"
#include "coding/ruleset.h"
#include "domain/enums.h"

#include <catch2/catch_test_macros.hpp>
#include <string>

namespace sb::coding::testing {

inline std::shared_ptr<const RuleSet> loadBuiltin(const QString &overridePath = {})
{
    auto loaded = RuleSet::builtin(overridePath);
    INFO((loaded ? std::string() : loaded.error().message.toStdString()));
    REQUIRE(loaded.hasValue());
    return *loaded;
}

inline const CodingEngine &builtinEngine()
{
    static const CodingEngine engine(loadBuiltin());
    return engine;
}

inline ProcedureCode cpt(const char (&text)[6])
{
    return ProcedureCode::literal(text);
}

inline Modifier mod(const char (&text)[3])
{
    return Modifier::literal(text);
}

/// An in-person individual session, commercial payer, psychologist, on 2026-03-02.
inline SessionFacts facts(ServiceKind service, int minutes)
{
    SessionFacts f;
    f.service = service;
    f.minutes = minutes;
    f.dateOfService = QDate(2026, 3, 2);
    return f;
}

/// "90839,90840x2[95,HO]": the lines, with units above one and modifiers; "-" when empty.
inline std::string linesOf(const CodingDecision &decision)
{
    std::string text;
    for (const auto &line : decision.lines) {
        if (!text.empty()) {
            text += ',';
        }
        text += line.code.toString().toStdString();
        if (line.units != 1) {
            text += 'x' + std::to_string(line.units);
        }
        if (!line.modifiers.empty()) {
            text += '[';
            for (std::size_t i = 0; i < line.modifiers.size(); ++i) {
                text += (i ? "," : "") + line.modifiers[i].toString().toStdString();
            }
            text += ']';
        }
    }
    return text.empty() ? std::string("-") : text;
}

/// "90785:IC-90785,90834/59:NCCI-BYPASS-UNUSED": refused codes (and modifiers) with rule ids.
inline std::string refusedOf(const CodingDecision &decision)
{
    std::string text;
    for (const auto &refusal : decision.refused) {
        if (!text.empty()) {
            text += ',';
        }
        text += refusal.code.toString().toStdString();
        if (!refusal.modifier.isNull()) {
            text += '/' + refusal.modifier.toString().toStdString();
        }
        text += ':' + refusal.rule->id.toStdString();
    }
    return text.empty() ? std::string("-") : text;
}

inline bool hasWarning(const CodingDecision &decision, const char *ruleId)
{
    for (const auto &notice : decision.warnings) {
        if (notice.rule->id == QLatin1String(ruleId)) {
            return true;
        }
    }
    return false;
}

inline std::string ruleOf(const CodingDecision &decision)
{
    return decision.rule ? decision.rule->id.toStdString() : std::string("-");
}

} // namespace sb::coding::testing
