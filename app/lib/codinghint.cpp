// SPDX-License-Identifier: Apache-2.0
#include "codinghint.h"

#include <QCoreApplication>

namespace sb::app {

namespace {

coding::ProcedureCode primaryCode(const coding::CodingEngine &engine,
                                  const coding::SessionFacts &facts)
{
    const coding::CodingDecision decision = engine.code(facts);
    if (!decision.billable || decision.lines.empty()) {
        return {};
    }
    return decision.lines[0].code;
}

} // namespace

QString codingHint(const coding::CodingEngine &engine, coding::SessionFacts facts, bool withNext)
{
    const int minutes = facts.minutes;
    const coding::ProcedureCode now = primaryCode(engine, facts);
    QString text =
        now.isNull()
            ? QCoreApplication::translate("CodingHint", "%1 min → not billable yet").arg(minutes)
            : QCoreApplication::translate("CodingHint", "%1 min → %2")
                  .arg(minutes)
                  .arg(now.toString());
    for (int more = 1; withNext && more <= 90; ++more) {
        facts.minutes = minutes + more;
        const coding::ProcedureCode next = primaryCode(engine, facts);
        if (!next.isNull() && next != now) {
            text += QCoreApplication::translate("CodingHint", " · %1 more min for %2")
                        .arg(more)
                        .arg(next.toString());
            break;
        }
    }
    return text;
}

} // namespace sb::app
