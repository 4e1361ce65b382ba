// SPDX-License-Identifier: Apache-2.0
#include "enrollmentcontroller.h"

#include "enrollmentlink.h"
#include "syncbridge.h"

namespace sb::app {

namespace {

AppError errorOf(sync::EnrollmentLink::Error error)
{
    using E = sync::EnrollmentLink::Error;
    switch (error) {
    case E::NotALink:
        return AppError(AppError::InvalidLink, AppError::Enroll);
    case E::MissingServer:
        return AppError(AppError::MissingServer, AppError::Enroll);
    case E::NotHttps:
        return AppError(AppError::NotHttps, AppError::Enroll);
    case E::MissingCode:
        return AppError(AppError::MissingCode, AppError::Enroll);
    case E::MissingPin:
        return AppError(AppError::MissingPin, AppError::Enroll);
    case E::BadPin:
        return AppError(AppError::BadPin, AppError::Enroll);
    }
    return AppError(AppError::Internal, AppError::Enroll);
}

QString displayName(const QUrl &server)
{
    return server.port() > 0 ? server.host() + u':' + QString::number(server.port())
                             : server.host();
}

} // namespace

EnrollmentController::EnrollmentController(SyncBridge &bridge, QObject *parent)
    : QObject(parent)
    , m_bridge(bridge)
{
    connect(&m_bridge, &SyncBridge::started, this, &EnrollmentController::started);
    connect(&m_bridge, &SyncBridge::enrollFinished, this, &EnrollmentController::finished);
}

void EnrollmentController::setSuggestedLink(const QString &link, bool submit)
{
    m_suggestedLink = link.trimmed();
    m_submitSuggested = submit && !m_suggestedLink.isEmpty();
    Q_EMIT suggestedLinkChanged();
}

void EnrollmentController::started(bool enrolled)
{
    if (enrolled) {
        setState(Enrolled);
        return;
    }
    if (m_state != Skipped) {
        setState(Needed);
    }
    if (m_state == Needed && m_submitSuggested) {
        m_submitSuggested = false;
        enrollWithLink(m_suggestedLink);
    }
}

void EnrollmentController::enrollWithLink(const QString &link)
{
    submit(sync::EnrollmentLink::parse(link));
}

void EnrollmentController::enroll(const QString &server, const QString &code, const QString &pin)
{
    submit(sync::EnrollmentLink::fromParts(server, code, pin));
}

void EnrollmentController::submit(
    const Expected<sync::EnrollmentLink, sync::EnrollmentLink::Error> &link)
{
    if (m_state == Enrolling) {
        return;
    }
    if (!link) {
        setError(errorOf(link.error()));
        return;
    }
    setError({});
    m_pendingServer = displayName(link->server);
    setState(Enrolling);
    m_bridge.enroll(*link);
}

void EnrollmentController::skip()
{
    if (m_state == Needed) {
        setError({});
        setState(Skipped);
    }
}

void EnrollmentController::reopen()
{
    // From Enrolled too: after "sign in again" the device enrolls anew; the outbox is kept.
    if (m_state == Skipped || m_state == Enrolled) {
        setError({});
        setState(Needed);
    }
}

void EnrollmentController::handleLocked()
{
    if (m_state != Skipped) {
        setState(Unknown);
    }
}

void EnrollmentController::finished(bool ok, const QString &clientError)
{
    if (m_state != Enrolling) {
        return;
    }
    if (ok) {
        m_serverName = m_pendingServer;
        setError({});
        setState(Enrolled);
        return;
    }
    if (clientError == u"locked") {
        setState(Unknown);
        return;
    }
    setError(AppError::fromSyncWords(clientError, AppError::Enroll));
    setState(Needed);
}

void EnrollmentController::setState(State state)
{
    if (m_state != state) {
        m_state = state;
        Q_EMIT stateChanged();
    }
}

void EnrollmentController::setError(const AppError &error)
{
    if (m_error != error) {
        m_error = error;
        Q_EMIT errorChanged();
    }
}

} // namespace sb::app
