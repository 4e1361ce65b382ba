// SPDX-License-Identifier: Apache-2.0
// `sessionbook-office serve`: the sync server over the embedded office store.
#include "coding/ruleset.h"
#include "commands.h"
#include "keyoption.h"
#include "server/devcert.h"
#include "server/syncserver.h"
#include "server/syncservice.h"
#include "store/store.h"
#include "util/clock.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QSslConfiguration>
#include <QTextStream>

#include <cstdio>
#include <google/protobuf/stubs/logging.h>

namespace sb::office {

namespace {

struct ListenAddress {
    QHostAddress address;
    quint16 port = 0;
};

/// "127.0.0.1:8443", "[::1]:0", "0.0.0.0:8443".
std::optional<ListenAddress> parseListen(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0) {
        return std::nullopt;
    }
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']')) {
        host = host.mid(1, host.size() - 2);
    }
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    QHostAddress address;
    if (!ok || port > 65535 || !address.setAddress(host)) {
        return std::nullopt;
    }
    return ListenAddress{address, static_cast<quint16>(port)};
}

std::optional<QSslKey> readKey(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return std::nullopt;
    }
    const QByteArray pem = file.readAll();
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Ec, QSsl::Rsa}) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull()) {
            return key;
        }
    }
    return std::nullopt;
}

int positiveOption(const QCommandLineParser &parser, const QString &name, int fallback)
{
    if (!parser.isSet(name)) {
        return fallback;
    }
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    return ok && value > 0 ? value : -1;
}

} // namespace

