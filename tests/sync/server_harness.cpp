// SPDX-License-Identifier: Apache-2.0
#include "server_harness.h"

#include "server/officeschema.h"
#include "store/schema.h"
#include "store/sessionrepository.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>
#include <QUrl>

#include <vector>

namespace sb::test {

namespace {

QString officeBinary()
{
    return QStringLiteral(SESSIONBOOK_BIN_DIR "/sessionbook-office");
}

QNetworkAccessManager &network()
{
    static QNetworkAccessManager manager;
    return manager;
}

} // namespace

void ensureApplication()
{
    if (QCoreApplication::instance() == nullptr) {
        static int argc = 1;
        static char name[] = "sessionbook-server-test";
        static char *argv[] = {name, nullptr};
        static QCoreApplication app(argc, argv);
    }
}

ServerHarness::ServerHarness(const QStringList &extraArguments)
    : m_arguments(extraArguments)
{
    ensureApplication();
    ManualClock clock;
    {
        auto opened = tryOpenStore(databasePath(), clock, sync::officeSchema());
        if (!opened) {
            return;
        }
        Store &store = **opened;
        Uuid7Generator &ids = store.ids();
        const Actor actor{};
        Practice &p = m_practice;
        p.orgA = makeOrganization(ids);
        p.orgB = makeOrganization(ids);
        p.providerA1 = makeProvider(ids, p.orgA.id);
        p.providerA2 = makeProvider(ids, p.orgA.id);
        p.providerB1 = makeProvider(ids, p.orgB.id);
        p.clinicianA1 = makeUser(ids, p.orgA.id, QStringLiteral("a1"), p.providerA1.id);
        p.clinicianA2 = makeUser(ids, p.orgA.id, QStringLiteral("a2"), p.providerA2.id);
        p.clinicianB1 = makeUser(ids, p.orgB.id, QStringLiteral("b1"), p.providerB1.id);
        p.billerA = makeUser(ids, p.orgA.id, QStringLiteral("biller"));
        p.billerA.role = Role::Biller;
        p.adminA = makeUser(ids, p.orgA.id, QStringLiteral("admin"));
        p.adminA.role = Role::Admin;
        p.payer = makePayer(ids);
        p.patientA1 = makePatient(ids, p.orgA.id, p.providerA1.id);
        p.patientA2 = makePatient(ids, p.orgA.id, p.providerA2.id);
        p.patientB1 = makePatient(ids, p.orgB.id, p.providerB1.id);
        bool ok = store.practice().save(actor, p.orgA) && store.practice().save(actor, p.orgB)
                  && store.practice().save(actor, p.providerA1)
                  && store.practice().save(actor, p.providerA2)
                  && store.practice().save(actor, p.providerB1)
                  && store.practice().save(actor, p.payer);
        for (const User &user :
             {p.clinicianA1, p.clinicianA2, p.clinicianB1, p.billerA, p.adminA}) {
            ok = ok && store.practice().save(actor, user);
        }
        for (const Patient &patient : {p.patientA1, p.patientA2, p.patientB1}) {
            ok = ok && store.patients().save(actor, patient);
        }
        ok = ok
             && store.patients().save(
                 actor, makeAuthorization(ids, p.patientA1.id, p.payer.id, p.providerA1.id))
             && store.patients().save(actor, makeCoverage(ids, p.patientA1.id, p.payer.id));
        if (!ok) {
            return;
        }
    }
    QFile key(keyFilePath());
    if (!key.open(QIODevice::WriteOnly)) {
        return;
    }
    key.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    key.write(testKey().toHex());
    key.close();
    start();
}

ServerHarness::~ServerHarness()
{
    if (m_process) {
        m_process->terminate();
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }
}

QString ServerHarness::databasePath() const
{
    return storePath(m_dir);
}

QString ServerHarness::keyFilePath() const
{
    return m_dir.filePath(QStringLiteral("office.key"));
}

bool ServerHarness::start()
{
    m_port = 0;
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    QStringList arguments{QStringLiteral("serve"),
                          QStringLiteral("--listen"),
                          QStringLiteral("127.0.0.1:0"),
                          QStringLiteral("--database"),
                          databasePath(),
                          QStringLiteral("--key-file"),
                          keyFilePath(),
                          QStringLiteral("--dev-cert"),
                          QStringLiteral("--dev-cert-dir"),
                          m_dir.filePath(QStringLiteral("cert"))};
    arguments += m_arguments;
    m_process->start(officeBinary(), arguments);
    if (!m_process->waitForStarted(10000)) {
        return false;
    }
    QDeadlineTimer deadline(20000);
    QByteArray output;
    while (!deadline.hasExpired()) {
        if (!m_process->canReadLine() && !m_process->waitForReadyRead(200)) {
            if (m_process->state() != QProcess::Running) {
                return false;
            }
            continue;
        }
        while (m_process->canReadLine()) {
            const QByteArray line = m_process->readLine().trimmed();
            if (line.startsWith("listening on ")) {
                m_port = static_cast<quint16>(line.mid(line.lastIndexOf(':') + 1).toUInt());
                const auto certs =
                    QSslCertificate::fromPath(m_dir.filePath(QStringLiteral("cert/cert.pem")));
                m_certificate = certs.isEmpty() ? QSslCertificate() : certs.first();
                return m_port != 0 && !m_certificate.isNull();
            }
        }
    }
    return false;
}

void ServerHarness::kill()
{
    if (m_process) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
    m_port = 0;
}

QByteArray ServerHarness::office(const QStringList &arguments, int *exitCode) const
{
    QProcess process;
    process.start(officeBinary(), arguments
                                      + QStringList{QStringLiteral("--database"), databasePath(),
                                                    QStringLiteral("--key-file"), keyFilePath()});
    process.waitForFinished(20000);
    if (exitCode != nullptr) {
        *exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }
    return process.readAllStandardOutput().trimmed();
}

QString ServerHarness::enrollmentCode(const QString &login, int ttlMinutes) const
{
    return QString::fromLatin1(
        office({QStringLiteral("device"), QStringLiteral("enroll-code"), QStringLiteral("--user"),
                login, QStringLiteral("--ttl-minutes"), QString::number(ttlMinutes)}));
}

QString ServerHarness::enroll(const QString &login)
{
    ManualClock clock;
    Uuid7Generator ids(clock);
    sync::pb::EnrollRequest request;
    fillHeader(*request.mutable_header(), ids);
    request.set_enrollment_code(enrollmentCode(login).toStdString());
    request.set_device_name("test device");
    request.set_platform("linux");
    const Reply reply = post(QStringLiteral("/v1/enroll"), request);
    sync::pb::EnrollResponse response;
    if (reply.status != 200
        || !response.ParseFromArray(reply.body.constData(), int(reply.body.size()))) {
        return {};
    }
    return QString::fromStdString(response.device_token());
}

namespace {

QNetworkRequest makeRequest(quint16 port, const QSslCertificate &certificate, const QString &path,
                            const QString &token)
{
    QNetworkRequest request(QUrl(QStringLiteral("https://127.0.0.1:%1%2").arg(port).arg(path)));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates({certificate});
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    request.setSslConfiguration(tls);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setTransferTimeout(10000);
    if (!token.isEmpty()) {
        request.setRawHeader("Authorization", "Bearer " + token.toLatin1());
    }
    return request;
}

Reply wait(QNetworkReply *reply)
{
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    if (!reply->isFinished()) {
        loop.exec();
    }
    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.wwwAuthenticate = reply->rawHeader("WWW-Authenticate");
    result.error = reply->error();
    reply->deleteLater();
    return result;
}

} // namespace

Reply ServerHarness::get(const QString &path, const QString &token)
{
    return wait(network().get(makeRequest(m_port, m_certificate, path, token)));
}

Reply ServerHarness::post(const QString &path, const QByteArray &body, const QString &token)
{
    QNetworkRequest request = makeRequest(m_port, m_certificate, path, token);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-protobuf"));
    return wait(network().post(request, body));
}

Reply ServerHarness::post(const QString &path, const google::protobuf::MessageLite &message,
                          const QString &token)
{
    std::string bytes;
    message.SerializeToString(&bytes);
    return post(path, QByteArray(bytes.data(), qsizetype(bytes.size())), token);
}

QByteArray ServerHarness::raw(const QByteArray &bytes, int timeoutMs)
{
    QSslSocket socket;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates({m_certificate});
    socket.setSslConfiguration(tls);
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_port);
    if (!socket.waitForEncrypted(5000)) {
        return {};
    }
    socket.write(bytes);
    socket.flush();
    QByteArray received;
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired() && socket.state() == QAbstractSocket::ConnectedState) {
        socket.waitForReadyRead(50);
        received += socket.readAll();
    }
    received += socket.readAll();
    return received;
}

