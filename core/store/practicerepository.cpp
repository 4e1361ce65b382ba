// SPDX-License-Identifier: Apache-2.0
#include "store/practicerepository.h"

#include "domain/enums.h"
#include "store/database.h"
#include "store/rows.h"

namespace sb {

namespace {

using rows::all;
using rows::one;

Organization readOrganization(const Statement &s)
{
    return Organization{s.id<OrganizationId>(0),
                        s.text(1),
                        s.text(2),
                        s.text(3),
                        s.text(4),
                        s.text(5),
                        s.text(6),
                        s.text(7)};
}

User readUser(const Statement &s)
{
    return User{s.id<UserId>(0),
                s.id<OrganizationId>(1),
                s.text(2),
                s.text(3),
                fromName<Role>(s.text(4)).value_or(Role::Clinician),
                s.optionalId<ProviderId>(5),
                s.boolean(6)};
}

Provider readProvider(const Statement &s)
{
    return Provider{
        s.id<ProviderId>(0),
        s.id<OrganizationId>(1),
        s.text(2),
        s.text(3),
        fromName<ProviderCredential>(s.text(4)).value_or(ProviderCredential::Psychologist),
        s.text(5),
        s.text(6),
        s.text(7),
        s.text(8)};
}

Payer readPayer(const Statement &s)
{
    return Payer{
        s.id<PayerId>(0), s.text(1), fromName<PayerKind>(s.text(2)).value_or(PayerKind::Commercial),
        s.text(3),        s.text(4), s.text(5)};
}

CredentialingRecord readCredentialing(const Statement &s)
{
    return CredentialingRecord{
        s.id<CredentialingId>(0),
        s.id<ProviderId>(1),
        s.id<PayerId>(2),
        fromName<CredentialingStatus>(s.text(3)).value_or(CredentialingStatus::Pending),
        s.date(4),
        s.date(5),
        s.date(6),
        s.date(7)};
}

constexpr const char *organizationColumns =
    "SELECT id, name, group_npi, tax_id, address_line, city, state, postal_code "
    "FROM organizations ";
constexpr const char *userColumns =
    "SELECT id, organization_id, login, display_name, role, provider_id, active FROM users ";
constexpr const char *providerColumns =
    "SELECT id, organization_id, first_name, last_name, credential, npi, taxonomy, "
    "license_number, license_state FROM providers ";
constexpr const char *payerColumns =
    "SELECT id, name, kind, payer_code, state, profile FROM payers ";

std::string sql(const char *columns, const char *rest)
{
    return std::string(columns) + rest;
}

} // namespace

StoreResult<void> PracticeRepository::save(const Actor &actor, const Organization &o)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(
        stmt,
        m_db.prepare(
            "INSERT INTO organizations (id, name, group_npi, tax_id, address_line, city, state, "
            "postal_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "name = excluded.name, group_npi = excluded.group_npi, tax_id = excluded.tax_id, "
            "address_line = excluded.address_line, city = excluded.city, state = excluded.state, "
            "postal_code = excluded.postal_code"));
    stmt.bind(1, o.id)
        .bind(2, o.name)
        .bind(3, o.groupNpi)
        .bind(4, o.taxId)
        .bind(5, o.addressLine)
        .bind(6, o.city)
        .bind(7, o.state)
        .bind(8, o.postalCode);
    SB_TRY(stmt.run());
    SB_TRY(m_audit.append(actor, AuditAction::Update, u"organization", o.id.uuid()));
    return tx.commit();
}

StoreResult<bool> PracticeRepository::ensureOrganization(const Actor &actor,
                                                         const OrganizationId &id)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    // Names of organizations are not PHI; the placeholder's is empty until the practice's.
    SB_TRY_ASSIGN(stmt, m_db.prepare("INSERT INTO organizations (id, name) VALUES (?, '') "
                                     "ON CONFLICT(id) DO NOTHING"));
    stmt.bind(1, id);
    SB_TRY(stmt.run());
    const bool inserted = stmt.changes() == 1;
    if (inserted) {
        SB_TRY(m_audit.append(actor, AuditAction::Create, u"organization", id.uuid()));
    }
    SB_TRY(tx.commit());
    return inserted;
}

