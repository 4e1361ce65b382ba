// SPDX-License-Identifier: Apache-2.0
// The device side of sync over a real encrypted store, without a network: sign-and-enqueue
// in one transaction, acknowledgements, batching, the pull cursor, the conflict journal's
// three-way merge, and the backoff schedule.
#include "catchqt.h"
#include "client/backoff.h"
#include "client/deviceschema.h"
#include "client/devicesyncstore.h"
#include "fixtures.h"
#include "recordcodec.h"

#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::sync;

namespace {

struct Setup {
    test::TestStore t{sync::deviceSchema()};
    test::Fixtures f;
    bool ok = false;
    Setup()
    {
        if (t.store) {
            auto made = test::Fixtures::create(*t.store);
            ok = made.hasValue();
            if (ok) {
                f = *made;
            }
        }
    }
    Session newDraft()
    {
        Session s = test::makeDraftSession(t.store->ids(), t.clock, f.organization.id, f.patient.id,
                                           f.provider.id, f.payer.id);
        (void)t.store->sessions().saveDraft(f.actor, s);
        return s;
    }
};

} // namespace

TEST_CASE("Signing writes the outbox row in the same transaction")
{
    Setup s;
    REQUIRE(s.ok);
    DeviceSyncStore device(*s.t.store);
    auto signature =
        device.signSession(s.f.actor, s.f.draft.id, s.f.clinician.id, s.t.clock.nowUtc());
    REQUIRE(signature);
    auto entries = device.entries();
    REQUIRE(entries);
    REQUIRE(entries->size() == 1);
    const OutboxEntry &entry = entries->first();
    CHECK(entry.recordType == u"session");
    CHECK(entry.recordId == s.f.draft.id.uuid());
    CHECK(entry.contentHash == signature->contentHash);
    pb::Change change;
    REQUIRE(change.ParseFromArray(entry.payload.constData(), int(entry.payload.size())));
    CHECK(fromWireId(change.change_id()) == entry.changeId);
    auto decoded = decodeSession(change.session());
    REQUIRE(decoded);
    CHECK(decoded->signature->contentHash == signature->contentHash);
    auto stored = s.t.store->sessions().session(s.f.actor, s.f.draft.id);
    REQUIRE(stored);
    CHECK(stored->statusTrail.last().status == SessionStatus::OnDevice);

    // If the outbox row cannot be written, the signature is not kept either.
    const Session other = s.newDraft();
    auto block = s.t.store->database().prepare(
        "INSERT INTO sync_outbox (change_id, seq, record_type, record_id, content_hash, payload, "
        "enqueued_at) VALUES (?, 1000, 'session', ?, x'00', x'00', 0)");
    REQUIRE(block);
    block->bind(1, s.t.store->ids().next().toRfc4122()).bind(2, other.id.uuid().toRfc4122());
    REQUIRE(block->run());
    auto refused = device.signSession(s.f.actor, other.id, s.f.clinician.id, s.t.clock.nowUtc());
    CHECK_FALSE(refused);
    auto unsignedAgain = s.t.store->sessions().session(s.f.actor, other.id);
    REQUIRE(unsignedAgain);
    CHECK_FALSE(unsignedAgain->isSigned());
}

