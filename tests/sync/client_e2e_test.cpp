// SPDX-License-Identifier: Apache-2.0
// The real sync client against the real `sessionbook-office serve` process over loopback TLS:
// enrollment (with the server's public key pinned), push with acknowledgements, pull with the
// server's cursor, statuses coming back (received, coded), a 401 that keeps the outbox, and
// the device clock skewed by +/-48 h without effect on ordering or cursors.
#include "catchqt.h"
#include "client/devicesyncstore.h"
#include "client/tokenstore.h"
#include "client_harness.h"
#include "domain/enums.h"
#include "domain/servicedate.h"
#include "fixtures.h"

#include <QTemporaryDir>

#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::synctest;

namespace {

constexpr std::int64_t hourMs = 3'600'000;

sync::SyncClient::Options fastOptions()
{
    sync::SyncClient::Options options;
    options.retryBaseMs = 5;
    options.retryCapMs = 200;
    options.periodicIntervalMs = 0;
    options.transferTimeoutMs = 20'000;
    return options;
}

struct Office {
    OfficeServer server;
    Practice practice;
    bool ok = false;
    explicit Office(int clinicians = 1)
    {
        ensureApp();
        ok = server.seed(clinicians, 2, practice) && server.start();
    }
};

QList<SessionStatus> statusesOf(Store &store, const Actor &actor, const SessionId &id)
{
    QList<SessionStatus> out;
    auto session = store.sessions().session(actor, id);
    if (session) {
        for (const StatusEntry &e : session->statusTrail) {
            out.append(e.status);
        }
    }
    return out;
}

} // namespace

