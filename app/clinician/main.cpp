// SPDX-License-Identifier: Apache-2.0
// sessionbook: the clinician app. This file is the composition root: it builds the store
// host, the controllers and the QML engine, wires them, and loads Sessionbook.Clinician.
//
//   sessionbook                      run the app (data in DevicePaths::dataDirectory())
//   sessionbook --self-test          load every page offscreen through the capture flow on a
//                                    throwaway demo store; exit 1 on any QML warning
//   sessionbook --screenshots DIR    the same flow, saving PNGs at phone and tablet sizes,
//                                    light and dark
//   sessionbook --enroll LINK        enroll with this sessionbook://enroll?... link right
//                                    after the passcode is chosen (scripts/demo uses it)
//   sessionbook --exit-after-first-frame   (hidden; bench-app-start) print when the first
//                                    frame of the window was swapped, then exit
#include "devicepaths.h"
#include "diagnosissearchmodel.h"
#include "enrollmentcontroller.h"
#include "lockcontroller.h"
#include "secretstore.h"
#include "secrettokenstore.h"
#include "sessioncontroller.h"
#include "sessiontrailmodel.h"
#include "storehost.h"
#include "syncbridge.h"
#include "syncstatus.h"
#include "taskmodel.h"
#include "textscale.h"
#include "todaymodel.h"
#include "translations.h"
#include "util/clock.h"

#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QDir>
#include <QGuiApplication>
#include <QNetworkInformation>
#include <QQmlApplicationEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSettings>
#include <QSysInfo>
#include <QTemporaryDir>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>

Q_IMPORT_QML_PLUGIN(Sessionbook_AppPlugin)
Q_IMPORT_QML_PLUGIN(Sessionbook_ComponentsPlugin)
Q_IMPORT_QML_PLUGIN(Sessionbook_ClinicianPlugin)

namespace {

int g_warnings = 0;
QtMessageHandler g_previousHandler = nullptr;

/// Counts warnings (QML errors arrive as warnings) for --self-test, then prints as usual.
void countingHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg || type == QtCriticalMsg || type == QtFatalMsg) {
        ++g_warnings;
    }
    g_previousHandler(type, context, message);
}

bool waitFor(const std::function<bool()> &done, int timeoutMs = 10000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired()) {
            return false;
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    QCoreApplication::processEvents();
    return true;
}

/**
 * The scripted walk through every page used by --self-test and --screenshots: first run,
 * unlock, Today, a 38-minute capture (on the manual clock) with details, a diagnosis search,
 * a blocked then ready checklist, the note, sign, an addendum, a second session stopped as a
 * draft and reopened from Today, the signed one reopened from an office task asking for an
 * addendum, lock. Today, the running timer and the stopped session are also shown at the
 * largest text size ("-largest" shots). Drives the controllers directly; QML reacts as it
 * would to taps.
 */
class Walkthrough {
public:
    Walkthrough(QQuickWindow &window, sb::ManualClock &clock, sb::app::LockController &lock,
                sb::app::EnrollmentController &enrollment, sb::app::TodayModel &today,
                sb::app::SessionController &capture, sb::app::SessionTrailModel &trail,
                sb::app::SyncStatus &sync, sb::app::TaskModel &tasks, sb::app::TextScale &textScale,
                QString outDir)
        : m_window(window)
        , m_clock(clock)
        , m_lock(lock)
        , m_enrollment(enrollment)
        , m_today(today)
        , m_capture(capture)
        , m_trail(trail)
        , m_sync(sync)
        , m_tasks(tasks)
        , m_textScale(textScale)
        , m_outDir(std::move(outDir))
    {
    }