TEST_CASE("Only ACCEPTED or DUPLICATE remove a row; CONFLICT and REJECTED are kept with reasons")
{
    Setup s;
    REQUIRE(s.ok);
    DeviceSyncStore device(*s.t.store);
    QList<SessionId> ids{s.f.draft.id};
    for (int i = 0; i < 4; ++i) {
        ids.append(s.newDraft().id);
    }
    // The device clock jumps back two days half way: the outbox keeps signing order.
    for (int i = 0; i < ids.size(); ++i) {
        if (i == 2) {
            s.t.clock.setWallMs(s.t.clock.nowMsSinceEpoch() - 48 * 3'600'000LL);
        }
        REQUIRE(device.signSession(s.f.actor, ids[i], s.f.clinician.id, s.t.clock.nowUtc()));
    }
    auto batch = device.nextBatch(500, 1 << 20);
    REQUIRE(batch);
    REQUIRE(batch->size() == 5);
    for (int i = 0; i < 5; ++i) {
        CHECK(batch->at(i).recordId == ids[i].uuid());
    }
    auto small = device.nextBatch(2, 1 << 20);
    REQUIRE(small);
    CHECK(small->size() == 2);
    auto tiny = device.nextBatch(500, 1);
    REQUIRE(tiny);
    CHECK(tiny->size() == 1); // Always at least one, so a large record is never stuck.
    // A pipelined push reads the batch after the one in flight: it starts past that position.
    auto following = device.nextBatch(2, 1 << 20, small->last().seq);
    REQUIRE(following);
    REQUIRE(following->size() == 2);
    CHECK(following->at(0).recordId == ids[2].uuid());
    CHECK(following->at(1).recordId == ids[3].uuid());
    auto past = device.nextBatch(500, 1 << 20, batch->last().seq);
    REQUIRE(past);
    CHECK(past->isEmpty());

    const QList<AckResult> acks{
        {batch->at(0).changeId, pb::ACK_OUTCOME_ACCEPTED, {}},
        {batch->at(1).changeId, pb::ACK_OUTCOME_DUPLICATE, {}},
        {batch->at(2).changeId, pb::ACK_OUTCOME_CONFLICT, QStringLiteral("other content")},
        {batch->at(3).changeId, pb::ACK_OUTCOME_REJECTED, QStringLiteral("patient not found")},
        {batch->at(4).changeId, pb::ACK_OUTCOME_UNSPECIFIED, {}},
    };
    auto summary = device.applyAcks(acks);
    REQUIRE(summary);
    CHECK(summary->removed == 2);
    CHECK(summary->conflicts == 1);
    CHECK(summary->rejected == 1);
    CHECK(summary->unresolved == 1);
    CHECK(*device.pendingCount() == 1);
    auto left = device.entries();
    REQUIRE(left);
    REQUIRE(left->size() == 3);
    CHECK(left->at(0).state == OutboxState::Conflict);
    CHECK(left->at(0).lastError == u"other content");
    CHECK(left->at(1).state == OutboxState::Rejected);
    CHECK(left->at(1).lastError == u"patient not found");
    CHECK(left->at(2).state == OutboxState::Pending);

    REQUIRE(device.recordAttempt({left->at(2).changeId}, QStringLiteral("timeout")));
    auto after = device.entries();
    REQUIRE(after);
    CHECK(after->at(2).attempts == 1);
    CHECK(after->at(2).lastError == u"timeout");
}

TEST_CASE("Pull applies items once, moves the server's cursor and journals losing values")
{
    Setup s;
    REQUIRE(s.ok);
    DeviceSyncStore device(*s.t.store);
    REQUIRE(device.saveEnrollment(QStringLiteral("https://127.0.0.1:1"), {},
                                  DeviceId(s.t.store->ids().next()), s.f.clinician.id,
                                  s.f.organization.id, s.f.provider.id));
    const Authorization auth =
        test::makeAuthorization(s.t.store->ids(), s.f.patient.id, s.f.payer.id);

    auto page = [&](std::uint64_t seq, int used) {
        pb::PullResponse response;
        pb::PullItem *item = response.add_items();
        item->set_seq(seq);
        pb::Authorization *a = item->mutable_authorization();
        a->set_id(toWireId(auth.id));
        a->set_patient_id(toWireId(auth.patientId));
        a->set_payer_id(toWireId(auth.payerId));
        a->set_number(auth.number.toStdString());
        a->set_unit("visits");
        a->set_authorized(auth.authorized);
        a->set_used(used);
        a->set_start_date("2026-01-01");
        a->set_end_date("2026-12-31");
        pb::PullItem *status = response.add_items();
        status->set_seq(seq + 1);
        status->mutable_session_status()->set_session_id(toWireId(s.f.draft.id));
        status->mutable_session_status()->set_status("coded");
        status->mutable_session_status()->set_detail("90834");
        status->mutable_session_status()->set_at_ms(1'767'225'600'000);
        auto *received = status->mutable_session_status()->add_earlier();
        received->set_status("received");
        received->set_at_ms(1'767'225'600'000);
        pb::PullItem *task = response.add_items();
        task->set_seq(seq + 2);
        task->mutable_task()->set_id(toWireId(s.t.store->ids().next()));
        task->mutable_task()->set_session_id(toWireId(s.f.draft.id));
        task->mutable_task()->set_kind("addendum_requested");
        task->mutable_task()->set_created_at_ms(1'767'225'600'000);
        response.set_next_cursor(seq + 10);
        return response;
    };
    auto usedNow = [&] {
        auto list = s.t.store->patients().authorizations(s.f.actor, s.f.patient.id);
        return list && !list->isEmpty() ? list->first().used : -1;
    };

    auto first = device.applyPull(s.f.actor, page(1, 2));
    REQUIRE(first);
    CHECK(first->applied == 3);
    CHECK(first->cursor == 11);
    CHECK(device.state()->pullCursor == 11);
    CHECK(usedNow() == 2);
    CHECK(device.openTasks()->size() == 1);

    // The same page again (a replayed answer) adds no second status.
    REQUIRE(device.applyPull(s.f.actor, page(1, 2)));
    auto trail = s.t.store->sessions().session(s.f.actor, s.f.draft.id);
    REQUIRE(trail);
    // One item carried two steps, received then coded; each is on the trail once.
    CHECK(std::count_if(trail->statusTrail.begin(), trail->statusTrail.end(),
                        [](const StatusEntry &e) { return e.status == SessionStatus::Received; })
          == 1);
    const auto coded =
        std::find_if(trail->statusTrail.begin(), trail->statusTrail.end(),
                     [](const StatusEntry &e) { return e.status == SessionStatus::Coded; });
    REQUIRE(coded != trail->statusTrail.end());
    CHECK(coded->detail == QStringLiteral("90834"));
    CHECK(std::count_if(trail->statusTrail.begin(), trail->statusTrail.end(),
                        [](const StatusEntry &e) { return e.status == SessionStatus::Coded; })
          == 1);

    // The device counts a visit offline; the server did not change: the device value stands.
    REQUIRE(s.t.store->patients().consume(s.f.actor, auth.id, 1));
    REQUIRE(device.applyPull(s.f.actor, page(20, 2)));
    CHECK(usedNow() == 3);
    CHECK(device.conflicts()->isEmpty());

    // Both changed: the office's value wins and the device's losing value is journaled.
    REQUIRE(s.t.store->patients().consume(s.f.actor, auth.id, 1)); // 4 on the device
    auto third = device.applyPull(s.f.actor, page(40, 6));
    REQUIRE(third);
    CHECK(third->conflicts == 1);
    CHECK(usedNow() == 6);
    auto journal = device.conflicts();
    REQUIRE(journal);
    REQUIRE(journal->size() == 1);
    CHECK(journal->first().field == u"used");
    CHECK(journal->first().losingValue == u"4");
    CHECK(journal->first().keptValue == u"6");
    CHECK(journal->first().winner == u"server");
}

