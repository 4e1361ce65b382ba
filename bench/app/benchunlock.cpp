// SPDX-License-Identifier: Apache-2.0
// bench-unlock [--rounds N]: what a clinician waits for after typing the passcode, against
// the passcode KDF alone (the part that is slow on purpose). Rounds alternate them so
// machine load affects all alike. Prints medians and the ratios (budget: <= 1.2).
//   direct:   KeyVault::unlock + Store::open + the first query, called in this thread
//   app path: LockController::unlock through the store thread (StoreHost) as the app runs it:
//             vault, Store::open, the enrolled clinician, then TodayModel's first load, timed
//             until the Today rows are on the GUI thread
#include "demodevice.h"
#include "keycrypto.h"
#include "keyvault.h"
#include "lockcontroller.h"
#include "secretstore.h"
#include "store/store.h"
#include "storehost.h"
#include "todaymodel.h"
#include "util/clock.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <time.h>
#include <vector>

namespace {

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

/// CPU time of the whole process (all threads): unlike wall time it does not count time spent
/// preempted by other processes on a shared machine.
double processCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    return file.open(QIODevice::ReadOnly) ? QString::fromLatin1(file.readAll().trimmed())
                                          : QStringLiteral("unknown");
}

bool waitFor(const std::function<bool()> &done, int timeoutMs = 60000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired()) {
            return false;
        }
        // Sleeps until an event arrives (the job's result is one). The overload with a
        // maximum time would drop WaitForMoreEvents and spin a core the store thread needs.
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents);
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    int rounds = 7;
    const QStringList args = QCoreApplication::arguments();
    if (const auto i = args.indexOf(QStringLiteral("--rounds")); i >= 0 && i + 1 < args.size()) {
        rounds = std::max(1, args.at(i + 1).toInt());
    }
    QTemporaryDir dir;
    sb::SystemClock clock;
    sb::FakeFileSecretStore secrets(dir.filePath(QStringLiteral("keystore")));
    sb::KeyVault vault(dir.filePath(QStringLiteral("vault.json")), secrets, clock);
    const QString storePath = dir.filePath(QStringLiteral("device.db"));
    sb::ProviderId provider;
    {
        auto key = vault.setUp(QStringLiteral("bench-passcode"));
        if (!key) {
            std::fprintf(stderr, "bench-unlock: setup failed\n");
            return 1;
        }
        auto store = sb::Store::open(storePath, *key, clock);
        if (!store) {
            return 1;
        }
        // The demo practice, its clinician enrolled on the device as the app path reads it.
        const QString login = QStringLiteral("sam.lindqvist");
        if (!sb::demo::prepareDemoDevice(**store, login)) {
            std::fprintf(stderr, "bench-unlock: seeding failed\n");
            return 1;
        }
        provider = *(*store)->practice().userByLogin(login)->providerId;
    }
    std::printf("bench-unlock: PBKDF2-HMAC-SHA512 iterations %d (calibrated to ~250 ms)\n",
                vault.iterations());

    // The app's own objects over the same vault and store (the demo practice's clinician).
    sb::app::StoreHost::Config hostConfig;
    hostConfig.vaultPath = dir.filePath(QStringLiteral("vault.json"));
    hostConfig.storePath = storePath;
    hostConfig.secrets = &secrets;
    hostConfig.clock = &clock;
    sb::app::StoreHost host(hostConfig);
    sb::app::LockController lock(host);
    sb::app::TodayModel todayModel(host);
    QObject::connect(&lock, &sb::app::LockController::unlocked, &todayModel,
                     &sb::app::TodayModel::reload);
    std::vector<double> appMs;
    std::vector<double> appCpuMs;
    std::vector<double> kdfCpuMs;
    std::vector<double> unlockCpuMs;
    int appRows = 0;

    std::vector<double> kdfMs;
    std::vector<double> unlockMs;
    std::vector<double> unwrapMs;
    std::vector<double> openMs;
    std::vector<double> queryMs;
    const QDate today = clock.nowUtc().toLocalTime().date();
    for (int r = 0; r < rounds; ++r) {
        QElapsedTimer timer;
        double cpu = processCpuMs();
        timer.start();
        (void)sb::keycrypto::pbkdf2Sha512("bench-passcode", QByteArray(16, 's'),
                                          vault.iterations());
        kdfMs.push_back(double(timer.nsecsElapsed()) / 1e6);
        kdfCpuMs.push_back(processCpuMs() - cpu);

        cpu = processCpuMs();
        timer.restart();
        auto key = vault.unlock(QStringLiteral("bench-passcode"));
        const qint64 unwrapped = timer.nsecsElapsed();
        auto store = sb::Store::open(storePath, *key, clock);
        const qint64 opened = timer.nsecsElapsed();
        const sb::Actor actor{sb::UserId((*store)->ids().next()),
                              sb::DeviceId((*store)->ids().next())};
        auto sessions = (*store)->sessions().sessionsForProvider(actor, provider, today, today);
        const qint64 queried = timer.nsecsElapsed();
        unlockCpuMs.push_back(processCpuMs() - cpu);
        unlockMs.push_back(double(queried) / 1e6);
        unwrapMs.push_back(double(unwrapped) / 1e6);
        openMs.push_back(double(opened - unwrapped) / 1e6);
        queryMs.push_back(double(queried - opened) / 1e6);
        if (!sessions) {
            return 1;
        }
        store->reset();

        // The app path: passcode in, Today rows out.
        bool loaded = false;
        auto c = QObject::connect(&todayModel, &sb::app::TodayModel::loaded, &todayModel,
                                  [&loaded] { loaded = true; });
        cpu = processCpuMs();
        timer.restart();
        lock.unlock(QStringLiteral("bench-passcode"));
        if (!waitFor([&] { return loaded; })) {
            std::fprintf(stderr, "bench-unlock: the app path did not load Today\n");
            return 1;
        }
        appMs.push_back(double(timer.nsecsElapsed()) / 1e6);
        appCpuMs.push_back(processCpuMs() - cpu);
        QObject::disconnect(c);
        appRows = todayModel.rowCount();
        lock.lock();
        bool closed = false;
        host.run<bool>(
            &lock, [](sb::app::WorkerState &) { return true; },
            [&closed](const bool &) { closed = true; });
        waitFor([&] { return closed; });
    }
    const double kdf = median(kdfMs);
    const double unlock = median(unlockMs);
    std::printf("bench-unlock: rounds %d, KDF alone median %.1f ms, unlock (KDF + unwrap + open +"
                " first query) median %.1f ms, ratio %.3f (budget <= 1.2)\n",
                rounds, kdf, unlock, unlock / kdf);
    std::printf("bench-unlock: phases (medians): vault unlock %.1f ms, Store::open %.1f ms, "
                "first query %.1f ms\n",
                median(unwrapMs), median(openMs), median(queryMs));
    const double appPath = median(appMs);
    std::printf("bench-unlock: app path (LockController::unlock through the store thread until"
                " TodayModel has its %d rows) median %.1f ms, ratio %.3f to the KDF alone"
                " (budget <= 1.2)\n",
                appRows, appPath, appPath / kdf);
    const double kdfCpu = median(kdfCpuMs);
    std::printf("bench-unlock: CPU time (process, all threads; insensitive to other load):"
                " KDF alone %.1f ms, direct unlock %.1f ms (ratio %.3f), app path %.1f ms"
                " (ratio %.3f)\n",
                kdfCpu, median(unlockCpuMs), median(unlockCpuMs) / kdfCpu, median(appCpuMs),
                median(appCpuMs) / kdfCpu);
    std::printf("bench-unlock: load average %s\n", qPrintable(loadAverage()));
    return 0;
}
