// SPDX-License-Identifier: Apache-2.0
#include "server/officesyncrepository.h"

#include "domain/enums.h"
#include "server/accesspolicy.h"
#include "store/database.h"
#include "store/rows.h"
#include "util/clock.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QUuid>

namespace sb::sync {

namespace {

using AuthResult = Expected<Principal, AuthFailure>;
using EnrollResult = Expected<Enrollment, EnrollFailure>;

constexpr std::int64_t minuteMs = 60'000;
constexpr std::int64_t dayMs = 24 * 60 * minuteMs;

/// Unambiguous letters and digits (no 0/O, 1/I/L, U): ~4.9 bits each, 12 of them.
constexpr char codeAlphabet[] = "ABCDEFGHJKMNPQRSTVWXYZ23456789";

QString newEnrollmentCode()
{
    constexpr int alphabetSize = int(sizeof(codeAlphabet)) - 1;
    QString code;
    for (int i = 0; i < 12; ++i) {
        if (i > 0 && i % 4 == 0) {
            code.append(u'-');
        }
        const auto index = QRandomGenerator::system()->bounded(alphabetSize);
        code.append(QLatin1Char(codeAlphabet[index]));
    }
    return code;
}

/// 32 bytes from the system CSPRNG, base64url without padding (43 characters).
QString newToken()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                          bytes.size() / int(sizeof(quint32)));
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

QByteArray secretHash(const QString &secret)
{
    return QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256);
}

QString normalizeEnrollmentCode(const QString &code)
{
    QString out;
    for (const QChar c : code) {
        if (c != u'-' && !c.isSpace()) {
            out.append(c.toUpper());
        }
    }
    return out;
}

StoreResult<QString> OfficeSyncRepository::issueEnrollmentCode(const Actor &actor,
                                                               const UserId &user, int ttlMinutes)
{
    if (ttlMinutes <= 0 || ttlMinutes > 7 * 24 * 60) {
        return storeError(StoreError::Kind::InvalidArgument,
                          QStringLiteral("the code's lifetime must be 1 minute to 7 days"));
    }
    {
        SB_TRY_ASSIGN(find, m_db.prepare("SELECT role FROM users WHERE id = ?"));
        find.bind(1, user);
        SB_TRY_ASSIGN(row, find.step());
        if (!row) {
            return storeError(StoreError::Kind::NotFound, QStringLiteral("user not found"));
        }
        const auto role = fromName<Role>(find.text(0));
        if (!role || !roleMayUse(*role, Endpoint::Enroll)) {
            return storeError(StoreError::Kind::InvalidArgument,
                              QStringLiteral("this user's role enrolls no device"));
        }
    }
    SB_TRY_ASSIGN(tx, m_db.begin());
    const QString code = newEnrollmentCode();
    const std::int64_t now = m_clock.nowMsSinceEpoch();
    SB_TRY_ASSIGN(
        insert,
        m_db.prepare(
            "INSERT INTO office_enrollment_codes (code_hash, user_id, created_at, expires_at) "
            "VALUES (?, ?, ?, ?)"));
    insert.bind(1, secretHash(normalizeEnrollmentCode(code)))
        .bind(2, user)
        .bind(3, now)
        .bind(4, now + ttlMinutes * minuteMs);
    SB_TRY(insert.run());
    SB_TRY(m_audit.append(actor, AuditAction::Create, u"enrollment_code", user.uuid()));
    SB_TRY(tx.commit());
    return code;
}

