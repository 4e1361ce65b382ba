// SPDX-License-Identifier: Apache-2.0
// The real `sessionbook-office serve --dev-cert` scanned by testssl (Debian's testssl.sh): the
// protocols and cipher categories it offers and the TLS vulnerability checks (LUCKY13, BEAST,
// POODLE, SWEET32, renegotiation, CRIME, BREACH, ...). Any finding of severity LOW or worse
// fails the test; the scan's own findings are printed so a failure says what was found.
#include "catchqt.h"
#include "server_harness.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>

#include <catch2/catch_test_macros.hpp>

using sb::test::ServerHarness;

namespace {

bool isFinding(const QString &severity)
{
    // testssl's scale: OK and INFO are not findings; WARN and FATAL mean the scan itself
    // could not check something, which must not pass as clean either.
    static const QStringList bad{QStringLiteral("LOW"),  QStringLiteral("MEDIUM"),
                                 QStringLiteral("HIGH"), QStringLiteral("CRITICAL"),
                                 QStringLiteral("WARN"), QStringLiteral("FATAL")};
    return bad.contains(severity);
}

/// Notes testssl makes about its own machine, not about the server it scans. engine_problem:
/// the local openssl has no GOST engine (OpenSSL 3 builds dropped it), which only limits the
/// GOST cipher probes, and the server offers no GOST suites in any case.
bool isScannerNote(const QString &id)
{
    return id == QLatin1String("engine_problem");
}

} // namespace

TEST_CASE("testssl finds nothing of severity LOW or worse in the server's TLS")
{
    QString testssl = QStandardPaths::findExecutable(QStringLiteral("testssl"));
    if (testssl.isEmpty()) {
        testssl = QStandardPaths::findExecutable(QStringLiteral("testssl.sh"));
    }
    if (testssl.isEmpty()) {
        SKIP("SKIPPED: testssl is not installed (Debian package testssl.sh; scripts/setup "
             "installs it); the server's TLS was NOT scanned");
    }
    ServerHarness server;
    REQUIRE(server.running());
    sb::test::TempDir dir;
    const QString json = dir.filePath(QStringLiteral("testssl.json"));

    QProcess scan;
    scan.setProcessChannelMode(QProcess::MergedChannels);
    const QStringList checks{QStringLiteral("--protocols"),
                             QStringLiteral("--std"),
                             QStringLiteral("--fs"),
                             QStringLiteral("--rc4"),
                             QStringLiteral("--heartbleed"),
                             QStringLiteral("--ccs-injection"),
                             QStringLiteral("--renegotiation"),
                             QStringLiteral("--crime"),
                             QStringLiteral("--breach"),
                             QStringLiteral("--poodle"),
                             QStringLiteral("--tls-fallback"),
                             QStringLiteral("--sweet32"),
                             QStringLiteral("--beast"),
                             QStringLiteral("--lucky13"),
                             QStringLiteral("--freak"),
                             QStringLiteral("--logjam"),
                             QStringLiteral("--drown")};
    const QStringList options{QStringLiteral("--quiet"),
                              QStringLiteral("--color"),
                              QStringLiteral("0"),
                              QStringLiteral("--warnings"),
                              QStringLiteral("batch"),
                              QStringLiteral("--nodns"),
                              QStringLiteral("none"),
                              QStringLiteral("--connect-timeout"),
                              QStringLiteral("10"),
                              QStringLiteral("--openssl-timeout"),
                              QStringLiteral("10"),
                              QStringLiteral("--jsonfile"),
                              json};
    QElapsedTimer timer;
    timer.start();
    scan.start(testssl,
               options + checks + QStringList{QStringLiteral("127.0.0.1:%1").arg(server.port())});
    REQUIRE(scan.waitForStarted(10'000));
    const bool finished = scan.waitForFinished(170'000);
    const QByteArray log = scan.readAll();
    INFO(log.toStdString());
    REQUIRE(finished);
    WARN("testssl ran for " << timer.elapsed() << " ms");

    QFile file(json);
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QJsonArray results = QJsonDocument::fromJson(file.readAll()).array();
    REQUIRE_FALSE(results.isEmpty());
    QStringList findings;
    QStringList ids;
    for (const QJsonValue &value : results) {
        const QJsonObject result = value.toObject();
        const QString id = result.value(QStringLiteral("id")).toString();
        const QString severity = result.value(QStringLiteral("severity")).toString();
        ids.append(id);
        if (isFinding(severity) && !isScannerNote(id)) {
            findings.append(severity + u' ' + id + u": "
                            + result.value(QStringLiteral("finding")).toString());
        }
    }
    INFO(findings.join(u'\n').toStdString());
    CHECK(findings.isEmpty());
    // The scan really looked: the protocols and the checks the test is about were run.
    for (const char *expected : {"TLS1_2", "TLS1_3", "LUCKY13", "BEAST", "SWEET32", "POODLE_SSL"}) {
        INFO(expected);
        CHECK(ids.contains(QLatin1String(expected)));
    }
    CHECK(scan.exitStatus() == QProcess::NormalExit);
    CHECK(server.get(QStringLiteral("/v1/health")).status == 200);
}
