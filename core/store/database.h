// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "domain/ids.h"
#include "store/databasekey.h"
#include "store/storeerror.h"

#include <QByteArray>
#include <QDate>
#include <QDateTime>
#include <QString>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace sb {

/**
 * One step of a table-driven schema migration: applying `sql` takes the schema (or the schema
 * module it belongs to) to `version`. A step is never edited once released: a change is a new
 * step.
 */
struct MigrationStep {
    int version;
    const char *sql;
    /// The PRAGMA user_version this step carried when every table shared one sequence (stores
    /// made before schema modules, versions 1 to Database::lastMonolithicVersion); 0 for a step
    /// born later. A store of that time has run exactly the steps numbered up to its version.
    int monolithicVersion = 0;
};

/**
 * The tables one target owns, as its name and its ordered steps. Core's module comes first
 * in a store; a target that keeps tables of its own (the device's outbox, the office's
 * ledger) registers its module with the Store that needs them, so core never names them and
 * a device store never gets the office's tables, nor the office the device's. Each module's
 * version is kept in the store (table schema_modules); a module's steps may rely on the
 * modules before it (foreign keys to core's tables), never on those after it.
 */
struct SchemaModule {
    std::string_view name; ///< Lower case letters and '_'; never changes once released.
    std::span<const MigrationStep> steps;
};

class Database;

/**
 * A prepared statement borrowed from the database's cache; reset and unbound when it goes
 * out of scope. Values are always bound, never spliced into SQL. Column and parameter
 * indexes are 0-based for columns and 1-based for parameters, as in SQLite.
 */
class Statement {
public:
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&) = delete;
    Statement(const Statement &) = delete;
    ~Statement();

    Statement &bind(int index, std::nullopt_t);
    Statement &bind(int index, std::int64_t value);
    Statement &bind(int index, int value) { return bind(index, std::int64_t{value}); }
    Statement &bind(int index, bool value) { return bind(index, std::int64_t{value ? 1 : 0}); }
    Statement &bind(int index, double value);
    Statement &bind(int index, const QString &text);    ///< UTF-8 text; embedded NULs kept.
    Statement &bind(int index, const QByteArray &blob); ///< BLOB.
    Statement &bind(int index, const QDate &date);      ///< ISO "YYYY-MM-DD", NULL if invalid.
    Statement &bind(int index, const QDateTime &time);  ///< ms since epoch UTC, NULL if invalid.
    template<typename Tag>
    Statement &bind(int index, const Id<Tag> &id) ///< 16-byte big-endian BLOB (sorts by time).
    {
        return id.isNull() ? bind(index, std::nullopt) : bind(index, id.uuid().toRfc4122());
    }
    template<typename T> Statement &bind(int index, const std::optional<T> &value)
    {
        return value ? bind(index, *value) : bind(index, std::nullopt);
    }

    /// Advances: true when a row is available, false when done.
    StoreResult<bool> step();
    /// Runs a statement that returns no rows (or ignores them), then resets it so it can be
    /// bound and run again.
    StoreResult<void> run();
    /// Rewinds a statement that returned rows so it can be bound and stepped again.
    void reset();

    [[nodiscard]] bool isNull(int column) const;
    [[nodiscard]] std::int64_t int64(int column) const;
    [[nodiscard]] int int32(int column) const { return static_cast<int>(int64(column)); }
    [[nodiscard]] bool boolean(int column) const { return int64(column) != 0; }
    [[nodiscard]] double real(int column) const;
    [[nodiscard]] QString text(int column) const;
    [[nodiscard]] QByteArray blob(int column) const;
    [[nodiscard]] QDate date(int column) const;
    [[nodiscard]] QDateTime dateTime(int column) const;
    template<typename IdType> [[nodiscard]] IdType id(int column) const
    {
        return isNull(column) ? IdType() : IdType(QUuid::fromRfc4122(blob(column)));
    }
    template<typename IdType> [[nodiscard]] std::optional<IdType> optionalId(int column) const
    {
        return isNull(column) ? std::nullopt : std::optional<IdType>(id<IdType>(column));
    }

    /// Rows changed by the last run (INSERT/UPDATE/DELETE).
    [[nodiscard]] int changes() const;

private:
    friend class Database;
    /// `inUse` is the cache entry's flag (entries are stable in the map); null when the
    /// statement is not cached and is finalized on release.
    Statement(Database &db, sqlite3_stmt *stmt, bool *inUse);
    void noteBind(int rc);
    Database *m_db;
    sqlite3_stmt *m_stmt;
    bool *m_inUse;
    int m_bindError = 0;
};

/**
 * A transaction scope: BEGIN IMMEDIATE at the outermost level, a SAVEPOINT when nested, so
 * repository calls compose inside a caller's transaction. Rolled back when destroyed
 * without commit().
 */
class Transaction {
public:
    Transaction(Transaction &&other) noexcept;
    Transaction &operator=(Transaction &&) = delete;
    Transaction(const Transaction &) = delete;
    ~Transaction();
    StoreResult<void> commit();
    void rollback();

private:
    friend class Database;
    Transaction(Database &db, int depth)
        : m_db(&db)
        , m_depth(depth)
    {
    }
    Database *m_db;
    int m_depth;
    bool m_done = false;
};

/**
 * One SQLCipher database file, opened with a raw 256-bit key: WAL, synchronous=FULL (a
 * saved note survives power loss), foreign keys on, temporary data in memory only, and the
 * schema migrated by a table of steps. Owned and used by one thread; not thread-safe.
 *
 * A key that does not open the file is reported as StoreError::WrongKey and nothing on disk
 * is changed or deleted.
 */
