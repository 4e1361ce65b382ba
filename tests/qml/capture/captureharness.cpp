// SPDX-License-Identifier: Apache-2.0
#include "captureharness.h"

#include "demodevice.h"
#include "secrettokenstore.h"

#include <QDateTime>
#include <QDir>

CaptureHarness::CaptureHarness()
    : m_clock(QDateTime::currentMSecsSinceEpoch())
    , m_secrets(std::make_unique<sb::FakeFileSecretStore>(
          QDir(m_dir.path()).filePath(QStringLiteral("keystore"))))
{
    sb::app::StoreHost::Config config;
    config.vaultPath = QDir(m_dir.path()).filePath(QStringLiteral("vault.json"));
    config.storePath = QDir(m_dir.path()).filePath(QStringLiteral("device.db"));
    config.secrets = m_secrets.get();
    config.clock = &m_clock;
    config.vaultOptions.iterations = 1000;
    // The demo practice with Sam Lindqvist enrolled as the device's clinician.
    config.prepareNewStore = [](sb::Store &store) {
        return sb::demo::prepareDemoDevice(store, QStringLiteral("sam.lindqvist"));
    };
    m_host = std::make_unique<sb::app::StoreHost>(config);
    m_lock = std::make_unique<sb::app::LockController>(*m_host);
    m_today = std::make_unique<sb::app::TodayModel>(*m_host);
    m_capture = std::make_unique<sb::app::SessionController>(*m_host);
    m_sync = std::make_unique<sb::app::SyncStatus>(m_clock);
    sb::app::SyncBridge::Config sync;
    sync.tokens = std::make_shared<sb::app::SecretTokenStore>(*m_secrets);
    m_bridge = std::make_unique<sb::app::SyncBridge>(*m_host, *m_sync, sync);
    m_enrollment = std::make_unique<sb::app::EnrollmentController>(*m_bridge);
    m_tasks = std::make_unique<sb::app::TaskModel>(*m_host);
    m_trail = std::make_unique<sb::app::SessionTrailModel>(*m_host);
    connect(m_lock.get(), &sb::app::LockController::unlocked, m_today.get(),
            &sb::app::TodayModel::reload);
    connect(m_today.get(), &sb::app::TodayModel::loaded, this, [this] {
        if (!m_ready) {
            m_ready = true;
            Q_EMIT readyChanged();
        }
    });
    m_lock->choosePasscode(QStringLiteral("harness-passcode"), QStringLiteral("harness-passcode"));
}

CaptureHarness::~CaptureHarness()
{
    // Controllers go before the host whose thread they post to.
    m_trail.reset();
    m_tasks.reset();
    m_enrollment.reset();
    m_bridge.reset();
    m_sync.reset();
    m_capture.reset();
    m_today.reset();
    m_lock.reset();
    m_host.reset();
}

void CaptureHarness::startFirstPatient()
{
    if (m_today->rowCount() == 0) {
        return;
    }
    const QModelIndex row = m_today->index(0, 0);
    m_capture->start(row.data(sb::app::TodayModel::PatientIdRole).toString(),
                     row.data(sb::app::TodayModel::PatientNameRole).toString());
}

void CaptureHarness::showSyncFailure(const QString &words)
{
    if (words.isEmpty()) {
        m_sync->reset();
        return;
    }
    sb::app::SyncSnapshot failed;
    failed.enrolled = true;
    failed.pendingCount = 1;
    failed.lastSuccess = m_clock.nowUtc().addSecs(-3 * 60);
    failed.lastError = words;
    m_sync->apply(failed);
}

void CaptureHarness::advanceMinutes(int minutes)
{
    m_clock.advanceMs(std::int64_t(minutes) * 60 * 1000);
    Q_EMIT m_capture->timer()->elapsedChanged();
}
