// SPDX-License-Identifier: Apache-2.0
// Migrations from every earlier schema version: a database left at version v by older code
// (built with the steps those releases ran, frozen in legacyschema.cpp), holding rows written
// the way that version wrote them, opens as a current Store with its data intact, later
// columns at their defaults, the audit chain head built from the existing log, and the
// signed-record triggers guarding rows that predate them. A core-only open leaves the sync
// tables of those stores as they are (tests/sync/schema_modules_test.cpp takes them over). A
// database newer than this code is refused without touching the file.
#include "catchqt.h"
#include "domain/enums.h"
#include "fixtures.h"
#include "legacyschema.h"
#include "store/schema.h"
#include "store/sessionrepository.h"

#include <QFile>

#include <catch2/catch_test_macros.hpp>
#include <functional>
#include <iterator>
#include <map>

using namespace sb;
using namespace sb::test;
using Kind = StoreError::Kind;

namespace {

/// Prepares, binds with `bindAll` and runs one statement; REQUIREs success.
void exec(Database &db, const char *sql, const std::function<void(Statement &)> &bindAll)
{
    auto stmt = db.prepare(sql);
    REQUIRE(stmt.hasValue());
    bindAll(*stmt);
    const auto ok = stmt->run();
    if (!ok) {
        FAIL(ok.error().message.toStdString());
    }
}

/// What an older version of the code left in the database, and what it must read back as.
struct Seed {
    Organization organization;
    Provider provider;
    User user;
    Payer payer;
    CredentialingRecord credentialing;
    Patient patient;
    Coverage plainCoverage;
    Coverage checkedCoverage; ///< With an eligibility snapshot.
    Authorization authorization;
    Session draft;
    Session signedSession;
    QList<AuditEntry> audit;
};

Seed makeSeed(Uuid7Generator &ids, const Clock &clock, int version)
{
    Seed s;
    s.organization = makeOrganization(ids);
    s.provider = makeProvider(ids, s.organization.id);
    s.user = makeUser(ids, s.organization.id, QStringLiteral("legacy.clinician"), s.provider.id);
    s.payer = makePayer(ids);
    s.credentialing = makeCredentialing(ids, s.provider.id, s.payer.id);
    s.patient = makePatient(ids, s.organization.id, s.provider.id);
    s.plainCoverage = makeCoverage(ids, s.patient.id, s.payer.id);
    s.plainCoverage.priority = 2;
    s.checkedCoverage = makeCoverage(ids, s.patient.id, s.payer.id);
    // Carve-out columns arrived in version 3; older rows must read back as "not carved out".
    s.checkedCoverage.eligibility = makeEligibility(clock.nowUtc(), version >= 3);
    s.authorization = makeAuthorization(ids, s.patient.id, s.payer.id, s.provider.id, 8);
    s.authorization.used = 2;
    s.draft =
        makeDraftSession(ids, clock, s.organization.id, s.patient.id, s.provider.id, s.payer.id);
    s.draft.statusTrail = {StatusEntry{SessionStatus::Captured, s.draft.updatedAt, QString()}};
    s.signedSession = makeDraftSession(ids, clock, s.organization.id, s.patient.id, s.provider.id);
    s.signedSession.dateOfService = s.signedSession.dateOfService.addDays(-7);
    s.signedSession.note =
        QStringLiteral("Signed under schema version ") + QString::number(version) + u'.';
    s.signedSession.statusTrail = {
        StatusEntry{SessionStatus::Captured, s.signedSession.updatedAt, QString()},
        StatusEntry{SessionStatus::OnDevice, s.signedSession.updatedAt.addSecs(5), QString()}};
    s.signedSession.signature = Signature{s.user.id, s.signedSession.updatedAt.addSecs(60),
                                          sessionContentHash(s.signedSession)};
    s.signedSession.addenda = {makeAddendum(ids, s.user.id, s.signedSession.updatedAt.addSecs(120),
                                            QStringLiteral("Unsigned legacy addendum."))};
    return s;
}

void insertPractice(Database &db, const Seed &s)
{
    const Organization &o = s.organization;
    exec(db,
         "INSERT INTO organizations (id, name, group_npi, tax_id, address_line, city, state, "
         "postal_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
         [&](Statement &st) {
             st.bind(1, o.id)
                 .bind(2, o.name)
                 .bind(3, o.groupNpi)
                 .bind(4, o.taxId)
                 .bind(5, o.addressLine)
                 .bind(6, o.city)
                 .bind(7, o.state)
                 .bind(8, o.postalCode);
         });
    const Provider &p = s.provider;
    exec(db,
         "INSERT INTO providers (id, organization_id, first_name, last_name, credential, npi, "
         "taxonomy, license_number, license_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
         [&](Statement &st) {
             st.bind(1, p.id)
                 .bind(2, p.organizationId)
                 .bind(3, p.firstName)
                 .bind(4, p.lastName)
                 .bind(5, toName(p.credential))
                 .bind(6, p.npi)
                 .bind(7, p.taxonomyCode)
                 .bind(8, p.licenseNumber)
                 .bind(9, p.licenseState);
         });
    const User &u = s.user;
    exec(db,
         "INSERT INTO users (id, organization_id, login, display_name, role, provider_id, "
         "active) VALUES (?, ?, ?, ?, ?, ?, ?)",
         [&](Statement &st) {
             st.bind(1, u.id)
                 .bind(2, u.organizationId)
                 .bind(3, u.login)
                 .bind(4, u.displayName)
                 .bind(5, toName(u.role))
                 .bind(6, u.providerId)
                 .bind(7, u.active);
         });
    const Payer &y = s.payer;
    exec(db,
         "INSERT INTO payers (id, name, kind, payer_code, state, profile) "
         "VALUES (?, ?, ?, ?, ?, ?)",
         [&](Statement &st) {
             st.bind(1, y.id)
                 .bind(2, y.name)
                 .bind(3, toName(y.kind))
                 .bind(4, y.payerId)
                 .bind(5, y.state)
                 .bind(6, y.profile);
         });
    const CredentialingRecord &c = s.credentialing;
    exec(db,
         "INSERT INTO credentialing (id, provider_id, payer_id, status, effective_date, "
         "end_date, caqh_attested_on, license_expires_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
         [&](Statement &st) {
             st.bind(1, c.id)
                 .bind(2, c.providerId)
                 .bind(3, c.payerId)
                 .bind(4, toName(c.status))
                 .bind(5, c.effectiveDate)
                 .bind(6, c.endDate)
                 .bind(7, c.caqhAttestedOn)
                 .bind(8, c.licenseExpiresOn);
         });
}

void insertPatient(Database &db, const Seed &s, int version)
{
    const Patient &p = s.patient;
    exec(db,
         "INSERT INTO patients (id, organization_id, first_name, last_name, birth_date, sex, "
         "address_line, city, state, postal_code, phone, primary_provider_id) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
         [&](Statement &st) {
             st.bind(1, p.id)
                 .bind(2, p.organizationId)
                 .bind(3, p.firstName)
                 .bind(4, p.lastName)
                 .bind(5, p.birthDate)
                 .bind(6, toName(p.sex))
                 .bind(7, p.addressLine)
                 .bind(8, p.city)
                 .bind(9, p.state)
                 .bind(10, p.postalCode)
                 .bind(11, p.phone)
                 .bind(12, p.primaryProviderId);
         });
    for (const Coverage *c : {&s.plainCoverage, &s.checkedCoverage}) {
        exec(db,
             "INSERT INTO coverages (id, patient_id, payer_id, member_id, group_number, "
             "priority, effective, termination, elig_checked_at, elig_active, "
             "elig_plan_begin, elig_plan_end, elig_source) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             [&](Statement &st) {
                 st.bind(1, c->id)
                     .bind(2, c->patientId)
                     .bind(3, c->payerId)
                     .bind(4, c->memberId)
                     .bind(5, c->groupNumber)
                     .bind(6, c->priority)
                     .bind(7, c->effective)
                     .bind(8, c->termination);
                 if (c->eligibility) {
                     st.bind(9, c->eligibility->checkedAt)
                         .bind(10, c->eligibility->active)
                         .bind(11, c->eligibility->planBegin)
                         .bind(12, c->eligibility->planEnd)
                         .bind(13, c->eligibility->source);
                 }
             });
        if (version >= 3 && c->eligibility && c->eligibility->behavioralHealthCarvedOut) {
            const EligibilitySnapshot &e = *c->eligibility;
            exec(db,
                 "UPDATE coverages SET elig_bh_carved_out = 1, elig_carve_out_payer_name = ?, "
                 "elig_carve_out_payer_id = ?, elig_carve_out_phone = ? WHERE id = ?",
                 [&](Statement &st) {
                     st.bind(1, e.carveOutPayerName)
                         .bind(2, e.carveOutPayerId)
                         .bind(3, e.carveOutPhone)
                         .bind(4, c->id);
                 });
        }
    }
    const Authorization &a = s.authorization;
    exec(db,
         "INSERT INTO authorizations (id, patient_id, payer_id, provider_id, number, "
         "service_codes, unit, authorized, used, start_date, end_date) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
         [&](Statement &st) {
             st.bind(1, a.id)
                 .bind(2, a.patientId)
                 .bind(3, a.payerId)
                 .bind(4, a.providerId)
                 .bind(5, a.number)
                 .bind(6, a.serviceCodes.join(u','))
                 .bind(7, toName(a.unit))
                 .bind(8, a.authorized)
                 .bind(9, a.used)
                 .bind(10, a.startDate)
                 .bind(11, a.endDate);
         });
}

