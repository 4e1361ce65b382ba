// SPDX-License-Identifier: Apache-2.0
// sessionbook-walkthrough: the clinician app's object graph (ClinicianApp) walked through every
// page by script, on a throwaway store holding the fictional demo practice with its clinician
// Maya Okafor enrolled, the FAKE keystore and a manual clock (so a capture can show 38
// minutes). Exits 1 when a step times out or on any warning (QML errors arrive as warnings).
//
//   sessionbook-walkthrough                    the self-test (ctest app_selftest)
//   sessionbook-walkthrough --screenshots DIR  the same walk, saving PNGs at phone and tablet
//                                              sizes, light and dark (scripts/screenshots)
//
// SESSIONBOOK_SOFTWARE_RENDER=1 picks the software renderer where no OpenGL is available
// (Material shadows are then lost).
#include "clinicianapp.h"
#include "demodevice.h"
#include "secretstore.h"
#include "util/clock.h"
#include "walkthrough.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QGuiApplication>
#include <QQuickWindow>
#include <QTemporaryDir>

#include <cstdio>

namespace {

int g_warnings = 0;
QtMessageHandler g_previousHandler = nullptr;

/// Counts warnings (QML errors arrive as warnings), then prints as usual.
void countingHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg || type == QtCriticalMsg || type == QtFatalMsg) {
        ++g_warnings;
    }
    g_previousHandler(type, context, message);
}

} // namespace

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Walks the clinician app through every page offscreen."));
    parser.addHelpOption();
    const QCommandLineOption screenshots(QStringLiteral("screenshots"),
                                         QStringLiteral("Render the main screens into <dir>."),
                                         QStringLiteral("dir"));
    parser.addOption(screenshots);
    parser.process(app);

    if (qEnvironmentVariableIsSet("SESSIONBOOK_SOFTWARE_RENDER")) {
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    }
    g_previousHandler = qInstallMessageHandler(countingHandler);
    sb::app::ClinicianApp::prepareApplication();

    QTemporaryDir scratch;
    if (!scratch.isValid()) {
        std::fprintf(stderr, "walkthrough: no temporary directory\n");
        return 1;
    }
    sb::ManualClock clock(QDateTime::currentMSecsSinceEpoch());
    sb::FakeFileSecretStore secrets(scratch.path());
    sb::app::ClinicianApp::Config config;
    config.dataDirectory = scratch.path();
    config.secrets = &secrets;
    config.clock = &clock;
    config.deviceSettings = false;
    config.watchConnectivity = false;
    // The new store: the demo practice, and the clinician whose caseload shows authorization
    // and eligibility warnings recorded as the enrolled one (with no server, so no sync).
    config.prepareNewStore = [](sb::Store &store) {
        return sb::demo::prepareDemoDevice(store, QStringLiteral("maya.okafor"));
    };
    sb::app::ClinicianApp clinician(config);
    if (!clinician.load()) {
        return 1;
    }
    const QString outDir = parser.value(screenshots);
    if (!outDir.isEmpty()) {
        QDir().mkpath(outDir);
    }
    sb::app::Walkthrough walk(clinician, *clinician.window(), clock, outDir);
    const bool ok = walk.run();
    std::fprintf(stderr, "self-test: %s, %d warning(s)\n", ok ? "walk done" : "walk failed",
                 g_warnings);
    return ok && g_warnings == 0 ? 0 : 1;
}
