// SPDX-License-Identifier: Apache-2.0
#include "faultproxy.h"

#include <QCryptographicHash>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QProcess>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTimer>

#include <memory>

namespace sb::synctest {

namespace {

constexpr qsizetype maxHead = 16 * 1024;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 413:
        return "Payload Too Large";
    case 426:
        return "Upgrade Required";
    default:
        return status >= 500 ? QByteArray("Server Error") : QByteArray("Status");
    }
}

} // namespace

std::optional<TestCertificate> makeTestCertificate()
{
    QTemporaryDir dir;
    if (!dir.isValid()) {
        return std::nullopt;
    }
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                   QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
                   QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert,
                   QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=IP:127.0.0.1")});
    if (!openssl.waitForFinished(30'000) || openssl.exitCode() != 0) {
        return std::nullopt;
    }
    QFile keyFile(key);
    QFile certFile(cert);
    if (!keyFile.open(QIODevice::ReadOnly) || !certFile.open(QIODevice::ReadOnly)) {
        return std::nullopt;
    }
    TestCertificate made{QSslCertificate(certFile.readAll(), QSsl::Pem),
                         QSslKey(keyFile.readAll(), QSsl::Ec, QSsl::Pem, QSsl::PrivateKey)};
    if (made.certificate.isNull() || made.key.isNull()) {
        return std::nullopt;
    }
    return made;
}

FaultProxy::FaultProxy(TestCertificate certificate, std::uint64_t seed, QObject *parent)
    : QTcpServer(parent)
    , m_certificate(std::move(certificate))
    , m_random(seed)
    , m_upstream(new QNetworkAccessManager(this))
{
}

FaultProxy::~FaultProxy() = default;

bool FaultProxy::start()
{
    return listen(QHostAddress::LocalHost, 0);
}

void FaultProxy::setUpstream(quint16 port, const QByteArray &certificateSha256)
{
    m_upstreamPort = port;
    m_upstreamSha256 = certificateSha256;
    m_upstream->clearConnectionCache();
}

int FaultProxy::uniform(int low, int high)
{
    return std::uniform_int_distribution<int>(low, high)(m_random);
}

FaultProxy::Fault FaultProxy::pick()
{
    const double roll = std::uniform_real_distribution<double>(0.0, 1.0)(m_random);
    if (roll >= m_faultRate) {
        return Fault::Pass;
    }
    return static_cast<Fault>(uniform(1, faultKinds - 1));
}

void FaultProxy::incomingConnection(qintptr descriptor)
{
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        socket->deleteLater();
        return;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    tls.setLocalCertificate(m_certificate.certificate);
    tls.setPrivateKey(m_certificate.key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    socket->setSslConfiguration(tls);
    connect(socket, &QSslSocket::readyRead, this, [this, socket] { onReadable(socket); });
    connect(socket, &QSslSocket::disconnected, this, [this, socket] {
        m_buffers.remove(socket);
        socket->deleteLater();
    });
    connect(socket, &QSslSocket::errorOccurred, this, [this, socket](QAbstractSocket::SocketError) {
        m_buffers.remove(socket);
        socket->deleteLater();
    });
    socket->startServerEncryption();
}

void FaultProxy::onReadable(QSslSocket *socket)
{
    QByteArray &buffer = m_buffers[socket];
    buffer += socket->readAll();
    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        if (buffer.size() > maxHead) {
            drop(socket);
        }
        return;
    }
    const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
    Request request;
    request.method = first.value(0);
    request.path = first.value(1);
    qsizetype length = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            continue;
        }
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            length = value.toLongLong();
        } else if (name == "content-type") {
            request.contentType = value;
        } else if (name == "authorization") {
            request.authorization = value;
        }
    }
    if (buffer.size() < headEnd + 4 + length) {
        return;
    }
    request.body = buffer.mid(headEnd + 4, length);
    m_buffers.remove(socket);
    socket->disconnect(this, nullptr);
    connect(socket, &QSslSocket::disconnected, socket, &QObject::deleteLater);
    handle(socket, request);
}

