// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "store/databasekey.h"

#include <QCommandLineParser>
#include <QString>

#include <optional>

namespace sb::office {

/// Adds --database and --key-file to a parser.
void addStoreOptions(QCommandLineParser &parser);

/**
 * The office store key: from --key-file (64 hex digits) or the SESSIONBOOK_OFFICE_KEY
 * environment variable; never a literal on the command line, where `ps` would show it.
 * On failure returns nullopt and sets `error`.
 */
std::optional<DatabaseKey> loadStoreKey(const QCommandLineParser &parser, QString &error);

} // namespace sb::office
