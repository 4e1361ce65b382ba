// SPDX-License-Identifier: Apache-2.0
// sessionbook: the clinician app. The object graph is built in clinicianapp.cpp; this is the
// entry that runs it on the device.
//
//   sessionbook                      run the app (data in DevicePaths::dataDirectory())
//   sessionbook --enroll LINK        enroll with this sessionbook://enroll?... link right
//                                    after the passcode is chosen (scripts/demo uses it)
//   sessionbook --exit-after-first-frame   (hidden; bench-app-start) print when the first
//                                    frame of the window was swapped, then exit
//
// The scripted walk through every page (self-test, screenshots) is sessionbook-walkthrough
// (app/walkthrough/).
#include "claims/scrubsettings.h"
#include "clinicianapp.h"
#include "devicepaths.h"
#include "secretstore.h"
#include "util/clock.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQuickWindow>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>

namespace {

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
    sb::app::ClinicianApp::prepareApplication();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Sessionbook clinician app"));
    parser.addHelpOption();
    const QCommandLineOption enroll(
        QStringLiteral("enroll"),
        QStringLiteral("Enroll with this sessionbook://enroll?... link after unlocking."),
        QStringLiteral("link"));
    QCommandLineOption firstFrame(
        QStringLiteral("exit-after-first-frame"),
        QStringLiteral("Print when the first frame is shown, then exit."));
    firstFrame.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({enroll, firstFrame});
    parser.process(app);

    const QString dataDir = sb::DevicePaths::dataDirectory();
    sb::SystemClock clock;
    const std::unique_ptr<sb::SecretStore> secrets = sb::makeDefaultSecretStore(dataDir);
    sb::app::ClinicianApp::Config config;
    config.dataDirectory = dataDir;
    config.secrets = secrets.get();
    config.clock = &clock;
    // The payer warnings run the claim scrubber's checks with its settings, loaded once here.
    auto scrubSettings = sb::claims::ScrubSettings::builtin();
    if (!scrubSettings) {
        qCritical("sessionbook: %s", qPrintable(scrubSettings.error().message));
        return 1;
    }
    config.scrubSettings = scrubSettings.value();
    sb::app::ClinicianApp clinician(config);
    if (parser.isSet(enroll)) {
        clinician.enrollment().setSuggestedLink(parser.value(enroll), true);
    }
    if (parser.isSet(firstFrame)) {
        // Connected as the window is created, before it can render.
        QObject::connect(&clinician.engine(), &QQmlApplicationEngine::objectCreated, &app,
                         [mainStart](QObject *object, const QUrl &) {
                             if (auto *window = qobject_cast<QQuickWindow *>(object)) {
                                 exitAfterFirstFrame(window, mainStart);
                             }
                         });
    }
    if (!clinician.load()) {
        return 1;
    }
    return QGuiApplication::exec();
}
