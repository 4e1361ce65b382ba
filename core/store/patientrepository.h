// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "audit/auditlog.h"
#include "domain/patient.h"
#include "store/storeerror.h"

#include <QList>

namespace sb {

class Database;

/**
 * Patients and what pays for their care: coverages with eligibility snapshots, and prior
 * authorizations. All of it is PHI: every read and every write appends an audit row in the
 * same transaction.
 */
class PatientRepository {
public:
    PatientRepository(Database &db, AuditLog &audit) : m_db(db), m_audit(audit) {}

    StoreResult<void> save(const Actor &actor, const Patient &patient);
    StoreResult<Patient> patient(const Actor &actor, const PatientId &id);
    /// The organization's patients ordered by last and first name.
    StoreResult<QList<Patient>> patients(const Actor &actor, const OrganizationId &organizationId);

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
