// SPDX-License-Identifier: Apache-2.0
#include "server/requestdecoder.h"

#include <google/protobuf/io/coded_stream.h>
#include <limits>

namespace sb::sync {

namespace {

Unexpected<RequestError> refuse(int status, const char *code, const char *message)
{
    return {RequestError{status, QString::fromLatin1(code), QString::fromLatin1(message)}};
}

/// Parses with protobuf's default recursion limit and a total-size limit equal to the body
/// limit; a message that does not consume every byte is malformed.
template<typename Message>
RequestResult<Message> parse(QByteArrayView bytes, const RequestLimits &limits)
{
    if (bytes.size() > limits.maxBodyBytes || bytes.size() > std::numeric_limits<int>::max()) {
        return refuse(413, "too_large", "request body over the size limit");
    }
    Message message;
    google::protobuf::io::CodedInputStream input(
        reinterpret_cast<const std::uint8_t *>(bytes.data()), static_cast<int>(bytes.size()));
    input.SetTotalBytesLimit(static_cast<int>(limits.maxBodyBytes));
    if (!message.ParseFromCodedStream(&input) || !input.ConsumedEntireMessage()) {
        return refuse(400, "malformed", "body is not a valid protobuf message");
    }
    return message;
}

RequestResult<void> checkHeader(bool hasHeader, const pb::RequestHeader &header,
                                const RequestLimits &limits)
{
    if (!hasHeader || header.schema_version() == 0) {
        return refuse(400, "malformed", "request header with schema_version is required");
    }
    const unsigned oldest = limits.serverSchemaVersion > 2 ? limits.serverSchemaVersion - 2 : 1;
    if (header.schema_version() < oldest) {
        return refuse(426, "schema_too_old",
                      "client schema is older than the server serves; "
                      "update the app");
    }
    if (header.schema_version() > limits.serverSchemaVersion) {
        return refuse(400, "schema_too_new", "client schema is newer than this server");
    }
    if (!header.request_id().empty() && header.request_id().size() != 16) {
        return refuse(400, "malformed", "request_id must be empty or 16 bytes");
    }
    return {};
}

} // namespace

RequestResult<pb::PushRequest> decodePushRequest(QByteArrayView bytes, const RequestLimits &limits)
{
    auto request = parse<pb::PushRequest>(bytes, limits);
    if (!request) {
        return unexpected(request.error());
    }
    if (auto ok = checkHeader(request->has_header(), request->header(), limits); !ok) {
        return unexpected(ok.error());
    }
    if (request->changes_size() > limits.maxChanges) {
        return refuse(400, "too_many_changes", "too many changes in one push; split the batch");
    }
    return request;
}

RequestResult<pb::PullRequest> decodePullRequest(QByteArrayView bytes, const RequestLimits &limits)
{
    auto request = parse<pb::PullRequest>(bytes, limits);
    if (!request) {
        return unexpected(request.error());
    }
    if (auto ok = checkHeader(request->has_header(), request->header(), limits); !ok) {
        return unexpected(ok.error());
    }
    return request;
}

RequestResult<pb::EnrollRequest> decodeEnrollRequest(QByteArrayView bytes,
                                                     const RequestLimits &limits)
{
    auto request = parse<pb::EnrollRequest>(bytes, limits);
    if (!request) {
        return unexpected(request.error());
    }
    if (auto ok = checkHeader(request->has_header(), request->header(), limits); !ok) {
        return unexpected(ok.error());
    }
    if (request->enrollment_code().size() > 64 || request->device_name().size() > 200
        || request->platform().size() > 64 || request->refresh_token().size() > 256
        || request->next_refresh_token().size() > 256) {
        return refuse(400, "malformed", "enrollment field too long");
    }
    // A rotation names the next token, random enough to be a secret of its own.
    if (!request->refresh_token().empty()
        && (request->next_refresh_token().size() < 32
            || request->next_refresh_token() == request->refresh_token())) {
        return refuse(400, "malformed", "next_refresh_token must be a new random token");
    }
    return request;
}

} // namespace sb::sync
