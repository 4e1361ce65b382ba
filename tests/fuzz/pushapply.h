// SPDX-License-Identifier: Apache-2.0
#pragma once
// The second half of the push fuzz target: a decoded push applied to a real office store
// through SyncService::push, the path `serve` runs. Built by the fuzz preset and by a
// regular test (sync_push_apply_test), so that it compiles and runs with gcc too.
#include "fixtures.h"
#include "server/officeschema.h"
#include "server/syncservice.h"

#include <QByteArray>
#include <QByteArrayView>

#include <memory>

namespace sb::fuzz {

/**
 * One seeded office store (the fixtures' practice and an enrolled device for its
 * clinician), made once and reused for every input so that an input costs one push. Each
 * session and addendum in a body that decodes is pinned to the seeded organization,
 * provider, patient (also as a participant) and clinician, so that hostile records get past the
 * caseload scoping into validation, the ledger and the store instead of stopping at a 404.
 */
class PushApplyHarness {
public:
    /// Null when the store or the enrollment could not be made.
    static std::unique_ptr<PushApplyHarness> create();

    /// Decodes `body` as the server does; when it decodes, pins it and pushes it.
    sync::HttpReply push(QByteArrayView body);

    [[nodiscard]] const test::Fixtures &fixtures() const { return m_fixtures; }

private:
    PushApplyHarness() = default;

    test::TestStore m_store{sync::officeSchema()};
    test::Fixtures m_fixtures;
    std::unique_ptr<sync::SyncService> m_service;
    QByteArray m_authorization;
};

} // namespace sb::fuzz
