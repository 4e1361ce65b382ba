// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "store/database.h"

#include <span>

namespace sb::sync {

/**
 * The schema modules the back office adds to core's (module "office_sync": devices, tokens,
 * the ledger, the pull feed, tasks). Pass them to Store::open for the office's store; a
 * device store never gets these tables.
 */
std::span<const SchemaModule> officeSchema();

} // namespace sb::sync
