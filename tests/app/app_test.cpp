// SPDX-License-Identifier: Apache-2.0
#include "apptestharness.h"
#include "catchqt.h"
#include "caseloadwarnings.h"
#include "codinghint.h"
#include "lockcontroller.h"
#include "secretstore.h"
#include "sessioncontroller.h"
#include "storehost.h"
#include "tempdir.h"
#include "todaymodel.h"

#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QDeadlineTimer>

#include <catch2/catch_test_macros.hpp>

#include <functional>

using namespace sb;
using namespace sb::app;

using namespace sb::app::testing;

TEST_CASE("caseloadWarnings names auth, eligibility, carve-out and network problems", "[app]")
{
    ensureApp();
    const QDate today(2026, 3, 10);
    const PayerId payer(QUuid::createUuid());
    Coverage coverage;
    coverage.payerId = payer;
    coverage.effective = QDate(2025, 1, 1);
    EligibilitySnapshot elig;
    elig.checkedAt = QDateTime(QDate(2026, 3, 1), QTime(9, 0), Qt::UTC);
    elig.active = true;
    coverage.eligibility = elig;
    Authorization auth;
    auth.payerId = payer;
    auth.authorized = 12;
    auth.used = 10;
    auth.startDate = QDate(2026, 1, 1);
    auth.endDate = QDate(2026, 6, 30);
    CredentialingRecord cred;
    cred.payerId = payer;
    cred.status = CredentialingStatus::InNetwork;
    cred.effectiveDate = QDate(2025, 1, 1);
    const QList<Payer> payers{Payer{payer, QStringLiteral("Demo Health"), PayerKind::Commercial,
                                    {}, {}, {}}};

    auto w = caseloadWarnings(today, {coverage}, {auth}, {cred}, payers);
    REQUIRE(w.messages.size() == 1);
    CHECK(w.messages.first().startsWith(QStringLiteral("Auth: 2 visits left")));
    CHECK_FALSE(w.blocking);

    auth.used = 12;
    w = caseloadWarnings(today, {coverage}, {auth}, {cred}, payers);
    CHECK(w.messages.contains(QStringLiteral("Authorization used up")));
    CHECK(w.blocking);

    auth.used = 0;
    coverage.eligibility->checkedAt
        = QDateTime(QDate(2025, 12, 1), QTime(9, 0), Qt::UTC);
    coverage.eligibility->behavioralHealthCarvedOut = true;
    coverage.eligibility->carveOutPayerName = QStringLiteral("Mind BHO");
    cred.endDate = QDate(2026, 3, 9); // credentialing ended yesterday
    w = caseloadWarnings(today, {coverage}, {auth}, {cred}, payers);
    CHECK(w.messages.size() == 3);
    CHECK(w.messages.at(0).startsWith(QStringLiteral("Eligibility as of")));
    CHECK(w.messages.at(1) == QStringLiteral("Mental health carved out to Mind BHO"));
    CHECK(w.messages.at(2) == QStringLiteral("You are not in network with Demo Health today"));
    CHECK(w.blocking);

    w = caseloadWarnings(today, {}, {}, {}, payers);
    CHECK(w.messages == QStringList{QStringLiteral("No active coverage (self-pay?)")});
}

TEST_CASE("codingHint: what the minutes bill and what the next band needs", "[app]")
{
    ensureApp();
    auto rules = coding::RuleSet::builtin();
    REQUIRE(rules);
    const coding::CodingEngine engine(rules.value());
    coding::SessionFacts facts;
    facts.dateOfService = QDate(2026, 3, 10);
    facts.minutes = 38;
    CHECK(codingHint(engine, facts) == QStringLiteral("38 min → 90834 · 15 more min for 90837"));
    facts.minutes = 10;
    CHECK(codingHint(engine, facts)
          == QStringLiteral("10 min → not billable yet · 6 more min for 90832"));
}

TEST_CASE("LockController: first run, wrong passcode, lock, auto-lock", "[app]")
{
    Harness h;
    LockController lock(*h.host);
    REQUIRE(lock.state() == LockController::FirstRun);
    CHECK(lock.keystoreIsFake());

    lock.choosePasscode(QStringLiteral("12345"), QStringLiteral("12345"));
    CHECK(lock.state() == LockController::FirstRun);
    CHECK_FALSE(lock.errorText().isEmpty());
    lock.choosePasscode(QStringLiteral("123456"), QStringLiteral("654321"));
    CHECK(lock.state() == LockController::FirstRun);
    unlockFirstRun(lock);
    CHECK(lock.errorText().isEmpty());
    CHECK_FALSE(lock.clinicianName().isEmpty());

    lock.lock();
    CHECK(lock.state() == LockController::Locked);
    lock.unlock(QStringLiteral("000000"));
    REQUIRE(waitFor([&] { return lock.state() == LockController::Locked
                                 && !lock.errorText().isEmpty(); }));
    CHECK(lock.errorText().startsWith(QStringLiteral("Wrong passcode.")));
    lock.unlock(QStringLiteral("123456"));
    REQUIRE(waitFor([&] { return lock.state() == LockController::Unlocked; }));

    SECTION("suspending the app locks at once")
    {
        lock.handleApplicationState(Qt::ApplicationSuspended);
        CHECK(lock.state() == LockController::Locked);
    }
    SECTION("inactive locks after the grace period")
    {
        lock.setInactiveGraceMs(50);
        lock.handleApplicationState(Qt::ApplicationInactive);
        CHECK(lock.state() == LockController::Unlocked);
        CHECK(waitFor([&] { return lock.state() == LockController::Locked; }, 5000));
    }
    SECTION("idle timeout locks; activity postpones it")
    {
        lock.setIdleTimeoutSeconds(1);
        CHECK(waitFor([&] { return lock.state() == LockController::Locked; }, 5000));
    }
}

