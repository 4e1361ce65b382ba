// SPDX-License-Identifier: Apache-2.0
// The sync targets own their tables: the device's sync client and the office's server each
// register a schema module with the store, and core's runner applies it. A store made by any
// release before modules (one user_version for every table, built here with the steps those
// releases ran, frozen in legacyschema.cpp) hands its sync tables over to the modules with
// their rows, ends with the same schema a fresh store gets, and a fresh device store gets no
// office tables (nor the office's store the device's).
#include "catchqt.h"
#include "client/deviceschema.h"
#include "fixtures.h"
#include "legacyschema.h"
#include "server/officeschema.h"
#include "store/schema.h"

#include <catch2/catch_test_macros.hpp>
#include <map>
#include <vector>

using namespace sb;
using namespace sb::test;

namespace {

/// Every schema object with its SQL, in a stable order ("type name on table: sql").
QStringList schemaDump(Database &db)
{
    QStringList rows;
    auto stmt = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master "
                           "ORDER BY type, name");
    REQUIRE(stmt);
    while (*stmt->step()) {
        rows.append(stmt->text(0) + u' ' + stmt->text(1) + QStringLiteral(" on ") + stmt->text(2)
                    + QStringLiteral(": ") + stmt->text(3));
    }
    return rows;
}

/// The modules of a store with every table: the device's and the office's.
std::vector<SchemaModule> bothSyncModules()
{
    std::vector<SchemaModule> modules;
    for (auto part : {sync::deviceSchema(), sync::officeSchema()}) {
        modules.insert(modules.end(), part.begin(), part.end());
    }
    return modules;
}

std::int64_t integer(Database &db, const char *sql)
{
    auto stmt = db.prepare(sql);
    REQUIRE(stmt);
    REQUIRE(*stmt->step());
    return stmt->int64(0);
}

bool hasTable(Database &db, const QString &name)
{
    return schemaObjects(db).contains(QStringLiteral("table:") + name);
}

/// Rows in the sync tables as the release of `version` wrote them (literal test data).
void seedSyncRows(Database &db, int version)
{
    REQUIRE(db.execLiteral("INSERT INTO organizations (id, name) VALUES (X'10', 'Legacy practice');"
                           "INSERT INTO users (id, organization_id, login, display_name, role) "
                           "VALUES (X'11', X'10', 'legacy.user', 'Legacy User', 'clinician');"));
    if (version >= 5) {
        REQUIRE(db.execLiteral(
            "INSERT INTO office_devices (id, user_id, token_hash, enrolled_at, expires_at) "
            "VALUES (X'12', X'11', X'13', 1, 2);"
            "INSERT INTO office_sync_ledger (change_id, organization_id, device_id, record_type, "
            "record_id, content_hash, outcome, server_seq, received_at) "
            "VALUES (X'0102', X'10', X'12', 'session', X'14', X'15', 'accepted', 7, 1);"));
    }
    if (version >= 6) {
        REQUIRE(db.execLiteral(
            "UPDATE sync_state SET server_url = 'https://office.invalid', pull_cursor = 42 "
            "WHERE id = 1;"
            "INSERT INTO sync_outbox (change_id, seq, record_type, record_id, content_hash, "
            "payload, enqueued_at) VALUES (X'01', 1, 'session', X'02', X'03', X'04', 5);"));
    }
}

} // namespace

TEST_CASE("The modules hold every released step, verbatim and once")
{
    const auto legacy = legacyMonolithicSchema();
    std::map<int, const MigrationStep *> owned;
    std::vector<SchemaModule> modules{coreSchema()};
    const auto sync = bothSyncModules();
    modules.insert(modules.end(), sync.begin(), sync.end());
    for (const SchemaModule &module : modules) {
        for (const MigrationStep &step : module.steps) {
            if (step.monolithicVersion != 0) {
                CAPTURE(step.monolithicVersion);
                CHECK(owned.emplace(step.monolithicVersion, &step).second);
            }
        }
    }
    REQUIRE(owned.size() == legacy.size());
    for (const MigrationStep &released : legacy) {
        CAPTURE(released.version);
        REQUIRE(owned.contains(released.version));
        CHECK(std::string_view(owned[released.version]->sql) == std::string_view(released.sql));
    }
}

