// SPDX-License-Identifier: Apache-2.0
#include "syncstatus.h"

#include "util/clock.h"

namespace sb::app {

SyncStatus::SyncStatus(const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
{
    m_refresh.setInterval(30 * 1000);
    connect(&m_refresh, &QTimer::timeout, this, &SyncStatus::changed);
    m_refresh.start();
}

QString SyncStatus::lastSuccessText() const
{
    if (!m_state.lastSuccess.isValid()) {
        return tr("never synced");
    }
    const qint64 minutes = m_state.lastSuccess.secsTo(m_clock.nowUtc()) / 60;
    if (minutes < 1) {
        return tr("synced just now");
    }
    if (minutes < 60) {
        return tr("synced %1 min ago").arg(minutes);
    }
    if (minutes < 24 * 60) {
        return tr("synced %1 h ago").arg(minutes / 60);
    }
    return tr("synced %1").arg(m_state.lastSuccess.toLocalTime().toString(QStringLiteral("MMM d")));
}

AppError SyncStatus::error() const
{
    return AppError::fromSyncWords(m_state.lastError, AppError::Sync);
}

bool SyncStatus::offline() const
{
    return m_state.enrolled && !m_state.signInRequired && !m_state.lastError.isEmpty();
}

void SyncStatus::apply(const SyncSnapshot &snapshot)
{
    if (snapshot == m_state) {
        return;
    }
    m_state = snapshot;
    Q_EMIT changed();
}

void SyncStatus::reset()
{
    apply(SyncSnapshot{});
}

} // namespace sb::app
