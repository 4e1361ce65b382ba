// SPDX-License-Identifier: Apache-2.0
#include "demopractice.h"

#include "store/store.h"
#include "util/clock.h"
#include "util/try.h"

#include <array>

namespace sb::demo {

namespace {

struct DemoProvider {
    const char *first;
    const char *last;
    ProviderCredential credential;
    const char *npi; // fictional, with a valid check digit
    const char *taxonomy;
};

constexpr std::array<DemoProvider, 4> demoProviders{{
    {"Maya", "Okafor", ProviderCredential::Psychologist, "1987654328", "103T00000X"},
    {"Daniel", "Reyes", ProviderCredential::ClinicalSocialWorker, "1543210987", "1041C0700X"},
    {"Priya", "Natarajan", ProviderCredential::Psychiatrist, "1678901236", "2084P0800X"},
    {"Sam", "Lindqvist", ProviderCredential::ProfessionalCounselor, "1345678902", "101YP2500X"},
}};

struct DemoPatient {
    const char *first;
    const char *last;
    const char *birth;
    Sex sex;
};

constexpr std::array<DemoPatient, 6> demoPatients{{
    {"Avery", "Quinlan", "1988-04-12", Sex::Female},
    {"Jordan", "Whitfield", "1975-11-30", Sex::Male},
    {"Rosa", "Delacroix", "2001-02-07", Sex::Female},
    {"Theo", "Marchetti", "1964-08-21", Sex::Male},
    {"Imani", "Castellanos", "1993-06-15", Sex::Female},
    {"Kai", "Brennan", "2009-09-03", Sex::Unknown},
}};

} // namespace

StoreResult<void> seedDemoPractice(Store &store, const Actor &actor)
{
    auto &ids = store.ids();
    const QDate today = store.clock().nowUtc().date();
    const QDateTime now = store.clock().nowUtc();
    SB_TRY_ASSIGN(tx, store.database().begin());

    Organization practice{OrganizationId(ids.next()),
                          QStringLiteral("Harbor Light Counseling"),
                          QStringLiteral("1234567893"),
                          QStringLiteral("990000001"),
                          QStringLiteral("12 Lantern Way"),
                          QStringLiteral("Portland"),
                          QStringLiteral("OR"),
                          QStringLiteral("97201")};
    SB_TRY(store.practice().save(actor, practice));

    QList<Provider> providers;
    QList<UserId> clinicianUsers;
    for (const DemoProvider &d : demoProviders) {
        Provider p{ProviderId(ids.next()),
                   practice.id,
                   QString::fromLatin1(d.first),
                   QString::fromLatin1(d.last),
                   d.credential,
                   QString::fromLatin1(d.npi),
                   QString::fromLatin1(d.taxonomy),
                   QStringLiteral("OR-DEMO-") + QString::fromLatin1(d.npi).right(4),
                   QStringLiteral("OR")};
        SB_TRY(store.practice().save(actor, p));
        User u{UserId(ids.next()),
               practice.id,
               QString::fromLatin1(d.first).toLower() + u'.'
                   + QString::fromLatin1(d.last).toLower(),
               QString::fromLatin1(d.first) + u' ' + QString::fromLatin1(d.last),
               Role::Clinician,
               p.id,
               true};
        SB_TRY(store.practice().save(actor, u));
        providers.append(p);
        clinicianUsers.append(u.id);
    }
    User biller{UserId(ids.next()),
                practice.id,
                QStringLiteral("billing.desk"),
                QStringLiteral("Billing Desk"),
                Role::Biller,
                std::nullopt,
                true};
    SB_TRY(store.practice().save(actor, biller));

    const std::array<Payer, 4> payers{{
        {PayerId(ids.next()), QStringLiteral("Medicare Part B (demo)"), PayerKind::Medicare,
         QStringLiteral("DEMO-MCR"), QStringLiteral("OR"), QStringLiteral("medicare")},
        {PayerId(ids.next()), QStringLiteral("Oregon Health Plan (demo)"), PayerKind::Medicaid,
         QStringLiteral("DEMO-OHP"), QStringLiteral("OR"), QStringLiteral("medicaid_or")},
        {PayerId(ids.next()), QStringLiteral("Evergreen Mutual (demo)"), PayerKind::Commercial,
         QStringLiteral("DEMO-EVG"), QString(), QStringLiteral("commercial")},
        {PayerId(ids.next()), QStringLiteral("Cascade Behavioral Health (demo)"),
         PayerKind::Commercial, QStringLiteral("DEMO-CBH"), QStringLiteral("OR"),
         QStringLiteral("commercial")},
    }};
    for (const Payer &payer : payers) {
        SB_TRY(store.practice().save(actor, payer));
    }

    // Credentialing: everyone in network with Medicare and Medicaid; the counselor's
    // commercial credentialing is still pending, the social worker's CAQH attestation is due.
    for (qsizetype i = 0; i < providers.size(); ++i) {
        for (qsizetype j = 0; j < 3; ++j) {
            const bool pending = i == 3 && j == 2;
            CredentialingRecord record{CredentialingId(ids.next()),
                                       providers[i].id,
                                       payers[j].id,
                                       pending ? CredentialingStatus::Pending
                                               : CredentialingStatus::InNetwork,
                                       today.addYears(-2),
                                       QDate(),
                                       i == 1 ? today.addDays(-115) : today.addDays(-30),
                                       today.addMonths(8 + int(i))};
            SB_TRY(store.practice().save(actor, record));
        }
    }

    for (qsizetype i = 0; i < qsizetype(demoPatients.size()); ++i) {
        const DemoPatient &d = demoPatients[i];
        const Provider &clinician = providers[i % providers.size()];
        const UserId &clinicianUser = clinicianUsers[i % providers.size()];
        Patient patient{PatientId(ids.next()),
                        practice.id,
                        QString::fromLatin1(d.first),
                        QString::fromLatin1(d.last),
                        QDate::fromString(QString::fromLatin1(d.birth), Qt::ISODate),
                        d.sex,
                        QStringLiteral("%1 Alder Street").arg(100 + i),
                        QStringLiteral("Portland"),
                        QStringLiteral("OR"),
                        QStringLiteral("97205"),
                        QStringLiteral("555-01%1").arg(10 + i),
                        clinician.id};
        SB_TRY(store.patients().save(actor, patient));

        const Payer &payer = payers[i % 3];
        Coverage coverage{CoverageId(ids.next()),
                          patient.id,
                          payer.id,
                          QStringLiteral("DM%1").arg(700100 + i),
                          QStringLiteral("GRP-DEMO"),
                          1,
                          today.addYears(-1),
                          QDate(),
                          std::nullopt};
        EligibilitySnapshot eligibility;
        eligibility.checkedAt = now.addDays(-int(i) * 9); // some go stale
        eligibility.active = true;
        eligibility.planBegin = QDate(today.year(), 1, 1);
        eligibility.planEnd = QDate(today.year(), 12, 31);
        eligibility.source = QStringLiteral("271");
        if (payer.kind == PayerKind::Commercial) {
            // Mental-health benefits carved out to the behavioral-health plan.
            eligibility.behavioralHealthCarvedOut = true;
            eligibility.carveOutPayerName = payers[3].name;
            eligibility.carveOutPayerId = payers[3].payerId;
            eligibility.carveOutPhone = QStringLiteral("555-0199");
        }
        coverage.eligibility = eligibility;
        SB_TRY(store.patients().save(actor, coverage));

        Authorization authorization{AuthorizationId(ids.next()),
                                    patient.id,
                                    payer.id,
                                    clinician.id,
                                    QStringLiteral("PA-DEMO-%1").arg(4400 + i),
                                    {QStringLiteral("90834"), QStringLiteral("90837")},
                                    AuthorizationUnit::Visits,
                                    12,
                                    int(i * 2 + 1),
                                    today.addDays(-60),
                                    today.addDays(i == 2 ? 6 : 90)};
        SB_TRY(store.patients().save(actor, authorization));

        // Two past sessions (signed) and today's (draft) for each patient.
        for (int day : {-7, -1, 0}) {
            Session s;
            s.id = SessionId(ids.next());
            s.organizationId = practice.id;
            s.patientId = patient.id;
            s.providerId = clinician.id;
            s.payerId = payer.id;
            s.dateOfService = today.addDays(day);
            s.service = clinician.credential == ProviderCredential::Psychiatrist
                            ? ServiceKind::PsychotherapyWithEm
                            : ServiceKind::IndividualPsychotherapy;
            s.modality = i % 3 == 1 ? Modality::Video : Modality::InPerson;
            s.patientLocation =
                s.modality == Modality::Video ? PatientLocation::Home : PatientLocation::Office;
            s.participants = {Participant{ParticipantRole::Patient, patient.id, QString(), true}};
            const QDateTime start = now.addDays(day).addSecs(-3600);
            const int minutes = 38 + int(i) * 3;
            s.timing = {TimingEvent{TimingEventKind::Start, start, 1000, 1, 0},
                        TimingEvent{TimingEventKind::Stop, start.addSecs(minutes * 60),
                                    1000 + minutes * 60'000, 1, 0}};
            s.diagnoses = {Diagnosis{i % 2 ? QStringLiteral("F411") : QStringLiteral("F331")}};
            s.noteTemplate = QStringLiteral("DAP");
            s.note = QStringLiteral("D: Fictional demo note. Client reports steady sleep and "
                                    "practiced the breathing exercise.\nA: Progressing.\n"
                                    "P: Continue weekly sessions.");
            s.updatedAt = now;
            SB_TRY(store.sessions().saveDraft(actor, s));
            if (day < 0) {
                SB_TRY(store.sessions().sign(actor, s.id, clinicianUser,
                                             start.addSecs(minutes * 60 + 300)));
            }
        }
    }
    return tx.commit();
}

} // namespace sb::demo
