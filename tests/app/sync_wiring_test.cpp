// SPDX-License-Identifier: Apache-2.0
// The app's enrollment and sync wiring against the REAL back office: `sessionbook-office
// serve` over loopback TLS (tests/sync/client_harness.h). The controllers and models are the
// app's own, on a real store thread, wired as the composition root wires them.
#include "catchqt.h"
#include "client_harness.h"
#include "enrollmentcontroller.h"
#include "enrollmentlink.h"
#include "lockcontroller.h"
#include "recordcodec.h"
#include "secretstore.h"
#include "server/officesyncrepository.h"
#include "sessioncontroller.h"
#include "sessiontrailmodel.h"
#include "storehost.h"
#include "syncbridge.h"
#include "syncstatus.h"
#include "taskmodel.h"
#include "tempdir.h"
#include "todaymodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::app;
using sb::sync::EnrollmentLink;

namespace {

/// One clinician device as the app builds it: store host, lock, sync bridge, controllers.
struct AppDevice {
    test::TempDir dir;
    ManualClock clock{synctest::realNowMs()};
    FakeFileSecretStore secrets{dir.filePath(QStringLiteral("keystore"))};
    std::unique_ptr<StoreHost> host;
    std::unique_ptr<LockController> lock;
    std::unique_ptr<SyncStatus> status;
    std::unique_ptr<SyncBridge> bridge;
    std::unique_ptr<EnrollmentController> enrollment;
    std::unique_ptr<TodayModel> today;
    std::unique_ptr<SessionController> capture;
    std::unique_ptr<SessionTrailModel> trail;
    std::unique_ptr<TaskModel> tasks;

    AppDevice()
    {
        synctest::ensureApp();
        StoreHost::Config config;
        config.vaultPath = dir.filePath(QStringLiteral("vault.json"));
        config.storePath = dir.filePath(QStringLiteral("device.db"));
        config.secrets = &secrets;
        config.clock = &clock;
        config.vaultOptions.iterations = 1000;
        host = std::make_unique<StoreHost>(config);
        lock = std::make_unique<LockController>(*host);
        status = std::make_unique<SyncStatus>(clock);
        SyncBridge::Config sync;
        sync.tokens = std::make_shared<sync::MemoryTokenStore>();
        sync.options.periodicIntervalMs = 0;
        sync.options.retryBaseMs = 100;
        sync.options.retryCapMs = 1000;
        sync.options.transferTimeoutMs = 5000;
        bridge = std::make_unique<SyncBridge>(*host, *status, sync);
        enrollment = std::make_unique<EnrollmentController>(*bridge);
        today = std::make_unique<TodayModel>(*host);
        capture = std::make_unique<SessionController>(*host);
        trail = std::make_unique<SessionTrailModel>(*host);
        tasks = std::make_unique<TaskModel>(*host);
        // As app/clinician/clinicianapp.cpp wires them.
        QObject::connect(lock.get(), &LockController::unlocked, today.get(), &TodayModel::reload);
        QObject::connect(lock.get(), &LockController::unlocked, bridge.get(), &SyncBridge::start);
        QObject::connect(lock.get(), &LockController::locked, bridge.get(), &SyncBridge::stop);
        QObject::connect(lock.get(), &LockController::locked, enrollment.get(),
                         &EnrollmentController::handleLocked);
        QObject::connect(bridge.get(), &SyncBridge::identityChanged, today.get(),
                         &TodayModel::reload);
        QObject::connect(bridge.get(), &SyncBridge::syncFinished, today.get(), [this] {
            today->reload();
            tasks->reload();
            if (!trail->sessionId().isEmpty()) {
                trail->refresh();
            }
        });
    }

    ~AppDevice()
    {
        bridge->stop();
        host.reset();
    }

