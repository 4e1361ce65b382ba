// SPDX-License-Identifier: Apache-2.0
// Round trips through the practice and patient repositories: what is saved reads back equal
// (whole structs), updates replace, lists are ordered, and the store's rules refuse what they
// must (duplicate logins, over-consumed authorizations).
#include "catchqt.h"
#include "fixtures.h"

#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <tuple>

using namespace sb;
using namespace sb::test;
using Kind = StoreError::Kind;

namespace {

/// A fresh store with Fixtures saved in it. Not movable: the store holds its clock by reference.
struct Practice {
    TestStore t;
    Fixtures f;
    Practice()
    {
        REQUIRE(t.store);
        auto created = Fixtures::create(*t.store);
        REQUIRE(created.hasValue());
        f = std::move(*created);
    }
    Store &store() { return *t.store; }
    Uuid7Generator &ids() { return t.store->ids(); }
};

} // namespace

TEST_CASE("Organizations round-trip, update in place and list by name")
{
    TestStore t;
    REQUIRE(t.store);
    PracticeRepository &repo = t.store->practice();
    const Actor actor = makeActor(t.store->ids());

    Organization first = makeOrganization(t.store->ids());
    first.name = QStringLiteral("Zephyr Therapy (fictional)");
    REQUIRE(repo.save(actor, first));
    CHECK(*repo.organization(first.id) == first);

    first.taxId = QStringLiteral("930000999");
    first.postalCode = QStringLiteral("97209");
    REQUIRE(repo.save(actor, first));
    CHECK(*repo.organization(first.id) == first);

    Organization second = makeOrganization(t.store->ids());
    second.name = QStringLiteral("Aspen Counseling (fictional)");
    REQUIRE(repo.save(actor, second));
    const auto all = repo.organizations();
    REQUIRE(all);
    CHECK(*all == QList<Organization>{second, first});

    CHECK(errorKind(repo.organization(OrganizationId(t.store->ids().next()))) == Kind::NotFound);
}

TEST_CASE("Users round-trip, are found by login, and logins are unique")
{
    Practice p;
    PracticeRepository &repo = p.store().practice();

    User biller = makeUser(p.ids(), p.f.organization.id, QStringLiteral("biller.one"));
    REQUIRE(biller.role == Role::Biller);
    REQUIRE_FALSE(biller.providerId);
    REQUIRE(repo.save(p.f.actor, biller));
    CHECK(*repo.user(biller.id) == biller);
    CHECK(*repo.userByLogin(QStringLiteral("biller.one")) == biller);
    CHECK(*repo.user(p.f.clinician.id) == p.f.clinician);

    biller.active = false;
    biller.role = Role::Admin;
    REQUIRE(repo.save(p.f.actor, biller));
    CHECK(*repo.user(biller.id) == biller);

    const std::int64_t auditBefore = *p.store().audit().count();
    const User impostor = makeUser(p.ids(), p.f.organization.id, QStringLiteral("biller.one"));
    const auto duplicate = repo.save(p.f.actor, impostor);
    CHECK(errorKind(duplicate) == Kind::Constraint);
    CHECK(errorKind(repo.user(impostor.id)) == Kind::NotFound);
    CHECK(*repo.userByLogin(QStringLiteral("biller.one")) == biller);
    CHECK(*p.store().audit().count() == auditBefore); // the refused write left no audit row

    CHECK(errorKind(repo.userByLogin(QStringLiteral("nobody"))) == Kind::NotFound);
}

TEST_CASE("A user must belong to an existing organization")
{
    Practice p;
    const User orphan =
        makeUser(p.ids(), OrganizationId(p.ids().next()), QStringLiteral("orphan.user"));
    CHECK(errorKind(p.store().practice().save(p.f.actor, orphan)) == Kind::Constraint);
}

