// SPDX-License-Identifier: Apache-2.0
#include "fixtures.h"

#include "store/database.h"

#include <QLoggingCategory>

namespace sb::test {

namespace {

Q_LOGGING_CATEGORY(lcTestSupport, "sessionbook.test.support")

constexpr std::int64_t minuteMs = 60'000;

/// A short distinguishing suffix from an id, so repeated fixtures never collide on logins.
QString suffix(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces).right(8);
}

QDateTime atMs(std::int64_t ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

} // namespace

DatabaseKey testKey()
{
    QByteArray bytes(DatabaseKey::size, Qt::Uninitialized);
    for (int i = 0; i < DatabaseKey::size; ++i) {
        bytes[i] = static_cast<char>(0xA5 ^ (i * 7));
    }
    return *DatabaseKey::fromBytes(bytes);
}

QString storePath(const TempDir &dir)
{
    return dir.filePath(QStringLiteral("store.db"));
}

StoreResult<std::unique_ptr<Store>> tryOpenStore(const QString &path, const Clock &clock,
                                                 std::span<const SchemaModule> modules)
{
    return Store::open(path, testKey(), clock, modules);
}

std::unique_ptr<Store> openStore(TempDir &dir, ManualClock &clock,
                                 std::span<const SchemaModule> modules)
{
    if (!dir.isValid()) {
        qCWarning(lcTestSupport) << "temporary directory could not be created";
        return nullptr;
    }
    auto store = tryOpenStore(storePath(dir), clock, modules);
    if (!store) {
        qCWarning(lcTestSupport) << "test store did not open:" << store.error().kindName()
                                 << store.error().message;
        return nullptr;
    }
    return std::move(*store);
}

QStringList schemaObjects(Database &db)
{
    QStringList names;
    auto stmt = db.prepare("SELECT type, name FROM sqlite_master ORDER BY type, name");
    if (!stmt) {
        return names;
    }
    while (stmt->step().valueOr(false)) {
        names.append(stmt->text(0) + u':' + stmt->text(1));
    }
    return names;
}

std::int64_t rowCount(Database &db, const char *table)
{
    auto stmt = db.prepare(std::string("SELECT count(*) FROM ") + table);
    if (!stmt || !stmt->step().valueOr(false)) {
        return -1;
    }
    return stmt->int64(0);
}

Actor makeActor(Uuid7Generator &ids)
{
    return Actor{UserId(ids.next()), DeviceId(ids.next())};
}

Organization makeOrganization(Uuid7Generator &ids)
{
    return Organization{OrganizationId(ids.next()),
                        QStringLiteral("Willow Creek Counseling (fictional)"),
                        QStringLiteral("1234567893"),
                        QStringLiteral("930000001"),
                        QStringLiteral("100 Example Way, Suite 2"),
                        QStringLiteral("Portland"),
                        QStringLiteral("OR"),
                        QStringLiteral("97201")};
}

Provider makeProvider(Uuid7Generator &ids, const OrganizationId &organization)
{
    return Provider{ProviderId(ids.next()),
                    organization,
                    QStringLiteral("Avery"),
                    QStringLiteral("Testwell"),
                    ProviderCredential::ClinicalSocialWorker,
                    QStringLiteral("1245319599"),
                    QStringLiteral("1041C0700X"),
                    QStringLiteral("L-FICT-0001"),
                    QStringLiteral("OR")};
}

User makeUser(Uuid7Generator &ids, const OrganizationId &organization, const QString &login,
              std::optional<ProviderId> provider)
{
    return User{UserId(ids.next()),
                organization,
                login,
                QStringLiteral("Test User ") + login,
                provider ? Role::Clinician : Role::Biller,
                provider,
                true};
}

Payer makePayer(Uuid7Generator &ids)
{
    return Payer{PayerId(ids.next()),   QStringLiteral("Evergreen Mutual (fictional)"),
                 PayerKind::Commercial, QStringLiteral("FICT-EVG"),
                 QStringLiteral("OR"),  QStringLiteral("commercial")};
}

CredentialingRecord makeCredentialing(Uuid7Generator &ids, const ProviderId &provider,
                                      const PayerId &payer)
{
    return CredentialingRecord{CredentialingId(ids.next()),
                               provider,
                               payer,
                               CredentialingStatus::InNetwork,
                               QDate(2025, 3, 1),
                               QDate(2027, 2, 28),
                               QDate(2025, 11, 15),
                               QDate(2026, 6, 30)};
}

Patient makePatient(Uuid7Generator &ids, const OrganizationId &organization,
                    std::optional<ProviderId> primaryProvider)
{
    Patient p;
    p.id = PatientId(ids.next());
    p.organizationId = organization;
    p.firstName = QStringLiteral("Jordan");
    p.lastName = QStringLiteral("Sample-") + suffix(p.id.uuid());
    p.birthDate = QDate(1988, 4, 12);
    p.sex = Sex::Female;
    p.addressLine = QStringLiteral("42 Fictional Lane");
    p.city = QStringLiteral("Salem");
    p.state = QStringLiteral("OR");
    p.postalCode = QStringLiteral("97301");
    p.phone = QStringLiteral("555-0100");
    p.primaryProviderId = primaryProvider;
    return p;
}

EligibilitySnapshot makeEligibility(const QDateTime &checkedAt, bool carvedOut)
{
    EligibilitySnapshot e;
    e.checkedAt = atMs(checkedAt.toMSecsSinceEpoch());
    e.active = true;
    e.planBegin = QDate(2026, 1, 1);
    e.planEnd = QDate(2026, 12, 31);
    e.source = QStringLiteral("271");
    if (carvedOut) {
        e.behavioralHealthCarvedOut = true;
        e.carveOutPayerName = QStringLiteral("Cascade Behavioral Health (fictional)");
        e.carveOutPayerId = QStringLiteral("FICT-CBH");
        e.carveOutPhone = QStringLiteral("555-0199");
    }
    return e;
}

Coverage makeCoverage(Uuid7Generator &ids, const PatientId &patient, const PayerId &payer)
{
    Coverage c;
    c.id = CoverageId(ids.next());
    c.patientId = patient;
    c.payerId = payer;
    c.memberId = QStringLiteral("M") + suffix(c.id.uuid());
    c.groupNumber = QStringLiteral("GRP-100");
    c.priority = 1;
    c.effective = QDate(2025, 1, 1);
    c.termination = QDate();
    return c;
}

Authorization makeAuthorization(Uuid7Generator &ids, const PatientId &patient, const PayerId &payer,
                                std::optional<ProviderId> provider, int authorized)
{
    Authorization a;
    a.id = AuthorizationId(ids.next());
    a.patientId = patient;
    a.payerId = payer;
    a.providerId = provider;
    a.number = QStringLiteral("PA-") + suffix(a.id.uuid());
    a.serviceCodes = {QStringLiteral("90834"), QStringLiteral("90837")};
    a.unit = AuthorizationUnit::Visits;
    a.authorized = authorized;
    a.used = 0;
    a.startDate = QDate(2026, 1, 1);
    a.endDate = QDate(2026, 6, 30);
    return a;
}

QList<TimingEvent> makeTiming(const Clock &clock, std::int64_t bootId)
{
    const std::int64_t wall = clock.nowMsSinceEpoch();
    const std::int64_t mono = clock.monotonicMs();
    auto event = [&](TimingEventKind kind, std::int64_t offsetMs) {
        return TimingEvent{kind, atMs(wall + offsetMs), mono + offsetMs, bootId, -1'250};
    };
    return {event(TimingEventKind::Start, 0), event(TimingEventKind::Pause, 20 * minuteMs),
            event(TimingEventKind::Resume, 25 * minuteMs),
            event(TimingEventKind::Stop, 55 * minuteMs)};
}

Session makeDraftSession(Uuid7Generator &ids, const Clock &clock,
                         const OrganizationId &organization, const PatientId &patient,
                         const ProviderId &provider, std::optional<PayerId> payer)
{
    Session s;
    s.id = SessionId(ids.next());
    s.organizationId = organization;
    s.patientId = patient;
    s.providerId = provider;
    s.payerId = payer;
    s.dateOfService = clock.nowUtc().date();
    s.service = ServiceKind::IndividualPsychotherapy;
    s.modality = Modality::Video;
    s.patientLocation = PatientLocation::Home;
    s.interactiveComplexity = false;
    s.participants = {Participant{ParticipantRole::Patient, patient, QString(), true}};
    s.timing = makeTiming(clock);
    s.diagnoses = {Diagnosis{QStringLiteral("F411")}, Diagnosis{QStringLiteral("Z631")}};
    s.noteTemplate = QStringLiteral("DAP");
    s.note = QStringLiteral("D: fictional test note. A: stable. P: continue weekly.");
    s.updatedAt = atMs(clock.nowMsSinceEpoch());
    return s;
}

Addendum makeAddendum(Uuid7Generator &ids, const UserId &author, const QDateTime &at,
                      const QString &text)
{
    return Addendum{AddendumId(ids.next()), author, atMs(at.toMSecsSinceEpoch()), text,
                    std::nullopt};
}

StoreResult<Fixtures> Fixtures::create(Store &store)
{
    Uuid7Generator &ids = store.ids();
    Fixtures f;
    f.organization = makeOrganization(ids);
    f.provider = makeProvider(ids, f.organization.id);
    f.clinician =
        makeUser(ids, f.organization.id,
                 QStringLiteral("clinician-") + suffix(f.provider.id.uuid()), f.provider.id);
    f.actor = Actor{f.clinician.id, DeviceId(ids.next())};
    f.payer = makePayer(ids);
    f.patient = makePatient(ids, f.organization.id, f.provider.id);
    f.draft = makeDraftSession(ids, store.clock(), f.organization.id, f.patient.id, f.provider.id,
                               f.payer.id);
    f.draft.statusTrail = {StatusEntry{SessionStatus::Captured, f.draft.updatedAt, QString()}};

    PracticeRepository &practice = store.practice();
    if (auto ok = practice.save(f.actor, f.organization); !ok) {
        return unexpected(ok.error());
    }
    if (auto ok = practice.save(f.actor, f.provider); !ok) {
        return unexpected(ok.error());
    }
    if (auto ok = practice.save(f.actor, f.clinician); !ok) {
        return unexpected(ok.error());
    }
    if (auto ok = practice.save(f.actor, f.payer); !ok) {
        return unexpected(ok.error());
    }
    if (auto ok = store.patients().save(f.actor, f.patient); !ok) {
        return unexpected(ok.error());
    }
    if (auto ok = store.sessions().saveDraft(f.actor, f.draft); !ok) {
        return unexpected(ok.error());
    }
    return f;
}

} // namespace sb::test
