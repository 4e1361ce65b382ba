// SPDX-License-Identifier: Apache-2.0
// What the sync service writes to the audit log, in process over a real encrypted store: a
// flood of anonymous refusals costs a bounded number of rows (counted, not one row each), and
// a pull page audits the records it sends rather than everything the snapshot read.
#include "catchqt.h"
#include "coding/ruleset.h"
#include "fixtures.h"
#include "recordcodec.h"
#include "server/officeschema.h"
#include "server/syncservice.h"

#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <set>
#include <utility>

using namespace sb;
using namespace sb::test;

namespace {

struct Office {
    TestStore t{sync::officeSchema()};
    Fixtures f;
    std::unique_ptr<sync::SyncService> service;

    Office()
    {
        REQUIRE(t.store);
        auto created = Fixtures::create(*t.store);
        REQUIRE(created.hasValue());
        f = std::move(*created);
        auto rules = coding::RuleSet::builtin();
        REQUIRE(rules.hasValue());
        service = std::make_unique<sync::SyncService>(*t.store, *rules, sync::SyncServiceConfig{});
    }

    std::int64_t auditRows() { return *t.store->audit().count(); }
    std::int64_t lastSeq()
    {
        auto stmt = t.store->database().prepare("SELECT coalesce(max(seq), 0) FROM audit_log");
        REQUIRE(stmt.hasValue());
        REQUIRE(*stmt->step());
        return stmt->int64(0);
    }

    /// (action, record type, record id) of the audit rows after `seq`.
    std::multiset<std::tuple<QString, QString, QUuid>> rowsAfter(std::int64_t seq)
    {
        auto stmt = t.store->database().prepare(
            "SELECT action, record_type, record_id FROM audit_log WHERE seq > ? ORDER BY seq");
        REQUIRE(stmt.hasValue());
        stmt->bind(1, seq);
        std::multiset<std::tuple<QString, QString, QUuid>> rows;
        while (*stmt->step()) {
            const QByteArray id = stmt->blob(2);
            rows.emplace(stmt->text(0), stmt->text(1),
                         id.size() == 16 ? QUuid::fromRfc4122(id) : QUuid());
        }
        return rows;
    }