    bool waitFor(const std::function<bool()> &done, int ms = 30'000)
    {
        return synctest::waitUntil(done, ms);
    }
};

QString linkFor(const QUrl &server, const QString &code, const QByteArray &pin)
{
    return EnrollmentLink{server, code, pin, {}}.toString();
}

} // namespace

TEST_CASE("EnrollmentLink: round trip, typed parts and clear refusals", "[app]")
{
    const QByteArray pin = QByteArray(32, '\x5a');
    const EnrollmentLink link{
        QUrl(QStringLiteral("https://office.example:8443")), QStringLiteral("ABCD-1234"), pin, {}};
    const QString text = link.toString();
    CHECK(text.startsWith(QStringLiteral("sessionbook://enroll?server=https%3A%2F%2F")));
    auto parsed = EnrollmentLink::parse(QStringLiteral("  ") + text + QStringLiteral("\n"));
    REQUIRE(parsed);
    CHECK(parsed->server == link.server);
    CHECK(parsed->code == link.code);
    CHECK(parsed->pinSha256 == pin);
    CHECK(parsed->backupPinSha256.isEmpty());

    // A backup pin travels with the link; a link without a pin is refused.
    const QByteArray backup = QByteArray(32, '\x3c');
    auto withBackup =
        EnrollmentLink::parse(EnrollmentLink{link.server, link.code, pin, backup}.toString());
    REQUIRE(withBackup);
    CHECK(withBackup->pinSha256 == pin);
    CHECK(withBackup->backupPinSha256 == backup);
    CHECK(EnrollmentLink::parse(EnrollmentLink{link.server, link.code, {}, {}}.toString()).error()
          == EnrollmentLink::Error::MissingPin);
    CHECK(
        EnrollmentLink::parse(EnrollmentLink{link.server, link.code, {}, backup}.toString()).error()
        == EnrollmentLink::Error::MissingPin);
    CHECK(EnrollmentLink::parse(text + QStringLiteral("&backup_pin=abc")).error()
          == EnrollmentLink::Error::BadPin);

    using E = EnrollmentLink::Error;
    CHECK(EnrollmentLink::parse(QStringLiteral("https://office.example")).error() == E::NotALink);
    CHECK(
        EnrollmentLink::fromParts(QStringLiteral("http://office.example"), QStringLiteral("X"), {})
            .error()
        == E::NotHttps);
    CHECK(EnrollmentLink::fromParts(QString(), QStringLiteral("X"), {}).error()
          == E::MissingServer);
    CHECK(EnrollmentLink::fromParts(QStringLiteral("office.example:8443"), QString(), {}).error()
          == E::MissingCode);
    CHECK(EnrollmentLink::fromParts(QStringLiteral("office.example"), QStringLiteral("X"),
                                    QStringLiteral("abc"))
              .error()
          == E::BadPin);
    CHECK(
        EnrollmentLink::fromParts(QStringLiteral("office.example"), QStringLiteral("X"), {}).error()
        == E::MissingPin);
    auto typed =
        EnrollmentLink::fromParts(QStringLiteral("office.example:9443/ignored"),
                                  QStringLiteral(" code "), QString::fromLatin1(pin.toHex(':')));
    REQUIRE(typed);
    CHECK(typed->server.toString() == QStringLiteral("https://office.example:9443"));
    CHECK(typed->code == QStringLiteral("code"));
    CHECK(typed->pinSha256 == pin);
}

TEST_CASE("SyncStatus: relative last-sync text and badges", "[app]")
{
    synctest::ensureApp();
    ManualClock clock(1'700'000'000'000);
    SyncStatus status(clock);
    CHECK_FALSE(status.connected());
    CHECK(status.lastSuccessText() == QStringLiteral("never synced"));
    SyncSnapshot s;
    s.enrolled = true;
    s.pendingCount = 2;
    s.lastSuccess = clock.nowUtc().addSecs(-3 * 60);
    status.apply(s);
    CHECK(status.pendingCount() == 2);
    CHECK(status.lastSuccessText() == QStringLiteral("synced 3 min ago"));
    CHECK_FALSE(status.offline());
    CHECK_FALSE(status.error().isError());
    s.lastError = QStringLiteral("no answer from the server (network error 1)");
    status.apply(s);
    CHECK(status.offline());
    CHECK(status.error().kind() == AppError::NetworkUnreachable);
    CHECK(status.error().operation() == AppError::Sync);
    s.signInRequired = true;
    status.apply(s);
    CHECK_FALSE(status.offline());
    CHECK(status.signInRequired());
    status.reset();
    CHECK_FALSE(status.connected());
}

TEST_CASE("App enrollment and sync against the real office server", "[app][integration]")
{
    synctest::OfficeServer office;
    synctest::Practice practice;
    REQUIRE(office.seed(1, 3, practice));
    REQUIRE(office.start());
    const QString login = practice.clinicians[0].user.login;

    AppDevice device;
    device.lock->choosePasscode(QStringLiteral("258036"), QStringLiteral("258036"));
    REQUIRE(device.waitFor([&] { return device.lock->state() == LockController::Unlocked; }));
    REQUIRE(
        device.waitFor([&] { return device.enrollment->state() == EnrollmentController::Needed; }));
    CHECK_FALSE(device.status->connected());
    QAbstractItemModelTester trailTester(device.trail.get());
    QAbstractItemModelTester tasksTester(device.tasks.get());

    const auto settled = [&] {
        return device.enrollment->state() != EnrollmentController::Enrolling;
    };

    SECTION("Not a link, bad code, wrong pin, unreachable: clear errors, not enrolled")
    {
        device.enrollment->enrollWithLink(QStringLiteral("hello"));
        CHECK(device.enrollment->error().kind() == AppError::InvalidLink);

        device.enrollment->enrollWithLink(
            linkFor(office.url(), QStringLiteral("WRONG-CODE"), office.keyPin()));
        CHECK(device.enrollment->state() == EnrollmentController::Enrolling);
        REQUIRE(device.waitFor(settled));
        CHECK(device.enrollment->state() == EnrollmentController::Needed);
        CHECK(device.enrollment->error().kind() == AppError::EnrollmentCodeRefused);

        const auto code = office.enrollCode(login);
        REQUIRE(code);
        device.enrollment->enrollWithLink(linkFor(office.url(), *code, QByteArray(32, '\x11')));
        REQUIRE(device.waitFor(settled));
        CHECK(device.enrollment->error().kind() == AppError::CertificateMismatch);

        // Without the server's key fingerprint nothing is sent.
        device.enrollment->enroll(QStringLiteral("https://127.0.0.1:1"), *code, QString());
        CHECK(device.enrollment->error().kind() == AppError::MissingPin);
        CHECK(device.enrollment->state() == EnrollmentController::Needed);

        device.enrollment->enroll(QStringLiteral("https://127.0.0.1:1"), *code,
                                  QString::fromLatin1(QByteArray(32, '\x11').toHex()));
        REQUIRE(device.waitFor(settled));
        CHECK(device.enrollment->error().kind() == AppError::NetworkUnreachable);
        CHECK(device.enrollment->state() == EnrollmentController::Needed);
        CHECK_FALSE(device.status->connected());
    }

    SECTION("Enroll, pull the caseload, sign: received and coded come back to the models")
    {
        const auto code = office.enrollCode(login);
        REQUIRE(code);
        device.enrollment->enrollWithLink(linkFor(office.url(), *code, office.keyPin()));
        REQUIRE(device.waitFor(settled));
        INFO(device.enrollment->error().kindName().toStdString());
        REQUIRE(device.enrollment->state() == EnrollmentController::Enrolled);
        CHECK(device.enrollment->serverName() == QStringLiteral("127.0.0.1:%1").arg(office.port()));
        // The initial pull brings the clinician's caseload into Today.
        REQUIRE(device.waitFor([&] {
            return device.status->connected() && device.status->lastSuccess().isValid()
                   && device.today->rowCount() == 3;
        }));

        const QModelIndex first = device.today->index(0, 0);
        device.capture->start(first.data(TodayModel::PatientIdRole).toString(),
                              first.data(TodayModel::PatientNameRole).toString());
        REQUIRE(
            device.waitFor([&] { return device.capture->phase() == SessionController::Running; }));
        device.clock.advanceMs(40 * 60 * 1000);
        device.capture->timer()->stop();
        REQUIRE(device.waitFor([&] { return !device.capture->busy(); }));
        // Signing needs a diagnosis (the readiness check blocks without one).
        REQUIRE(device.capture->diagnoses()->add(QStringLiteral("F41.1")));
        REQUIRE(device.waitFor([&] { return device.capture->canSign(); }));
        device.capture->sign();
        REQUIRE(
            device.waitFor([&] { return device.capture->phase() == SessionController::Signed; }));
        const SessionId sessionId = device.capture->session()->id;

        // Signing wrote the outbox row and started a sync: it drains, the office has it.
        REQUIRE(device.waitFor([&] {
            return device.status->pendingCount() == 0 && !device.status->syncing()
                   && device.status->lastError().isEmpty();
        }));
        auto officeStore = office.openStore();
        REQUIRE(officeStore);
        const Actor reader{practice.clinicians[0].user.id, DeviceId()};
        CHECK(officeStore->sessions().session(reader, sessionId).hasValue());

        // The trail shows received and coded (pulled back), and Today shows the status.
        device.trail->load(sessionId.toString(), QStringLiteral("x"));
        const auto reached = [&](const char *name) {
            for (int row = 0; row < device.trail->rowCount(); ++row) {
                const QModelIndex index = device.trail->index(row, 0);
                if (index.data(SessionTrailModel::StatusNameRole).toString()
                    == QLatin1String(name)) {
                    return index.data(SessionTrailModel::ReachedRole).toBool();
                }
            }
            return false;
        };
        REQUIRE(device.waitFor([&] {
            if (!(reached("received") && reached("coded"))) {
                device.bridge->syncNow();
                synctest::spin(200);
                return false;
            }
            return true;
        }));
        CHECK(reached("on_device"));
        CHECK_FALSE(reached("paid"));
        CHECK(device.trail->currentText() == QStringLiteral("Coded"));
        REQUIRE(device.waitFor([&] {
            for (int row = 0; row < device.today->rowCount(); ++row) {
                const QModelIndex index = device.today->index(row, 0);
                if (index.data(TodayModel::SessionIdRole).toString() == sessionId.toString()) {
                    return index.data(TodayModel::StatusRole).toString() == QStringLiteral("Coded");
                }
            }
            return false;
        }));

        // Billing asks for an addendum: the task arrives and opens that session.
        {
            SystemClock clock;
            sync::OfficeSyncRepository repo(officeStore->database(), officeStore->audit(), clock,
                                            officeStore->ids());
            auto task = repo.requestAddendum(reader, sessionId,
                                             QStringLiteral("Add the start and stop times."));
            REQUIRE(task);
            // requestAddendum publishes it to the clinician's feed in the same write.
        }
        device.bridge->syncNow();
        REQUIRE(device.waitFor([&] { return device.tasks->rowCount() == 1; }));
        const QModelIndex task = device.tasks->index(0, 0);
        CHECK(task.data(TaskModel::KindRole).toString() == QStringLiteral("addendum_requested"));
        CHECK(task.data(TaskModel::TitleRole).toString() == QStringLiteral("Addendum requested"));
        QSignalSpy opened(device.tasks.get(), &TaskModel::sessionRequested);
        device.tasks->open(0);
        REQUIRE(opened.size() == 1);
        CHECK(opened.at(0).at(0).toString() == sessionId.toString());

        // Offline: a session signed while the server is down waits in the outbox, and locking
        // and unlocking keeps it there.
        office.kill();
        device.capture->close();
        device.capture->start(first.data(TodayModel::PatientIdRole).toString(),
                              first.data(TodayModel::PatientNameRole).toString());
        REQUIRE(
            device.waitFor([&] { return device.capture->phase() == SessionController::Running; }));
        device.clock.advanceMs(20 * 60 * 1000);
        device.capture->timer()->stop();
        REQUIRE(device.waitFor([&] { return !device.capture->busy(); }));
        REQUIRE(device.capture->diagnoses()->add(QStringLiteral("F41.1")));
        REQUIRE(device.waitFor([&] { return device.capture->canSign(); }));
        device.capture->sign();
        REQUIRE(device.waitFor(
            [&] { return device.status->pendingCount() == 1 && device.status->offline(); }));
        device.capture->close();
        device.lock->lock();
        REQUIRE(device.waitFor([&] { return !device.status->connected(); }));
        CHECK(device.status->pendingCount() == 0); // nothing about the store on screen
        device.lock->unlock(QStringLiteral("258036"));
        REQUIRE(device.waitFor(
            [&] { return device.status->connected() && device.status->pendingCount() == 1; }));
        // Still enrolled after the unlock (its state arrives from the store thread too).
        CHECK(device.waitFor(
            [&] { return device.enrollment->state() == EnrollmentController::Enrolled; }));
    }
}
