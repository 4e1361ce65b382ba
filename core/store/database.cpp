// SPDX-License-Identifier: Apache-2.0
#include "store/database.h"

#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sqlite3.h>
#include <system_error>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <unistd.h>
#endif

namespace sb {

Q_LOGGING_CATEGORY(lcStore, "sessionbook.store", QtInfoMsg)

namespace {

/// "SAVEPOINT sp2", "RELEASE sp2": one name per nesting depth.
std::string savepointSql(const char *verb, int depth)
{
    return verb + std::to_string(depth);
}

constexpr QByteArrayView plaintextSqliteHeader("SQLite format 3\0", 16);

StoreError::Kind kindFor(int code, const char *message)
{
    switch (code & 0xFF) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return StoreError::Kind::Corrupt;
    case SQLITE_CONSTRAINT:
        // Triggers that guard signed records raise "immutable: ..." (see schema.cpp).
        if (message && std::string_view(message).starts_with("immutable")) {
            return StoreError::Kind::Immutable;
        }
        return StoreError::Kind::Constraint;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return StoreError::Kind::Busy;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return StoreError::Kind::Io;
    default:
        return StoreError::Kind::Internal;
    }
}

/// Keys the connection with raw key material: x'<64 hex>' is SQLCipher's raw-key syntax, which
/// skips PBKDF2 entirely.
int applyRawKey(sqlite3 *db, const DatabaseKey &key)
{
#ifdef SQLITE_HAS_CODEC
    QByteArray spec = "x'" + key.toHex() + "'";
    const int rc = sqlite3_key(db, spec.constData(), static_cast<int>(spec.size()));
    secureWipe(spec);
    return rc;
#else
    // Plain-SQLite build of the same sources, only for bench/store's baseline: no encryption.
    Q_UNUSED(db);
    Q_UNUSED(key);
    return SQLITE_OK;
#endif
}

/// The row of schema_modules that keeps, for a store made before modules, the single
/// user_version it had: a module first named later takes over the steps it ran there.
constexpr QStringView monolithicMarker = u"(monolithic)";

bool validModuleName(std::string_view name)
{
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

/// A programming error in a module's table of steps, caught before the file is touched.
StoreResult<void> validateModules(std::span<const SchemaModule> modules)
{
    auto invalid = [](std::string_view name, const char *why) {
        return storeError(
            StoreError::Kind::InvalidArgument,
            QStringLiteral("schema module '%1': %2")
                .arg(QLatin1String(name.data(), qsizetype(name.size())), QLatin1String(why)));
    };
    for (std::size_t i = 0; i < modules.size(); ++i) {
        const SchemaModule &module = modules[i];
        if (!validModuleName(module.name)) {
            return invalid(module.name, "the name is not lower case letters, digits and '_'");
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (modules[j].name == module.name) {
                return invalid(module.name, "named twice");
            }
        }
        int previous = 0;
        int previousMonolithic = 0;
        bool monolithicPrefix = true;
        for (const MigrationStep &step : module.steps) {
            if (step.version <= previous) {
                return invalid(module.name, "step versions do not increase");
            }
            previous = step.version;
            if (step.monolithicVersion == 0) {
                monolithicPrefix = false;
                continue;
            }
            // Steps that ran in the shared sequence come first, in that sequence's order.
            if (!monolithicPrefix || step.monolithicVersion <= previousMonolithic
                || step.monolithicVersion > Database::lastMonolithicVersion) {
                return invalid(module.name, "steps of the shared sequence are out of order");
            }
            previousMonolithic = step.monolithicVersion;
        }
    }
    return {};
}

/// The version of `module` in a store made before modules at user_version `monolithic`: its
/// last step that such a store had already run (0 for none).
int adoptedVersion(const SchemaModule &module, int monolithic)
{
    int version = 0;
    for (const MigrationStep &step : module.steps) {
        if (step.monolithicVersion != 0 && step.monolithicVersion <= monolithic) {
            version = step.version;
        }
    }
    return version;
}

QString nameOf(std::string_view name)
{
    return QString::fromLatin1(name.data(), qsizetype(name.size()));
}

/// Page size and HMAC of each layout (Database::PageLayout), issued before the first read.
/// Without a codec (bench/store's plain-SQLite baseline) only the page size applies, so the
/// baseline has the same page layout.
const char *layoutPragmas(Database::PageLayout layout)
{
#ifdef SQLITE_HAS_CODEC
    return layout == Database::PageLayout::Current
               ? "PRAGMA cipher_page_size = 4096; PRAGMA cipher_hmac_algorithm = HMAC_SHA256;"
               : "PRAGMA cipher_page_size = 4096; PRAGMA cipher_hmac_algorithm = HMAC_SHA512;";
#else
    Q_UNUSED(layout);
    return "PRAGMA page_size = 4096;";
#endif
}

/// The current layout on the copy an old store is exported into.
constexpr const char *relayoutPragmas = "PRAGMA relayout.cipher_page_size = 4096; "
                                        "PRAGMA relayout.cipher_hmac_algorithm = HMAC_SHA256;";

/// Makes a rename in `dir` durable (POSIX: fsync of the directory).
void syncDirectory(const QString &dir)
{
#ifdef Q_OS_UNIX
    const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
#else
    Q_UNUSED(dir);
#endif
}

} // namespace

QString StoreError::kindName() const
{
    switch (kind) {
    case Kind::WrongKey:
        return QStringLiteral("wrong key");
    case Kind::Corrupt:
        return QStringLiteral("corrupt");
    case Kind::TooNew:
        return QStringLiteral("schema too new");
    case Kind::NotFound:
        return QStringLiteral("not found");
    case Kind::Constraint:
        return QStringLiteral("constraint");
    case Kind::Immutable:
        return QStringLiteral("immutable");
    case Kind::Busy:
        return QStringLiteral("busy");
    case Kind::Io:
        return QStringLiteral("i/o");
    case Kind::InvalidArgument:
        return QStringLiteral("invalid argument");
    case Kind::Internal:
        return QStringLiteral("internal");
    }
    return {};
}

// ---- Statement -------------------------------------------------------------------------

Statement::Statement(Database &db, sqlite3_stmt *stmt, bool *inUse)
    : m_db(&db)
    , m_stmt(stmt)
    , m_inUse(inUse)
{
}

Statement::Statement(Statement &&other) noexcept
    : m_db(other.m_db)
    , m_stmt(std::exchange(other.m_stmt, nullptr))
    , m_inUse(other.m_inUse)
    , m_bindError(other.m_bindError)
{
}

Statement::~Statement()
{
    if (m_stmt) {
        m_db->release(m_stmt, m_inUse);
    }
}

Statement &Statement::bind(int index, std::nullopt_t)
{
    noteBind(sqlite3_bind_null(m_stmt, index));
    return *this;
}

Statement &Statement::bind(int index, std::int64_t value)
{
    noteBind(sqlite3_bind_int64(m_stmt, index, value));
    return *this;
}

Statement &Statement::bind(int index, double value)
{
    noteBind(sqlite3_bind_double(m_stmt, index, value));
    return *this;
}

Statement &Statement::bind(int index, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    noteBind(sqlite3_bind_text64(m_stmt, index, utf8.constData(),
                                 static_cast<sqlite3_uint64>(utf8.size()), SQLITE_TRANSIENT,
                                 SQLITE_UTF8));
    return *this;
}

Statement &Statement::bind(int index, const QByteArray &blob)
{
    // A null QByteArray has no data pointer; bind an empty blob rather than NULL.
    noteBind(sqlite3_bind_blob64(m_stmt, index, blob.isNull() ? "" : blob.constData(),
                                 static_cast<sqlite3_uint64>(blob.size()), SQLITE_TRANSIENT));
    return *this;
}

Statement &Statement::bind(int index, const QDate &date)
{
    return date.isValid() ? bind(index, date.toString(Qt::ISODate)) : bind(index, std::nullopt);
}

Statement &Statement::bind(int index, const QDateTime &time)
{
    return time.isValid() ? bind(index, std::int64_t{time.toMSecsSinceEpoch()})
                          : bind(index, std::nullopt);
}

void Statement::noteBind(int rc)
{
    if (rc != SQLITE_OK && m_bindError == SQLITE_OK) {
        m_bindError = rc;
    }
}

StoreResult<bool> Statement::step()
{
    if (m_bindError != SQLITE_OK) {
        // A failed bind (wrong index, a statement still running) would otherwise run the
        // statement with a NULL in that place.
        return unexpected(m_db->lastError("bind", m_bindError));
    }
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    return unexpected(m_db->lastError("step", rc));
}

StoreResult<void> Statement::run()
{
    for (;;) {
        auto row = step();
        if (!row) {
            return unexpected(row.error());
        }
        if (!*row) {
            // Ready to be bound and run again (sqlite3_reset keeps the bindings).
            sqlite3_reset(m_stmt);
            return {};
        }
    }
}

void Statement::reset()
{
    sqlite3_reset(m_stmt);
    m_bindError = 0;
}

bool Statement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

double Statement::real(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

QString Statement::text(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    const int size = sqlite3_column_bytes(m_stmt, column);
    return data ? QString::fromUtf8(data, size) : QString();
}

QByteArray Statement::blob(int column) const
{
    const auto *data = static_cast<const char *>(sqlite3_column_blob(m_stmt, column));
    const int size = sqlite3_column_bytes(m_stmt, column);
    return data ? QByteArray(data, size) : QByteArray();
}

QDate Statement::date(int column) const
{
    return isNull(column) ? QDate() : QDate::fromString(text(column), Qt::ISODate);
}

QDateTime Statement::dateTime(int column) const
{
    return isNull(column) ? QDateTime() : QDateTime::fromMSecsSinceEpoch(int64(column), Qt::UTC);
}

int Statement::changes() const
{
    return sqlite3_changes(m_db->handle());
}

// ---- Transaction -----------------------------------------------------------------------

Transaction::Transaction(Transaction &&other) noexcept
    : m_db(other.m_db)
    , m_depth(other.m_depth)
    , m_done(std::exchange(other.m_done, true))
{
}

Transaction::~Transaction()
{
    if (!m_done) {
        rollback();
    }
}

StoreResult<void> Transaction::commit()
{
    if (m_done) {
        return storeError(StoreError::Kind::Internal, QStringLiteral("transaction already ended"));
    }
    if (auto ok = m_db->runCached(m_depth == 0 ? std::string_view("COMMIT")
                                               : savepointSql("RELEASE sp", m_depth));
        !ok) {
        StoreError error = ok.error();
        rollback();
        return unexpected(std::move(error));
    }
    m_done = true;
    m_db->m_transactionDepth = m_depth;
    if (m_depth == 0 && m_db->m_afterCommit) {
        m_db->m_afterCommit();
    }
    return {};
}

void Transaction::rollback()
{
    if (m_done) {
        return;
    }
    m_done = true;
    if (m_depth == 0) {
        // After a failed COMMIT SQLite may already have rolled back; ignore "no transaction".
        sqlite3_exec(m_db->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    } else {
        const std::string name = "sp" + std::to_string(m_depth);
        const std::string sql = "ROLLBACK TO " + name + "; RELEASE " + name;
        sqlite3_exec(m_db->handle(), sql.c_str(), nullptr, nullptr, nullptr);
    }
    m_db->m_transactionDepth = m_depth;
}

// ---- Database --------------------------------------------------------------------------

StoreResult<std::unique_ptr<Database>> Database::connect(const QString &path,
                                                         const DatabaseKey &key, PageLayout layout,
                                                         bool create, bool existed)
{
    using Kind = StoreError::Kind;
    sqlite3 *raw = nullptr;
    const int flags =
        SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &raw, flags, nullptr);
    std::unique_ptr<Database> db(new Database(raw, path));
    if (rc != SQLITE_OK) {
        return unexpected(db->lastError("open", rc));
    }
    sqlite3_extended_result_codes(raw, 1);
    // Until page 1 has decrypted, closing must not checkpoint: a connection with a wrong key
    // would otherwise fold a hot WAL into the main file and delete the WAL.
    sqlite3_db_config(raw, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    if (applyRawKey(raw, key) != SQLITE_OK) {
        return storeError(Kind::Internal, QStringLiteral("this SQLite build cannot take a key"));
    }
#ifdef SQLITE_HAS_CODEC
    // SQLCipher logs every failed page HMAC (a wrong key) to stderr; the typed error already
    // says it. The level is process-wide and only sticks once keying has activated SQLCipher.
    sqlite3_exec(raw, "PRAGMA cipher_log_level = NONE", nullptr, nullptr, nullptr);
    // cipher_memory_security stays off: SQLCipher 4.6.1 implements it as mlock() on every
    // sqlite3_malloc and memset + munlock() on every free, about 350 of each per durable save
    // here, and Debian's build has SQLITE_OMIT_LOOKASIDE, so lookaside cannot absorb them
    // (SQLITE_CONFIG_PAGECACHE removed under 1%). Measured: 3.0-3.2 ms CPU per save against
    // 0.6 ms without it (bench-store, #10).
#endif
    // Before the first read: how this file's pages are sized and authenticated.
    rc = sqlite3_exec(raw, layoutPragmas(layout), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        return unexpected(db->lastError("page layout", rc));
    }
    // The first read decrypts page 1: a wrong key fails here, before anything is written.
    rc = sqlite3_exec(raw, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    if ((rc & 0xFF) == SQLITE_NOTADB) {
        // SQLCipher cannot tell a wrong key from a damaged first page: both fail the page HMAC.
        // The plaintext-header and size checks in open() catch the other causes.
        return storeError(existed ? Kind::WrongKey : Kind::Corrupt,
                          existed ? QStringLiteral("the key does not open this database")
                                  : QStringLiteral("file is not a database"),
                          rc);
    }
    if (rc != SQLITE_OK) {
        return unexpected(db->lastError("first read", rc));
    }
    sqlite3_db_config(raw, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);
    return db;
}

StoreResult<std::unique_ptr<Database>> Database::open(const QString &path, const DatabaseKey &key,
                                                      std::span<const MigrationStep> schema,
                                                      const Options &options)
{
    auto db = openUnmigrated(path, key, options);
    if (!db) {
        return db;
    }
    const int target = options.targetVersion < 0 ? (schema.empty() ? 0 : schema.back().version)
                                                 : options.targetVersion;
    if (auto ok = (*db)->migrate(schema, target); !ok) {
        return unexpected(ok.error());
    }
    return db;
}

StoreResult<std::unique_ptr<Database>> Database::openModules(const QString &path,
                                                             const DatabaseKey &key,
                                                             std::span<const SchemaModule> modules,
                                                             const Options &options)
{
    if (options.targetVersion >= 0) {
        return storeError(StoreError::Kind::InvalidArgument,
                          QStringLiteral("schema modules migrate to their last step"));
    }
    if (auto valid = validateModules(modules); !valid) {
        return unexpected(valid.error());
    }
    auto db = openUnmigrated(path, key, options);
    if (!db) {
        return db;
    }
    (*db)->m_modular = true;
    if (auto ok = (*db)->migrateModules(modules); !ok) {
        return unexpected(ok.error());
    }
    return db;
}

StoreResult<void> Database::addModules(std::span<const SchemaModule> modules)
{
    if (!m_modular) {
        return storeError(StoreError::Kind::InvalidArgument,
                          QStringLiteral("schema modules need a store opened with them"));
    }
    if (auto valid = validateModules(modules); !valid) {
        return valid;
    }
    return migrateModules(modules);
}

StoreResult<std::unique_ptr<Database>>
Database::openUnmigrated(const QString &path, const DatabaseKey &key, const Options &options)
{
    using Kind = StoreError::Kind;
    const QFileInfo info(path);
    const bool existed = info.exists() && info.size() > 0;
    if (!info.exists() && !options.create) {
        return storeError(Kind::Io, QStringLiteral("database file does not exist"));
    }
    if (existed) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            return storeError(Kind::Io,
                              QStringLiteral("cannot read database file: ") + file.errorString());
        }
        const QByteArray head = file.read(16);
        if (head == plaintextSqliteHeader) {
            return storeError(Kind::Corrupt,
                              QStringLiteral("file is a plaintext SQLite database, not SQLCipher"));
        }
        if (info.size() < 512) {
            return storeError(Kind::Corrupt, QStringLiteral("file is too short to be a database"));
        }
    }

    auto connected = connect(path, key, options.layout, options.create, existed);
#ifdef SQLITE_HAS_CODEC
    if (!connected && connected.error().kind == Kind::WrongKey
        && options.layout == PageLayout::Current) {
        // Either a wrong key or a store made in SQLCipher 4's default layout: the page HMACs
        // tell them apart. A wrong key fails here too and nothing has been written.
        auto old = connect(path, key, PageLayout::SqlCipher4Defaults, false, existed);
        if (!old) {
            return unexpected(connected.error());
        }
        if (auto ok = migrateLayout(std::move(*old), key); !ok) {
            return unexpected(ok.error());
        }
        connected = connect(path, key, PageLayout::Current, false, existed);
    }
#endif
    if (!connected) {
        return unexpected(connected.error());
    }
    std::unique_ptr<Database> db = std::move(*connected);
    sqlite3_busy_timeout(db->m_db, options.busyTimeoutMs);

    const char *pragmas = options.fullSync ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                             "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                                           : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                             "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;";
    if (auto ok = db->execLiteral(pragmas); !ok) {
        return unexpected(ok.error());
    }
    return db;
}

StoreResult<void> Database::migrateLayout(std::unique_ptr<Database> old, const DatabaseKey &key)
{
    using Kind = StoreError::Kind;
    const QString path = old->path();
    const QString next = path + QStringLiteral(".relayout");
    // Everything into the main file first, so that the WAL holds nothing the rename could
    // strand, and so that nobody else is reading (busy = 1 otherwise).
    {
        auto checkpoint = old->prepare("PRAGMA wal_checkpoint(TRUNCATE)");
        if (!checkpoint) {
            return unexpected(checkpoint.error());
        }
        auto row = checkpoint->step();
        if (!row) {
            return unexpected(row.error());
        }
        if (!*row || checkpoint->int64(0) != 0) {
            return storeError(Kind::Busy,
                              QStringLiteral("another connection holds the store; the page "
                                             "layout migration waits for the next open"));
        }
    }
    // A copy left by a migration that was killed is incomplete or unverified: start over.
    const QStringList staleFiles{next, next + QStringLiteral("-journal"),
                                 next + QStringLiteral("-wal"), next + QStringLiteral("-shm")};
    for (const QString &stale : staleFiles) {
        if (QFileInfo::exists(stale) && !QFile::remove(stale)) {
            return storeError(Kind::Io, QStringLiteral("cannot remove a stale migration file"));
        }
    }
    {
        // The store's connection may not create files (Options::create); the copy starts empty.
        QFile empty(next);
        if (!empty.open(QIODevice::WriteOnly)) {
            return storeError(Kind::Io, QStringLiteral("cannot create the migration copy"));
        }
    }
    {
        sqlite3_stmt *attach = nullptr;
        int rc = sqlite3_prepare_v2(old->m_db, "ATTACH DATABASE ? AS relayout KEY ?", -1, &attach,
                                    nullptr);
        if (rc != SQLITE_OK) {
            return unexpected(old->lastError("attach", rc));
        }
        const QByteArray file = QFile::encodeName(next);
        QByteArray spec = "x'" + key.toHex() + "'";
        sqlite3_bind_text(attach, 1, file.constData(), static_cast<int>(file.size()),
                          SQLITE_STATIC);
        sqlite3_bind_blob(attach, 2, spec.constData(), static_cast<int>(spec.size()),
                          SQLITE_STATIC);
        rc = sqlite3_step(attach);
        sqlite3_finalize(attach);
        secureWipe(spec);
        if (rc != SQLITE_DONE) {
            return unexpected(old->lastError("attach", rc));
        }
    }
    auto exported = [&]() -> StoreResult<void> {
        if (auto ok = old->execLiteral(relayoutPragmas); !ok) {
            return ok;
        }
        // Schema, rows and triggers, page by page through the new layout; one transaction,
        // synced when it commits. sqlcipher_export copies no header fields: user_version (the
        // schema version) is set here, an integer read from the store, never data.
        if (auto ok = old->execLiteral("SELECT sqlcipher_export('relayout')"); !ok) {
            return ok;
        }
        const int version = old->schemaVersion();
        const std::string setVersion = "PRAGMA relayout.user_version = " + std::to_string(version);
        if (auto ok = old->execLiteral(setVersion.c_str()); !ok) {
            return ok;
        }
        auto copied = old->prepare("PRAGMA relayout.user_version");
        if (!copied) {
            return unexpected(copied.error());
        }
        auto row = copied->step();
        if (!row) {
            return unexpected(row.error());
        }
        if (!*row || copied->int32(0) != version) {
            return storeError(Kind::Internal,
                              QStringLiteral("the page layout copy lost the schema version"));
        }
        return {};
    }();
    sqlite3_exec(old->m_db, "DETACH DATABASE relayout", nullptr, nullptr, nullptr);
    if (!exported) {
        return unexpected(exported.error());
    }
    {
        // The copy must open in the new layout, whole, before it replaces anything.
        auto copy = connect(next, key, PageLayout::Current, false, true);
        if (!copy) {
            return unexpected(copy.error());
        }
        if (auto ok = (*copy)->checkIntegrity(); !ok) {
            return ok;
        }
    }
    old.reset(); // closes; the WAL is empty, so nothing is folded in after the copy
    const QStringList sideFiles{path + QStringLiteral("-wal"), path + QStringLiteral("-shm")};
    for (const QString &side : sideFiles) {
        if (QFileInfo::exists(side) && !QFile::remove(side)) {
            return storeError(Kind::Io, QStringLiteral("cannot remove the old WAL"));
        }
    }
    std::error_code error;
    std::filesystem::rename(QFile::encodeName(next).toStdString(),
                            QFile::encodeName(path).toStdString(), error);
    if (error) {
        return storeError(Kind::Io, QStringLiteral("cannot replace the store with its copy in the "
                                                   "new page layout"));
    }
    syncDirectory(QFileInfo(path).absolutePath());
    qCInfo(lcStore) << "store rewritten in the current page layout";
    return {};
}

Database::~Database()
{
    for (auto &[sql, cached] : m_cache) {
        sqlite3_finalize(cached.stmt);
    }
    sqlite3_close_v2(m_db);
}

StoreError Database::lastError(const char *what, int code) const
{
    const char *message = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(code);
    // SQLite's messages name tables and constraints, never bound values, so they carry no PHI.
    return StoreError{kindFor(code, message),
                      QString::fromLatin1(what) + QStringLiteral(": ") + QString::fromUtf8(message),
                      code};
}

StoreResult<void> Database::runCached(std::string_view sql)
{
    // Transactions begin and end around every write: through the statement cache they are
    // compiled once, not on each call as sqlite3_exec would.
    auto stmt = prepare(sql);
    if (!stmt) {
        return unexpected(stmt.error());
    }
    return stmt->run();
}

StoreResult<Statement> Database::prepare(std::string_view sql)
{
    auto it = m_cache.find(sql);
    if (it != m_cache.end() && !it->second.inUse) {
        it->second.inUse = true;
        return Statement(*this, it->second.stmt, &it->second.inUse);
    }
    sqlite3_stmt *stmt = nullptr;
    const bool cache = it == m_cache.end();
    const int rc = sqlite3_prepare_v3(m_db, sql.data(), static_cast<int>(sql.size()),
                                      cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
    if (rc != SQLITE_OK) {
        return unexpected(lastError("prepare", rc));
    }
    if (!cache) {
        return Statement(*this, stmt, nullptr); // the cached copy is busy: a one-off
    }
    auto inserted = m_cache.emplace(std::string(sql), CachedStatement{stmt, true}).first;
    return Statement(*this, stmt, &inserted->second.inUse);
}

void Database::release(sqlite3_stmt *stmt, bool *inUse)
{
    if (!inUse) {
        sqlite3_finalize(stmt);
        return;
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    *inUse = false;
}

StoreResult<void> Database::execLiteral(const char *sql)
{
    const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        return unexpected(lastError("exec", rc));
    }
    return {};
}

StoreResult<Transaction> Database::begin()
{
    const int depth = m_transactionDepth;
    if (auto ok = runCached(depth == 0 ? std::string_view("BEGIN IMMEDIATE")
                                       : savepointSql("SAVEPOINT sp", depth));
        !ok) {
        return unexpected(ok.error());
    }
    m_transactionDepth = depth + 1;
    return Transaction(*this, depth);
}

int Database::schemaVersion()
{
    auto stmt = prepare("PRAGMA user_version");
    if (!stmt || !stmt->step().valueOr(false)) {
        return -1;
    }
    return stmt->int32(0);
}

StoreResult<void> Database::migrate(std::span<const MigrationStep> schema, int targetVersion)
{
    const int current = schemaVersion();
    const int newest = schema.empty() ? 0 : schema.back().version;
    if (current > newest) {
        return storeError(StoreError::Kind::TooNew,
                          QStringLiteral("database schema version %1 is newer than this "
                                         "program understands (%2)")
                              .arg(current)
                              .arg(newest));
    }
    for (const MigrationStep &step : schema) {
        if (step.version <= current || step.version > targetVersion) {
            continue;
        }
        auto tx = begin();
        if (!tx) {
            return unexpected(tx.error());
        }
        if (auto ok = execLiteral(step.sql); !ok) {
            return unexpected(ok.error());
        }
        // PRAGMA takes no bound parameters; the version is an integer from the step table.
        const std::string setVersion = "PRAGMA user_version = " + std::to_string(step.version);
        if (auto ok = execLiteral(setVersion.c_str()); !ok) {
            return unexpected(ok.error());
        }
        if (auto ok = tx->commit(); !ok) {
            return unexpected(ok.error());
        }
        qCDebug(lcStore) << "migrated schema to version" << step.version;
    }
    return {};
}

int Database::moduleVersion(std::string_view name)
{
    auto stmt = prepare("SELECT version FROM schema_modules WHERE name = ?");
    if (!stmt) {
        return -1;
    }
    stmt->bind(1, nameOf(name));
    auto row = stmt->step();
    if (!row) {
        return -1;
    }
    return *row ? stmt->int32(0) : 0;
}

StoreResult<void> Database::migrateModules(std::span<const SchemaModule> modules)
{
    using Kind = StoreError::Kind;
    const int layout = schemaVersion();
    if (layout < 0) {
        return storeError(Kind::Internal, QStringLiteral("cannot read the schema version"));
    }
    if (layout > modularLayoutVersion) {
        return storeError(Kind::TooNew, QStringLiteral("database layout version %1 is newer than "
                                                       "this program understands (%2)")
                                            .arg(layout)
                                            .arg(modularLayoutVersion));
    }
    // Everything is read and checked before the first write, so a refused file is untouched.
    std::map<QString, int> recorded;
    int monolithic = layout == modularLayoutVersion ? 0 : layout;
    if (layout == modularLayoutVersion) {
        auto rows = prepare("SELECT name, version FROM schema_modules");
        if (!rows) {
            return unexpected(rows.error());
        }
        for (;;) {
            auto row = rows->step();
            if (!row) {
                return unexpected(row.error());
            }
            if (!*row) {
                break;
            }
            if (rows->text(0) == monolithicMarker) {
                monolithic = rows->int32(1);
            } else {
                recorded[rows->text(0)] = rows->int32(1);
            }
        }
    }
    for (const SchemaModule &module : modules) {
        const int newest = module.steps.empty() ? 0 : module.steps.back().version;
        const auto it = recorded.find(nameOf(module.name));
        if (it != recorded.end() && it->second > newest) {
            return storeError(Kind::TooNew, QStringLiteral("schema module %1 version %2 is newer "
                                                           "than this program understands (%3)")
                                                .arg(nameOf(module.name))
                                                .arg(it->second)
                                                .arg(newest));
        }
    }

    auto record = [this](const QString &name, int version) -> StoreResult<void> {
        auto upsert = prepare("INSERT INTO schema_modules (name, version) VALUES (?, ?) "
                              "ON CONFLICT(name) DO UPDATE SET version = excluded.version");
        if (!upsert) {
            return unexpected(upsert.error());
        }
        upsert->bind(1, name).bind(2, version);
        return upsert->run();
    };
    auto commitStep = [this](const std::function<StoreResult<void>()> &work) -> StoreResult<void> {
        auto tx = begin();
        if (!tx) {
            return unexpected(tx.error());
        }
        if (auto ok = work(); !ok) {
            return ok;
        }
        return tx->commit();
    };

    if (layout != modularLayoutVersion) {
        // One transaction: the file is either as the older code left it or fully converted.
        auto converted = commitStep([&]() -> StoreResult<void> {
            if (auto ok = execLiteral("CREATE TABLE schema_modules (\n"
                                      "    name TEXT PRIMARY KEY NOT NULL,\n"
                                      "    version INTEGER NOT NULL\n"
                                      ") WITHOUT ROWID");
                !ok) {
                return ok;
            }
            if (monolithic > 0) {
                if (auto ok = record(monolithicMarker.toString(), monolithic); !ok) {
                    return ok;
                }
            }
            // PRAGMA takes no bound parameters; the version is a constant of this code.
            const std::string setLayout =
                "PRAGMA user_version = " + std::to_string(modularLayoutVersion);
            return execLiteral(setLayout.c_str());
        });
        if (!converted) {
            return converted;
        }
        if (monolithic > 0) {
            qCInfo(lcStore) << "store of schema version" << monolithic
                            << "now keeps its versions per schema module";
        }
    }

    for (const SchemaModule &module : modules) {
        const QString name = nameOf(module.name);
        const auto it = recorded.find(name);
        const bool known = it != recorded.end();
        const int current = known ? it->second : adoptedVersion(module, monolithic);
        const int newest = module.steps.empty() ? 0 : module.steps.back().version;
        if (!known && current == newest) {
            if (auto ok = commitStep([&] { return record(name, current); }); !ok) {
                return ok;
            }
        }
        for (const MigrationStep &step : module.steps) {
            if (step.version <= current) {
                continue;
            }
            auto migrated = commitStep([&]() -> StoreResult<void> {
                if (auto ok = execLiteral(step.sql); !ok) {
                    return ok;
                }
                return record(name, step.version);
            });
            if (!migrated) {
                return migrated;
            }
            qCDebug(lcStore) << "migrated schema module" << name << "to version" << step.version;
        }
    }
    return {};
}

StoreResult<void> Database::checkIntegrity()
{
    static constexpr const char *pragmas[] = {
        "PRAGMA integrity_check",
#ifdef SQLITE_HAS_CODEC
        "PRAGMA cipher_integrity_check",
#endif
    };
    for (const char *pragma : pragmas) {
        auto stmt = prepare(pragma);
        if (!stmt) {
            return unexpected(stmt.error());
        }
        const bool cipher = std::string_view(pragma).find("cipher") != std::string_view::npos;
        for (;;) {
            auto row = stmt->step();
            if (!row) {
                return unexpected(row.error());
            }
            if (!*row) {
                break;
            }
            const QString result = stmt->text(0);
            // integrity_check answers "ok"; cipher_integrity_check answers nothing when clean.
            if (!cipher && result == QLatin1String("ok")) {
                continue;
            }
            return storeError(StoreError::Kind::Corrupt,
                              QString::fromLatin1(pragma) + QStringLiteral(": ") + result);
        }
    }
    return {};
}

StoreResult<void> Database::checkpoint()
{
    return execLiteral("PRAGMA wal_checkpoint(TRUNCATE)");
}

} // namespace sb