    bool run()
    {
        m_window.setProperty("coverWhenInactive", false);
        shoot(QStringLiteral("lock-first-run"));
        m_lock.choosePasscode(QStringLiteral("walkthrough-passcode"),
                              QStringLiteral("walkthrough-passcode"));
        bool loaded = false;
        auto connection =
            QObject::connect(&m_today, &sb::app::TodayModel::loaded, [&loaded] { loaded = true; });
        using Enrollment = sb::app::EnrollmentController;
        if (!step("unlock", [&] { return m_lock.state() == sb::app::LockController::Unlocked; })
            || !step("enroll", [&] { return m_enrollment.state() == Enrollment::Needed; })) {
            return false;
        }
        shoot(QStringLiteral("enroll"));
        m_enrollment.enrollWithLink(QStringLiteral("https://office.example/not-a-link"));
        shoot(QStringLiteral("enroll-error"));
        m_enrollment.skip();
        if (!step("today", [&] { return loaded && m_today.rowCount() > 0; })) {
            return false;
        }
        QObject::disconnect(connection);
        shoot(QStringLiteral("today"));
        shootLargest(QStringLiteral("today"));
        if (auto *menu = m_window.findChild<QObject *>(QStringLiteral("settingsMenu"))) {
            QMetaObject::invokeMethod(menu, "open");
            waitFor([menu] { return menu->property("opened").toBool(); });
            shoot(QStringLiteral("today-settings"));
            shootLargest(QStringLiteral("today-settings"));
            QMetaObject::invokeMethod(menu, "close");
        }
        // The header and task list as an enrolled device shows them while offline (a
        // scripted run has no server: fictional values, put back afterwards).
        sb::app::SyncSnapshot offline;
        offline.enrolled = true;
        offline.pendingCount = 2;
        offline.lastSuccess = m_clock.nowUtc().addSecs(-3 * 60);
        offline.lastError = QStringLiteral("no answer from the server (network error 99)");
        offline.clockSkewed = true;
        m_sync.apply(offline);
        const QModelIndex seen = m_today.index(0, 0);
        m_tasks.setRows(
            {sb::app::TaskRow{QStringLiteral("walkthrough-task"),
                              seen.data(sb::app::TodayModel::SessionIdRole).toString(),
                              QStringLiteral("addendum_requested"),
                              QStringLiteral("Please add the start and stop times to the note."),
                              seen.data(sb::app::TodayModel::PatientNameRole).toString(),
                              m_clock.nowUtc().addSecs(-40 * 60)}});
        shoot(QStringLiteral("today-sync"));
        m_tasks.clear();
        m_sync.reset();

        const QModelIndex first = m_today.index(0, 0);
        m_capture.start(first.data(sb::app::TodayModel::PatientIdRole).toString(),
                        first.data(sb::app::TodayModel::PatientNameRole).toString());
        if (!step("start",
                  [&] { return m_capture.phase() == sb::app::SessionController::Running; })) {
            return false;
        }
        m_clock.advanceMs(38 * 60 * 1000 + 12 * 1000);
        Q_EMIT m_capture.elapsedChanged();
        shoot(QStringLiteral("capture-running"));
        shootLargest(QStringLiteral("capture-running"));

        // Session details, then the diagnosis picker searching by words.
        m_capture.setModality(QStringLiteral("video"));
        m_capture.setPatientLocation(QStringLiteral("home"));
        m_capture.addParticipant(QStringLiteral("Alex Rivera"), QStringLiteral("family_member"));
        sb::app::DiagnosisSearchModel &search = *m_capture.diagnosisSearch();
        if (!step("code index", [&] { return search.ready(); })) {
            return false;
        }
        bool answered = false;
        auto searched = QObject::connect(&search, &sb::app::DiagnosisSearchModel::resultsReady,
                                         [&answered] { answered = true; });
        setSearchText(QStringLiteral("generalized anx"));
        if (!step("search", [&] { return answered && search.rowCount() > 0; })) {
            return false;
        }
        QObject::disconnect(searched);
        shoot(QStringLiteral("capture-details"), "participantName");
        shoot(QStringLiteral("capture-diagnosis-search"), "diagnosisSearchField");
        setSearchText(QString());
        m_capture.pause();
        m_capture.resume();
        m_capture.stop();
        if (!step("stop", [&] { return !m_capture.busy(); })) {
            return false;
        }
        shoot(QStringLiteral("capture-blocked"));
        // Leaving a stopped, unsigned session asks first and says what still blocks.
        if (auto *dialog = m_window.findChild<QObject *>(QStringLiteral("leaveDialog"))) {
            QMetaObject::invokeMethod(dialog, "open");
            shoot(QStringLiteral("capture-leave"));
            QMetaObject::invokeMethod(dialog, "close");
        }
        if (!m_capture.addDiagnosis(QStringLiteral("F41.1"))) {
            std::fprintf(stderr, "self-test: diagnosis refused\n");
            return false;
        }
        m_capture.applyTemplate(QStringLiteral("SOAP"));
        // Typed into the note as a clinician would; the text area hands it to setNote().
        if (auto *note = m_window.findChild<QQuickItem *>(QStringLiteral("noteArea"))) {
            const QString typed = m_capture.note() + QStringLiteral("Fictional walkthrough note.");
            note->setProperty("text", typed);
        }
        m_capture.flushNote();
        if (!step("ready", [&] { return m_capture.canSign(); })) {
            return false;
        }
        shoot(QStringLiteral("capture-stopped"));
        shootLargest(QStringLiteral("capture-stopped"));
        shoot(QStringLiteral("capture-note"), "noteArea");
        m_capture.sign();
        if (!step("sign",
                  [&] { return m_capture.phase() == sb::app::SessionController::Signed; })) {
            return false;
        }
        shoot(QStringLiteral("capture-signed"));
        m_capture.addAddendum(QStringLiteral("Fictional addendum: follow-up call scheduled."));
        if (!step("addendum", [&] { return m_capture.addenda().size() == 1; })) {
            return false;
        }
        shoot(QStringLiteral("capture-addendum"));
        const QString signedId =
            m_capture.session() ? m_capture.session()->id.toString() : QString();
        const QString signedName = m_capture.patientName();
        m_trail.load(signedId, signedName);
        if (!step("status trail", [&] { return m_trail.rowCount() > 0; })) {
            return false;
        }
        shoot(QStringLiteral("session-status"));
        m_trail.clear();
        if (!reopen(signedId, signedName)) {
            return false;
        }
        m_window.setProperty("coverWhenInactive", true);
        shoot(QStringLiteral("privacy-cover"));
        m_window.setProperty("coverWhenInactive", false);
        m_capture.close();
        m_lock.lock();
        if (!step("lock", [&] { return m_lock.state() == sb::app::LockController::Locked; })) {
            return false;
        }
        shoot(QStringLiteral("lock"));
        m_lock.unlock(QStringLiteral("not-the-passcode"));
        if (!step("wrong passcode", [&] {
                return m_lock.state() == sb::app::LockController::Locked
                       && !m_lock.errorText().isEmpty();
            })) {
            return false;
        }
        shoot(QStringLiteral("lock-wrong-passcode"));
        return true;
    }

private:
    /// Today lists the day's sessions: a stopped draft reopens with its stored minutes, and an
    /// office task opens the signed session `signedId` ready for an addendum.
    bool reopen(const QString &signedId, const QString &signedName)
    {
        using Phase = sb::app::SessionController::Phase;
        m_capture.close();
        QString patientId;
        QString patientName;
        for (int i = 0; i < m_today.rowCount(); ++i) {
            const QModelIndex row = m_today.index(i, 0);
            if (!row.data(sb::app::TodayModel::SeenTodayRole).toBool()) {
                patientId = row.data(sb::app::TodayModel::PatientIdRole).toString();
                patientName = row.data(sb::app::TodayModel::PatientNameRole).toString();
                break;
            }
        }
        m_capture.start(patientId, patientName);
        if (!step("second start", [&] { return m_capture.phase() == Phase::Running; })) {
            return false;
        }
        m_clock.advanceMs(12 * 60 * 1000);
        m_capture.stop();
        const QString draftId = m_capture.sessionId();
        if (!step("second stop", [&] { return !m_capture.busy(); })) {
            return false;
        }
        m_capture.close();
        const auto listed = [&](const QString &id) {
            for (int i = 0; i < m_today.rowCount(); ++i) {
                if (m_today.index(i, 0).data(sb::app::TodayModel::SessionIdRole) == id) {
                    return true;
                }
            }
            return false;
        };
        if (!step("today lists the draft", [&] { return !m_today.loading() && listed(draftId); })) {
            return false;
        }
        shoot(QStringLiteral("today-sessions"));
        m_capture.open(draftId);
        if (!step("reopen draft", [&] {
                return m_capture.sessionId() == draftId && m_capture.phase() == Phase::Stopped
                       && m_capture.elapsedSeconds() == 12 * 60;
            })) {
            return false;
        }
        shoot(QStringLiteral("capture-reopened"));
        m_capture.close();
        m_tasks.setRows({sb::app::TaskRow{
            QStringLiteral("walkthrough-task"), signedId, QStringLiteral("addendum_requested"),
            QStringLiteral("Please add the start and stop times to the note."), signedName,
            m_clock.nowUtc().addSecs(-10 * 60)}});
        m_tasks.open(0); // what tapping the task does
        if (!step("task opens the signed session", [&] {
                return m_capture.sessionId() == signedId && m_capture.phase() == Phase::Signed
                       && m_capture.addendumRequested();
            })) {
            return false;
        }
        shoot(QStringLiteral("capture-addendum-requested"), "addendumText");
        m_tasks.clear();
        m_capture.close();
        return true;
    }