TEST_CASE("Providers round-trip with every credential and list by name")
{
    Practice p;
    PracticeRepository &repo = p.store().practice();
    CHECK(*repo.provider(p.f.provider.id) == p.f.provider);

    const auto credential = GENERATE(
        ProviderCredential::Psychiatrist, ProviderCredential::PsychiatricNursePractitioner,
        ProviderCredential::PhysicianAssistant, ProviderCredential::Psychologist,
        ProviderCredential::ClinicalSocialWorker, ProviderCredential::ProfessionalCounselor,
        ProviderCredential::MarriageFamilyTherapist);
    Provider other = makeProvider(p.ids(), p.f.organization.id);
    other.lastName = QStringLiteral("Abbott");
    other.credential = credential;
    REQUIRE(repo.save(p.f.actor, other));
    CHECK(*repo.provider(other.id) == other);
    CHECK(*repo.providers(p.f.organization.id) == QList<Provider>{other, p.f.provider});
    CHECK(repo.providers(OrganizationId(p.ids().next()))->isEmpty());
}

TEST_CASE("Payers round-trip with every kind")
{
    Practice p;
    PracticeRepository &repo = p.store().practice();
    const auto kind = GENERATE(PayerKind::Medicare, PayerKind::Medicaid, PayerKind::Commercial);
    Payer payer = makePayer(p.ids());
    payer.name = QStringLiteral("Another Plan (fictional)");
    payer.kind = kind;
    payer.state = QString();
    REQUIRE(repo.save(p.f.actor, payer));
    CHECK(*repo.payer(payer.id) == payer);
    CHECK(*repo.payers() == QList<Payer>{payer, p.f.payer});
}

TEST_CASE("Placeholder reference rows are written once, audited, and never overwrite data")
{
    Practice p;
    PracticeRepository &repo = p.store().practice();
    AuditLog &audit = p.store().audit();
    auto actionsFor = [&](const QUuid &id) {
        QList<AuditAction> actions;
        const auto entries = audit.entriesFor(id);
        REQUIRE(entries);
        for (const AuditEntry &e : *entries) {
            actions.append(e.action);
        }
        return actions;
    };

    // Unknown ids: a placeholder each, audited as created.
    const OrganizationId organization(p.ids().next());
    CHECK(*repo.ensureOrganization(p.f.actor, organization));
    CHECK(repo.organization(organization)->name.isEmpty());
    const ProviderId provider(p.ids().next());
    CHECK(*repo.ensureProvider(p.f.actor, provider, organization));
    CHECK(repo.provider(provider)->organizationId == organization);
    const PayerId payer(p.ids().next());
    CHECK(*repo.ensurePayer(p.f.actor, payer, QStringLiteral("Pulled Plan"), PayerKind::Medicaid));
    CHECK(repo.payer(payer)->name == QStringLiteral("Pulled Plan"));
    CHECK(repo.payer(payer)->kind == PayerKind::Medicaid);
    for (const QUuid &id : {organization.uuid(), provider.uuid(), payer.uuid()}) {
        CHECK(actionsFor(id) == QList<AuditAction>{AuditAction::Create});
    }

    // Known ids: the practice's own rows stay as they are, and nothing is audited.
    const std::int64_t rows = *audit.count();
    CHECK_FALSE(*repo.ensureOrganization(p.f.actor, p.f.organization.id));
    CHECK_FALSE(*repo.ensureProvider(p.f.actor, p.f.provider.id, organization));
    CHECK_FALSE(*repo.ensurePayer(p.f.actor, p.f.payer.id, QString(), PayerKind::Medicare));
    CHECK_FALSE(*repo.ensurePayer(p.f.actor, p.f.payer.id, p.f.payer.name, PayerKind::Medicare));
    CHECK(*repo.organization(p.f.organization.id) == p.f.organization);
    CHECK(*repo.provider(p.f.provider.id) == p.f.provider);
    CHECK(*repo.payer(p.f.payer.id) == p.f.payer);
    CHECK(*audit.count() == rows);

    // A payer's new name is taken (and audited); its kind and codes are kept.
    CHECK(*repo.ensurePayer(p.f.actor, p.f.payer.id, QStringLiteral("Renamed Plan"),
                            PayerKind::Medicare));
    Payer renamed = p.f.payer;
    renamed.name = QStringLiteral("Renamed Plan");
    CHECK(*repo.payer(p.f.payer.id) == renamed);
    CHECK(actionsFor(p.f.payer.id.uuid()).last() == AuditAction::Update);
}

