// SPDX-License-Identifier: Apache-2.0
// The capture screen's list models (participants, diagnoses, addenda) under
// QAbstractItemModelTester, on a real store: every edit arrives as the row signal a view
// needs (insert, remove, move, data change), and showing another session or none resets.
#include "apptestharness.h"
#include "catchqt.h"
#include "sessioncontroller.h"
#include "todaymodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <algorithm>
#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::app;
using namespace sb::app::testing;

namespace {

struct Screen {
    Harness h;
    LockController lock{*h.host};
    TodayModel today{*h.host};
    SessionController capture{*h.host};
    QString patientName;

    void startFirst()
    {
        unlockFirstRun(lock);
        today.reload();
        REQUIRE(waitFor([&] { return !today.loading() && today.rowCount() > 0; }));
        const QModelIndex row = today.index(0, 0);
        patientName = row.data(TodayModel::PatientNameRole).toString();
        capture.start(row.data(TodayModel::PatientIdRole).toString(), patientName);
        REQUIRE(waitFor([&] { return capture.phase() == SessionController::Running; }));
        REQUIRE(waitFor([&] { return capture.diagnoses()->search()->ready(); }));
        settle();
    }

    void settle()
    {
        REQUIRE(waitFor([&] { return !capture.busy(); }));
    }

    /// Stops after 38 minutes with a diagnosis and signs.
    void stopAndSign()
    {
        REQUIRE(capture.diagnoses()->add(QStringLiteral("F41.1")));
        h.clock.advanceMs(38 * 60 * 1000);
        capture.timer()->stop();
        REQUIRE(waitFor([&] { return capture.canSign(); }));
        capture.sign();
        REQUIRE(waitFor([&] { return capture.phase() == SessionController::Signed; }));
    }
};

/// The roles a dataChanged() signal named, merged over every signal the spy saw.
QList<int> changedRoles(const QSignalSpy &spy)
{
    QList<int> out;
    for (const auto &args : spy) {
        out += args.at(2).value<QList<int>>();
    }
    return out;
}

} // namespace

TEST_CASE("ParticipantModel: the patient first; adds, attendance and removals signalled",
          "[app][model]")
{
    ModelTestGuard guard;
    Screen s;
    ParticipantModel &model = *s.capture.participants();
    QAbstractItemModelTester tester(&model,
                                    QAbstractItemModelTester::FailureReportingMode::Warning);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy counted(&model, &ParticipantModel::countChanged);
    CHECK(model.rowCount() == 0);

    s.startFirst();
    CHECK(reset.count() >= 1);
    REQUIRE(model.rowCount() == 1);
    const QModelIndex patient = model.index(0, 0);
    CHECK(patient.data(ParticipantModel::NameRole).toString() == s.patientName);
    CHECK(patient.data(ParticipantModel::RoleNameRole).toString() == QStringLiteral("patient"));
    CHECK(patient.data(ParticipantModel::RoleTextRole).toString() == QStringLiteral("Patient"));
    CHECK(patient.data(ParticipantModel::PresentRole).toBool());
    CHECK_FALSE(patient.data(ParticipantModel::RemovableRole).toBool());

    model.add(QStringLiteral("  Alex   Rivera "), QStringLiteral("family_member"));
    model.add(QStringLiteral("Nobody"), QStringLiteral("patient"));  // refused
    model.add(QStringLiteral("   "), QStringLiteral("interpreter")); // refused
    REQUIRE(inserted.count() == 1);
    CHECK(inserted.first().at(1).toInt() == 1);
    REQUIRE(model.rowCount() == 2);
    const QModelIndex alex = model.index(1, 0);
    CHECK(alex.data(ParticipantModel::NameRole).toString() == QStringLiteral("Alex Rivera"));
    CHECK(alex.data(ParticipantModel::RoleTextRole).toString() == QStringLiteral("Family member"));
    CHECK(alex.data(ParticipantModel::RemovableRole).toBool());

    model.setPresent(1, false);
    REQUIRE(changed.count() == 1);
    CHECK(changed.first().at(0).toModelIndex().row() == 1);
    CHECK(changedRoles(changed).contains(ParticipantModel::PresentRole));
    CHECK_FALSE(model.index(1, 0).data(ParticipantModel::PresentRole).toBool());

    model.remove(0); // the patient stays
    CHECK(removed.count() == 0);
    model.remove(1);
    REQUIRE(removed.count() == 1);
    CHECK(model.rowCount() == 1);
    s.settle();
    CHECK(s.capture.session()->participants.size() == 1);

    const int resets = reset.count();
    s.capture.timer()->stop();
    s.settle();
    s.capture.close();
    CHECK(reset.count() == resets + 1);
    CHECK(model.rowCount() == 0);
    CHECK(counted.count() >= 4);
    CHECK(model.roleNames().value(ParticipantModel::NameRole) == QByteArray("name"));
    CHECK(model.roleOptions().size() == 4);
    CHECK(ModelTestGuard::failures() == 0);
}