/// Writes a session row and its children, then (for a signed one) the signature, in the
/// order the triggers of version 2 allow.
void insertSession(Database &db, const Session &s, int version)
{
    exec(db,
         "INSERT INTO sessions (id, organization_id, patient_id, provider_id, payer_id, "
         "date_of_service, service, modality, patient_location, interactive_complexity, "
         "note_template, note, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
         [&](Statement &st) {
             st.bind(1, s.id)
                 .bind(2, s.organizationId)
                 .bind(3, s.patientId)
                 .bind(4, s.providerId)
                 .bind(5, s.payerId)
                 .bind(6, s.dateOfService)
                 .bind(7, toName(s.service))
                 .bind(8, toName(s.modality))
                 .bind(9, toName(s.patientLocation))
                 .bind(10, s.interactiveComplexity)
                 .bind(11, s.noteTemplate)
                 .bind(12, s.note)
                 .bind(13, s.updatedAt);
         });
    if (version >= 7 && !s.timing.isEmpty()) {
        // The code of version 7 and later keeps the first tap as it writes the taps.
        exec(db, "UPDATE sessions SET first_tap_ms = ? WHERE id = ?", [&](Statement &st) {
            st.bind(1, std::int64_t{s.timing.first().wallClockUtc.toMSecsSinceEpoch()})
                .bind(2, s.id);
        });
    }
    for (qsizetype i = 0; i < s.timing.size(); ++i) {
        const TimingEvent &e = s.timing[i];
        exec(db,
             "INSERT INTO session_timing (session_id, seq, kind, wall_ms, monotonic_ms, "
             "boot_id, server_offset_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
             [&](Statement &st) {
                 st.bind(1, s.id)
                     .bind(2, std::int64_t{i})
                     .bind(3, toName(e.kind))
                     .bind(4, e.wallClockUtc)
                     .bind(5, e.monotonicMs)
                     .bind(6, e.bootId)
                     .bind(7, e.serverOffsetMs);
             });
    }
    // From version 7 the code writing the taps also keeps the first one on the session.
    if (version >= 7 && !s.timing.isEmpty()) {
        exec(db, "UPDATE sessions SET first_tap_ms = ? WHERE id = ?", [&](Statement &st) {
            st.bind(1, std::int64_t{s.timing.first().wallClockUtc.toMSecsSinceEpoch()})
                .bind(2, s.id);
        });
    }
    for (qsizetype i = 0; i < s.participants.size(); ++i) {
        const Participant &p = s.participants[i];
        exec(db,
             "INSERT INTO session_participants (session_id, seq, role, patient_id, "
             "display_name, present) VALUES (?, ?, ?, ?, ?, ?)",
             [&](Statement &st) {
                 st.bind(1, s.id)
                     .bind(2, std::int64_t{i})
                     .bind(3, toName(p.role))
                     .bind(4, p.patientId)
                     .bind(5, p.displayName)
                     .bind(6, p.present);
             });
    }
    for (qsizetype i = 0; i < s.diagnoses.size(); ++i) {
        exec(db, "INSERT INTO session_diagnoses (session_id, seq, code) VALUES (?, ?, ?)",
             [&](Statement &st) {
                 st.bind(1, s.id).bind(2, std::int64_t{i}).bind(3, s.diagnoses[i].code);
             });
    }
    for (qsizetype i = 0; i < s.statusTrail.size(); ++i) {
        const StatusEntry &e = s.statusTrail[i];
        exec(db,
             "INSERT INTO session_status (session_id, seq, status, at, detail) "
             "VALUES (?, ?, ?, ?, ?)",
             [&](Statement &st) {
                 st.bind(1, s.id)
                     .bind(2, std::int64_t{i})
                     .bind(3, toName(e.status))
                     .bind(4, e.at)
                     .bind(5, e.detail);
             });
    }
    if (s.signature) {
        exec(db, "UPDATE sessions SET signed_by = ?, signed_at = ?, signed_hash = ? WHERE id = ?",
             [&](Statement &st) {
                 st.bind(1, s.signature->signedBy)
                     .bind(2, s.signature->signedAt)
                     .bind(3, s.signature->contentHash)
                     .bind(4, s.id);
             });
    }
    for (const Addendum &a : s.addenda) {
        exec(db,
             "INSERT INTO session_addenda (id, session_id, author_id, created_at, text) "
             "VALUES (?, ?, ?, ?, ?)",
             [&](Statement &st) {
                 st.bind(1, a.id)
                     .bind(2, s.id)
                     .bind(3, a.authorId)
                     .bind(4, a.createdAt)
                     .bind(5, a.text);
             });
    }
}