    bool step(const char *name, const std::function<bool()> &done)
    {
        if (waitFor(done)) {
            return true;
        }
        std::fprintf(stderr, "self-test: step '%s' timed out\n", name);
        return false;
    }

    /// Types into the diagnosis search field as a clinician would.
    void setSearchText(const QString &text)
    {
        if (auto *field =
                m_window.findChild<QQuickItem *>(QStringLiteral("diagnosisSearchField"))) {
            field->setProperty("text", text);
        }
        m_capture.diagnosisSearch()->setQuery(text);
    }

    /// Scrolls the capture screen so that the item named `target` is near the top (or to the
    /// top without one).
    void scrollTo(const char *target)
    {
        auto *scroll = m_window.findChild<QQuickItem *>(QStringLiteral("captureScroll"));
        auto *flick = scroll ? scroll->property("contentItem").value<QQuickItem *>() : nullptr;
        if (flick == nullptr) {
            return;
        }
        qreal y = 0;
        if (target != nullptr) {
            if (auto *item = m_window.findChild<QQuickItem *>(QString::fromLatin1(target))) {
                auto *content = flick->property("contentItem").value<QQuickItem *>();
                y = item->mapToItem(content, QPointF(0, 0)).y() - 120;
            }
        }
        const qreal maxY = flick->property("contentHeight").toReal() - flick->height();
        flick->setProperty("contentY", qBound<qreal>(0, y, qMax<qreal>(0, maxY)));
    }