TEST_CASE("DiagnosisModel: pointer order; making one primary moves it and re-marks both",
          "[app][model]")
{
    ModelTestGuard guard;
    Screen s;
    DiagnosisModel &model = *s.capture.diagnoses();
    QAbstractItemModelTester tester(&model,
                                    QAbstractItemModelTester::FailureReportingMode::Warning);
    s.startFirst();
    CHECK(model.rowCount() == 0);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    REQUIRE(model.add(QStringLiteral("F43.10")));
    REQUIRE(model.add(QStringLiteral("f41.1")));
    CHECK_FALSE(model.add(QStringLiteral("F411"))); // already there
    CHECK(inserted.count() == 2);
    REQUIRE(model.rowCount() == 2);
    CHECK(model.index(0, 0).data(DiagnosisModel::CodeRole).toString() == QStringLiteral("F4310"));
    CHECK(model.index(0, 0).data(DiagnosisModel::PrimaryRole).toBool());
    CHECK(model.index(1, 0).data(DiagnosisModel::DisplayCodeRole).toString()
          == QStringLiteral("F41.1"));
    CHECK_FALSE(model.index(1, 0).data(DiagnosisModel::PrimaryRole).toBool());
    CHECK_FALSE(model.index(1, 0).data(DiagnosisModel::DescriptionRole).toString().isEmpty());

    // A view that caches "primary" per row learns that both rows changed.
    model.makePrimary(1);
    REQUIRE(moved.count() == 1);
    CHECK(moved.first().at(1).toInt() == 1); // source row
    CHECK(moved.first().at(4).toInt() == 0); // destination row
    REQUIRE(changed.count() >= 1);
    CHECK(changedRoles(changed).contains(DiagnosisModel::PrimaryRole));
    int lowest = 2;
    int highest = -1;
    for (const auto &args : changed) {
        lowest = std::min(lowest, args.at(0).toModelIndex().row());
        highest = std::max(highest, args.at(1).toModelIndex().row());
    }
    CHECK(lowest == 0);
    CHECK(highest == 1);
    CHECK(model.index(0, 0).data(DiagnosisModel::CodeRole).toString() == QStringLiteral("F411"));
    CHECK(model.index(0, 0).data(DiagnosisModel::PrimaryRole).toBool());
    CHECK_FALSE(model.index(1, 0).data(DiagnosisModel::PrimaryRole).toBool());
    s.settle();
    CHECK(s.capture.session()->diagnoses
          == QList<Diagnosis>{{QStringLiteral("F411")}, {QStringLiteral("F4310")}});

    // Removing the primary makes the next one primary, and says so.
    changed.clear();
    model.remove(0);
    CHECK(removed.count() == 1);
    REQUIRE(model.rowCount() == 1);
    CHECK(model.index(0, 0).data(DiagnosisModel::PrimaryRole).toBool());
    CHECK(changedRoles(changed).contains(DiagnosisModel::PrimaryRole));

    s.capture.timer()->stop();
    s.settle();
    s.capture.close();
    CHECK(reset.count() == 1);
    CHECK(model.rowCount() == 0);
    CHECK(model.roleNames().value(DiagnosisModel::DisplayCodeRole) == QByteArray("displayCode"));
    CHECK(ModelTestGuard::failures() == 0);
}

TEST_CASE("AddendumModel: a signed addendum is appended; reopening reads it back", "[app][model]")
{
    ModelTestGuard guard;
    Screen s;
    AddendumModel &model = *s.capture.addenda();
    QAbstractItemModelTester tester(&model,
                                    QAbstractItemModelTester::FailureReportingMode::Warning);
    s.startFirst();
    s.stopAndSign();
    CHECK(model.rowCount() == 0);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    model.add(QStringLiteral("   ")); // nothing to sign
    model.add(QStringLiteral(" Fictional addendum. "));
    REQUIRE(waitFor([&] { return model.rowCount() == 1; }));
    CHECK(inserted.count() == 1);
    CHECK(model.index(0, 0).data(AddendumModel::TextRole).toString()
          == QStringLiteral("Fictional addendum."));
    CHECK_FALSE(model.index(0, 0).data(AddendumModel::SignedAtRole).toString().isEmpty());

    const QString id = s.capture.sessionId();
    s.capture.close();
    CHECK(reset.count() == 1);
    CHECK(model.rowCount() == 0);
    s.capture.open(id);
    REQUIRE(waitFor([&] { return s.capture.sessionId() == id; }));
    CHECK(reset.count() == 2);
    REQUIRE(model.rowCount() == 1);
    CHECK(model.index(0, 0).data(AddendumModel::TextRole).toString()
          == QStringLiteral("Fictional addendum."));
    CHECK(model.roleNames().value(AddendumModel::SignedAtRole) == QByteArray("signedAt"));
    CHECK(ModelTestGuard::failures() == 0);
}