/// A valid audit chain as version 1 wrote it (no chain head table yet), hashed exactly as
/// AuditLog does.
QList<AuditEntry> insertAuditChainV1(Database &db, const Seed &s, const Clock &clock)
{
    const Actor actor{s.user.id, DeviceId(QUuid::createUuid())};
    const std::initializer_list<std::tuple<AuditAction, const char *, QUuid>> rows{
        {AuditAction::Update, "organization", s.organization.id.uuid()},
        {AuditAction::Update, "patient", s.patient.id.uuid()},
        {AuditAction::Create, "session", s.draft.id.uuid()},
        {AuditAction::Sign, "session", s.signedSession.id.uuid()},
        {AuditAction::Read, "session", s.signedSession.id.uuid()},
    };
    QList<AuditEntry> chain;
    QByteArray prev(32, '\0');
    std::int64_t seq = 0;
    for (const auto &[action, type, record] : rows) {
        AuditEntry e;
        e.seq = ++seq;
        e.at = QDateTime::fromMSecsSinceEpoch(clock.nowMsSinceEpoch() + seq, Qt::UTC);
        e.user = actor.user;
        e.device = actor.device;
        e.action = action;
        e.recordType = QString::fromLatin1(type);
        e.recordId = record;
        e.outcome = QStringLiteral("ok");
        e.prevHash = prev;
        e.hash = AuditLog::chainHash(e);
        prev = e.hash;
        exec(db,
             "INSERT INTO audit_log (seq, at, user_id, device_id, action, record_type, "
             "record_id, outcome, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             [&](Statement &st) {
                 st.bind(1, e.seq)
                     .bind(2, e.at)
                     .bind(3, e.user)
                     .bind(4, e.device)
                     .bind(5, toName(e.action))
                     .bind(6, e.recordType)
                     .bind(7, e.recordId.toRfc4122())
                     .bind(8, e.outcome)
                     .bind(9, e.prevHash)
                     .bind(10, e.hash);
             });
        chain.append(e);
    }
    return chain;
}

