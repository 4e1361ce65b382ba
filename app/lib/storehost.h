// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "audit/auditlog.h"
#include "claims/claimscrubber.h"
#include "client/backoff.h"
#include "client/syncclient.h"
#include "client/tokenstore.h"
#include "domain/organization.h"
#include "keyvault.h"
#include "store/store.h"
#include "util/clock.h"

#include <QLoggingCategory>
#include <QObject>
#include <QPointer>
#include <QThread>

#include <exception>
#include <functional>
#include <memory>
#include <new>
#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcStoreHost)

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
    /// The claim scrubber's payer checks (authorization, eligibility, credentialing) with the
    /// practice's thresholds, for the caseload and readiness warnings. Built once.
    std::shared_ptr<const claims::ClaimScrubber> payerChecks;
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
 *
 * Exception policy: core, sync and platform report failures as Expected<T, E> and throw
 * nothing of their own; what can still throw (std::bad_alloc, a library) is caught here, at
 * the job boundary, so no exception reaches the event loop, a slot or QML. A job that threw
 * delivers no result; jobFailed() is emitted instead (the composition root locks the app,
 * which closes the store whose state is then unknown). Misusing an Expected aborts with a
 * message (util/expected.h).
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
        /// The scrubber settings the device's payer warnings use; null: the built-in rules.
        std::shared_ptr<const claims::ScrubSettings> scrubSettings;
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

Q_SIGNALS:
    /// A job threw; its result was dropped. `what` names the exception's kind, never its text
    /// (which could quote a patient's data).
    void jobFailed(const QString &what);

public:
    template<typename R>
    void run(QObject *receiver, std::function<R(WorkerState &)> work,
             std::function<void(const R &)> done)
    {
        QPointer<QObject> guard(receiver);
        QMetaObject::invokeMethod(
            m_context,
            [this, guard, work = std::move(work), done = std::move(done)] {
                std::optional<R> outcome = guardedCall([&] { return work(*m_state); });
                if (!outcome) {
                    return;
                }
                R result = std::move(*outcome);
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
    /// Runs `job` on the store thread; an exception becomes std::nullopt and jobFailed().
    template<typename F> auto guardedCall(F &&job) -> std::optional<decltype(job())>
    {
        try {
            return job();
        } catch (const std::bad_alloc &) {
            reportJobFailure(QStringLiteral("out of memory"));
        } catch (const std::exception &) {
            reportJobFailure(QStringLiteral("exception"));
        } catch (...) {
            reportJobFailure(QStringLiteral("unknown exception"));
        }
        return std::nullopt;
    }
    void reportJobFailure(const QString &what);

    QString m_vaultPath;
    SecretStore &m_secrets;
    const Clock &m_clock;
    QThread m_thread;
    QObject *m_context = nullptr;
    std::unique_ptr<WorkerState> m_state;
};

} // namespace sb::app