    /// Renders the current screen at every size and theme (only with an output directory),
    /// scrolled to `target` when given.
    void shoot(const QString &name, const char *target = nullptr)
    {
        struct Size {
            const char *label;
            int width;
            int height;
        };
        static constexpr Size sizes[] = {{"phone", 390, 844}, {"tablet", 1180, 820}};
        for (const Size &size : sizes) {
            for (const bool dark : {false, true}) {
                m_window.resize(size.width, size.height);
                m_window.setProperty("dark", dark);
                waitFor([] { return true; });
                scrollTo(target);
                waitFor([] { return true; });
                const QImage image = m_window.grabWindow();
                if (!m_outDir.isEmpty()) {
                    const QString file = QDir(m_outDir).filePath(
                        QStringLiteral("%1-%2-%3.png")
                            .arg(QString::fromLatin1(size.label), name,
                                 dark ? QStringLiteral("dark") : QStringLiteral("light")));
                    if (!image.save(file)) {
                        std::fprintf(stderr, "screenshots: could not write %s\n", qPrintable(file));
                    }
                }
            }
        }
        m_window.resize(390, 844);
        m_window.setProperty("dark", false);
        scrollTo(nullptr);
    }

    /// shoot() at the largest text size, as "<name>-largest"; then back to the default size.
    void shootLargest(const QString &name, const char *target = nullptr)
    {
        m_textScale.setStep(sb::app::TextScale::Largest);
        shoot(name + QStringLiteral("-largest"), target);
        m_textScale.setStep(sb::app::TextScale::Default);
    }

