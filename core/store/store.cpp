// SPDX-License-Identifier: Apache-2.0
#include "store/store.h"

#include "store/schema.h"

#include <vector>

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
                                                std::span<const SchemaModule> modules,
                                                const Database::Options &options)
{
    if (options.targetVersion >= 0) {
        return storeError(StoreError::Kind::InvalidArgument,
                          QStringLiteral("a Store needs the current schema version"));
    }
    std::vector<SchemaModule> all;
    all.reserve(modules.size() + 1);
    all.push_back(coreSchema());
    all.insert(all.end(), modules.begin(), modules.end());
    auto db = Database::openModules(path, key, all, options);
    if (!db) {
        return unexpected(db.error());
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