/// Versions 2 to 7: the same plain SHA-256 rows, with the chain head kept beside them.
QList<AuditEntry> insertAuditChainV2(Database &db, const Seed &s, const Clock &clock)
{
    QList<AuditEntry> chain = insertAuditChainV1(db, s, clock);
    exec(db, "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)",
         [&](Statement &st) { st.bind(1, chain.last().seq).bind(2, chain.last().hash); });
    return chain;
}

/// From version 8 on, the audit log is written by AuditLog itself, keyed (it keeps the head).
QList<AuditEntry> appendAuditChain(Database &db, const Seed &s, const Clock &clock)
{
    AuditLog log(db, clock, AuditLog::keyFor(testKey()));
    const Actor actor{s.user.id, DeviceId(QUuid::createUuid())};
    REQUIRE(log.append(actor, AuditAction::Update, u"organization", s.organization.id.uuid()));
    REQUIRE(log.append(actor, AuditAction::Update, u"patient", s.patient.id.uuid()));
    REQUIRE(log.append(actor, AuditAction::Sign, u"session", s.signedSession.id.uuid()));
    QList<AuditEntry> chain;
    for (const QUuid &id :
         {s.organization.id.uuid(), s.patient.id.uuid(), s.signedSession.id.uuid()}) {
        auto entries = log.entriesFor(id);
        REQUIRE(entries.hasValue());
        chain += *entries;
    }
    std::sort(chain.begin(), chain.end(),
              [](const AuditEntry &a, const AuditEntry &b) { return a.seq < b.seq; });
    return chain;
}

