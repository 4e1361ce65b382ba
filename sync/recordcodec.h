// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "domain/organization.h"
#include "domain/patient.h"
#include "domain/session.h"
#include "sessionbook/sync/v1/sync.pb.h"
#include "util/expected.h"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace sb::sync {

namespace pb = ::sessionbook::sync::v1;

/// What was wrong with a wire field, for callers that react to the kind rather than the text.
enum class DecodeFault {
    Invalid,    ///< Malformed or unknown value.
    TooLong,    ///< Over its cap in wireCaps (bytes of UTF-8, or items of a list).
    OutOfRange, ///< A time or duration outside what any real device sends.
};

/// Why a wire record could not become a domain record. Never carries PHI.
struct DecodeError {
    QString field;   ///< The offending field, e.g. "session.service".
    QString message; ///< Plain words: "unknown value", "must be 16 bytes".
    DecodeFault fault = DecodeFault::Invalid;
};

/**
 * The largest value each decoded field may hold, in one place. A record over a cap is
 * refused, naming the field, before its text is converted or stored, so a push within the
 * body limit still cannot make the server hold (or a device render) megabytes in one name.
 * Text caps count UTF-8 bytes as they arrive; list caps count items. Ids are exactly 16
 * bytes or empty (fromWireId) and the content hash exactly 32, so neither needs a cap here.
 */
namespace wireCaps {
inline constexpr std::size_t enumNameBytes = 64;     ///< "IndividualTherapy", "Telehealth".
inline constexpr std::size_t dateBytes = 10;         ///< ISO "YYYY-MM-DD".
inline constexpr std::size_t codeBytes = 16;         ///< ICD-10-CM and CPT/HCPCS codes.
inline constexpr std::size_t nameBytes = 256;        ///< Person, payer and participant names.
inline constexpr std::size_t identifierBytes = 64;   ///< Member ids, authorization numbers, phones.
inline constexpr std::size_t noteTemplateBytes = 32; ///< "SOAP", "DAP", "BIRP".
inline constexpr std::size_t noteBytes = 256 * 1024; ///< A session note.
inline constexpr std::size_t addendumBytes = 64 * 1024; ///< One addendum's text.
inline constexpr int participants = 32;                 ///< Per session.
inline constexpr int diagnoses = 12;                    ///< A claim's diagnosis pointers (837P).
inline constexpr int timingEvents = 1000;               ///< Start/pause/resume/stop taps.
inline constexpr int serviceCodes = 64;                 ///< Per authorization.

/// Latest wall-clock time accepted: 9999-12-31T23:59:59.999Z. Earliest is the epoch; 0 means
/// "absent". Any two accepted times differ by far less than INT64_MAX.
inline constexpr std::int64_t maxWallMs = 253'402'300'799'999;
/// A monotonic clock reading or a server offset: at most about a century either way.
inline constexpr std::int64_t maxMonotonicMs = 100LL * 366 * 24 * 3'600'000;
inline constexpr std::int64_t maxServerOffsetMs = maxMonotonicMs;
} // namespace wireCaps

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
