// SPDX-License-Identifier: Apache-2.0
// The request decoder the server runs on untrusted bytes: valid requests, the schema window
// (N-2 served, older 426), the batch bound, and a corpus of truncated and bit-flipped
// requests that must each be decoded or refused, never crash. The libFuzzer target in
// tests/fuzz runs the same function on generated input.
#include "fixtures.h"
#include "recordcodec.h"
#include "server/requestdecoder.h"
#include "store/sessionrepository.h"

#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::sync;

namespace {

QByteArray bytesOf(const google::protobuf::MessageLite &message)
{
    std::string bytes;
    message.SerializeToString(&bytes);
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

pb::PushRequest validPush(int changes, unsigned schema = protocolSchemaVersion)
{
    ManualClock clock;
    Uuid7Generator ids(clock);
    pb::PushRequest request;
    request.mutable_header()->set_schema_version(schema);
    request.mutable_header()->set_request_id(toWireId(ids.next()));
    for (int i = 0; i < changes; ++i) {
        Session s = test::makeDraftSession(ids, clock, OrganizationId(ids.next()),
                                           PatientId(ids.next()), ProviderId(ids.next()));
        s.signature = Signature{UserId(ids.next()), clock.nowUtc(), sessionContentHash(s)};
        pb::Change *change = request.add_changes();
        change->set_change_id(toWireId(ids.next()));
        change->set_content_hash(s.signature->contentHash.toStdString());
        encodeSession(s, *change->mutable_session());
    }
    return request;
}

} // namespace

TEST_CASE("A valid push decodes; the header and the batch bound are enforced")
{
    const RequestLimits limits;
    const QByteArray good = bytesOf(validPush(3));
    auto decoded = decodePushRequest(good, limits);
    REQUIRE(decoded);
    CHECK(decoded->changes_size() == 3);

    pb::PushRequest noHeader = validPush(1);
    noHeader.clear_header();
    auto missing = decodePushRequest(bytesOf(noHeader), limits);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().httpStatus == 400);

    auto tooMany = decodePushRequest(bytesOf(validPush(limits.maxChanges + 1)), limits);
    REQUIRE_FALSE(tooMany);
    CHECK(tooMany.error().code == u"too_many_changes");
    CHECK(decodePushRequest(bytesOf(validPush(limits.maxChanges)), limits));

    auto garbage = decodePushRequest(QByteArrayView("\xff\xff\xff\xff not protobuf"), limits);
    REQUIRE_FALSE(garbage);
    CHECK(garbage.error().code == u"malformed");
}

TEST_CASE("Clients up to two schema versions older are served; older ones get 426")
{
    RequestLimits limits;
    limits.serverSchemaVersion = 4;
    CHECK(decodePushRequest(bytesOf(validPush(1, 4)), limits));
    CHECK(decodePushRequest(bytesOf(validPush(1, 3)), limits));
    CHECK(decodePushRequest(bytesOf(validPush(1, 2)), limits));
    auto old = decodePushRequest(bytesOf(validPush(1, 1)), limits);
    REQUIRE_FALSE(old);
    CHECK(old.error().httpStatus == 426);
    auto newer = decodePushRequest(bytesOf(validPush(1, 5)), limits);
    REQUIRE_FALSE(newer);
    CHECK(newer.error().httpStatus == 400);
}

TEST_CASE("Truncated and bit-flipped pushes are decoded or refused, never crash")
{
    const RequestLimits limits;
    const QByteArray good = bytesOf(validPush(4));
    int refused = 0;
    int decoded = 0;
    for (qsizetype length = 0; length < good.size(); length += 7) {
        auto result = decodePushRequest(QByteArrayView(good.constData(), length), limits);
        (result ? decoded : refused) += 1;
        if (!result) {
            CHECK((result.error().httpStatus == 400 || result.error().httpStatus == 426));
        }
    }
    for (qsizetype bit = 0; bit < good.size() * 8; bit += 13) {
        QByteArray flipped = good;
        flipped[bit / 8] = char(flipped[bit / 8] ^ (1 << (bit % 8)));
        auto result = decodePushRequest(flipped, limits);
        (result ? decoded : refused) += 1;
        if (result) {
            // Whatever decodes is still bounded.
            CHECK(result->changes_size() <= limits.maxChanges);
        }
    }
    CHECK(refused > 0);
    CHECK(decoded > 0);
}
