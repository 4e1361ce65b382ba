// SPDX-License-Identifier: Apache-2.0
#include "apptestharness.h"
#include "caseloadwarnings.h"
#include "catchqt.h"
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
#include <QSet>
#include <QSignalSpy>

#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <functional>

using namespace sb;
using namespace sb::app;

using namespace sb::app::testing;

namespace {

/// The payer checks as the device builds them, over `settings` (the built-in rules by default).
claims::ClaimScrubber payerChecks(std::shared_ptr<const claims::ScrubSettings> settings = {})
{
    if (!settings) {
        settings = claims::ScrubSettings::builtin().value();
    }
    return claims::ClaimScrubber(std::move(settings), {});
}

} // namespace

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
    const QList<Payer> payers{
        Payer{payer, QStringLiteral("Demo Health"), PayerKind::Commercial, {}, {}, {}}};

    const auto checks = payerChecks();
    auto w = caseloadWarnings(checks, today, {coverage}, {auth}, {cred}, payers);
    REQUIRE(w.messages.size() == 1);
    CHECK(w.messages.first().startsWith(QStringLiteral("Auth: 2 visits left")));
    CHECK_FALSE(w.blocking);

    auth.used = 12;
    w = caseloadWarnings(checks, today, {coverage}, {auth}, {cred}, payers);
    CHECK(w.messages.contains(QStringLiteral("Authorization used up")));
    CHECK(w.blocking);

    auth.used = 0;
    coverage.eligibility->checkedAt = QDateTime(QDate(2025, 12, 1), QTime(9, 0), Qt::UTC);
    coverage.eligibility->behavioralHealthCarvedOut = true;
    coverage.eligibility->carveOutPayerName = QStringLiteral("Mind BHO");
    cred.endDate = QDate(2026, 3, 9); // credentialing ended yesterday
    w = caseloadWarnings(checks, today, {coverage}, {auth}, {cred}, payers);
    CHECK(w.messages.size() == 3);
    CHECK(w.messages.at(0).startsWith(QStringLiteral("Eligibility as of")));
    CHECK(w.messages.at(1) == QStringLiteral("Mental health carved out to Mind BHO"));
    CHECK(w.messages.at(2) == QStringLiteral("You are not in network with Demo Health today"));
    CHECK(w.blocking);

    w = caseloadWarnings(checks, today, {}, {}, {}, payers);
    CHECK(w.messages == QStringList{QStringLiteral("No active coverage (self-pay?)")});
}

TEST_CASE("caseloadWarnings: the thresholds are the scrubber settings", "[app]")
{
    ensureApp();
    const QDate today(2026, 3, 10);
    const PayerId payer(QUuid::createUuid());
    Coverage coverage;
    coverage.payerId = payer;
    coverage.effective = QDate(2025, 1, 1);
    EligibilitySnapshot elig;
    elig.checkedAt = QDateTime(QDate(2026, 2, 1), QTime(9, 0), Qt::UTC); // 37 days old
    elig.active = true;
    coverage.eligibility = elig;
    Authorization auth;
    auth.payerId = payer;
    auth.authorized = 12;
    auth.used = 8; // 4 visits left
    auth.startDate = QDate(2026, 1, 1);
    auth.endDate = QDate(2026, 3, 30); // 20 days to go
    CredentialingRecord cred;
    cred.payerId = payer;
    cred.status = CredentialingStatus::InNetwork;
    cred.effectiveDate = QDate(2025, 1, 1);
    const QList<Payer> payers{
        Payer{payer, QStringLiteral("Demo Health"), PayerKind::Commercial, {}, {}, {}}};

    auto w = caseloadWarnings(payerChecks(), today, {coverage}, {auth}, {cred}, payers);
    CHECK(w.messages.size() == 1);
    CHECK(w.messages.value(0).startsWith(QStringLiteral("Eligibility as of")));

    auto practice = [](const char *settings) {
        return claims::ScrubSettings::load(
                   {claims::ScrubSettings::builtinSource(),
                    {QStringLiteral("practice"),
                     QByteArray(R"({"format": 1, "settings": )") + settings + '}'}})
            .value();
    };
    w = caseloadWarnings(payerChecks(practice(R"({"auth_low_visits": 5})")), today, {coverage},
                         {auth}, {cred}, payers);
    REQUIRE(w.messages.size() == 2);
    CHECK(w.messages.at(0).startsWith(QStringLiteral("Auth: 4 visits left")));
    CHECK_FALSE(w.blocking);

    w = caseloadWarnings(payerChecks(practice(R"({"auth_closing_days": 20})")), today, {coverage},
                         {auth}, {cred}, payers);
    CHECK(w.messages.value(0).startsWith(QStringLiteral("Auth: 4 visits left")));

    w = caseloadWarnings(payerChecks(practice(R"({"eligibility_stale_days": 40})")), today,
                         {coverage}, {auth}, {cred}, payers);
    CHECK(w.messages.isEmpty());

    // A check the practice switched off is not shown on the device either.
    w = caseloadWarnings(
        payerChecks(claims::ScrubSettings::load({claims::ScrubSettings::builtinSource(),
                                                 {QStringLiteral("practice"),
                                                  R"({"format": 1, "checks": {"scrub.elig.stale":
                                               {"severity": "off"}}})"}})
                        .value()),
        today, {coverage}, {auth}, {cred}, payers);
    CHECK(w.messages.isEmpty());
}

