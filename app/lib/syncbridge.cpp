// SPDX-License-Identifier: Apache-2.0
#include "syncbridge.h"

#include "client/devicesyncstore.h"
#include "storehost.h"
#include "syncstatus.h"

#include <QPointer>

namespace sb::app {

namespace {

SyncSnapshot snapshotOf(const sync::SyncClient &client)
{
    return SyncSnapshot{client.isEnrolled(),
                        client.pendingCount(),
                        client.lastSuccess(),
                        client.lastError(),
                        client.isSyncing(),
                        client.isClockSkewed(),
                        client.isSignInRequired(),
                        client.isServerOffsetKnown()
                            ? std::optional<qint64>(client.serverOffsetMs())
                            : std::nullopt};
}

/// Runs `f` on the bridge's (GUI) thread if the bridge still exists.
template<typename F> void toBridge(const QPointer<SyncBridge> &guard, F f)
{
    if (guard) {
        QMetaObject::invokeMethod(
            guard.data(),
            [guard, f = std::move(f)] {
                if (guard) {
                    f(*guard);
                }
            },
            Qt::QueuedConnection);
    }
}

} // namespace

std::optional<QString> adoptEnrolledIdentity(WorkerState &state)
{
    if (!state.store) {
        return std::nullopt;
    }
    sync::DeviceSyncStore device(*state.store);
    const auto enrolled = device.state();
    if (!enrolled || !enrolled->isEnrolled() || !enrolled->providerId) {
        return std::nullopt;
    }
    User user;
    user.id = enrolled->userId;
    user.organizationId = enrolled->organizationId;
    user.role = Role::Clinician;
    user.providerId = enrolled->providerId;
    state.clinician = user;
    state.actor = Actor{enrolled->userId, enrolled->deviceId};
    QString name;
    if (auto provider = state.store->practice().provider(*enrolled->providerId)) {
        state.provider = provider.value();
        name = QString(provider->firstName + u' ' + provider->lastName).trimmed();
    } else {
        // Until the initial pull brings the provider row, sessions wait for it.
        state.provider.reset();
    }
    return name;
}

SyncBridge::SyncBridge(StoreHost &host, SyncStatus &status, Config config, QObject *parent)
    : QObject(parent)
    , m_host(host)
    , m_status(status)
    , m_config(std::move(config))
{
    connect(this, &SyncBridge::enrollFinished, this, [this](bool ok) {
        if (ok) {
            refreshIdentity(true);
        }
    });
}

void SyncBridge::refreshIdentity(bool thenSync)
{
    m_host.run<std::optional<QString>>(
        this,
        [thenSync](WorkerState &state) {
            auto name = adoptEnrolledIdentity(state);
            if (thenSync && state.sync) {
                state.sync->syncNow();
            }
            return name;
        },
        [this](const std::optional<QString> &name) {
            if (m_running && name) {
                Q_EMIT identityChanged(*name);
            }
        });
}

void SyncBridge::afterSync(bool ok)
{
    if (!m_running) {
        return;
    }
    // A pull may have brought the clinician's provider row: adopt it, then tell the models.
    m_host.run<std::optional<QString>>(
        this, [](WorkerState &state) { return adoptEnrolledIdentity(state); },
        [this, ok](const std::optional<QString> &name) {
            if (!m_running) {
                return;
            }
            if (name) {
                Q_EMIT identityChanged(*name);
            }
            Q_EMIT syncFinished(ok);
        });
}

void SyncBridge::applySnapshot(int generation, const SyncSnapshot &snapshot)
{
    if (m_running && generation == m_generation) {
        m_status.apply(snapshot);
    }
}

void SyncBridge::start()
{
    if (m_running) {
        return;
    }
    m_running = true;
    const int generation = ++m_generation;
    QPointer<SyncBridge> guard(this);
    m_host.run<bool>(
        this,
        [guard, generation, tokens = m_config.tokens,
         options = m_config.options](WorkerState &state) {
            if (!state.store) {
                return false;
            }
            if (!state.sync) {
                state.tokens = tokens;
                if (!state.random) {
                    state.random = std::make_unique<sync::SystemRandom>();
                }
                state.sync = std::make_unique<sync::SyncClient>(
                    *state.store, *state.tokens, state.clock, *state.random, options);
                sync::SyncClient *client = state.sync.get();
                const auto publish = [client, guard, generation] {
                    toBridge(guard, [generation, snapshot = snapshotOf(*client)](SyncBridge &b) {
                        b.applySnapshot(generation, snapshot);
                    });
                };
                using C = sync::SyncClient;
                for (auto signal : {&C::pendingCountChanged, &C::lastSuccessChanged,
                                    &C::lastErrorChanged, &C::syncingChanged, &C::clockSkewChanged,
                                    &C::signInRequiredChanged, &C::enrolledChanged}) {
                    QObject::connect(client, signal, client, publish);
                }
                QObject::connect(client, &C::enrollFinished, client,
                                 [guard](bool ok, const QString &error) {
                                     toBridge(guard, [ok, error](SyncBridge &b) {
                                         Q_EMIT b.enrollFinished(ok, error);
                                     });
                                 });
                QObject::connect(client, &C::syncFinished, client, [guard](bool ok) {
                    toBridge(guard, [ok](SyncBridge &b) { b.afterSync(ok); });
                });
                publish();
            }
            state.sync->appResumed();
            return state.sync->isEnrolled();
        },
        [this, generation](const bool &enrolled) {
            if (m_running && generation == m_generation) {
                Q_EMIT started(enrolled);
            }
        });
}

void SyncBridge::stop()
{
    if (!m_running) {
        return;
    }
    m_running = false;
    ++m_generation;
    m_status.reset();
    m_host.run<bool>(
        this,
        [](WorkerState &state) {
            state.sync.reset();
            return true;
        },
        [](const bool &) {});
}

void SyncBridge::post(void (sync::SyncClient::*trigger)())
{
    if (!m_running) {
        return;
    }
    m_host.run<bool>(
        this,
        [trigger](WorkerState &state) {
            if (state.sync) {
                (state.sync.get()->*trigger)();
            }
            return true;
        },
        [](const bool &) {});
}

void SyncBridge::syncNow()
{
    post(&sync::SyncClient::syncNow);
}

void SyncBridge::appResumed()
{
    post(&sync::SyncClient::appResumed);
}

void SyncBridge::connectivityRegained()
{
    post(&sync::SyncClient::connectivityRegained);
}

void SyncBridge::handleApplicationState(Qt::ApplicationState state)
{
    if (state == Qt::ApplicationActive) {
        appResumed();
    }
}

void SyncBridge::enroll(const sync::EnrollmentLink &link)
{
    if (!m_running) {
        Q_EMIT enrollFinished(false, QStringLiteral("locked"));
        return;
    }
    // The result comes back through the client's enrollFinished (wired in start()).
    m_host.run<bool>(
        this,
        [link](WorkerState &state) {
            if (!state.sync) {
                return false;
            }
            state.sync->enroll(link.server, link.code, link.pinSha256, link.backupPinSha256);
            return true;
        },
        [this](const bool &posted) {
            if (!posted) {
                Q_EMIT enrollFinished(false, QStringLiteral("locked"));
            }
        });
}

} // namespace sb::app