StoreResult<Expected<Enrollment, EnrollFailure>>
OfficeSyncRepository::enroll(const QString &code, const QString &deviceName,
                             const QString &platform, const TokenPolicy &policy, bool refreshable,
                             const QString &peer)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    const std::int64_t now = m_clock.nowMsSinceEpoch();
    const QByteArray codeHash = secretHash(normalizeEnrollmentCode(code));
    UserId userId;
    {
        SB_TRY_ASSIGN(
            find, m_db.prepare("SELECT user_id FROM office_enrollment_codes WHERE code_hash = ? "
                               "AND used_at IS NULL AND expires_at > ?"));
        find.bind(1, codeHash).bind(2, now);
        SB_TRY_ASSIGN(row, find.step());
        if (!row) {
            return EnrollResult(unexpected(EnrollFailure::InvalidCode));
        }
        userId = find.id<UserId>(0);
    }
    Principal principal;
    {
        SB_TRY_ASSIGN(
            user, m_db.prepare(
                      "SELECT organization_id, role, provider_id, display_name, active FROM users "
                      "WHERE id = ?"));
        user.bind(1, userId);
        SB_TRY_ASSIGN(row, user.step());
        if (!row || !user.boolean(4)) {
            return EnrollResult(unexpected(EnrollFailure::InvalidCode));
        }
        // A role this server does not know is no role at all, never a guess.
        const auto role = fromName<Role>(user.text(1));
        if (!role || !roleMayUse(*role, Endpoint::Enroll)) {
            return EnrollResult(unexpected(EnrollFailure::RoleRefused));
        }
        principal.user = userId;
        principal.organization = user.id<OrganizationId>(0);
        principal.role = *role;
        principal.provider = user.optionalId<ProviderId>(2);
        principal.displayName = user.text(3);
    }
    principal.device = DeviceId(m_ids.next());
    const std::int64_t refreshExpiry = now + std::int64_t{policy.refreshTtlDays} * dayMs;
    Enrollment enrollment{principal, newToken(), QString(), refreshExpiry};
    {
        // A refreshing device's own token_hash names no token anyone holds: it is reached
        // through its access tokens only. Its expires_at is that of its refresh token.
        SB_TRY_ASSIGN(
            insert,
            m_db.prepare(
                "INSERT INTO office_devices (id, user_id, name, platform, token_hash, enrolled_at, "
                "expires_at, last_seen_at, last_peer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        insert.bind(1, principal.device)
            .bind(2, userId)
            .bind(3, deviceName)
            .bind(4, platform)
            .bind(5, secretHash(refreshable ? newToken() : enrollment.token))
            .bind(6, now)
            .bind(7, refreshExpiry)
            .bind(8, now)
            .bind(9, peer);
        SB_TRY(insert.run());
    }
    if (refreshable) {
        enrollment.refreshToken = newToken();
        enrollment.accessExpiresAtMs = now + std::int64_t{policy.accessTtlSeconds} * 1000;
        SB_TRY(insertRefreshToken(principal.device, enrollment.refreshToken, now, refreshExpiry));
        SB_TRY(insertAccessToken(principal.device, enrollment.token, enrollment.accessExpiresAtMs));
    }
    {
        SB_TRY_ASSIGN(
            spend,
            m_db.prepare(
                "UPDATE office_enrollment_codes SET used_at = ?, device_id = ? WHERE code_hash = ? "
                "AND used_at IS NULL"));
        spend.bind(1, now).bind(2, principal.device).bind(3, codeHash);
        SB_TRY(spend.run());
        if (spend.changes() != 1) {
            return EnrollResult(unexpected(EnrollFailure::InvalidCode));
        }
    }
    SB_TRY(m_audit.append(Actor{userId, principal.device}, AuditAction::Create, u"device",
                          principal.device.uuid()));
    SB_TRY(tx.commit());
    return EnrollResult(std::move(enrollment));
}

StoreResult<Expected<Principal, AuthFailure>>
OfficeSyncRepository::authenticate(const QString &token)
{
    // An access token, or the device token of a client without refresh tokens.
    SB_TRY_ASSIGN(
        access,
        m_db.prepare(
            "SELECT d.id, d.user_id, a.expires_at, d.revoked_at, u.organization_id, u.role, "
            "u.provider_id, u.display_name, u.active FROM office_access_tokens a "
            "JOIN office_devices d ON d.id = a.device_id JOIN users u ON u.id = d.user_id "
            "WHERE a.token_hash = ?"));
    access.bind(1, secretHash(token));
    SB_TRY_ASSIGN(accessRow, access.step());
    if (accessRow) {
        return principalOf(access);
    }
    SB_TRY_ASSIGN(
        find, m_db.prepare(
                  "SELECT d.id, d.user_id, d.expires_at, d.revoked_at, u.organization_id, u.role, "
                  "u.provider_id, u.display_name, u.active FROM office_devices d "
                  "JOIN users u ON u.id = d.user_id WHERE d.token_hash = ?"));
    find.bind(1, secretHash(token));
    SB_TRY_ASSIGN(row, find.step());
    if (!row) {
        return AuthResult(unexpected(AuthFailure::Unknown));
    }
    return principalOf(find);
}

Expected<Principal, AuthFailure> OfficeSyncRepository::principalOf(const Statement &find) const
{
    if (!find.isNull(3)) {
        return AuthResult(unexpected(AuthFailure::Revoked));
    }
    if (find.int64(2) <= m_clock.nowMsSinceEpoch()) {
        return AuthResult(unexpected(AuthFailure::Expired));
    }
    if (!find.boolean(8)) {
        return AuthResult(unexpected(AuthFailure::Inactive));
    }
    const auto role = fromName<Role>(find.text(5));
    if (!role) {
        return AuthResult(unexpected(AuthFailure::RoleRefused));
    }
    Principal principal;
    principal.device = find.id<DeviceId>(0);
    principal.user = find.id<UserId>(1);
    principal.organization = find.id<OrganizationId>(4);
    principal.role = *role;
    principal.provider = find.optionalId<ProviderId>(6);
    principal.displayName = find.text(7);
    return AuthResult(principal);
}

StoreResult<void> OfficeSyncRepository::insertAccessToken(const DeviceId &device,
                                                          const QString &token,
                                                          std::int64_t expiresAt)
{
    SB_TRY_ASSIGN(insert, m_db.prepare("INSERT INTO office_access_tokens (token_hash, device_id, "
                                       "expires_at) VALUES (?, ?, ?)"));
    insert.bind(1, secretHash(token)).bind(2, device).bind(3, expiresAt);
    return insert.run();
}

StoreResult<void> OfficeSyncRepository::insertRefreshToken(const DeviceId &device,
                                                           const QString &token,
                                                           std::int64_t issuedAt,
                                                           std::int64_t expiresAt)
{
    SB_TRY_ASSIGN(insert, m_db.prepare("INSERT INTO office_refresh_tokens (token_hash, device_id, "
                                       "issued_at, expires_at) VALUES (?, ?, ?, ?)"));
    insert.bind(1, secretHash(token)).bind(2, device).bind(3, issuedAt).bind(4, expiresAt);
    return insert.run();
}

StoreResult<Expected<Enrollment, AuthFailure>>
OfficeSyncRepository::refresh(const QString &refreshToken, const QString &nextRefreshToken,
                              const TokenPolicy &policy, const QString &peer)
{
    using Result = Expected<Enrollment, AuthFailure>;
    SB_TRY_ASSIGN(tx, m_db.begin());
    const std::int64_t now = m_clock.nowMsSinceEpoch();
    const QByteArray nextHash = secretHash(nextRefreshToken);
    DeviceId device;
    std::int64_t expiresAt = 0;
    bool spent = false;
    QByteArray successor;
    {
        SB_TRY_ASSIGN(find, m_db.prepare("SELECT device_id, expires_at, spent_at, successor_hash "
                                         "FROM office_refresh_tokens WHERE token_hash = ?"));
        find.bind(1, secretHash(refreshToken));
        SB_TRY_ASSIGN(row, find.step());
        if (!row) {
            return Result(unexpected(AuthFailure::Unknown));
        }
        device = find.id<DeviceId>(0);
        expiresAt = find.int64(1);
        spent = !find.isNull(2);
        successor = find.blob(3);
    }
    Principal principal;
    {
        SB_TRY_ASSIGN(
            find, m_db.prepare("SELECT d.id, d.user_id, d.expires_at, d.revoked_at, "
                               "u.organization_id, u.role, u.provider_id, u.display_name, "
                               "u.active FROM office_devices d JOIN users u ON u.id = d.user_id "
                               "WHERE d.id = ?"));
        find.bind(1, device);
        SB_TRY_ASSIGN(row, find.step());
        if (!row) {
            return Result(unexpected(AuthFailure::Unknown));
        }
        // A revoked device, an inactive user or an unknown role rotate nothing.
        auto checked = principalOf(find);
        if (!checked) {
            return Result(unexpected(checked.error()));
        }
        principal = *checked;
    }
    Enrollment issued{principal, newToken(), nextRefreshToken,
                      now + std::int64_t{policy.accessTtlSeconds} * 1000};
    if (spent) {
        if (successor != nextHash) {
            // A spent token with another successor: someone else holds a copy. Both copies
            // stop here; the device enrolls again.
            SB_TRY_ASSIGN(revoke, m_db.prepare("UPDATE office_devices SET revoked_at = "
                                               "coalesce(revoked_at, ?) WHERE id = ?"));
            revoke.bind(1, now).bind(2, device);
            SB_TRY(revoke.run());
            SB_TRY(m_audit.append(Actor{principal.user, device}, AuditAction::Update, u"device",
                                  device.uuid(), u"revoked: refresh token reused"));
            SB_TRY(tx.commit());
            return Result(unexpected(AuthFailure::Reused));
        }
        // The same rotation again: its answer was lost. Honoured only while the successor is
        // unused; afterwards it is a stale copy and gets nothing.
        SB_TRY_ASSIGN(next, m_db.prepare("SELECT spent_at FROM office_refresh_tokens "
                                         "WHERE token_hash = ? AND device_id = ?"));
        next.bind(1, nextHash).bind(2, device);
        SB_TRY_ASSIGN(row, next.step());
        if (!row || !next.isNull(0)) {
            return Result(unexpected(AuthFailure::Unknown));
        }
    } else {
        if (expiresAt <= now) {
            return Result(unexpected(AuthFailure::Expired));
        }
        SB_TRY_ASSIGN(spend, m_db.prepare("UPDATE office_refresh_tokens SET spent_at = ?, "
                                          "successor_hash = ? WHERE token_hash = ? "
                                          "AND spent_at IS NULL"));
        spend.bind(1, now).bind(2, nextHash).bind(3, secretHash(refreshToken));
        SB_TRY(spend.run());
        const std::int64_t refreshExpiry = now + std::int64_t{policy.refreshTtlDays} * dayMs;
        SB_TRY(insertRefreshToken(device, nextRefreshToken, now, refreshExpiry));
        SB_TRY_ASSIGN(extend,
                      m_db.prepare("UPDATE office_devices SET expires_at = ? WHERE id = ?"));
        extend.bind(1, refreshExpiry).bind(2, device);
        SB_TRY(extend.run());
    }
    SB_TRY(insertAccessToken(device, issued.token, issued.accessExpiresAtMs));
    SB_TRY_ASSIGN(prune, m_db.prepare("DELETE FROM office_access_tokens WHERE device_id = ? "
                                      "AND expires_at <= ?"));
    prune.bind(1, device).bind(2, now);
    SB_TRY(prune.run());
    SB_TRY(touchDevice(device, peer));
    SB_TRY(tx.commit());
    return Result(std::move(issued));
}

StoreResult<void> OfficeSyncRepository::touchDevice(const DeviceId &device, const QString &peer)
{
    const std::int64_t now = m_clock.nowMsSinceEpoch();
    SB_TRY_ASSIGN(touch, m_db.prepare("UPDATE office_devices SET last_seen_at = ?, last_peer = ? "
                                      "WHERE id = ? AND (last_seen_at IS NULL OR "
                                      "last_seen_at <= ? OR last_peer IS NOT ?)"));
    touch.bind(1, now).bind(2, peer).bind(3, device).bind(4, now - minuteMs).bind(5, peer);
    return touch.run();
}

StoreResult<QList<DeviceInfo>> OfficeSyncRepository::devices()
{
    SB_TRY_ASSIGN(
        list,
        m_db.prepare(
            "SELECT d.id, d.user_id, u.login, d.name, d.platform, d.enrolled_at, d.expires_at, "
            "d.revoked_at, d.last_seen_at, d.last_peer FROM office_devices d "
            "JOIN users u ON u.id = d.user_id ORDER BY d.enrolled_at, d.id"));
    return rows::all<DeviceInfo>(list, [](const Statement &s) {
        return DeviceInfo{s.id<DeviceId>(0), s.id<UserId>(1), s.text(2),     s.text(3),
                          s.text(4),         s.dateTime(5),   s.dateTime(6), s.dateTime(7),
                          s.dateTime(8),     s.text(9)};
    });
}

StoreResult<void> OfficeSyncRepository::revokeDevice(const Actor &actor, const DeviceId &device)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(
        revoke, m_db.prepare(
                    "UPDATE office_devices SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?"));
    revoke.bind(1, m_clock.nowMsSinceEpoch()).bind(2, device);
    SB_TRY(revoke.run());
    if (revoke.changes() != 1) {
        return storeError(StoreError::Kind::NotFound, QStringLiteral("device not found"));
    }
    SB_TRY(m_audit.append(actor, AuditAction::Update, u"device", device.uuid(), u"revoked"));
    return tx.commit();
}

