// SPDX-License-Identifier: Apache-2.0
// The capture screen's controllers against a real SQLCipher store on the store thread:
// session details, the diagnosis picker, the note with templates and autosave, the
// readiness checklist, signing and signed addenda.
#include "apptestharness.h"
#include "catchqt.h"
#include "client/devicesyncstore.h"
#include "codesets/codeformats.h"
#include "codesets/icd10index.h"
#include "codesets/icd10repository.h"
#include "diagnosissearchmodel.h"
#include "readiness.h"
#include "sessioncontroller.h"
#include "todaymodel.h"

#include <QAbstractItemModelTester>

#include <algorithm>
#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::app;
using namespace sb::app::testing;

namespace {

/// An unlocked app with the Today list loaded and a session running for its first patient.
struct Capture {
    Harness h;
    LockController lock{*h.host};
    TodayModel today{*h.host};
    SessionController capture{*h.host};

    void startFirst()
    {
        unlockFirstRun(lock);
        today.reload();
        REQUIRE(waitFor([&] { return !today.loading() && today.rowCount() > 0; }));
        const QModelIndex row = today.index(0, 0);
        capture.start(row.data(TodayModel::PatientIdRole).toString(),
                      row.data(TodayModel::PatientNameRole).toString());
        REQUIRE(waitFor([&] { return capture.phase() == SessionController::Running; }));
        REQUIRE(waitFor([&] { return capture.diagnoses()->search()->ready(); }));
    }

    void settle()
    {
        REQUIRE(waitFor([&] { return !capture.busy(); }));
    }

    /// The session as the store holds it now.
    Session stored()
    {
        settle();
        const SessionId id = capture.session()->id;
        auto s = h.onStore<std::optional<Session>>([id](WorkerState &state) {
            auto loaded = state.store->sessions().session(state.actor, id);
            return loaded ? std::optional<Session>(loaded.value()) : std::nullopt;
        });
        REQUIRE(s.has_value());
        return *s;
    }

    /// Runs 38 minutes and stops.
    void runAndStop()
    {
        h.clock.advanceMs(38 * 60 * 1000);
        capture.timer()->stop();
        REQUIRE(capture.phase() == SessionController::Stopped);
        settle();
    }

    [[nodiscard]] const ReadinessItem *item(const char *key) const
    {
        for (const auto &i : capture.readiness()->items()) {
            if (i.key == QLatin1String(key)) {
                return &i;
            }
        }
        return nullptr;
    }
};

bool waitForResults(DiagnosisSearchModel &model, const QString &query)
{
    bool answered = false;
    auto connection = QObject::connect(&model, &DiagnosisSearchModel::resultsReady,
                                       [&answered] { answered = true; });
    model.setQuery(query);
    const bool ok = waitFor([&] { return answered; });
    QObject::disconnect(connection);
    return ok;
}

QStringList codes(const DiagnosisSearchModel &model)
{
    QStringList out;
    for (int i = 0; i < model.rowCount(); ++i) {
        out.append(model.index(i, 0).data(DiagnosisSearchModel::CodeRole).toString());
    }
    return out;
}

} // namespace

TEST_CASE("DiagnosisSearchModel searches the built-in list by code and words, page by page",
          "[app]")
{
    ModelTestGuard guard;
    Harness h;
    LockController lock(*h.host);
    unlockFirstRun(lock);
    DiagnosisSearchModel model(*h.host);
    QAbstractItemModelTester tester(&model,
                                    QAbstractItemModelTester::FailureReportingMode::Warning);
    CHECK_FALSE(model.ready());
    model.loadIndex();
    REQUIRE(waitFor([&] { return model.ready(); }));
    CHECK(model.codeIndex()->isBuiltIn());

    REQUIRE(waitForResults(model, QStringLiteral("f41.1")));
    REQUIRE(model.rowCount() >= 1);
    CHECK(codes(model).first() == QStringLiteral("F411"));
    const QModelIndex first = model.index(0, 0);
    CHECK(first.data(DiagnosisSearchModel::DisplayCodeRole).toString() == QStringLiteral("F41.1"));
    CHECK(first.data(DiagnosisSearchModel::BillableRole).toBool());
    CHECK(first.data(DiagnosisSearchModel::DescriptionRole)
              .toString()
              .contains(QStringLiteral("anxiety"), Qt::CaseInsensitive));

    REQUIRE(waitForResults(model, QStringLiteral("generalized anx")));
    CHECK(codes(model).contains(QStringLiteral("F411")));

    model.setPageSize(2);
    REQUIRE(waitForResults(model, QStringLiteral("disorder")));
    CHECK(model.rowCount() == 2);
    CHECK(model.canLoadMore());
    const QStringList page1 = codes(model);
    bool answered = false;
    auto c = QObject::connect(&model, &DiagnosisSearchModel::resultsReady,
                              [&answered] { answered = true; });
    model.loadMore();
    REQUIRE(waitFor([&] { return answered; }));
    QObject::disconnect(c);
    CHECK(model.rowCount() == 4);
    CHECK(codes(model).mid(0, 2) == page1); // the next page is appended, not reshuffled

    model.clear();
    CHECK(model.rowCount() == 0);
    CHECK(model.roleNames().value(DiagnosisSearchModel::CodeRole) == QByteArray("code"));
    CHECK(ModelTestGuard::failures() == 0);
}