void FaultProxy::handle(QSslSocket *rawSocket, const Request &request)
{
    ++m_requests;
    QPointer<QSslSocket> socket(rawSocket);
    const Fault fault = pick();
    ++m_counts[static_cast<int>(fault)];

    // A held request is released once a later one has gone upstream: that is the reordering.
    auto releaseHeld = [this] {
        if (m_held) {
            auto held = std::move(m_held);
            m_held = nullptr;
            held();
        }
    };
    auto passThrough = [this, socket, request](bool dropAnswer) {
        forward(request, [this, socket, dropAnswer](int status, const QByteArray &type,
                                                    const QByteArray &body) {
            if (!socket) {
                return;
            }
            if (status == 0 || dropAnswer) {
                drop(socket);
            } else {
                respond(socket, status, type, body);
            }
        });
    };

    switch (fault) {
    case Fault::Pass:
        passThrough(false);
        releaseHeld();
        return;
    case Fault::DropRequest:
        drop(socket);
        releaseHeld();
        return;
    case Fault::DropResponse:
        passThrough(true);
        releaseHeld();
        return;
    case Fault::Duplicate: {
        const bool answerSecond = uniform(0, 1) == 1;
        auto answered = std::make_shared<int>(0);
        for (int copy = 0; copy < 2; ++copy) {
            forward(request, [this, socket, answered, answerSecond,
                              copy](int status, const QByteArray &type, const QByteArray &body) {
                ++*answered;
                const bool mine = (copy == 1) == answerSecond;
                if (!socket || !mine) {
                    return;
                }
                status == 0 ? drop(socket) : respond(socket, status, type, body);
            });
        }
        releaseHeld();
        return;
    }
    case Fault::Delay:
        QTimer::singleShot(uniform(1, 40), this, [passThrough] { passThrough(false); });
        releaseHeld();
        return;
    case Fault::Reorder: {
        releaseHeld();
        m_held = [passThrough] {
            passThrough(false);
        };
        // Nothing may overtake it (one client waits for this answer): let it go in a while.
        QTimer::singleShot(uniform(5, 40), this, releaseHeld);
        return;
    }
    case Fault::Replay: {
        passThrough(false);
        releaseHeld();
        QTimer::singleShot(uniform(5, 80), this, [this, request] {
            forward(request, [](int, const QByteArray &, const QByteArray &) {});
        });
        return;
    }
    }
}

void FaultProxy::forward(const Request &request,
                         std::function<void(int, const QByteArray &, const QByteArray &)> done)
{
    if (m_upstreamPort == 0) {
        done(0, {}, {});
        return;
    }
    QUrl url;
    url.setScheme(QStringLiteral("https"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_upstreamPort);
    url.setPath(QString::fromLatin1(request.path));
    QNetworkRequest upstream(url);
    if (!request.contentType.isEmpty()) {
        upstream.setRawHeader("Content-Type", request.contentType);
    }
    if (!request.authorization.isEmpty()) {
        upstream.setRawHeader("Authorization", request.authorization);
    }
    upstream.setTransferTimeout(20'000);
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    upstream.setSslConfiguration(tls);
    ++m_inFlight;
    QNetworkReply *reply = m_upstream->sendCustomRequest(upstream, request.method, request.body);
    const QByteArray expected = m_upstreamSha256;
    connect(reply, &QNetworkReply::sslErrors, this, [reply, expected](const QList<QSslError> &) {
        // The server's dev certificate is self-signed: trust exactly that one.
        if (reply->sslConfiguration().peerCertificate().digest(QCryptographicHash::Sha256)
            == expected) {
            reply->ignoreSslErrors();
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, done] {
        --m_inFlight;
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray type = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        done(status, type, reply->readAll());
    });
    if (m_forwardHook) {
        m_forwardHook(m_requests, request.path);
    }
}

void FaultProxy::respond(QSslSocket *socket, int status, const QByteArray &contentType,
                         const QByteArray &body)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
                      + "\r\nContent-Length: " + QByteArray::number(body.size())
                      + "\r\nConnection: close\r\n";
    if (!contentType.isEmpty()) {
        head += "Content-Type: " + contentType + "\r\n";
    }
    if (status == 401) {
        head += "WWW-Authenticate: Bearer realm=\"sessionbook\"\r\n";
    }
    head += "\r\n";
    if (m_trickleMs <= 0) {
        socket->write(head + body);
        socket->disconnectFromHost();
        return;
    }
    // The head at once, then the body one byte at a time: the client's inactivity timeout
    // never fires. The timer goes with the socket when the client gives up.
    socket->write(head);
    auto *trickle = new QTimer(socket);
    auto rest = std::make_shared<QByteArray>(body);
    connect(trickle, &QTimer::timeout, socket, [socket, trickle, rest] {
        if (rest->isEmpty()) {
            trickle->stop();
            socket->disconnectFromHost();
            return;
        }
        socket->write(rest->left(1));
        rest->remove(0, 1);
    });
    trickle->start(m_trickleMs);
}

void FaultProxy::drop(QSslSocket *socket)
{
    if (socket) {
        m_buffers.remove(socket);
        socket->abort();
        socket->deleteLater();
    }
}

} // namespace sb::synctest
