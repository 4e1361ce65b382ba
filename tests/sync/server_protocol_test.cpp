// SPDX-License-Identifier: Apache-2.0
// The real `sessionbook-office serve` over loopback TLS: health, enrollment with one-time
// codes, exactly-once push (duplicates, conflicts kept, bad hashes rejected), statuses
// received -> coded on the pull feed, monotonic server cursors, and a server killed with
// SIGKILL mid-push whose retried batch is never applied twice.
#include "catchqt.h"
#include "officecli.h"
#include "server_harness.h"

#include <QSslSocket>
#include <QThread>

#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::sync;
using sb::test::ServerHarness;

namespace {

template<typename Message> Message parsed(const test::Reply &reply)
{
    Message message;
    REQUIRE(message.ParseFromArray(reply.body.constData(), int(reply.body.size())));
    return message;
}

pb::PullResponse pull(ServerHarness &server, const QString &token, std::uint64_t cursor,
                      Uuid7Generator &ids, unsigned maxItems = 100)
{
    pb::PullRequest request;
    test::fillHeader(*request.mutable_header(), ids);
    request.set_cursor(cursor);
    request.set_max_items(maxItems);
    const test::Reply reply = server.post(QStringLiteral("/v1/pull"), request, token);
    REQUIRE(reply.status == 200);
    auto response = parsed<pb::PullResponse>(reply);
    CHECK(response.header().server_time_ms() > 0);
    return response;
}

} // namespace

TEST_CASE("Health answers without authentication and says nothing about the data")
{
    ServerHarness server;
    REQUIRE(server.running());
    const test::Reply reply = server.get(QStringLiteral("/v1/health"));
    CHECK(reply.status == 200);
    CHECK(reply.body == "ok\n");
}

TEST_CASE("Enrollment codes are single use and expire")
{
    ServerHarness server;
    REQUIRE(server.running());
    ManualClock clock;
    Uuid7Generator ids(clock);
    const QString code = server.enrollmentCode(QStringLiteral("a1"));
    REQUIRE(code.size() == 14);

    pb::EnrollRequest request;
    test::fillHeader(*request.mutable_header(), ids);
    request.set_enrollment_code(code.toLower().toStdString()); // typed by a person
    request.set_device_name("tablet");
    const test::Reply first = server.post(QStringLiteral("/v1/enroll"), request);
    REQUIRE(first.status == 200);
    const auto enrolled = parsed<pb::EnrollResponse>(first);
    CHECK(enrolled.device_token().size() >= 43);
    CHECK(enrolled.role() == "clinician");
    CHECK(fromWireId(enrolled.provider_id()) == server.practice().providerA1.id.uuid());
    CHECK(enrolled.header().server_time_ms() > 0);

    const test::Reply again = server.post(QStringLiteral("/v1/enroll"), request);
    CHECK(again.status == 401);

    request.set_enrollment_code(server.enrollmentCode(QStringLiteral("a1")).toStdString());
    REQUIRE(
        server.execute("UPDATE office_enrollment_codes SET expires_at = 0 WHERE used_at IS NULL"));
    CHECK(server.post(QStringLiteral("/v1/enroll"), request).status == 401);

    // Only hashes at rest: the token and the code appear nowhere in the tables.
    CHECK(server.count("office_devices") == 1);
    int exitCode = -1;
    const QByteArray list =
        server.office({QStringLiteral("device"), QStringLiteral("list")}, &exitCode);
    CHECK(exitCode == 0);
    CHECK(list.contains("active"));
    CHECK_FALSE(list.contains(QByteArray::fromStdString(enrolled.device_token())));
}

