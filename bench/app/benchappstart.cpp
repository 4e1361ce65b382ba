// SPDX-License-Identifier: Apache-2.0
// bench-app-start [--runs N]: cold start to first frame of the clinician app (`sessionbook
// --exit-after-first-frame`, offscreen, a fresh empty data directory so the first screen is
// the first-run lock page) against an empty QML window (`Window {}`, this program run with
// --empty-window), each launched as a fresh process N times, alternating, in one command.
// "First frame" is QQuickWindow::frameSwapped of the first window; the child prints its
// CLOCK_MONOTONIC reading then, this program subtracts its own reading taken just before
// starting the child (so exec, dynamic linking and static initialisation are included).
// Budget: the app <= 400 ms (offscreen, release); the empty window is the floor Qt sets.
#include <QCoreApplication>
#include <QDir>
#include <QGuiApplication>
#include <QProcess>
#include <QProcessEnvironment>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <vector>

namespace {

using SteadyClock = std::chrono::steady_clock;

long long monotonicNs()
{
    return static_cast<long long>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch())
            .count());
}

/// Child mode: an empty QML window, reporting its first frame as `sessionbook` does.
int runEmptyWindow(int argc, char *argv[], SteadyClock::time_point mainStart)
{
    QGuiApplication app(argc, argv);
    QQmlApplicationEngine engine;
    auto reported = std::make_shared<std::atomic_bool>(false);
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreated, &app,
        [mainStart, reported](QObject *object, const QUrl &) {
            auto *window = qobject_cast<QQuickWindow *>(object);
            if (window == nullptr) {
                return;
            }
            QObject::connect(
                window, &QQuickWindow::frameSwapped, window,
                [mainStart, reported] {
                    if (reported->exchange(true)) {
                        return;
                    }
                    const auto now = SteadyClock::now();
                    std::printf("first-frame monotonic-ns=%lld since-main-ms=%.2f\n", monotonicNs(),
                                std::chrono::duration<double, std::milli>(now - mainStart).count());
                    std::fflush(stdout);
                    QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
                },
                Qt::DirectConnection);
        });
    // Same size as the app's window.
    engine.loadData("import QtQuick\nWindow { width: 390; height: 844; visible: true }\n");
    if (engine.rootObjects().isEmpty()) {
        return 1;
    }
    return QGuiApplication::exec();
}

struct Launch {
    double launchMs = 0;    ///< From just before QProcess::start to the first frame.
    double sinceMainMs = 0; ///< From the top of the child's main() to the first frame.
};

std::optional<Launch> launch(const QString &program, const QStringList &args)
{
    QTemporaryDir data; // fresh and empty: the app shows its first-run page
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("SESSIONBOOK_DATA_DIR"), data.path());
    env.insert(QStringLiteral("SESSIONBOOK_FAKE_KEYSTORE"), QStringLiteral("1"));
    QProcess process;
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::SeparateChannels);
    const long long t0 = monotonicNs();
    process.start(program, args);
    if (!process.waitForFinished(30000) || process.exitCode() != 0) {
        std::fprintf(stderr, "bench-app-start: %s failed: %s\n", qPrintable(program),
                     process.readAllStandardError().constData());
        return std::nullopt;
    }
    static const QRegularExpression line(
        QStringLiteral(R"(first-frame monotonic-ns=(\d+) since-main-ms=([\d.]+))"));
    const auto match = line.match(QString::fromUtf8(process.readAllStandardOutput()));
    if (!match.hasMatch()) {
        std::fprintf(stderr, "bench-app-start: %s printed no first-frame line\n",
                     qPrintable(program));
        return std::nullopt;
    }
    Launch result;
    result.launchMs = double(match.captured(1).toLongLong() - t0) / 1e6;
    result.sinceMainMs = match.captured(2).toDouble();
    return result;
}

struct Summary {
    double median = 0;
    double min = 0;
};

Summary summarize(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return {values[values.size() / 2], values.front()};
}

} // namespace

int main(int argc, char *argv[])
{
    const auto mainStart = SteadyClock::now();
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--empty-window") {
            return runEmptyWindow(argc, argv, mainStart);
        }
    }
    QCoreApplication app(argc, argv);
    int runs = 5;
    const QStringList args = QCoreApplication::arguments();
    if (const auto i = args.indexOf(QStringLiteral("--runs")); i >= 0 && i + 1 < args.size()) {
        runs = std::max(1, args.at(i + 1).toInt());
    }
    const QString self = QCoreApplication::applicationFilePath();
    const QString sessionbook =
        QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("sessionbook"));

    // One unmeasured launch of each warms the page cache, so every measured run is a cold
    // process start from a warm disk cache alike.
    if (!launch(self, {QStringLiteral("--empty-window")})
        || !launch(sessionbook, {QStringLiteral("--exit-after-first-frame")})) {
        return 1;
    }
    std::vector<double> emptyLaunch, emptyMain, appLaunch, appMain;
    for (int r = 0; r < runs; ++r) {
        // Alternate which goes first so machine load falls on both alike.
        for (int k = 0; k < 2; ++k) {
            const bool isApp = (k + r) % 2 == 1;
            const auto result =
                isApp ? launch(sessionbook, {QStringLiteral("--exit-after-first-frame")})
                      : launch(self, {QStringLiteral("--empty-window")});
            if (!result) {
                return 1;
            }
            (isApp ? appLaunch : emptyLaunch).push_back(result->launchMs);
            (isApp ? appMain : emptyMain).push_back(result->sinceMainMs);
        }
    }
    const Summary empty = summarize(emptyLaunch);
    const Summary sbApp = summarize(appLaunch);
    const Summary emptyM = summarize(emptyMain);
    const Summary sbAppM = summarize(appMain);
    std::printf("bench-app-start: %d runs each, fresh process per run, QT_QPA_PLATFORM=offscreen,"
                " first frame = QQuickWindow::frameSwapped\n",
                runs);
    std::printf("  empty QML window   launch->first frame median %7.1f ms  min %7.1f ms"
                "  (main->first frame median %.1f ms)\n",
                empty.median, empty.min, emptyM.median);
    std::printf("  sessionbook        launch->first frame median %7.1f ms  min %7.1f ms"
                "  (main->first frame median %.1f ms)\n",
                sbApp.median, sbApp.min, sbAppM.median);
    std::printf("  app - empty window median %.1f ms, ratio %.2fx\n", sbApp.median - empty.median,
                sbApp.median / empty.median);
    const bool within = sbApp.median <= 400.0;
    std::printf("  budget: app cold start <= 400 ms: %s (median %.1f ms)\n",
                within ? "met" : "MISSED", sbApp.median);
    return within ? 0 : 1;
}
