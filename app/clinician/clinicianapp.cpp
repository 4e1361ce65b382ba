// SPDX-License-Identifier: Apache-2.0
#include "clinicianapp.h"

#include "secrettokenstore.h"
#include "translations.h"

#include <QDir>
#include <QGuiApplication>
#include <QNetworkInformation>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSysInfo>

#include <algorithm>

Q_IMPORT_QML_PLUGIN(Sessionbook_AppPlugin)
Q_IMPORT_QML_PLUGIN(Sessionbook_ComponentsPlugin)
Q_IMPORT_QML_PLUGIN(Sessionbook_ClinicianPlugin)

namespace sb::app {

namespace {
const QString idleKey = QStringLiteral("lock/idleTimeoutSeconds");
}

void ClinicianApp::prepareApplication()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Sessionbook"));
    QCoreApplication::setApplicationName(QStringLiteral("sessionbook"));
    QQuickStyle::setStyle(QStringLiteral("Material"));
    // Before any text is made: plurals ("1 item", "3 items") come from the embedded .qm files.
    if (installTranslations().isEmpty()) {
        qWarning("sessionbook: no translation in :/i18n; plurals will read \"item(s)\"");
    }
}

StoreHost::Config ClinicianApp::hostConfig(const Config &config)
{
    StoreHost::Config host;
    host.vaultPath = QDir(config.dataDirectory).filePath(QStringLiteral("keyvault.json"));
    host.storePath = QDir(config.dataDirectory).filePath(QStringLiteral("sessionbook.db"));
    host.secrets = config.secrets;
    host.clock = config.clock;
    host.prepareNewStore = config.prepareNewStore;
    host.scrubSettings = config.scrubSettings;
    if (config.deviceSettings) {
        // The wipe policy: erase the key after this many wrong passcodes (0: never).
        host.vaultOptions.wipeAfterFailures =
            std::max(0, QSettings().value(QStringLiteral("lock/wipeAfterFailures"), 0).toInt());
    }
    return host;
}

SyncBridge::Config ClinicianApp::bridgeConfig(SecretStore &secrets)
{
    // The sync client lives on the store thread (built after unlock, dropped on lock); its
    // device token is kept in the same keystore as the vault's device secret.
    SyncBridge::Config sync;
    sync.tokens = std::make_shared<SecretTokenStore>(secrets);
    sync.options.clientVersion =
        QStringLiteral("sessionbook/") + QStringLiteral(SESSIONBOOK_VERSION);
    sync.options.deviceName = QSysInfo::machineHostName();
    sync.options.platform = QSysInfo::productType();
    return sync;
}

// The text size is a device setting. Qt 6.4 exposes no system text scale to the Material
// style on the platforms we ship, so the platform's step is Default until one does
// (TextScale takes it as platformFactor).
ClinicianApp::ClinicianApp(const Config &config)
    : m_host(hostConfig(config))
    , m_lock(m_host)
    , m_textScale(config.deviceSettings ? &m_settings : nullptr)
    , m_today(m_host)
    , m_capture(m_host)
    , m_tasks(m_host)
    , m_trail(m_host)
    , m_sync(*config.clock)
    , m_bridge(m_host, m_sync, bridgeConfig(*config.secrets))
    , m_enrollment(m_bridge)
{
    // The idle auto-lock is a device setting too (default 5 minutes).
    if (config.deviceSettings) {
        m_lock.setIdleTimeoutSeconds(m_settings.value(idleKey, 5 * 60).toInt());
        QObject::connect(&m_lock, &LockController::idleTimeoutSecondsChanged, &m_lock,
                         [this] { m_settings.setValue(idleKey, m_lock.idleTimeoutSeconds()); });
    }
    wire(config.watchConnectivity);
    // Qt 6.4 puts module resources under qrc:/<URI path> (no QTP0001 policy yet).
    m_engine.addImportPath(QStringLiteral("qrc:/"));
    m_engine.setInitialProperties(
        {{QStringLiteral("lock"), QVariant::fromValue(&m_lock)},
         {QStringLiteral("today"), QVariant::fromValue(&m_today)},
         {QStringLiteral("capture"), QVariant::fromValue(&m_capture)},
         {QStringLiteral("sync"), QVariant::fromValue(&m_sync)},
         {QStringLiteral("enrollment"), QVariant::fromValue(&m_enrollment)},
         {QStringLiteral("tasks"), QVariant::fromValue(&m_tasks)},
         {QStringLiteral("trail"), QVariant::fromValue(&m_trail)},
         {QStringLiteral("textScale"), QVariant::fromValue(&m_textScale)}});
}

