// SPDX-License-Identifier: Apache-2.0
// bench-unlock [--rounds N]: what a clinician waits for after typing the passcode, against
// the passcode KDF alone (the part that is slow on purpose). Rounds alternate the two so
// machine load affects both alike. Prints medians and the ratio (budget: <= 1.2).
#include "../../app/office/demodata.h"
#include "keycrypto.h"
#include "keyvault.h"
#include "secretstore.h"
#include "store/store.h"
#include "util/clock.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
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
        const sb::Actor actor{sb::UserId((*store)->ids().next()),
                              sb::DeviceId((*store)->ids().next())};
        (void)sb::office::seedDemoPractice(**store, actor);
        const auto orgs = (*store)->practice().organizations();
        provider = (*store)->practice().providers(orgs->first().id)->first().id;
    }
    std::printf("bench-unlock: PBKDF2-HMAC-SHA512 iterations %d (calibrated to ~250 ms)\n",
                vault.iterations());

    std::vector<double> kdfMs;
    std::vector<double> unlockMs;
    std::vector<double> unwrapMs;
    std::vector<double> openMs;
    std::vector<double> queryMs;
    const QDate today = clock.nowUtc().toLocalTime().date();
    for (int r = 0; r < rounds; ++r) {
        QElapsedTimer timer;
        timer.start();
        (void)sb::keycrypto::pbkdf2Sha512("bench-passcode", QByteArray(16, 's'),
                                          vault.iterations());
        kdfMs.push_back(double(timer.nsecsElapsed()) / 1e6);

        timer.restart();
        auto key = vault.unlock(QStringLiteral("bench-passcode"));
        const qint64 unwrapped = timer.nsecsElapsed();
        auto store = sb::Store::open(storePath, *key, clock);
        const qint64 opened = timer.nsecsElapsed();
        const sb::Actor actor{sb::UserId((*store)->ids().next()),
                              sb::DeviceId((*store)->ids().next())};
        auto sessions = (*store)->sessions().sessionsForProvider(actor, provider, today, today);
        const qint64 queried = timer.nsecsElapsed();
        unlockMs.push_back(double(queried) / 1e6);
        unwrapMs.push_back(double(unwrapped) / 1e6);
        openMs.push_back(double(opened - unwrapped) / 1e6);
        queryMs.push_back(double(queried - opened) / 1e6);
        if (!sessions) {
            return 1;
        }
    }
    const double kdf = median(kdfMs);
    const double unlock = median(unlockMs);
    std::printf("bench-unlock: rounds %d, KDF alone median %.1f ms, unlock (KDF + unwrap + open +"
                " first query) median %.1f ms, ratio %.3f (budget <= 1.2)\n",
                rounds, kdf, unlock, unlock / kdf);
    std::printf("bench-unlock: phases (medians): vault unlock %.1f ms, Store::open %.1f ms, "
                "first query %.1f ms\n",
                median(unwrapMs), median(openMs), median(queryMs));
    return 0;
}
