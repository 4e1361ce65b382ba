// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "apperror.h"
#include "enrollmentlink.h"

#include <QObject>
#include <QtQmlIntegration>

namespace sb::app {

class SyncBridge;

/**
 * First-run enrollment of this device with the office's sync server: a pasted enrollment
 * link (sessionbook://enroll?server=...&code=...&pin=...) or the server address, the
 * one-time code and the server key fingerprint typed separately. Runs after the
 * passcode is chosen (the enrollment is kept in the encrypted store). Errors are short,
 * plain and never contain PHI; the clinician may skip and enroll later (capture works
 * offline; signed sessions wait in the outbox).
 */
class EnrollmentController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Built by the composition root")
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    /// Why the last enrollment failed (None: it did not); the page words it.
    Q_PROPERTY(sb::app::AppError error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString suggestedLink READ suggestedLink NOTIFY suggestedLinkChanged)
    Q_PROPERTY(QString serverName READ serverName NOTIFY stateChanged)
public:
    /// Unknown while locked; Needed shows the enrollment page.
    enum State { Unknown, Needed, Enrolling, Enrolled, Skipped };
    Q_ENUM(State)

    explicit EnrollmentController(SyncBridge &bridge, QObject *parent = nullptr);

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] AppError error() const { return m_error; }
    [[nodiscard]] QString suggestedLink() const { return m_suggestedLink; }
    [[nodiscard]] QString serverName() const { return m_serverName; }

    /// A link given on the command line (`sessionbook --enroll LINK`): shown prefilled and,
    /// with `submit`, sent as soon as the app is unlocked and not yet enrolled.
    void setSuggestedLink(const QString &link, bool submit);

    Q_INVOKABLE void enrollWithLink(const QString &link);
    Q_INVOKABLE void enroll(const QString &server, const QString &code, const QString &pin);
    /// Continue offline; the Today header offers enrollment again.
    Q_INVOKABLE void skip();
    /// Shows the enrollment page again (from the Today header: not yet enrolled, or the
    /// server asks to sign in again).
    Q_INVOKABLE void reopen();

    /// The app locked: the page state is unknown until the next unlock says.
    void handleLocked();

Q_SIGNALS:
    void stateChanged();
    void errorChanged();
    void suggestedLinkChanged();

private:
    /// Sends a parsed link (typed in parts or pasted whole) unless one is already on its way.
    void submit(const Expected<sync::EnrollmentLink, sync::EnrollmentLink::Error> &link);
    void started(bool enrolled);
    void finished(bool ok, const QString &clientError);
    void setState(State state);
    void setError(const AppError &error);

    SyncBridge &m_bridge;
    State m_state = Unknown;
    AppError m_error;
    QString m_suggestedLink;
    bool m_submitSuggested = false;
    QString m_serverName;
    QString m_pendingServer;
};

} // namespace sb::app
