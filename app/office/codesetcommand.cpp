// SPDX-License-Identifier: Apache-2.0
// `sessionbook-office codeset`: import CMS ICD-10-CM releases into the office store, list
// them, search them and check a code for a date of service.
#include "audit/auditlog.h"
#include "codesets/codeformats.h"
#include "codesets/icd10index.h"
#include "codesets/icd10repository.h"
#include "commands.h"
#include "keyoption.h"
#include "store/store.h"
#include "util/clock.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTextStream>

#include <memory>

namespace sb::office {

namespace {

/// Exit codes: 0 done, 1 failed, 2 usage, 3 wrong key, 4 a code refused by `check`.
constexpr int exitRefused = 4;

struct Opened {
    std::unique_ptr<Store> store;
    int exitCode = 0;
};

Opened openStore(const QCommandLineParser &parser, const Clock &clock)
{
    Opened opened;
    opened.store = openOfficeStore(parser, clock, OpenMode::ExistingOnly, opened.exitCode);
    return opened;
}

std::optional<QDate> dateOption(const QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("dos"))) {
        return std::nullopt;
    }
    return QDate::fromString(parser.value(QStringLiteral("dos")), Qt::ISODate);
}

int runImport(QCommandLineParser &parser, const QStringList &arguments)
{
    parser.setApplicationDescription(QStringLiteral(
        "Imports an ICD-10-CM release from CMS: the zip as published, or its extracted "
        "icd10cm_order_YYYY.txt or icd10cm_codes_YYYY.txt. The fiscal year comes from the file "
        "name unless --fiscal-year is given. A malformed file imports nothing; a release for a "
        "year already imported is replaced. The import is audited."));
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("The CMS file."));
    parser.addOption({QStringLiteral("fiscal-year"),
                      QStringLiteral("The fiscal year (1 October of the year before to 30 "
                                     "September), when the file name does not say."),
                      QStringLiteral("year")});
    parser.process(arguments);
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (parser.positionalArguments().size() != 1) {
        err << "error: give exactly one file to import\n";
        return exitUsage;
    }
    std::optional<int> year;
    if (parser.isSet(QStringLiteral("fiscal-year"))) {
        bool ok = false;
        year = parser.value(QStringLiteral("fiscal-year")).toInt(&ok);
        if (!ok) {
            err << "error: --fiscal-year takes a year such as 2026\n";
            return exitUsage;
        }
    }
    SystemClock clock;
    auto opened = openStore(parser, clock);
    if (!opened.store) {
        return opened.exitCode;
    }
    Icd10Repository repository(*opened.store);
    QElapsedTimer timer;
    timer.start();
    const auto summary = repository.importFile(Actor{}, parser.positionalArguments().front(), year);
    if (!summary) {
        err << "error: nothing imported: " << summary.error().message << '\n';
        return exitFailed;
    }
    const Icd10ReleaseInfo &release = summary->release;
    out << (summary->replaced ? "replaced" : "imported") << " ICD-10-CM FY" << release.fiscalYear
        << " (" << fiscalYearStart(release.fiscalYear).toString(Qt::ISODate) << " to "
        << fiscalYearEnd(release.fiscalYear).toString(Qt::ISODate) << ") from "
        << release.sourceName << ": " << release.billableCount << " billable codes, "
        << release.headerCount << " headers"
        << (release.headersDerived ? " (derived from code prefixes)" : "") << ", in "
        << timer.elapsed() << " ms\n";
    return 0;
}

int runList(QCommandLineParser &parser, const QStringList &arguments)
{
    parser.setApplicationDescription(QStringLiteral("Lists the imported ICD-10-CM releases."));
    parser.process(arguments);
    SystemClock clock;
    auto opened = openStore(parser, clock);
    if (!opened.store) {
        return opened.exitCode;
    }
    const auto releases = Icd10Repository(*opened.store).releases();
    if (!releases) {
        QTextStream(stderr) << "error: " << describeStoreError(releases.error()) << '\n';
        return exitFailed;
    }
    QTextStream out(stdout);
    if (releases->isEmpty()) {
        out << "no ICD-10-CM release imported; the built-in list of common behavioral-health "
               "codes is in use\n";
        return 0;
    }
    for (const Icd10ReleaseInfo &release : *releases) {
        out << "FY" << release.fiscalYear << "  "
            << fiscalYearStart(release.fiscalYear).toString(Qt::ISODate) << " to "
            << fiscalYearEnd(release.fiscalYear).toString(Qt::ISODate) << "  "
            << release.billableCount << " billable, " << release.headerCount << " headers"
            << (release.headersDerived ? " (derived)" : "") << "  " << release.sourceName
            << "  sha256 " << release.sha256.toHex().left(16) << "…  imported "
            << release.importedAt.toString(Qt::ISODate) << '\n';
    }
    return 0;
}

