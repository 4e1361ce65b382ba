// SPDX-License-Identifier: Apache-2.0
#include "demodevice.h"

#include "client/deviceschema.h"
#include "client/devicesyncstore.h"
#include "demopractice.h"
#include "store/store.h"

namespace sb::demo {

StoreResult<void> enrollDemoClinician(Store &store, const QString &login)
{
    auto user = store.practice().userByLogin(login);
    if (!user) {
        return unexpected(user.error());
    }
    if (!user->providerId) {
        return storeError(StoreError::Kind::NotFound, QStringLiteral("not a clinician"));
    }
    // The device's sync tables, for a store opened without them (a bench, a test).
    if (auto added = store.addModules(sync::deviceSchema()); !added) {
        return added;
    }
    // No server: an address that can never resolve (RFC 6761), no pin, a device id of its own.
    return sync::DeviceSyncStore(store).saveEnrollment(
        QStringLiteral("https://office.invalid"), sync::ServerPins{}, DeviceId(store.ids().next()),
        user->id, user->organizationId, user->providerId);
}

StoreResult<void> prepareDemoDevice(Store &store, const QString &login)
{
    const Actor setup{UserId(store.ids().next()), DeviceId(store.ids().next())};
    if (auto seeded = seedDemoPractice(store, setup); !seeded) {
        return seeded;
    }
    return enrollDemoClinician(store, login);
}

} // namespace sb::demo