TEST_CASE("Credentialing records round-trip per provider, ordered by effective date")
{
    Practice p;
    PracticeRepository &repo = p.store().practice();

    CredentialingRecord current = makeCredentialing(p.ids(), p.f.provider.id, p.f.payer.id);
    CredentialingRecord earlier = makeCredentialing(p.ids(), p.f.provider.id, p.f.payer.id);
    earlier.status = CredentialingStatus::Terminated;
    earlier.effectiveDate = QDate(2023, 1, 1);
    earlier.endDate = QDate(2024, 12, 31);
    earlier.caqhAttestedOn = QDate();
    REQUIRE(repo.save(p.f.actor, current));
    REQUIRE(repo.save(p.f.actor, earlier));
    CHECK(*repo.credentialingFor(p.f.provider.id) == QList<CredentialingRecord>{earlier, current});

    for (const auto status : {CredentialingStatus::Pending, CredentialingStatus::OutOfNetwork,
                              CredentialingStatus::InNetwork}) {
        current.status = status;
        current.endDate = QDate(); // open-ended
        REQUIRE(repo.save(p.f.actor, current));
        CHECK(repo.credentialingFor(p.f.provider.id)->at(1) == current);
    }

    const Provider other = makeProvider(p.ids(), p.f.organization.id);
    REQUIRE(repo.save(p.f.actor, other));
    CHECK(repo.credentialingFor(other.id)->isEmpty());
}

TEST_CASE("Patients round-trip, update in place and list by name within an organization")
{
    Practice p;
    PatientRepository &repo = p.store().patients();
    const Actor &actor = p.f.actor;
    CHECK(*repo.patient(actor, p.f.patient.id) == p.f.patient);

    Patient sparse = makePatient(p.ids(), p.f.organization.id);
    sparse.lastName = QStringLiteral("Aardvark");
    sparse.birthDate = QDate();
    sparse.sex = Sex::Unknown;
    sparse.phone.clear();
    REQUIRE_FALSE(sparse.primaryProviderId);
    REQUIRE(repo.save(actor, sparse));
    CHECK(*repo.patient(actor, sparse.id) == sparse);

    sparse.sex = Sex::Male;
    sparse.primaryProviderId = p.f.provider.id;
    sparse.birthDate = QDate(2001, 2, 28);
    REQUIRE(repo.save(actor, sparse));
    CHECK(*repo.patient(actor, sparse.id) == sparse);

    CHECK(*repo.patients(actor, p.f.organization.id) == QList<Patient>{sparse, p.f.patient});

    Organization otherOrg = makeOrganization(p.ids());
    REQUIRE(p.store().practice().save(actor, otherOrg));
    CHECK(repo.patients(actor, otherOrg.id)->isEmpty());
    CHECK(errorKind(repo.patient(actor, PatientId(p.ids().next()))) == Kind::NotFound);
}