int runSearch(QCommandLineParser &parser, const QStringList &arguments)
{
    parser.setApplicationDescription(QStringLiteral(
        "Searches ICD-10-CM codes by code prefix (with or without the dot) or by words of the "
        "title. With --dos, only the release in force on that date of service."));
    parser.addPositionalArgument(QStringLiteral("text"), QStringLiteral("What to look for."));
    parser.addOption({QStringLiteral("dos"), QStringLiteral("Date of service, YYYY-MM-DD."),
                      QStringLiteral("date")});
    parser.addOption({QStringLiteral("limit"), QStringLiteral("Most results (default 20)."),
                      QStringLiteral("n"), QStringLiteral("20")});
    parser.process(arguments);
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QString text = parser.positionalArguments().join(u' ');
    if (text.trimmed().isEmpty()) {
        err << "error: give the text to search for\n";
        return exitUsage;
    }
    const auto dos = dateOption(parser);
    if (dos && !dos->isValid()) {
        err << "error: --dos takes a date as YYYY-MM-DD\n";
        return exitUsage;
    }
    Icd10SearchOptions options;
    options.limit = parser.value(QStringLiteral("limit")).toInt();
    if (dos) {
        options.fiscalYear = fiscalYearOf(*dos);
    }
    SystemClock clock;
    auto opened = openStore(parser, clock);
    if (!opened.store) {
        return opened.exitCode;
    }
    Icd10Repository repository(*opened.store);
    const auto index = Icd10Index::load(repository);
    if (!index) {
        err << "error: " << describeStoreError(index.error()) << '\n';
        return exitFailed;
    }
    if (index->isBuiltIn()) {
        err << "note: no release imported; searching the built-in list\n";
    } else if (options.fiscalYear && !index->fiscalYears().contains(*options.fiscalYear)) {
        err << "error: no ICD-10-CM release imported for FY" << *options.fiscalYear << '\n';
        return exitFailed;
    }
    const auto hits = index->search(text, options);
    for (const Icd10SearchHit &hit : hits) {
        out << icd10WithDot(hit.code).leftJustified(9)
            << (hit.billable ? "billable  " : "header    ") << hit.description << '\n';
    }
    if (hits.isEmpty()) {
        err << "no match\n";
    }
    return 0;
}

int runCheck(QCommandLineParser &parser, const QStringList &arguments)
{
    parser.setApplicationDescription(QStringLiteral(
        "Checks that an ICD-10-CM code may be billed for a date of service. Exit code 0 when "
        "it may, 4 when it is refused (the reason is printed)."));
    parser.addPositionalArgument(QStringLiteral("code"), QStringLiteral("The code."));
    parser.addOption({QStringLiteral("dos"), QStringLiteral("Date of service, YYYY-MM-DD."),
                      QStringLiteral("date")});
    parser.process(arguments);
    QTextStream out(stdout);
    QTextStream err(stderr);
    const auto dos = dateOption(parser);
    if (parser.positionalArguments().size() != 1 || !dos || !dos->isValid()) {
        err << "error: give one code and --dos YYYY-MM-DD\n";
        return exitUsage;
    }
    SystemClock clock;
    auto opened = openStore(parser, clock);
    if (!opened.store) {
        return opened.exitCode;
    }
    const auto result =
        Icd10Repository(*opened.store).check(parser.positionalArguments().front(), *dos);
    if (!result) {
        err << "error: " << describeStoreError(result.error()) << '\n';
        return exitFailed;
    }
    if (!*result) {
        out << "refused (" << toName(result->error().kind) << "): " << result->error().message
            << '\n';
        return exitRefused;
    }
    const Icd10Accepted &accepted = result->value();
    out << icd10WithDot(accepted.code) << " is billable on " << dos->toString(Qt::ISODate) << " (FY"
        << accepted.fiscalYear << (accepted.builtIn ? ", built-in list" : "")
        << "): " << accepted.description << '\n';
    return 0;
}

} // namespace

int runCodeset(const QStringList &arguments)
{
    QTextStream err(stderr);
    const QString program = arguments.value(0);
    const QString action = arguments.value(1);
    QStringList rest = arguments.mid(2);
    rest.prepend(program + u' ' + action);
    QCommandLineParser parser;
    parser.addHelpOption();
    addStoreOptions(parser);
    if (action == u"import") {
        return runImport(parser, rest);
    }
    if (action == u"list") {
        return runList(parser, rest);
    }
    if (action == u"search") {
        return runSearch(parser, rest);
    }
    if (action == u"check") {
        return runCheck(parser, rest);
    }
    err << "usage: " << program
        << " <import FILE | list | search TEXT [--dos DATE] | check CODE --dos DATE>"
           " --database PATH [--key-file FILE]\n";
    return action == u"--help" || action == u"-h" ? 0 : exitUsage;
}

} // namespace sb::office
