// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs the real `sessionbook-office` binary for CLI tests (header-only: it uses Catch2's
// REQUIRE, which the support library itself does not link).

#include <QByteArray>
#include <QList>
#include <QProcess>
#include <QStringList>

#include <catch2/catch_test_macros.hpp>

namespace sb::test {

inline QString officeBinary()
{
    return QStringLiteral(SESSIONBOOK_BIN_DIR "/sessionbook-office");
}

struct OfficeRun {
    int exitCode = -1;
    QList<QByteArray> lines; ///< Non-empty stdout lines, in order.
    QByteArray stderrText;
};

/// `sessionbook-office <command> <extraArguments...>` with `input` on stdin.
inline OfficeRun runOffice(const QString &command, const QByteArray &input,
                           const QStringList &extraArguments = {})
{
    QProcess process;
    QStringList arguments{command};
    arguments += extraArguments;
    process.start(officeBinary(), arguments);
    REQUIRE(process.waitForStarted(10000));
    process.write(input);
    process.closeWriteChannel();
    REQUIRE(process.waitForFinished(30000));
    OfficeRun result;
    result.exitCode = process.exitCode();
    result.stderrText = process.readAllStandardError();
    for (const QByteArray &line : process.readAllStandardOutput().split('\n')) {
        if (!line.isEmpty()) {
            result.lines.append(line);
        }
    }
    return result;
}

} // namespace sb::test