TEST_CASE("A push applies each change exactly once and keeps conflicts")
{
    ServerHarness server;
    REQUIRE(server.running());
    const test::Practice &p = server.practice();
    ManualClock clock;
    Uuid7Generator ids(clock);
    const QString token = server.enroll(QStringLiteral("a1"));
    REQUIRE_FALSE(token.isEmpty());

    // Initial sync: the caseload, not the other clinician's patient.
    const pb::PullResponse initial = pull(server, token, 0, ids);
    QList<QUuid> patients;
    for (const auto &item : initial.items()) {
        if (item.has_patient()) {
            patients.append(fromWireId(item.patient().id()).value_or(QUuid()));
        }
    }
    CHECK(patients == QList<QUuid>{p.patientA1.id.uuid()});
    CHECK(initial.items(0).has_patient()); // patients come first
    const std::uint64_t afterSnapshot = initial.next_cursor();
    CHECK(afterSnapshot > 0);

    pb::PushRequest push;
    test::fillHeader(*push.mutable_header(), ids);
    for (int i = 0; i < 2; ++i) {
        *push.add_changes() = test::signedSessionChange(ids, clock, p.orgA, p.patientA1,
                                                        p.providerA1, p.clinicianA1, p.payer);
        clock.advanceMs(3'600'000);
    }
    const auto first =
        parsed<pb::PushResponse>(server.post(QStringLiteral("/v1/push"), push, token));
    REQUIRE(first.acks_size() == 2);
    for (const auto &ack : first.acks()) {
        CHECK(ack.outcome() == pb::ACK_OUTCOME_ACCEPTED);
        CHECK(ack.server_seq() > 0);
    }
    CHECK(first.acks(1).server_seq() > first.acks(0).server_seq());
    CHECK(server.count("sessions") == 2);

    // The same batch again (a retry after a lost response): duplicates with the same seqs.
    const auto second =
        parsed<pb::PushResponse>(server.post(QStringLiteral("/v1/push"), push, token));
    REQUIRE(second.acks_size() == 2);
    for (int i = 0; i < 2; ++i) {
        CHECK(second.acks(i).outcome() == pb::ACK_OUTCOME_DUPLICATE);
        CHECK(second.acks(i).server_seq() == first.acks(i).server_seq());
    }
    CHECK(server.count("sessions") == 2);
    CHECK(server.count("session_timing") == 8);

    // Same change id, other content: a conflict, kept, never applied over the first.
    pb::PushRequest conflicting;
    test::fillHeader(*conflicting.mutable_header(), ids);
    pb::Change changed = push.changes(0);
    changed.mutable_session()->set_note("a different note");
    changed.set_content_hash(std::string(32, '\x01'));
    *conflicting.add_changes() = changed;
    // A fresh change whose hash does not match its content: rejected with a reason.
    pb::Change badHash = test::signedSessionChange(ids, clock, p.orgA, p.patientA1, p.providerA1,
                                                   p.clinicianA1, p.payer);
    badHash.set_content_hash(std::string(32, '\x02'));
    *conflicting.add_changes() = badHash;
    const auto third =
        parsed<pb::PushResponse>(server.post(QStringLiteral("/v1/push"), conflicting, token));
    REQUIRE(third.acks_size() == 2);
    CHECK(third.acks(0).outcome() == pb::ACK_OUTCOME_CONFLICT);
    CHECK(third.acks(1).outcome() == pb::ACK_OUTCOME_REJECTED);
    CHECK_FALSE(third.acks(1).reason().empty());
    CHECK(server.count("office_sync_conflicts") == 1);
    CHECK(server.count("sessions") == 2);

    // Statuses received -> coded come back on the feed, in server order: one item per
    // session (coded, with the received step before it), two sessions accepted.
    const pb::PullResponse feed = pull(server, token, afterSnapshot, ids);
    QStringList statuses;
    std::uint64_t lastSeq = 0;
    CHECK(feed.items_size() == 2);
    for (const auto &item : feed.items()) {
        REQUIRE(item.has_session_status());
        CHECK(item.seq() > lastSeq);
        lastSeq = item.seq();
        for (const auto &before : item.session_status().earlier()) {
            statuses.append(QString::fromStdString(before.status()));
            CHECK(before.at_ms() == item.session_status().at_ms());
        }
        statuses.append(QString::fromStdString(item.session_status().status()));
        if (item.session_status().status() == "coded") {
            CHECK_FALSE(item.session_status().detail().empty());
        }
    }
    CHECK(statuses
          == QStringList{QStringLiteral("received"), QStringLiteral("coded"),
                         QStringLiteral("received"), QStringLiteral("coded")});
    CHECK(feed.next_cursor() > afterSnapshot);
    CHECK_FALSE(feed.more());
    const pb::PullResponse empty = pull(server, token, feed.next_cursor(), ids);
    CHECK(empty.items_size() == 0);
    CHECK(empty.next_cursor() == feed.next_cursor());

    // Pages of one item: `more` until the feed is drained (two items, two pages), the cursor
    // rising every time.
    std::uint64_t cursor = afterSnapshot;
    int pages = 0;
    for (bool more = true; more; ++pages) {
        const pb::PullResponse page = pull(server, token, cursor, ids, 1);
        CHECK(page.next_cursor() > cursor);
        cursor = page.next_cursor();
        more = page.more();
        REQUIRE(pages < 10);
    }
    CHECK(pages == feed.items_size());
    CHECK(cursor == feed.next_cursor());
}

