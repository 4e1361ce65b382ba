// SPDX-License-Identifier: Apache-2.0
#include "client_harness.h"

#include "client/deviceschema.h"
#include "fixtures.h"
#include "server/officeschema.h"
#include "store/database.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QTimer>

#include <cstdlib>

namespace sb::synctest {

Q_LOGGING_CATEGORY(lcHarness, "sessionbook.test.sync")

void ensureApp()
{
    if (QCoreApplication::instance()) {
        return;
    }
    static int argc = 1;
    static char name[] = "sync-client-test";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
}

bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    // A nested event loop woken every 2 ms to look at the condition: it sleeps in the event
    // dispatcher between events instead of spinning (processEvents(flags, ms) never waits).
    QDeadlineTimer deadline(timeoutMs);
    if (done()) {
        return true;
    }
    QEventLoop loop;
    QTimer tick;
    tick.setInterval(2);
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (done() || deadline.hasExpired()) {
            loop.quit();
        }
    });
    tick.start();
    loop.exec();
    return done();
}

void spin(int ms)
{
    QDeadlineTimer deadline(ms);
    waitUntil([&] { return deadline.hasExpired(); }, ms + 1);
}

std::int64_t realNowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

std::uint64_t envNumber(const char *name, std::uint64_t fallback)
{
    const char *value = std::getenv(name);
    if (!value || !*value) {
        return fallback;
    }
    return std::strtoull(value, nullptr, 10);
}

