// SPDX-License-Identifier: Apache-2.0
#include "server/requestgate.h"

#include <QPointer>
#include <QSslCipher>
#include <QSslSocket>
#include <QTimer>

#include <algorithm>
#include <memory>
#include <optional>

#ifdef Q_OS_LINUX
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

namespace sb::sync {

namespace {

constexpr const char *stateProperty = "sbGateState";
constexpr const char *responseDeadlineProperty = "sbResponseDeadlineMs";
enum class State { Inspecting, HandedOff, Answered, Refused };

State stateOf(const QObject *socket)
{
    return static_cast<State>(socket->property(stateProperty).toInt());
}

void setState(QObject *socket, State state)
{
    socket->setProperty(stateProperty, static_cast<int>(state));
}

constexpr qint64 maxDrainBytes = 4 * 1024 * 1024;
constexpr int drainMs = 300;
constexpr int abortAfterMs = 2000;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 426:
        return "Upgrade Required";
    case 431:
        return "Request Header Fields Too Large";
    case 503:
        return "Service Unavailable";
    default:
        return status >= 500 ? "Internal Server Error" : "Error";
    }
}

/**
 * Acknowledges what has arrived at once instead of after Linux's delayed-ACK timer (40 ms).
 * Devices send a request's head and body as separate writes, and Qt's HTTP client leaves
 * Nagle's algorithm on: the body then waits for the ACK of the head, which the server would
 * delay, since it has nothing to answer yet. Quick-ack mode is not sticky, so it is set again
 * on every read of the request.
 */
void acknowledgeNow(QSslSocket *socket)
{
#if defined(Q_OS_LINUX) && defined(TCP_QUICKACK)
    const int on = 1;
    ::setsockopt(static_cast<int>(socket->socketDescriptor()), IPPROTO_TCP, TCP_QUICKACK, &on,
                 sizeof on);
#else
    Q_UNUSED(socket)
#endif
}

/// What the gate needs from a request head; nothing else of it is kept.
struct Head {
    QByteArray method;
    QByteArray path;
    QByteArray authorization;
    std::optional<qint64> contentLength;
    bool transferEncoding = false;
};

QByteArray httpResponse(int status, const QByteArray &contentType, const QByteArray &body,
                        const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
                          + "\r\nContent-Type: " + contentType
                          + "\r\nContent-Length: " + QByteArray::number(body.size())
                          + "\r\nCache-Control: no-store\r\nConnection: close\r\n";
    for (const auto &[name, value] : headers) {
        response += name + ": " + value + "\r\n";
    }
    response += "\r\n";
    response += body;
    return response;
}

/// Parses the head (without its final blank line); nullopt when it is not HTTP/1.x.
std::optional<Head> parseHead(const QByteArray &text)
{
    const QList<QByteArray> lines = text.split('\n');
    if (lines.isEmpty()) {
        return std::nullopt;
    }
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || requestLine[0].isEmpty() || !requestLine[1].startsWith('/')
        || !requestLine[2].startsWith("HTTP/1.")) {
        return std::nullopt;
    }
    Head head;
    head.method = requestLine[0];
    const QByteArray &target = requestLine[1];
    const qsizetype query = target.indexOf('?');
    head.path = query < 0 ? target : target.first(query);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].endsWith('\r') ? lines[i].chopped(1) : lines[i];
        if (line.isEmpty()) {
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || line.left(colon).contains(' ') || line.left(colon).contains('\t')) {
            return std::nullopt;
        }
        const QByteArray name = line.left(colon).toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            bool ok = false;
            const qint64 length = value.toLongLong(&ok);
            if (!ok || length < 0 || value.size() > 18 || value.startsWith('+')
                || (head.contentLength && *head.contentLength != length)) {
                return std::nullopt;
            }
            head.contentLength = length;
        } else if (name == "authorization") {
            head.authorization = value;
        } else if (name == "transfer-encoding") {
            head.transferEncoding = true;
        }
    }
    return head;
}

} // namespace

QList<QSslCipher> aeadCipherSuites()
{
    QList<QSslCipher> suites;
    for (const QSslCipher &cipher : QSslConfiguration::supportedCiphers()) {
        const QString name = cipher.name();
        const bool tls13 = cipher.protocol() == QSsl::TlsV1_3;
        const bool ecdheAead = name.startsWith(u"ECDHE-")
                               && (name.contains(u"-AES128-GCM-") || name.contains(u"-AES256-GCM-")
                                   || name.endsWith(u"-CHACHA20-POLY1305"));
        if (tls13 || (cipher.protocol() == QSsl::TlsV1_2 && ecdheAead)) {
            suites.append(cipher);
        }
    }
    return suites;
}

