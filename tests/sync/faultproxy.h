// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslKey>
#include <QTcpServer>

#include <cstdint>
#include <functional>
#include <optional>
#include <random>

class QNetworkAccessManager;
class QSslSocket;

namespace sb::synctest {

/// A self-signed P-256 certificate for 127.0.0.1 made with the `openssl` command (Qt cannot
/// make keys). The client trusts it as a CA; nothing else does.
struct TestCertificate {
    QSslCertificate certificate;
    QSslKey key;
};
std::optional<TestCertificate> makeTestCertificate();

/**
 * A TLS-terminating HTTP/1.1 proxy on loopback between the sync client and the real server,
 * for fault tests (security.md #2-#5). It parses each request, and per a seeded schedule
 * passes it, drops it (the server never sees it), drops the response after the server
 * handled it, sends it to the server twice, delays it, holds it so a later request overtakes
 * it, or replays it later. The same seed gives the same schedule of faults.
 *
 * The upstream is the server process; setUpstream() follows it across restarts (new port,
 * new certificate, accepted only by its SHA-256). While the upstream is down every request
 * fails as a refused connection would.
 */
class FaultProxy : public QTcpServer {
    Q_OBJECT
public:
    enum class Fault { Pass, DropRequest, DropResponse, Duplicate, Delay, Reorder, Replay };
    static constexpr int faultKinds = 7;

    FaultProxy(TestCertificate certificate, std::uint64_t seed, QObject *parent = nullptr);
    ~FaultProxy() override;

    bool start();
    [[nodiscard]] quint16 port() const { return serverPort(); }
    void setUpstream(quint16 port, const QByteArray &certificateSha256);
    /// Probability that a request meets a fault (0 passes everything through).
    void setFaultRate(double rate) { m_faultRate = rate; }
    void reseed(std::uint64_t seed) { m_random.seed(seed); }
    /// When above 0, every answer's body goes back one byte per this many ms: a link (or a
    /// server) that never goes silent and never finishes. 0 answers at once.
    void setTrickleMs(int ms) { m_trickleMs = ms; }
    /// Called when a request has been sent upstream (index counts all requests, path is
    /// "/v1/push" etc.). Tests kill the server from here.
    void setForwardHook(std::function<void(int, const QByteArray &)> hook)
    {
        m_forwardHook = std::move(hook);
    }

    [[nodiscard]] int count(Fault fault) const { return m_counts[static_cast<int>(fault)]; }
    [[nodiscard]] int requests() const { return m_requests; }
    [[nodiscard]] int inFlight() const { return m_inFlight; }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    struct Request {
        QByteArray method;
        QByteArray path;
        QByteArray contentType;
        QByteArray authorization;
        QByteArray body;
    };
    void onReadable(QSslSocket *socket);
    void handle(QSslSocket *socket, const Request &request);
    /// Sends upstream; `done` gets the status (0: no answer), content type and body.
    void forward(const Request &request,
                 std::function<void(int, const QByteArray &, const QByteArray &)> done);
    void respond(QSslSocket *socket, int status, const QByteArray &contentType,
                 const QByteArray &body);
    void drop(QSslSocket *socket);
    Fault pick();
    int uniform(int low, int high);

    TestCertificate m_certificate;
    std::mt19937_64 m_random;
    QNetworkAccessManager *m_upstream;
    quint16 m_upstreamPort = 0;
    QByteArray m_upstreamSha256;
    double m_faultRate = 0.0;
    int m_trickleMs = 0;
    std::function<void(int, const QByteArray &)> m_forwardHook;
    QHash<QSslSocket *, QByteArray> m_buffers;
    std::function<void()> m_held; ///< A request held back so that the next one overtakes it.
    int m_counts[faultKinds] = {};
    int m_requests = 0;
    int m_inFlight = 0;
};

} // namespace sb::synctest