bool makeServerCertificate(const QString &certPath, const QString &keyPath, bool newKey, int days)
{
    QStringList arguments{QStringLiteral("req"), QStringLiteral("-x509")};
    if (newKey) {
        arguments += {QStringLiteral("-newkey"),
                      QStringLiteral("ec"),
                      QStringLiteral("-pkeyopt"),
                      QStringLiteral("ec_paramgen_curve:P-256"),
                      QStringLiteral("-nodes"),
                      QStringLiteral("-keyout"),
                      keyPath};
    } else {
        arguments += {QStringLiteral("-key"), keyPath};
    }
    arguments += {QStringLiteral("-out"),    certPath,
                  QStringLiteral("-days"),   QString::number(days),
                  QStringLiteral("-subj"),   QStringLiteral("/CN=127.0.0.1"),
                  QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1")};
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"), arguments);
    return openssl.waitForFinished(30'000) && openssl.exitStatus() == QProcess::NormalExit
           && openssl.exitCode() == 0;
}

QByteArray keyPinOfFile(const QString &certPath)
{
    // openssl x509 -pubkey | openssl pkey -pubin -outform der: the DER SubjectPublicKeyInfo.
    QProcess x509;
    QProcess pkey;
    x509.setStandardOutputProcess(&pkey);
    x509.start(QStringLiteral("openssl"), {QStringLiteral("x509"), QStringLiteral("-in"), certPath,
                                           QStringLiteral("-pubkey"), QStringLiteral("-noout")});
    pkey.start(QStringLiteral("openssl"), {QStringLiteral("pkey"), QStringLiteral("-pubin"),
                                           QStringLiteral("-outform"), QStringLiteral("der")});
    if (!x509.waitForFinished(30'000) || !pkey.waitForFinished(30'000) || x509.exitCode() != 0
        || pkey.exitCode() != 0) {
        return {};
    }
    const QByteArray der = pkey.readAllStandardOutput();
    return der.isEmpty() ? QByteArray() : QCryptographicHash::hash(der, QCryptographicHash::Sha256);
}

// ---- OfficeServer ------------------------------------------------------------------------

OfficeServer::OfficeServer() = default;

OfficeServer::~OfficeServer()
{
    kill();
}

QProcessEnvironment OfficeServer::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QByteArray hex = test::testKey().toHex();
    env.insert(QStringLiteral("SESSIONBOOK_OFFICE_KEY"), QString::fromLatin1(hex));
    secureWipe(hex);
    return env;
}

bool OfficeServer::seed(int clinicians, int patientsEach, Practice &practice)
{
    auto store = openStore();
    if (!store) {
        return false;
    }
    Uuid7Generator &ids = store->ids();
    const Actor admin{UserId(ids.next()), DeviceId()};
    practice.organization = test::makeOrganization(ids);
    practice.payer = test::makePayer(ids);
    bool ok = store->practice().save(admin, practice.organization).hasValue()
              && store->practice().save(admin, practice.payer).hasValue();
    for (int c = 0; ok && c < clinicians; ++c) {
        Practice::Clinician clinician;
        clinician.provider = test::makeProvider(ids, practice.organization.id);
        clinician.user =
            test::makeUser(ids, practice.organization.id, QStringLiteral("clinician%1").arg(c),
                           clinician.provider.id);
        ok = store->practice().save(admin, clinician.provider).hasValue()
             && store->practice().save(admin, clinician.user).hasValue();
        for (int p = 0; ok && p < patientsEach; ++p) {
            Patient patient =
                test::makePatient(ids, practice.organization.id, clinician.provider.id);
            ok = store->patients().save(admin, patient).hasValue();
            clinician.patients.append(patient);
        }
        practice.clinicians.append(clinician);
    }
    if (ok && !practice.clinicians.isEmpty() && !practice.clinicians[0].patients.isEmpty()) {
        const PatientId first = practice.clinicians[0].patients[0].id;
        practice.coverage = test::makeCoverage(ids, first, practice.payer.id);
        practice.coverage.eligibility = test::makeEligibility(store->clock().nowUtc(), true);
        practice.authorization = test::makeAuthorization(ids, first, practice.payer.id);
        ok = store->patients().save(admin, practice.coverage).hasValue()
             && store->patients().save(admin, practice.authorization).hasValue();
    }
    return ok;
}

void OfficeServer::useCertificate(const QString &certPath, const QString &keyPath)
{
    m_certPath = certPath;
    m_keyPath = keyPath;
}

bool OfficeServer::start()
{
    kill();
    m_process = std::make_unique<QProcess>();
    m_process->setProcessEnvironment(environment());
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    m_process->setProgram(QStringLiteral(SESSIONBOOK_BIN_DIR "/sessionbook-office"));
    // The pins come from the certificate file, whatever `serve` prints about it.
    const bool given = !m_certPath.isEmpty();
    const QString certPath =
        given ? m_certPath : m_dir.filePath(QStringLiteral("dev-cert/cert.pem"));
    QStringList arguments{QStringLiteral("serve"), QStringLiteral("--listen"),
                          QStringLiteral("127.0.0.1:%1").arg(m_keepPort ? m_port : 0),
                          QStringLiteral("--database"), databasePath()};
    if (given) {
        arguments +=
            {QStringLiteral("--tls-cert"), m_certPath, QStringLiteral("--tls-key"), m_keyPath};
    } else {
        arguments += {QStringLiteral("--dev-cert"), QStringLiteral("--dev-cert-dir"),
                      m_dir.filePath(QStringLiteral("dev-cert"))};
    }
    m_process->setArguments(arguments + m_extraArguments);
    m_process->start();
    if (!m_process->waitForStarted(10'000)) {
        qCWarning(lcHarness) << "sessionbook-office did not start:" << m_process->errorString();
        return false;
    }
    static const QRegularExpression listening(
        QStringLiteral("listening on 127\\.0\\.0\\.1:(\\d+)"));
    QByteArray out;
    QDeadlineTimer deadline(20'000);
    while (!deadline.hasExpired()) {
        if (!m_process->waitForReadyRead(100) && m_process->state() != QProcess::Running) {
            break;
        }
        out += m_process->readAllStandardOutput();
        const QString text = QString::fromUtf8(out);
        const auto port = listening.match(text);
        if (port.hasMatch()) {
            m_port = static_cast<quint16>(port.captured(1).toUInt());
            const auto certificates = QSslCertificate::fromPath(certPath);
            m_certSha256 = certificates.isEmpty()
                               ? QByteArray()
                               : certificates.first().digest(QCryptographicHash::Sha256);
            m_keyPin = keyPinOfFile(certPath);
            ++m_starts;
            return true;
        }
    }
    qCWarning(lcHarness) << "sessionbook-office serve did not report a port; stderr:"
                         << m_process->readAllStandardError();
    return false;
}

void OfficeServer::kill()
{
    if (m_process) {
        if (m_process->state() != QProcess::NotRunning) {
            m_process->kill(); // SIGKILL on Unix
            m_process->waitForFinished(10'000);
        }
        m_process.reset();
    }
}

bool OfficeServer::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

std::optional<QString> OfficeServer::enrollCode(const QString &login)
{
    QProcess cli;
    cli.setProcessEnvironment(environment());
    cli.start(QStringLiteral(SESSIONBOOK_BIN_DIR "/sessionbook-office"),
              {QStringLiteral("device"), QStringLiteral("enroll-code"), QStringLiteral("--user"),
               login, QStringLiteral("--database"), databasePath()});
    if (!cli.waitForFinished(30'000) || cli.exitCode() != 0) {
        qCWarning(lcHarness) << "enroll-code failed:" << cli.readAllStandardError();
        return std::nullopt;
    }
    const QString code = QString::fromUtf8(cli.readAllStandardOutput()).trimmed();
    if (code.isEmpty()) {
        return std::nullopt;
    }
    return code.split(u'\n').constLast().trimmed();
}

std::unique_ptr<Store> OfficeServer::openStore()
{
    auto store = Store::open(databasePath(), test::testKey(), m_clock, sync::officeSchema());
    if (!store) {
        qCWarning(lcHarness) << "office store:" << store.error().kindName()
                             << store.error().message;
        return nullptr;
    }
    return std::move(*store);
}

QUrl OfficeServer::url() const
{
    return QUrl(QStringLiteral("https://127.0.0.1:%1").arg(m_port));
}

// ---- Device ------------------------------------------------------------------------------

Device::Device(const Practice &practice, int clinician, sync::SyncClient::Options options,
               std::uint64_t seed)
    : m_practice(practice)
    , m_clinician(clinician)
    , m_clock(realNowMs())
    , m_tokens(m_dir.filePath(QStringLiteral("device-token")))
    , m_random(seed)
    , m_options(std::move(options))
{
    ensureApp();
    auto opened = test::tryOpenStore(databasePath(), m_clock, sync::deviceSchema());
    if (!opened) {
        qCWarning(lcHarness) << "device store:" << opened.error().kindName();
        return;
    }
    m_store = std::move(*opened);
    const Practice::Clinician &c = practice.clinicians.at(clinician);
    m_actor = Actor{c.user.id, DeviceId()};
    // The device's copy of the practice's reference rows (normally from the initial pull;
    // sessions need them for their foreign keys before the first sync).
    bool ok = m_store->practice().save(m_actor, practice.organization).hasValue()
              && m_store->practice().save(m_actor, practice.payer).hasValue()
              && m_store->practice().save(m_actor, c.provider).hasValue()
              && m_store->practice().save(m_actor, c.user).hasValue();
    for (const Patient &patient : c.patients) {
        ok = ok && m_store->patients().save(m_actor, patient).hasValue();
    }
    if (!ok) {
        m_store.reset();
        return;
    }
    makeClient();
}

Device::~Device()
{
    m_client.reset();
}

QString Device::databasePath() const
{
    return m_dir.filePath(QStringLiteral("device.db"));
}

QString Device::tokenPath() const
{
    return m_dir.filePath(QStringLiteral("device-token"));
}

void Device::makeClient()
{
    m_client = std::make_unique<sync::SyncClient>(*m_store, m_tokens, m_clock, m_random, m_options);
}

std::optional<QString> Device::enroll(const QUrl &server, const QString &code,
                                      const QByteArray &pin, const QByteArray &backupPin,
                                      sync::SyncClient::EnrollOptions options,
                                      sync::SyncClient::EnrollError *kind)
{
    std::optional<QString> result;
    bool done = false;
    auto connection = QObject::connect(
        m_client.get(), &sync::SyncClient::enrollFinished,
        [&](bool ok, const QString &error, sync::SyncClient::EnrollError errorKind) {
            done = true;
            if (!ok) {
                result = error;
            }
            if (kind) {
                *kind = errorKind;
            }
        });
    m_client->enroll(server, code, pin, backupPin, options);
    if (!waitUntil([&] { return done; }, 30'000)) {
        result = QStringLiteral("enrollment timed out");
    }
    QObject::disconnect(connection);
    return result;
}

SessionId Device::signNewSession(bool triggerSync)
{
    const Practice::Clinician &c = m_practice.clinicians.at(m_clinician);
    const Patient &patient = c.patients.at(m_signed.size() % c.patients.size());
    Session draft = test::makeDraftSession(m_store->ids(), m_clock, m_practice.organization.id,
                                           patient.id, c.provider.id, m_practice.payer.id);
    if (!m_store->sessions().saveDraft(m_actor, draft)) {
        return {};
    }
    m_clock.advanceMs(1);
    auto signature =
        triggerSync
            ? m_client->signSession(m_actor, draft.id, c.user.id, m_clock.nowUtc())
            : m_client->deviceStore().signSession(m_actor, draft.id, c.user.id, m_clock.nowUtc());
    if (!signature) {
        qCWarning(lcHarness) << "sign failed:" << signature.error().kindName()
                             << signature.error().message;
        return {};
    }
    m_signed.append(draft.id);
    return draft.id;
}

void Device::restartClient(bool reopenStore)
{
    m_client.reset();
    if (reopenStore) {
        m_store.reset();
        auto opened = test::tryOpenStore(databasePath(), m_clock, sync::deviceSchema());
        if (!opened) {
            qCWarning(lcHarness) << "device store reopen:" << opened.error().kindName();
            return;
        }
        m_store = std::move(*opened);
    }
    makeClient();
}

bool Device::syncToQuiescence(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        bool finished = false;
        bool ok = false;
        auto connection =
            QObject::connect(m_client.get(), &sync::SyncClient::syncFinished, [&](bool success) {
                finished = true;
                ok = success;
            });
        m_client->syncNow();
        waitUntil([&] { return finished || !m_client->isSyncing(); },
                  static_cast<int>(std::max<qint64>(1, deadline.remainingTime())));
        QObject::disconnect(connection);
        auto pending = sync::DeviceSyncStore(*m_store).pendingCount();
        if (ok && pending && *pending == 0) {
            return true;
        }
        spin(5);
    }
    return false;
}

QString checkOnServerExactlyOnce(Store &office, Store &device, const QList<SessionId> &sessions)
{
    for (const SessionId &id : sessions) {
        auto onDevice = device.database().prepare("SELECT signed_hash FROM sessions WHERE id = ?");
        if (!onDevice) {
            return QStringLiteral("device query failed");
        }
        onDevice->bind(1, id);
        auto row = onDevice->step();
        if (!row || !*row || onDevice->isNull(0)) {
            return QStringLiteral("device lost signed session ") + id.toString();
        }
        const QByteArray hash = onDevice->blob(0);

        auto onOffice = office.database().prepare(
            "SELECT count(*), max(signed_hash) FROM sessions WHERE id = ?");
        if (!onOffice) {
            return QStringLiteral("office query failed");
        }
        onOffice->bind(1, id);
        if (!onOffice->step() || onOffice->int64(0) != 1) {
            return QStringLiteral("office holds session ") + id.toString()
                   + QStringLiteral(" %1 times").arg(onOffice->int64(0));
        }
        if (onOffice->blob(1) != hash) {
            return QStringLiteral("office hash differs for ") + id.toString();
        }
        auto ledger = office.database().prepare(
            "SELECT count(*), count(DISTINCT server_seq) FROM office_sync_ledger "
            "WHERE record_id = ?");
        if (!ledger) {
            return QStringLiteral("ledger query failed");
        }
        ledger->bind(1, id.uuid().toRfc4122());
        if (!ledger->step() || ledger->int64(0) != 1) {
            return QStringLiteral("ledger has %1 rows for ").arg(ledger->int64(0)) + id.toString();
        }
    }
    return {};
}

} // namespace sb::synctest