TEST_CASE("Diagnoses: an imported release decides; headers and unknown codes are refused", "[app]")
{
    ModelTestGuard guard;
    Capture c;
    unlockFirstRun(c.lock);
    const int year = fiscalYearOf(c.h.clock.nowUtc().toLocalTime().date());
    const bool imported = c.h.onStore<bool>([year](WorkerState &state) {
        Icd10Release release;
        release.fiscalYear = year;
        release.sourceName = QStringLiteral("synthetic-test-release.txt");
        release.sha256 = QByteArray(32, '\x01');
        release.codes = {
            {QStringLiteral("F41"), false, QStringLiteral("Other anxiety disorders"),
             QStringLiteral("Other anxiety disorders")},
            {QStringLiteral("F411"), true, QStringLiteral("Generalized anxiety disorder"),
             QStringLiteral("Generalized anxiety disorder")},
            {QStringLiteral("F419"), true, QStringLiteral("Anxiety disorder, unspecified"),
             QStringLiteral("Anxiety disorder, unspecified")},
            {QStringLiteral("F4310"), true,
             QStringLiteral("Post-traumatic stress disorder, unspecified"),
             QStringLiteral("Post-traumatic stress disorder, unspecified")},
        };
        return bool(Icd10Repository(*state.store).import(state.actor, release));
    });
    REQUIRE(imported);
    c.today.reload();
    REQUIRE(waitFor([&] { return !c.today.loading() && c.today.rowCount() > 0; }));
    const QModelIndex row = c.today.index(0, 0);
    c.capture.start(row.data(TodayModel::PatientIdRole).toString(),
                    row.data(TodayModel::PatientNameRole).toString());
    REQUIRE(waitFor([&] {
        return c.capture.phase() == SessionController::Running
               && c.capture.diagnoses()->search()->ready();
    }));
    DiagnosisSearchModel &search = *c.capture.diagnoses()->search();
    QAbstractItemModelTester tester(&search,
                                    QAbstractItemModelTester::FailureReportingMode::Warning);
    CHECK_FALSE(search.codeIndex()->isBuiltIn());
    REQUIRE(waitForResults(search, QStringLiteral("F41")));
    CHECK(codes(search)
          == QStringList{QStringLiteral("F41"), QStringLiteral("F411"), QStringLiteral("F419")});
    CHECK_FALSE(search.index(0, 0).data(DiagnosisSearchModel::BillableRole).toBool());

    CHECK_FALSE(c.capture.diagnoses()->add(QStringLiteral("F41")));
    CHECK(c.capture.diagnoses()->message()
          == QStringLiteral("F41 is a category, not billable: choose a more specific code."));
    CHECK_FALSE(c.capture.diagnoses()->add(QStringLiteral("F32.A")));
    CHECK(c.capture.diagnoses()->message().startsWith(QStringLiteral("F32.A is not in")));
    CHECK_FALSE(c.capture.diagnoses()->add(QStringLiteral("hello")));
    CHECK_FALSE(c.capture.diagnoses()->message().isEmpty());

    CHECK(c.capture.diagnoses()->add(QStringLiteral("f43.10")));
    CHECK(c.capture.diagnoses()->message().isEmpty());
    CHECK(c.capture.diagnoses()->add(QStringLiteral("F41.1")));
    CHECK_FALSE(c.capture.diagnoses()->add(QStringLiteral("F411")));
    CHECK(c.capture.diagnoses()->message() == QStringLiteral("F41.1 is already on this session."));
    c.capture.diagnoses()->makePrimary(1);
    const DiagnosisModel &shown = *c.capture.diagnoses();
    REQUIRE(shown.rowCount() == 2);
    const QModelIndex primary = shown.index(0, 0);
    CHECK(primary.data(DiagnosisModel::DisplayCodeRole).toString() == QStringLiteral("F41.1"));
    CHECK(primary.data(DiagnosisModel::PrimaryRole).toBool());
    CHECK(primary.data(DiagnosisModel::DescriptionRole).toString()
          == QStringLiteral("Generalized anxiety disorder"));

    const Session s = c.stored();
    CHECK(s.diagnoses == QList<Diagnosis>{{QStringLiteral("F411")}, {QStringLiteral("F4310")}});
    c.capture.diagnoses()->remove(0);
    CHECK(c.stored().diagnoses == QList<Diagnosis>{{QStringLiteral("F4310")}});
    CHECK(ModelTestGuard::failures() == 0);
}

