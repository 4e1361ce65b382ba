// SPDX-License-Identifier: Apache-2.0
#include "fixtures.h"

#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::test;

TEST_CASE("Fixtures build a practice through the repositories and read back equal")
{
    TempDir dir;
    ManualClock clock;
    auto store = openStore(dir, clock);
    REQUIRE(store);
    auto fixtures = Fixtures::create(*store);
    REQUIRE(fixtures.hasValue());
    const Fixtures &f = *fixtures;
    auto session = store->sessions().session(f.actor, f.draft.id);
    REQUIRE(session.hasValue());
    CHECK(*session == f.draft);
}
