// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the app tests share: a QCoreApplication with the app's translations (as main.cpp
// installs them), waiting on the event loop, and a StoreHost on a fresh directory with the
// FAKE keystore, a fast KDF and the demo practice.

#include "lockcontroller.h"
#include "secretstore.h"
#include "storehost.h"
#include "tempdir.h"
#include "translations.h"

#include <QCoreApplication>
#include <QDeadlineTimer>

#include <catch2/catch_test_macros.hpp>

#include <functional>
#include <memory>
#include <optional>

namespace sb::app::testing {

/// Counts QAbstractItemModelTester complaints while alive.
class ModelTestGuard {
public:
    ModelTestGuard()
    {
        s_failures = 0;
        s_previous = qInstallMessageHandler(
            [](QtMsgType type, const QMessageLogContext &context, const QString &message) {
                if (qstrcmp(context.category, "qt.modeltest") == 0 && type >= QtWarningMsg) {
                    ++s_failures;
                }
                s_previous(type, context, message);
            });
    }
    ~ModelTestGuard() { qInstallMessageHandler(s_previous); }
    ModelTestGuard(const ModelTestGuard &) = delete;
    ModelTestGuard &operator=(const ModelTestGuard &) = delete;
    [[nodiscard]] static int failures() { return s_failures; }

private:
    static inline int s_failures = 0;
    static inline QtMessageHandler s_previous = nullptr;
};


inline void ensureApp()
{
    static int argc = 1;
    static char name[] = "app_test";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
    [[maybe_unused]] static const QString translation
        = installTranslations(QLocale(QLocale::English));
}

inline bool waitFor(const std::function<bool()> &done, int timeoutMs = 20000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired()) {
            return false;
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    }
    return true;
}

/// A store host on a fresh directory with the FAKE keystore, a fast KDF and the demo practice.
struct Harness {
    sb::test::TempDir dir;
    ManualClock clock{QDateTime::currentMSecsSinceEpoch()};
    FakeFileSecretStore secrets{dir.filePath(QStringLiteral("keystore"))};
    std::unique_ptr<StoreHost> host;

    Harness()
    {
        ensureApp();
        StoreHost::Config config;
        config.vaultPath = dir.filePath(QStringLiteral("vault.json"));
        config.storePath = dir.filePath(QStringLiteral("device.db"));
        config.secrets = &secrets;
        config.clock = &clock;
        config.vaultOptions.iterations = 1000;
        config.seedDemo = true;
        host = std::make_unique<StoreHost>(config);
    }

    /// Runs `work` on the store thread and waits for its result.
    template<typename R>
    R onStore(std::function<R(WorkerState &)> work)
    {
        std::optional<R> result;
        QObject receiver;
        host->run<R>(&receiver, std::move(work), [&result](const R &r) { result = r; });
        REQUIRE(waitFor([&] { return result.has_value(); }));
        return *result;
    }
};

inline void unlockFirstRun(LockController &lock)
{
    lock.choosePasscode(QStringLiteral("123456"), QStringLiteral("123456"));
    REQUIRE(waitFor([&] { return lock.state() == LockController::Unlocked; }));
}

} // namespace sb::app::testing
