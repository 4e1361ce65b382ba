// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "server/requestgate.h"
#include "util/expected.h"

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <QSslConfiguration>

namespace sb::sync {

class SyncService;

/**
 * The back office's HTTPS endpoint: Qt HttpServer behind a RequestGate (TLS only, request
 * heads checked before any body is buffered). Routes /v1/health, /v1/enroll, /v1/push,
 * /v1/pull and the two lookups to the SyncService and answers every request with
 * "Connection: close". Lives on the store's thread; a request is handled to completion in
 * one call, without waiting on the network.
 */
class SyncServer : public QAbstractHttpServer {
    Q_OBJECT
public:
    SyncServer(SyncService &service, QSslConfiguration tls, GateLimits limits,
               QObject *parent = nullptr);

    /// Starts listening; the port actually bound (for port 0) or why not.
    Expected<quint16, QString> listen(const QHostAddress &address, quint16 port);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    void route(const QHttpServerRequest &request, QTcpSocket *socket);

    SyncService &m_service;
    QSslConfiguration m_tls;
    GateLimits m_limits;
};

} // namespace sb::sync
