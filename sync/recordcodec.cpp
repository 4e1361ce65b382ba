// SPDX-License-Identifier: Apache-2.0
#include "recordcodec.h"

#include "domain/enums.h"

namespace sb::sync {

namespace {

QString fromWireText(const std::string &text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

std::string toWireText(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    return {utf8.constData(), static_cast<std::size_t>(utf8.size())};
}

std::string toWireDate(const QDate &date)
{
    return date.isValid() ? toWireText(date.toString(Qt::ISODate)) : std::string();
}

qint64 toWireMs(const QDateTime &time)
{
    return time.isValid() ? time.toMSecsSinceEpoch() : 0;
}

QDate fromWireDate(const std::string &text)
{
    return text.empty() ? QDate() : QDate::fromString(fromWireText(text), Qt::ISODate);
}

QDateTime fromWireMs(qint64 ms)
{
    return ms == 0 ? QDateTime() : QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

Unexpected<DecodeError> invalid(const char *field, const char *message,
                                DecodeFault fault = DecodeFault::Invalid)
{
    return {DecodeError{QString::fromLatin1(field), QString::fromLatin1(message), fault}};
}

Unexpected<DecodeError> tooLong(const char *field)
{
    return invalid(field, "longer than its limit", DecodeFault::TooLong);
}

/// Text within its cap (UTF-8 bytes as sent), checked before it is converted.
DecodeResult<QString> cappedText(const std::string &text, std::size_t cap, const char *field)
{
    if (text.size() > cap) {
        return tooLong(field);
    }
    return fromWireText(text);
}

/// An optional ISO date: empty or unparsable -> invalid QDate, as the pull merge expects.
DecodeResult<QDate> cappedDate(const std::string &text, const char *field)
{
    if (text.size() > wireCaps::dateBytes) {
        return tooLong(field);
    }
    return fromWireDate(text);
}

template<typename List>
std::optional<Unexpected<DecodeError>> overCount(const List &list, int cap, const char *field)
{
    if (list.size() > cap) {
        return tooLong(field);
    }
    return std::nullopt;
}

/// A wall-clock time: 0 is "absent"; otherwise within the epoch..9999 window, so that no
/// difference or sum of two decoded times can overflow.
DecodeResult<QDateTime> wallTime(std::int64_t ms, const char *field)
{
    if (ms < 0 || ms > wireCaps::maxWallMs) {
        return invalid(field, "outside the accepted time range", DecodeFault::OutOfRange);
    }
    return fromWireMs(ms);
}

template<typename IdType>
DecodeResult<IdType> requiredId(const std::string &bytes, const char *field)
{
    const auto uuid = fromWireId(bytes);
    if (!uuid || uuid->isNull()) {
        return invalid(field, "must be a 16-byte id");
    }
    return IdType(*uuid);
}

template<typename IdType>
DecodeResult<std::optional<IdType>> optionalId(const std::string &bytes, const char *field)
{
    const auto uuid = fromWireId(bytes);
    if (!uuid) {
        return invalid(field, "must be empty or a 16-byte id");
    }
    return uuid->isNull() ? std::optional<IdType>() : std::optional<IdType>(IdType(*uuid));
}

template<typename Enum> DecodeResult<Enum> requiredEnum(const std::string &name, const char *field)
{
    if (name.size() > wireCaps::enumNameBytes) {
        return tooLong(field);
    }
    const auto value = fromName<Enum>(fromWireText(name));
    if (!value) {
        return invalid(field, "unknown value");
    }
    return *value;
}

DecodeResult<std::optional<Signature>> decodeSignature(const pb::Signature &wire, bool present,
                                                       const char *field)
{
    if (!present) {
        return std::optional<Signature>();
    }
    auto signer = requiredId<UserId>(wire.signed_by(), field);
    if (!signer) {
        return unexpected(signer.error());
    }
    if (wire.content_hash().size() != 32 || wire.signed_at_ms() <= 0) {
        return invalid(field, "needs a signing time and a 32-byte content hash");
    }
    auto signedAt = wallTime(wire.signed_at_ms(), field);
    if (!signedAt) {
        return unexpected(signedAt.error());
    }
    return std::optional<Signature>(
        Signature{*signer, *signedAt,
                  QByteArray(wire.content_hash().data(),
                             static_cast<qsizetype>(wire.content_hash().size()))});
}

void encodeSignature(const Signature &signature, pb::Signature &wire)
{
    wire.set_signed_by(toWireId(signature.signedBy));
    wire.set_signed_at_ms(toWireMs(signature.signedAt));
    wire.set_content_hash(signature.contentHash.toStdString());
}

} // namespace

std::string toWireId(const QUuid &uuid)
{
    return uuid.isNull() ? std::string() : uuid.toRfc4122().toStdString();
}

std::optional<QUuid> fromWireId(const std::string &bytes)
{
    if (bytes.empty()) {
        return QUuid();
    }
    if (bytes.size() != 16) {
        return std::nullopt;
    }
    return QUuid::fromRfc4122(QByteArrayView(bytes.data(), 16));
}

void encodeSession(const Session &s, pb::SessionRecord &r)
{
    r.Clear();
    r.set_id(toWireId(s.id));
    r.set_organization_id(toWireId(s.organizationId));
    r.set_patient_id(toWireId(s.patientId));
    r.set_provider_id(toWireId(s.providerId));
    if (s.payerId) {
        r.set_payer_id(toWireId(*s.payerId));
    }
    r.set_date_of_service(toWireDate(s.dateOfService));
    r.set_service(toWireText(toName(s.service)));
    r.set_modality(toWireText(toName(s.modality)));
    r.set_patient_location(toWireText(toName(s.patientLocation)));
    r.set_interactive_complexity(s.interactiveComplexity);
    for (const Participant &p : s.participants) {
        auto *w = r.add_participants();
        w->set_role(toWireText(toName(p.role)));
        if (p.patientId) {
            w->set_patient_id(toWireId(*p.patientId));
        }
        w->set_display_name(toWireText(p.displayName));
        w->set_present(p.present);
    }
    for (const TimingEvent &e : s.timing) {
        auto *w = r.add_timing();
        w->set_kind(toWireText(toName(e.kind)));
        w->set_wall_ms(toWireMs(e.wallClockUtc));
        w->set_monotonic_ms(e.monotonicMs);
        w->set_boot_id(e.bootId);
        w->set_server_offset_ms(e.serverOffsetMs);
        w->set_server_offset_known(e.serverOffsetKnown);
    }
    for (const Diagnosis &d : s.diagnoses) {
        r.add_diagnoses(toWireText(d.code));
    }
    r.set_note_template(toWireText(s.noteTemplate));
    r.set_note(toWireText(s.note));
    if (s.signature) {
        encodeSignature(*s.signature, *r.mutable_signature());
    }
    r.set_updated_at_ms(toWireMs(s.updatedAt));
}

// Decode one field into `target`, or return its error from the enclosing decoder.
#define SB_DECODE(target, expr)                                                                    \
    do {                                                                                           \
        auto decoded_ = (expr);                                                                    \
        if (!decoded_) {                                                                           \
            return unexpected(decoded_.error());                                                   \
        }                                                                                          \
        target = std::move(*decoded_);                                                             \
    } while (false)
// Refuse a list over its cap before any of its items is decoded.
#define SB_CAP_COUNT(list, cap, field)                                                             \
    do {                                                                                           \
        if (auto over_ = overCount((list), (cap), (field))) {                                      \
            return *over_;                                                                         \
        }                                                                                          \
    } while (false)

DecodeResult<Session> decodeSession(const pb::SessionRecord &r)
{
    Session s;
    SB_DECODE(s.id, requiredId<SessionId>(r.id(), "session.id"));
    SB_DECODE(s.organizationId,
              requiredId<OrganizationId>(r.organization_id(), "session.organization_id"));
    SB_DECODE(s.patientId, requiredId<PatientId>(r.patient_id(), "session.patient_id"));
    SB_DECODE(s.providerId, requiredId<ProviderId>(r.provider_id(), "session.provider_id"));
    SB_DECODE(s.payerId, optionalId<PayerId>(r.payer_id(), "session.payer_id"));
    SB_DECODE(s.dateOfService, cappedDate(r.date_of_service(), "session.date_of_service"));
    if (!s.dateOfService.isValid()) {
        return invalid("session.date_of_service", "must be a date YYYY-MM-DD");
    }
    SB_DECODE(s.service, requiredEnum<ServiceKind>(r.service(), "session.service"));
    SB_DECODE(s.modality, requiredEnum<Modality>(r.modality(), "session.modality"));
    SB_DECODE(s.patientLocation,
              requiredEnum<PatientLocation>(r.patient_location(), "session.patient_location"));
    s.interactiveComplexity = r.interactive_complexity();
    SB_CAP_COUNT(r.participants(), wireCaps::participants, "session.participants");
    SB_CAP_COUNT(r.timing(), wireCaps::timingEvents, "session.timing");
    SB_CAP_COUNT(r.diagnoses(), wireCaps::diagnoses, "session.diagnoses");
    for (const auto &w : r.participants()) {
        Participant p;
        SB_DECODE(p.role, requiredEnum<ParticipantRole>(w.role(), "session.participants.role"));
        SB_DECODE(p.patientId,
                  optionalId<PatientId>(w.patient_id(), "session.participants.patient_id"));
        SB_DECODE(p.displayName, cappedText(w.display_name(), wireCaps::nameBytes,
                                            "session.participants.display_name"));
        p.present = w.present();
        s.participants.append(p);
    }
    for (const auto &w : r.timing()) {
        TimingEvent e;
        SB_DECODE(e.kind, requiredEnum<TimingEventKind>(w.kind(), "session.timing.kind"));
        SB_DECODE(e.wallClockUtc, wallTime(w.wall_ms(), "session.timing.wall_ms"));
        // Durations are differences of these; bounded here, they cannot overflow later.
        if (w.monotonic_ms() < 0 || w.monotonic_ms() > wireCaps::maxMonotonicMs) {
            return invalid("session.timing.monotonic_ms", "outside the accepted range",
                           DecodeFault::OutOfRange);
        }
        if (w.server_offset_ms() < -wireCaps::maxServerOffsetMs
            || w.server_offset_ms() > wireCaps::maxServerOffsetMs) {
            return invalid("session.timing.server_offset_ms", "outside the accepted range",
                           DecodeFault::OutOfRange);
        }
        e.monotonicMs = w.monotonic_ms();
        e.bootId = w.boot_id();
        e.serverOffsetMs = w.server_offset_ms();
        e.serverOffsetKnown = w.server_offset_known();
        s.timing.append(e);
    }
    for (const auto &code : r.diagnoses()) {
        Diagnosis d;
        SB_DECODE(d.code, cappedText(code, wireCaps::codeBytes, "session.diagnoses"));
        s.diagnoses.append(d);
    }
    SB_DECODE(s.noteTemplate,
              cappedText(r.note_template(), wireCaps::noteTemplateBytes, "session.note_template"));
    SB_DECODE(s.note, cappedText(r.note(), wireCaps::noteBytes, "session.note"));
    SB_DECODE(s.signature, decodeSignature(r.signature(), r.has_signature(), "session.signature"));
    SB_DECODE(s.updatedAt, wallTime(r.updated_at_ms(), "session.updated_at_ms"));
    return s;
}

void encodeAddendum(const SessionId &session, const Addendum &a, pb::AddendumRecord &r)
{
    r.Clear();
    r.set_id(toWireId(a.id));
    r.set_session_id(toWireId(session));
    r.set_author_id(toWireId(a.authorId));
    r.set_created_at_ms(toWireMs(a.createdAt));
    r.set_text(toWireText(a.text));
    if (a.signature) {
        encodeSignature(*a.signature, *r.mutable_signature());
    }
}

DecodeResult<DecodedAddendum> decodeAddendum(const pb::AddendumRecord &r)
{
    DecodedAddendum out;
    auto session = requiredId<SessionId>(r.session_id(), "addendum.session_id");
    if (!session) {
        return unexpected(session.error());
    }
    out.sessionId = *session;
    auto id = requiredId<AddendumId>(r.id(), "addendum.id");
    if (!id) {
        return unexpected(id.error());
    }
    out.addendum.id = *id;
    auto author = requiredId<UserId>(r.author_id(), "addendum.author_id");
    if (!author) {
        return unexpected(author.error());
    }
    out.addendum.authorId = *author;
    SB_DECODE(out.addendum.createdAt, wallTime(r.created_at_ms(), "addendum.created_at_ms"));
    SB_DECODE(out.addendum.text, cappedText(r.text(), wireCaps::addendumBytes, "addendum.text"));
    auto signature = decodeSignature(r.signature(), r.has_signature(), "addendum.signature");
    if (!signature) {
        return unexpected(signature.error());
    }
    out.addendum.signature = *signature;
    return out;
}

void encodePatient(const Patient &patient, pb::Patient &wire)
{
    wire.set_id(toWireId(patient.id));
    wire.set_first_name(toWireText(patient.firstName));
    wire.set_last_name(toWireText(patient.lastName));
    wire.set_birth_date(toWireDate(patient.birthDate));
    wire.set_sex(toWireText(toName(patient.sex)));
    if (patient.primaryProviderId) {
        wire.set_primary_provider_id(toWireId(*patient.primaryProviderId));
    }
}

void encodeAuthorization(const Authorization &a, pb::Authorization &wire)
{
    wire.set_id(toWireId(a.id));
    wire.set_patient_id(toWireId(a.patientId));
    wire.set_payer_id(toWireId(a.payerId));
    wire.set_number(toWireText(a.number));
    for (const QString &code : a.serviceCodes) {
        wire.add_service_codes(toWireText(code));
    }
    wire.set_unit(toWireText(toName(a.unit)));
    wire.set_authorized(a.authorized);
    wire.set_used(a.used);
    wire.set_start_date(toWireDate(a.startDate));
    wire.set_end_date(toWireDate(a.endDate));
}

void encodeCoverage(const Coverage &c, const Payer &payer, pb::Coverage &wire)
{
    wire.set_id(toWireId(c.id));
    wire.set_patient_id(toWireId(c.patientId));
    wire.set_payer_id(toWireId(c.payerId));
    wire.set_payer_name(toWireText(payer.name));
    wire.set_payer_kind(toWireText(toName(payer.kind)));
    wire.set_member_id(toWireText(c.memberId));
    wire.set_priority(c.priority);
    wire.set_effective(toWireDate(c.effective));
    wire.set_termination(toWireDate(c.termination));
    if (c.eligibility) {
        const EligibilitySnapshot &e = *c.eligibility;
        auto *out = wire.mutable_eligibility();
        out->set_checked_at_ms(toWireMs(e.checkedAt));
        out->set_active(e.active);
        out->set_plan_begin(toWireDate(e.planBegin));
        out->set_plan_end(toWireDate(e.planEnd));
        out->set_behavioral_health_carved_out(e.behavioralHealthCarvedOut);
        out->set_carve_out_payer_name(toWireText(e.carveOutPayerName));
        out->set_carve_out_payer_id(toWireText(e.carveOutPayerId));
        out->set_carve_out_phone(toWireText(e.carveOutPhone));
        out->set_source(toWireText(e.source));
    }
}

void encodeCredentialing(const CredentialingRecord &c, pb::CredentialingStatus &wire)
{
    wire.set_id(toWireId(c.id));
    wire.set_provider_id(toWireId(c.providerId));
    wire.set_payer_id(toWireId(c.payerId));
    wire.set_status(toWireText(toName(c.status)));
    wire.set_effective_date(toWireDate(c.effectiveDate));
    wire.set_end_date(toWireDate(c.endDate));
    wire.set_caqh_attested_on(toWireDate(c.caqhAttestedOn));
    wire.set_license_expires_on(toWireDate(c.licenseExpiresOn));
}

DecodeResult<Patient> decodePatient(const pb::Patient &w)
{
    auto id = requiredId<PatientId>(w.id(), "patient.id");
    if (!id) {
        return unexpected(id.error());
    }
    Patient patient;
    patient.id = *id;
    SB_DECODE(patient.firstName,
              cappedText(w.first_name(), wireCaps::nameBytes, "patient.first_name"));
    SB_DECODE(patient.lastName,
              cappedText(w.last_name(), wireCaps::nameBytes, "patient.last_name"));
    SB_DECODE(patient.birthDate, cappedDate(w.birth_date(), "patient.birth_date"));
    QString sex;
    SB_DECODE(sex, cappedText(w.sex(), wireCaps::enumNameBytes, "patient.sex"));
    patient.sex = fromName<Sex>(sex).value_or(Sex::Unknown);
    // A provider the device cannot read is left out, not a reason to drop the patient.
    if (const auto provider = fromWireId(w.primary_provider_id());
        provider && !provider->isNull()) {
        patient.primaryProviderId = ProviderId(*provider);
    }
    return patient;
}

DecodeResult<DecodedCoverage> decodeCoverage(const pb::Coverage &w)
{
    auto id = requiredId<CoverageId>(w.id(), "coverage.id");
    auto patient = requiredId<PatientId>(w.patient_id(), "coverage.patient_id");
    auto payer = requiredId<PayerId>(w.payer_id(), "coverage.payer_id");
    if (!id || !patient || !payer) {
        return unexpected(!id ? id.error() : !patient ? patient.error() : payer.error());
    }
    DecodedCoverage out;
    Coverage &c = out.coverage;
    c.id = *id;
    c.patientId = *patient;
    c.payerId = *payer;
    SB_DECODE(c.memberId,
              cappedText(w.member_id(), wireCaps::identifierBytes, "coverage.member_id"));
    c.priority = w.priority() > 0 ? w.priority() : 1;
    SB_DECODE(c.effective, cappedDate(w.effective(), "coverage.effective"));
    SB_DECODE(c.termination, cappedDate(w.termination(), "coverage.termination"));
    if (w.has_eligibility()) {
        const pb::EligibilitySnapshot &e = w.eligibility();
        EligibilitySnapshot snapshot;
        SB_DECODE(snapshot.checkedAt,
                  wallTime(e.checked_at_ms(), "coverage.eligibility.checked_at_ms"));
        snapshot.active = e.active();
        SB_DECODE(snapshot.planBegin,
                  cappedDate(e.plan_begin(), "coverage.eligibility.plan_begin"));
        SB_DECODE(snapshot.planEnd, cappedDate(e.plan_end(), "coverage.eligibility.plan_end"));
        snapshot.behavioralHealthCarvedOut = e.behavioral_health_carved_out();
        SB_DECODE(snapshot.carveOutPayerName,
                  cappedText(e.carve_out_payer_name(), wireCaps::nameBytes,
                             "coverage.eligibility.carve_out_payer_name"));
        SB_DECODE(snapshot.carveOutPayerId,
                  cappedText(e.carve_out_payer_id(), wireCaps::identifierBytes,
                             "coverage.eligibility.carve_out_payer_id"));
        SB_DECODE(snapshot.carveOutPhone, cappedText(e.carve_out_phone(), wireCaps::identifierBytes,
                                                     "coverage.eligibility.carve_out_phone"));
        SB_DECODE(snapshot.source,
                  cappedText(e.source(), wireCaps::identifierBytes, "coverage.eligibility.source"));
        c.eligibility = snapshot;
    }
    SB_DECODE(out.payerName,
              cappedText(w.payer_name(), wireCaps::nameBytes, "coverage.payer_name"));
    SB_DECODE(out.payerKind,
              cappedText(w.payer_kind(), wireCaps::enumNameBytes, "coverage.payer_kind"));
    return out;
}

DecodeResult<Authorization> decodeAuthorization(const pb::Authorization &w)
{
    auto id = requiredId<AuthorizationId>(w.id(), "authorization.id");
    auto patient = requiredId<PatientId>(w.patient_id(), "authorization.patient_id");
    auto payer = requiredId<PayerId>(w.payer_id(), "authorization.payer_id");
    auto unit = requiredEnum<AuthorizationUnit>(w.unit(), "authorization.unit");
    if (!id || !patient || !payer || !unit) {
        return unexpected(!id        ? id.error()
                          : !patient ? patient.error()
                          : !payer   ? payer.error()
                                     : unit.error());
    }
    Authorization a;
    a.id = *id;
    a.patientId = *patient;
    a.payerId = *payer;
    SB_DECODE(a.number, cappedText(w.number(), wireCaps::identifierBytes, "authorization.number"));
    SB_CAP_COUNT(w.service_codes(), wireCaps::serviceCodes, "authorization.service_codes");
    for (const std::string &code : w.service_codes()) {
        QString decoded;
        SB_DECODE(decoded, cappedText(code, wireCaps::codeBytes, "authorization.service_codes"));
        a.serviceCodes.append(decoded);
    }
    a.unit = *unit;
    a.authorized = w.authorized();
    a.used = w.used();
    SB_DECODE(a.startDate, cappedDate(w.start_date(), "authorization.start_date"));
    SB_DECODE(a.endDate, cappedDate(w.end_date(), "authorization.end_date"));
    return a;
}

DecodeResult<CredentialingRecord> decodeCredentialing(const pb::CredentialingStatus &w)
{
    auto id = requiredId<CredentialingId>(w.id(), "credentialing.id");
    auto provider = requiredId<ProviderId>(w.provider_id(), "credentialing.provider_id");
    auto payer = requiredId<PayerId>(w.payer_id(), "credentialing.payer_id");
    auto status = requiredEnum<CredentialingStatus>(w.status(), "credentialing.status");
    if (!id || !provider || !payer || !status) {
        return unexpected(!id         ? id.error()
                          : !provider ? provider.error()
                          : !payer    ? payer.error()
                                      : status.error());
    }
    CredentialingRecord record{*id, *provider, *payer, *status, {}, {}, {}, {}};
    SB_DECODE(record.effectiveDate, cappedDate(w.effective_date(), "credentialing.effective_date"));
    SB_DECODE(record.endDate, cappedDate(w.end_date(), "credentialing.end_date"));
    SB_DECODE(record.caqhAttestedOn,
              cappedDate(w.caqh_attested_on(), "credentialing.caqh_attested_on"));
    SB_DECODE(record.licenseExpiresOn,
              cappedDate(w.license_expires_on(), "credentialing.license_expires_on"));
    return record;
}

#undef SB_CAP_COUNT
#undef SB_DECODE

} // namespace sb::sync