void ClinicianApp::wire(bool watchConnectivity)
{
    // First after an unlock (or a restart after the app was killed mid-session): the session
    // that was on screen, or one whose timer was never stopped, comes back, its time counted
    // from the stored taps; Today and sync load behind it.
    QObject::connect(&m_lock, &LockController::unlocked, &m_capture,
                     &SessionController::resumeInterrupted);
    QObject::connect(&m_lock, &LockController::unlocked, &m_today, &TodayModel::reload);
    QObject::connect(&m_lock, &LockController::unlocked, &m_bridge, &SyncBridge::start);
    QObject::connect(&m_lock, &LockController::unlocked, &m_tasks, &TaskModel::reload);
    QObject::connect(&m_lock, &LockController::locked, &m_today, &TodayModel::clear);
    QObject::connect(&m_lock, &LockController::locked, &m_tasks, &TaskModel::clear);
    QObject::connect(&m_lock, &LockController::locked, &m_trail, &SessionTrailModel::clear);
    QObject::connect(&m_lock, &LockController::locked, &m_enrollment,
                     &EnrollmentController::handleLocked);
    // Before the store closes: a note typed in the last second is saved, then the open
    // session (PHI) leaves memory until the unlock brings it back.
    QObject::connect(&m_lock, &LockController::locked, &m_capture,
                     &SessionController::handleLocked);
    QObject::connect(&m_lock, &LockController::locked, &m_bridge, &SyncBridge::stop);
    // Today lists the day's sessions with their phase: started, paused, stopped, signed. Not
    // while locked: the lock drops the session (a phase change), and a reload then would
    // bring the day's names back into memory before the store closes.
    QObject::connect(&m_capture, &SessionController::phaseChanged, &m_today, [this] {
        if (m_lock.state() == LockController::Unlocked) {
            m_today.reload();
        }
    });
    QObject::connect(&m_sync, &SyncStatus::syncRequested, &m_bridge, &SyncBridge::syncNow);
    // Each timer tap records the server offset known then (none until a sync measured one).
    QObject::connect(&m_sync, &SyncStatus::changed, &m_capture,
                     [this] { m_capture.timerClock().setServerOffset(m_sync.serverOffsetMs()); });
    QObject::connect(&m_bridge, &SyncBridge::identityChanged, &m_lock,
                     &LockController::setClinicianName);
    QObject::connect(&m_bridge, &SyncBridge::identityChanged, &m_today, &TodayModel::reload);
    QObject::connect(&m_bridge, &SyncBridge::syncFinished, &m_today, [this] {
        m_today.reload();
        m_tasks.reload();
        if (!m_trail.sessionId().isEmpty()) {
            m_trail.refresh();
        }
    });
    QObject::connect(qGuiApp, &QGuiApplication::applicationStateChanged, &m_lock,
                     &LockController::handleApplicationState);
    QObject::connect(qGuiApp, &QGuiApplication::applicationStateChanged, &m_bridge,
                     &SyncBridge::handleApplicationState);
    qGuiApp->installEventFilter(&m_lock);
    // Sync on regained reachability where Qt has a backend for it; without one, resume and
    // the periodic timer still sync.
    if (watchConnectivity
        && QNetworkInformation::loadBackendByFeatures(QNetworkInformation::Feature::Reachability)) {
        QObject::connect(QNetworkInformation::instance(), &QNetworkInformation::reachabilityChanged,
                         &m_bridge, [this](QNetworkInformation::Reachability reachability) {
                             if (reachability == QNetworkInformation::Reachability::Online) {
                                 m_bridge.connectivityRegained();
                             }
                         });
    }
}

bool ClinicianApp::load()
{
    m_engine.load(QUrl(QStringLiteral("qrc:/Sessionbook/Clinician/Main.qml")));
    return window() != nullptr;
}

QQuickWindow *ClinicianApp::window() const
{
    const QList<QObject *> roots = m_engine.rootObjects();
    return roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(roots.constFirst());
}

} // namespace sb::app