TEST_CASE("A clinician's caseload pages by name then id, every patient exactly once")
{
    Practice p;
    PatientRepository &repo = p.store().patients();
    const Actor &actor = p.f.actor;
    Provider other = makeProvider(p.ids(), p.f.organization.id);
    REQUIRE(p.store().practice().save(actor, other));
    QList<Patient> caseload{p.f.patient};
    // Two namesakes (the id breaks the tie), a name that sorts first, and patients of another
    // clinician and of nobody, who are not in this caseload.
    for (const char *last : {"Able", "Zimmer", "Able", "Moss", "Baker"}) {
        Patient patient = makePatient(p.ids(), p.f.organization.id, p.f.provider.id);
        patient.lastName = QString::fromLatin1(last);
        patient.firstName = QStringLiteral("Dana");
        REQUIRE(repo.save(actor, patient));
        caseload.append(patient);
    }
    Patient theirs = makePatient(p.ids(), p.f.organization.id, other.id);
    REQUIRE(repo.save(actor, theirs));
    Patient nobodys = makePatient(p.ids(), p.f.organization.id);
    REQUIRE(repo.save(actor, nobodys));
    std::sort(caseload.begin(), caseload.end(), [](const Patient &a, const Patient &b) {
        return std::tuple(a.lastName.toUtf8(), a.firstName.toUtf8(), a.id.uuid().toRfc4122())
               < std::tuple(b.lastName.toUtf8(), b.firstName.toUtf8(), b.id.uuid().toRfc4122());
    });

    const int pageSize = GENERATE(1, 2, 6, 20);
    CAPTURE(pageSize);
    QList<Patient> paged;
    std::optional<PatientPageKey> after;
    int pages = 0;
    do {
        auto page = repo.caseloadPage(actor, p.f.organization.id, p.f.provider.id, after, pageSize);
        REQUIRE(page);
        CHECK(page->patients.size() <= pageSize);
        paged.append(page->patients);
        after = page->next;
        REQUIRE(++pages <= 7);
    } while (after);
    CHECK(paged == caseload);

    auto theirPage = repo.caseloadPage(actor, p.f.organization.id, other.id, std::nullopt, 10);
    REQUIRE(theirPage);
    CHECK(theirPage->patients == QList<Patient>{theirs});
    CHECK_FALSE(theirPage->next);
    CHECK(errorKind(repo.caseloadPage(actor, p.f.organization.id, other.id, std::nullopt, -1))
          == Kind::InvalidArgument);
}

TEST_CASE("Coverages round-trip with and without an eligibility snapshot")
{
    struct Case {
        const char *name;
        bool withSnapshot;
        bool carvedOut;
        bool active;
    };
    const auto c = GENERATE(values<Case>({{"no snapshot", false, false, false},
                                          {"active, not carved out", true, false, true},
                                          {"behavioral-health carve-out", true, true, true},
                                          {"inactive", true, false, false}}));
    CAPTURE(c.name);
    Practice p;
    PatientRepository &repo = p.store().patients();

    Coverage coverage = makeCoverage(p.ids(), p.f.patient.id, p.f.payer.id);
    if (c.withSnapshot) {
        coverage.eligibility = makeEligibility(p.t.clock.nowUtc(), c.carvedOut);
        coverage.eligibility->active = c.active;
    }
    Coverage secondary = makeCoverage(p.ids(), p.f.patient.id, p.f.payer.id);
    secondary.priority = 2;
    secondary.termination = QDate(2026, 12, 31);
    REQUIRE(repo.save(p.f.actor, secondary));
    REQUIRE(repo.save(p.f.actor, coverage));

    const auto read = repo.coverages(p.f.actor, p.f.patient.id);
    REQUIRE(read);
    CHECK(*read == QList<Coverage>{coverage, secondary});
    if (c.carvedOut) {
        CHECK(read->at(0).eligibility->behavioralHealthCarvedOut);
        CHECK(read->at(0).eligibility->carveOutPayerName
              == QStringLiteral("Cascade Behavioral Health (fictional)"));
    }

    coverage.eligibility.reset(); // a re-check that found nothing clears the snapshot
    REQUIRE(repo.save(p.f.actor, coverage));
    CHECK(repo.coverages(p.f.actor, p.f.patient.id)->at(0) == coverage);
}

TEST_CASE("A coverage needs an existing patient and payer")
{
    Practice p;
    PatientRepository &repo = p.store().patients();
    CHECK(errorKind(
              repo.save(p.f.actor, makeCoverage(p.ids(), PatientId(p.ids().next()), p.f.payer.id)))
          == Kind::Constraint);
    CHECK(errorKind(
              repo.save(p.f.actor, makeCoverage(p.ids(), p.f.patient.id, PayerId(p.ids().next()))))
          == Kind::Constraint);
    CHECK(repo.coverages(p.f.actor, p.f.patient.id)->isEmpty());
}