TEST_CASE("Enroll with a pinned certificate, push, acknowledge, pull statuses back",
          "[integration]")
{
    Office office;
    REQUIRE(office.ok);
    Device device(office.practice, 0, fastOptions(), 1);
    REQUIRE(device.isValid());
    CHECK_FALSE(device.client().isEnrolled());

    const auto code = office.server.enrollCode(office.practice.clinicians[0].user.login);
    REQUIRE(code);
    REQUIRE(office.server.keyPin().size() == 32);
    const auto failure = device.enroll(office.server.url(), *code, office.server.keyPin());
    INFO((failure ? failure->toStdString() : std::string("enrolled")));
    REQUIRE_FALSE(failure);
    CHECK(device.client().isEnrolled());
    // The initial pull (cursor 0: the server's prioritized snapshot) before anything is signed.
    REQUIRE(device.syncToQuiescence(30'000));
    auto initial = device.client().deviceStore().state();
    REQUIRE(initial);
    CHECK(initial->pullCursor > 0);

    QList<SessionId> sessions;
    for (int i = 0; i < 3; ++i) {
        sessions.append(device.signNewSession());
        REQUIRE_FALSE(sessions.last().isNull());
    }
    // A signed addendum travels as its own change.
    const Practice::Clinician &clinician = office.practice.clinicians[0];
    Addendum addendum = test::makeAddendum(device.store().ids(), clinician.user.id,
                                           device.clock().nowUtc(), QStringLiteral("Late entry."));
    addendum.signature = Signature{clinician.user.id, device.clock().nowUtc(), QByteArray()};
    REQUIRE(device.client().deviceStore().addSignedAddendum(device.actor(), sessions[0], addendum));
    device.client().recordSigned();
    CHECK(device.client().pendingCount() == 4);

    REQUIRE(device.syncToQuiescence(30'000));
    CHECK(device.client().pendingCount() == 0);
    CHECK(device.client().lastError().isEmpty());
    CHECK(device.client().lastSuccess().isValid());
    CHECK_FALSE(device.client().isClockSkewed());
    CHECK(std::llabs(device.client().serverOffsetMs()) < 60'000);

    auto officeStore = office.server.openStore();
    REQUIRE(officeStore);
    CHECK(checkOnServerExactlyOnce(*officeStore, device.store(), sessions).isEmpty());
    auto addenda = officeStore->database().prepare(
        "SELECT count(*) FROM session_addenda WHERE id = ? AND signed_hash IS NOT NULL");
    REQUIRE(addenda);
    addenda->bind(1, addendum.id);
    REQUIRE(addenda->step());
    CHECK(addenda->int64(0) == 1);

    // Statuses come back through the pull feed: captured -> on_device -> received -> coded.
    for (const SessionId &id : sessions) {
        const auto trail = statusesOf(device.store(), device.actor(), id);
        CHECK(trail.contains(SessionStatus::OnDevice));
        CHECK(trail.contains(SessionStatus::Received));
        CHECK(trail.contains(SessionStatus::Coded));
    }
    // The office's coverage (with its carve-out) and authorization were pulled.
    auto coverages =
        device.store().patients().coverages(device.actor(), office.practice.coverage.patientId);
    REQUIRE(coverages);
    bool carvedOut = false;
    for (const Coverage &c : *coverages) {
        carvedOut = carvedOut
                    || (c.id == office.practice.coverage.id && c.eligibility
                        && c.eligibility->behavioralHealthCarvedOut);
    }
    CHECK(carvedOut);
    auto authorizations = device.store().patients().authorizations(
        device.actor(), office.practice.authorization.patientId);
    REQUIRE(authorizations);
    CHECK(authorizations->size() == 1);
    auto state = device.client().deviceStore().state();
    REQUIRE(state);
    CHECK(state->pullCursor > 0);

    // Pulling again is idempotent: no status is added twice.
    const auto before = statusesOf(device.store(), device.actor(), sessions[1]);
    REQUIRE(device.syncToQuiescence(30'000));
    CHECK(statusesOf(device.store(), device.actor(), sessions[1]) == before);
}

TEST_CASE("Pushes are pipelined in order: an addendum in the batch after its session's is "
          "accepted, every change once",
          "[integration]")
{
    Office office;
    REQUIRE(office.ok);
    sync::SyncClient::Options options = fastOptions();
    options.maxBatchChanges = 2; // batches [s0 s1] [s2 s3] [s4 addendum-of-s3]
    Device device(office.practice, 0, options, 7);
    REQUIRE(device.isValid());
    const auto code = office.server.enrollCode(office.practice.clinicians[0].user.login);
    REQUIRE(code);
    REQUIRE_FALSE(device.enroll(office.server.url(), *code, office.server.keyPin()));
    REQUIRE(device.syncToQuiescence(30'000));
    const int requestsBefore = device.client().stats().requests;

    QList<SessionId> sessions;
    for (int i = 0; i < 5; ++i) {
        sessions.append(device.signNewSession());
        REQUIRE_FALSE(sessions.last().isNull());
    }
    const Practice::Clinician &clinician = office.practice.clinicians[0];
    Addendum addendum = test::makeAddendum(device.store().ids(), clinician.user.id,
                                           device.clock().nowUtc(), QStringLiteral("Late entry."));
    addendum.signature = Signature{clinician.user.id, device.clock().nowUtc(), QByteArray()};
    REQUIRE(device.client().deviceStore().addSignedAddendum(device.actor(), sessions[3], addendum));
    device.client().recordSigned();
    REQUIRE(device.client().pendingCount() == 6);

    REQUIRE(device.syncToQuiescence(30'000));
    CHECK(device.client().pendingCount() == 0);
    CHECK(device.client().lastError().isEmpty());
    CHECK(device.client().stats().pushed == 6);
    // Three pushes of two, then the pull of the statuses (at least one page).
    CHECK(device.client().stats().requests - requestsBefore >= 4);

    auto officeStore = office.server.openStore();
    REQUIRE(officeStore);
    CHECK(checkOnServerExactlyOnce(*officeStore, device.store(), sessions).isEmpty());
    auto stored = officeStore->database().prepare(
        "SELECT count(*) FROM session_addenda WHERE id = ? AND session_id = ?");
    REQUIRE(stored);
    stored->bind(1, addendum.id).bind(2, sessions[3]);
    REQUIRE(stored->step());
    CHECK(stored->int64(0) == 1);
    auto ledger = officeStore->database().prepare(
        "SELECT count(*) FROM office_sync_ledger WHERE outcome = 'accepted'");
    REQUIRE(ledger);
    REQUIRE(ledger->step());
    CHECK(ledger->int64(0) == 6);
}

TEST_CASE("A certificate that is not the pinned one fails enrollment and stores no token",
          "[integration]")
{
    Office office;
    REQUIRE(office.ok);
    Device device(office.practice, 0, fastOptions(), 2);
    REQUIRE(device.isValid());
    const auto code = office.server.enrollCode(office.practice.clinicians[0].user.login);
    REQUIRE(code);
    QByteArray wrongPin = office.server.keyPin();
    wrongPin[0] = static_cast<char>(wrongPin[0] ^ 0x01);
    const auto failure = device.enroll(office.server.url(), *code, wrongPin);
    CHECK(failure);
    CHECK_FALSE(device.client().isEnrolled());
    CHECK_FALSE(sync::FileTokenStore(device.tokenPath()).token());
    // Without a pin and without trusting the self-signed certificate, TLS refuses too.
    const auto unpinned = device.enroll(office.server.url(), *code);
    CHECK(unpinned);
    CHECK_FALSE(device.client().isEnrolled());
}

TEST_CASE("The pin is the server's public key: renewals keep syncing, another key is refused, "
          "the backup key is accepted",
          "[integration]")
{
    Office office;
    REQUIRE(office.ok);
    office.server.kill();
    office.server.keepPort();
    QTemporaryDir certificates;
    REQUIRE(certificates.isValid());
    const auto file = [&](const char *name) {
        return certificates.filePath(QLatin1String(name));
    };
    // Key A signs the first certificate and its renewal; B is the office's spare key; C is
    // anyone else's.
    REQUIRE(makeServerCertificate(file("a1.pem"), file("a.key"), true, 2));
    REQUIRE(makeServerCertificate(file("a2.pem"), file("a.key"), false, 30));
    REQUIRE(makeServerCertificate(file("b.pem"), file("b.key"), true));
    REQUIRE(makeServerCertificate(file("c.pem"), file("c.key"), true));
    const QByteArray pinA = keyPinOfFile(file("a1.pem"));
    const QByteArray pinB = keyPinOfFile(file("b.pem"));
    REQUIRE(pinA.size() == 32);
    REQUIRE(pinB.size() == 32);
    REQUIRE(keyPinOfFile(file("a2.pem")) == pinA); // the renewal keeps the key...
    const auto serve = [&](const char *cert, const char *key) {
        office.server.useCertificate(file(cert), file(key));
        return office.server.start();
    };
    REQUIRE(serve("a1.pem", "a.key"));
    // ... but not the certificate, whose own hash is no pin.
    REQUIRE(office.server.certificateSha256().size() == 32);

    Device device(office.practice, 0, fastOptions(), 7);
    REQUIRE(device.isValid());
    const QString login = office.practice.clinicians[0].user.login;
    auto code = office.server.enrollCode(login);
    REQUIRE(code);
    CHECK(device.enroll(office.server.url(), *code, office.server.certificateSha256()));
    CHECK_FALSE(device.client().isEnrolled());
    REQUIRE_FALSE(device.enroll(office.server.url(), *code, pinA, pinB));
    REQUIRE_FALSE(device.signNewSession().isNull());
    REQUIRE(device.syncToQuiescence(30'000));

    SECTION("a renewed certificate with the same key keeps the device syncing")
    {
        REQUIRE(serve("a2.pem", "a.key"));
        REQUIRE_FALSE(device.signNewSession().isNull());
        REQUIRE(device.syncToQuiescence(30'000));
    }
    SECTION("another key is refused; the backup key is accepted")
    {
        REQUIRE(serve("c.pem", "c.key"));
        REQUIRE_FALSE(device.signNewSession().isNull());
        CHECK_FALSE(device.syncToQuiescence(3'000));
        CHECK(device.client().pendingCount() == 1);
        CHECK(device.client().lastError().contains(QStringLiteral("certificate")));

        REQUIRE(serve("b.pem", "b.key"));
        REQUIRE(device.syncToQuiescence(30'000));
        CHECK(device.client().pendingCount() == 0);
    }
    SECTION("a pin saved before key pinning (a certificate hash) becomes the key's pin")
    {
        {
            auto legacy = device.store().database().prepare(
                "UPDATE sync_state SET pinned_sha256 = ?, backup_pin_sha256 = NULL, "
                "pin_kind = 'legacy' WHERE id = 1");
            REQUIRE(legacy);
            legacy->bind(1, office.server.certificateSha256());
            REQUIRE(legacy->run());
        }
        device.restartClient(false);
        REQUIRE_FALSE(device.signNewSession().isNull());
        REQUIRE(device.syncToQuiescence(30'000));
        auto state = device.client().deviceStore().state();
        REQUIRE(state);
        CHECK(state->pins.primary == pinA);
        CHECK_FALSE(state->pins.legacy);
        // And so the renewal is trusted too.
        REQUIRE(serve("a2.pem", "a.key"));
        REQUIRE_FALSE(device.signNewSession().isNull());
        REQUIRE(device.syncToQuiescence(30'000));
    }
    auto officeStore = office.server.openStore();
    REQUIRE(officeStore);
    CHECK(
        checkOnServerExactlyOnce(*officeStore, device.store(), device.signedSessions()).isEmpty());
}

TEST_CASE("An expired access token is refreshed and sync goes on; a replayed refresh token "
          "signs the device out",
          "[integration]")
{
    Office office;
    REQUIRE(office.ok);
    Device device(office.practice, 0, fastOptions(), 8);
    REQUIRE(device.isValid());
    const auto code = office.server.enrollCode(office.practice.clinicians[0].user.login);
    REQUIRE(code);
    REQUIRE_FALSE(device.enroll(office.server.url(), *code, office.server.keyPin()));
    REQUIRE(device.syncToQuiescence(30'000));
    sync::FileTokenStore tokens(device.tokenPath());
    const auto credentials = [&] {
        return sync::DeviceCredentials::decode(tokens.token().value_or(QString()));
    };
    const sync::DeviceCredentials enrolled = credentials();
    REQUIRE_FALSE(enrolled.refreshToken.isEmpty());
    CHECK(enrolled.accessExpiresAtMs > realNowMs());

    // The server says the access token has expired (401 token_expired): refresh, go on.
    {
        auto officeStore = office.server.openStore();
        REQUIRE(officeStore);
        REQUIRE(
            officeStore->database().execLiteral("UPDATE office_access_tokens SET expires_at = 1"));
    }
    REQUIRE_FALSE(device.signNewSession().isNull());
    REQUIRE(device.syncToQuiescence(30'000));
    CHECK_FALSE(device.client().isSignInRequired());
    const sync::DeviceCredentials rotated = credentials();
    CHECK(rotated.refreshToken != enrolled.refreshToken);
    CHECK(rotated.accessToken != enrolled.accessToken);
    CHECK(rotated.nextRefreshToken.isEmpty());

    // The device sees the expiry itself (by the server's clock) and refreshes first.
    sync::DeviceCredentials due = rotated;
    due.accessExpiresAtMs = 1;
    REQUIRE(tokens.setToken(due.encode()));
    device.restartClient(false);
    REQUIRE_FALSE(device.signNewSession().isNull());
    REQUIRE(device.syncToQuiescence(30'000));
    const sync::DeviceCredentials latest = credentials();
    CHECK(latest.refreshToken != rotated.refreshToken);
    CHECK(device.client().pendingCount() == 0);

    // A copy of an earlier (spent) refresh token is used: the device is revoked, and the
    // genuine latest tokens stop working too. The outbox is kept.
    sync::DeviceCredentials copy = rotated;
    copy.accessExpiresAtMs = 1;
    REQUIRE(tokens.setToken(copy.encode()));
    device.restartClient(false);
    REQUIRE_FALSE(device.signNewSession().isNull());
    CHECK_FALSE(device.syncToQuiescence(3'000));
    CHECK(device.client().isSignInRequired());
    REQUIRE(tokens.setToken(latest.encode()));
    device.restartClient(false);
    CHECK_FALSE(device.syncToQuiescence(3'000));
    CHECK(device.client().isSignInRequired());
    CHECK(device.client().pendingCount() == 1);
}

TEST_CASE("A 401 keeps the outbox and asks to sign in again; after re-enrollment it drains",
          "[integration]")
{
    Office office;
    REQUIRE(office.ok);
    Device device(office.practice, 0, fastOptions(), 3);
    REQUIRE(device.isValid());
    const QString login = office.practice.clinicians[0].user.login;
    auto code = office.server.enrollCode(login);
    REQUIRE(code);
    REQUIRE_FALSE(device.enroll(office.server.url(), *code, office.server.keyPin()));

    // The token goes bad (expired, revoked, or the keystore lost it).
    REQUIRE(sync::FileTokenStore(device.tokenPath()).setToken(QStringLiteral("not-a-token")));
    const SessionId a = device.signNewSession();
    const SessionId b = device.signNewSession();
    REQUIRE_FALSE(b.isNull());
    REQUIRE(waitUntil([&] { return device.client().isSignInRequired(); }, 20'000));
    CHECK(device.client().pendingCount() == 2);
    CHECK_FALSE(device.client().lastError().isEmpty());
    // A restart of the app does not lose anything either.
    device.restartClient(true);
    CHECK(device.client().pendingCount() == 2);

    code = office.server.enrollCode(login);
    REQUIRE(code);
    REQUIRE_FALSE(device.enroll(office.server.url(), *code, office.server.keyPin()));
    CHECK_FALSE(device.client().isSignInRequired());
    REQUIRE(device.syncToQuiescence(30'000));
    auto officeStore = office.server.openStore();
    REQUIRE(officeStore);
    CHECK(checkOnServerExactlyOnce(*officeStore, device.store(), {a, b}).isEmpty());
}

TEST_CASE("Only a server answer makes the offset known; a sync that reached no server does not",
          "[integration]")
{
    Office office;
    REQUIRE(office.ok);
    Device device(office.practice, 0, fastOptions(), 5);
    REQUIRE(device.isValid());
    CHECK_FALSE(device.client().isServerOffsetKnown());
    auto code = office.server.enrollCode(office.practice.clinicians[0].user.login);
    REQUIRE(code);
    REQUIRE_FALSE(device.enroll(office.server.url(), *code, office.server.keyPin()));
    CHECK(device.client().isServerOffsetKnown());

    // As a device enrolled before offsets were kept: none on file. The server is gone, so
    // every cycle fails without an answer, and none may pass 0 off as a measured offset.
    auto forget = device.store().database().prepare(
        "UPDATE sync_state SET server_offset_ms = 0, offset_measured_at = NULL WHERE id = 1");
    REQUIRE(forget);
    REQUIRE(forget->run());
    device.restartClient(false);
    CHECK_FALSE(device.client().isServerOffsetKnown());
    office.server.kill();
    int failed = 0;
    QObject::connect(&device.client(), &sync::SyncClient::syncFinished,
                     [&failed](bool ok) { failed += ok ? 0 : 1; });
    device.client().syncNow();
    REQUIRE(waitUntil([&] { return failed >= 2; }, 20'000)); // the first try and a retry
    CHECK_FALSE(device.client().isServerOffsetKnown());
    auto state = device.client().deviceStore().state();
    REQUIRE(state);
    CHECK_FALSE(state->offsetMeasuredAt.isValid());
    CHECK_FALSE(device.client().isClockSkewed());
}

TEST_CASE("Device clock at +/-48 h: skew is flagged, ordering and cursors are the server's",
          "[integration]")
{
    Office office(2);
    REQUIRE(office.ok);
    for (const std::int64_t skew : {48 * hourMs, -48 * hourMs}) {
        DYNAMIC_SECTION("skew " << skew / hourMs << " h")
        {
            const int clinician = skew > 0 ? 0 : 1;
            Device device(office.practice, clinician, fastOptions(), 4);
            REQUIRE(device.isValid());
            device.clock().setWallMs(realNowMs() + skew);
            auto code = office.server.enrollCode(office.practice.clinicians[clinician].user.login);
            REQUIRE(code);
            REQUIRE_FALSE(device.enroll(office.server.url(), *code, office.server.keyPin()));
            CHECK(device.client().isClockSkewed());
            CHECK(std::llabs(device.client().serverOffsetMs() + skew) < 60'000);

            // Sign one session, then the clock jumps the other way and another is signed:
            // the device's outbox order and the server's sequence follow the signing order,
            // not the timestamps.
            const SessionId first = device.signNewSession();
            device.clock().setWallMs(realNowMs() - skew);
            const SessionId second = device.signNewSession();
            REQUIRE_FALSE(second.isNull());
            auto entries = device.client().deviceStore().entries();
            REQUIRE(entries);
            REQUIRE(entries->size() >= 1);
            REQUIRE(device.syncToQuiescence(30'000));
            CHECK(device.client().isClockSkewed());

            auto officeStore = office.server.openStore();
            REQUIRE(officeStore);
            CHECK(
                checkOnServerExactlyOnce(*officeStore, device.store(), {first, second}).isEmpty());
            auto seq = officeStore->database().prepare(
                "SELECT server_seq FROM office_sync_ledger WHERE record_id = ?");
            REQUIRE(seq);
            seq->bind(1, first.uuid().toRfc4122());
            REQUIRE(seq->step());
            const std::int64_t firstSeq = seq->int64(0);
            auto seq2 = officeStore->database().prepare(
                "SELECT server_seq FROM office_sync_ledger WHERE record_id = ?");
            REQUIRE(seq2);
            seq2->bind(1, second.uuid().toRfc4122());
            REQUIRE(seq2->step());
            CHECK(firstSeq < seq2->int64(0));

            // The statuses came back although the device clock is two days off.
            const auto trail = statusesOf(device.store(), device.actor(), second);
            CHECK(trail.contains(SessionStatus::Coded));
            auto state = device.client().deviceStore().state();
            REQUIRE(state);
            const std::uint64_t cursor = state->pullCursor;
            CHECK(cursor > 0);
            // Another pull with the clock jumping again leaves the server's cursor where it is.
            device.clock().setWallMs(realNowMs() + 2 * skew);
            REQUIRE(device.syncToQuiescence(30'000));
            auto again = device.client().deviceStore().state();
            REQUIRE(again);
            CHECK(again->pullCursor == cursor);

            // Taps stamped with the offset the client measured reach the office with it, each
            // saying it was known: the office can redate what the device's clock got wrong.
            REQUIRE(device.client().isServerOffsetKnown());
            const std::int64_t offset = device.client().serverOffsetMs();
            CHECK(std::llabs(offset) > 24 * hourMs); // two days off, give or take
            const Practice::Clinician &c = office.practice.clinicians.at(clinician);
            Session stamped = test::makeDraftSession(
                device.store().ids(), device.clock(), office.practice.organization.id,
                c.patients.at(0).id, c.provider.id, office.practice.payer.id);
            stamped.timing = {timingEventNow(TimingEventKind::Start, device.clock(), offset)};
            device.clock().advanceMs(45 * 60'000);
            stamped.timing.append(timingEventNow(TimingEventKind::Stop, device.clock(), offset));
            REQUIRE(device.store().sessions().saveDraft(device.actor(), stamped));
            REQUIRE(device.client().signSession(device.actor(), stamped.id, c.user.id,
                                                device.clock().nowUtc()));
            REQUIRE(device.syncToQuiescence(30'000));
            auto officeAfter = office.server.openStore();
            REQUIRE(officeAfter);
            auto received = officeAfter->database().prepare(
                "SELECT server_offset_ms, server_offset_known FROM session_timing "
                "WHERE session_id = ? ORDER BY seq");
            REQUIRE(received);
            received->bind(1, stamped.id);
            int taps = 0;
            while (received->step().valueOr(false)) {
                ++taps;
                CHECK(received->int64(0) == offset);
                CHECK(received->boolean(1));
            }
            CHECK(taps == 2);
        }
    }
}
