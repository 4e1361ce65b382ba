// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "audit/auditlog.h"
#include "domain/organization.h"
#include "domain/patient.h"
#include "store/storeerror.h"

#include <QList>

namespace sb {

class Database;

/**
 * The practice's reference data: organizations, users, providers, payers and provider
 * credentialing. Not PHI, so reads are not audited; every write is.
 */
class PracticeRepository {
public:
    PracticeRepository(Database &db, AuditLog &audit)
        : m_db(db)
        , m_audit(audit)
    {
    }

    StoreResult<void> save(const Actor &actor, const Organization &organization);
    StoreResult<Organization> organization(const OrganizationId &id);
    StoreResult<QList<Organization>> organizations();

    StoreResult<void> save(const Actor &actor, const User &user);
    StoreResult<User> user(const UserId &id);
    StoreResult<User> userByLogin(const QString &login);

    StoreResult<void> save(const Actor &actor, const Provider &provider);
    StoreResult<Provider> provider(const ProviderId &id);
    StoreResult<QList<Provider>> providers(const OrganizationId &organizationId);

    StoreResult<void> save(const Actor &actor, const Payer &payer);
    StoreResult<Payer> payer(const PayerId &id);
    StoreResult<QList<Payer>> payers();

    StoreResult<void> save(const Actor &actor, const CredentialingRecord &record);
    StoreResult<QList<CredentialingRecord>> credentialingFor(const ProviderId &providerId);

private:
    Database &m_db;
    AuditLog &m_audit;
};

} // namespace sb
