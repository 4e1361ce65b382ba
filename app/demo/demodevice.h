// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "store/storeerror.h"

#include <QString>

namespace sb {
class Store;
}

namespace sb::demo {

/**
 * Records the demo clinician `login` as the device's enrolled identity, as enrollment does
 * (DeviceSyncStore::saveEnrollment), for a device that has no server: no device token is
 * stored, so the sync client counts the device as not enrolled (it sends nothing and shows
 * no error) while the app takes its clinician from the enrollment. NotFound when `login` is
 * not a clinician of the store's practice.
 */
StoreResult<void> enrollDemoClinician(Store &store, const QString &login);

/**
 * A new device store as the walkthrough, tests and benchmarks use it: the demo practice
 * seeded (seedDemoPractice) and `login` enrolled (enrollDemoClinician), in that order.
 */
StoreResult<void> prepareDemoDevice(Store &store, const QString &login);

} // namespace sb::demo
