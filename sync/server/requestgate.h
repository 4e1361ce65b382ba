// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QSslConfiguration>
#include <QTcpServer>

#include <cstdint>
#include <functional>
#include <optional>

class QSslCipher;
class QSslSocket;
class QTcpSocket;

namespace sb::sync {

/**
 * The cipher suites the server offers: TLS 1.3's (all AEAD) and, for TLS 1.2, ECDHE with
 * AES-GCM or ChaCha20-Poly1305 only. The CBC suites OpenSSL offers by default are open to
 * padding-oracle timing attacks (LUCKY13) and the static-RSA ones lack forward secrecy.
 */
QList<QSslCipher> aeadCipherSuites();

/// What the gate enforces before a request reaches Qt's HTTP server.
struct GateLimits {
    /// Content-Length above this on /v1/push (the one route that uploads batches): 413.
    std::int64_t maxPushBodyBytes = 8 * 1024 * 1024;
    /// Content-Length above this on any other route (enroll and pull take a few KiB): 413.
    std::int64_t maxBodyBytes = 16 * 1024;
    int maxHeaderBytes = 16 * 1024; ///< A head longer than this: 431.
    int headDeadlineMs = 5000;      ///< TLS handshake plus the whole head within this: else 408.
    int requestDeadlineMs = 15000;  ///< The whole request (body included) within this: else 408.
    /// Once the answer is written, the client has this long to take it; then the connection
    /// is cut, so a client that stops reading cannot hold the socket and the unsent bytes.
    int responseDeadlineMs = 30000;
    /// Decrypted bytes a connection buffers before the server stops reading from it (the
    /// kernel then holds the client back): at least the head cap, and once the head is
    /// accepted, at least the request it announced.
    int readBufferBytes = 64 * 1024;
    int maxConnections = 512; ///< Open connections at once; more are closed at accept.
    /// Open connections from one address (an IPv6 /64) at once; more are reset at accept. A
    /// practice behind one NAT address is one address: 200 devices syncing at once fit.
    int maxConnectionsPerAddress = 256;
    /// New connections one address may open per second, sustained; bursts of twice as many
    /// pass. More are reset at accept, before any TLS work is spent on them.
    int acceptsPerSecondPerAddress = 200;
    int listenBacklog = 1024; ///< Handshakes the kernel completes ahead of accept.
};

/// What the gate read from a request head, for the server's own checks before any body.
struct RequestHead {
    QByteArray method;
    QByteArray path; ///< Without the query.
    QByteArray authorization;
    qint64 contentLength = 0;
};

/// A complete answer the server gives to a head without reading its body.
struct EarlyAnswer {
    int status = 0;
    QByteArray contentType;
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
};

/**
 * A TLS listener that looks at each request's head before Qt's HTTP server sees the
 * connection, because Qt 6.4's QHttpServer reads whole bodies into memory with no limit
 * (QHttpServerConfiguration's body limit arrived in 6.11).
 *
 * It accepts the TCP connection itself, runs the TLS handshake (TLS 1.2 or later, AEAD
 * suites only, whatever the configuration it is given says), and
 * peeks at the decrypted bytes without consuming them until the blank line that ends the
 * head. A head that declares a body over its route's limit is answered 413 at once, before
 * a byte of that body is read; the head check (the server's) may answer a head too, e.g. a
 * large push whose token is not valid; chunked bodies and POSTs without Content-Length get 411, a
 * head that is not HTTP/1.x gets 400, one over the header cap 431, and one that has not arrived by
 * the deadline 408. Only then is the socket handed to QHttpServer through addPendingConnection(),
 * untouched, so Qt parses exactly the bytes that were checked.
 *
 * A second deadline covers the whole request, so a Content-Length that promises more than
 * is ever sent (or a body that trickles in) ends in 408 rather than holding the connection.
 *
 * Keep-alive: the server answers every request with "Connection: close" and closes, so the
 * only request a connection ever carries is the one the gate inspected; a second request on
 * the same connection would reach QHttpServer ungated. The cost is one TLS handshake per
 * request (a push carries up to 500 changes, so this is per batch, not per session).
 */
class RequestGate : public QTcpServer {
    Q_OBJECT
public:
    RequestGate(QSslConfiguration tls, GateLimits limits, QObject *parent = nullptr);

    /// Called for each request the gate refuses (status 400, 408, 411, 413, 431).
    void setRefusalHandler(std::function<void(int status)> handler)
    {
        m_onRefused = std::move(handler);
    }

    /// Looks at every head that passed the gate's own checks; an answer refuses the request
    /// with it before the body is read (the check audits what it refuses itself).
    void setHeadCheck(std::function<std::optional<EarlyAnswer>(const RequestHead &)> check)
    {
        m_headCheck = std::move(check);
    }

    /// Claims a handed-off request for answering: false when its deadline already answered
    /// it (408), true otherwise; after a claim the request deadline no longer applies.
    static bool claim(QTcpSocket *socket);
    /// Writes a complete HTTP/1.1 response with "Connection: close" and closes after it; a
    /// connection still open at the response deadline is aborted.
    static void respond(QTcpSocket *socket, int status, const QByteArray &contentType,
                        const QByteArray &body,
                        const QList<std::pair<QByteArray, QByteArray>> &headers = {});

    [[nodiscard]] int openConnections() const { return m_open; }

    /// The address a per-address limit counts under: IPv4 as is, IPv6 by its /64 prefix
    /// (one host is usually given a whole /64).
    static QHostAddress limitKey(const QHostAddress &peer);

protected:
    void incomingConnection(qintptr handle) override;

private:
    void inspect(QSslSocket *socket);
    void refuse(QSslSocket *socket, int status);
    void refuseWith(QSslSocket *socket, const QByteArray &response);
    [[nodiscard]] std::int64_t bodyLimit(const QByteArray &path) const;
    void handOff(QSslSocket *socket, qint64 requestBytes);
    void deadline(QSslSocket *socket);
    /// Counts a new connection from `key` against its cap and accept rate; false: refuse it.
    bool admit(const QHostAddress &key);
    void release(const QHostAddress &key);

    QSslConfiguration m_tls;
    GateLimits m_limits;
    std::function<void(int)> m_onRefused;
    std::function<std::optional<EarlyAnswer>(const RequestHead &)> m_headCheck;
    int m_open = 0;
    /// Per address: open connections and a token bucket for the accept rate.
    struct AddressUse {
        int open = 0;
        double tokens = 0;
        qint64 refilledAtMs = 0;
    };
    QHash<QHostAddress, AddressUse> m_addresses;
    QElapsedTimer m_clock;
};

} // namespace sb::sync