class Database {
public:
    /**
     * How pages are sized and authenticated. Current: 4 KiB pages with HMAC-SHA256 (SHA-256
     * runs in hardware on x86-64 with SHA-NI and on ARMv8, SHA-512 mostly does not; it is
     * most of what SQLCipher adds to a durable save). SqlCipher4Defaults: SQLCipher 4's own
     * defaults (4 KiB, HMAC-SHA512), as stores were made before; such a store is migrated to
     * Current when opened, unless the options ask for SqlCipher4Defaults (tests making an
     * old store).
     */
    enum class PageLayout { Current, SqlCipher4Defaults };

    struct Options {
        bool create = true; ///< Create the file when it does not exist.
        int busyTimeoutMs = 5000;
        int targetVersion = -1; ///< Migrate to this version (-1: the last step).
        bool fullSync = true;   ///< synchronous=FULL; NORMAL for re-downloadable caches.
        PageLayout layout = PageLayout::Current;
    };

    /// Opens (or creates) the file. A store in an older page layout is first rewritten in the
    /// current one (sqlcipher_export into a new file renamed over the old one): a crash at
    /// any point leaves either the old or the new file, each whole.
    static StoreResult<std::unique_ptr<Database>> open(const QString &path, const DatabaseKey &key,
                                                       std::span<const MigrationStep> schema,
                                                       const Options &options);
    static StoreResult<std::unique_ptr<Database>> open(const QString &path, const DatabaseKey &key,
                                                       std::span<const MigrationStep> schema)
    {
        return open(path, key, schema, Options{});
    }

    /**
     * Opens a store made of schema modules and brings each of `modules` to its last step, in
     * the order given, one transaction per step. A store made before modules (a single
     * user_version from 1 to lastMonolithicVersion) first gets the bookkeeping table, and each
     * module takes over the steps it ran there (MigrationStep::monolithicVersion): nothing is
     * created twice, and tables of a module not named here are left as they are until a
     * later open names it. Refused as TooNew, before anything is written, when the layout or
     * any named module is newer than this code. Options::targetVersion must be -1: to stop a
     * module early, pass fewer of its steps.
     */
    static StoreResult<std::unique_ptr<Database>> openModules(const QString &path,
                                                              const DatabaseKey &key,
                                                              std::span<const SchemaModule> modules,
                                                              const Options &options);
    /// Brings `modules` to their last steps on this open database, as openModules() does.
    StoreResult<void> addModules(std::span<const SchemaModule> modules);

    /// The last user_version of stores made before schema modules.
    static constexpr int lastMonolithicVersion = 11;
    /// The user_version of a store whose versions are kept per module (schema_modules).
    static constexpr int modularLayoutVersion = 12;
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    /// Prepares (or takes from the cache) a statement. `sql` must be a literal; values go
    /// through bind().
    StoreResult<Statement> prepare(std::string_view sql);
    /// Runs literal SQL with no parameters (DDL, PRAGMA). Never pass data through here.
    StoreResult<void> execLiteral(const char *sql);
    StoreResult<Transaction> begin();

    [[nodiscard]] int schemaVersion();
    /// The version of one schema module in this store: 0 when it has none, -1 on error.
    [[nodiscard]] int moduleVersion(std::string_view name);
    /// PRAGMA integrity_check and PRAGMA cipher_integrity_check; an error names which failed.
    StoreResult<void> checkIntegrity();
    /// Folds the WAL into the main file (PRAGMA wal_checkpoint(TRUNCATE)).
    StoreResult<void> checkpoint();
    [[nodiscard]] const QString &path() const { return m_path; }
    /// A transaction (or savepoint) is open: what is written now may still roll back.
    [[nodiscard]] bool inTransaction() const { return m_transactionDepth > 0; }
    /// Called after each outermost COMMIT succeeds (the audit log exports its head from here).
    void setAfterCommit(std::function<void()> hook) { m_afterCommit = std::move(hook); }
    [[nodiscard]] sqlite3 *handle() const { return m_db; }

    /// The typed error for the last failure on this connection, prefixed by `what`.
    [[nodiscard]] StoreError lastError(const char *what, int code) const;

private:
    friend class Statement;
    friend class Transaction;
    explicit Database(sqlite3 *db, QString path)
        : m_db(db)
        , m_path(std::move(path))
    {
    }
    static StoreResult<std::unique_ptr<Database>>
    openUnmigrated(const QString &path, const DatabaseKey &key, const Options &options);
    /// A keyed connection whose first page decrypted with `layout` (nothing written yet).
    static StoreResult<std::unique_ptr<Database>> connect(const QString &path,
                                                          const DatabaseKey &key, PageLayout layout,
                                                          bool create, bool existed);
    /// Rewrites the store `old` has open in the current layout and renames it over the file.
    static StoreResult<void> migrateLayout(std::unique_ptr<Database> old, const DatabaseKey &key);
    StoreResult<void> migrate(std::span<const MigrationStep> schema, int targetVersion);
    StoreResult<void> migrateModules(std::span<const SchemaModule> modules);
    bool m_modular = false; ///< Opened by openModules (the store keeps per-module versions).
    /// Runs a statement without parameters through the statement cache.
    StoreResult<void> runCached(std::string_view sql);
    void release(sqlite3_stmt *stmt, bool *inUse);

    struct CachedStatement {
        sqlite3_stmt *stmt = nullptr;
        bool inUse = false;
    };
    sqlite3 *m_db;
    QString m_path;
    /// Looks SQL text up without copying it into a std::string first (every query passes here).
    struct SqlHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view sql) const noexcept
        {
            return std::hash<std::string_view>{}(sql);
        }
    };
    std::unordered_map<std::string, CachedStatement, SqlHash, std::equal_to<>> m_cache;
    int m_transactionDepth = 0;
    std::function<void()> m_afterCommit;
};

} // namespace sb
