// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "store/database.h"

#include <span>

namespace sb::sync {

/**
 * The schema modules the device's sync client adds to core's (module "device_sync": the
 * outbox, the sync state, the merge shadow, conflicts, tasks). Pass them to Store::open for
 * a device store; the office's store never gets these tables.
 */
std::span<const SchemaModule> deviceSchema();

} // namespace sb::sync
