// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "audit/auditlog.h"
#include "store/storeerror.h"

namespace sb {
class Store;
}

namespace sb::demo {

/**
 * Adds a fictional practice to a store: an organization, four clinicians with their users,
 * payers of each kind, patients with coverages (one carved out to a behavioral-health plan),
 * authorizations, credentialing records and a week of sessions, some signed. Every name,
 * number and note is invented. Dates are relative to the store's clock.
 */
StoreResult<void> seedDemoPractice(Store &store, const Actor &actor);

} // namespace sb::demo
