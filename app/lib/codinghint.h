// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "coding/codingengine.h"

#include <QString>

namespace sb::app {

/**
 * The live hint under the timer: what the minutes so far would bill and how many more
 * minutes reach the next code, e.g. "38 min → 90834 · 15 more min for 90837". Asks the
 * coding engine (the rules are data), probing later minutes for the next primary code.
 */
/// Without `withNext` (a stopped or signed session) only the first part is given.
QString codingHint(const coding::CodingEngine &engine, coding::SessionFacts facts,
                   bool withNext = true);

} // namespace sb::app