    QQuickWindow &m_window;
    sb::ManualClock &m_clock;
    sb::app::LockController &m_lock;
    sb::app::EnrollmentController &m_enrollment;
    sb::app::TodayModel &m_today;
    sb::app::SessionController &m_capture;
    sb::app::SessionTrailModel &m_trail;
    sb::app::SyncStatus &m_sync;
    sb::app::TaskModel &m_tasks;
    sb::app::TextScale &m_textScale;
    QString m_outDir;
};

/**
 * --exit-after-first-frame: prints one line when the window's first frame has been swapped
 * (on the render thread), then quits. The line carries CLOCK_MONOTONIC in nanoseconds (the
 * launching bench subtracts its own reading taken before it started this process) and the
 * milliseconds since main() began. No PHI: figures only.
 */
void exitAfterFirstFrame(QQuickWindow *window, std::chrono::steady_clock::time_point mainStart)
{
    auto reported = std::make_shared<std::atomic_bool>(false);
    QObject::connect(
        window, &QQuickWindow::frameSwapped, window,
        [reported, mainStart] {
            if (reported->exchange(true)) {
                return;
            }
            const auto now = std::chrono::steady_clock::now();
            std::printf("first-frame monotonic-ns=%lld since-main-ms=%.2f\n",
                        static_cast<long long>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                   now.time_since_epoch())
                                                   .count()),
                        std::chrono::duration<double, std::milli>(now - mainStart).count());
            std::fflush(stdout);
            QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
        },
        Qt::DirectConnection);
}

} // namespace