StoreResult<std::optional<LedgerEntry>>
OfficeSyncRepository::ledgerEntry(const OrganizationId &organization, const QByteArray &changeId)
{
    SB_TRY_ASSIGN(find, m_db.prepare("SELECT content_hash, outcome, server_seq FROM "
                                     "office_sync_ledger WHERE organization_id = ? "
                                     "AND change_id = ?"));
    find.bind(1, organization).bind(2, changeId);
    SB_TRY_ASSIGN(row, find.step());
    if (!row) {
        return std::optional<LedgerEntry>();
    }
    return std::optional<LedgerEntry>(
        LedgerEntry{find.blob(0), find.text(1), static_cast<std::uint64_t>(find.int64(2))});
}

StoreResult<std::optional<LedgerEntry>>
OfficeSyncRepository::ledgerForRecord(const OrganizationId &organization,
                                      const QByteArray &recordId)
{
    SB_TRY_ASSIGN(find, m_db.prepare("SELECT content_hash, outcome, server_seq FROM "
                                     "office_sync_ledger WHERE organization_id = ? "
                                     "AND record_id = ? ORDER BY server_seq LIMIT 1"));
    find.bind(1, organization).bind(2, recordId);
    SB_TRY_ASSIGN(row, find.step());
    if (!row) {
        return std::optional<LedgerEntry>();
    }
    return std::optional<LedgerEntry>(
        LedgerEntry{find.blob(0), find.text(1), static_cast<std::uint64_t>(find.int64(2))});
}

