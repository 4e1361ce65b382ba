// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

namespace sb {

/**
 * Where the app keeps its files on this device. The encrypted store lives in the app's
 * private data directory, never in a shared or backed-up location.
 */
class DevicePaths {
public:
    /// The app data directory (created if missing); override with SESSIONBOOK_DATA_DIR.
    [[nodiscard]] static QString dataDirectory();
    /// The device store file inside dataDirectory().
    [[nodiscard]] static QString storePath();
};

} // namespace sb
