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
 * Each row's hash is SHA-256 over the previous row's hash and the row's own fields, so a
 * changed, inserted or removed row breaks the chain; the chain head is kept in a table of
 * its own so that removing the newest rows is detected as well. Appends run inside the
 * caller's transaction: the audit row commits or rolls back with the change it records.
 *
 * What it cannot detect on its own: someone holding the key who rewrites the whole chain
 * and its head. Anchoring the head outside the device (the sync server) closes that.
 */
class AuditLog {
public:
    AuditLog(Database &db, const Clock &clock)
        : m_db(db)
        , m_clock(clock)
    {
    }

    StoreResult<void> append(const Actor &actor, AuditAction action, QStringView recordType,
                             const QUuid &recordId, QStringView outcome = u"ok");

    [[nodiscard]] AuditVerification verify();

    /// Rows for one record, oldest first (for "who saw this note" views).
    StoreResult<QList<AuditEntry>> entriesFor(const QUuid &recordId);
    StoreResult<std::int64_t> count();

    /// The hash a row must carry, given its predecessor's hash.
    [[nodiscard]] static QByteArray chainHash(const AuditEntry &entry);

private:
    Database &m_db;
    const Clock &m_clock;
};

} // namespace sb
