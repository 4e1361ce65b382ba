// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

#include <span>

namespace sb::office {

/// One `sessionbook-office <name> ...` subcommand. `run` gets the arguments after the name
/// (with the program name first, as QCommandLineParser expects) and returns the exit code.
struct OfficeCommand {
    const char *name;
    const char *summary;
    int (*run)(const QStringList &arguments);
};

std::span<const OfficeCommand> officeCommands();

// Commands implemented in storecommands.cpp.
int runKeygen(const QStringList &arguments);
int runInit(const QStringList &arguments);
int runDemoSeed(const QStringList &arguments);
int runShow(const QStringList &arguments);
int runVerify(const QStringList &arguments);

// Implemented in codecommand.cpp.
int runCode(const QStringList &arguments);

// Implemented in scrubcommand.cpp.
int runScrub(const QStringList &arguments);

// Implemented in codesetcommand.cpp.
int runCodeset(const QStringList &arguments);

// Implemented in servecommand.cpp and admincommands.cpp.
int runServe(const QStringList &arguments);
int runOrg(const QStringList &arguments);
int runUser(const QStringList &arguments);
int runDevice(const QStringList &arguments);
int runTask(const QStringList &arguments);

} // namespace sb::office
