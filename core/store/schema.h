// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "store/database.h"

#include <span>

namespace sb {

/**
 * The schema of the Sessionbook store (device and embedded back office), as the ordered
 * list of migration steps. A step is never edited once released: a change is a new step.
 */
std::span<const MigrationStep> storeSchema();

/// The version the last step produces.
int storeSchemaVersion();

} // namespace sb
