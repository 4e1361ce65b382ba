// SPDX-License-Identifier: Apache-2.0
#include "store/store.h"

#include "store/schema.h"

namespace sb {

Store::Store(std::unique_ptr<Database> db, const Clock &clock, QByteArray auditKey)
    : m_db(std::move(db))
    , m_clock(clock)
    , m_audit(*m_db, clock, std::move(auditKey), AuditLog::headExportPathFor(m_db->path()))
    , m_practice(*m_db, m_audit)
    , m_patients(*m_db, m_audit)
    , m_sessions(*m_db, m_audit, clock)
    , m_ids(clock)
{
}

StoreResult<std::unique_ptr<Store>> Store::open(const QString &path, const DatabaseKey &key,
                                                const Clock &clock,
                                                const Database::Options &options)
{
    auto db = Database::open(path, key, storeSchema(), options);
    if (!db) {
        return unexpected(db.error());
    }
    if ((*db)->schemaVersion() != storeSchemaVersion()) {
        return storeError(StoreError::Kind::InvalidArgument,
                          QStringLiteral("a Store needs the current schema version"));
    }
    return std::unique_ptr<Store>(new Store(std::move(*db), clock, AuditLog::keyFor(key)));
}

Store::~Store()
{
    if (auto exported = m_audit.exportHead(); !exported) {
        qWarning("store: the audit chain head could not be exported on close: %s",
                 qPrintable(exported.error().message));
    }
}

} // namespace sb
