// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "store/database.h"

#include <span>

namespace sb::test {

/**
 * The schema steps of the releases before schema modules, verbatim: versions 1 to
 * Database::lastMonolithicVersion of a single PRAGMA user_version, with the device's and the
 * office's sync tables alike. Open a Database with them (and Options::targetVersion) to make
 * a store as any of those releases did.
 */
std::span<const MigrationStep> legacyMonolithicSchema();

} // namespace sb::test
