// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "store/databasekey.h"
#include "store/storeerror.h"

#include <QCommandLineParser>
#include <QString>

#include <memory>
#include <optional>

namespace sb {
class Clock;
class Store;
} // namespace sb

namespace sb::office {

/// Exit codes every office command uses.
inline constexpr int exitFailed = 1;
inline constexpr int exitUsage = 2;
inline constexpr int exitWrongKey = 3;

/**
 * Moves the store key out of the SESSIONBOOK_OFFICE_KEY environment variable: kept for
 * loadStoreKey(), overwritten where /proc/PID/environ shows it, and unset, so that no child
 * process (openssl for `serve --dev-cert`, ...) inherits it. main() calls it first thing.
 */
void takeKeyFromEnvironment();

/**
 * No core file and no ptrace attach by other processes of the same user: office commands
 * hold the store key and decrypted PHI in memory. False when the system refused.
 */
bool forbidCoreDumps();

/// Adds --database and --key-file to a parser.
void addStoreOptions(QCommandLineParser &parser);

/**
 * The office store key: from --key-file (64 hex digits; refused when group or others may
 * read or change the file) or the SESSIONBOOK_OFFICE_KEY environment variable as
 * takeKeyFromEnvironment() found it; never a literal on the command line, where `ps` would
 * show it.
 * On failure returns nullopt and sets `error`.
 */
std::optional<DatabaseKey> loadStoreKey(const QCommandLineParser &parser, QString &error);

/// What openOfficeStore() may do about a file that does not exist yet.
enum class OpenMode {
    ExistingOnly,    ///< The store must exist.
    CreateOnly,      ///< The store must not exist; it is created.
    CreateIfMissing, ///< Opened when it exists, created with the key otherwise.
};

/// Plain words for a store error on the command line (never PHI).
QString describeStoreError(const StoreError &error);

/**
 * Opens the store named by --database with the key from --key-file or the environment. On
 * failure it prints why on stderr, sets `exitCode` (exitUsage, exitWrongKey or exitFailed)
 * and returns null. The one place office commands open their store.
 */
std::unique_ptr<Store> openOfficeStore(const QCommandLineParser &parser, const Clock &clock,
                                       OpenMode mode, int &exitCode);

} // namespace sb::office