TEST_CASE("Billing's addendum request after the first sync reaches that clinician's next pull "
          "(sessionbook-office task request-addendum), and no one else's")
{
    ServerHarness server;
    REQUIRE(server.running());
    const test::Practice &p = server.practice();
    ManualClock clock;
    Uuid7Generator ids(clock);
    const QString a1 = server.enroll(QStringLiteral("a1"));
    const QString a2 = server.enroll(QStringLiteral("a2"));
    REQUIRE_FALSE(a1.isEmpty());
    REQUIRE_FALSE(a2.isEmpty());
    const std::uint64_t a2Cursor = pull(server, a2, 0, ids).next_cursor();

    pb::PushRequest push;
    test::fillHeader(*push.mutable_header(), ids);
    *push.add_changes() = test::signedSessionChange(ids, clock, p.orgA, p.patientA1, p.providerA1,
                                                    p.clinicianA1, p.payer);
    const QUuid session = fromWireId(push.changes(0).session().id()).value_or(QUuid());
    REQUIRE(parsed<pb::PushResponse>(server.post(QStringLiteral("/v1/push"), push, a1))
                .acks(0)
                .outcome()
            == pb::ACK_OUTCOME_ACCEPTED);
    const std::uint64_t caughtUp =
        pull(server, a1, pull(server, a1, 0, ids).next_cursor(), ids).next_cursor();

    // The office command, against the live store (WAL: the server keeps serving).
    const test::OfficeRun run = test::runOffice(
        QStringLiteral("task"), {},
        {QStringLiteral("request-addendum"), session.toString(QUuid::WithoutBraces),
         QStringLiteral("--message"), QStringLiteral("Add the start and stop times."),
         QStringLiteral("--database"), server.databasePath(), QStringLiteral("--key-file"),
         server.keyFilePath()});
    INFO(run.stderrText.toStdString());
    REQUIRE(run.exitCode == 0);
    REQUIRE(run.lines.size() == 1);
    CHECK(run.lines.first().startsWith("task "));

    const pb::PullResponse next = pull(server, a1, caughtUp, ids);
    REQUIRE(next.items_size() == 1);
    REQUIRE(next.items(0).has_task());
    CHECK(fromWireId(next.items(0).task().session_id()) == session);
    CHECK(next.items(0).task().kind() == "addendum_requested");
    CHECK(next.items(0).task().message() == "Add the start and stop times.");
    CHECK_FALSE(next.items(0).task().done());
    // Another clinician of the same practice does not see it.
    const pb::PullResponse other = pull(server, a2, a2Cursor, ids);
    for (const auto &item : other.items()) {
        CHECK_FALSE(item.has_task());
    }
    // A session that does not exist: refused, nothing published.
    const test::OfficeRun missing = test::runOffice(
        QStringLiteral("task"), {},
        {QStringLiteral("request-addendum"), QUuid::createUuid().toString(QUuid::WithoutBraces),
         QStringLiteral("--message"), QStringLiteral("x"), QStringLiteral("--database"),
         server.databasePath(), QStringLiteral("--key-file"), server.keyFilePath()});
    CHECK(missing.exitCode != 0);
    CHECK(pull(server, a1, next.next_cursor(), ids).items_size() == 0);
}

TEST_CASE("A server killed mid-push never applies the retried batch twice")
{
    ServerHarness server;
    REQUIRE(server.running());
    const test::Practice &p = server.practice();
    ManualClock clock;
    Uuid7Generator ids(clock);
    const QString token = server.enroll(QStringLiteral("a1"));
    REQUIRE_FALSE(token.isEmpty());

    constexpr int batch = 200;
    pb::PushRequest push;
    test::fillHeader(*push.mutable_header(), ids);
    for (int i = 0; i < batch; ++i) {
        *push.add_changes() = test::signedSessionChange(ids, clock, p.orgA, p.patientA1,
                                                        p.providerA1, p.clinicianA1, p.payer);
        clock.advanceMs(60'000);
    }
    std::string body;
    push.SerializeToString(&body);
    const QByteArray head = "POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                            "application/x-protobuf\r\nAuthorization: Bearer "
                            + token.toLatin1() + "\r\nContent-Length: "
                            + QByteArray::number(qsizetype(body.size())) + "\r\n\r\n";
    {
        QSslSocket socket;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates({server.certificate()});
        socket.setSslConfiguration(tls);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.port());
        REQUIRE(socket.waitForEncrypted(5000));
        socket.write(head + QByteArray(body.data(), qsizetype(body.size())));
        while (socket.bytesToWrite() > 0 && socket.waitForBytesWritten(1000)) {
        }
        QThread::msleep(30); // the batch is being applied
        server.kill();
    }
    const std::int64_t afterCrash = server.count("sessions");
    CHECK((afterCrash == 0 || afterCrash == batch)); // one transaction: all or nothing

    REQUIRE(server.start());
    const auto retried =
        parsed<pb::PushResponse>(server.post(QStringLiteral("/v1/push"), push, token));
    REQUIRE(retried.acks_size() == batch);
    for (const auto &ack : retried.acks()) {
        CHECK((ack.outcome() == pb::ACK_OUTCOME_ACCEPTED
               || ack.outcome() == pb::ACK_OUTCOME_DUPLICATE));
    }
    CHECK(server.count("sessions") == batch);
    CHECK(server.count("office_sync_ledger") == batch);
    int exitCode = -1;
    const QByteArray verify = server.office({QStringLiteral("verify")}, &exitCode);
    CHECK(exitCode == 0);
    CHECK(verify.contains("audit chain: intact"));
}
