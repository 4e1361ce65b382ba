// SPDX-License-Identifier: Apache-2.0
// The `sessionbook-office serve` process itself: the pins it prints for its certificate, no
// core dumps, a key file others can read refused, the key gone from the environment.
#include "catchqt.h"
#include "server_harness.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

#include <catch2/catch_test_macros.hpp>
#include <csignal>
#include <sys/resource.h>

using sb::test::ServerHarness;

namespace {

const QString officeBinary = QStringLiteral(SESSIONBOOK_BIN_DIR "/sessionbook-office");

/// A `serve` process that is stopped when the test ends.
struct ServeProcess : QProcess {
    ~ServeProcess() override
    {
        kill();
        waitForFinished(5000);
    }
};

/// Starts `serve` on an ephemeral port and returns its stdout up to "listening on".
QByteArray startServe(QProcess &process, const QStringList &arguments)
{
    process.setProgram(officeBinary);
    process.setArguments(QStringList{QStringLiteral("serve"), QStringLiteral("--listen"),
                                     QStringLiteral("127.0.0.1:0")}
                         + arguments);
    process.start();
    REQUIRE(process.waitForStarted(10'000));
    QByteArray out;
    QDeadlineTimer deadline(20'000);
    while (!out.contains("listening on ") && !deadline.hasExpired()) {
        if (!process.waitForReadyRead(200) && process.state() != QProcess::Running) {
            break;
        }
        out += process.readAllStandardOutput();
    }
    INFO(process.readAllStandardError().toStdString());
    REQUIRE(out.contains("listening on "));
    return out;
}

/// The rest of the line of `text` that starts with `prefix`.
QByteArray lineValue(const QByteArray &text, const QByteArray &prefix)
{
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(prefix)) {
            return line.mid(prefix.size()).trimmed();
        }
    }
    return {};
}

QByteArray runOpenssl(const QStringList &arguments)
{
    QProcess openssl;
    openssl.start(QStandardPaths::findExecutable(QStringLiteral("openssl")), arguments);
    REQUIRE(openssl.waitForFinished(30'000));
    REQUIRE(openssl.exitCode() == 0);
    return openssl.readAllStandardOutput();
}

/// The certificate's fingerprints as the openssl command (not Qt) computes them, 64 hex each.
QByteArray opensslCertificateSha256(const QString &certificate)
{
    // "sha256 Fingerprint=AB:CD:..."
    const QByteArray line = runOpenssl({QStringLiteral("x509"), QStringLiteral("-in"), certificate,
                                        QStringLiteral("-noout"), QStringLiteral("-fingerprint"),
                                        QStringLiteral("-sha256")});
    return line.mid(line.indexOf('=') + 1).trimmed().replace(':', "").toLower();
}

QByteArray opensslSpkiSha256(const QString &certificate)
{
    // The PEM "PUBLIC KEY" block is the DER SubjectPublicKeyInfo in base64.
    const QByteArray pem = runOpenssl({QStringLiteral("x509"), QStringLiteral("-in"), certificate,
                                       QStringLiteral("-noout"), QStringLiteral("-pubkey")});
    QByteArray base64;
    for (const QByteArray &line : pem.split('\n')) {
        if (!line.startsWith("-----")) {
            base64 += line.trimmed();
        }
    }
    return QCryptographicHash::hash(QByteArray::fromBase64(base64), QCryptographicHash::Sha256)
        .toHex();
}

} // namespace

TEST_CASE("serve prints the SPKI pin as 64 hex digits, for --tls-cert as for --dev-cert")
{
    if (QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty()) {
        SKIP("the openssl command is not installed (scripts/setup installs it)");
    }
    ServerHarness server; // the store and its key file
    REQUIRE(server.running());
    sb::test::TempDir dir;
    const QStringList store{QStringLiteral("--database"), server.databasePath(),
                            QStringLiteral("--key-file"), server.keyFilePath()};
    static const QRegularExpression hex64(QStringLiteral("^[0-9a-f]{64}$"));

    // A certificate of the operator's own, with a key the server did not make.
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    runOpenssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert,
                QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                QStringLiteral("/CN=localhost")});
    ServeProcess own;
    const QByteArray ownOut = startServe(
        own,
        store + QStringList{QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key});
    INFO(ownOut.toStdString());
    const QByteArray ownPin = lineValue(ownOut, "certificate spki-sha256 ");
    CHECK(hex64.match(QString::fromLatin1(ownPin)).hasMatch());
    CHECK(ownPin == opensslSpkiSha256(cert));
    CHECK(lineValue(ownOut, "certificate sha256 ") == opensslCertificateSha256(cert));

    // The dev certificate: the same two lines, in the same form.
    ServeProcess dev;
    const QString devDir = dir.filePath(QStringLiteral("dev"));
    const QByteArray devOut =
        startServe(dev, store
                            + QStringList{QStringLiteral("--dev-cert"),
                                          QStringLiteral("--dev-cert-dir"), devDir});
    INFO(devOut.toStdString());
    const QString devCert = devDir + QStringLiteral("/cert.pem");
    const QByteArray devPin = lineValue(devOut, "dev certificate spki-sha256 ");
    CHECK(hex64.match(QString::fromLatin1(devPin)).hasMatch());
    CHECK(devPin == opensslSpkiSha256(devCert));
    CHECK(lineValue(devOut, "dev certificate sha256 ") == opensslCertificateSha256(devCert));
}

TEST_CASE("serve writes no core file, even where the limit would allow one")
{
    ServerHarness server; // the store and its key file
    REQUIRE(server.running());
    sb::test::TempDir dir; // the crash's working directory: core_pattern "core" writes here
    ServeProcess serve;
    serve.setWorkingDirectory(dir.path());
    serve.setChildProcessModifier([] {
        rlimit unlimited{};
        ::getrlimit(RLIMIT_CORE, &unlimited);
        unlimited.rlim_cur = unlimited.rlim_max;
        ::setrlimit(RLIMIT_CORE, &unlimited);
    });
    startServe(serve,
               {QStringLiteral("--database"), server.databasePath(), QStringLiteral("--key-file"),
                server.keyFilePath(), QStringLiteral("--dev-cert")});
    QFile limits(QStringLiteral("/proc/%1/limits").arg(serve.processId()));
    REQUIRE(limits.open(QIODevice::ReadOnly));
    const QByteArray text = limits.readAll();
    const QByteArray core = text.mid(text.indexOf("Max core file size"), 80).simplified();
    INFO(core.toStdString());
    CHECK(core.startsWith("Max core file size 0 0 bytes"));

    ::kill(static_cast<pid_t>(serve.processId()), SIGSEGV);
    REQUIRE(serve.waitForFinished(30'000));
    CHECK(serve.exitStatus() == QProcess::CrashExit);
    const QStringList cores = QDir(dir.path()).entryList({QStringLiteral("core*")}, QDir::Files);
    INFO(cores.join(u' ').toStdString());
    CHECK(cores.isEmpty());
}

TEST_CASE("A key file that group or others can read is refused with a clear message")
{
    ServerHarness server;
    REQUIRE(server.running());
    QFile key(server.keyFilePath());
    auto show = [&] {
        QProcess office;
        office.start(officeBinary,
                     {QStringLiteral("show"), QStringLiteral("--database"), server.databasePath(),
                      QStringLiteral("--key-file"), server.keyFilePath()});
        REQUIRE(office.waitForFinished(30'000));
        return std::pair(office.exitCode(), office.readAllStandardError());
    };
    REQUIRE(key.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner
                               | QFileDevice::ReadGroup | QFileDevice::ReadOther));
    const auto [refused, why] = show();
    INFO(why.toStdString());
    CHECK(refused == 2);
    CHECK(why.contains("other users"));
    CHECK(why.contains("chmod 600"));
    REQUIRE(key.setPermissions(QFileDevice::ReadOwner | QFileDevice::ReadGroup));
    CHECK(show().first == 2);
    REQUIRE(key.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    CHECK(show().first == 0);
}

TEST_CASE("The key from SESSIONBOOK_OFFICE_KEY leaves the environment of serve")
{
    ServerHarness server;
    REQUIRE(server.running());
    const QByteArray hex = sb::test::testKey().toHex();
    ServeProcess serve;
    QProcessEnvironment withKey = QProcessEnvironment::systemEnvironment();
    withKey.insert(QStringLiteral("SESSIONBOOK_OFFICE_KEY"), QString::fromLatin1(hex));
    serve.setProcessEnvironment(withKey);
    // --dev-cert runs the openssl command: a child that must not inherit the key.
    startServe(serve,
               {QStringLiteral("--database"), server.databasePath(), QStringLiteral("--dev-cert")});
    // What the process started with, as /proc shows it to anyone allowed to look (root here:
    // serve is not dumpable, so only root may read it at all).
    QFile environment(QStringLiteral("/proc/%1/environ").arg(serve.processId()));
    if (!environment.open(QIODevice::ReadOnly)) {
        SKIP("/proc/PID/environ of serve is not readable by this user (serve is not dumpable)");
    }
    const QByteArray initial = environment.readAll();
    CHECK(initial.contains("PATH=")); // the file was read
    CHECK_FALSE(initial.contains(hex));
    const QByteArray assignment = QByteArray("SESSIONBOOK_OFFICE_KEY=") + hex.left(8);
    CHECK_FALSE(initial.contains(assignment));
}