StoreResult<bool> PracticeRepository::ensureProvider(const Actor &actor, const ProviderId &id,
                                                     const OrganizationId &organization)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(stmt, m_db.prepare("INSERT INTO providers (id, organization_id, first_name, "
                                     "last_name, credential, npi) VALUES (?, ?, '', '', ?, '') "
                                     "ON CONFLICT(id) DO NOTHING"));
    stmt.bind(1, id).bind(2, organization).bind(3, toName(ProviderCredential::Psychologist));
    SB_TRY(stmt.run());
    const bool inserted = stmt.changes() == 1;
    if (inserted) {
        SB_TRY(m_audit.append(actor, AuditAction::Create, u"provider", id.uuid()));
    }
    SB_TRY(tx.commit());
    return inserted;
}

StoreResult<bool> PracticeRepository::ensurePayer(const Actor &actor, const PayerId &id,
                                                  const QString &name, PayerKind kind)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(insert, m_db.prepare("INSERT INTO payers (id, name, kind, payer_code) "
                                       "VALUES (?, ?, ?, '') ON CONFLICT(id) DO NOTHING"));
    insert.bind(1, id).bind(2, name).bind(3, toName(kind));
    SB_TRY(insert.run());
    if (insert.changes() == 1) {
        SB_TRY(m_audit.append(actor, AuditAction::Create, u"payer", id.uuid()));
        SB_TRY(tx.commit());
        return true;
    }
    if (name.isEmpty()) {
        SB_TRY(tx.commit());
        return false;
    }
    SB_TRY_ASSIGN(rename,
                  m_db.prepare("UPDATE payers SET name = ? WHERE id = ? AND name IS NOT ?"));
    rename.bind(1, name).bind(2, id).bind(3, name);
    SB_TRY(rename.run());
    const bool renamed = rename.changes() == 1;
    if (renamed) {
        SB_TRY(m_audit.append(actor, AuditAction::Update, u"payer", id.uuid()));
    }
    SB_TRY(tx.commit());
    return renamed;
}

StoreResult<Organization> PracticeRepository::organization(const OrganizationId &id)
{
    SB_TRY_ASSIGN(stmt, m_db.prepare(sql(organizationColumns, "WHERE id = ?")));
    stmt.bind(1, id);
    return one<Organization>(stmt, "organization", readOrganization);
}

StoreResult<QList<Organization>> PracticeRepository::organizations()
{
    SB_TRY_ASSIGN(stmt, m_db.prepare(sql(organizationColumns, "ORDER BY name")));
    return all<Organization>(stmt, readOrganization);
}

StoreResult<void> PracticeRepository::save(const Actor &actor, const User &u)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(
        stmt, m_db.prepare("INSERT INTO users (id, organization_id, login, display_name, role, "
                           "provider_id, active) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                           "organization_id = excluded.organization_id, login = excluded.login, "
                           "display_name = excluded.display_name, role = excluded.role, "
                           "provider_id = excluded.provider_id, active = excluded.active"));
    stmt.bind(1, u.id)
        .bind(2, u.organizationId)
        .bind(3, u.login)
        .bind(4, u.displayName)
        .bind(5, toName(u.role))
        .bind(6, u.providerId)
        .bind(7, u.active);
    SB_TRY(stmt.run());
    SB_TRY(m_audit.append(actor, AuditAction::Update, u"user", u.id.uuid()));
    return tx.commit();
}

StoreResult<User> PracticeRepository::user(const UserId &id)
{
    SB_TRY_ASSIGN(stmt, m_db.prepare(sql(userColumns, "WHERE id = ?")));
    stmt.bind(1, id);
    return one<User>(stmt, "user", readUser);
}

StoreResult<User> PracticeRepository::userByLogin(const QString &login)
{
    SB_TRY_ASSIGN(stmt, m_db.prepare(sql(userColumns, "WHERE login = ?")));
    stmt.bind(1, login);
    return one<User>(stmt, "user", readUser);
}