TEST_CASE("caseloadWarnings: a finding the scrubber calls an error blocks the visit", "[app]")
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
    CredentialingRecord cred;
    cred.payerId = payer;
    cred.status = CredentialingStatus::InNetwork;
    cred.effectiveDate = QDate(2025, 1, 1);
    cred.licenseExpiresOn = QDate(2026, 3, 1);
    const QList<Payer> payers{
        Payer{payer, QStringLiteral("Demo Health"), PayerKind::Commercial, {}, {}, {}}};
    Authorization elsewhere; // another payer's authorization asks nothing of this one
    elsewhere.payerId = PayerId(QUuid::createUuid());
    elsewhere.authorized = 10;
    elsewhere.startDate = QDate(2025, 1, 1);
    elsewhere.endDate = QDate(2025, 12, 31);

    auto w = caseloadWarnings(payerChecks(), today, {coverage}, {elsewhere}, {cred}, payers);
    REQUIRE(w.messages.size() == 1);
    CHECK(w.messages.first().startsWith(QStringLiteral("Your license on file expired")));
    CHECK(w.blocking);

    auto lenient = claims::ScrubSettings::load(
        {claims::ScrubSettings::builtinSource(),
         {QStringLiteral("practice"),
          R"({"format": 1, "checks": {"scrub.cred.license_expired": {"severity": "warning"}}})"}});
    REQUIRE(lenient);
    w = caseloadWarnings(payerChecks(*lenient), today, {coverage}, {elsewhere}, {cred}, payers);
    CHECK(w.messages.size() == 1);
    CHECK_FALSE(w.blocking);
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
    CHECK(lock.error().isError());
    lock.choosePasscode(QStringLiteral("258036"), QStringLiteral("654321"));
    CHECK(lock.state() == LockController::FirstRun);
    unlockFirstRun(lock);
    CHECK_FALSE(lock.error().isError());
    CHECK_FALSE(lock.clinicianName().isEmpty());

    lock.lock();
    CHECK(lock.state() == LockController::Locked);
    lock.unlock(QStringLiteral("000000"));
    REQUIRE(
        waitFor([&] { return lock.state() == LockController::Locked && lock.error().isError(); }));
    CHECK(lock.error().kind() == AppError::WrongPasscode);
    lock.unlock(QStringLiteral("258036"));
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