RequestGate::RequestGate(QSslConfiguration tls, GateLimits limits, QObject *parent)
    : QTcpServer(parent)
    , m_tls(std::move(tls))
    , m_limits(limits)
{
    m_tls.setProtocol(QSsl::TlsV1_2OrLater);
    m_tls.setCiphers(aeadCipherSuites());
    setListenBacklogSize(m_limits.listenBacklog);
    m_clock.start();
}

QHostAddress RequestGate::limitKey(const QHostAddress &peer)
{
    bool ipv4 = false;
    const quint32 v4 = peer.toIPv4Address(&ipv4);
    if (ipv4) {
        return QHostAddress(v4);
    }
    Q_IPV6ADDR v6 = peer.toIPv6Address();
    for (int i = 8; i < 16; ++i) {
        v6[i] = 0;
    }
    return QHostAddress(v6);
}

bool RequestGate::admit(const QHostAddress &key)
{
    const double rate = m_limits.acceptsPerSecondPerAddress / 1000.0; // per ms
    const double burst = 2.0 * m_limits.acceptsPerSecondPerAddress;
    const qint64 now = m_clock.elapsed();
    if (m_addresses.size() > 4096) {
        // Forget addresses with nothing open whose bucket has refilled: they start afresh.
        m_addresses.removeIf([&](const auto &entry) {
            const AddressUse &use = entry.value();
            return use.open == 0 && use.tokens + double(now - use.refilledAtMs) * rate >= burst;
        });
    }
    auto it = m_addresses.find(key);
    if (it == m_addresses.end()) {
        it = m_addresses.insert(key, AddressUse{0, burst, now});
    }
    AddressUse &use = *it;
    use.tokens = std::min(burst, use.tokens + double(now - use.refilledAtMs) * rate);
    use.refilledAtMs = now;
    if (use.open >= m_limits.maxConnectionsPerAddress || use.tokens < 1.0) {
        return false;
    }
    use.tokens -= 1.0;
    ++use.open;
    return true;
}

void RequestGate::release(const QHostAddress &key)
{
    --m_open;
    if (auto it = m_addresses.find(key); it != m_addresses.end()) {
        --it->open;
    }
}

void RequestGate::incomingConnection(qintptr handle)
{
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    // Over a cap or the address's accept rate: reset at once, before any TLS work.
    const QHostAddress key = limitKey(socket->peerAddress());
    if (m_open >= m_limits.maxConnections || !admit(key)) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    ++m_open;
    QPointer<RequestGate> gate(this);
    connect(socket, &QObject::destroyed, socket, [gate, key] {
        if (gate) {
            gate->release(key);
        }
    });
    setState(socket, State::Inspecting);
    socket->setProperty(responseDeadlineProperty, m_limits.responseDeadlineMs);
    // The gate peeks at the whole head before anything is consumed.
    socket->setReadBufferSize(std::max(m_limits.readBufferBytes, m_limits.maxHeaderBytes + 4));
    socket->setSslConfiguration(m_tls);
    connect(socket, &QSslSocket::readyRead, this, [this, socket] { inspect(socket); });
    connect(socket, &QSslSocket::disconnected, this, [socket] { socket->deleteLater(); });
    connect(socket, &QSslSocket::errorOccurred, this, [socket](QAbstractSocket::SocketError) {
        // Handshake failures and resets before hand-off: nothing to answer.
        if (stateOf(socket) == State::Inspecting) {
            socket->abort();
            socket->deleteLater();
        }
    });
    QTimer::singleShot(m_limits.headDeadlineMs, socket, [this, socket] {
        if (stateOf(socket) == State::Inspecting) {
            deadline(socket);
        }
    });
    QTimer::singleShot(m_limits.requestDeadlineMs, socket, [this, socket] { deadline(socket); });
    socket->startServerEncryption();
}

