// SPDX-License-Identifier: Apache-2.0
// The real server against hostile callers: an authorization matrix (users x roles x
// organizations x endpoints, plus missing, garbage, revoked and expired tokens) and hostile
// HTTP (malformed protobuf, truncated body, lying Content-Length, oversized, slow trickle,
// huge head, chunked). After all of it the server still answers and serves a good client.
#include "catchqt.h"
#include "server/officeschema.h"
#include "server_harness.h"
#include "store/database.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QSslSocket>
#include <QStandardPaths>
#include <QThread>

#include <arpa/inet.h>
#include <catch2/catch_test_macros.hpp>
#include <map>
#include <netinet/in.h>
#include <sys/socket.h>

using namespace sb;
using namespace sb::sync;
using sb::test::ServerHarness;

namespace {

const QStringList fastTimeouts{QStringLiteral("--request-timeout-ms"), QStringLiteral("1500"),
                               QStringLiteral("--head-timeout-ms"),    QStringLiteral("800"),
                               QStringLiteral("--max-body-bytes"),     QStringLiteral("1048576")};

QByteArray bytesOf(const google::protobuf::MessageLite &message)
{
    std::string bytes;
    message.SerializeToString(&bytes);
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

int statusOf(const QByteArray &response)
{
    // "HTTP/1.1 413 Content Too Large\r\n..."
    return response.startsWith("HTTP/1.1 ") ? response.mid(9, 3).toInt() : 0;
}

} // namespace

TEST_CASE("Authorization matrix: users x roles x organizations x endpoints")
{
    ServerHarness server;
    REQUIRE(server.running());
    const test::Practice &p = server.practice();
    ManualClock clock;
    Uuid7Generator ids(clock);

    // A session of clinician A1 for the lookups.
    const QString a1 = server.enroll(QStringLiteral("a1"));
    REQUIRE_FALSE(a1.isEmpty());
    pb::PushRequest seed;
    test::fillHeader(*seed.mutable_header(), ids);
    const pb::Change a1Session = test::signedSessionChange(ids, clock, p.orgA, p.patientA1,
                                                           p.providerA1, p.clinicianA1, p.payer);
    *seed.add_changes() = a1Session;
    REQUIRE(server.post(QStringLiteral("/v1/push"), seed, a1).status == 200);
    const QString sessionId =
        QUuid::fromRfc4122(QByteArray::fromStdString(a1Session.session().id()))
            .toString(QUuid::WithoutBraces);

    // Admins have no sync device: no code is issued for them. A user promoted to admin after
    // enrolling keeps a token that the allow-list refuses everywhere.
    int refused = 0;
    CHECK(server
              .office({QStringLiteral("device"), QStringLiteral("enroll-code"),
                       QStringLiteral("--user"), QStringLiteral("admin")},
                      &refused)
              .isEmpty());
    CHECK(refused != 0);
    int created = -1;
    server.office({QStringLiteral("user"), QStringLiteral("create"), QStringLiteral("--org"),
                   p.orgA.id.toString(), QStringLiteral("--login"), QStringLiteral("promoted"),
                   QStringLiteral("--name"), QStringLiteral("Promoted Biller"),
                   QStringLiteral("--role"), QStringLiteral("biller")},
                  &created);
    REQUIRE(created == 0);

    std::map<std::string, QString> tokens{
        {"clinician A1", a1},
        {"clinician A2", server.enroll(QStringLiteral("a2"))},
        {"biller A", server.enroll(QStringLiteral("biller"))},
        {"admin A", server.enroll(QStringLiteral("promoted"))},
        {"clinician B1", server.enroll(QStringLiteral("b1"))},
        {"missing", QString()},
        {"garbage", QStringLiteral("not-a-token-at-all")},
        {"revoked", server.enroll(QStringLiteral("a1"))},
        {"expired", server.enroll(QStringLiteral("a2"))},
    };
    for (const auto &[who, token] : tokens) {
        if (who != "missing") {
            INFO(who);
            REQUIRE_FALSE(token.isEmpty());
        }
    }
    REQUIRE(server.execute("UPDATE users SET role = 'admin' WHERE login = 'promoted'"));
    // Revoke through the admin command, expire through the clock's stand-in (the table).
    const QByteArray devices = server.office({QStringLiteral("device"), QStringLiteral("list")});
    const QList<QByteArray> lines = devices.split('\n');
    REQUIRE(lines.size() == 7);
    int exitCode = -1;
    server.office({QStringLiteral("device"), QStringLiteral("revoke"),
                   QString::fromLatin1(lines[5].split(' ').first())},
                  &exitCode);
    REQUIRE(exitCode == 0);
    REQUIRE(server.execute("UPDATE office_devices SET expires_at = 1 WHERE id = (SELECT id "
                           "FROM office_devices ORDER BY enrolled_at DESC, id DESC LIMIT 1)"));

    const QString statusPath = QStringLiteral("/v1/sessions/") + sessionId + u"/status";
    const QString patientPath = QStringLiteral("/v1/patients/") + p.patientA1.id.toString();
    const QString unknownPatient =
        QStringLiteral("/v1/patients/") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    pb::PushRequest emptyPush;
    test::fillHeader(*emptyPush.mutable_header(), ids);
    pb::PullRequest pullRequest;
    test::fillHeader(*pullRequest.mutable_header(), ids);

    struct Expected {
        int push;
        int pull;
        int status;
        int patient;
        int unknown;
    };
    const std::map<std::string, Expected> matrix{
        {"clinician A1", {200, 200, 200, 200, 404}}, {"clinician A2", {200, 200, 404, 404, 404}},
        {"biller A", {403, 200, 200, 200, 404}},     {"admin A", {403, 403, 403, 403, 403}},
        {"clinician B1", {200, 200, 404, 404, 404}}, {"missing", {401, 401, 401, 401, 401}},
        {"garbage", {401, 401, 401, 401, 401}},      {"revoked", {401, 401, 401, 401, 401}},
        {"expired", {401, 401, 401, 401, 401}},
    };
    for (const auto &[who, expected] : matrix) {
        INFO(who);
        const QString &token = tokens.at(who);
        const test::Reply push = server.post(QStringLiteral("/v1/push"), emptyPush, token);
        const test::Reply pulled = server.post(QStringLiteral("/v1/pull"), pullRequest, token);
        const test::Reply status = server.get(statusPath, token);
        const test::Reply patient = server.get(patientPath, token);
        const test::Reply unknown = server.get(unknownPatient, token);
        CHECK(push.status == expected.push);
        CHECK(pulled.status == expected.pull);
        CHECK(status.status == expected.status);
        CHECK(patient.status == expected.patient);
        CHECK(unknown.status == expected.unknown);
        if (expected.push == 401) {
            CHECK(push.wwwAuthenticate.startsWith("Bearer"));
            CHECK(status.wwwAuthenticate.startsWith("Bearer"));
        }
    }

    // The coded status is visible to the session's clinician.
    pb::SessionStatusResponse trail;
    const test::Reply status = server.get(statusPath, a1);
    REQUIRE(trail.ParseFromArray(status.body.constData(), int(status.body.size())));
    REQUIRE(trail.statuses_size() >= 2);
    CHECK(trail.statuses(trail.statuses_size() - 2).status() == "received");
    CHECK(trail.statuses(trail.statuses_size() - 1).status() == "coded");

    // Pushing into someone else's caseload or organization is refused per change, as if the
    // patient did not exist.
    const auto pushAs = [&](const QString &token, const pb::Change &change) {
        pb::PushRequest request;
        test::fillHeader(*request.mutable_header(), ids);
        *request.add_changes() = change;
        pb::PushResponse response;
        const test::Reply reply = server.post(QStringLiteral("/v1/push"), request, token);
        REQUIRE(reply.status == 200);
        REQUIRE(response.ParseFromArray(reply.body.constData(), int(reply.body.size())));
        REQUIRE(response.acks_size() == 1);
        return response.acks(0);
    };
    const pb::Ack otherCaseload = pushAs(
        tokens.at("clinician A2"), test::signedSessionChange(ids, clock, p.orgA, p.patientA1,
                                                             p.providerA2, p.clinicianA2, p.payer));
    CHECK(otherCaseload.outcome() == pb::ACK_OUTCOME_REJECTED);
    CHECK(otherCaseload.reason() == "patient not found");
    const pb::Ack otherOrg = pushAs(
        tokens.at("clinician B1"), test::signedSessionChange(ids, clock, p.orgA, p.patientA1,
                                                             p.providerB1, p.clinicianB1, p.payer));
    CHECK(otherOrg.outcome() == pb::ACK_OUTCOME_REJECTED);
    const pb::Ack ownSession = pushAs(
        tokens.at("clinician B1"), test::signedSessionChange(ids, clock, p.orgB, p.patientB1,
                                                             p.providerB1, p.clinicianB1, p.payer));
    CHECK(ownSession.outcome() == pb::ACK_OUTCOME_ACCEPTED);
    CHECK(server.count("sessions") == 2);

    // The billing feed of organization A holds nothing of organization B.
    pb::PullResponse billing;
    const test::Reply billed =
        server.post(QStringLiteral("/v1/pull"), pullRequest, tokens.at("biller A"));
    REQUIRE(billing.ParseFromArray(billed.body.constData(), int(billed.body.size())));
    for (const auto &item : billing.items()) {
        if (item.has_patient()) {
            CHECK(item.patient().id() != sync::toWireId(p.patientB1.id));
        }
    }
}

namespace {

/// Pushes one change as `token`; its ack.
pb::Ack pushOne(ServerHarness &server, Uuid7Generator &ids, const QString &token,
                const pb::Change &change)
{
    pb::PushRequest request;
    test::fillHeader(*request.mutable_header(), ids);
    *request.add_changes() = change;
    const test::Reply reply = server.post(QStringLiteral("/v1/push"), request, token);
    REQUIRE(reply.status == 200);
    pb::PushResponse response;
    REQUIRE(response.ParseFromArray(reply.body.constData(), int(reply.body.size())));
    REQUIRE(response.acks_size() == 1);
    return response.acks(0);
}

QString sessionIdOf(const pb::Change &change)
{
    return QUuid::fromRfc4122(QByteArray::fromStdString(change.session().id()))
        .toString(QUuid::WithoutBraces);
}

} // namespace

TEST_CASE("A role the server does not know is refused, never taken for a clinician")
{
    ServerHarness server;
    REQUIRE(server.running());
    const test::Practice &p = server.practice();
    ManualClock clock;
    Uuid7Generator ids(clock);
    const QString a1 = server.enroll(QStringLiteral("a1"));
    REQUIRE_FALSE(a1.isEmpty());
    const pb::Change change = test::signedSessionChange(ids, clock, p.orgA, p.patientA1,
                                                        p.providerA1, p.clinicianA1, p.payer);
    REQUIRE(pushOne(server, ids, a1, change).outcome() == pb::ACK_OUTCOME_ACCEPTED);

    // An enrolled device whose user's role became unknown reaches nothing.
    REQUIRE(server.execute("UPDATE users SET role = 'superuser' WHERE login = 'a1'"));
    pb::PushRequest push;
    test::fillHeader(*push.mutable_header(), ids);
    *push.add_changes() = test::signedSessionChange(ids, clock, p.orgA, p.patientA1, p.providerA1,
                                                    p.clinicianA1, p.payer);
    pb::PullRequest pull;
    test::fillHeader(*pull.mutable_header(), ids);
    CHECK(server.post(QStringLiteral("/v1/push"), push, a1).status == 403);
    CHECK(server.post(QStringLiteral("/v1/pull"), pull, a1).status == 403);
    CHECK(server.get(QStringLiteral("/v1/sessions/") + sessionIdOf(change) + u"/status", a1).status
          == 403);
    CHECK(server.get(QStringLiteral("/v1/patients/") + p.patientA1.id.toString(), a1).status
          == 403);
    CHECK(server.count("sessions") == 1);

    // A valid code of a user with an unknown role enrolls nothing and stays unspent.
    const QString code = server.enrollmentCode(QStringLiteral("a2"));
    REQUIRE(code.size() == 14);
    REQUIRE(server.execute("UPDATE users SET role = 'superuser' WHERE login = 'a2'"));
    pb::EnrollRequest enroll;
    test::fillHeader(*enroll.mutable_header(), ids);
    enroll.set_enrollment_code(code.toStdString());
    enroll.set_device_name("tablet");
    CHECK(server.post(QStringLiteral("/v1/enroll"), enroll).status == 403);
    CHECK(server.count("office_devices") == 1);
    int exitCode = 0;
    server.office({QStringLiteral("device"), QStringLiteral("enroll-code"),
                   QStringLiteral("--user"), QStringLiteral("a2")},
                  &exitCode);
    CHECK(exitCode != 0);
    REQUIRE(server.execute("UPDATE users SET role = 'clinician' WHERE login = 'a2'"));
    CHECK(server.post(QStringLiteral("/v1/enroll"), enroll).status == 200);
    CHECK(server.count("office_devices") == 2);
}

TEST_CASE("A clinician names only participants of their own caseload")
{
    ServerHarness server;
    REQUIRE(server.running());
    const test::Practice &p = server.practice();
    ManualClock clock;
    Uuid7Generator ids(clock);
    const QString a1 = server.enroll(QStringLiteral("a1"));
    REQUIRE_FALSE(a1.isEmpty());
    const auto groupWith = [&](const Patient &member) {
        Session session = test::makeDraftSession(ids, clock, p.orgA.id, p.patientA1.id,
                                                 p.providerA1.id, p.payer.id);
        session.service = ServiceKind::Group;
        session.participants.append(
            Participant{ParticipantRole::GroupMember, member.id, QString(), false});
        return test::sessionChange(ids, clock, session, p.clinicianA1);
    };

    // Patient A2 is of the same practice but on clinician A2's caseload, not A1's.
    const pb::Ack otherCaseload = pushOne(server, ids, a1, groupWith(p.patientA2));
    CHECK(otherCaseload.outcome() == pb::ACK_OUTCOME_REJECTED);
    CHECK(otherCaseload.reason() == "participant not found");
    const pb::Ack otherOrg = pushOne(server, ids, a1, groupWith(p.patientB1));
    CHECK(otherOrg.outcome() == pb::ACK_OUTCOME_REJECTED);
    CHECK(otherOrg.reason() == "participant not found");
    CHECK(server.count("sessions") == 0);

    // Once clinician A1 is patient A2's primary clinician, A2 is on A1's caseload.
    REQUIRE(server.execute(
        QStringLiteral("UPDATE patients SET primary_provider_id = X'%1' WHERE id = X'%2'")
            .arg(QString::fromLatin1(p.providerA1.id.uuid().toRfc4122().toHex()),
                 QString::fromLatin1(p.patientA2.id.uuid().toRfc4122().toHex()))
            .toUtf8()
            .constData()));
    CHECK(pushOne(server, ids, a1, groupWith(p.patientA2)).outcome() == pb::ACK_OUTCOME_ACCEPTED);
}

TEST_CASE("Session and change ids are looked up within the caller's organization")
{
    ServerHarness server;
    REQUIRE(server.running());
    const test::Practice &p = server.practice();
    ManualClock clock;
    Uuid7Generator ids(clock);
    const QString a1 = server.enroll(QStringLiteral("a1"));
    const QString b1 = server.enroll(QStringLiteral("b1"));
    const QString billerA = server.enroll(QStringLiteral("biller"));
    REQUIRE_FALSE(a1.isEmpty());
    REQUIRE_FALSE(b1.isEmpty());
    REQUIRE_FALSE(billerA.isEmpty());
    const auto sessionOfA = [&] {
        return test::signedSessionChange(ids, clock, p.orgA, p.patientA1, p.providerA1,
                                         p.clinicianA1, p.payer);
    };
    const auto sessionOfB = [&] {
        return test::signedSessionChange(ids, clock, p.orgB, p.patientB1, p.providerB1,
                                         p.clinicianB1, p.payer);
    };

    // Organization B's own records: two sessions and an addendum.
    const pb::Change b1Session = sessionOfB();
    const pb::Ack b1Ack = pushOne(server, ids, b1, b1Session);
    REQUIRE(b1Ack.outcome() == pb::ACK_OUTCOME_ACCEPTED);
    const pb::Change b1Later = sessionOfB();
    REQUIRE(pushOne(server, ids, b1, b1Later).outcome() == pb::ACK_OUTCOME_ACCEPTED);
    const SessionId bSessionId(
        QUuid::fromRfc4122(QByteArray::fromStdString(b1Session.session().id())));
    const AddendumId bAddendumId(ids.next());
    REQUIRE(pushOne(server, ids, b1,
                    test::addendumChange(ids, clock, bSessionId, bAddendumId, p.clinicianB1))
                .outcome()
            == pb::ACK_OUTCOME_ACCEPTED);
    REQUIRE(server.count("sessions") == 2);

    // A's own session under a change id B already used is A's change: applied, not mistaken
    // for B's (which would tell A that B has it, and lose A's session).
    pb::Change sameChangeId = sessionOfA();
    sameChangeId.set_change_id(b1Session.change_id());
    const pb::Ack own = pushOne(server, ids, a1, sameChangeId);
    CHECK(own.outcome() == pb::ACK_OUTCOME_ACCEPTED);
    CHECK(own.server_seq() == 1); // organization A's first
    CHECK(server.count("sessions") == 3);

    // B's change replayed by A, byte for byte: no duplicate ack carrying B's sequence.
    const pb::Ack replay = pushOne(server, ids, a1, b1Later);
    CHECK(replay.outcome() == pb::ACK_OUTCOME_REJECTED);
    CHECK(replay.server_seq() == 0);

    // A session of A under B's session id: refused, and no conflict about B's session kept.
    pb::Change sameSessionId = sessionOfA();
    {
        auto decoded = decodeSession(sameSessionId.session());
        REQUIRE(decoded.hasValue());
        Session session = *decoded;
        session.id = bSessionId;
        session.signature.reset();
        sameSessionId = test::sessionChange(ids, clock, session, p.clinicianA1);
    }
    const pb::Ack takeover = pushOne(server, ids, a1, sameSessionId);
    CHECK(takeover.outcome() == pb::ACK_OUTCOME_REJECTED);
    CHECK(takeover.reason() != "session already stored with other content");

    // An addendum to A's own session under B's addendum id: refused the same way.
    const pb::Change aSession = sessionOfA();
    REQUIRE(pushOne(server, ids, a1, aSession).outcome() == pb::ACK_OUTCOME_ACCEPTED);
    const SessionId aSessionId(
        QUuid::fromRfc4122(QByteArray::fromStdString(aSession.session().id())));
    const pb::Ack addendum = pushOne(
        server, ids, a1, test::addendumChange(ids, clock, aSessionId, bAddendumId, p.clinicianA1));
    CHECK(addendum.outcome() == pb::ACK_OUTCOME_REJECTED);
    CHECK(addendum.reason() != "addendum already stored with other content");
    CHECK(server.count("office_sync_conflicts") == 0);
    CHECK(server.count("sessions") == 4);

    // Organization A's biller does not see B's session either.
    CHECK(server.get(QStringLiteral("/v1/sessions/") + sessionIdOf(b1Session) + u"/status", billerA)
              .status
          == 404);
}

TEST_CASE("Access tokens are short-lived; refresh tokens rotate, and a replayed one revokes "
          "the device")
{
    ServerHarness server;
    REQUIRE(server.running());
    ManualClock clock;
    Uuid7Generator ids(clock);
    const auto tokenRequest = [&](const std::string &refresh, const std::string &next) {
        pb::EnrollRequest request;
        test::fillHeader(*request.mutable_header(), ids);
        request.set_refresh_token(refresh);
        request.set_next_refresh_token(next);
        return server.post(QStringLiteral("/v1/enroll"), request);
    };
    const auto parsed = [](const test::Reply &reply) {
        pb::EnrollResponse response;
        REQUIRE(response.ParseFromArray(reply.body.constData(), int(reply.body.size())));
        return response;
    };
    const auto pullStatus = [&](const std::string &access) {
        pb::PullRequest request;
        test::fillHeader(*request.mutable_header(), ids);
        return server.post(QStringLiteral("/v1/pull"), request, QString::fromStdString(access));
    };
    const auto next = [](char c) {
        return std::string(43, c);
    };

    // A client with refresh tokens gets a short-lived access token and a refresh token.
    pb::EnrollRequest enroll;
    test::fillHeader(*enroll.mutable_header(), ids);
    enroll.set_enrollment_code(server.enrollmentCode(QStringLiteral("a1")).toStdString());
    enroll.set_refresh_tokens(true);
    const auto enrolled = parsed(server.post(QStringLiteral("/v1/enroll"), enroll));
    const std::string r1 = enrolled.refresh_token();
    REQUIRE(r1.size() >= 43);
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    CHECK(enrolled.access_expires_at_ms() > now);
    CHECK(enrolled.access_expires_at_ms() <= now + 16 * 60'000);
    CHECK(pullStatus(enrolled.device_token()).status == 200);

    // Last seen, and from where.
    {
        auto db = test::openOfficeDatabase(server.databasePath());
        REQUIRE(db);
        auto seen = (*db)->prepare("SELECT last_seen_at, last_peer FROM office_devices");
        REQUIRE(seen);
        REQUIRE(*seen->step());
        CHECK(seen->int64(0) >= now - 60'000);
        CHECK(seen->text(1) == QStringLiteral("127.0.0.1"));
    }

    // Expired: 401 "token_expired", which tells the device to refresh.
    REQUIRE(server.execute("UPDATE office_access_tokens SET expires_at = 1"));
    const test::Reply expired = pullStatus(enrolled.device_token());
    CHECK(expired.status == 401);
    pb::ErrorResponse why;
    REQUIRE(why.ParseFromArray(expired.body.constData(), int(expired.body.size())));
    CHECK(why.code() == "token_expired");

    // A rotation: the device names its next refresh token.
    const test::Reply rotated = tokenRequest(r1, next('b'));
    REQUIRE(rotated.status == 200);
    const auto second = parsed(rotated);
    CHECK(second.refresh_token() == next('b'));
    CHECK(pullStatus(second.device_token()).status == 200);
    // Its answer lost, the same pair again: another access token, no harm.
    const test::Reply retried = tokenRequest(r1, next('b'));
    REQUIRE(retried.status == 200);
    CHECK(pullStatus(parsed(retried).device_token()).status == 200);
    CHECK(pullStatus(second.device_token()).status == 200);
    // The next rotation; then the old pair is stale: nothing for it, nothing revoked.
    const test::Reply third = tokenRequest(next('b'), next('c'));
    REQUIRE(third.status == 200);
    const std::string access = parsed(third).device_token();
    CHECK(tokenRequest(r1, next('b')).status == 401);
    CHECK(pullStatus(access).status == 200);

    // A spent refresh token with another successor: a copy is in other hands. The device is
    // revoked: its access tokens and its current refresh token stop working.
    CHECK(tokenRequest(next('b'), next('x')).status == 401);
    CHECK(pullStatus(access).status == 401);
    CHECK(tokenRequest(next('c'), next('d')).status == 401);
    CHECK(server.office({QStringLiteral("device"), QStringLiteral("list")}).contains(" revoked "));

    // A client without refresh tokens keeps a long-lived device token.
    pb::EnrollRequest older;
    test::fillHeader(*older.mutable_header(), ids);
    older.set_enrollment_code(server.enrollmentCode(QStringLiteral("a2")).toStdString());
    const auto legacy = parsed(server.post(QStringLiteral("/v1/enroll"), older));
    CHECK(legacy.refresh_token().empty());
    REQUIRE(server.execute("UPDATE office_access_tokens SET expires_at = 1"));
    CHECK(pullStatus(legacy.device_token()).status == 200);
}

TEST_CASE("Hostile HTTP is refused and the server keeps serving")
{
    ServerHarness server(fastTimeouts);
    REQUIRE(server.running());
    const test::Practice &p = server.practice();
    ManualClock clock;
    Uuid7Generator ids(clock);
    const QString token = server.enroll(QStringLiteral("a1"));
    REQUIRE_FALSE(token.isEmpty());
    const std::int64_t auditBefore = server.count("audit_log");

    SECTION("malformed and truncated protobuf: 400 ErrorResponse, nothing changed")
    {
        const test::Reply garbage = server.post(
            QStringLiteral("/v1/push"), QByteArrayLiteral("\x0a\xff\xff\xff\xff\x0f"), token);
        CHECK(garbage.status == 400);
        pb::ErrorResponse error;
        REQUIRE(error.ParseFromArray(garbage.body.constData(), int(garbage.body.size())));
        CHECK(error.code() == "malformed");
        CHECK(error.header().server_time_ms() > 0);

        pb::PushRequest push;
        test::fillHeader(*push.mutable_header(), ids);
        *push.add_changes() = test::signedSessionChange(ids, clock, p.orgA, p.patientA1,
                                                        p.providerA1, p.clinicianA1, p.payer);
        const QByteArray whole = bytesOf(push);
        CHECK(server.post(QStringLiteral("/v1/push"), whole.left(whole.size() / 2), token).status
              == 400);
        CHECK(server.count("sessions") == 0);
        CHECK(server.count("office_sync_ledger") == 0);
        // ... but each refusal is audited.
        CHECK(server.count("audit_log") >= auditBefore + 2);
    }

    SECTION("oversized: 413 on the head alone, the body never sent")
    {
        QElapsedTimer timer;
        timer.start();
        const QByteArray response = server.raw(
            "POST /v1/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
            "Content-Length: 100000000\r\n\r\n");
        CHECK(statusOf(response) == 413);
        CHECK(timer.elapsed() < 1500);
    }

    SECTION("per route: an enroll or pull body over a few KiB is 413 on the head alone")
    {
        for (const QByteArray &path : {QByteArray("/v1/enroll"), QByteArray("/v1/pull")}) {
            INFO(path.toStdString());
            QElapsedTimer timer;
            timer.start();
            // 100 KB: far below the push limit, far above what enroll or pull ever send.
            const QByteArray response =
                server.raw("POST " + path
                           + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                             "Content-Length: 100000\r\n\r\n");
            CHECK(statusOf(response) == 413);
            CHECK(timer.elapsed() < 1000); // not the 1.5 s request deadline
        }
    }

    SECTION("a large push without a valid token: 401 on the head alone, the body never read")
    {
        for (const QByteArray &authorization :
             {QByteArray(), QByteArray("Authorization: Bearer not-a-token\r\n")}) {
            QElapsedTimer timer;
            timer.start();
            const QByteArray response = server.raw(
                "POST /v1/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                + authorization + "Content-Length: 500000\r\n\r\n");
            CHECK(statusOf(response) == 401);
            CHECK(response.contains("WWW-Authenticate: Bearer"));
            CHECK(timer.elapsed() < 1000); // not the 1.5 s request deadline
        }
        // With a valid token the same large body is read and decoded (garbage: 400).
        const test::Reply read =
            server.post(QStringLiteral("/v1/push"), QByteArray(500000, '\xff'), token);
        CHECK(read.status == 400);
    }

    SECTION("lying Content-Length: 408 at the deadline; others are served meanwhile")
    {
        QSslSocket liar;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates({server.certificate()});
        liar.setSslConfiguration(tls);
        liar.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.port());
        REQUIRE(liar.waitForEncrypted(5000));
        QElapsedTimer timer;
        timer.start();
        liar.write("POST /v1/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                   "Content-Length: 5000\r\n\r\nonly a few bytes");
        liar.flush();
        // Meanwhile another client is served.
        CHECK(server.get(QStringLiteral("/v1/health")).status == 200);
        QByteArray response;
        while (timer.elapsed() < 6000 && liar.state() == QAbstractSocket::ConnectedState) {
            liar.waitForReadyRead(100);
            response += liar.readAll();
        }
        response += liar.readAll();
        CHECK(statusOf(response) == 408);
        CHECK(timer.elapsed() >= 1000);
        CHECK(timer.elapsed() < 5000);
    }

    SECTION("slow trickle of the head: 408")
    {
        QSslSocket slow;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates({server.certificate()});
        slow.setSslConfiguration(tls);
        slow.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.port());
        REQUIRE(slow.waitForEncrypted(5000));
        const QByteArray head = "POST /v1/pull HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n";
        QByteArray response;
        QElapsedTimer timer;
        timer.start();
        for (qsizetype i = 0; i < head.size() && slow.state() == QAbstractSocket::ConnectedState;
             ++i) {
            slow.write(head.mid(i, 1));
            slow.flush();
            slow.waitForReadyRead(100);
            response += slow.readAll();
            if (!response.isEmpty()) {
                break;
            }
        }
        while (response.isEmpty() && timer.elapsed() < 5000
               && slow.state() == QAbstractSocket::ConnectedState) {
            slow.waitForReadyRead(100);
            response += slow.readAll();
        }
        CHECK(statusOf(response) == 408);
        CHECK(timer.elapsed() < 3000);
    }

    SECTION("a huge head, chunked bodies, no length, not HTTP")
    {
        const QByteArray huge =
            "GET /v1/health HTTP/1.1\r\nX-Filler: " + QByteArray(20000, 'a') + "\r\n\r\n";
        CHECK(statusOf(server.raw(huge)) == 431);
        CHECK(statusOf(server.raw("POST /v1/push HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                                  "chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"))
              == 411);
        CHECK(statusOf(server.raw("POST /v1/push HTTP/1.1\r\nHost: x\r\n\r\n")) == 411);
        CHECK(statusOf(server.raw("HELLO\r\n\r\n")) == 400);
        CHECK(statusOf(server.raw("POST /v1/push HTTP/1.1\r\nContent-Length: 1\r\n"
                                  "Content-Length: 2\r\n\r\nab"))
              == 400);
    }

    // Whatever happened above, the server is up and serves a good client.
    CHECK(server.get(QStringLiteral("/v1/health")).status == 200);
    pb::PushRequest push;
    test::fillHeader(*push.mutable_header(), ids);
    *push.add_changes() = test::signedSessionChange(ids, clock, p.orgA, p.patientA1, p.providerA1,
                                                    p.clinicianA1, p.payer);
    const test::Reply good = server.post(QStringLiteral("/v1/push"), push, token);
    REQUIRE(good.status == 200);
    pb::PushResponse acks;
    REQUIRE(acks.ParseFromArray(good.body.constData(), int(good.body.size())));
    REQUIRE(acks.acks_size() == 1);
    CHECK(acks.acks(0).outcome() == pb::ACK_OUTCOME_ACCEPTED);
}

TEST_CASE("TLS below 1.2 is refused at the handshake; 1.2 and 1.3 are accepted")
{
    ServerHarness server;
    REQUIRE(server.running());
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty()) {
        SKIP("the openssl command is not installed (scripts/setup installs it)");
    }
    // openssl s_client offers exactly one protocol version; SECLEVEL=0 lets this client offer
    // the old ones at all, so a refusal can only come from the server.
    auto handshake = [&](const QString &version) {
        QProcess client;
        client.start(openssl, {QStringLiteral("s_client"), QStringLiteral("-connect"),
                               QStringLiteral("127.0.0.1:%1").arg(server.port()), version,
                               QStringLiteral("-cipher"), QStringLiteral("DEFAULT@SECLEVEL=0")});
        REQUIRE(client.waitForStarted(10000));
        client.closeWriteChannel(); // EOF on stdin: s_client ends after the handshake
        REQUIRE(client.waitForFinished(20000));
        const QByteArray out = client.readAllStandardOutput();
        INFO(out.toStdString());
        // A refused handshake still prints the protocol it tried, but no cipher.
        return out.contains(", Cipher is ") && !out.contains("Cipher is (NONE)");
    };
    CHECK_FALSE(handshake(QStringLiteral("-tls1")));
    CHECK_FALSE(handshake(QStringLiteral("-tls1_1")));
    CHECK(handshake(QStringLiteral("-tls1_2")));
    CHECK(handshake(QStringLiteral("-tls1_3")));
    CHECK(server.get(QStringLiteral("/v1/health")).status == 200);
}

TEST_CASE("A client that never reads its response is cut off at the response deadline")
{
    ServerHarness server({QStringLiteral("--response-timeout-ms"), QStringLiteral("1500")});
    REQUIRE(server.running());
    const test::Practice &p = server.practice();
    const QString token = server.enroll(QStringLiteral("a1"));
    REQUIRE_FALSE(token.isEmpty());
    // A caseload whose initial pull is megabytes: more than the kernel buffers of both ends
    // hold, so the server keeps unsent bytes for as long as the client does not read.
    server.kill();
    {
        ManualClock clock;
        auto store = test::tryOpenStore(server.databasePath(), clock, sync::officeSchema());
        REQUIRE(store);
        for (int i = 0; i < 300; ++i) {
            Patient patient = test::makePatient((*store)->ids(), p.orgA.id, p.providerA1.id);
            patient.lastName += QString(20000, u'Z');
            REQUIRE((*store)->patients().save(Actor{}, patient));
        }
    }
    REQUIRE(server.start());

    // A receive window of a few KiB, set before connecting so that it is the one advertised.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    const int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(server.port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0);
    QSslSocket client;
    client.setPeerVerifyMode(QSslSocket::VerifyNone);
    client.setReadBufferSize(small);
    REQUIRE(client.setSocketDescriptor(fd));
    client.startClientEncryption();
    REQUIRE(client.waitForEncrypted(5000));

    ManualClock clock;
    Uuid7Generator ids(clock);
    pb::PullRequest pull;
    test::fillHeader(*pull.mutable_header(), ids);
    pull.set_max_items(500);
    const QByteArray body = bytesOf(pull);
    client.write("POST /v1/pull HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                 "Authorization: Bearer "
                 + token.toLatin1() + "\r\nContent-Length: " + QByteArray::number(body.size())
                 + "\r\n\r\n" + body);
    REQUIRE(client.waitForBytesWritten(5000));
    // The client stops reading, well past the deadline.
    QThread::msleep(4000);

    QByteArray received;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 20000 && client.state() == QAbstractSocket::ConnectedState) {
        client.waitForReadyRead(100);
        received += client.readAll();
    }
    received += client.readAll();
    // Cut off: at most what had reached the kernel buffers arrived (Linux may even drop that
    // on the reset), never the whole response.
    const qsizetype headEnd = received.indexOf("\r\n\r\n");
    const qsizetype lengthAt = received.indexOf("Content-Length: ");
    const qint64 declared =
        lengthAt < 0 ? -1
                     : received.mid(lengthAt + 16, received.indexOf('\r', lengthAt) - lengthAt - 16)
                           .toLongLong();
    const qint64 bodyReceived = headEnd < 0 ? 0 : received.size() - headEnd - 4;
    INFO("status " << statusOf(received) << ", declared " << declared << ", received "
                   << bodyReceived);
    CHECK_FALSE((statusOf(received) == 200 && bodyReceived == declared));
    // Meanwhile the server serves others.
    CHECK(server.get(QStringLiteral("/v1/health")).status == 200);
}
