// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "store/database.h"

namespace sb {

/**
 * Core's own tables (practice records, patients, sessions, code sets, the audit log), as the
 * schema module every store starts with. Targets that keep tables of their own add modules
 * after it (see SchemaModule); the sync targets' tables are theirs, not core's.
 */
const SchemaModule &coreSchema();

} // namespace sb
