// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "enrollmentcontroller.h"
#include "lockcontroller.h"
#include "secretstore.h"
#include "sessioncontroller.h"
#include "sessiontrailmodel.h"
#include "storehost.h"
#include "syncbridge.h"
#include "syncstatus.h"
#include "taskmodel.h"
#include "textscale.h"
#include "todaymodel.h"
#include "util/clock.h"

#include <QObject>
#include <QTemporaryDir>
#include <QtQmlIntegration>

#include <memory>

class QQmlEngine;
class QJSEngine;

/**
 * The real controllers for the capture-flow QML test, one set per QML engine: a StoreHost on
 * a temporary encrypted store with the FAKE keystore, the demo practice and a ManualClock,
 * unlocked and with Today loaded (then `ready`). Exposed as a QML singleton, not a context
 * property. Also the rest of what Main.qml takes (sync header, enrollment, tasks, trail) for
 * the layout test; sync never starts (no server); the text size is kept in no settings.
 */
class CaptureHarness : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(sb::app::SessionController *capture READ capture CONSTANT)
    Q_PROPERTY(sb::app::TodayModel *today READ today CONSTANT)
    Q_PROPERTY(sb::app::LockController *lock READ lock CONSTANT)
    Q_PROPERTY(sb::app::SyncStatus *sync READ sync CONSTANT)
    Q_PROPERTY(sb::app::EnrollmentController *enrollment READ enrollment CONSTANT)
    Q_PROPERTY(sb::app::TaskModel *tasks READ tasks CONSTANT)
    Q_PROPERTY(sb::app::SessionTrailModel *trail READ trail CONSTANT)
    Q_PROPERTY(sb::app::TextScale *textScale READ textScale CONSTANT)
    Q_PROPERTY(bool ready READ ready NOTIFY readyChanged)
public:
    CaptureHarness();
    ~CaptureHarness() override;
    static CaptureHarness *create(QQmlEngine *, QJSEngine *) { return new CaptureHarness; }

    [[nodiscard]] sb::app::SessionController *capture() { return m_capture.get(); }
    [[nodiscard]] sb::app::TodayModel *today() { return m_today.get(); }
    [[nodiscard]] sb::app::LockController *lock() { return m_lock.get(); }
    [[nodiscard]] sb::app::SyncStatus *sync() { return m_sync.get(); }
    [[nodiscard]] sb::app::EnrollmentController *enrollment() { return m_enrollment.get(); }
    [[nodiscard]] sb::app::TaskModel *tasks() { return m_tasks.get(); }
    [[nodiscard]] sb::app::SessionTrailModel *trail() { return m_trail.get(); }
    [[nodiscard]] sb::app::TextScale *textScale() { return &m_textScale; }
    [[nodiscard]] bool ready() const { return m_ready; }

    /// Starts a session for the first patient of Today.
    Q_INVOKABLE void startFirstPatient();
    /// Moves the manual clock on and lets the screen see it.
    Q_INVOKABLE void advanceMinutes(int minutes);
    /// Shows an enrolled device whose last sync failed with the sync client's `words` (a
    /// scripted run has no server); empty words: back to "not connected".
    Q_INVOKABLE void showSyncFailure(const QString &words);

Q_SIGNALS:
    void readyChanged();

private:
    QTemporaryDir m_dir;
    sb::ManualClock m_clock;
    std::unique_ptr<sb::FakeFileSecretStore> m_secrets;
    std::unique_ptr<sb::app::StoreHost> m_host;
    std::unique_ptr<sb::app::LockController> m_lock;
    std::unique_ptr<sb::app::TodayModel> m_today;
    std::unique_ptr<sb::app::SessionController> m_capture;
    std::unique_ptr<sb::app::SyncStatus> m_sync;
    std::unique_ptr<sb::app::SyncBridge> m_bridge;
    std::unique_ptr<sb::app::EnrollmentController> m_enrollment;
    std::unique_ptr<sb::app::TaskModel> m_tasks;
    std::unique_ptr<sb::app::SessionTrailModel> m_trail;
    sb::app::TextScale m_textScale{nullptr};
    bool m_ready = false;
};