void RequestGate::inspect(QSslSocket *socket)
{
    if (stateOf(socket) != State::Inspecting) {
        return;
    }
    acknowledgeNow(socket);
    const QByteArray data = socket->peek(m_limits.maxHeaderBytes + 4);
    const qsizetype end = data.indexOf("\r\n\r\n");
    if (end < 0) {
        if (data.size() > m_limits.maxHeaderBytes) {
            refuse(socket, 431);
        }
        return; // the rest of the head has not arrived yet
    }
    const auto head = parseHead(data.left(end));
    if (!head) {
        refuse(socket, 400);
        return;
    }
    if (head->transferEncoding) {
        refuse(socket, 411); // bodies must declare their length up front
        return;
    }
    if (!head->contentLength && head->method != "GET" && head->method != "HEAD") {
        refuse(socket, 411);
        return;
    }
    if (head->contentLength && *head->contentLength > bodyLimit(head->path)) {
        refuse(socket, 413);
        return;
    }
    if (m_headCheck) {
        const RequestHead seen{head->method, head->path, head->authorization,
                               head->contentLength.value_or(0)};
        if (const auto answer = m_headCheck(seen)) {
            setState(socket, State::Refused);
            refuseWith(socket, httpResponse(answer->status, answer->contentType, answer->body,
                                            answer->headers));
            return;
        }
    }
    handOff(socket, end + 4 + head->contentLength.value_or(0));
}

std::int64_t RequestGate::bodyLimit(const QByteArray &path) const
{
    // The raw path: one the router would decode to /v1/push (percent-escapes) still gets
    // the smaller limit, never the other way round.
    return path == "/v1/push" ? m_limits.maxPushBodyBytes : m_limits.maxBodyBytes;
}

void RequestGate::handOff(QSslSocket *socket, qint64 requestBytes)
{
    // Qt's HTTP server parses a request only once all of it is buffered: room for exactly
    // the request the head announced, no more (a pipelined second request is never read).
    socket->setReadBufferSize(std::max<qint64>(m_limits.readBufferBytes, requestBytes));
    acknowledgeNow(socket);
    setState(socket, State::HandedOff);
    // From here on QHttpServer owns reading and closing; the gate keeps only its deadline.
    disconnect(socket, nullptr, this, nullptr);
    // The body may still be arriving, segment by segment, each waiting for the last ACK.
    connect(socket, &QSslSocket::readyRead, socket, [socket] { acknowledgeNow(socket); });
    addPendingConnection(socket);
    if (hasPendingConnections()) {
        Q_EMIT newConnection();
    }
    // The head (and maybe the body) is already buffered; no new readyRead would come for it.
    QTimer::singleShot(0, socket, [socket] {
        if (socket->bytesAvailable() > 0) {
            Q_EMIT socket->readyRead();
        }
    });
}

void RequestGate::deadline(QSslSocket *socket)
{
    const State state = stateOf(socket);
    if (state == State::Inspecting) {
        refuse(socket, 408);
    } else if (state == State::HandedOff) {
        setState(socket, State::Answered);
        if (m_onRefused) {
            m_onRefused(408);
        }
        respond(socket, 408, "text/plain", "request timeout\n");
    }
}

void RequestGate::refuse(QSslSocket *socket, int status)
{
    setState(socket, State::Refused);
    if (m_onRefused) {
        m_onRefused(status);
    }
    const QByteArray message = reasonPhrase(status).toLower() + '\n';
    refuseWith(socket, httpResponse(status, "text/plain", message, {}));
}

void RequestGate::refuseWith(QSslSocket *socket, const QByteArray &response)
{
    // Read and drop what the client keeps sending for a moment, so that closing does not
    // reset the connection before the client has read the answer; bounded in bytes and time.
    auto drained = std::make_shared<qint64>(socket->bytesAvailable());
    socket->readAll();
    connect(socket, &QSslSocket::readyRead, socket, [socket, drained] {
        *drained += socket->bytesAvailable();
        socket->readAll();
        if (*drained > maxDrainBytes) {
            socket->abort();
        }
    });
    socket->write(response);
    socket->flush();
    QTimer::singleShot(drainMs, socket, [socket] { socket->disconnectFromHost(); });
    QTimer::singleShot(abortAfterMs, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
}

bool RequestGate::claim(QTcpSocket *socket)
{
    if (stateOf(socket) != State::HandedOff) {
        return false;
    }
    setState(socket, State::Answered);
    return true;
}

void RequestGate::respond(QTcpSocket *socket, int status, const QByteArray &contentType,
                          const QByteArray &body,
                          const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    socket->write(httpResponse(status, contentType, body, headers));
    socket->disconnectFromHost();
    const int deadlineMs = socket->property(responseDeadlineProperty).toInt();
    if (deadlineMs > 0 && socket->state() != QAbstractSocket::UnconnectedState) {
        QTimer::singleShot(deadlineMs, socket, [socket] {
            socket->abort();
            socket->deleteLater();
        });
    }
}

} // namespace sb::sync