TEST_CASE("TodayModel loads the clinician's day; model tester passes", "[app]")
{
    Harness h;
    LockController lock(*h.host);
    TodayModel today(*h.host);
    ModelTestGuard guard;
    QAbstractItemModelTester tester(&today,
                                    QAbstractItemModelTester::FailureReportingMode::Warning);
    CHECK_FALSE(today.canFetchMore({})); // Nothing to fetch before the first reload.
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
    CHECK_FALSE(today.canFetchMore({}));
    CHECK(ModelTestGuard::failures() == 0);
}

namespace {

/// `count` more patients of the signed-in clinician, each with a stopped session today whose
/// first tap is `i` minutes after a common start. Returns the patients' ids, or none when a
/// write failed (checked on the test's thread: Catch2 assertions are not for the store's).
QList<PatientId> seedDay(WorkerState &state, int count)
{
    QList<PatientId> made;
    Store &store = *state.store;
    const QDateTime start = state.clock.nowUtc().addSecs(-3 * 3600);
    for (int i = 0; i < count; ++i) {
        Patient patient{PatientId(store.ids().next()),
                        state.clinician->organizationId,
                        QStringLiteral("Paged%1").arg(i),
                        QStringLiteral("Zz%1").arg(i, 3, 10, QChar(u'0')),
                        QDate(1990, 1, 1),
                        Sex::Unknown,
                        QString(),
                        QString(),
                        QString(),
                        QString(),
                        QString(),
                        state.provider->id};
        if (!store.patients().save(state.actor, patient)) {
            return {};
        }
        Session s;
        s.id = SessionId(store.ids().next());
        s.organizationId = state.clinician->organizationId;
        s.patientId = patient.id;
        s.providerId = state.provider->id;
        s.dateOfService = state.clock.nowUtc().toLocalTime().date();
        const QDateTime tap = start.addSecs(60 * i);
        s.timing = {
            TimingEvent{TimingEventKind::Start, tap, 1000, 1, 0},
            TimingEvent{TimingEventKind::Stop, tap.addSecs(50 * 60), 1000 + 50 * 60'000, 1, 0}};
        s.updatedAt = state.clock.nowUtc();
        if (!store.sessions().saveDraft(state.actor, s)) {
            return {};
        }
        made.append(patient.id);
    }
    return made;
}

/// Audit rows for coverage reads so far (one per patient whose warnings were computed), or -1.
qint64 coverageReads(WorkerState &state)
{
    auto stmt = state.store->database().prepare(
        "SELECT count(*) FROM audit_log WHERE record_type = 'coverage' AND action = 'list'");
    if (!stmt || !stmt->step().valueOr(false)) {
        return -1;
    }
    return stmt->int64(0);
}

} // namespace

TEST_CASE("TodayModel pages its rows: sessions by first tap, then the caseload, each once", "[app]")
{
    Harness h;
    LockController lock(*h.host);
    TodayModel today(*h.host);
    ModelTestGuard guard;
    QAbstractItemModelTester tester(&today,
                                    QAbstractItemModelTester::FailureReportingMode::Warning);
    unlockFirstRun(lock);
    const int extra = 11;
    const QList<PatientId> seeded =
        h.onStore<QList<PatientId>>([extra](WorkerState &state) { return seedDay(state, extra); });
    REQUIRE(seeded.size() == extra);

    // The whole day in one page: the reference order.
    today.setPageSize(1000);
    today.reload();
    REQUIRE(waitFor([&] { return !today.loading(); }));
    CHECK_FALSE(today.canFetchMore({}));
    const auto keyOf = [&](int row) -> QString {
        const QModelIndex index = today.index(row, 0);
        return index.data(TodayModel::SessionIdRole).toString() + u'/'
               + index.data(TodayModel::PatientIdRole).toString();
    };
    QStringList whole;
    for (int row = 0; row < today.rowCount(); ++row) {
        whole.append(keyOf(row));
    }
    REQUIRE(whole.size() > extra);
    // Sessions (seen today) come first, by first tap; the caseload follows.
    int sessions = 0;
    while (sessions < today.rowCount()
           && today.index(sessions, 0).data(TodayModel::SeenTodayRole).toBool()) {
        ++sessions;
    }
    CHECK(sessions >= extra);
    for (int row = sessions; row < today.rowCount(); ++row) {
        CHECK_FALSE(today.index(row, 0).data(TodayModel::SeenTodayRole).toBool());
    }
    QStringList seededSessionOrder;
    for (int row = 0; row < sessions; ++row) {
        const QString patient = today.index(row, 0).data(TodayModel::PatientIdRole).toString();
        if (std::any_of(seeded.cbegin(), seeded.cend(),
                        [&](const PatientId &id) { return id.toString() == patient; })) {
            seededSessionOrder.append(patient);
        }
    }
    QStringList seededIds;
    for (const PatientId &id : seeded) {
        seededIds.append(id.toString());
    }
    CHECK(seededSessionOrder == seededIds); // Seeded one minute apart: by first tap.
    // The caseload is by last name: the seeded "Zz…" patients come last, in order.
    for (int i = 0; i < extra; ++i) {
        CHECK(today.index(today.rowCount() - extra + i, 0).data(TodayModel::PatientIdRole)
              == seeded.at(i).toString());
    }

    // Pages of 4: the first page only, its patients' warnings only; then page by page.
    today.setPageSize(4);
    const qint64 readsBefore = h.onStore<qint64>(&coverageReads);
    REQUIRE(readsBefore >= 0);
    QSignalSpy resets(&today, &QAbstractItemModel::modelReset);
    QSignalSpy inserts(&today, &QAbstractItemModel::rowsInserted);
    today.reload();
    REQUIRE(waitFor([&] { return !today.loading(); }));
    CHECK(today.rowCount() == 4);
    CHECK(resets.count() == 1);
    // The warnings of this page's patients, each once, and of no one else.
    QSet<QString> pagePatients;
    for (int row = 0; row < today.rowCount(); ++row) {
        pagePatients.insert(today.index(row, 0).data(TodayModel::PatientIdRole).toString());
    }
    CHECK(h.onStore<qint64>(&coverageReads) - readsBefore == pagePatients.size());
    // The model tester fetches too (it calls fetchMore() as it checks): every insert is one
    // page of at most 4 rows, whoever asked for it.
    QList<int> insertedSizes;
    QObject::connect(
        &today, &QAbstractItemModel::rowsInserted, &today,
        [&](const QModelIndex &, int first, int last) { insertedSizes.append(last - first + 1); });
    int rounds = 0;
    while (today.canFetchMore({})) {
        today.fetchMore({});
        today.fetchMore({}); // A second call while the page is on its way does nothing.
        REQUIRE(today.fetching());
        REQUIRE(waitFor([&] { return !today.fetching(); }));
        REQUIRE(++rounds <= whole.size());
    }
    QStringList paged;
    for (int row = 0; row < today.rowCount(); ++row) {
        paged.append(keyOf(row));
    }
    CHECK(paged == whole);
    CHECK(inserts.count() == insertedSizes.size());
    CHECK(insertedSizes.size() == (whole.size() + 3) / 4 - 1);
    CHECK(std::all_of(insertedSizes.cbegin(), insertedSizes.cend(),
                      [](int rows) { return rows >= 1 && rows <= 4; }));
    CHECK(resets.count() == 1);

    // A page still on its way when the app locks is dropped, not appended after clear().
    today.reload();
    REQUIRE(waitFor([&] { return !today.loading(); }));
    today.fetchMore({});
    REQUIRE(today.fetching());
    today.clear();
    QObject settle;
    bool drained = false;
    h.host->run<int>(
        &settle, [](WorkerState &) { return 0; }, [&drained](const int &) { drained = true; });
    REQUIRE(waitFor([&] { return drained; }));
    QCoreApplication::processEvents();
    CHECK(today.rowCount() == 0);
    CHECK_FALSE(today.canFetchMore({}));
    CHECK(ModelTestGuard::failures() == 0);
}

TEST_CASE("TodayModel: pages read after midnight continue the day the list began", "[app]")
{
    Harness h;
    LockController lock(*h.host);
    TodayModel today(*h.host);
    unlockFirstRun(lock);
    REQUIRE(h.onStore<QList<PatientId>>([](WorkerState &state) { return seedDay(state, 5); }).size()
            == 5);
    const auto sessionRows = [&] {
        QStringList ids;
        for (int row = 0; row < today.rowCount(); ++row) {
            ids.append(today.index(row, 0).data(TodayModel::SessionIdRole).toString());
        }
        return ids;
    };
    today.setPageSize(1000);
    today.reload();
    REQUIRE(waitFor([&] { return !today.loading(); }));
    const QStringList whole = sessionRows();

    today.setPageSize(2);
    today.reload();
    REQUIRE(waitFor([&] { return !today.loading(); }));
    h.clock.advanceMs(24 * 3600 * 1000); // The clinician scrolls on the next day.
    while (today.canFetchMore({})) {
        today.fetchMore({});
        REQUIRE(waitFor([&] { return !today.fetching(); }));
    }
    CHECK(sessionRows() == whole);
}

TEST_CASE("TodayModel: a read the store refuses ends the list with a message, and a reload "
          "after it is mended reads it all",
          "[app]")
{
    Harness h;
    LockController lock(*h.host);
    TodayModel today(*h.host);
    unlockFirstRun(lock);
    QSignalSpy errors(&today, &TodayModel::errorTextChanged);
    today.reload();
    REQUIRE(waitFor([&] { return !today.loading(); }));
    const int rows = today.rowCount();
    REQUIRE(rows > 0);
    CHECK(today.errorText().isEmpty());

    // The authorizations table is renamed away: every page's warnings read fails.
    const auto rename = [&](const char *sql) {
        return h.onStore<bool>([sql](WorkerState &state) {
            return state.store->database().execLiteral(sql).hasValue();
        });
    };
    REQUIRE(rename("ALTER TABLE authorizations RENAME TO authorizations_away"));
    today.reload();
    REQUIRE(waitFor([&] { return !today.loading(); }));
    CHECK(today.rowCount() == 0);
    CHECK_FALSE(today.canFetchMore({}));
    CHECK_FALSE(today.errorText().isEmpty());
    CHECK(errors.count() == 1);

    REQUIRE(rename("ALTER TABLE authorizations_away RENAME TO authorizations"));
    today.reload();
    REQUIRE(waitFor([&] { return !today.loading(); }));
    CHECK(today.rowCount() == rows);
    CHECK(today.errorText().isEmpty());
    CHECK(errors.count() == 2);
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
    capture.timer()->pause();
    h.clock.advanceMs(5 * 60 * 1000);
    capture.timer()->resume();
    h.clock.advanceMs(18 * 60 * 1000);
    CHECK(capture.timer()->elapsedSeconds() == 38 * 60);
    CHECK(capture.codingHint() == QStringLiteral("38 min → 90834 · 15 more min for 90837"));
    capture.timer()->stop();
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
    REQUIRE(waitFor([&] { return capture.diagnoses()->search()->ready(); }));
    REQUIRE(capture.diagnoses()->add(QStringLiteral("F41.1")));
    capture.sign();
    REQUIRE(waitFor([&] { return capture.phase() == SessionController::Signed; }));
    const bool isSigned = h.onStore<bool>([id](WorkerState &state) {
        auto s = state.store->sessions().session(state.actor, id);
        return s && s->isSigned();
    });
    CHECK(isSigned);
    CHECK_FALSE(capture.error().isError());
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
    lock.unlock(QStringLiteral("258036"));
    CHECK(lock.state() == LockController::Locked);
    REQUIRE(waitFor([&] { return lock.retryAfterSeconds() == 0; }, 5000));
    h.clock.advanceMs(1000); // the vault's delay runs on the injected clock
    lock.unlock(QStringLiteral("258036"));
    REQUIRE(waitFor([&] { return lock.state() == LockController::Unlocked; }));
    CHECK_FALSE(lock.error().isError());
}
