// SPDX-License-Identifier: Apache-2.0
#include "audit/auditlog.h"

#include "store/database.h"
#include "store/databasekey.h"
#include "util/clock.h"
#include "util/sha256.h"

#include <QFile>
#include <QHash>

#include <array>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#if __has_include(<syslog.h>)
#include <syslog.h>
#define SB_HAVE_SYSLOG 1
#endif

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

QByteArray hmacSha256(QByteArrayView key, QByteArrayView message)
{
    QByteArray out(32, '\0');
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.data(), int(key.size()),
             reinterpret_cast<const unsigned char *>(message.data()), size_t(message.size()),
             reinterpret_cast<unsigned char *>(out.data()), &length)
            == nullptr
        || length != 32) {
        return {};
    }
    return out;
}

constexpr std::int64_t exportIntervalMs = 24 * 60 * 60 * 1000;

/// One exported head: "sessionbook-audit-head 1 <seq> <hash hex> <keyed_from> <at ms>".
struct ExportedHead {
    std::int64_t seq = 0;
    QByteArray hash;
    std::int64_t keyedFrom = 1;
};

std::optional<ExportedHead> parseExportedHead(const QByteArray &line)
{
    const QList<QByteArray> parts = line.trimmed().split(' ');
    if (parts.size() != 6 || parts[0] != "sessionbook-audit-head" || parts[1] != "1") {
        return std::nullopt;
    }
    ExportedHead head;
    bool okSeq = false;
    bool okFrom = false;
    head.seq = parts[2].toLongLong(&okSeq);
    head.hash = QByteArray::fromHex(parts[3]);
    head.keyedFrom = parts[4].toLongLong(&okFrom);
    if (!okSeq || !okFrom || head.seq < 1 || head.hash.size() != 32) {
        return std::nullopt;
    }
    return head;
}

/// The committed head: seq and hash (none before the first row) and where the key starts.
struct Head {
    std::int64_t seq = 0;
    QByteArray hash = genesisHash;
    std::int64_t keyedFrom = 1;
    bool exists = false;
};

StoreResult<Head> readHead(Database &db)
{
    auto stmt = db.prepare("SELECT seq, hash, keyed_from FROM audit_head WHERE id = 1");
    if (!stmt) {
        return unexpected(stmt.error());
    }
    auto row = stmt->step();
    if (!row) {
        return unexpected(row.error());
    }
    Head head;
    if (*row) {
        head.seq = stmt->int64(0);
        head.hash = stmt->blob(1);
        head.keyedFrom = stmt->int64(2);
        head.exists = true;
    }
    return head;
}

} // namespace

AuditLog::AuditLog(Database &db, const Clock &clock, QByteArray key, QString headExportPath)
    : m_db(db)
    , m_clock(clock)
    , m_key(std::move(key))
    , m_exportPath(std::move(headExportPath))
    , m_lastExportMs(clock.nowMsSinceEpoch())
{
    m_db.setAfterCommit([this] { exportIfDue(); });
}

AuditLog::~AuditLog()
{
    m_db.setAfterCommit({});
    m_key.fill('\0');
}

QByteArray AuditLog::keyFor(const DatabaseKey &storeKey)
{
    return hmacSha256(storeKey.bytes(), "sessionbook audit chain key v1");
}

QString AuditLog::headExportPathFor(const QString &storePath)
{
    if (storePath.isEmpty() || storePath.startsWith(u':')) {
        return {}; // an in-memory database has nowhere beside it
    }
    return storePath + QStringLiteral(".audit-heads");
}

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

QByteArray AuditLog::keyedChainHash(const QByteArray &key, const AuditEntry &entry)
{
    LengthPrefixedSha256 fields(4, 256);
    fields.addField(entry.prevHash)
        .addField(QByteArray::number(entry.seq))
        .addField(QByteArray::number(entry.at.toMSecsSinceEpoch()))
        .addField(uuidBytes(entry.user.uuid()))
        .addField(uuidBytes(entry.device.uuid()))
        .addField(toName(entry.action).toUtf8())
        .addField(entry.recordType.toUtf8())
        .addField(uuidBytes(entry.recordId))
        .addField(entry.outcome.toUtf8())
        .addField(entry.peer.toUtf8());
    return hmacSha256(key, fields.canonical());
}