TEST_CASE("A device store gets no office tables, and the office's store no device tables")
{
    TestStore device(sync::deviceSchema());
    REQUIRE(device.store);
    TestStore office(sync::officeSchema());
    REQUIRE(office.store);
    for (const QString &object : schemaObjects(device.store->database())) {
        CHECK_FALSE(object.contains(QStringLiteral(":office_")));
    }
    for (const QString &object : schemaObjects(office.store->database())) {
        CHECK_FALSE(object.contains(QStringLiteral(":sync_")));
    }
    CHECK(hasTable(device.store->database(), QStringLiteral("sync_outbox")));
    CHECK(hasTable(office.store->database(), QStringLiteral("office_sync_ledger")));
    CHECK(device.store->database().moduleVersion("device_sync")
          == sync::deviceSchema().front().steps.back().version);
    CHECK(device.store->database().moduleVersion("office_sync") == 0);
    CHECK(office.store->database().moduleVersion("office_sync")
          == sync::officeSchema().front().steps.back().version);
}

TEST_CASE("A store of every release before modules hands its sync tables to their modules")
{
    const int deviceNewest = sync::deviceSchema().front().steps.back().version;
    const int officeNewest = sync::officeSchema().front().steps.back().version;
    QStringList fresh;
    {
        TempDir dir;
        ManualClock clock;
        const auto modules = bothSyncModules();
        auto store = tryOpenStore(storePath(dir), clock, modules);
        REQUIRE(store);
        fresh = schemaDump((*store)->database());
    }

    for (int version = 1; version <= Database::lastMonolithicVersion; ++version) {
        DYNAMIC_SECTION("from version " << version)
        {
            TempDir dir;
            ManualClock clock;
            const QString path = storePath(dir);
            {
                Database::Options options;
                options.targetVersion = version;
                auto db = Database::open(path, testKey(), legacyMonolithicSchema(), options);
                REQUIRE(db);
                seedSyncRows(**db, version);
            }

            // The clinician's app: core and the device's tables. The office's tables of such a
            // store stay as they were, neither taken over nor dropped.
            {
                auto opened = tryOpenStore(path, clock, sync::deviceSchema());
                REQUIRE(opened);
                Database &db = (*opened)->database();
                CHECK(db.moduleVersion("device_sync") == deviceNewest);
                CHECK(db.moduleVersion("office_sync") == 0);
                CHECK(hasTable(db, QStringLiteral("office_sync_ledger")) == (version >= 5));
                if (version >= 6) {
                    CHECK(integer(db, "SELECT count(*) FROM sync_outbox WHERE change_id = X'01' "
                                      "AND payload = X'04'")
                          == 1);
                    CHECK(integer(db, "SELECT pull_cursor FROM sync_state WHERE server_url = "
                                      "'https://office.invalid'")
                          == 42);
                }
                // Version 10's columns, added now or kept.
                CHECK(integer(db, "SELECT count(*) FROM sync_state WHERE pin_kind = 'legacy'")
                      == 1);
            }

            // The office's binary on the same file: its module takes over what is there.
            {
                auto opened = tryOpenStore(path, clock, sync::officeSchema());
                REQUIRE(opened);
                Database &db = (*opened)->database();
                CHECK(db.moduleVersion("office_sync") == officeNewest);
                CHECK(db.moduleVersion("device_sync") == deviceNewest);
                if (version >= 5) {
                    // Version 9 keys the ledger by organization and change id; the row stays.
                    CHECK(integer(db, "SELECT server_seq FROM office_sync_ledger WHERE "
                                      "organization_id = X'10' AND change_id = X'0102'")
                          == 7);
                    CHECK(integer(db, "SELECT count(*) FROM office_devices WHERE id = X'12' "
                                      "AND last_peer IS NULL")
                          == 1);
                }
                CHECK(integer(db, "SELECT count(*) FROM office_access_tokens") == 0);
                CHECK(db.checkIntegrity().hasValue());
                // The same tables, indexes and triggers, to the letter, as a fresh store.
                CHECK(schemaDump(db) == fresh);
            }
        }
    }
}
