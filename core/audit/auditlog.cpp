// SPDX-License-Identifier: Apache-2.0
#include "audit/auditlog.h"

#include "store/database.h"
#include "util/clock.h"
#include "util/sha256.h"

#include <array>

namespace sb {

namespace {

constexpr std::array<std::pair<AuditAction, const char *>, 8> actionNames{{
    {AuditAction::Read, "read"},
    {AuditAction::List, "list"},
    {AuditAction::Create, "create"},
    {AuditAction::Update, "update"},
    {AuditAction::Sign, "sign"},
    {AuditAction::Addendum, "addendum"},
    {AuditAction::Status, "status"},
    {AuditAction::Export, "export"},
}};

std::optional<AuditAction> actionFromName(QStringView name)
{
    for (const auto &[action, text] : actionNames) {
        if (name == QLatin1String(text)) {
            return action;
        }
    }
    return std::nullopt;
}

QByteArray uuidBytes(const QUuid &uuid)
{
    return uuid.isNull() ? QByteArray() : uuid.toRfc4122();
}

const QByteArray genesisHash(32, '\0');

} // namespace

QString toName(AuditAction action)
{
    for (const auto &[candidate, text] : actionNames) {
        if (candidate == action) {
            return QString::fromLatin1(text);
        }
    }
    return {};
}

QByteArray AuditLog::chainHash(const AuditEntry &entry)
{
    // Length-prefixed (4 bytes) so that field boundaries cannot be shifted to forge a match.
    LengthPrefixedSha256 hash(4, 256);
    hash.addField(entry.prevHash)
        .addField(QByteArray::number(entry.seq))
        .addField(QByteArray::number(entry.at.toMSecsSinceEpoch()))
        .addField(uuidBytes(entry.user.uuid()))
        .addField(uuidBytes(entry.device.uuid()))
        .addField(toName(entry.action).toUtf8())
        .addField(entry.recordType.toUtf8())
        .addField(uuidBytes(entry.recordId))
        .addField(entry.outcome.toUtf8());
    return hash.result();
}

StoreResult<void> AuditLog::append(const Actor &actor, AuditAction action, QStringView recordType,
                                   const QUuid &recordId, QStringView outcome)
{
    auto tx = m_db.begin();
    if (!tx) {
        return unexpected(tx.error());
    }
    AuditEntry entry;
    entry.seq = 1;
    entry.prevHash = genesisHash;
    {
        auto head = m_db.prepare("SELECT seq, hash FROM audit_head WHERE id = 1");
        if (!head) {
            return unexpected(head.error());
        }
        auto row = head->step();
        if (!row) {
            return unexpected(row.error());
        }
        if (*row) {
            entry.seq = head->int64(0) + 1;
            entry.prevHash = head->blob(1);
        }
    }
    // Millisecond precision is what the row stores; hash exactly what is stored.
    entry.at = QDateTime::fromMSecsSinceEpoch(m_clock.nowMsSinceEpoch(), Qt::UTC);
    entry.user = actor.user;
    entry.device = actor.device;
    entry.action = action;
    entry.recordType = recordType.toString();
    entry.recordId = recordId;
    entry.outcome = outcome.toString();
    entry.hash = chainHash(entry);

    auto insert = m_db.prepare(
        "INSERT INTO audit_log (seq, at, user_id, device_id, action, record_type, record_id, "
        "outcome, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!insert) {
        return unexpected(insert.error());
    }
    insert->bind(1, entry.seq)
        .bind(2, entry.at)
        .bind(3, entry.user)
        .bind(4, entry.device)
        .bind(5, toName(action))
        .bind(6, entry.recordType)
        .bind(7, recordId.isNull() ? std::optional<QByteArray>() // NULL, as verify() expects
                                   : std::optional<QByteArray>(recordId.toRfc4122()))
        .bind(8, entry.outcome)
        .bind(9, entry.prevHash)
        .bind(10, entry.hash);
    if (auto ok = insert->run(); !ok) {
        return unexpected(ok.error());
    }
    auto head =
        m_db.prepare("INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) "
                     "ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash");
    if (!head) {
        return unexpected(head.error());
    }
    head->bind(1, entry.seq).bind(2, entry.hash);
    if (auto ok = head->run(); !ok) {
        return unexpected(ok.error());
    }
    return tx->commit();
}

namespace {
AuditEntry readEntry(const Statement &row)
{
    AuditEntry entry;
    entry.seq = row.int64(0);
    entry.at = row.dateTime(1);
    entry.user = row.id<UserId>(2);
    entry.device = row.id<DeviceId>(3);
    entry.action = actionFromName(row.text(4)).value_or(AuditAction::Read);
    entry.recordType = row.text(5);
    const QByteArray record = row.blob(6);
    entry.recordId = record.size() == 16 ? QUuid::fromRfc4122(record) : QUuid();
    entry.outcome = row.text(7);
    entry.prevHash = row.blob(8);
    entry.hash = row.blob(9);
    return entry;
}

/// The hash covers parsed values; reject stored forms that parse to the same values but are
/// not what append() writes (an unknown action name, an id that is not 16 non-zero bytes).
bool storedFormIsCanonical(const Statement &row)
{
    if (!actionFromName(row.text(4))) {
        return false;
    }
    for (int column : {2, 3, 6}) {
        if (row.isNull(column)) {
            continue;
        }
        const QByteArray id = row.blob(column);
        if (id.size() != 16 || id == QByteArray(16, '\0')) {
            return false;
        }
    }
    return true;
}

constexpr const char *selectColumns =
    "SELECT seq, at, user_id, device_id, action, record_type, record_id, outcome, prev_hash, "
    "hash FROM audit_log ";
} // namespace

AuditVerification AuditLog::verify()
{
    AuditVerification result;
    auto fail = [&result](std::int64_t seq, QString problem) {
        result.intact = false;
        result.firstBadSeq = seq;
        result.problem = std::move(problem);
        return result;
    };
    auto rows = m_db.prepare(std::string(selectColumns) + "ORDER BY seq");
    if (!rows) {
        return fail(0, rows.error().message);
    }
    QByteArray expectedPrev = genesisHash;
    std::int64_t expectedSeq = 1;
    for (;;) {
        auto next = rows->step();
        if (!next) {
            return fail(expectedSeq, next.error().message);
        }
        if (!*next) {
            break;
        }
        const AuditEntry entry = readEntry(*rows);
        ++result.rowsChecked;
        if (!storedFormIsCanonical(*rows)) {
            return fail(entry.seq, QStringLiteral("row %1 was changed").arg(entry.seq));
        }
        if (entry.seq != expectedSeq) {
            return fail(expectedSeq, QStringLiteral("row %1 is missing").arg(expectedSeq));
        }
        if (entry.prevHash != expectedPrev) {
            return fail(entry.seq,
                        QStringLiteral("row %1 does not follow the row before it").arg(entry.seq));
        }
        if (chainHash(entry) != entry.hash) {
            return fail(entry.seq, QStringLiteral("row %1 was changed").arg(entry.seq));
        }
        expectedPrev = entry.hash;
        ++expectedSeq;
    }
    auto head = m_db.prepare("SELECT seq, hash FROM audit_head WHERE id = 1");
    if (!head) {
        return fail(0, head.error().message);
    }
    auto headRow = head->step();
    const std::int64_t lastSeq = expectedSeq - 1;
    if (!headRow) {
        return fail(lastSeq > 0 ? lastSeq : 1, headRow.error().message);
    }
    if (!*headRow) {
        if (lastSeq > 0) {
            return fail(lastSeq, QStringLiteral("the chain head is missing"));
        }
        return result;
    }
    const std::int64_t headSeq = head->int64(0);
    if (headSeq > lastSeq) {
        return fail(lastSeq + 1, QStringLiteral("the newest rows were removed (chain head is at "
                                                "row %1, log ends at row %2)")
                                     .arg(headSeq)
                                     .arg(lastSeq));
    }
    if (headSeq < lastSeq) {
        return fail(headSeq + 1,
                    QStringLiteral("rows after %1 are not covered by the chain head").arg(headSeq));
    }
    if (head->blob(1) != expectedPrev) {
        return fail(lastSeq, QStringLiteral("the chain head does not match row %1").arg(lastSeq));
    }
    return result;
}

StoreResult<QList<AuditEntry>> AuditLog::entriesFor(const QUuid &recordId)
{
    auto rows = m_db.prepare(std::string(selectColumns) + "WHERE record_id = ? ORDER BY seq");
    if (!rows) {
        return unexpected(rows.error());
    }
    rows->bind(1, recordId.toRfc4122());
    QList<AuditEntry> entries;
    for (;;) {
        auto next = rows->step();
        if (!next) {
            return unexpected(next.error());
        }
        if (!*next) {
            return entries;
        }
        entries.append(readEntry(*rows));
    }
}

StoreResult<std::int64_t> AuditLog::count()
{
    auto stmt = m_db.prepare("SELECT count(*) FROM audit_log");
    if (!stmt) {
        return unexpected(stmt.error());
    }
    auto row = stmt->step();
    if (!row) {
        return unexpected(row.error());
    }
    return stmt->int64(0);
}

} // namespace sb
