// SPDX-License-Identifier: Apache-2.0
#include "server/syncserver.h"

#include "server/syncservice.h"

#include <QHttpServerRequest>
#include <QRegularExpression>
#include <QTcpSocket>

#include <exception>

namespace sb::sync {

namespace {

constexpr QByteArrayView protobufType("application/x-protobuf");

} // namespace

SyncServer::SyncServer(SyncService &service, QSslConfiguration tls, GateLimits limits,
                       QObject *parent)
    : QAbstractHttpServer(parent)
    , m_service(service)
    , m_tls(std::move(tls))
    , m_limits(limits)
{
}

Expected<quint16, QString> SyncServer::listen(const QHostAddress &address, quint16 port)
{
    auto *gate = new RequestGate(m_tls, m_limits, this);
    gate->setRefusalHandler([this](int status) { m_service.auditRefusal(u"http", status); });
    if (!gate->listen(address, port)) {
        QString why = gate->errorString();
        delete gate;
        return unexpected(why);
    }
    bind(gate);
    return gate->serverPort();
}

bool SyncServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (!RequestGate::claim(socket)) {
        return true; // already answered 408 by the deadline
    }
    try {
        m_service.setPeer(socket->peerAddress().toString());
        route(request, socket);
    } catch (const std::exception &) {
        // protobuf or Qt ran out of memory: answer without letting anything reach the loop.
        RequestGate::respond(socket, 500, "text/plain", "internal error\n");
    }
    return true;
}

void SyncServer::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    RequestGate::respond(socket, 404, "text/plain", "not found\n");
}

void SyncServer::route(const QHttpServerRequest &request, QTcpSocket *socket)
{
    using Method = QHttpServerRequest::Method;
    const QString path = request.url().path();
    const Method method = request.method();
    const QByteArray authorization = request.value("Authorization");
    auto send = [socket](const HttpReply &reply) {
        RequestGate::respond(socket, reply.status, reply.contentType, reply.body, reply.headers);
    };
    auto refuse = [this, &send](int status, const char *code, const char *message) {
        m_service.auditRefusal(u"http", status);
        send(m_service.error(status, QString::fromLatin1(code), QString::fromLatin1(message)));
    };

    static const QRegularExpression sessionStatus(
        QStringLiteral("^/v1/sessions/([0-9a-fA-F-]{36})/status$"));
    static const QRegularExpression patient(QStringLiteral("^/v1/patients/([0-9a-fA-F-]{36})$"));

    if (path == u"/v1/health") {
        if (method != Method::Get) {
            refuse(405, "method_not_allowed", "use GET");
            return;
        }
        send(m_service.health());
        return;
    }
    const bool post = path == u"/v1/enroll" || path == u"/v1/push" || path == u"/v1/pull";
    if (post) {
        if (method != Method::Post) {
            refuse(405, "method_not_allowed", "use POST");
            return;
        }
        const QByteArray type = request.value("Content-Type");
        if (!type.startsWith(protobufType)) {
            refuse(415, "unsupported_media_type", "send application/x-protobuf");
            return;
        }
        const QByteArray body = request.body();
        if (path == u"/v1/enroll") {
            send(m_service.enroll(body));
        } else if (path == u"/v1/push") {
            send(m_service.push(authorization, body));
        } else {
            send(m_service.pull(authorization, body));
        }
        return;
    }
    if (const auto match = sessionStatus.match(path); match.hasMatch()) {
        if (method != Method::Get) {
            refuse(405, "method_not_allowed", "use GET");
            return;
        }
        send(m_service.sessionStatus(authorization, match.capturedView(1)));
        return;
    }
    if (const auto match = patient.match(path); match.hasMatch()) {
        if (method != Method::Get) {
            refuse(405, "method_not_allowed", "use GET");
            return;
        }
        send(m_service.patient(authorization, match.capturedView(1)));
        return;
    }
    refuse(404, "not_found", "no such endpoint");
}

} // namespace sb::sync
