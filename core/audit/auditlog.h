// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "domain/ids.h"
#include "store/storeerror.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <cstdint>

namespace sb {

class Clock;
class Database;
class DatabaseKey;

/// Who is acting: the signed-in user on an enrolled device (device may be null on the office).
struct Actor {
    UserId user;
    DeviceId device;
};

enum class AuditAction { Read, List, Create, Update, Sign, Addendum, Status, Export };

/// One row of the audit log as stored.
struct AuditEntry {
    std::int64_t seq = 0;
    QDateTime at;
    UserId user;
    DeviceId device;
    AuditAction action = AuditAction::Read;
    QString recordType; ///< "patient", "session", ...: a type name, never PHI.
    QUuid recordId;
    QString outcome; ///< "ok" or a short error kind.
    QString peer;    ///< The network address a sync request came from; empty otherwise.
    QByteArray prevHash;
    QByteArray hash;
};

/// What verify() found.
struct AuditVerification {
    bool intact = true;
    std::int64_t rowsChecked = 0;
    std::int64_t firstBadSeq = 0; ///< 0 when intact (or when the log could not be read).
    QString problem;              ///< Plain description, no PHI.
};

QString toName(AuditAction action);

/**
 * The append-only, hash-chained audit log in the same database as the records it covers.
 * Each row's hash is HMAC-SHA256 under the audit key over the previous row's hash and the
 * row's own fields, so a changed, inserted or removed row breaks the chain, and a row made
 * without the key does not verify. The chain head is kept in a table of its own so that
 * removing the newest rows is detected as well. Appends run inside the caller's transaction:
 * the audit row commits or rolls back with the change it records.
 *
 * The audit key is derived from the store key under a label of its own (keyFor()): one key
 * per purpose, and no second secret to lose. It therefore does not stop someone who holds
 * the store key from rewriting the whole chain and its head; the exported heads do. The head
 * is appended to a file beside the store (and to syslog where enabled) on close and at least
 * daily, where the store's own code only appends; verify() checks the chain against every
 * exported head, so cutting the tail and rewriting the head no longer goes unnoticed.
 *
 * Stores from before the key (schema 7 and older) keep their rows: rows before
 * `audit_head.keyed_from` verify with the plain SHA-256 of chainHash(), every later row with
 * the key. The first keyed row chains onto the last plain one, and keyed_from is exported with
 * each head, so moving the boundary is detected too.
 */
class AuditLog {
public:
    AuditLog(Database &db, const Clock &clock, QByteArray key, QString headExportPath = {});
    ~AuditLog();
    AuditLog(const AuditLog &) = delete;
    AuditLog &operator=(const AuditLog &) = delete;

    /// The audit key of a store: HMAC-SHA256(store key, a label of its own).
    [[nodiscard]] static QByteArray keyFor(const DatabaseKey &storeKey);
    /// Where the heads of the store at `storePath` are exported.
    [[nodiscard]] static QString headExportPathFor(const QString &storePath);

    StoreResult<void> append(const Actor &actor, AuditAction action, QStringView recordType,
                             const QUuid &recordId, QStringView outcome = u"ok");

    [[nodiscard]] AuditVerification verify();

    /// Rows for one record, oldest first (for "who saw this note" views).
    StoreResult<QList<AuditEntry>> entriesFor(const QUuid &recordId);
    StoreResult<std::int64_t> count();

    /// Appends the committed head to the export file (and syslog) when it moved since the last
    /// export. Nothing while a transaction is open: that head may still roll back.
    StoreResult<void> exportHead();
    /// Also send each exported head to syslog (the office server; off by default).
    void setExportToSyslog(bool on) { m_syslog = on; }
    /// The network peer of the request being served (empty: none); recorded in each row.
    void setPeer(QString peer) { m_peer = std::move(peer); }
    [[nodiscard]] const QString &peer() const { return m_peer; }

    /**
     * While alive, reads and lists are not audited: for records assembled in bulk of which
     * the caller discloses and audits only a part (a pull page). Writes are audited as always.
     */
    class ReadsAuditedByCaller {
    public:
        explicit ReadsAuditedByCaller(AuditLog &log)
            : m_log(log)
            , m_before(log.m_readsByCaller)
        {
            log.m_readsByCaller = true;
        }
        ~ReadsAuditedByCaller() { m_log.m_readsByCaller = m_before; }
        ReadsAuditedByCaller(const ReadsAuditedByCaller &) = delete;
        ReadsAuditedByCaller &operator=(const ReadsAuditedByCaller &) = delete;

    private:
        AuditLog &m_log;
        bool m_before;
    };

    /// The plain SHA-256 chain hash of rows written before the audit key (schema 7 and older).
    [[nodiscard]] static QByteArray chainHash(const AuditEntry &entry);
    /// The keyed hash a row must carry under `key`, given its predecessor's hash.
    [[nodiscard]] static QByteArray keyedChainHash(const QByteArray &key, const AuditEntry &entry);

private:
    void exportIfDue();

    Database &m_db;
    const Clock &m_clock;
    QByteArray m_key;
    QString m_exportPath;
    QString m_peer;
    bool m_syslog = false;
    bool m_readsByCaller = false;
    std::int64_t m_lastExportMs = 0;
};

} // namespace sb