TEST_CASE("Authorizations round-trip and list by end date")
{
    Practice p;
    PatientRepository &repo = p.store().patients();

    Authorization named =
        makeAuthorization(p.ids(), p.f.patient.id, p.f.payer.id, p.f.provider.id, 20);
    named.unit = AuthorizationUnit::Units;
    named.used = 3;
    Authorization anyone = makeAuthorization(p.ids(), p.f.patient.id, p.f.payer.id);
    anyone.endDate = QDate(2026, 3, 31);
    anyone.serviceCodes = {QStringLiteral("90791")};
    Authorization noCodes = makeAuthorization(p.ids(), p.f.patient.id, p.f.payer.id);
    noCodes.serviceCodes.clear();
    noCodes.endDate = QDate(2026, 12, 31);
    for (const Authorization *a : {&named, &anyone, &noCodes}) {
        REQUIRE(repo.save(p.f.actor, *a));
    }
    CHECK(*repo.authorizations(p.f.actor, p.f.patient.id)
          == QList<Authorization>{anyone, named, noCodes});

    Authorization negative = makeAuthorization(p.ids(), p.f.patient.id, p.f.payer.id);
    negative.authorized = -1;
    CHECK(errorKind(repo.save(p.f.actor, negative)) == Kind::InvalidArgument);
    negative.authorized = 4;
    negative.used = -2;
    CHECK(errorKind(repo.save(p.f.actor, negative)) == Kind::InvalidArgument);
    CHECK(repo.authorizations(p.f.actor, p.f.patient.id)->size() == 3);
}

TEST_CASE("consume() counts up to the authorized amount and refuses to go past it")
{
    Practice p;
    PatientRepository &repo = p.store().patients();
    Authorization auth = makeAuthorization(p.ids(), p.f.patient.id, p.f.payer.id, {}, 5);
    REQUIRE(repo.save(p.f.actor, auth));

    auto after = repo.consume(p.f.actor, auth.id, 1);
    REQUIRE(after);
    auth.used = 1;
    CHECK(*after == auth);
    CHECK(after->remaining() == 4);

    after = repo.consume(p.f.actor, auth.id, 3);
    REQUIRE(after);
    CHECK(after->used == 4);

    SECTION("more than remains is refused and nothing changes")
    {
        CHECK(errorKind(repo.consume(p.f.actor, auth.id, 2)) == Kind::Constraint);
        CHECK(repo.authorizations(p.f.actor, p.f.patient.id)->at(0).used == 4);
    }
    SECTION("exactly what remains is allowed; then nothing more")
    {
        after = repo.consume(p.f.actor, auth.id, 1);
        REQUIRE(after);
        CHECK(after->used == 5);
        CHECK(after->remaining() == 0);
        CHECK(errorKind(repo.consume(p.f.actor, auth.id, 1)) == Kind::Constraint);
        CHECK(repo.authorizations(p.f.actor, p.f.patient.id)->at(0).used == 5);
    }
    SECTION("zero and negative amounts are refused")
    {
        const int units = GENERATE(0, -1, -100);
        CAPTURE(units);
        CHECK(errorKind(repo.consume(p.f.actor, auth.id, units)) == Kind::InvalidArgument);
        CHECK(repo.authorizations(p.f.actor, p.f.patient.id)->at(0).used == 4);
    }
    SECTION("an unknown authorization is not found")
    {
        CHECK(errorKind(repo.consume(p.f.actor, AuthorizationId(p.ids().next()), 1))
              == Kind::NotFound);
    }
}

TEST_CASE("The store survives closing and reopening with everything in it")
{
    Practice p;
    Coverage coverage = makeCoverage(p.ids(), p.f.patient.id, p.f.payer.id);
    coverage.eligibility = makeEligibility(p.t.clock.nowUtc(), true);
    REQUIRE(p.store().patients().save(p.f.actor, coverage));

    Store *reopened = p.t.reopen();
    REQUIRE(reopened);
    CHECK(*reopened->practice().organization(p.f.organization.id) == p.f.organization);
    CHECK(*reopened->practice().user(p.f.clinician.id) == p.f.clinician);
    CHECK(*reopened->patients().patient(p.f.actor, p.f.patient.id) == p.f.patient);
    CHECK(*reopened->patients().coverages(p.f.actor, p.f.patient.id) == QList<Coverage>{coverage});
    CHECK(*reopened->sessions().session(p.f.actor, p.f.draft.id) == p.f.draft);
    CHECK(reopened->audit().verify().intact);
}
