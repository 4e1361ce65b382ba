// SPDX-License-Identifier: Apache-2.0
#pragma once

// The pieces every sync client test needs: a QCoreApplication, the REAL back-office server
// (`sessionbook-office serve` as a child process over its encrypted store, on an ephemeral
// loopback port with its dev certificate), a seeded practice in that store, and devices (a
// store, a clock, a token store and a SyncClient each). No mocks: the client talks TLS to the
// server process, directly or through the fault proxy.

#include "client/syncclient.h"
#include "client/tokenstore.h"
#include "domain/organization.h"
#include "domain/patient.h"
#include "store/store.h"
#include "tempdir.h"
#include "util/clock.h"

#include <QProcess>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

namespace sb::synctest {

/// Makes sure a QCoreApplication exists (Catch2's main does not create one).
void ensureApp();
/// Runs the event loop until `done` or the timeout; true when `done` held.
bool waitUntil(const std::function<bool()> &done, int timeoutMs);
/// Runs the event loop for `ms` milliseconds.
void spin(int ms);
/// Wall-clock now in ms (the devices' clocks start here so that only skew tests are skewed).
std::int64_t realNowMs();
/// A number from the environment, or `fallback`.
std::uint64_t envNumber(const char *name, std::uint64_t fallback);

/// A self-signed certificate for 127.0.0.1 made by the openssl command: with a new P-256 key
/// written to `keyPath`, or (`newKey` false) renewed for the key already there.
bool makeServerCertificate(const QString &certPath, const QString &keyPath, bool newKey,
                           int days = 2);
/// SHA-256 of the certificate file's SubjectPublicKeyInfo, computed by the openssl command
/// (independently of Qt and of the client): the pin, raw 32 bytes; empty on failure.
QByteArray keyPinOfFile(const QString &certPath);

/// The office's practice, written to its store before the server starts.
struct Practice {
    Organization organization;
    Payer payer;
    struct Clinician {
        Provider provider;
        User user;
        QList<Patient> patients;
    };
    QList<Clinician> clinicians;
    Coverage coverage;           ///< Of the first clinician's first patient.
    Authorization authorization; ///< Of the same patient.
};

/**
 * `sessionbook-office serve` on 127.0.0.1:0 with --dev-cert (or the certificate given to
 * useCertificate()) over a store in its own directory, keyed with the test key through
 * SESSIONBOOK_OFFICE_KEY. kill() is SIGKILL; start() again reopens the same store (on a new
 * port; with --dev-cert, with a new certificate and key).
 */
class OfficeServer {
public:
    OfficeServer();
    ~OfficeServer();
    OfficeServer(const OfficeServer &) = delete;
    OfficeServer &operator=(const OfficeServer &) = delete;

    /// Writes the practice (clinicians x patients) into the store; the server must be down.
    bool seed(int clinicians, int patientsEach, Practice &practice);
    /// Options added to `serve` by every later start().
    void setExtraArguments(const QStringList &arguments) { m_extraArguments = arguments; }
    /// Serves `certPath` and `keyPath` (--tls-cert, --tls-key) from the next start() on.
    void useCertificate(const QString &certPath, const QString &keyPath);
    /// Later starts listen on the port of the last one, so enrolled devices find the server.
    void keepPort() { m_keepPort = true; }
    /// Spawns the server and waits until it listens; false (with a warning) otherwise.
    bool start();
    void kill();
    [[nodiscard]] bool isRunning() const;
    /// A one-time enrollment code through the CLI (`device enroll-code`).
    std::optional<QString> enrollCode(const QString &login);
    /// Opens the office store (another connection; WAL lets it read while the server runs).
    std::unique_ptr<Store> openStore();

    [[nodiscard]] QUrl url() const;
    [[nodiscard]] quint16 port() const { return m_port; }
    /// SHA-256 of the DER certificate (raw 32 bytes), for the fault proxy's upstream check.
    [[nodiscard]] QByteArray certificateSha256() const { return m_certSha256; }
    /// SHA-256 of the certificate's public key, SPKI (raw 32 bytes): the device's pin.
    [[nodiscard]] QByteArray keyPin() const { return m_keyPin; }
    [[nodiscard]] QString databasePath() const
    {
        return m_dir.filePath(QStringLiteral("office.db"));
    }
    [[nodiscard]] int starts() const { return m_starts; }
    /// The running server's process id (0 when down), for CPU accounting in benchmarks.
    [[nodiscard]] qint64 processId() const { return m_process ? m_process->processId() : 0; }

private:
    QProcessEnvironment environment() const;
    test::TempDir m_dir;
    SystemClock m_clock;
    std::unique_ptr<QProcess> m_process;
    QStringList m_extraArguments;
    quint16 m_port = 0;
    bool m_keepPort = false;
    QString m_certPath;
    QString m_keyPath;
    QByteArray m_certSha256;
    QByteArray m_keyPin;
    int m_starts = 0;
};

/**
 * One clinician's device: its own encrypted store (with the practice's reference rows under
 * the office's ids), a ManualClock starting at real time (tests skew it), a token store and
 * a SyncClient that can be destroyed and rebuilt ("killed") at any moment.
 */
class Device {
public:
    Device(const Practice &practice, int clinician, sync::SyncClient::Options options,
           std::uint64_t seed);
    ~Device();

    [[nodiscard]] bool isValid() const { return m_store && m_client; }
    /// Enrolls through the client and waits; the error text on failure (its kind in
    /// `kind` when given).
    std::optional<QString> enroll(const QUrl &server, const QString &code,
                                  const QByteArray &pin = {}, const QByteArray &backupPin = {},
                                  sync::SyncClient::EnrollOptions options = {},
                                  sync::SyncClient::EnrollError *kind = nullptr);
    /// Saves a draft and signs it through the sign-and-enqueue path (which starts a sync
    /// unless `triggerSync` is false); null id on failure.
    SessionId signNewSession(bool triggerSync = true);
    /// Destroys the client mid-flight; with `reopenStore`, closes and reopens the database
    /// too. The token survives (it is in the token store), as after an app kill.
    void restartClient(bool reopenStore);
    /// Runs syncNow() until a cycle succeeds with nothing pending, or the timeout.
    bool syncToQuiescence(int timeoutMs);

    [[nodiscard]] Store &store() { return *m_store; }
    [[nodiscard]] sync::SyncClient &client() { return *m_client; }
    [[nodiscard]] ManualClock &clock() { return m_clock; }
    [[nodiscard]] const Actor &actor() const { return m_actor; }
    [[nodiscard]] const QList<SessionId> &signedSessions() const { return m_signed; }
    [[nodiscard]] QString databasePath() const;
    [[nodiscard]] QString tokenPath() const;
    [[nodiscard]] sync::SyncClient::Options &options() { return m_options; }

private:
    void makeClient();
    const Practice &m_practice;
    int m_clinician;
    test::TempDir m_dir;
    ManualClock m_clock;
    std::unique_ptr<Store> m_store;
    sync::FileTokenStore m_tokens;
    sync::SeededRandom m_random;
    sync::SyncClient::Options m_options;
    std::unique_ptr<sync::SyncClient> m_client;
    Actor m_actor;
    QList<SessionId> m_signed;
};

/// Per session: stored on the office exactly once, with the device's signed hash, and one
/// ledger row. Returns an empty string when all hold, else what failed (ids only, no PHI).
QString checkOnServerExactlyOnce(Store &office, Store &device, const QList<SessionId> &sessions);

} // namespace sb::synctest