/// How each version wrote its audit log: plain rows before the chain head existed (version
/// 1), plain rows and the head (2 to 7), AuditLog itself, keyed, from version 8 on. Later steps
/// that leave the audit tables alone need no entry; one that changes them adds its version.
const std::map<int, std::function<QList<AuditEntry>(Database &, const Seed &, const Clock &)>>
    auditWriters{{1, insertAuditChainV1}, {2, insertAuditChainV2}, {8, appendAuditChain}};

const auto &auditWriterFor(int version)
{
    auto it = auditWriters.upper_bound(version);
    REQUIRE(it != auditWriters.begin());
    return std::prev(it)->second;
}

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    return file.readAll();
}

} // namespace

TEST_CASE("Core's steps are numbered 1..N and keep the released steps verbatim")
{
    const auto steps = coreSchema().steps;
    const auto legacy = legacyMonolithicSchema();
    REQUIRE_FALSE(steps.empty());
    REQUIRE(static_cast<int>(legacy.size()) == Database::lastMonolithicVersion);
    for (std::size_t i = 0; i < steps.size(); ++i) {
        CAPTURE(i);
        CHECK(steps[i].version == static_cast<int>(i) + 1);
        // A step that ran in the shared sequence is that step, unchanged.
        if (steps[i].monolithicVersion != 0) {
            REQUIRE(steps[i].monolithicVersion <= Database::lastMonolithicVersion);
            CHECK(std::string_view(steps[i].sql)
                  == std::string_view(legacy[steps[i].monolithicVersion - 1].sql));
        }
    }
}

