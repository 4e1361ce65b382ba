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

    /**
     * Reference rows for records that arrive before the practice's own data (a device pulls
     * a patient whose provider, or a coverage whose payer, it has not heard of yet): each
     * writes a placeholder when no row has that id and leaves an existing row as it is, so
     * the foreign keys hold until the practice's data fills them. Audited when they write
     * (Create); true when they did.
     */
    StoreResult<bool> ensureOrganization(const Actor &actor, const OrganizationId &id);
    StoreResult<bool> ensureProvider(const Actor &actor, const ProviderId &id,
                                     const OrganizationId &organization);
    /// As above, for a payer known by its id, name and kind: a new payer gets all three; an
    /// existing one takes a non-empty `name` (Update) and keeps everything else.
    StoreResult<bool> ensurePayer(const Actor &actor, const PayerId &id, const QString &name,
                                  PayerKind kind);

    StoreResult<void> save(const Actor &actor, const CredentialingRecord &record);
    StoreResult<QList<CredentialingRecord>> credentialingFor(const ProviderId &providerId);

private:
    Database &m_db;
    AuditLog &m_audit;
};

} // namespace sb
