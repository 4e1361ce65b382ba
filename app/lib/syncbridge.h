// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "client/syncclient.h"
#include "client/tokenstore.h"
#include "enrollmentlink.h"

#include <QObject>

#include <memory>
#include <optional>

namespace sb::app {

class StoreHost;
class SyncStatus;
struct WorkerState;
struct SyncSnapshot;

/**
 * Adopts the enrolled clinician (sync_state's user and provider) as the device's user, on
 * the store thread. Returns the provider's display name (possibly empty until the initial
 * pull fills it), or nullopt when the device is not enrolled.
 */
std::optional<QString> adoptEnrolledIdentity(WorkerState &state);

/**
 * Wires the device SyncClient into the app. The client writes the store, so it lives on the
 * store's owner thread: start() builds it inside a StoreHost job after unlock and stop()
 * drops it (before the store closes) on lock; the outbox stays in the store either way.
 * Its properties reach the GUI-thread SyncStatus as snapshots by queued call. Triggers
 * (resume, regained connectivity, "sync now") are posted to the client as store jobs.
 */
class SyncBridge : public QObject {
    Q_OBJECT
public:
    struct Config {
        std::shared_ptr<sync::TokenStore> tokens;
        sync::SyncClient::Options options;
    };

    SyncBridge(StoreHost &host, SyncStatus &status, Config config, QObject *parent = nullptr);

    [[nodiscard]] bool isRunning() const { return m_running; }

    /// After unlock: builds the client (once per unlock) and syncs if enrolled.
    void start();
    /// On lock: drops the client; unsynced changes stay in the outbox.
    void stop();
    void syncNow();
    void appResumed();
    void connectivityRegained();
    void handleApplicationState(Qt::ApplicationState state);
    /// Enrolls with the client; enrollFinished() reports. On success the enrolled clinician
    /// becomes the device's user and a first sync starts.
    void enroll(const sync::EnrollmentLink &link);

Q_SIGNALS:
    /// start() finished; `enrolled` says whether the device already is.
    void started(bool enrolled);
    /// `error` is the client's plain words (no PHI) when !ok.
    void enrollFinished(bool ok, const QString &error);
    /// The enrolled clinician is the device's user now (name may be empty before a pull).
    void identityChanged(const QString &clinicianName);
    void syncFinished(bool ok);

private:
    void post(void (sync::SyncClient::*trigger)());
    void refreshIdentity(bool thenSync);
    void afterSync(bool ok);
    void applySnapshot(int generation, const SyncSnapshot &snapshot);

    StoreHost &m_host;
    SyncStatus &m_status;
    Config m_config;
    bool m_running = false;
    int m_generation = 0; ///< Snapshots from a client of an earlier unlock are dropped.
};

} // namespace sb::app
