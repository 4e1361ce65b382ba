// SPDX-License-Identifier: Apache-2.0
// A device that stops syncing is a failure the clinician sees. The real client against the
// real `sessionbook-office serve`: an enrollment that cuts into a running sync, a server that
// trickles its answers, bookkeeping that cannot be saved, and re-enrollment to another
// server or user, which must never hand the old outbox to the new recipient.
#include "catchqt.h"
#include "client/devicesyncstore.h"
#include "client_harness.h"
#include "faultproxy.h"

#include <QElapsedTimer>

#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::synctest;

namespace {

using EnrollError = sync::SyncClient::EnrollError;

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
    std::optional<QString> enroll(Device &device, int clinician,
                                  sync::SyncClient::EnrollOptions options = {},
                                  EnrollError *kind = nullptr)
    {
        const auto code = server.enrollCode(practice.clinicians[clinician].user.login);
        if (!code) {
            return QStringLiteral("no enrollment code");
        }
        return device.enroll(server.url(), *code, server.keyPin(), {}, options, kind);
    }
};

/// How many copies of the session the office holds (0 when it never arrived).
std::int64_t officeCopies(Store &office, const SessionId &id)
{
    auto count = office.database().prepare("SELECT count(*) FROM sessions WHERE id = ?");
    if (!count) {
        return -1;
    }
    count->bind(1, id);
    if (!count->step()) {
        return -1;
    }
    return count->int64(0);
}

} // namespace

