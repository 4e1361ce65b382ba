// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "audit/auditlog.h"
#include "domain/organization.h"
#include "domain/patient.h"
#include "domain/session.h"
#include "store/databasekey.h"
#include "store/store.h"
#include "tempdir.h"
#include "util/clock.h"
#include "util/uuid7.h"

#include <QStringList>

#include <memory>
#include <optional>
#include <span>

namespace sb::test {

/// The fixed key every test store uses, so a test can close a store and open it again.
[[nodiscard]] DatabaseKey testKey();

/// Where openStore() puts the database inside `dir`.
[[nodiscard]] QString storePath(const TempDir &dir);

/// Opens (creating or migrating) the store at `path` with testKey(), core's tables and
/// `modules` (a target's own tables, such as sync's); the error as it came.
StoreResult<std::unique_ptr<Store>> tryOpenStore(const QString &path, const Clock &clock,
                                                 std::span<const SchemaModule> modules = {});

/**
 * A store at storePath(dir) on `clock`, at the current schema. Null (with a warning naming
 * the error kind) when it cannot be opened: tests REQUIRE the pointer. Opening the same
 * directory again reopens the same file.
 */
[[nodiscard]] std::unique_ptr<Store> openStore(TempDir &dir, ManualClock &clock,
                                               std::span<const SchemaModule> modules = {});

/// Names of every table, index and trigger in sqlite_master, sorted ("type:name").
[[nodiscard]] QStringList schemaObjects(Database &db);

/// Rows in a table, by literal name (tests only; `table` is never data).
[[nodiscard]] std::int64_t rowCount(Database &db, const char *table);

/// The error kind of a failed result; nullopt when it succeeded.
template<typename T>
[[nodiscard]] std::optional<StoreError::Kind> errorKind(const StoreResult<T> &result)
{
    return result ? std::nullopt : std::optional<StoreError::Kind>(result.error().kind);
}

/**
 * A fresh store in its own temporary directory on a ManualClock: the usual start of a store
 * test. `store` is null when opening failed (REQUIRE it); reopen() closes and opens the same
 * file again.
 */
struct TestStore {
    TempDir dir;
    ManualClock clock;
    std::span<const SchemaModule> modules; ///< Beyond core's; static data (sync's tables).
    std::unique_ptr<Store> store;

    explicit TestStore(std::span<const SchemaModule> extraModules = {})
        : modules(extraModules)
        , store(openStore(dir, clock, modules))
    {
    }
    /// Closes the store and opens the same file again (null on failure).
    Store *reopen()
    {
        store.reset();
        store = openStore(dir, clock, modules);
        return store.get();
    }
};

// Fictional records of every domain type. Each call makes a new id; every field is filled
// (dates and instants at millisecond precision, as the store keeps them) so that a round
// trip through the store can be compared with == against the original.

[[nodiscard]] Actor makeActor(Uuid7Generator &ids);
[[nodiscard]] Organization makeOrganization(Uuid7Generator &ids);
[[nodiscard]] Provider makeProvider(Uuid7Generator &ids, const OrganizationId &organization);
[[nodiscard]] User makeUser(Uuid7Generator &ids, const OrganizationId &organization,
                            const QString &login, std::optional<ProviderId> provider = {});
[[nodiscard]] Payer makePayer(Uuid7Generator &ids);
[[nodiscard]] CredentialingRecord makeCredentialing(Uuid7Generator &ids, const ProviderId &provider,
                                                    const PayerId &payer);
[[nodiscard]] Patient makePatient(Uuid7Generator &ids, const OrganizationId &organization,
                                  std::optional<ProviderId> primaryProvider = {});
/// An eligibility answer checked at `checkedAt`; with `carvedOut`, mental-health benefits
/// go to a named behavioral-health organization.
[[nodiscard]] EligibilitySnapshot makeEligibility(const QDateTime &checkedAt,
                                                  bool carvedOut = false);
/// A primary coverage without an eligibility snapshot.
[[nodiscard]] Coverage makeCoverage(Uuid7Generator &ids, const PatientId &patient,
                                    const PayerId &payer);
[[nodiscard]] Authorization makeAuthorization(Uuid7Generator &ids, const PatientId &patient,
                                              const PayerId &payer,
                                              std::optional<ProviderId> provider = {},
                                              int authorized = 12);
/**
 * Timer taps for a session that starts at the clock's current time: start, pause after
 * 20 min, resume 5 min later, stop 30 min after that (50 min of face-to-face time), all on
 * one boot.
 */
[[nodiscard]] QList<TimingEvent> makeTiming(const Clock &clock, std::int64_t bootId = 1);
/// An unsigned individual-psychotherapy session with timing, a participant, two diagnoses
/// and a note, dated today by `clock`.
[[nodiscard]] Session makeDraftSession(Uuid7Generator &ids, const Clock &clock,
                                       const OrganizationId &organization, const PatientId &patient,
                                       const ProviderId &provider,
                                       std::optional<PayerId> payer = {});
/// An unsigned addendum by `author` created at `at`.
[[nodiscard]] Addendum makeAddendum(Uuid7Generator &ids, const UserId &author, const QDateTime &at,
                                    const QString &text);

/**
 * A small practice saved through the repositories: an organization, a provider, the
 * clinician user linked to it (the actor of every call), a payer, a patient and a draft
 * session. Tests that need more build on these.
 */
struct Fixtures {
    Actor actor;
    Organization organization;
    Provider provider;
    User clinician;
    Payer payer;
    Patient patient;
    Session draft; ///< As saved (statusTrail holds the initial "captured" entry).

    static StoreResult<Fixtures> create(Store &store);
};

} // namespace sb::test
