// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "audit/auditlog.h"
#include "client/backoff.h"
#include "client/syncclient.h"
#include "client/tokenstore.h"
#include "domain/organization.h"
#include "keyvault.h"
#include "store/store.h"
#include "util/clock.h"

#include <QObject>
#include <QPointer>
#include <QThread>

#include <functional>
#include <memory>
#include <optional>

namespace sb::app {

/**
 * Everything the store-owner thread owns. Only code running inside StoreHost::run() touches
 * it: the vault (KDF runs there, never on the GUI thread), the open Store and who is signed in.
 */
struct WorkerState {
    KeyVault vault;
    QString storePath;
    const Clock &clock;
    /// StoreHost::Config::prepareNewStore.
    std::function<StoreResult<void>(Store &)> prepareNewStore;
    std::unique_ptr<Store> store;
    Actor actor;
    std::optional<User> clinician;
    std::optional<Provider> provider;
    /// Sync: built by SyncBridge after unlock, dropped (before the store) on lock. Declared
    /// last so it is destroyed first; the outbox stays in the store.
    std::shared_ptr<sync::TokenStore> tokens;
    std::unique_ptr<sync::RandomSource> random;
    std::unique_ptr<sync::SyncClient> sync;
};

/**
 * The one owner of the encrypted store: a worker thread that runs jobs in order. run() posts
 * `work` to the thread and delivers its result to `done` on the receiver's thread by queued
 * call (dropped if the receiver died). Results must be copyable and free of store references.
 */
class StoreHost : public QObject {
    Q_OBJECT
public:
    struct Config {
        QString vaultPath;
        QString storePath;
        SecretStore *secrets = nullptr;
        const Clock *clock = nullptr;
        KeyVault::Options vaultOptions;
        /// Runs once on the store thread when the passcode is chosen, on the new store before
        /// anything reads it (the walkthrough, tests and benchmarks put a practice there); an
        /// error fails that unlock. The app sets none.
        std::function<StoreResult<void>(Store &)> prepareNewStore;
    };

    explicit StoreHost(const Config &config, QObject *parent = nullptr);
    ~StoreHost() override;

    [[nodiscard]] const Clock &clock() const { return m_clock; }
    [[nodiscard]] const SecretStore &secrets() const { return m_secrets; }
    [[nodiscard]] bool vaultExists() const;

    template<typename R>
    void run(QObject *receiver, std::function<R(WorkerState &)> work,
             std::function<void(const R &)> done)
    {
        QPointer<QObject> guard(receiver);
        QMetaObject::invokeMethod(
            m_context,
            [this, guard, work = std::move(work), done = std::move(done)] {
                R result = work(*m_state);
                if (!guard) {
                    return;
                }
                QMetaObject::invokeMethod(
                    guard.data(),
                    [guard, result = std::move(result), done] {
                        if (guard) {
                            done(result);
                        }
                    },
                    Qt::QueuedConnection);
            },
            Qt::QueuedConnection);
    }

private:
    QString m_vaultPath;
    SecretStore &m_secrets;
    const Clock &m_clock;
    QThread m_thread;
    QObject *m_context = nullptr;
    std::unique_ptr<WorkerState> m_state;
};

} // namespace sb::app