StoreResult<void> PracticeRepository::save(const Actor &actor, const Provider &p)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(
        stmt,
        m_db.prepare(
            "INSERT INTO providers (id, organization_id, first_name, last_name, credential, npi, "
            "taxonomy, license_number, license_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET organization_id = excluded.organization_id, "
            "first_name = excluded.first_name, last_name = excluded.last_name, "
            "credential = excluded.credential, npi = excluded.npi, taxonomy = excluded.taxonomy, "
            "license_number = excluded.license_number, license_state = excluded.license_state"));
    stmt.bind(1, p.id)
        .bind(2, p.organizationId)
        .bind(3, p.firstName)
        .bind(4, p.lastName)
        .bind(5, toName(p.credential))
        .bind(6, p.npi)
        .bind(7, p.taxonomyCode)
        .bind(8, p.licenseNumber)
        .bind(9, p.licenseState);
    SB_TRY(stmt.run());
    SB_TRY(m_audit.append(actor, AuditAction::Update, u"provider", p.id.uuid()));
    return tx.commit();
}

StoreResult<Provider> PracticeRepository::provider(const ProviderId &id)
{
    SB_TRY_ASSIGN(stmt, m_db.prepare(sql(providerColumns, "WHERE id = ?")));
    stmt.bind(1, id);
    return one<Provider>(stmt, "provider", readProvider);
}

StoreResult<QList<Provider>> PracticeRepository::providers(const OrganizationId &organizationId)
{
    SB_TRY_ASSIGN(stmt,
                  m_db.prepare(sql(providerColumns,
                                   "WHERE organization_id = ? ORDER BY last_name, first_name")));
    stmt.bind(1, organizationId);
    return all<Provider>(stmt, readProvider);
}

StoreResult<void> PracticeRepository::save(const Actor &actor, const Payer &p)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(
        stmt,
        m_db.prepare("INSERT INTO payers (id, name, kind, payer_code, state, profile) VALUES (?, "
                     "?, ?, ?, ?, ?) "
                     "ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, "
                     "payer_code = excluded.payer_code, state = excluded.state, profile = "
                     "excluded.profile"));
    stmt.bind(1, p.id)
        .bind(2, p.name)
        .bind(3, toName(p.kind))
        .bind(4, p.payerId)
        .bind(5, p.state)
        .bind(6, p.profile);
    SB_TRY(stmt.run());
    SB_TRY(m_audit.append(actor, AuditAction::Update, u"payer", p.id.uuid()));
    return tx.commit();
}

StoreResult<Payer> PracticeRepository::payer(const PayerId &id)
{
    SB_TRY_ASSIGN(stmt, m_db.prepare(sql(payerColumns, "WHERE id = ?")));
    stmt.bind(1, id);
    return one<Payer>(stmt, "payer", readPayer);
}

StoreResult<QList<Payer>> PracticeRepository::payers()
{
    SB_TRY_ASSIGN(stmt, m_db.prepare(sql(payerColumns, "ORDER BY name")));
    return all<Payer>(stmt, readPayer);
}

StoreResult<void> PracticeRepository::save(const Actor &actor, const CredentialingRecord &c)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(
        stmt,
        m_db.prepare("INSERT INTO credentialing (id, provider_id, payer_id, status, "
                     "effective_date, end_date, "
                     "caqh_attested_on, license_expires_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                     "ON CONFLICT(id) DO UPDATE SET provider_id = excluded.provider_id, "
                     "payer_id = excluded.payer_id, status = excluded.status, "
                     "effective_date = excluded.effective_date, end_date = excluded.end_date, "
                     "caqh_attested_on = excluded.caqh_attested_on, "
                     "license_expires_on = excluded.license_expires_on"));
    stmt.bind(1, c.id)
        .bind(2, c.providerId)
        .bind(3, c.payerId)
        .bind(4, toName(c.status))
        .bind(5, c.effectiveDate)
        .bind(6, c.endDate)
        .bind(7, c.caqhAttestedOn)
        .bind(8, c.licenseExpiresOn);
    SB_TRY(stmt.run());
    SB_TRY(m_audit.append(actor, AuditAction::Update, u"credentialing", c.id.uuid()));
    return tx.commit();
}

StoreResult<QList<CredentialingRecord>>
PracticeRepository::credentialingFor(const ProviderId &providerId)
{
    SB_TRY_ASSIGN(
        stmt,
        m_db.prepare(
            "SELECT id, provider_id, payer_id, status, effective_date, end_date, caqh_attested_on, "
            "license_expires_on FROM credentialing WHERE provider_id = ? ORDER BY effective_date"));
    stmt.bind(1, providerId);
    return all<CredentialingRecord>(stmt, readCredentialing);
}

} // namespace sb
