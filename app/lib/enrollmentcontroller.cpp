// SPDX-License-Identifier: Apache-2.0
#include "enrollmentcontroller.h"

#include "enrollmentlink.h"
#include "syncbridge.h"

namespace sb::app {

namespace {

EnrollmentController::ErrorKind kindOf(sync::EnrollmentLink::Error error)
{
    using E = sync::EnrollmentLink::Error;
    switch (error) {
    case E::NotALink:
        return EnrollmentController::InvalidLink;
    case E::MissingServer:
        return EnrollmentController::MissingServer;
    case E::NotHttps:
        return EnrollmentController::NotHttps;
    case E::MissingCode:
        return EnrollmentController::MissingCode;
    case E::MissingPin:
        return EnrollmentController::MissingPin;
    case E::BadPin:
        return EnrollmentController::BadPin;
    }
    return EnrollmentController::OtherError;
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
        setError(kindOf(link.error()));
        return;
    }
    setError(NoError);
    m_pendingServer = displayName(link->server);
    setState(Enrolling);
    m_bridge.enroll(*link);
}

void EnrollmentController::skip()
{
    if (m_state == Needed) {
        setError(NoError);
        setState(Skipped);
    }
}

void EnrollmentController::reopen()
{
    // From Enrolled too: after "sign in again" the device enrolls anew; the outbox is kept.
    if (m_state == Skipped || m_state == Enrolled) {
        setError(NoError);
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
        setError(NoError);
        setState(Enrolled);
        return;
    }
    if (clientError == u"locked") {
        setState(Unknown);
        return;
    }
    const ErrorKind kind = classify(clientError);
    setError(kind, kind == OtherError ? clientError : QString());
    setState(Needed);
}

EnrollmentController::ErrorKind EnrollmentController::classify(const QString &clientError)
{
    // SyncClient's wording (sync/client/syncclient.cpp answerOf/enroll); the server answers
    // 401 to an unknown, used or expired code.
    if (clientError.contains(u"certificate")) {
        return CertificateMismatch;
    }
    // The client aborts a reply whose peer fails the pin (network error 5, "canceled") when
    // the TLS session was reused and no handshake error came first.
    if (clientError == u"no answer from the server (network error 5)") {
        return CertificateMismatch;
    }
    if (clientError.startsWith(u"no answer from the server")) {
        return Unreachable;
    }
    if (clientError.startsWith(u"Sign in again") || clientError.startsWith(u"server answered 401")
        || clientError.startsWith(u"server answered 403")) {
        return CodeRefused;
    }
    if (clientError.contains(u"https")) {
        return NotHttps;
    }
    return OtherError;
}

QString EnrollmentController::errorText() const
{
    switch (m_errorKind) {
    case NoError:
        return {};
    case InvalidLink:
        return tr("That is not an enrollment link. It starts with sessionbook://enroll.");
    case MissingServer:
        return tr("Enter the server address, for example https://office.example:8443.");
    case NotHttps:
        return tr("The server address must start with https://.");
    case MissingCode:
        return tr("Enter the one-time code from your office.");
    case MissingPin:
        return tr("Enter the server's key fingerprint from your office: it proves that this is "
                  "your office's server.");
    case BadPin:
        return tr("The key fingerprint must be 64 hexadecimal digits.");
    case Unreachable:
        return tr("The server could not be reached. Check the address and your network, then "
                  "try again.");
    case CertificateMismatch:
        return tr("The server's key does not match the fingerprint you were given. "
                  "Ask your office for a new enrollment link.");
    case CodeRefused:
        return tr("The code was not accepted: it may be mistyped, already used or expired. Ask "
                  "your office for a new one.");
    case OtherError:
        break;
    }
    return tr("Enrollment failed (%1). Try again or contact your office.").arg(m_errorDetail);
}

void EnrollmentController::setState(State state)
{
    if (m_state != state) {
        m_state = state;
        Q_EMIT stateChanged();
    }
}

void EnrollmentController::setError(ErrorKind kind, const QString &detail)
{
    if (m_errorKind != kind || m_errorDetail != detail) {
        m_errorKind = kind;
        m_errorDetail = detail;
        Q_EMIT errorChanged();
    }
}

} // namespace sb::app