StoreResult<void>
OfficeSyncRepository::recordLedger(const QByteArray &changeId, const Principal &principal,
                                   QStringView recordType, const QByteArray &recordId,
                                   const QByteArray &contentHash, std::uint64_t serverSeq)
{
    SB_TRY_ASSIGN(
        insert,
        m_db.prepare(
            "INSERT INTO office_sync_ledger (change_id, organization_id, device_id, record_type, "
            "record_id, content_hash, outcome, server_seq, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'accepted', ?, ?)"));
    insert.bind(1, changeId)
        .bind(2, principal.organization)
        .bind(3, principal.device)
        .bind(4, recordType.toString())
        .bind(5, recordId)
        .bind(6, contentHash)
        .bind(7, static_cast<std::int64_t>(serverSeq))
        .bind(8, m_clock.nowMsSinceEpoch());
    return insert.run();
}

StoreResult<void>
OfficeSyncRepository::recordConflict(const QByteArray &changeId, const Principal &principal,
                                     QStringView recordType, const QByteArray &recordId,
                                     const QByteArray &contentHash, const QString &reason,
                                     const QByteArray &payload)
{
    SB_TRY_ASSIGN(insert, m_db.prepare("INSERT INTO office_sync_conflicts (change_id, "
                                       "organization_id, device_id, record_type, "
                                       "record_id, content_hash, reason, payload, received_at) "
                                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                                       "?) ON CONFLICT (organization_id, change_id, content_hash) "
                                       "DO NOTHING"));
    insert.bind(1, changeId)
        .bind(2, principal.organization)
        .bind(3, principal.device)
        .bind(4, recordType.toString())
        .bind(5, recordId)
        .bind(6, contentHash)
        .bind(7, reason)
        .bind(8, payload)
        .bind(9, m_clock.nowMsSinceEpoch());
    SB_TRY(insert.run());
    if (insert.changes() == 1) {
        SB_TRY(m_audit.append(Actor{principal.user, principal.device}, AuditAction::Create,
                              u"sync_conflict", QUuid::fromRfc4122(recordId), u"conflict"));
    }
    return {};
}