TEST_CASE("Reference rows that enrollment and pull need are written audited, by the repository")
{
    Setup s;
    REQUIRE(s.ok);
    DeviceSyncStore device(*s.t.store);
    Store &store = *s.t.store;
    auto actionsFor = [&](const QUuid &id) {
        QList<AuditAction> actions;
        const auto entries = store.audit().entriesFor(id);
        REQUIRE(entries);
        for (const AuditEntry &e : *entries) {
            actions.append(e.action);
        }
        return actions;
    };

    // Enrolled into an organization the device has no row for yet: a placeholder, audited.
    const OrganizationId organization(store.ids().next());
    const DeviceId deviceId(store.ids().next());
    REQUIRE(device.saveEnrollment(QStringLiteral("https://127.0.0.1:1"), {}, deviceId,
                                  s.f.clinician.id, organization, s.f.provider.id));
    REQUIRE(store.practice().organization(organization));
    CHECK(actionsFor(organization.uuid()) == QList<AuditAction>{AuditAction::Create});

    // An authorization naming a payer the device has not heard of: the payer's placeholder.
    const PayerId payer(store.ids().next());
    const Authorization auth = test::makeAuthorization(store.ids(), s.f.patient.id, payer);
    pb::PullResponse response;
    pb::PullItem *item = response.add_items();
    item->set_seq(1);
    pb::Authorization *a = item->mutable_authorization();
    a->set_id(toWireId(auth.id));
    a->set_patient_id(toWireId(auth.patientId));
    a->set_payer_id(toWireId(payer));
    a->set_number(auth.number.toStdString());
    a->set_unit("visits");
    a->set_authorized(auth.authorized);
    response.set_next_cursor(2);
    REQUIRE(device.applyPull(s.f.actor, response));
    const auto placeholder = store.practice().payer(payer);
    REQUIRE(placeholder);
    CHECK(placeholder->kind == PayerKind::Commercial);
    CHECK(actionsFor(payer.uuid()) == QList<AuditAction>{AuditAction::Create});
    // Pulling it again writes nothing more.
    REQUIRE(device.applyPull(s.f.actor, response));
    CHECK(actionsFor(payer.uuid()) == QList<AuditAction>{AuditAction::Create});
}

TEST_CASE("Backoff is exponential with full jitter, capped and replayable from a seed")
{
    SeededRandom a(42);
    SeededRandom b(42);
    Backoff first(a, 100, 10'000);
    Backoff second(b, 100, 10'000);
    for (int i = 0; i < 20; ++i) {
        const std::int64_t ceiling = std::min<std::int64_t>(10'000, 100LL << std::min(i, 30));
        const std::int64_t delay = first.nextDelayMs();
        CHECK(delay >= 0);
        CHECK(delay < ceiling);
        CHECK(delay == second.nextDelayMs());
    }
    first.reset();
    CHECK(first.failures() == 0);
    CHECK(first.nextDelayMs() < 100);
}