int runServe(const QStringList &arguments)
{
    // Hostile bodies make protobuf log parse errors (invalid UTF-8 and the like); every one
    // is already answered 400 and audited, so the log would only be a flood anyone can cause.
    google::protobuf::SetLogHandler(nullptr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs the sync server (HTTPS only) over the encrypted office store. Prints "
        "\"listening on ADDRESS:PORT\" once it accepts connections; with port 0 the system "
        "picks the port. A store that does not exist yet is created with the key."));
    parser.addHelpOption();
    addStoreOptions(parser);
    parser.addOption({QStringLiteral("listen"), QStringLiteral("Address and port to listen on."),
                      QStringLiteral("address:port"), QStringLiteral("127.0.0.1:8443")});
    parser.addOption({QStringLiteral("tls-cert"), QStringLiteral("PEM certificate (chain)."),
                      QStringLiteral("file")});
    parser.addOption({QStringLiteral("tls-key"), QStringLiteral("PEM private key (EC or RSA)."),
                      QStringLiteral("file")});
    parser.addOption({QStringLiteral("dev-cert"),
                      QStringLiteral("Make a self-signed certificate for local use. Either way "
                                     "serve prints the certificate's SHA-256 and its public "
                                     "key's (SPKI) SHA-256, 64 hex digits each, to pin.")});
    parser.addOption({QStringLiteral("dev-cert-dir"),
                      QStringLiteral("With --dev-cert: keep cert.pem and key.pem here."),
                      QStringLiteral("dir")});
    parser.addOption({QStringLiteral("max-body-bytes"),
                      QStringLiteral("Largest push body accepted (default 8 MiB); a push over "
                                     "16 KiB shows a valid token before its body is read."),
                      QStringLiteral("bytes")});
    parser.addOption({QStringLiteral("max-small-body-bytes"),
                      QStringLiteral("Largest body of every other request: enroll, pull "
                                     "(default 16 KiB)."),
                      QStringLiteral("bytes")});
    parser.addOption({QStringLiteral("request-timeout-ms"),
                      QStringLiteral("Whole-request deadline (default 15000)."),
                      QStringLiteral("ms")});
    parser.addOption({QStringLiteral("response-timeout-ms"),
                      QStringLiteral("Time a client has to read an answer before the connection "
                                     "is cut (default 30000)."),
                      QStringLiteral("ms")});
    parser.addOption({QStringLiteral("head-timeout-ms"),
                      QStringLiteral("TLS handshake plus request head deadline (default 5000)."),
                      QStringLiteral("ms")});
    parser.addOption({QStringLiteral("max-connections"),
                      QStringLiteral("Open connections at once (default 512)."),
                      QStringLiteral("count")});
    parser.addOption({QStringLiteral("max-connections-per-address"),
                      QStringLiteral("Open connections from one address (an IPv6 /64) at once "
                                     "(default 256)."),
                      QStringLiteral("count")});
    parser.addOption({QStringLiteral("accept-rate-per-address"),
                      QStringLiteral("New connections per second from one address, sustained; "
                                     "bursts of twice as many pass (default 200)."),
                      QStringLiteral("per-second")});
    parser.addOption({QStringLiteral("token-ttl-days"),
                      QStringLiteral("Lifetime of device tokens issued at enrollment (default "
                                     "90)."),
                      QStringLiteral("days")});
    parser.process(arguments);
    QTextStream out(stdout);
    QTextStream err(stderr);

    const auto listen = parseListen(parser.value(QStringLiteral("listen")));
    if (!listen) {
        err << "error: --listen takes ADDRESS:PORT, e.g. 127.0.0.1:8443\n";
        return 2;
    }
    const QString path = parser.value(QStringLiteral("database"));
    if (path.isEmpty()) {
        err << "error: --database is required\n";
        return 2;
    }
    const bool devCert = parser.isSet(QStringLiteral("dev-cert"));
    const bool ownCert = parser.isSet(QStringLiteral("tls-cert"));
    if (devCert == ownCert || (ownCert != parser.isSet(QStringLiteral("tls-key")))) {
        err << "error: give either --tls-cert FILE --tls-key FILE or --dev-cert (TLS only)\n";
        return 2;
    }
    const int maxBody = positiveOption(parser, QStringLiteral("max-body-bytes"), 8 * 1024 * 1024);
    const int maxSmallBody =
        positiveOption(parser, QStringLiteral("max-small-body-bytes"), 16 * 1024);
    const int requestTimeout = positiveOption(parser, QStringLiteral("request-timeout-ms"), 15000);
    const int headTimeout = positiveOption(parser, QStringLiteral("head-timeout-ms"), 5000);
    const int responseTimeout =
        positiveOption(parser, QStringLiteral("response-timeout-ms"), 30000);
    const int tokenDays = positiveOption(parser, QStringLiteral("token-ttl-days"), 90);
    const sync::GateLimits defaults;
    const int maxConnections =
        positiveOption(parser, QStringLiteral("max-connections"), defaults.maxConnections);
    const int maxPerAddress = positiveOption(parser, QStringLiteral("max-connections-per-address"),
                                             defaults.maxConnectionsPerAddress);
    const int acceptRate = positiveOption(parser, QStringLiteral("accept-rate-per-address"),
                                          defaults.acceptsPerSecondPerAddress);
    if (maxBody < 0 || maxSmallBody < 0 || requestTimeout < 0 || headTimeout < 0
        || responseTimeout < 0 || tokenDays < 0 || maxConnections < 0 || maxPerAddress < 0
        || acceptRate < 0) {
        err << "error: limits and timeouts must be positive integers\n";
        return 2;
    }

    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    if (devCert) {
        auto made = sync::makeDevCertificate(parser.value(QStringLiteral("dev-cert-dir")));
        if (!made) {
            err << "error: " << made.error() << '\n';
            return 1;
        }
        tls.setLocalCertificate(made->certificate);
        tls.setPrivateKey(made->key);
        out << "dev certificate sha256 " << made->sha256 << '\n';
        out << "dev certificate spki-sha256 " << made->spkiSha256 << '\n';
        if (!made->certificatePath.isEmpty()) {
            out << "dev certificate at " << made->certificatePath << '\n';
        }
    } else {
        const auto chain = QSslCertificate::fromPath(parser.value(QStringLiteral("tls-cert")));
        const auto key = readKey(parser.value(QStringLiteral("tls-key")));
        if (chain.isEmpty() || !key) {
            err << "error: cannot load the TLS certificate or key\n";
            return 1;
        }
        tls.setLocalCertificateChain(chain);
        tls.setPrivateKey(*key);
        // The leaf's fingerprints, as for --dev-cert: the SPKI one is the enrollment link's
        // pin and survives a renewal with the same key.
        out << "certificate sha256 " << sync::certificateSha256(chain.first()) << '\n';
        out << "certificate spki-sha256 " << sync::spkiSha256(chain.first()) << '\n';
    }

    SystemClock clock;
    int exitCode = 0;
    auto store = openOfficeStore(parser, clock, OpenMode::CreateIfMissing, exitCode);
    if (!store) {
        return exitCode;
    }
    auto rules = coding::RuleSet::builtin();
    if (!rules) {
        err << "error: coding rules: " << rules.error().message << '\n';
        return 1;
    }

    // The audit chain head also goes to syslog (daily and on exit), out of the store's reach.
    store->audit().setExportToSyslog(true);
    sync::SyncServiceConfig config;
    config.limits.maxBodyBytes = maxBody;
    config.tokenTtlDays = tokenDays;
    sync::SyncService service(*store, *rules, config);
    sync::GateLimits limits;
    limits.maxPushBodyBytes = maxBody;
    limits.maxBodyBytes = std::min(maxSmallBody, maxBody);
    limits.requestDeadlineMs = requestTimeout;
    limits.responseDeadlineMs = responseTimeout;
    limits.maxConnections = maxConnections;
    limits.maxConnectionsPerAddress = maxPerAddress;
    limits.acceptsPerSecondPerAddress = acceptRate;
    limits.headDeadlineMs = std::min(headTimeout, requestTimeout);
    sync::SyncServer server(service, tls, limits);
    auto port = server.listen(listen->address, listen->port);
    if (!port) {
        err << "error: cannot listen on " << parser.value(QStringLiteral("listen")) << ": "
            << port.error() << '\n';
        return 1;
    }
    const QString host = listen->address.protocol() == QAbstractSocket::IPv6Protocol
                             ? u'[' + listen->address.toString() + u']'
                             : listen->address.toString();
    out << "listening on " << host << ':' << *port << '\n';
    out.flush();
    std::fflush(stdout);
    return QCoreApplication::exec();
}

} // namespace sb::office