TEST_CASE("SessionController: details and participants are saved as a draft", "[app]")
{
    Capture c;
    c.startFirst();
    CHECK(c.capture.details()->service() == QStringLiteral("individual_psychotherapy"));
    CHECK(c.capture.details()->modality() == QStringLiteral("in_person"));
    CHECK_FALSE(c.capture.details()->telehealth());

    c.capture.details()->setModality(QStringLiteral("audio_only"));
    CHECK(c.capture.details()->telehealth());
    CHECK(c.capture.details()->patientLocation() == QStringLiteral("home")); // telehealth default
    c.capture.details()->setPatientLocation(QStringLiteral("other"));
    c.capture.details()->setInteractiveComplexity(true);
    c.capture.details()->setService(QStringLiteral("no_such_service")); // ignored
    c.capture.details()->setService(QStringLiteral("group"));
    CHECK(c.capture.details()->groupSession());
    c.capture.participants()->add(QStringLiteral("  Member   One "),
                                  QStringLiteral("group_member"));
    c.capture.participants()->add(QStringLiteral("Member Two"), QStringLiteral("group_member"));
    c.capture.participants()->add(QStringLiteral("Nobody"), QStringLiteral("patient")); // refused
    c.capture.participants()->setPresent(2, false);

    Session s = c.stored();
    CHECK(s.service == ServiceKind::Group);
    CHECK(s.modality == Modality::AudioOnly);
    CHECK(s.patientLocation == PatientLocation::Other);
    CHECK(s.interactiveComplexity);
    REQUIRE(s.participants.size() == 3);
    CHECK(s.participants.at(0).role == ParticipantRole::Patient);
    CHECK(s.participants.at(1).displayName == QStringLiteral("Member One"));
    CHECK(s.participants.at(1).present);
    CHECK(s.participants.at(2).role == ParticipantRole::GroupMember);
    CHECK_FALSE(s.participants.at(2).present);

    c.capture.participants()->remove(0); // the patient stays
    c.capture.participants()->remove(1);
    const ParticipantModel &shown = *c.capture.participants();
    REQUIRE(shown.rowCount() == 2);
    CHECK_FALSE(shown.index(0, 0).data(ParticipantModel::RemovableRole).toBool());
    CHECK(shown.index(1, 0).data(ParticipantModel::NameRole).toString()
          == QStringLiteral("Member Two"));
    s = c.stored();
    CHECK(s.participants.size() == 2);

    c.capture.details()->setModality(QStringLiteral("in_person"));
    CHECK(c.capture.details()->patientLocation() == QStringLiteral("office"));
    CHECK(c.stored().patientLocation == PatientLocation::Office);
}

TEST_CASE("SessionController: the note autosaves after typing stops and when leaving", "[app]")
{
    Capture c;
    c.startFirst();
    CHECK(CaptureNote::templateText(QStringLiteral("SOAP"))
          == QStringLiteral("Subjective:\n\nObjective:\n\nAssessment:\n\nPlan:\n\n"));
    CHECK(CaptureNote::templateText(QStringLiteral("DAP")).startsWith(QStringLiteral("Data:")));
    CHECK(CaptureNote::templateText(QStringLiteral("BIRP"))
          == QStringLiteral("Behavior:\n\nIntervention:\n\nResponse:\n\nPlan:\n\n"));
    CHECK(CaptureNote::templateText(QStringLiteral("XYZ")).isEmpty());

    c.capture.note()->applyTemplate(QStringLiteral("SOAP"));
    CHECK(c.stored().note == CaptureNote::templateText(QStringLiteral("SOAP")));
    CHECK(c.stored().noteTemplate == QStringLiteral("SOAP"));

    const QString typed = c.capture.note()->text() + QStringLiteral("Fictional text.");
    c.capture.note()->setText(typed);
    CHECK(c.capture.note()->dirty());
    CHECK(c.capture.note()->status() == QStringLiteral("Not saved yet"));
    c.settle();
    CHECK(c.stored().note != typed); // not yet: typing may go on
    REQUIRE(waitFor([&] { return !c.capture.note()->dirty(); }, 5000));
    CHECK(c.stored().note == typed);
    CHECK(c.capture.note()->status() == QStringLiteral("Saved"));

    c.capture.note()->applyTemplate(QStringLiteral("BIRP"));
    CHECK(c.capture.note()->text().startsWith(typed + QStringLiteral("\n")));
    CHECK(c.capture.note()->text().endsWith(CaptureNote::templateText(QStringLiteral("BIRP"))));

    const QString last = c.capture.note()->text() + QStringLiteral("Last words.");
    c.capture.note()->setText(last);
    c.runAndStop();
    const SessionId id = c.capture.session()->id;
    c.capture.close(); // leaving saves at once
    CHECK_FALSE(c.capture.session().has_value());
    REQUIRE(waitFor([&] { return !c.capture.busy(); }));
    const QString storedNote = c.h.onStore<QString>([id](WorkerState &state) {
        auto s = state.store->sessions().session(state.actor, id);
        return s ? s->note : QString();
    });
    CHECK(storedNote == last);
}