TEST_CASE("Every earlier schema version migrates to the current one with its data intact")
{
    for (int version = 1; version <= Database::lastMonolithicVersion; ++version) {
        DYNAMIC_SECTION("from version " << version)
        {
            TempDir dir;
            REQUIRE(dir.isValid());
            ManualClock clock;
            Uuid7Generator ids(clock);
            const Seed seed = makeSeed(ids, clock, version);
            QList<AuditEntry> chain;
            {
                Database::Options options;
                options.targetVersion = version;
                auto db =
                    Database::open(storePath(dir), testKey(), legacyMonolithicSchema(), options);
                REQUIRE(db.hasValue());
                REQUIRE((*db)->schemaVersion() == version);
                insertPractice(**db, seed);
                insertPatient(**db, seed, version);
                insertSession(**db, seed.draft, version);
                insertSession(**db, seed.signedSession, version);
                if (version >= 5) {
                    // The office's ledger: one change of the signed session, as sync wrote it.
                    exec(**db,
                         "INSERT INTO office_sync_ledger (change_id, organization_id, device_id, "
                         "record_type, record_id, content_hash, outcome, server_seq, received_at) "
                         "VALUES (X'0102', ?, X'03', 'session', ?, X'04', 'accepted', 7, 1)",
                         [&](Statement &st) {
                             st.bind(1, seed.organization.id).bind(2, seed.signedSession.id);
                         });
                }
                chain = auditWriterFor(version)(**db, seed, clock);
            }

            clock.advanceMs(86'400'000);
            auto opened = tryOpenStore(storePath(dir), clock);
            REQUIRE(opened.hasValue());
            Store &store = **opened;
            CHECK(store.database().schemaVersion() == Database::modularLayoutVersion);
            CHECK(store.database().moduleVersion("core") == coreSchema().steps.back().version);
            CHECK(store.database().checkIntegrity().hasValue());

            // The office's ledger belongs to the office's module: a store opened with core's
            // tables alone keeps it, rows and all, as the older code left it.
            if (version >= 5) {
                auto ledger = store.database().prepare(
                    "SELECT server_seq FROM office_sync_ledger WHERE organization_id = ? AND "
                    "change_id = X'0102' AND record_id = ?");
                REQUIRE(ledger.hasValue());
                ledger->bind(1, seed.organization.id).bind(2, seed.signedSession.id);
                REQUIRE(*ledger->step());
                CHECK(ledger->int64(0) == 7);
            }

            // The chain head (version 2) is the last row the older code wrote, and the key
            // (version 8) starts with the next row: the old rows keep their plain hashes. A
            // store made at version 8 or later was keyed from its first row.
            {
                auto head = store.database().prepare(
                    "SELECT seq, hash, keyed_from FROM audit_head WHERE id = 1");
                REQUIRE(head.hasValue());
                REQUIRE(*head->step());
                CHECK(head->int64(0) == chain.last().seq);
                CHECK(head->blob(1) == chain.last().hash);
                CHECK(head->int64(2) == (version < 8 ? chain.last().seq + 1 : 1));
            }

            const Actor reader = makeActor(store.ids());
            PracticeRepository &practice = store.practice();
            CHECK(*practice.organization(seed.organization.id) == seed.organization);
            CHECK(*practice.provider(seed.provider.id) == seed.provider);
            CHECK(*practice.user(seed.user.id) == seed.user);
            CHECK(*practice.payer(seed.payer.id) == seed.payer);
            CHECK(*practice.credentialingFor(seed.provider.id)
                  == QList<CredentialingRecord>{seed.credentialing});
            CHECK(*store.patients().patient(reader, seed.patient.id) == seed.patient);
            CHECK(*store.patients().authorizations(reader, seed.patient.id)
                  == QList<Authorization>{seed.authorization});

            const auto coverages = store.patients().coverages(reader, seed.patient.id);
            REQUIRE(coverages.hasValue());
            CHECK(*coverages == QList<Coverage>{seed.checkedCoverage, seed.plainCoverage});
            REQUIRE(coverages->at(0).eligibility);
            const EligibilitySnapshot &e = *coverages->at(0).eligibility;
            if (version < 3) {
                CHECK_FALSE(e.behavioralHealthCarvedOut); // the v3 column defaults
                CHECK(e.carveOutPayerName.isEmpty());
                CHECK(e.carveOutPayerId.isEmpty());
                CHECK(e.carveOutPhone.isEmpty());
            } else {
                CHECK(e.behavioralHealthCarvedOut);
            }
            CHECK_FALSE(coverages->at(1).eligibility);

            CHECK(*store.sessions().session(reader, seed.draft.id) == seed.draft);
            const auto signedSession = store.sessions().session(reader, seed.signedSession.id);
            REQUIRE(signedSession.hasValue());
            CHECK(*signedSession == seed.signedSession);
            CHECK(sessionContentHash(*signedSession) == signedSession->signature->contentHash);

            // The triggers of version 2 guard a session signed before they existed.
            auto tamper = store.database().prepare("UPDATE sessions SET note = ? WHERE id = ?");
            REQUIRE(tamper.hasValue());
            tamper->bind(1, QStringLiteral("rewritten")).bind(2, seed.signedSession.id);
            CHECK(errorKind(tamper->run()) == Kind::Immutable);

            // The chain continues from the old rows: each audited read above added one.
            const std::int64_t reads = 5;
            const AuditVerification verified = store.audit().verify();
            CHECK(verified.intact);
            CHECK(verified.problem.isEmpty());
            CHECK(verified.rowsChecked == chain.size() + reads);
            const auto first = store.audit().entriesFor(seed.organization.id.uuid());
            REQUIRE(first.hasValue());
            REQUIRE_FALSE(first->isEmpty());
            CHECK(first->first().hash == chain.first().hash);

            // Version 7 keeps each session's first tap for paging; the migration fills it in.
            for (const Session *s : {&seed.draft, &seed.signedSession}) {
                auto firstTap =
                    store.database().prepare("SELECT first_tap_ms FROM sessions WHERE id = ?");
                REQUIRE(firstTap.hasValue());
                firstTap->bind(1, s->id);
                REQUIRE(*firstTap->step());
                CHECK(firstTap->int64(0)
                      == (s->timing.isEmpty()
                              ? -1
                              : s->timing.first().wallClockUtc.toMSecsSinceEpoch()));
            }
            auto moveKey = store.database().prepare(
                "UPDATE sessions SET first_tap_ms = first_tap_ms + 1 WHERE id = ?");
            REQUIRE(moveKey.hasValue());
            moveKey->bind(1, seed.signedSession.id);
            CHECK(errorKind(moveKey->run()) == Kind::Immutable);
        }
    }
}

