// SPDX-License-Identifier: Apache-2.0
#include "client/devicesyncstore.h"

#include "domain/enums.h"
#include "recordcodec.h"
#include "store/database.h"
#include "store/rows.h"
#include "store/store.h"
#include "util/clock.h"

#include <QLoggingCategory>

namespace sb::sync {

Q_LOGGING_CATEGORY(lcDeviceSync, "sessionbook.sync.device")

namespace {

QString wireText(const std::string &text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QDate wireDate(const std::string &text)
{
    return text.empty() ? QDate() : QDate::fromString(wireText(text), Qt::ISODate);
}

QDateTime wireInstant(std::int64_t ms)
{
    return ms == 0 ? QDateTime() : QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

template<typename IdType> std::optional<IdType> wireId(const std::string &bytes)
{
    const auto uuid = fromWireId(bytes);
    if (!uuid || uuid->isNull()) {
        return std::nullopt;
    }
    return IdType(*uuid);
}

QByteArray bytesOf(const std::string &data)
{
    return {data.data(), static_cast<qsizetype>(data.size())};
}

QString dateText(const QDate &date)
{
    return date.isValid() ? date.toString(Qt::ISODate) : QString();
}

std::optional<OutboxState> outboxStateFromName(QStringView name)
{
    if (name == u"pending") {
        return OutboxState::Pending;
    }
    if (name == u"conflict") {
        return OutboxState::Conflict;
    }
    if (name == u"rejected") {
        return OutboxState::Rejected;
    }
    return std::nullopt;
}

OutboxEntry readOutboxRow(const Statement &r)
{
    OutboxEntry e;
    e.changeId = QUuid::fromRfc4122(r.blob(0));
    e.seq = r.int64(1);
    e.recordType = r.text(2);
    e.recordId = QUuid::fromRfc4122(r.blob(3));
    e.contentHash = r.blob(4);
    e.payload = r.blob(5);
    e.state = outboxStateFromName(r.text(6)).value_or(OutboxState::Pending);
    e.attempts = r.int32(7);
    e.lastError = r.text(8);
    return e;
}

constexpr const char *outboxSelect =
    "SELECT change_id, seq, record_type, record_id, content_hash, payload, state, attempts, "
    "last_error FROM sync_outbox ";

} // namespace

QString toName(OutboxState state)
{
    switch (state) {
    case OutboxState::Pending:
        return QStringLiteral("pending");
    case OutboxState::Conflict:
        return QStringLiteral("conflict");
    case OutboxState::Rejected:
        return QStringLiteral("rejected");
    }
    return QStringLiteral("pending");
}

StoreResult<void> DeviceSyncStore::enqueue(const QString &recordType, const QUuid &recordId,
                                           const QByteArray &contentHash, const pb::Change &change)
{
    std::string payload;
    if (!change.SerializeToString(&payload)) {
        return storeError(StoreError::Kind::Internal, QStringLiteral("could not encode change"));
    }
    Database &db = m_store.database();
    SB_TRY_ASSIGN(insert, db.prepare("INSERT INTO sync_outbox (change_id, seq, record_type, "
                                     "record_id, content_hash, payload, "
                                     "enqueued_at) VALUES (?, (SELECT coalesce(max(seq), 0) + 1 "
                                     "FROM sync_outbox), ?, ?, ?, ?, "
                                     "?)"));
    insert.bind(1, bytesOf(change.change_id()))
        .bind(2, recordType)
        .bind(3, recordId.toRfc4122())
        .bind(4, contentHash)
        .bind(5, bytesOf(payload))
        .bind(6, m_store.clock().nowUtc());
    return insert.run();
}

StoreResult<Signature> DeviceSyncStore::signSession(const Actor &actor, const SessionId &id,
                                                    const UserId &signer, const QDateTime &at)
{
    Database &db = m_store.database();
    SB_TRY_ASSIGN(tx, db.begin());
    SB_TRY_ASSIGN(signature, m_store.sessions().sign(actor, id, signer, at));
    SB_TRY_ASSIGN(session, m_store.sessions().session(actor, id));
    pb::Change change;
    change.set_change_id(toWireId(m_store.ids().next()));
    change.set_content_hash(signature.contentHash.toStdString());
    encodeSession(session, *change.mutable_session());
    SB_TRY(enqueue(QStringLiteral("session"), id.uuid(), signature.contentHash, change));
    SB_TRY(m_store.sessions().appendStatus(
        actor, id, StatusEntry{SessionStatus::OnDevice, m_store.clock().nowUtc(), QString()}));
    SB_TRY(tx.commit());
    return signature;
}

StoreResult<void> DeviceSyncStore::addSignedAddendum(const Actor &actor, const SessionId &session,
                                                     const Addendum &addendum)
{
    if (!addendum.signature) {
        return storeError(StoreError::Kind::InvalidArgument,
                          QStringLiteral("only a signed addendum is sent to the office"));
    }
    Addendum signedAddendum = addendum;
    signedAddendum.signature->contentHash = addendumContentHash(session, addendum);
    Database &db = m_store.database();
    SB_TRY_ASSIGN(tx, db.begin());
    SB_TRY(m_store.sessions().addAddendum(actor, session, signedAddendum));
    pb::Change change;
    change.set_change_id(toWireId(m_store.ids().next()));
    change.set_content_hash(signedAddendum.signature->contentHash.toStdString());
    encodeAddendum(session, signedAddendum, *change.mutable_addendum());
    SB_TRY(enqueue(QStringLiteral("addendum"), addendum.id.uuid(),
                   signedAddendum.signature->contentHash, change));
    return tx.commit();
}

StoreResult<QList<OutboxEntry>> DeviceSyncStore::nextBatch(int maxCount, std::int64_t maxBytes,
                                                           std::int64_t afterSeq)
{
    SB_TRY_ASSIGN(select, m_store.database().prepare(
                              std::string(outboxSelect)
                              + "WHERE state = 'pending' AND seq > ? ORDER BY seq LIMIT ?"));
    select.bind(1, afterSeq).bind(2, std::int64_t{maxCount});
    QList<OutboxEntry> batch;
    std::int64_t bytes = 0;
    for (;;) {
        SB_TRY_ASSIGN(row, select.step());
        if (!row) {
            break;
        }
        OutboxEntry entry = readOutboxRow(select);
        if (!batch.isEmpty() && bytes + entry.payload.size() > maxBytes) {
            break;
        }
        bytes += entry.payload.size();
        batch.append(std::move(entry));
    }
    return batch;
}

StoreResult<AckSummary> DeviceSyncStore::applyAcks(const QList<AckResult> &acks)
{
    Database &db = m_store.database();
    SB_TRY_ASSIGN(tx, db.begin());
    AckSummary summary;
    for (const AckResult &ack : acks) {
        switch (ack.outcome) {
        case pb::ACK_OUTCOME_ACCEPTED:
        case pb::ACK_OUTCOME_DUPLICATE: {
            SB_TRY_ASSIGN(remove, db.prepare("DELETE FROM sync_outbox WHERE change_id = ?"));
            remove.bind(1, ack.changeId.toRfc4122());
            SB_TRY(remove.run());
            if (remove.changes() == 1) {
                ++summary.removed;
            } else {
                ++summary.unresolved;
            }
            break;
        }
        case pb::ACK_OUTCOME_CONFLICT:
        case pb::ACK_OUTCOME_REJECTED: {
            const bool conflict = ack.outcome == pb::ACK_OUTCOME_CONFLICT;
            SB_TRY_ASSIGN(
                hold,
                db.prepare(
                    "UPDATE sync_outbox SET state = ?, last_error = ?, attempts = attempts + 1, "
                    "last_attempt_at = ? WHERE change_id = ?"));
            hold.bind(1, toName(conflict ? OutboxState::Conflict : OutboxState::Rejected))
                .bind(2, ack.reason.left(500))
                .bind(3, m_store.clock().nowUtc())
                .bind(4, ack.changeId.toRfc4122());
            SB_TRY(hold.run());
            if (hold.changes() != 1) {
                ++summary.unresolved;
            } else if (conflict) {
                ++summary.conflicts;
            } else {
                ++summary.rejected;
            }
            break;
        }
        default:
            ++summary.unresolved;
            break;
        }
    }
    SB_TRY(tx.commit());
    return summary;
}

StoreResult<void> DeviceSyncStore::recordAttempt(const QList<QUuid> &changeIds,
                                                 const QString &error)
{
    Database &db = m_store.database();
    SB_TRY_ASSIGN(tx, db.begin());
    for (const QUuid &id : changeIds) {
        SB_TRY_ASSIGN(update, db.prepare("UPDATE sync_outbox SET attempts = attempts + 1, "
                                         "last_attempt_at = ?, last_error = ? "
                                         "WHERE change_id = ? AND state = 'pending'"));
        update.bind(1, m_store.clock().nowUtc()).bind(2, error.left(500)).bind(3, id.toRfc4122());
        SB_TRY(update.run());
    }
    return tx.commit();
}

StoreResult<std::int64_t> DeviceSyncStore::pendingCount()
{
    SB_TRY_ASSIGN(count, m_store.database().prepare(
                             "SELECT count(*) FROM sync_outbox WHERE state = 'pending'"));
    SB_TRY(count.step());
    return count.int64(0);
}

StoreResult<QList<OutboxEntry>> DeviceSyncStore::entries()
{
    SB_TRY_ASSIGN(select, m_store.database().prepare(std::string(outboxSelect) + "ORDER BY seq"));
    return rows::all<OutboxEntry>(select, readOutboxRow);
}

StoreResult<SyncState> DeviceSyncStore::state()
{
    SB_TRY_ASSIGN(
        select,
        m_store.database().prepare(
            "SELECT device_id, user_id, organization_id, provider_id, server_url, pinned_sha256, "
            "pull_cursor, server_offset_ms, offset_measured_at, last_success_at, last_error, "
            "backup_pin_sha256, pin_kind FROM sync_state WHERE id = 1"));
    return rows::one<SyncState>(select, "sync state", [](const Statement &r) {
        SyncState s;
        s.deviceId = r.id<DeviceId>(0);
        s.userId = r.id<UserId>(1);
        s.organizationId = r.id<OrganizationId>(2);
        s.providerId = r.optionalId<ProviderId>(3);
        s.serverUrl = r.text(4);
        s.pins.primary = r.blob(5);
        s.pins.backup = r.blob(11);
        s.pins.legacy = r.text(12) != u"spki";
        s.pullCursor = static_cast<std::uint64_t>(r.int64(6));
        s.serverOffsetMs = r.int64(7);
        s.offsetMeasuredAt = r.dateTime(8);
        s.lastSuccessAt = r.dateTime(9);
        s.lastError = r.text(10);
        return s;
    });
}

StoreResult<void> DeviceSyncStore::saveEnrollment(const QString &serverUrl, const ServerPins &pins,
                                                  const DeviceId &device, const UserId &user,
                                                  const OrganizationId &organization,
                                                  const std::optional<ProviderId> &provider,
                                                  bool discardOutbox)
{
    Database &db = m_store.database();
    SB_TRY_ASSIGN(tx, db.begin());
    SB_TRY_ASSIGN(previous, state());
    if (discardOutbox) {
        SB_TRY_ASSIGN(dropped, entries());
        const Actor previousActor{previous.userId, previous.deviceId};
        for (const OutboxEntry &entry : dropped) {
            SB_TRY(m_store.audit().append(previousActor, AuditAction::Update,
                                          QString(QStringLiteral("outbox_") + entry.recordType),
                                          entry.recordId, u"discarded"));
        }
        SB_TRY_ASSIGN(wipe, db.prepare("DELETE FROM sync_outbox"));
        SB_TRY(wipe.run());
    }
    const bool sameStream = previous.deviceId == device && previous.serverUrl == serverUrl;
    SB_TRY_ASSIGN(
        update,
        db.prepare(
            "UPDATE sync_state SET device_id = ?, user_id = ?, organization_id = ?, provider_id = "
            "?, "
            "server_url = ?, pinned_sha256 = ?, pull_cursor = ?, last_error = '', "
            "backup_pin_sha256 = ?, pin_kind = 'spki' WHERE id = 1"));
    update.bind(1, device)
        .bind(2, user)
        .bind(3, organization)
        .bind(4, provider)
        .bind(5, serverUrl)
        .bind(6, pins.primary)
        .bind(7, static_cast<std::int64_t>(sameStream ? previous.pullCursor : 0))
        .bind(8, pins.backup);
    SB_TRY(update.run());
    // Pulled patients belong to the organization: a placeholder row satisfies the foreign key
    // until the practice's own data arrives.
    SB_TRY(m_store.practice().ensureOrganization(Actor{user, device}, organization));
    return tx.commit();
}

StoreResult<void> DeviceSyncStore::upgradeLegacyPin(const QByteArray &keyPin)
{
    SB_TRY_ASSIGN(update, m_store.database().prepare(
                              "UPDATE sync_state SET pinned_sha256 = ?, pin_kind = 'spki' "
                              "WHERE id = 1 AND pin_kind <> 'spki'"));
    update.bind(1, keyPin);
    return update.run();
}

StoreResult<void> DeviceSyncStore::recordServerOffset(std::int64_t offsetMs,
                                                      const QDateTime &measuredAt)
{
    SB_TRY_ASSIGN(
        update,
        m_store.database().prepare(
            "UPDATE sync_state SET server_offset_ms = ?, offset_measured_at = ? WHERE id = 1"));
    update.bind(1, offsetMs).bind(2, measuredAt);
    return update.run();
}

StoreResult<void> DeviceSyncStore::recordSuccess(const QDateTime &at)
{
    SB_TRY_ASSIGN(update,
                  m_store.database().prepare(
                      "UPDATE sync_state SET last_success_at = ?, last_error = '' WHERE id = 1"));
    update.bind(1, at);
    return update.run();
}

StoreResult<void> DeviceSyncStore::recordError(const QString &error, const QDateTime &at)
{
    SB_TRY_ASSIGN(update,
                  m_store.database().prepare(
                      "UPDATE sync_state SET last_error = ?, last_error_at = ? WHERE id = 1"));
    update.bind(1, error.left(500)).bind(2, at);
    return update.run();
}

StoreResult<int> DeviceSyncStore::journal(const QString &recordType, const QUuid &recordId,
                                          const QString &field, const QString &local,
                                          const QString &incoming, std::uint64_t seq)
{
    SB_TRY_ASSIGN(insert, m_store.database().prepare(
                              "INSERT INTO sync_conflicts (id, record_type, record_id, field, "
                              "kept_value, losing_value, "
                              "winner, server_seq, at) VALUES (?, ?, ?, ?, ?, ?, 'server', ?, ?)"));
    insert.bind(1, m_store.ids().next().toRfc4122())
        .bind(2, recordType)
        .bind(3, recordId.toRfc4122())
        .bind(4, field)
        .bind(5, incoming)
        .bind(6, local)
        .bind(7, static_cast<std::int64_t>(seq))
        .bind(8, m_store.clock().nowUtc());
    SB_TRY(insert.run());
    return 1;
}

namespace {

/**
 * A three-way merge of one mutable field: `base` is the value the server sent last time.
 * The server's change wins over a concurrent device change (the office is the system of
 * record for these fields) and the device's value goes to the journal; a device change the
 * server did not contradict stands.
 */
struct FieldMerge {
    QString value;
    bool conflict = false;
};

FieldMerge mergeField(const std::optional<QString> &local, const std::optional<QString> &base,
                      const QString &incoming)
{
    if (!local || *local == incoming) {
        return {incoming, false};
    }
    if (base && *local == *base) {
        return {incoming, false};
    }
    if (base && incoming == *base) {
        return {*local, false};
    }
    return {incoming, true};
}

} // namespace

StoreResult<PullSummary> DeviceSyncStore::applyPull(const Actor &actor,
                                                    const pb::PullResponse &page)
{
    Database &db = m_store.database();
    SB_TRY_ASSIGN(tx, db.begin());
    SB_TRY_ASSIGN(current, state());
    PullSummary summary;
    for (const pb::PullItem &item : page.items()) {
        bool skipped = false;
        SB_TRY_ASSIGN(conflicts, applyItem(actor, current, item, skipped));
        summary.conflicts += conflicts;
        (skipped ? summary.skipped : summary.applied) += 1;
    }
    // The cursor is the server's, opaque to the device and never derived from its clock.
    summary.cursor = page.next_cursor();
    SB_TRY_ASSIGN(cursor, db.prepare("UPDATE sync_state SET pull_cursor = ? WHERE id = 1"));
    cursor.bind(1, static_cast<std::int64_t>(summary.cursor));
    SB_TRY(cursor.run());
    SB_TRY(tx.commit());
    if (summary.skipped > 0) {
        qCInfo(lcDeviceSync) << "pull skipped" << summary.skipped << "items for unknown records";
    }
    return summary;
}

StoreResult<int> DeviceSyncStore::applyItem(const Actor &actor, const SyncState &state,
                                            const pb::PullItem &item, bool &skipped)
{
    Database &db = m_store.database();
    int conflicts = 0;
    const std::uint64_t seq = item.seq();

    // Reads the shadow (base) of a field and merges; writes the new shadow.
    auto merge = [&](const char *type, const QUuid &id, const char *field,
                     const std::optional<QString> &local,
                     const QString &incoming) -> StoreResult<QString> {
        SB_TRY_ASSIGN(read, db.prepare("SELECT value FROM sync_shadow WHERE record_type = ? AND "
                                       "record_id = ? AND field = ?"));
        read.bind(1, QString::fromLatin1(type))
            .bind(2, id.toRfc4122())
            .bind(3, QString::fromLatin1(field));
        SB_TRY_ASSIGN(hasBase, read.step());
        const std::optional<QString> base =
            hasBase ? std::optional<QString>(read.text(0)) : std::nullopt;
        const FieldMerge merged = mergeField(local, base, incoming);
        if (merged.conflict) {
            SB_TRY_ASSIGN(added, journal(QString::fromLatin1(type), id, QString::fromLatin1(field),
                                         *local, incoming, seq));
            conflicts += added;
        }
        SB_TRY_ASSIGN(
            write,
            db.prepare(
                "INSERT INTO sync_shadow (record_type, record_id, field, value) VALUES (?, ?, ?, "
                "?) "
                "ON CONFLICT(record_type, record_id, field) DO UPDATE SET value = excluded.value"));
        write.bind(1, QString::fromLatin1(type))
            .bind(2, id.toRfc4122())
            .bind(3, QString::fromLatin1(field))
            .bind(4, incoming);
        SB_TRY(write.run());
        return merged.value;
    };
    auto exists = [&](const char *sql, const QByteArray &id) -> StoreResult<bool> {
        SB_TRY_ASSIGN(check, db.prepare(sql));
        check.bind(1, id);
        return check.step();
    };
    // Placeholders for reference rows the foreign keys need; the practice's data fills them.
    PracticeRepository &practice = m_store.practice();
    auto ensureProvider = [&](const ProviderId &id) -> StoreResult<void> {
        SB_TRY(practice.ensureProvider(actor, id, state.organizationId));
        return {};
    };
    auto ensurePayer = [&](const PayerId &id, const QString &name,
                           const QString &kind) -> StoreResult<void> {
        SB_TRY(practice.ensurePayer(actor, id, name,
                                    fromName<PayerKind>(kind).value_or(PayerKind::Commercial)));
        return {};
    };

    switch (item.item_case()) {
    case pb::PullItem::kPatient: {
        const auto decoded = decodePatient(item.patient());
        if (!decoded || state.organizationId.isNull()) {
            skipped = true;
            return 0;
        }
        const Patient &w = *decoded;
        const PatientId &id = w.id;
        Patient patient;
        SB_TRY_ASSIGN(known, exists("SELECT 1 FROM patients WHERE id = ?", id.uuid().toRfc4122()));
        if (known) {
            SB_TRY_ASSIGN(local, m_store.patients().patient(actor, id));
            patient = local;
        } else {
            patient.id = id;
            patient.organizationId = state.organizationId;
        }
        const auto localText = [&](const QString &value) {
            return known ? std::optional<QString>(value) : std::nullopt;
        };
        SB_TRY_ASSIGN(first, merge("patient", id.uuid(), "first_name", localText(patient.firstName),
                                   w.firstName));
        SB_TRY_ASSIGN(last, merge("patient", id.uuid(), "last_name", localText(patient.lastName),
                                  w.lastName));
        SB_TRY_ASSIGN(birth, merge("patient", id.uuid(), "birth_date",
                                   localText(dateText(patient.birthDate)), dateText(w.birthDate)));
        SB_TRY_ASSIGN(
            sex, merge("patient", id.uuid(), "sex", localText(toName(patient.sex)), toName(w.sex)));
        patient.firstName = first;
        patient.lastName = last;
        patient.birthDate = wireDate(birth.toStdString());
        patient.sex = fromName<Sex>(sex).value_or(Sex::Unknown);
        if (const auto &provider = w.primaryProviderId) {
            SB_TRY(ensureProvider(*provider));
            patient.primaryProviderId = provider;
        }
        SB_TRY(m_store.patients().save(actor, patient));
        return conflicts;
    }
    case pb::PullItem::kCoverage: {
        const auto decoded = decodeCoverage(item.coverage());
        if (!decoded) {
            skipped = true;
            return 0;
        }
        const Coverage &w = decoded->coverage;
        const CoverageId &id = w.id;
        const PatientId &patientId = w.patientId;
        const PayerId &payerId = w.payerId;
        SB_TRY_ASSIGN(patientKnown,
                      exists("SELECT 1 FROM patients WHERE id = ?", patientId.uuid().toRfc4122()));
        if (!patientKnown) {
            skipped = true;
            return 0;
        }
        SB_TRY(ensurePayer(payerId, decoded->payerName, decoded->payerKind));
        SB_TRY_ASSIGN(existing, m_store.patients().coverages(actor, patientId));
        std::optional<Coverage> local;
        for (const Coverage &c : existing) {
            if (c.id == id) {
                local = c;
            }
        }
        Coverage coverage = local.value_or(Coverage{});
        coverage.id = id;
        coverage.patientId = patientId;
        coverage.payerId = payerId;
        SB_TRY_ASSIGN(member, merge("coverage", id.uuid(), "member_id",
                                    local ? std::optional<QString>(local->memberId) : std::nullopt,
                                    w.memberId));
        coverage.memberId = member;
        coverage.priority = w.priority;
        coverage.effective = w.effective;
        coverage.termination = w.termination;
        if (w.eligibility) {
            coverage.eligibility = w.eligibility;
        }
        SB_TRY(m_store.patients().save(actor, coverage));
        return conflicts;
    }
    case pb::PullItem::kAuthorization: {
        const auto decoded = decodeAuthorization(item.authorization());
        if (!decoded) {
            skipped = true;
            return 0;
        }
        const Authorization &w = *decoded;
        const AuthorizationId &id = w.id;
        const PatientId &patientId = w.patientId;
        const PayerId &payerId = w.payerId;
        SB_TRY_ASSIGN(patientKnown,
                      exists("SELECT 1 FROM patients WHERE id = ?", patientId.uuid().toRfc4122()));
        if (!patientKnown) {
            skipped = true;
            return 0;
        }
        SB_TRY(ensurePayer(payerId, QString(), QString()));
        SB_TRY_ASSIGN(existing, m_store.patients().authorizations(actor, patientId));
        std::optional<Authorization> local;
        for (const Authorization &a : existing) {
            if (a.id == id) {
                local = a;
            }
        }
        Authorization authorization = local.value_or(Authorization{});
        authorization.id = id;
        authorization.patientId = patientId;
        authorization.payerId = payerId;
        authorization.number = w.number;
        authorization.serviceCodes = w.serviceCodes;
        authorization.unit = w.unit;
        authorization.authorized = w.authorized;
        SB_TRY_ASSIGN(
            used, merge("authorization", id.uuid(), "used",
                        local ? std::optional<QString>(QString::number(local->used)) : std::nullopt,
                        QString::number(w.used)));
        authorization.used = used.toInt();
        authorization.startDate = w.startDate;
        authorization.endDate = w.endDate;
        SB_TRY(m_store.patients().save(actor, authorization));
        return conflicts;
    }
    case pb::PullItem::kCredentialing: {
        const auto record = decodeCredentialing(item.credentialing());
        if (!record || state.organizationId.isNull()) {
            skipped = true;
            return 0;
        }
        SB_TRY(ensureProvider(record->providerId));
        SB_TRY(ensurePayer(record->payerId, QString(), QString()));
        SB_TRY(m_store.practice().save(actor, *record));
        return 0;
    }
    case pb::PullItem::kSessionStatus: {
        const pb::SessionStatusUpdate &w = item.session_status();
        const auto sessionId = wireId<SessionId>(w.session_id());
        const auto status = fromName<SessionStatus>(wireText(w.status()));
        if (!sessionId || !status) {
            skipped = true;
            return 0;
        }
        SB_TRY_ASSIGN(known,
                      exists("SELECT 1 FROM sessions WHERE id = ?", sessionId->uuid().toRfc4122()));
        if (!known) {
            skipped = true;
            return 0;
        }
        // Statuses reached together arrive as one item, the earlier ones first.
        QList<StatusEntry> entries;
        for (const pb::SessionStatusUpdate &before : w.earlier()) {
            const auto earlier = fromName<SessionStatus>(wireText(before.status()));
            if (!earlier) {
                skipped = true;
                return 0;
            }
            entries.append({*earlier, wireInstant(before.at_ms()), wireText(before.detail())});
        }
        entries.append({*status, wireInstant(w.at_ms()), wireText(w.detail())});
        for (const StatusEntry &entry : entries) {
            SB_TRY_ASSIGN(
                dup,
                db.prepare(
                    "SELECT 1 FROM session_status WHERE session_id = ? AND status = ? AND at IS ? "
                    "AND detail = ?"));
            dup.bind(1, *sessionId)
                .bind(2, toName(entry.status))
                .bind(3, entry.at)
                .bind(4, entry.detail);
            SB_TRY_ASSIGN(seen, dup.step());
            if (!seen) {
                SB_TRY(m_store.sessions().appendStatus(actor, *sessionId, entry));
            }
        }
        return 0;
    }
    case pb::PullItem::kTask: {
        const pb::Task &w = item.task();
        const auto id = fromWireId(w.id());
        if (!id || id->isNull()) {
            skipped = true;
            return 0;
        }
        SB_TRY_ASSIGN(
            upsert,
            db.prepare(
                "INSERT INTO sync_tasks (id, session_id, kind, message, created_at, done, "
                "server_seq) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, "
                "message = excluded.message, done = excluded.done, server_seq = "
                "excluded.server_seq"));
        upsert.bind(1, id->toRfc4122())
            .bind(2, wireId<SessionId>(w.session_id()))
            .bind(3, wireText(w.kind()))
            .bind(4, wireText(w.message()))
            .bind(5, w.created_at_ms())
            .bind(6, w.done())
            .bind(7, static_cast<std::int64_t>(seq));
        SB_TRY(upsert.run());
        return 0;
    }
    case pb::PullItem::ITEM_NOT_SET:
        break;
    }
    skipped = true;
    return 0;
}

StoreResult<QList<ConflictEntry>> DeviceSyncStore::conflicts()
{
    SB_TRY_ASSIGN(
        select,
        m_store.database().prepare(
            "SELECT id, record_type, record_id, field, kept_value, losing_value, winner, at "
            "FROM sync_conflicts ORDER BY at, id"));
    return rows::all<ConflictEntry>(select, [](const Statement &r) {
        return ConflictEntry{QUuid::fromRfc4122(r.blob(0)),
                             r.text(1),
                             QUuid::fromRfc4122(r.blob(2)),
                             r.text(3),
                             r.text(4),
                             r.text(5),
                             r.text(6),
                             r.dateTime(7)};
    });
}

StoreResult<QList<DeviceTask>> DeviceSyncStore::openTasks()
{
    SB_TRY_ASSIGN(
        select,
        m_store.database().prepare(
            "SELECT id, session_id, kind, message, created_at, done FROM sync_tasks WHERE done = 0 "
            "ORDER BY created_at, id"));
    return rows::all<DeviceTask>(select, [](const Statement &r) {
        return DeviceTask{QUuid::fromRfc4122(r.blob(0)),
                          r.optionalId<SessionId>(1),
                          r.text(2),
                          r.text(3),
                          wireInstant(r.int64(4)),
                          r.boolean(5)};
    });
}

} // namespace sb::sync