TEST_CASE("TodayModel loads the clinician's day in one job; model tester passes", "[app]")
{
    Harness h;
    LockController lock(*h.host);
    TodayModel today(*h.host);
    static int modelTestFailures = 0;
    modelTestFailures = 0;
    static QtMessageHandler previous = nullptr;
    previous = qInstallMessageHandler(
        [](QtMsgType type, const QMessageLogContext &context, const QString &message) {
            if (qstrcmp(context.category, "qt.modeltest") == 0 && type >= QtWarningMsg) {
                ++modelTestFailures;
            }
            previous(type, context, message);
        });
    QAbstractItemModelTester tester(&today,
                                    QAbstractItemModelTester::FailureReportingMode::Warning);
    unlockFirstRun(lock);
    today.reload();
    REQUIRE(waitFor([&] { return !today.loading(); }));
    REQUIRE(today.rowCount() > 0);
    const QModelIndex first = today.index(0, 0);
    CHECK_FALSE(first.data(TodayModel::PatientNameRole).toString().isEmpty());
    CHECK(first.data(TodayModel::SeenTodayRole).toBool());
    CHECK_FALSE(first.data(TodayModel::TimeRole).toString().isEmpty());
    CHECK(today.roleNames().value(TodayModel::WarningsRole) == QByteArray("warnings"));
    today.clear();
    CHECK(today.rowCount() == 0);
    qInstallMessageHandler(previous);
    CHECK(modelTestFailures == 0);
}

TEST_CASE("SessionController: every tap is stored; sign makes it immutable", "[app]")
{
    Harness h;
    LockController lock(*h.host);
    TodayModel today(*h.host);
    SessionController capture(*h.host);
    unlockFirstRun(lock);
    today.reload();
    REQUIRE(waitFor([&] { return !today.loading() && today.rowCount() > 0; }));
    const QModelIndex row = today.index(0, 0);

    capture.start(row.data(TodayModel::PatientIdRole).toString(),
                  row.data(TodayModel::PatientNameRole).toString());
    REQUIRE(waitFor([&] { return capture.phase() == SessionController::Running; }));
    h.clock.advanceMs(20 * 60 * 1000);
    capture.pause();
    h.clock.advanceMs(5 * 60 * 1000);
    capture.resume();
    h.clock.advanceMs(18 * 60 * 1000);
    CHECK(capture.elapsedSeconds() == 38 * 60);
    CHECK(capture.codingHint() == QStringLiteral("38 min → 90834 · 15 more min for 90837"));
    capture.stop();
    CHECK(capture.phase() == SessionController::Stopped);
    CHECK(capture.codingHint() == QStringLiteral("38 min → 90834"));
    REQUIRE(waitFor([&] { return !capture.busy(); }));

    const SessionId id = capture.session()->id;
    const auto stored = h.onStore<int>([id](WorkerState &state) {
        auto s = state.store->sessions().session(state.actor, id);
        return s ? int(s->timing.size()) : -1;
    });
    CHECK(stored == 4);

    // Signing needs a diagnosis (the readiness check blocks without one).
    capture.sign();
    CHECK(capture.phase() == SessionController::Stopped);
    REQUIRE(waitFor([&] { return capture.diagnosisSearch()->ready(); }));
    REQUIRE(capture.addDiagnosis(QStringLiteral("F41.1")));
    capture.sign();
    REQUIRE(waitFor([&] { return capture.phase() == SessionController::Signed; }));
    const bool isSigned = h.onStore<bool>([id](WorkerState &state) {
        auto s = state.store->sessions().session(state.actor, id);
        return s && s->isSigned();
    });
    CHECK(isSigned);
    CHECK(capture.errorText().isEmpty());
}

TEST_CASE("LockController: repeated wrong passcodes show a countdown; nothing is lost", "[app]")
{
    Harness h;
    LockController lock(*h.host);
    unlockFirstRun(lock);
    lock.lock();
    for (int i = 0; i < 3; ++i) {
        lock.unlock(QStringLiteral("999999"));
        REQUIRE(waitFor([&] { return lock.state() == LockController::Locked; }));
    }
    CHECK(lock.retryAfterSeconds() == 1);
    // Ignored while the countdown runs.
    lock.unlock(QStringLiteral("123456"));
    CHECK(lock.state() == LockController::Locked);
    REQUIRE(waitFor([&] { return lock.retryAfterSeconds() == 0; }, 5000));
    h.clock.advanceMs(1000); // the vault's delay runs on the injected clock
    lock.unlock(QStringLiteral("123456"));
    REQUIRE(waitFor([&] { return lock.state() == LockController::Unlocked; }));
    CHECK(lock.errorText().isEmpty());
}
