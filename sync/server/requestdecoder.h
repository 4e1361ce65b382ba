// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "recordcodec.h"
#include "sessionbook/sync/v1/sync.pb.h"
#include "util/expected.h"

#include <QByteArrayView>
#include <QString>

#include <cstdint>

namespace sb::sync {

namespace pb = ::sessionbook::sync::v1;

/// Limits a request body must respect. Checked after the HTTP gate's byte limit, so a body
/// that fits the gate still cannot smuggle an unbounded batch.
struct RequestLimits {
    unsigned serverSchemaVersion = protocolSchemaVersion; ///< The server's own version (N).
    int maxChanges = 500;                                 ///< Changes per push.
    std::int64_t maxBodyBytes = 8 * 1024 * 1024;
};

/**
 * Why a request body was refused before anything was looked up or changed. `httpStatus`
 * is 400 (malformed, too many changes) or 426 (schema older than N-2). The message names
 * the rule, never the content.
 */
struct RequestError {
    int httpStatus = 400;
    QString code; ///< "malformed", "too_many_changes", "schema_too_old", "schema_too_new".
    QString message;
};

template<typename T> using RequestResult = Expected<T, RequestError>;

/**
 * The decoders every endpoint runs first: bytes -> message, then the header (present,
 * schema version within N-2..N) and the batch bound. They touch nothing else, so the fuzz
 * target and the bit-flip corpus test exercise exactly what the server runs on untrusted
 * bytes.
 */
RequestResult<pb::PushRequest> decodePushRequest(QByteArrayView bytes, const RequestLimits &limits);
RequestResult<pb::PullRequest> decodePullRequest(QByteArrayView bytes, const RequestLimits &limits);
RequestResult<pb::EnrollRequest> decodeEnrollRequest(QByteArrayView bytes,
                                                     const RequestLimits &limits);

} // namespace sb::sync