StoreResult<std::int64_t> OfficeSyncRepository::conflictCount()
{
    SB_TRY_ASSIGN(count, m_db.prepare("SELECT count(*) FROM office_sync_conflicts"));
    return rows::one<std::int64_t>(count, "count", [](const Statement &s) { return s.int64(0); });
}

StoreResult<std::uint64_t> OfficeSyncRepository::nextSeq(const OrganizationId &organization)
{
    SB_TRY_ASSIGN(
        bump,
        m_db.prepare("INSERT INTO office_sync_sequence (organization_id, last_seq) VALUES (?, 1) "
                     "ON CONFLICT (organization_id) DO UPDATE SET last_seq = last_seq + 1 "
                     "RETURNING last_seq"));
    bump.bind(1, organization);
    SB_TRY_ASSIGN(seq, rows::one<std::int64_t>(bump, "sequence",
                                               [](const Statement &s) { return s.int64(0); }));
    // Finish the statement so that RETURNING's write completes before the next use.
    SB_TRY(bump.step());
    return static_cast<std::uint64_t>(seq);
}

StoreResult<std::uint64_t> OfficeSyncRepository::lastSeq(const OrganizationId &organization)
{
    SB_TRY_ASSIGN(
        find, m_db.prepare("SELECT last_seq FROM office_sync_sequence WHERE organization_id = ?"));
    find.bind(1, organization);
    SB_TRY_ASSIGN(row, find.step());
    return row ? static_cast<std::uint64_t>(find.int64(0)) : std::uint64_t{0};
}

