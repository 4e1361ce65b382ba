// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "domain/session.h"
#include "sessionbook/sync/v1/sync.pb.h"
#include "util/expected.h"

#include <QString>

#include <optional>
#include <string>

namespace sb::sync {

namespace pb = ::sessionbook::sync::v1;

/// Why a wire record could not become a domain record. Never carries PHI.
struct DecodeError {
    QString field;   ///< The offending field, e.g. "session.service".
    QString message; ///< Plain words: "unknown value", "must be 16 bytes".
};

template<typename T> using DecodeResult = Expected<T, DecodeError>;

/// Schema version of this build of the protocol (RequestHeader.schema_version).
/// 2: SessionStatusUpdate.earlier (statuses reached together travel as one item).
inline constexpr unsigned protocolSchemaVersion = 2;

std::string toWireId(const QUuid &uuid);
template<typename Tag> std::string toWireId(const Id<Tag> &id)
{
    return id.isNull() ? std::string() : toWireId(id.uuid());
}
/// 16 bytes -> id; empty -> null id; anything else -> nullopt.
std::optional<QUuid> fromWireId(const std::string &bytes);

/// Domain session (signed) -> wire record. Addenda and the status trail travel separately.
void encodeSession(const Session &session, pb::SessionRecord &record);
/// Wire record -> domain session, validating every enumeration, id and date.
DecodeResult<Session> decodeSession(const pb::SessionRecord &record);

void encodeAddendum(const SessionId &session, const Addendum &addendum, pb::AddendumRecord &record);
struct DecodedAddendum {
    SessionId sessionId;
    Addendum addendum;
};
DecodeResult<DecodedAddendum> decodeAddendum(const pb::AddendumRecord &record);

} // namespace sb::sync
