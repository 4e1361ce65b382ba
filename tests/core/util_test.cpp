// SPDX-License-Identifier: Apache-2.0
#include "domain/ids.h"
#include "util/clock.h"
#include "util/expected.h"
#include "util/uuid7.h"

#include <catch2/catch_test_macros.hpp>

#include <set>

using namespace sb;

TEST_CASE("UUIDv7 ids carry the clock's millisecond and version/variant bits")
{
    ManualClock clock(1'767'225'600'123);
    Uuid7Generator generator(clock);
    const QUuid id = generator.next();
    const QByteArray bytes = id.toRfc4122();
    CHECK((uchar(bytes[6]) >> 4) == 7);      // version 7 (Qt 6.4's QUuid::version() predates v7)
    CHECK((uchar(bytes[8]) & 0xC0) == 0x80); // RFC 9562 variant
    CHECK(Uuid7Generator::timestampMs(id) == 1'767'225'600'123);
}

TEST_CASE("UUIDv7 ids are strictly increasing, within a millisecond and when the clock steps back")
{
    ManualClock clock(1'767'225'600'000);
    Uuid7Generator generator(clock);
    std::vector<SessionId> ids;
    for (int i = 0; i < 5000; ++i) { // more than the 4096 ids one millisecond's counter holds
        ids.emplace_back(generator.next());
    }
    clock.setWallMs(1'767'225'500'000); // the wall clock goes back 100 s
    for (int i = 0; i < 100; ++i) {
        ids.emplace_back(generator.next());
    }
    for (std::size_t i = 1; i < ids.size(); ++i) {
        REQUIRE(ids[i - 1] < ids[i]);
    }
    std::set<QString> unique;
    for (const auto &id : ids) {
        unique.insert(id.toString());
    }
    CHECK(unique.size() == ids.size());
}

TEST_CASE("Typed ids round-trip through their string form and refuse garbage")
{
    ManualClock clock;
    Uuid7Generator generator(clock);
    const PatientId id(generator.next());
    const auto parsed = PatientId::fromString(id.toString());
    REQUIRE(parsed.has_value());
    CHECK(*parsed == id);
    CHECK_FALSE(PatientId::fromString(u"not-a-uuid").has_value());
    CHECK_FALSE(PatientId::fromString(u"'; DROP TABLE patients;--").has_value());
}

TEST_CASE("Expected carries either a value or a typed error")
{
    enum class Error { Bad };
    Expected<int, Error> good(42);
    Expected<int, Error> bad = unexpected(Error::Bad);
    REQUIRE(good.hasValue());
    CHECK(*good == 42);
    REQUIRE_FALSE(bad.hasValue());
    CHECK(bad.error() == Error::Bad);
    CHECK(bad.valueOr(7) == 7);
    Expected<void, Error> ok;
    Expected<void, Error> failed = unexpected(Error::Bad);
    CHECK(ok.hasValue());
    CHECK_FALSE(failed.hasValue());
}
