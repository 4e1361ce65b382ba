// SPDX-License-Identifier: Apache-2.0
// The push fuzz target's second half on fixed inputs: a valid push is applied to the
// scratch office store, hostile ones are refused, and the store keeps working after them.
#include "fixtures.h"
#include "pushapply.h"
#include "recordcodec.h"

#include <catch2/catch_test_macros.hpp>
#include <limits>
#include <string>

using namespace sb;

namespace {

QByteArray pushBody(const Session &session, Uuid7Generator &ids)
{
    sync::pb::PushRequest request;
    auto *header = request.mutable_header();
    header->set_schema_version(sync::protocolSchemaVersion);
    header->set_client_version("fuzz-replay");
    header->set_request_id(sync::toWireId(ids.next()));
    auto *change = request.add_changes();
    change->set_change_id(sync::toWireId(ids.next()));
    const QByteArray hash = session.signature->contentHash;
    change->set_content_hash(hash.constData(), static_cast<std::size_t>(hash.size()));
    sync::encodeSession(session, *change->mutable_session());
    std::string bytes;
    request.SerializeToString(&bytes);
    return QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

sync::pb::PushResponse acks(const sync::HttpReply &reply)
{
    sync::pb::PushResponse response;
    response.ParseFromArray(reply.body.constData(), static_cast<int>(reply.body.size()));
    return response;
}

} // namespace

TEST_CASE("The fuzz harness applies a pushed session to its scratch store and survives "
          "hostile ones")
{
    auto harness = fuzz::PushApplyHarness::create();
    REQUIRE(harness);
    const test::Fixtures &f = harness->fixtures();
    ManualClock clock;
    Uuid7Generator ids(clock);

    // Ids the fuzzer would get wrong are pinned to the seeded practice.
    Session session = test::makeDraftSession(ids, clock, OrganizationId(ids.next()),
                                             PatientId(ids.next()), ProviderId(ids.next()));
    Session pinned = session;
    pinned.organizationId = f.organization.id;
    pinned.patientId = f.patient.id;
    pinned.providerId = f.provider.id;
    for (Participant &participant : pinned.participants) {
        if (participant.patientId) {
            participant.patientId = f.patient.id;
        }
    }
    session.signature = Signature{f.clinician.id, clock.nowUtc(), sessionContentHash(pinned)};
    const auto applied = harness->push(pushBody(session, ids));
    CHECK(applied.status == 200);
    const auto response = acks(applied);
    REQUIRE(response.acks_size() == 1);
    INFO(response.acks(0).reason());
    CHECK(response.acks(0).outcome() == sync::pb::ACK_OUTCOME_ACCEPTED);

    // Garbage and hostile taps: refused, no crash.
    CHECK(harness->push(QByteArrayView("\x0a\xff\xff garbage")).status == 400);
    Session hostile =
        test::makeDraftSession(ids, clock, f.organization.id, f.patient.id, f.provider.id);
    hostile.timing.first().monotonicMs = std::numeric_limits<std::int64_t>::min();
    hostile.timing.last().monotonicMs = std::numeric_limits<std::int64_t>::max();
    hostile.signature = Signature{f.clinician.id, clock.nowUtc(), sessionContentHash(hostile)};
    const auto refused = acks(harness->push(pushBody(hostile, ids)));
    REQUIRE(refused.acks_size() == 1);
    CHECK(refused.acks(0).outcome() == sync::pb::ACK_OUTCOME_REJECTED);
}