int main(int argc, char *argv[])
{
    const auto mainStart = std::chrono::steady_clock::now();
    QGuiApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Sessionbook"));
    QCoreApplication::setApplicationName(QStringLiteral("sessionbook"));
    QQuickStyle::setStyle(QStringLiteral("Material"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Sessionbook clinician app"));
    parser.addHelpOption();
    const QCommandLineOption selfTest(QStringLiteral("self-test"),
                                      QStringLiteral("Load every page offscreen and exit."));
    const QCommandLineOption screenshots(QStringLiteral("screenshots"),
                                         QStringLiteral("Render the main screens into <dir>."),
                                         QStringLiteral("dir"));
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QStringLiteral("Seed the fictional demo practice on first run."));
    const QCommandLineOption enroll(
        QStringLiteral("enroll"),
        QStringLiteral("Enroll with this sessionbook://enroll?... link after unlocking."),
        QStringLiteral("link"));
    QCommandLineOption firstFrame(
        QStringLiteral("exit-after-first-frame"),
        QStringLiteral("Print when the first frame is shown, then exit."));
    firstFrame.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({selfTest, screenshots, demo, enroll, firstFrame});
    parser.process(app);
    const bool scripted = parser.isSet(selfTest) || parser.isSet(screenshots);

    // Scripted runs use a throwaway directory, the FAKE keystore, the demo practice, a
    // manual clock (so a capture can show 38 minutes). SESSIONBOOK_SOFTWARE_RENDER=1 picks
    // the software renderer where no OpenGL is available (Material shadows are then lost).
    QTemporaryDir scratch;
    const QString dataDir = scripted ? scratch.path() : sb::DevicePaths::dataDirectory();
    if (scripted) {
        if (qEnvironmentVariableIsSet("SESSIONBOOK_SOFTWARE_RENDER")) {
            QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
        }
        g_previousHandler = qInstallMessageHandler(countingHandler);
    }
    // Before any text is made: plurals ("1 item", "3 items") come from the embedded .qm files.
    if (sb::app::installTranslations().isEmpty()) {
        qWarning("sessionbook: no translation in :/i18n; plurals will read \"item(s)\"");
    }
    sb::SystemClock systemClock;
    sb::ManualClock manualClock(QDateTime::currentMSecsSinceEpoch());
    const sb::Clock &clock = scripted ? static_cast<const sb::Clock &>(manualClock)
                                      : static_cast<const sb::Clock &>(systemClock);
    std::unique_ptr<sb::SecretStore> secrets =
        scripted ? std::make_unique<sb::FakeFileSecretStore>(dataDir)
                 : sb::makeDefaultSecretStore(dataDir);

    sb::app::StoreHost::Config config;
    config.vaultPath = QDir(dataDir).filePath(QStringLiteral("keyvault.json"));
    config.storePath = QDir(dataDir).filePath(QStringLiteral("sessionbook.db"));
    config.secrets = secrets.get();
    config.clock = &clock;
    config.seedDemo = scripted || parser.isSet(demo);
    // The payer warnings run the claim scrubber's checks with its settings, loaded once here.
    auto scrubSettings = sb::claims::ScrubSettings::builtin();
    if (!scrubSettings) {
        qCritical("sessionbook: %s", qPrintable(scrubSettings.error().message));
        return 1;
    }
    config.scrubSettings = scrubSettings.value();
    // The practice's wipe policy: erase the key after this many wrong passcodes (0: never).
    config.vaultOptions.wipeAfterFailures =
        std::max(0, QSettings().value(QStringLiteral("lock/wipeAfterFailures"), 0).toInt());
    sb::app::StoreHost host(config);
    sb::app::LockController lock(host);
    // The idle auto-lock is a device setting (default 5 minutes), kept across restarts.
    const QString idleKey = QStringLiteral("lock/idleTimeoutSeconds");
    lock.setIdleTimeoutSeconds(QSettings().value(idleKey, 5 * 60).toInt());
    QObject::connect(
        &lock, &sb::app::LockController::idleTimeoutSecondsChanged, &lock,
        [&lock, idleKey] { QSettings().setValue(idleKey, lock.idleTimeoutSeconds()); });
    // The text size is a device setting too (scripted runs neither read nor write it). Qt 6.4
    // exposes no system text scale to the Material style on the platforms we ship, so the
    // platform's step is Default until one does (TextScale takes it as platformFactor).
    QSettings settings;
    sb::app::TextScale textScale(scripted ? nullptr : &settings);
    sb::app::TodayModel today(host);
    sb::app::SessionController capture(host);
    sb::app::TaskModel tasks(host);
    sb::app::SessionTrailModel trail(host);
    sb::app::SyncStatus sync(clock);

    // The sync client lives on the store thread (built after unlock, dropped on lock); its
    // device token is kept in the same keystore as the vault's device secret.
    sb::app::SyncBridge::Config syncConfig;
    syncConfig.tokens = std::make_shared<sb::app::SecretTokenStore>(*secrets);
    syncConfig.options.clientVersion =
        QStringLiteral("sessionbook/") + QStringLiteral(SESSIONBOOK_VERSION);
    syncConfig.options.deviceName = QSysInfo::machineHostName();
    syncConfig.options.platform = QSysInfo::productType();
    sb::app::SyncBridge bridge(host, sync, syncConfig);
    sb::app::EnrollmentController enrollment(bridge);
    if (parser.isSet(enroll) && !scripted) {
        enrollment.setSuggestedLink(parser.value(enroll), true);
    }

    using sb::app::LockController;
    // First after an unlock (or a restart after the app was killed mid-session): the session
    // that was on screen, or one whose timer was never stopped, comes back, its time counted
    // from the stored taps; Today and sync load behind it.
    QObject::connect(&lock, &LockController::unlocked, &capture,
                     &sb::app::SessionController::resumeInterrupted);
    QObject::connect(&lock, &LockController::unlocked, &today, &sb::app::TodayModel::reload);
    QObject::connect(&lock, &LockController::unlocked, &bridge, &sb::app::SyncBridge::start);
    QObject::connect(&lock, &LockController::unlocked, &tasks, &sb::app::TaskModel::reload);
    QObject::connect(&lock, &LockController::locked, &today, &sb::app::TodayModel::clear);
    QObject::connect(&lock, &LockController::locked, &tasks, &sb::app::TaskModel::clear);
    QObject::connect(&lock, &LockController::locked, &trail, &sb::app::SessionTrailModel::clear);
    QObject::connect(&lock, &LockController::locked, &enrollment,
                     &sb::app::EnrollmentController::handleLocked);
    // Before the store closes: a note typed in the last second is saved, then the open
    // session (PHI) leaves memory until the unlock brings it back.
    QObject::connect(&lock, &LockController::locked, &capture,
                     &sb::app::SessionController::handleLocked);
    QObject::connect(&lock, &LockController::locked, &bridge, &sb::app::SyncBridge::stop);
    // Today lists the day's sessions with their phase: started, paused, stopped, signed. Not
    // while locked: the lock drops the session (a phase change), and a reload then would
    // bring the day's names back into memory before the store closes.
    QObject::connect(&capture, &sb::app::SessionController::phaseChanged, &today, [&] {
        if (lock.state() == LockController::Unlocked) {
            today.reload();
        }
    });
    QObject::connect(&sync, &sb::app::SyncStatus::syncRequested, &bridge,
                     &sb::app::SyncBridge::syncNow);
    QObject::connect(&bridge, &sb::app::SyncBridge::identityChanged, &lock,
                     &LockController::setClinicianName);
    QObject::connect(&bridge, &sb::app::SyncBridge::identityChanged, &today,
                     &sb::app::TodayModel::reload);
    QObject::connect(&bridge, &sb::app::SyncBridge::syncFinished, &today, [&] {
        today.reload();
        tasks.reload();
        if (!trail.sessionId().isEmpty()) {
            trail.refresh();
        }
    });
    QObject::connect(&app, &QGuiApplication::applicationStateChanged, &lock,
                     &LockController::handleApplicationState);
    QObject::connect(&app, &QGuiApplication::applicationStateChanged, &bridge,
                     &sb::app::SyncBridge::handleApplicationState);
    app.installEventFilter(&lock);
    // Sync on regained reachability where Qt has a backend for it; without one, resume and
    // the periodic timer still sync.
    if (!scripted
        && QNetworkInformation::loadBackendByFeatures(QNetworkInformation::Feature::Reachability)) {
        QObject::connect(QNetworkInformation::instance(), &QNetworkInformation::reachabilityChanged,
                         &bridge, [&bridge](QNetworkInformation::Reachability reachability) {
                             if (reachability == QNetworkInformation::Reachability::Online) {
                                 bridge.connectivityRegained();
                             }
                         });
    }

    QQmlApplicationEngine engine;
    // Qt 6.4 puts module resources under qrc:/<URI path> (no QTP0001 policy yet).
    engine.addImportPath(QStringLiteral("qrc:/"));
    engine.setInitialProperties({{QStringLiteral("lock"), QVariant::fromValue(&lock)},
                                 {QStringLiteral("today"), QVariant::fromValue(&today)},
                                 {QStringLiteral("capture"), QVariant::fromValue(&capture)},
                                 {QStringLiteral("sync"), QVariant::fromValue(&sync)},
                                 {QStringLiteral("enrollment"), QVariant::fromValue(&enrollment)},
                                 {QStringLiteral("tasks"), QVariant::fromValue(&tasks)},
                                 {QStringLiteral("trail"), QVariant::fromValue(&trail)},
                                 {QStringLiteral("textScale"), QVariant::fromValue(&textScale)}});
    if (parser.isSet(firstFrame)) {
        // Connected as the window is created, before it can render.
        QObject::connect(&engine, &QQmlApplicationEngine::objectCreated, &app,
                         [mainStart](QObject *object, const QUrl &) {
                             if (auto *window = qobject_cast<QQuickWindow *>(object)) {
                                 exitAfterFirstFrame(window, mainStart);
                             }
                         });
    }
    engine.load(QUrl(QStringLiteral("qrc:/Sessionbook/Clinician/Main.qml")));
    if (engine.rootObjects().isEmpty()) {
        return 1;
    }
    if (!scripted) {
        return QGuiApplication::exec();
    }
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
    if (window == nullptr) {
        return 1;
    }
    QString outDir = parser.value(screenshots);
    if (!outDir.isEmpty()) {
        QDir().mkpath(outDir);
    }
    Walkthrough walk(*window, manualClock, lock, enrollment, today, capture, trail, sync, tasks,
                     textScale, outDir);
    const bool ok = walk.run();
    std::fprintf(stderr, "self-test: %s, %d warning(s)\n", ok ? "walk done" : "walk failed",
                 g_warnings);
    return ok && g_warnings == 0 ? 0 : 1;
}
