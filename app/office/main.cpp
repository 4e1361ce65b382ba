// SPDX-License-Identifier: Apache-2.0
// sessionbook-office: the back office's command line. The composition root: it only picks
// the subcommand and hands it the arguments.
#include "commands.h"
#include "keyoption.h"

#include <QCoreApplication>
#include <QTextStream>

namespace {

void printUsage(QTextStream &out)
{
    out << "usage: sessionbook-office <command> [options]\n\ncommands:\n";
    for (const auto &command : sb::office::officeCommands()) {
        out << "  " << QString::fromLatin1(command.name).leftJustified(12) << ' ' << command.summary
            << '\n';
    }
    out << "\n'sessionbook-office <command> --help' describes a command's options.\n";
}

} // namespace

int main(int argc, char *argv[])
{
    // Before anything can start a child process or hold the key.
    sb::office::takeKeyFromEnvironment();
    if (!sb::office::forbidCoreDumps()) {
        QTextStream(stderr) << "sessionbook-office: cannot turn core dumps off\n";
        return 1;
    }
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sessionbook-office"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SESSIONBOOK_VERSION));

    const QStringList args = QCoreApplication::arguments();
    QTextStream err(stderr);
    if (args.size() < 2 || args[1] == u"--help" || args[1] == u"-h" || args[1] == u"help") {
        QTextStream out(stdout);
        printUsage(args.size() < 2 ? err : out);
        return args.size() < 2 ? 2 : 0;
    }
    if (args[1] == u"--version") {
        QTextStream(stdout) << "sessionbook-office " << SESSIONBOOK_VERSION << '\n';
        return 0;
    }
    for (const auto &command : sb::office::officeCommands()) {
        if (args[1] == QLatin1String(command.name)) {
            QStringList rest = args.mid(2);
            rest.prepend(args[0] + u' ' + args[1]);
            return command.run(rest);
        }
    }
    err << "sessionbook-office: unknown command '" << args[1] << "'\n\n";
    printUsage(err);
    return 2;
}