TEST_CASE("An enrollment during a running sync ends that sync, and the device syncs after it",
          "[integration]")
{
    Office office;
    REQUIRE(office.ok);
    Device device(office.practice, 0, fastOptions(), 11);
    REQUIRE(device.isValid());
    REQUIRE_FALSE(office.enroll(device, 0));
    const SessionId a = device.signNewSession(false);
    const SessionId b = device.signNewSession(false);
    REQUIRE_FALSE(b.isNull());

    // A push is on the wire when the user enrolls again (same account: the outbox stays).
    device.client().syncNow();
    REQUIRE(device.client().isSyncing());
    const auto failure = office.enroll(device, 0);
    INFO((failure ? failure->toStdString() : std::string("enrolled")));
    REQUIRE_FALSE(failure);
    CHECK_FALSE(device.client().isSyncing());

    REQUIRE(device.syncToQuiescence(20'000));
    auto officeStore = office.server.openStore();
    REQUIRE(officeStore);
    CHECK(checkOnServerExactlyOnce(*officeStore, device.store(), {a, b}).isEmpty());
}

TEST_CASE("A server that trickles its answer is cut off at the request deadline; the next sync "
          "succeeds",
          "[integration]")
{
    ensureApp();
    OfficeServer server;
    Practice practice;
    REQUIRE(server.seed(1, 2, practice));
    REQUIRE(server.start());
    const auto certificate = makeTestCertificate();
    REQUIRE(certificate);
    FaultProxy proxy(*certificate, 1);
    REQUIRE(proxy.start());
    proxy.setUpstream(server.port(), server.certificateSha256());
    const QUrl proxyUrl(QStringLiteral("https://127.0.0.1:%1").arg(proxy.port()));

    sync::SyncClient::Options options = fastOptions();
    options.trustedCertificates = {certificate->certificate};
    options.transferTimeoutMs = 1'000; // a byte every 300 ms never lets this fire
    options.requestDeadlineMs = 3'000;
    options.retryBaseMs = 60'000; // no retry of its own: the next sync is the test's
    options.retryCapMs = 60'000;
    Device device(practice, 0, options, 12);
    REQUIRE(device.isValid());
    const auto code = server.enrollCode(practice.clinicians[0].user.login);
    REQUIRE(code);
    REQUIRE_FALSE(device.enroll(proxyUrl, *code));
    const SessionId a = device.signNewSession(false);
    const SessionId b = device.signNewSession(false);
    REQUIRE_FALSE(b.isNull());

    proxy.setTrickleMs(300);
    bool finished = false;
    bool ok = true;
    auto connection =
        QObject::connect(&device.client(), &sync::SyncClient::syncFinished, [&](bool success) {
            finished = true;
            ok = success;
        });
    QElapsedTimer elapsed;
    elapsed.start();
    device.client().syncNow();
    // Without a deadline the push answer alone takes about 20 s and the pull far longer.
    REQUIRE(waitUntil([&] { return finished; }, 10'000));
    QObject::disconnect(connection);
    CHECK_FALSE(ok);
    CHECK(elapsed.elapsed() < 3'000 + 2'000);
    CHECK(device.client().pendingCount() == 2); // the answer never arrived: outcome unknown
    CHECK(device.client().lastError() == QStringLiteral("no answer from the server in time"));

    proxy.setTrickleMs(0);
    REQUIRE(device.syncToQuiescence(20'000));
    auto officeStore = server.openStore();
    REQUIRE(officeStore);
    CHECK(checkOnServerExactlyOnce(*officeStore, device.store(), {a, b}).isEmpty());
}

TEST_CASE("Sync bookkeeping that cannot be saved fails the cycle instead of passing unseen",
          "[integration]")
{
    Office office;
    REQUIRE(office.ok);
    Device device(office.practice, 0, fastOptions(), 13);
    REQUIRE(device.isValid());
    REQUIRE_FALSE(office.enroll(device, 0));
    REQUIRE(device.syncToQuiescence(20'000));
    auto before = device.client().deviceStore().state();
    REQUIRE(before);

    // The store refuses to record a success (as a full disk or a broken page would).
    REQUIRE(device.store().database().execLiteral(
        "CREATE TRIGGER test_no_success BEFORE UPDATE OF last_success_at ON sync_state "
        "BEGIN SELECT RAISE(ABORT, 'test: success not saved'); END"));
    const SessionId a = device.signNewSession(false);
    REQUIRE_FALSE(a.isNull());
    bool finished = false;
    bool ok = true;
    auto connection =
        QObject::connect(&device.client(), &sync::SyncClient::syncFinished, [&](bool success) {
            finished = true;
            ok = success;
        });
    device.client().syncNow();
    REQUIRE(waitUntil([&] { return finished; }, 20'000));
    QObject::disconnect(connection);
    CHECK_FALSE(ok);
    CHECK(device.client().lastError() == QStringLiteral("sync state not saved"));
    CHECK(device.client().lastSuccess() == before->lastSuccessAt);
    auto state = device.client().deviceStore().state();
    REQUIRE(state);
    CHECK(state->lastError == QStringLiteral("sync state not saved"));

    REQUIRE(device.store().database().execLiteral("DROP TRIGGER test_no_success"));
    REQUIRE(device.syncToQuiescence(20'000));
    CHECK(device.client().lastError().isEmpty());
    CHECK(device.client().lastSuccess() > before->lastSuccessAt);
}

TEST_CASE("Re-enrolling to another server never sends it the old outbox", "[integration]")
{
    Office first;
    Office second;
    REQUIRE(first.ok);
    REQUIRE(second.ok);
    Device device(first.practice, 0, fastOptions(), 14);
    REQUIRE(device.isValid());
    REQUIRE_FALSE(first.enroll(device, 0));
    const SessionId drained = device.signNewSession(false);
    REQUIRE_FALSE(drained.isNull());

    // Refused while a change waits, before the code is spent; the old enrollment (server,
    // pin, token) is untouched, so the change still drains to the first server.
    EnrollError kind = EnrollError::None;
    CHECK(second.enroll(device, 0, {}, &kind));
    CHECK(kind == EnrollError::PendingOutbox);
    CHECK(device.client().isEnrolled());
    CHECK(device.client().deviceStore().pendingCount().valueOr(-1) == 1);
    REQUIRE(device.syncToQuiescence(20'000));

    // Drained: moving is allowed. A change signed after it is dropped only when confirmed.
    const SessionId dropped = device.signNewSession(false);
    REQUIRE_FALSE(dropped.isNull());
    kind = EnrollError::None;
    CHECK(second.enroll(device, 0, {}, &kind));
    CHECK(kind == EnrollError::PendingOutbox);
    sync::SyncClient::EnrollOptions confirmed;
    confirmed.discardPendingOutbox = true;
    const auto failure = second.enroll(device, 0, confirmed);
    INFO((failure ? failure->toStdString() : std::string("enrolled")));
    REQUIRE_FALSE(failure);
    CHECK(device.client().deviceStore().pendingCount().valueOr(-1) == 0);
    auto entries = device.client().deviceStore().entries();
    REQUIRE(entries);
    CHECK(entries->isEmpty());
    REQUIRE(device.syncToQuiescence(20'000));

    auto firstStore = first.server.openStore();
    auto secondStore = second.server.openStore();
    REQUIRE(firstStore);
    REQUIRE(secondStore);
    CHECK(officeCopies(*firstStore, drained) == 1);
    CHECK(officeCopies(*firstStore, dropped) == 0);
    CHECK(officeCopies(*secondStore, drained) == 0);
    CHECK(officeCopies(*secondStore, dropped) == 0);
    // The signed session stays on the device; the audit log says its change was dropped.
    auto trail = device.store().audit().entriesFor(dropped.uuid());
    REQUIRE(trail);
    bool audited = false;
    for (const AuditEntry &entry : *trail) {
        audited = audited || entry.outcome == QStringLiteral("discarded");
    }
    CHECK(audited);
}

TEST_CASE("Re-enrolling as another user of the same server is refused while changes wait",
          "[integration]")
{
    Office office(2);
    REQUIRE(office.ok);
    Device device(office.practice, 0, fastOptions(), 15);
    REQUIRE(device.isValid());
    REQUIRE_FALSE(office.enroll(device, 0));
    const auto token = sync::FileTokenStore(device.tokenPath()).token();
    REQUIRE(token);
    const SessionId a = device.signNewSession(false);
    REQUIRE_FALSE(a.isNull());

    // The account is known only from the answer: refused then, nothing stored.
    EnrollError kind = EnrollError::None;
    CHECK(office.enroll(device, 1, {}, &kind));
    CHECK(kind == EnrollError::PendingOutbox);
    CHECK(sync::FileTokenStore(device.tokenPath()).token() == token);
    auto state = device.client().deviceStore().state();
    REQUIRE(state);
    CHECK(state->userId == office.practice.clinicians[0].user.id);

    REQUIRE(device.syncToQuiescence(20'000));
    auto officeStore = office.server.openStore();
    REQUIRE(officeStore);
    CHECK(checkOnServerExactlyOnce(*officeStore, device.store(), {a}).isEmpty());
}