TEST_CASE("Readiness: blocking items prevent signing; payer warnings do not", "[app]")
{
    ModelTestGuard guard;
    Capture c;
    c.startFirst();
    QAbstractItemModelTester tester(c.capture.readiness(),
                                    QAbstractItemModelTester::FailureReportingMode::Warning);
    REQUIRE(c.item("timing") != nullptr);
    CHECK(c.item("timing")->level == ReadinessItem::Level::Blocking);
    CHECK_FALSE(c.capture.canSign());

    c.runAndStop();
    CHECK(c.item("timing")->level == ReadinessItem::Level::Done);
    REQUIRE(c.item("diagnosis") != nullptr);
    CHECK(c.item("diagnosis")->level == ReadinessItem::Level::Blocking);
    CHECK(c.item("signature")->level == ReadinessItem::Level::Warning);
    CHECK_FALSE(c.capture.canSign());
    c.capture.sign();
    CHECK(c.capture.error().kind() == AppError::BlockingItems);
    CHECK(c.capture.error().operation() == AppError::Sign);
    CHECK(c.capture.phase() == SessionController::Stopped);

    REQUIRE(c.capture.diagnoses()->add(QStringLiteral("F41.1")));
    c.capture.details()->setModality(QStringLiteral("audio_only"));
    c.capture.details()->setPatientLocation(QStringLiteral("home"));
    c.settle();
    CHECK(c.item("diagnosis")->level == ReadinessItem::Level::Done);
    REQUIRE(c.item("coding") != nullptr);
    CHECK(c.item("coding")->level == ReadinessItem::Level::Done);
    CHECK(c.item("coding")->detail.startsWith(QStringLiteral("POS 10 · 90834-93")));
    CHECK(c.item("note")->level == ReadinessItem::Level::Warning);
    for (const auto &i : c.capture.readiness()->items()) {
        if (i.key == QLatin1String("payer")) {
            CHECK(i.level == ReadinessItem::Level::Warning); // never blocking
        }
    }
    CHECK(c.capture.readiness()->blockingCount() == 0);
    CHECK(c.capture.canSign());
    CHECK(c.capture.readiness()->index(0, 0).data(ReadinessModel::LevelRole).toInt()
          == ReadinessModel::Done);
    CHECK(ModelTestGuard::failures() == 0);
}

