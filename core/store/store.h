// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "audit/auditlog.h"
#include "store/database.h"
#include "store/patientrepository.h"
#include "store/practicerepository.h"
#include "store/sessionrepository.h"
#include "util/uuid7.h"

#include <memory>
#include <span>

namespace sb {

class Clock;

/**
 * An open Sessionbook store: the encrypted database at the current schema, its audit log,
 * the repositories over it and the id generator. Owned by one thread (the store thread on
 * the device, the request thread on the office).
 */
class Store {
public:
    /**
     * Opens (creating or migrating) the store at `path`: core's schema module, then
     * `modules`, the tables of the targets that use this store (the device's sync client, the
     * office's server), each at its last step. A Store always works on the current schema:
     * Options::targetVersion must be -1.
     */
    static StoreResult<std::unique_ptr<Store>> open(const QString &path, const DatabaseKey &key,
                                                    const Clock &clock,
                                                    std::span<const SchemaModule> modules,
                                                    const Database::Options &options);
    static StoreResult<std::unique_ptr<Store>> open(const QString &path, const DatabaseKey &key,
                                                    const Clock &clock,
                                                    std::span<const SchemaModule> modules)
    {
        return open(path, key, clock, modules, Database::Options{});
    }
    /// Core's tables only.
    static StoreResult<std::unique_ptr<Store>> open(const QString &path, const DatabaseKey &key,
                                                    const Clock &clock,
                                                    const Database::Options &options)
    {
        return open(path, key, clock, std::span<const SchemaModule>{}, options);
    }
    static StoreResult<std::unique_ptr<Store>> open(const QString &path, const DatabaseKey &key,
                                                    const Clock &clock)
    {
        return open(path, key, clock, std::span<const SchemaModule>{}, Database::Options{});
    }

    /// Exports the audit chain head (AuditLog::exportHead) before closing.
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    /**
     * Registers the schema modules of a target with this open store, bringing each to its
     * last step (a no-op for those already there). For code handed a Store that another
     * part opened, such as seeding a device; whoever opens a store names its modules there.
     */
    StoreResult<void> addModules(std::span<const SchemaModule> modules)
    {
        return m_db->addModules(modules);
    }

    [[nodiscard]] Database &database() { return *m_db; }
    [[nodiscard]] AuditLog &audit() { return m_audit; }
    [[nodiscard]] PracticeRepository &practice() { return m_practice; }
    [[nodiscard]] PatientRepository &patients() { return m_patients; }
    [[nodiscard]] SessionRepository &sessions() { return m_sessions; }
    [[nodiscard]] Uuid7Generator &ids() { return m_ids; }
    [[nodiscard]] const Clock &clock() const { return m_clock; }

private:
    Store(std::unique_ptr<Database> db, const Clock &clock, QByteArray auditKey);
    std::unique_ptr<Database> m_db;
    const Clock &m_clock;
    AuditLog m_audit;
    PracticeRepository m_practice;
    PatientRepository m_patients;
    SessionRepository m_sessions;
    Uuid7Generator m_ids;
};

} // namespace sb