std::int64_t ServerHarness::count(const char *table)
{
    ManualClock clock;
    auto db = openOfficeDatabase(databasePath());
    return db ? rowCount(**db, table) : -1;
}

bool ServerHarness::execute(const char *sql)
{
    auto db = openOfficeDatabase(databasePath());
    return db && (*db)->execLiteral(sql);
}

StoreResult<std::unique_ptr<Database>> openOfficeDatabase(const QString &path)
{
    std::vector<SchemaModule> modules{coreSchema()};
    const auto office = sync::officeSchema();
    modules.insert(modules.end(), office.begin(), office.end());
    return Database::openModules(path, testKey(), modules, Database::Options{});
}

void fillHeader(sync::pb::RequestHeader &header, Uuid7Generator &ids)
{
    header.set_schema_version(sync::protocolSchemaVersion);
    header.set_client_version("test");
    header.set_request_id(sync::toWireId(ids.next()));
}

sync::pb::Change signedSessionChange(Uuid7Generator &ids, const Clock &clock,
                                     const Organization &org, const Patient &patient,
                                     const Provider &provider, const User &clinician,
                                     const Payer &payer)
{
    return sessionChange(ids, clock,
                         makeDraftSession(ids, clock, org.id, patient.id, provider.id, payer.id),
                         clinician);
}

sync::pb::Change sessionChange(Uuid7Generator &ids, const Clock &clock, Session session,
                               const User &clinician)
{
    session.signature = Signature{clinician.id, clock.nowUtc(), sessionContentHash(session)};
    sync::pb::Change change;
    change.set_change_id(sync::toWireId(ids.next()));
    const QByteArray hash = session.signature->contentHash;
    change.set_content_hash(hash.constData(), static_cast<std::size_t>(hash.size()));
    sync::encodeSession(session, *change.mutable_session());
    return change;
}

sync::pb::Change addendumChange(Uuid7Generator &ids, const Clock &clock, const SessionId &session,
                                const AddendumId &addendumId, const User &author)
{
    Addendum addendum =
        makeAddendum(ids, author.id, clock.nowUtc(), QStringLiteral("Fictional addendum text."));
    addendum.id = addendumId;
    const QByteArray hash = addendumContentHash(session, addendum);
    addendum.signature = Signature{author.id, clock.nowUtc(), hash};
    sync::pb::Change change;
    change.set_change_id(sync::toWireId(ids.next()));
    change.set_content_hash(hash.constData(), static_cast<std::size_t>(hash.size()));
    sync::encodeAddendum(session, addendum, *change.mutable_addendum());
    return change;
}

} // namespace sb::test