TEST_CASE("readinessItems: place of service and modifiers must match the modality", "[app]")
{
    ensureApp();
    auto rules = coding::RuleSet::builtin();
    REQUIRE(rules);
    const coding::CodingEngine engine(rules.value());
    Session session;
    session.dateOfService = QDate(2026, 3, 10);
    session.diagnoses = {{QStringLiteral("F411")}};
    session.note = QStringLiteral("Fictional.");
    coding::SessionFacts facts;
    facts.minutes = 45;
    facts.dateOfService = session.dateOfService;
    facts.primaryDiagnosis = QStringLiteral("F411");

    ReadinessInput input;
    input.session = &session;
    input.timerStopped = true;
    input.minutes = 45;
    input.caseload.messages = {QStringLiteral("You are not in network with Demo Health today")};
    input.caseload.blocking = true;

    // Video with the patient at home on a commercial payer: POS 10 and 95.
    session.modality = facts.modality = Modality::Video;
    session.patientLocation = facts.patientLocation = PatientLocation::Home;
    input.decision = engine.code(facts);
    auto items = readinessItems(input);
    auto find = [&items](const char *key) {
        return std::find_if(items.cbegin(), items.cend(),
                            [key](const ReadinessItem &i) { return i.key == QLatin1String(key); });
    };
    REQUIRE(find("coding") != items.cend());
    CHECK(find("coding")->level == ReadinessItem::Level::Done);
    CHECK(find("coding")->detail == QStringLiteral("POS 10 · 90834-95"));
    // Credentialing is a warning here: the clinician may still see the patient.
    REQUIRE(find("payer") != items.cend());
    CHECK(find("payer")->level == ReadinessItem::Level::Warning);

    // The same decision for a session now marked in person: the claim would say telehealth.
    session.modality = Modality::InPerson;
    items = readinessItems(input);
    CHECK(find("coding")->level == ReadinessItem::Level::Blocking);

    // Audio-only coded as if it were video: no 93.
    session.modality = Modality::AudioOnly;
    items = readinessItems(input);
    CHECK(find("coding")->level == ReadinessItem::Level::Blocking);
    CHECK(
        find("coding")->detail.startsWith(QStringLiteral("Audio-only visit without modifier 93")));

    // Too short to bill.
    facts.minutes = 10;
    session.modality = facts.modality;
    input.decision = engine.code(facts);
    items = readinessItems(input);
    CHECK(find("coding")->level == ReadinessItem::Level::Blocking);
    CHECK(find("coding")->title == QStringLiteral("Not billable as captured"));

    // A header diagnosis from the index is named.
    const Icd10Index builtIn = Icd10Index::builtIn();
    session.diagnoses = {{QStringLiteral("Q999")}};
    input.codes = &builtIn;
    items = readinessItems(input);
    CHECK(find("diagnosis")->level == ReadinessItem::Level::Blocking);
    CHECK(
        find("diagnosis")->detail.startsWith(QStringLiteral("Q99.9 is not in the built-in list")));
}

TEST_CASE("Signed sessions are read-only; addenda are signed and queued for sync", "[app]")
{
    Capture c;
    c.startFirst();
    c.capture.note()->applyTemplate(QStringLiteral("DAP"));
    REQUIRE(c.capture.diagnoses()->add(QStringLiteral("F41.1")));
    c.runAndStop();
    REQUIRE(waitFor([&] { return c.capture.canSign(); }));
    const QString typed = c.capture.note()->text() + QStringLiteral("Signed at once.");
    c.capture.note()->setText(typed); // not yet autosaved: signing saves it first
    c.capture.sign();
    REQUIRE(waitFor([&] { return c.capture.phase() == SessionController::Signed; }));
    CHECK_FALSE(c.capture.editable());
    Session s = c.stored();
    CHECK(s.isSigned());
    CHECK(s.note == typed);
    CHECK(s.statusTrail.last().status == SessionStatus::OnDevice);
    const bool queued = c.h.onStore<bool>([id = s.id](WorkerState &state) {
        const auto entries = sync::DeviceSyncStore(*state.store).entries();
        if (!entries) {
            return false;
        }
        return std::any_of(entries->cbegin(), entries->cend(),
                           [&id](const auto &entry) { return entry.recordId == id.uuid(); });
    });
    CHECK(queued); // signing enqueues the session for sync in the same transaction

    c.capture.note()->setText(QStringLiteral("changed"));
    CHECK(c.capture.note()->text() == typed);
    CHECK_FALSE(c.capture.diagnoses()->add(QStringLiteral("F41.9")));
    c.capture.details()->setModality(QStringLiteral("video"));
    CHECK(c.capture.details()->modality() == QStringLiteral("in_person"));

    const std::int64_t before = c.h.onStore<std::int64_t>([](WorkerState &state) {
        return sync::DeviceSyncStore(*state.store).pendingCount().valueOr(-1);
    });
    c.capture.addenda()->add(QStringLiteral("   "));
    c.capture.addenda()->add(QStringLiteral("Fictional addendum text."));
    REQUIRE(waitFor([&] { return c.capture.addenda()->rowCount() == 1; }));
    CHECK_FALSE(c.capture.error().isError());
    s = c.stored();
    REQUIRE(s.addenda.size() == 1);
    CHECK(s.addenda.first().text == QStringLiteral("Fictional addendum text."));
    REQUIRE(s.addenda.first().signature.has_value());
    CHECK(s.addenda.first().signature->contentHash == addendumContentHash(s.id, s.addenda.first()));
    const std::int64_t after = c.h.onStore<std::int64_t>([](WorkerState &state) {
        return sync::DeviceSyncStore(*state.store).pendingCount().valueOr(-1);
    });
    CHECK(after == before + 1);
}