StoreResult<void> OfficeSyncRepository::publish(const OrganizationId &organization,
                                                std::uint64_t seq,
                                                const std::optional<ProviderId> &provider,
                                                QStringView kind, const QByteArray &recordId,
                                                const QByteArray &payload)
{
    SB_TRY_ASSIGN(
        insert,
        m_db.prepare(
            "INSERT INTO office_pull_feed (organization_id, seq, provider_id, kind, record_id, "
            "payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert.bind(1, organization)
        .bind(2, static_cast<std::int64_t>(seq))
        .bind(3, provider)
        .bind(4, kind.toString())
        .bind(5, recordId)
        .bind(6, payload)
        .bind(7, m_clock.nowMsSinceEpoch());
    return insert.run();
}

StoreResult<QList<FeedItem>> OfficeSyncRepository::feed(const OrganizationId &organization,
                                                        std::uint64_t afterSeq,
                                                        const std::optional<ProviderId> &provider,
                                                        int limit)
{
    SB_TRY_ASSIGN(
        list,
        m_db.prepare(
            "SELECT seq, payload FROM office_pull_feed WHERE organization_id = ? AND seq > ? "
            "AND (? IS NULL OR provider_id IS NULL OR provider_id = ?) ORDER BY seq LIMIT ?"));
    list.bind(1, organization)
        .bind(2, static_cast<std::int64_t>(afterSeq))
        .bind(3, provider)
        .bind(4, provider)
        .bind(5, limit);
    return rows::all<FeedItem>(list, [](const Statement &s) {
        return FeedItem{static_cast<std::uint64_t>(s.int64(0)), s.blob(1)};
    });
}

StoreResult<bool> OfficeSyncRepository::inCaseload(const OrganizationId &organization,
                                                   const PatientId &patient,
                                                   const std::optional<ProviderId> &provider)
{
    SB_TRY_ASSIGN(
        find,
        m_db.prepare(
            "SELECT 1 FROM patients p WHERE p.id = ? AND p.organization_id = ? AND (? IS NULL "
            "OR p.primary_provider_id = ? OR EXISTS (SELECT 1 FROM sessions s WHERE "
            "s.patient_id = p.id AND s.provider_id = ?))"));
    find.bind(1, patient)
        .bind(2, organization)
        .bind(3, provider)
        .bind(4, provider)
        .bind(5, provider);
    return find.step();
}

} // namespace sb::sync

namespace sb::sync {

StoreResult<QList<PatientId>>
OfficeSyncRepository::snapshotPatients(const OrganizationId &organization,
                                       const std::optional<ProviderId> &provider,
                                       const QDate &today)
{
    SB_TRY_ASSIGN(
        list,
        m_db.prepare("SELECT p.id, EXISTS (SELECT 1 FROM sessions s WHERE s.patient_id = p.id "
                     "AND s.date_of_service = ? AND (? IS NULL OR s.provider_id = ?)) AS today "
                     "FROM patients p WHERE p.organization_id = ? AND (? IS NULL "
                     "OR p.primary_provider_id = ? OR EXISTS (SELECT 1 FROM sessions s2 WHERE "
                     "s2.patient_id = p.id AND s2.provider_id = ?)) "
                     "ORDER BY today DESC, p.last_name, p.first_name, p.id"));
    list.bind(1, today)
        .bind(2, provider)
        .bind(3, provider)
        .bind(4, organization)
        .bind(5, provider)
        .bind(6, provider)
        .bind(7, provider);
    return rows::all<PatientId>(list, [](const Statement &s) { return s.id<PatientId>(0); });
}

StoreResult<QList<LatestStatus>>
OfficeSyncRepository::latestStatuses(const OrganizationId &organization,
                                     const std::optional<ProviderId> &provider, const QDate &since)
{
    SB_TRY_ASSIGN(
        list,
        m_db.prepare(
            "SELECT st.session_id, st.status, st.at, st.detail FROM sessions s "
            "JOIN session_status st ON st.session_id = s.id AND st.seq = (SELECT max(seq) FROM "
            "session_status WHERE session_id = s.id) WHERE s.organization_id = ? "
            "AND (? IS NULL OR s.provider_id = ?) AND s.date_of_service >= ? "
            "ORDER BY s.date_of_service DESC, s.id"));
    list.bind(1, organization).bind(2, provider).bind(3, provider).bind(4, since);
    return rows::all<LatestStatus>(list, [](const Statement &s) {
        return LatestStatus{s.id<SessionId>(0), s.text(1), s.dateTime(2), s.text(3)};
    });
}

StoreResult<QList<TaskInfo>>
OfficeSyncRepository::openTasks(const OrganizationId &organization,
                                const std::optional<ProviderId> &provider)
{
    SB_TRY_ASSIGN(
        list,
        m_db.prepare(
            "SELECT id, session_id, kind, message, created_at FROM office_tasks "
            "WHERE organization_id = ? AND (? IS NULL OR provider_id = ?) AND done_at IS NULL "
            "ORDER BY created_at, id"));
    list.bind(1, organization).bind(2, provider).bind(3, provider);
    return rows::all<TaskInfo>(list, [](const Statement &s) {
        return TaskInfo{QUuid::fromRfc4122(s.blob(0)),
                        s.id<SessionId>(1),
                        s.text(2),
                        s.text(3),
                        s.dateTime(4),
                        false};
    });
}

StoreResult<TaskInfo> OfficeSyncRepository::requestAddendum(const Actor &actor,
                                                            const SessionId &session,
                                                            const QString &message)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    OrganizationId organization;
    ProviderId provider;
    {
        SB_TRY_ASSIGN(
            find, m_db.prepare("SELECT organization_id, provider_id FROM sessions WHERE id = ?"));
        find.bind(1, session);
        SB_TRY_ASSIGN(row, find.step());
        if (!row) {
            return storeError(StoreError::Kind::NotFound, QStringLiteral("session not found"));
        }
        organization = find.id<OrganizationId>(0);
        provider = find.id<ProviderId>(1);
    }
    TaskInfo task{m_ids.next(),
                  session,
                  QStringLiteral("addendum_requested"),
                  message,
                  QDateTime::fromMSecsSinceEpoch(m_clock.nowMsSinceEpoch(), Qt::UTC),
                  false};
    SB_TRY_ASSIGN(insert, m_db.prepare("INSERT INTO office_tasks (id, organization_id, session_id, "
                                       "provider_id, kind, message, "
                                       "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert.bind(1, task.id.toRfc4122())
        .bind(2, organization)
        .bind(3, session)
        .bind(4, provider)
        .bind(5, task.kind)
        .bind(6, message)
        .bind(7, task.createdAt);
    SB_TRY(insert.run());
    SB_TRY(m_audit.append(actor, AuditAction::Create, u"task", task.id));
    // In the same transaction, into the clinician's feed: their device's next pull brings it.
    pb::PullItem item;
    encodeTask(task, *item.mutable_task());
    const std::string payload = item.SerializeAsString();
    SB_TRY_ASSIGN(seq, nextSeq(organization));
    SB_TRY(publish(organization, seq, provider, u"task", task.id.toRfc4122(),
                   QByteArray(payload.data(), static_cast<qsizetype>(payload.size()))));
    SB_TRY(tx.commit());
    return task;
}

void encodeTask(const TaskInfo &task, pb::Task &wire)
{
    wire.set_id(toWireId(task.id));
    wire.set_session_id(toWireId(task.session));
    wire.set_kind(task.kind.toStdString());
    wire.set_message(task.message.toStdString());
    wire.set_created_at_ms(task.createdAt.isValid() ? task.createdAt.toMSecsSinceEpoch() : 0);
    wire.set_done(task.done);
}

StoreResult<QList<TaskInfo>> OfficeSyncRepository::completeAddendumTasks(const SessionId &session)
{
    SB_TRY_ASSIGN(
        done, m_db.prepare("UPDATE office_tasks SET done_at = ? WHERE session_id = ? AND kind = "
                           "'addendum_requested' AND done_at IS NULL "
                           "RETURNING id, session_id, kind, message, created_at"));
    done.bind(1, m_clock.nowMsSinceEpoch()).bind(2, session);
    return rows::all<TaskInfo>(done, [](const Statement &s) {
        return TaskInfo{QUuid::fromRfc4122(s.blob(0)),
                        s.id<SessionId>(1),
                        s.text(2),
                        s.text(3),
                        s.dateTime(4),
                        true};
    });
}

} // namespace sb::sync
