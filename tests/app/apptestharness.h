// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the app tests share: a QCoreApplication with the app's translations (as the app
// installs them), waiting on the event loop, and a StoreHost on a fresh directory (or one
// shared with another process) with the FAKE keystore, a fast KDF and the demo practice, its
// clinician Sam Lindqvist enrolled on the device.

#include "demodevice.h"
#include "lockcontroller.h"
#include "secretstore.h"
#include "storehost.h"
#include "tempdir.h"
#include "translations.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>

#include <catch2/catch_test_macros.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

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
    [[maybe_unused]] static const QString translation =
        installTranslations(QLocale(QLocale::English));
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

/// A store host on a fresh directory with the FAKE keystore, a fast KDF and, when the passcode
/// is chosen, what `prepare` puts into the new store (by default the demo practice with
/// Sam Lindqvist enrolled as the device's clinician).
struct Harness {
    using Prepare = std::function<StoreResult<void>(Store &)>;

    static Prepare demoDevice()
    {
        return [](Store &store) {
            return demo::prepareDemoDevice(store, QStringLiteral("sam.lindqvist"));
        };
    }

    /// The fresh directory; none when one is given (a killed child leaves nothing behind).
    std::unique_ptr<sb::test::TempDir> dir;
    ManualClock clock{QDateTime::currentMSecsSinceEpoch()};
    /// Where the vault, keystore and store live: `dir`, or the directory given.
    QString dataDir;
    FakeFileSecretStore secrets;
    std::unique_ptr<StoreHost> host;

    Harness()
        : Harness(QString())
    {
    }

    /**
     * On `sharedDir` when given (two processes, one after the other, on the same data), and
     * on `storeClock` when given instead of `clock`: a ManualClock cannot be shared between
     * processes, the SystemClock can (same boot, same monotonic counter).
     */
    explicit Harness(const QString &sharedDir, const Clock *storeClock = nullptr,
                     Prepare prepare = demoDevice(), int wipeAfterFailures = 0)
        : dir(sharedDir.isEmpty() ? std::make_unique<sb::test::TempDir>() : nullptr)
        , dataDir(dir ? dir->path() : sharedDir)
        , secrets(QDir(dataDir).filePath(QStringLiteral("keystore")))
    {
        ensureApp();
        StoreHost::Config config;
        config.vaultPath = QDir(dataDir).filePath(QStringLiteral("vault.json"));
        config.storePath = QDir(dataDir).filePath(QStringLiteral("device.db"));
        config.secrets = &secrets;
        config.clock = storeClock != nullptr ? storeClock : &clock;
        config.vaultOptions.iterations = 1000;
        config.vaultOptions.wipeAfterFailures = wipeAfterFailures;
        config.prepareNewStore = std::move(prepare);
        host = std::make_unique<StoreHost>(config);
    }

    /// Runs `work` on the store thread and waits for its result (none after a timeout). No
    /// Catch2 assertion, so a child process outside any test case may use it.
    template<typename R> std::optional<R> tryOnStore(std::function<R(WorkerState &)> work)
    {
        std::optional<R> result;
        QObject receiver;
        host->run<R>(&receiver, std::move(work), [&result](const R &r) { result = r; });
        waitFor([&] { return result.has_value(); });
        return result;
    }

    /// Runs `work` on the store thread and waits for its result.
    template<typename R> R onStore(std::function<R(WorkerState &)> work)
    {
        std::optional<R> result = tryOnStore<R>(std::move(work));
        REQUIRE(result.has_value());
        return *result;
    }

    /// {id, "Last, First"} of a patient on the signed-in clinician's caseload (unlocked
    /// only); empty strings when there is none.
    std::pair<QString, QString> caseloadPatient()
    {
        const auto found = tryOnStore<std::pair<QString, QString>>([](WorkerState &state) {
            std::pair<QString, QString> out;
            if (!state.store || !state.provider || !state.clinician) {
                return out;
            }
            const auto all =
                state.store->patients().patients(state.actor, state.clinician->organizationId);
            for (const Patient &p : all.valueOr(QList<Patient>{})) {
                if (p.primaryProviderId == state.provider->id) {
                    out = {p.id.toString(), p.lastName + QStringLiteral(", ") + p.firstName};
                    break;
                }
            }
            return out;
        });
        return found.value_or(std::pair<QString, QString>{});
    }
};

inline void unlockFirstRun(LockController &lock)
{
    lock.choosePasscode(QStringLiteral("258036"), QStringLiteral("258036"));
    REQUIRE(waitFor([&] { return lock.state() == LockController::Unlocked; }));
}

} // namespace sb::app::testing
