// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>
#include <QObject>
#include <QtQmlIntegration>

namespace sb::app {

/**
 * What the header shows about sync: changes waiting, last success, last error. The seam for
 * the device SyncClient (sync/client, in progress): a later change connects its signals to
 * these setters in the composition root. Until then it reports "not connected".
 */
class SyncStatus : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Built by the composition root")
    Q_PROPERTY(bool connected READ connected NOTIFY changed)
    Q_PROPERTY(int pendingCount READ pendingCount NOTIFY changed)
    Q_PROPERTY(QDateTime lastSuccess READ lastSuccess NOTIFY changed)
    Q_PROPERTY(QString lastError READ lastError NOTIFY changed)
public:
    using QObject::QObject;
    [[nodiscard]] bool connected() const { return m_connected; }
    [[nodiscard]] int pendingCount() const { return m_pending; }
    [[nodiscard]] QDateTime lastSuccess() const { return m_lastSuccess; }
    [[nodiscard]] QString lastError() const { return m_lastError; }

    void setConnected(bool connected) { m_connected = connected; Q_EMIT changed(); }
    void setPendingCount(int count) { m_pending = count; Q_EMIT changed(); }
    void setLastSuccess(const QDateTime &at) { m_lastSuccess = at; Q_EMIT changed(); }
    void setLastError(const QString &text) { m_lastError = text; Q_EMIT changed(); }

Q_SIGNALS:
    void changed();

private:
    bool m_connected = false;
    int m_pending = 0;
    QDateTime m_lastSuccess;
    QString m_lastError;
};

} // namespace sb::app