TEST_CASE("Opening at an intermediate version stops there")
{
    for (int version = 1; version < Database::lastMonolithicVersion; ++version) {
        CAPTURE(version);
        TempDir dir;
        ManualClock clock;
        Database::Options options;
        options.targetVersion = version;
        {
            auto db = Database::open(storePath(dir), testKey(), legacyMonolithicSchema(), options);
            REQUIRE(db.hasValue());
            CHECK((*db)->schemaVersion() == version);
            const QStringList objects = schemaObjects(**db);
            CHECK(objects.contains(QStringLiteral("table:audit_head")) == (version >= 2));
        }
        // A Store needs the current schema and says so rather than working on an old one.
        auto store = Store::open(storePath(dir), testKey(), clock, options);
        CHECK(errorKind(store) == Kind::InvalidArgument);
    }
}

TEST_CASE("Reopening a current store runs no migration and changes no schema object")
{
    TestStore t;
    REQUIRE(t.store);
    const QStringList before = schemaObjects(t.store->database());
    Store *again = t.reopen();
    REQUIRE(again);
    CHECK(again->database().schemaVersion() == Database::modularLayoutVersion);
    CHECK(again->database().moduleVersion("core") == coreSchema().steps.back().version);
    CHECK(schemaObjects(again->database()) == before);
}

TEST_CASE("A database newer than this code is refused as TooNew and left byte-identical")
{
    // A later layout, or a later step of core's module, that this code does not know.
    const std::string newerLayout =
        "PRAGMA user_version = " + std::to_string(Database::modularLayoutVersion + 1);
    const std::string newerCore = "UPDATE schema_modules SET version = "
                                  + std::to_string(coreSchema().steps.back().version + 1)
                                  + " WHERE name = 'core'";
    for (const std::string &bump : {newerLayout, newerCore}) {
        CAPTURE(bump);
        TempDir dir;
        REQUIRE(dir.isValid());
        ManualClock clock;
        const QString path = storePath(dir);
        {
            auto store = tryOpenStore(path, clock);
            REQUIRE(store.hasValue());
            auto f = Fixtures::create(**store);
            REQUIRE(f.hasValue());
            REQUIRE((*store)->database().execLiteral(bump.c_str()));
            REQUIRE((*store)->database().checkpoint());
        }
        REQUIRE_FALSE(QFile::exists(path + QStringLiteral("-wal")));
        const QByteArray before = fileBytes(path);
        REQUIRE(before.size() > 0);

        auto store = tryOpenStore(path, clock);
        REQUIRE(errorKind(store) == Kind::TooNew);
        // The releases before schema modules refuse a modular store as newer, too.
        auto db = Database::open(path, testKey(), legacyMonolithicSchema());
        CHECK(errorKind(db) == Kind::TooNew);

        CHECK(fileBytes(path) == before);
        CHECK_FALSE(QFile::exists(path + QStringLiteral("-wal")));
    }
}
