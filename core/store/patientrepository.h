// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "audit/auditlog.h"
#include "domain/patient.h"
#include "store/storeerror.h"

#include <QList>

#include <optional>

namespace sb {

class Database;

/// Where a page of patients ends, in the order of last name, first name, id.
struct PatientPageKey {
    QString lastName;
    QString firstName;
    PatientId id;
};

/// One page of patients, and where the next one starts (empty when this was the last).
struct PatientPage {
    QList<Patient> patients;
    std::optional<PatientPageKey> next;
};

/**
 * Patients and what pays for their care: coverages with eligibility snapshots, and prior
 * authorizations. All of it is PHI: every read and every write appends an audit row in the
 * same transaction.
 */
class PatientRepository {
public:
    PatientRepository(Database &db, AuditLog &audit)
        : m_db(db)
        , m_audit(audit)
    {
    }

    StoreResult<void> save(const Actor &actor, const Patient &patient);
    StoreResult<Patient> patient(const Actor &actor, const PatientId &id);
    /// The organization's patients ordered by last and first name.
    StoreResult<QList<Patient>> patients(const Actor &actor, const OrganizationId &organizationId);

    /**
     * At most `limit` patients of the organization whose primary provider is `provider` (a
     * clinician's caseload), by last and first name then id, starting after `after` (from the
     * first when empty). Audited as one List row per page.
     */
    StoreResult<PatientPage> caseloadPage(const Actor &actor, const OrganizationId &organizationId,
                                          const ProviderId &provider,
                                          const std::optional<PatientPageKey> &after, int limit);

    StoreResult<void> save(const Actor &actor, const Coverage &coverage);
    StoreResult<QList<Coverage>> coverages(const Actor &actor, const PatientId &patientId);

    StoreResult<void> save(const Actor &actor, const Authorization &authorization);
    StoreResult<QList<Authorization>> authorizations(const Actor &actor,
                                                     const PatientId &patientId);
    /// Counts one more visit (or `units`) against an authorization; refuses to go past the
    /// authorized amount.
    StoreResult<Authorization> consume(const Actor &actor, const AuthorizationId &id, int units);

private:
    Database &m_db;
    AuditLog &m_audit;
};

} // namespace sb
