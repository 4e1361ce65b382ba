// SPDX-License-Identifier: Apache-2.0
#pragma once

// The real `sessionbook-office serve` for tests: a seeded encrypted store in a temporary
// directory, the server process on 127.0.0.1 with a fresh dev certificate, and clients that
// trust exactly that certificate (QNetworkAccessManager for well-formed requests, a raw
// QSslSocket for the malformed ones).

#include "fixtures.h"
#include "recordcodec.h"

#include <QNetworkReply>
#include <QProcess>
#include <QSslCertificate>

#include <memory>

namespace sb::test {

/// A QCoreApplication for the test process (QNetworkAccessManager needs an event loop).
void ensureApplication();

/// What the seeded store holds: two organizations, two clinicians, a biller and an admin in
/// A, one clinician in B, each clinician with a patient of their own.
struct Practice {
    Organization orgA;
    Organization orgB;
    Provider providerA1;
    Provider providerA2;
    Provider providerB1;
    User clinicianA1;
    User clinicianA2;
    User billerA;
    User adminA;
    User clinicianB1;
    Payer payer;
    Patient patientA1; ///< primary clinician: providerA1
    Patient patientA2; ///< primary clinician: providerA2
    Patient patientB1; ///< organization B
};

/// One HTTP answer as the client saw it.
struct Reply {
    int status = 0; ///< 0 when the connection failed or timed out.
    QByteArray body;
    QByteArray wwwAuthenticate;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
};

class ServerHarness {
public:
    /// Seeds the store (once per harness) and starts the server with `extraArguments`.
    explicit ServerHarness(const QStringList &extraArguments = {});
    ~ServerHarness();
    ServerHarness(const ServerHarness &) = delete;
    ServerHarness &operator=(const ServerHarness &) = delete;

    [[nodiscard]] bool running() const { return m_port != 0; }
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] const Practice &practice() const { return m_practice; }
    [[nodiscard]] const QSslCertificate &certificate() const { return m_certificate; }
    [[nodiscard]] QString databasePath() const;
    [[nodiscard]] QString keyFilePath() const;

    /// Starts the server again on the same store (after kill()).
    bool start();
    /// SIGKILL, no goodbye.
    void kill();

    /// Runs `sessionbook-office <arguments> --database ... --key-file ...`; stdout, trimmed.
    QByteArray office(const QStringList &arguments, int *exitCode = nullptr) const;
    /// A one-time code for `login` through the CLI.
    QString enrollmentCode(const QString &login, int ttlMinutes = 60) const;
    /// Enrolls a device for `login`; its token (empty when refused).
    QString enroll(const QString &login);

    Reply get(const QString &path, const QString &token = {});
    Reply post(const QString &path, const QByteArray &body, const QString &token = {});
    Reply post(const QString &path, const google::protobuf::MessageLite &message,
               const QString &token = {});
    /// Writes `bytes` on a fresh TLS connection and returns what comes back before the server
    /// closes it or `timeoutMs` pass.
    QByteArray raw(const QByteArray &bytes, int timeoutMs = 5000);

    /// A second connection to the store the server uses (SQLCipher in WAL mode).
    std::int64_t count(const char *table);
    bool execute(const char *sql);

private:
    TempDir m_dir;
    Practice m_practice;
    QStringList m_arguments;
    std::unique_ptr<QProcess> m_process;
    QSslCertificate m_certificate;
    quint16 m_port = 0;
};

/// The office store at `path` (testKey) as a bare database with core's and the office's
/// tables, for looking at rows the repositories do not expose.
StoreResult<std::unique_ptr<Database>> openOfficeDatabase(const QString &path);
/// A request header at the server's schema version with a fresh request id.
void fillHeader(sync::pb::RequestHeader &header, Uuid7Generator &ids);
/// A signed session by `clinician` for `patient`, as a Change ready to push.
sync::pb::Change signedSessionChange(Uuid7Generator &ids, const Clock &clock,
                                     const Organization &org, const Patient &patient,
                                     const Provider &provider, const User &clinician,
                                     const Payer &payer);
/// `session` signed by `clinician`, as a Change ready to push.
sync::pb::Change sessionChange(Uuid7Generator &ids, const Clock &clock, Session session,
                               const User &clinician);
/// A signed addendum by `author` to `session` (with id `addendumId`), as a Change.
sync::pb::Change addendumChange(Uuid7Generator &ids, const Clock &clock, const SessionId &session,
                                const AddendumId &addendumId, const User &author);

} // namespace sb::test
