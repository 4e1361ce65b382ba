// SPDX-License-Identifier: Apache-2.0
#include "fixtures.h"
#include "store/database.h"

#include <array>
#include <catch2/catch_test_macros.hpp>

using namespace sb;

namespace {
constexpr std::array<MigrationStep, 1> scratchSchema{
    {{1, "CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL);"}}};
}

TEST_CASE("A statement runs, is bound again and runs again")
{
    test::TempDir dir;
    const DatabaseKey key = test::testKey();
    auto db = Database::open(dir.filePath(QStringLiteral("scratch.db")), key, scratchSchema);
    REQUIRE(db.hasValue());
    auto insert = (*db)->prepare("INSERT INTO items (id, label) VALUES (?, ?)");
    REQUIRE(insert.hasValue());
    for (int i = 1; i <= 3; ++i) {
        insert->bind(1, i).bind(2, QStringLiteral("item %1").arg(i));
        REQUIRE(insert->run().hasValue());
    }
    auto count = (*db)->prepare("SELECT count(*), group_concat(label, '|') FROM items");
    REQUIRE(count.hasValue());
    REQUIRE(count->step().valueOr(false));
    CHECK(count->int64(0) == 3);
    CHECK(count->text(1) == QStringLiteral("item 1|item 2|item 3"));
}

TEST_CASE("A failed bind is reported by step, not run with a NULL in its place")
{
    test::TempDir dir;
    const DatabaseKey key = test::testKey();
    auto db = Database::open(dir.filePath(QStringLiteral("scratch.db")), key, scratchSchema);
    REQUIRE(db.hasValue());
    auto insert = (*db)->prepare("INSERT INTO items (id, label) VALUES (?, ?)");
    REQUIRE(insert.hasValue());
    insert->bind(1, 1).bind(2, QStringLiteral("ok")).bind(3, QStringLiteral("no such parameter"));
    auto ran = insert->run();
    REQUIRE_FALSE(ran.hasValue());
    CHECK(ran.error().kind == StoreError::Kind::Internal);
    CHECK(test::rowCount(**db, "items") == 0);
}

TEST_CASE("The same SQL prepared while its cached statement is in use gets its own statement")
{
    test::TempDir dir;
    const DatabaseKey key = test::testKey();
    auto db = Database::open(dir.filePath(QStringLiteral("scratch.db")), key, scratchSchema);
    REQUIRE(db.hasValue());
    for (int i = 1; i <= 3; ++i) {
        auto insert = (*db)->prepare("INSERT INTO items (id, label) VALUES (?, ?)");
        REQUIRE(insert.hasValue());
        insert->bind(1, i).bind(2, QStringLiteral("item %1").arg(i));
        REQUIRE(insert->run().hasValue());
    }
    constexpr std::string_view select = "SELECT label FROM items WHERE id >= ? ORDER BY id";
    for (int round = 0; round < 2; ++round) { // the second round reuses the released cache entry
        auto outer = (*db)->prepare(select);
        REQUIRE(outer.hasValue());
        outer->bind(1, 1);
        REQUIRE(outer->step().valueOr(false));
        CHECK(outer->text(0) == QStringLiteral("item 1"));
        {
            auto inner = (*db)->prepare(select); // outer is mid-iteration
            REQUIRE(inner.hasValue());
            inner->bind(1, 3);
            REQUIRE(inner->step().valueOr(false));
            CHECK(inner->text(0) == QStringLiteral("item 3"));
        }
        REQUIRE(outer->step().valueOr(false));
        CHECK(outer->text(0) == QStringLiteral("item 2"));
    }
}
