// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "enrollmentcontroller.h"
#include "lockcontroller.h"
#include "sessioncontroller.h"
#include "sessiontrailmodel.h"
#include "storehost.h"
#include "syncbridge.h"
#include "syncstatus.h"
#include "taskmodel.h"
#include "textscale.h"
#include "todaymodel.h"

#include <QQmlApplicationEngine>
#include <QSettings>

#include <functional>

class QQuickWindow;

namespace sb::app {

/**
 * The clinician app's object graph, built and wired in one place: the store host, the lock,
 * the models and controllers, the sync bridge and the QML engine that shows
 * Sessionbook.Clinician. `sessionbook` runs it over the device's store; the scripted
 * walkthrough (`sessionbook-walkthrough`) runs the same graph over a throwaway one.
 */
class ClinicianApp {
public:
    struct Config {
        QString dataDirectory;
        /// The keystore: the vault's device secret and the device token.
        SecretStore *secrets = nullptr;
        const Clock *clock = nullptr;
        /// Device settings (idle timeout, text size) are read and kept across restarts.
        bool deviceSettings = true;
        /// Sync on regained reachability where Qt has a backend for it.
        bool watchConnectivity = true;
        /// StoreHost::Config::prepareNewStore; the app sets none.
        std::function<StoreResult<void>(Store &)> prepareNewStore;
        /// The scrubber settings behind the payer warnings; null: the built-in rules.
        std::shared_ptr<const claims::ScrubSettings> scrubSettings;
    };

    /// Once per process, after the QGuiApplication and before a ClinicianApp: the names
    /// QSettings files under, the Material style and the translations (plural forms).
    static void prepareApplication();

    explicit ClinicianApp(const Config &config);
    ClinicianApp(const ClinicianApp &) = delete;
    ClinicianApp &operator=(const ClinicianApp &) = delete;

    /// Loads Sessionbook.Clinician; false when its window could not be made.
    bool load();
    [[nodiscard]] QQmlApplicationEngine &engine() { return m_engine; }
    /// The window once load() succeeded, else null.
    [[nodiscard]] QQuickWindow *window() const;

    [[nodiscard]] StoreHost &host() { return m_host; }
    [[nodiscard]] LockController &lock() { return m_lock; }
    [[nodiscard]] TextScale &textScale() { return m_textScale; }
    [[nodiscard]] TodayModel &today() { return m_today; }
    [[nodiscard]] SessionController &capture() { return m_capture; }
    [[nodiscard]] TaskModel &tasks() { return m_tasks; }
    [[nodiscard]] SessionTrailModel &trail() { return m_trail; }
    [[nodiscard]] SyncStatus &sync() { return m_sync; }
    [[nodiscard]] EnrollmentController &enrollment() { return m_enrollment; }

private:
    static StoreHost::Config hostConfig(const Config &config);
    static SyncBridge::Config bridgeConfig(SecretStore &secrets);
    void wire(bool watchConnectivity);

    // Declared in the order they are built; the engine is last, so it goes first.
    QSettings m_settings;
    StoreHost m_host;
    LockController m_lock;
    TextScale m_textScale;
    TodayModel m_today;
    SessionController m_capture;
    TaskModel m_tasks;
    SessionTrailModel m_trail;
    SyncStatus m_sync;
    SyncBridge m_bridge;
    EnrollmentController m_enrollment;
    QQmlApplicationEngine m_engine;
};

} // namespace sb::app