StoreResult<void> AuditLog::append(const Actor &actor, AuditAction action, QStringView recordType,
                                   const QUuid &recordId, QStringView outcome)
{
    if (m_readsByCaller && (action == AuditAction::Read || action == AuditAction::List)) {
        return {}; // the caller audits what it discloses (ReadsAuditedByCaller)
    }
    if (m_key.size() != 32) {
        return storeError(StoreError::Kind::InvalidArgument, QStringLiteral("no audit key"));
    }
    auto tx = m_db.begin();
    if (!tx) {
        return unexpected(tx.error());
    }
    auto head = readHead(m_db);
    if (!head) {
        return unexpected(head.error());
    }
    AuditEntry entry;
    entry.seq = head->seq + 1;
    entry.prevHash = head->hash;
    if (entry.seq < head->keyedFrom) {
        return storeError(StoreError::Kind::Corrupt,
                          QStringLiteral("the audit chain head is behind its key boundary"));
    }
    // Millisecond precision is what the row stores; hash exactly what is stored.
    entry.at = QDateTime::fromMSecsSinceEpoch(m_clock.nowMsSinceEpoch(), Qt::UTC);
    entry.user = actor.user;
    entry.device = actor.device;
    entry.action = action;
    entry.recordType = recordType.toString();
    entry.recordId = recordId;
    entry.outcome = outcome.toString();
    entry.peer = m_peer;
    entry.hash = keyedChainHash(m_key, entry);

    auto insert = m_db.prepare(
        "INSERT INTO audit_log (seq, at, user_id, device_id, action, record_type, record_id, "
        "outcome, prev_hash, hash, peer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
        .bind(10, entry.hash)
        .bind(11, m_peer.isEmpty() ? std::optional<QString>() : std::optional<QString>(m_peer));
    if (auto ok = insert->run(); !ok) {
        return unexpected(ok.error());
    }
    // keyed_from is set once, with the first row (1 for a new store; the migration sets it for
    // an older one) and never moved.
    auto newHead =
        m_db.prepare("INSERT INTO audit_head (id, seq, hash, keyed_from) VALUES (1, ?, ?, 1) "
                     "ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash");
    if (!newHead) {
        return unexpected(newHead.error());
    }
    newHead->bind(1, entry.seq).bind(2, entry.hash);
    if (auto ok = newHead->run(); !ok) {
        return unexpected(ok.error());
    }
    return tx->commit();
}

void AuditLog::exportIfDue()
{
    // Daily, after a commit (never inside a transaction: that head might still roll back).
    if (m_exportPath.isEmpty() || m_clock.nowMsSinceEpoch() - m_lastExportMs < exportIntervalMs) {
        return;
    }
    if (auto exported = exportHead(); !exported) {
        qWarning("audit: the chain head could not be exported: %s",
                 qPrintable(exported.error().message));
    }
}

StoreResult<void> AuditLog::exportHead()
{
    if (m_exportPath.isEmpty() || m_db.inTransaction()) {
        return {};
    }
    auto head = readHead(m_db);
    if (!head) {
        return unexpected(head.error());
    }
    m_lastExportMs = m_clock.nowMsSinceEpoch();
    if (!head->exists) {
        return {};
    }
    QFile file(m_exportPath);
    std::int64_t lastExported = 0;
    if (file.open(QIODevice::ReadOnly)) {
        while (!file.atEnd()) {
            if (const auto line = parseExportedHead(file.readLine(512))) {
                lastExported = line->seq;
            }
        }
        file.close();
    }
    if (head->seq == lastExported) {
        return {};
    }
    const QByteArray line = "sessionbook-audit-head 1 " + QByteArray::number(head->seq) + ' '
                            + head->hash.toHex() + ' ' + QByteArray::number(head->keyedFrom) + ' '
                            + QByteArray::number(m_lastExportMs) + '\n';
    // Append only: the store never rewrites this file (chattr +a can make the OS hold it to that).
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append)) {
        return storeError(StoreError::Kind::Io, file.errorString());
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (file.write(line) != line.size() || !file.flush()) {
        return storeError(StoreError::Kind::Io, file.errorString());
    }
    file.close();
#ifdef SB_HAVE_SYSLOG
    if (m_syslog) {
        syslog(LOG_AUTHPRIV | LOG_NOTICE, "%s", line.trimmed().constData());
    }
#endif
    return {};
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
    entry.peer = row.text(10);
    return entry;
}

/// The hash covers parsed values; reject stored forms that parse to the same values but are
/// not what append() writes (an unknown action name, an id that is not 16 non-zero bytes).
bool storedFormIsCanonical(const Statement &row)
{
    if (!actionFromName(row.text(4))) {
        return false;
    }
    if (!row.isNull(10) && row.text(10).isEmpty()) {
        return false; // append() writes no peer as NULL
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
    "hash, peer FROM audit_log ";
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
    auto stored = readHead(m_db);
    if (!stored) {
        return fail(0, stored.error().message);
    }
    const std::int64_t keyedFrom = stored->keyedFrom;
    // The heads exported so far: each must still be a row of the chain, with the same hash.
    QHash<std::int64_t, ExportedHead> exported;
    std::int64_t highestExported = 0;
    if (!m_exportPath.isEmpty()) {
        QFile file(m_exportPath);
        if (file.open(QIODevice::ReadOnly)) {
            while (!file.atEnd()) {
                if (const auto line = parseExportedHead(file.readLine(512))) {
                    exported.insert(line->seq, *line);
                    highestExported = std::max(highestExported, line->seq);
                }
            }
        }
    }
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
        const bool keyed = entry.seq >= keyedFrom;
        const QByteArray expected = keyed ? keyedChainHash(m_key, entry) : chainHash(entry);
        // A plain row never has a peer: peers came with the key.
        if (entry.hash.size() != 32 || expected.size() != 32
            || CRYPTO_memcmp(expected.constData(), entry.hash.constData(), 32) != 0
            || (!keyed && !entry.peer.isEmpty())) {
            return fail(entry.seq, QStringLiteral("row %1 was changed").arg(entry.seq));
        }
        if (const auto it = exported.constFind(entry.seq); it != exported.constEnd()) {
            if (it->hash != entry.hash || it->keyedFrom != keyedFrom) {
                return fail(entry.seq, QStringLiteral("row %1 differs from the head exported "
                                                      "for it")
                                           .arg(entry.seq));
            }
        }
        expectedPrev = entry.hash;
        ++expectedSeq;
    }
    const std::int64_t lastSeq = expectedSeq - 1;
    if (highestExported > lastSeq) {
        return fail(lastSeq + 1, QStringLiteral("the newest rows were removed (a head was "
                                                "exported at row %1, the log ends at row %2)")
                                     .arg(highestExported)
                                     .arg(lastSeq));
    }
    if (!stored->exists) {
        if (lastSeq > 0) {
            return fail(lastSeq, QStringLiteral("the chain head is missing"));
        }
        return result;
    }
    const std::int64_t headSeq = stored->seq;
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
    if (stored->hash != expectedPrev) {
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
