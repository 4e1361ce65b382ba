// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "domain/organization.h"
#include "domain/patient.h"
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

/// The practice records the office sends a device with a pull, domain -> wire.
void encodePatient(const Patient &patient, pb::Patient &wire);
/// The coverage with its payer's name and kind (the device has no payer list of its own).
void encodeCoverage(const Coverage &coverage, const Payer &payer, pb::Coverage &wire);
void encodeAuthorization(const Authorization &authorization, pb::Authorization &wire);
void encodeCredentialing(const CredentialingRecord &record, pb::CredentialingStatus &wire);

/// Wire -> domain for the pulled practice records, validating ids and enumerations. The
/// device merges the result with what it holds (its own organization, edited fields).
DecodeResult<Patient> decodePatient(const pb::Patient &wire);
struct DecodedCoverage {
    Coverage coverage;
    QString payerName; ///< Empty when the office sent none.
    QString payerKind; ///< As sent; the device falls back when it does not know it.
};
DecodeResult<DecodedCoverage> decodeCoverage(const pb::Coverage &wire);
DecodeResult<Authorization> decodeAuthorization(const pb::Authorization &wire);
DecodeResult<CredentialingRecord> decodeCredentialing(const pb::CredentialingStatus &wire);

} // namespace sb::sync
