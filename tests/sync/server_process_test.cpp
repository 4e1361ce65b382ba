// SPDX-License-Identifier: Apache-2.0
// The `sessionbook-office serve` process itself: the pins it prints for its certificate.
#include "catchqt.h"
#include "server_harness.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

#include <catch2/catch_test_macros.hpp>

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