    QByteArray bearer()
    {
        auto code = service->repository().issueEnrollmentCode(f.actor, f.clinician.id, 60);
        REQUIRE(code.hasValue());
        auto enrolled =
            service->repository().enroll(*code, QStringLiteral("phone"), QStringLiteral("linux"),
                                         sync::TokenPolicy{}, false, QStringLiteral("127.0.0.1"));
        REQUIRE(enrolled.hasValue());
        REQUIRE(enrolled->hasValue());
        return "Bearer " + (*enrolled)->token.toLatin1();
    }
};

QByteArray pullRequest(Uuid7Generator &ids, std::uint64_t cursor, unsigned maxItems)
{
    sync::pb::PullRequest request;
    request.mutable_header()->set_schema_version(sync::protocolSchemaVersion);
    request.mutable_header()->set_client_version("test");
    request.mutable_header()->set_request_id(sync::toWireId(ids.next()));
    request.set_cursor(cursor);
    request.set_max_items(maxItems);
    std::string bytes;
    request.SerializeToString(&bytes);
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

QUuid uuidOf(const std::string &wire)
{
    return sync::fromWireId(wire).value_or(QUuid());
}

/// The audit row a page owes for one item it sends.
std::tuple<QString, QString, QUuid> expectedRow(const sync::pb::PullItem &item)
{
    const QString exported = QStringLiteral("export");
    if (item.has_patient()) {
        return {exported, QStringLiteral("patient"), uuidOf(item.patient().id())};
    }
    if (item.has_authorization()) {
        return {exported, QStringLiteral("authorization"), uuidOf(item.authorization().id())};
    }
    if (item.has_coverage()) {
        return {exported, QStringLiteral("coverage"), uuidOf(item.coverage().id())};
    }
    if (item.has_credentialing()) {
        return {exported, QStringLiteral("credentialing"), uuidOf(item.credentialing().id())};
    }
    if (item.has_task()) {
        return {exported, QStringLiteral("task"), uuidOf(item.task().id())};
    }
    if (item.has_session_status()) {
        return {exported, QStringLiteral("session_status"),
                uuidOf(item.session_status().session_id())};
    }
    FAIL("an item of an unknown kind");
    return {};
}

} // namespace

TEST_CASE("10,000 anonymous refusals write a bounded number of audit rows", "[sync]")
{
    Office office;
    Uuid7Generator ids(office.t.clock);
    const std::int64_t before = office.auditRows();
    const QByteArray body = pullRequest(ids, 0, 10);
    for (int i = 0; i < 10'000; ++i) {
        // No token, a made-up token, and refusals of the HTTP layer, in turn.
        switch (i % 3) {
        case 0:
            REQUIRE(office.service->pull({}, body).status == 401);
            break;
        case 1:
            REQUIRE(office.service->push("Bearer not-a-token", body).status == 401);
            break;
        default:
            office.service->auditRefusal(u"http", 413);
            break;
        }
        if (i % 1000 == 999) {
            office.t.clock.advanceMs(20'000); // 200 s in all: a few counting windows
        }
    }
    office.service->flushRefusals();
    const std::int64_t written = office.auditRows() - before;
    CHECK(written > 0);      // they are audited...
    CHECK(written <= 3 * 5); // ...as at most one row per kind and minute
    // The counts add up to every refusal.
    auto stmt = office.t.store->database().prepare(
        "SELECT outcome FROM audit_log WHERE seq > ? AND user_id IS NULL");
    REQUIRE(stmt.hasValue());
    stmt->bind(1, before);
    std::int64_t total = 0;
    while (*stmt->step()) {
        const QString outcome = stmt->text(0);
        const qsizetype x = outcome.lastIndexOf(u" x");
        REQUIRE(x > 0);
        total += outcome.mid(x + 2).toLongLong();
    }
    CHECK(total == 10'000);
    CHECK(office.t.store->audit().verify().intact);
}

TEST_CASE("A pull page audits the records it sends, not the whole caseload", "[sync]")
{
    Office office;
    Store &store = *office.t.store;
    for (int i = 0; i < 14; ++i) {
        Patient patient = makePatient(store.ids(), office.f.organization.id, office.f.provider.id);
        REQUIRE(store.patients().save(office.f.actor, patient));
    }
    const QByteArray token = office.bearer();
    Uuid7Generator ids(office.t.clock);

    std::uint64_t cursor = 0;
    int pages = 0;
    int sent = 0;
    for (bool more = true; more && pages < 20; ++pages) {
        const std::int64_t seq = office.lastSeq();
        const sync::HttpReply reply = office.service->pull(token, pullRequest(ids, cursor, 4));
        REQUIRE(reply.status == 200);
        sync::pb::PullResponse response;
        REQUIRE(response.ParseFromArray(reply.body.constData(), int(reply.body.size())));
        REQUIRE(response.items_size() <= 4);

        std::multiset<std::tuple<QString, QString, QUuid>> expected;
        for (const auto &item : response.items()) {
            expected.insert(expectedRow(item));
        }
        auto rows = office.rowsAfter(seq);
        // The request's own row, then one export row per item sent; no reads of the rest.
        const auto request = std::find_if(rows.begin(), rows.end(), [](const auto &row) {
            return std::get<1>(row) == QStringLiteral("sync.pull");
        });
        REQUIRE(request != rows.end());
        rows.erase(request);
        CHECK(rows.size() == expected.size());
        CHECK(rows == expected);
        sent += response.items_size();
        cursor = response.next_cursor();
        more = response.more();
    }
    CHECK(pages > 3); // several pages of a caseload of 15
    CHECK(sent >= 15);
    CHECK(store.audit().verify().intact);
}
