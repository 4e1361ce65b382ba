// SPDX-License-Identifier: Apache-2.0
#include "keyoption.h"

#include "server/officeschema.h"
#include "store/store.h"

#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <cstdlib>
#include <cstring>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <utility>

namespace sb::office {

namespace {

constexpr const char *keyVariable = "SESSIONBOOK_OFFICE_KEY";

/// The key taken from the environment at startup, until loadStoreKey() takes it.
QByteArray &environmentKey()
{
    static QByteArray key;
    return key;
}

} // namespace

bool forbidCoreDumps()
{
    const rlimit none{0, 0};
    return ::setrlimit(RLIMIT_CORE, &none) == 0 && ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
}

void takeKeyFromEnvironment()
{
    if (char *value = std::getenv(keyVariable)) {
        environmentKey() = QByteArray(value);
        // The variable's bytes are in the memory /proc/PID/environ shows; overwrite them
        // there before the variable leaves the environment children inherit.
        volatile char *p = value;
        for (std::size_t i = 0, n = std::strlen(value); i < n; ++i) {
            p[i] = 0;
        }
    }
    ::unsetenv(keyVariable);
}

void addStoreOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("database"),
                      QStringLiteral("The office store (an encrypted SQLCipher file)."),
                      QStringLiteral("path")});
    parser.addOption({QStringLiteral("key-file"),
                      QStringLiteral("File holding the store key as 64 hex digits. Default: the "
                                     "SESSIONBOOK_OFFICE_KEY environment variable."),
                      QStringLiteral("file")});
}

std::optional<DatabaseKey> loadStoreKey(const QCommandLineParser &parser, QString &error)
{
    QByteArray hex;
    if (parser.isSet(QStringLiteral("key-file"))) {
        const QString path = parser.value(QStringLiteral("key-file"));
        // Unbuffered: no copy of the key is left in QIODevice's buffer.
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
            error = QStringLiteral("cannot read the key file: ") + file.errorString();
            return std::nullopt;
        }
        struct stat info {};
        if (::fstat(file.handle(), &info) != 0) {
            error = QStringLiteral("cannot read the key file: ") + path;
            return std::nullopt;
        }
        if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
            error = QStringLiteral("the key file %1 can be read or changed by other users (mode "
                                   "%2); make it readable by its owner only: chmod 600 %1")
                        .arg(path)
                        .arg(info.st_mode & 0777, 4, 8, QLatin1Char('0'));
            return std::nullopt;
        }
        hex = file.read(256);
    } else {
        // takeKeyFromEnvironment() moved it out of the environment at startup.
        hex = std::exchange(environmentKey(), QByteArray());
        if (hex.isEmpty()) {
            error = QStringLiteral("no store key: pass --key-file or set SESSIONBOOK_OFFICE_KEY");
            return std::nullopt;
        }
    }
    auto key = DatabaseKey::fromHex(hex);
    secureWipe(hex);
    if (!key) {
        error = QStringLiteral("the store key must be 64 hex digits (see 'sessionbook-office "
                               "keygen')");
    }
    return key;
}

QString describeStoreError(const StoreError &error)
{
    switch (error.kind) {
    case StoreError::Kind::WrongKey:
        return QStringLiteral("the key does not open this store (wrong key file?)");
    case StoreError::Kind::TooNew:
        return QStringLiteral("this store was written by a newer Sessionbook: ") + error.message;
    default:
        return error.kindName() + QStringLiteral(": ") + error.message;
    }
}

std::unique_ptr<Store> openOfficeStore(const QCommandLineParser &parser, const Clock &clock,
                                       OpenMode mode, int &exitCode)
{
    QTextStream err(stderr);
    const QString path = parser.value(QStringLiteral("database"));
    if (path.isEmpty()) {
        err << "error: --database is required\n";
        exitCode = exitUsage;
        return nullptr;
    }
    const bool exists = QFileInfo::exists(path);
    if (mode == OpenMode::ExistingOnly && !exists) {
        err << "error: no store at " << path << " (create one with 'sessionbook-office init')\n";
        exitCode = exitFailed;
        return nullptr;
    }
    if (mode == OpenMode::CreateOnly && exists) {
        err << "error: " << path << " already exists; refusing to touch it\n";
        exitCode = exitFailed;
        return nullptr;
    }
    QString keyError;
    auto key = loadStoreKey(parser, keyError);
    if (!key) {
        err << "error: " << keyError << '\n';
        exitCode = exitUsage;
        return nullptr;
    }
    Database::Options options;
    options.create = mode != OpenMode::ExistingOnly;
    auto store = Store::open(path, *key, clock, sync::officeSchema(), options);
    if (!store) {
        err << "error: " << describeStoreError(store.error()) << '\n';
        exitCode = store.error().kind == StoreError::Kind::WrongKey ? exitWrongKey : exitFailed;
        return nullptr;
    }
    exitCode = 0;
    return std::move(*store);
}

} // namespace sb::office
