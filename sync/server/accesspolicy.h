// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "domain/organization.h"

namespace sb::sync {

/// The sync endpoints a device reaches with its token (or, for Enroll, its one-time code).
enum class Endpoint { Enroll, Push, Pull, SessionStatus, Patient };

/**
 * The allow-list of roles per endpoint. A pair that is not listed is refused (403): a role
 * added later reaches nothing until it is listed here. Clinicians push their own sessions
 * and read their caseload, billers read their organization, admins work through the office
 * command line and have no sync device at all.
 */
[[nodiscard]] bool roleMayUse(Role role, Endpoint endpoint);

} // namespace sb::sync
