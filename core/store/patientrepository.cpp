// SPDX-License-Identifier: Apache-2.0
#include "store/patientrepository.h"

#include "domain/enums.h"
#include "store/database.h"
#include "store/rows.h"

namespace sb {

namespace {

using rows::all;
using rows::one;

constexpr QStringView patientType = u"patient";
constexpr QStringView coverageType = u"coverage";
constexpr QStringView authorizationType = u"authorization";

Patient readPatient(const Statement &s)
{
    Patient p;
    p.id = s.id<PatientId>(0);
    p.organizationId = s.id<OrganizationId>(1);
    p.firstName = s.text(2);
    p.lastName = s.text(3);
    p.birthDate = s.date(4);
    p.sex = fromName<Sex>(s.text(5)).value_or(Sex::Unknown);
    p.addressLine = s.text(6);
    p.city = s.text(7);
    p.state = s.text(8);
    p.postalCode = s.text(9);
    p.phone = s.text(10);
    p.primaryProviderId = s.optionalId<ProviderId>(11);
    return p;
}

Coverage readCoverage(const Statement &s)
{
    Coverage c;
    c.id = s.id<CoverageId>(0);
    c.patientId = s.id<PatientId>(1);
    c.payerId = s.id<PayerId>(2);
    c.memberId = s.text(3);
    c.groupNumber = s.text(4);
    c.priority = s.int32(5);
    c.effective = s.date(6);
    c.termination = s.date(7);
    if (!s.isNull(8)) {
        EligibilitySnapshot e;
        e.checkedAt = s.dateTime(8);
        e.active = s.boolean(9);
        e.planBegin = s.date(10);
        e.planEnd = s.date(11);
        e.source = s.text(12);
        e.behavioralHealthCarvedOut = s.boolean(13);
        e.carveOutPayerName = s.text(14);
        e.carveOutPayerId = s.text(15);
        e.carveOutPhone = s.text(16);
        c.eligibility = e;
    }
    return c;
}

Authorization readAuthorization(const Statement &s)
{
    Authorization a;
    a.id = s.id<AuthorizationId>(0);
    a.patientId = s.id<PatientId>(1);
    a.payerId = s.id<PayerId>(2);
    a.providerId = s.optionalId<ProviderId>(3);
    a.number = s.text(4);
    const QString codes = s.text(5);
    a.serviceCodes = codes.isEmpty() ? QStringList() : codes.split(u',');
    a.unit = fromName<AuthorizationUnit>(s.text(6)).value_or(AuthorizationUnit::Visits);
    a.authorized = s.int32(7);
    a.used = s.int32(8);
    a.startDate = s.date(9);
    a.endDate = s.date(10);
    return a;
}

constexpr const char *patientSelect =
    "SELECT id, organization_id, first_name, last_name, birth_date, sex, address_line, city, "
    "state, postal_code, phone, primary_provider_id FROM patients ";
constexpr const char *coverageSelect =
    "SELECT id, patient_id, payer_id, member_id, group_number, priority, effective, termination, "
    "elig_checked_at, elig_active, elig_plan_begin, elig_plan_end, elig_source, "
    "elig_bh_carved_out, elig_carve_out_payer_name, elig_carve_out_payer_id, "
    "elig_carve_out_phone FROM coverages ";
constexpr const char *authorizationSelect =
    "SELECT id, patient_id, payer_id, provider_id, number, service_codes, unit, authorized, "
    "used, start_date, end_date FROM authorizations ";

std::string sql(const char *select, const char *rest)
{
    return std::string(select) + rest;
}

} // namespace

StoreResult<void> PatientRepository::save(const Actor &actor, const Patient &p)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(
        stmt,
        m_db.prepare(
            "INSERT INTO patients (id, organization_id, first_name, last_name, birth_date, sex, "
            "address_line, city, state, postal_code, phone, primary_provider_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "organization_id = excluded.organization_id, first_name = excluded.first_name, "
            "last_name = excluded.last_name, birth_date = excluded.birth_date, sex = excluded.sex, "
            "address_line = excluded.address_line, city = excluded.city, state = excluded.state, "
            "postal_code = excluded.postal_code, phone = excluded.phone, "
            "primary_provider_id = excluded.primary_provider_id"));
    stmt.bind(1, p.id)
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
    SB_TRY(stmt.run());
    SB_TRY(m_audit.append(actor, AuditAction::Update, patientType, p.id.uuid()));
    return tx.commit();
}

StoreResult<Patient> PatientRepository::patient(const Actor &actor, const PatientId &id)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(stmt, m_db.prepare(sql(patientSelect, "WHERE id = ?")));
    stmt.bind(1, id);
    auto found = one<Patient>(stmt, "patient", readPatient);
    SB_TRY(m_audit.append(actor, AuditAction::Read, patientType, id.uuid(),
                          found ? u"ok" : u"not found"));
    SB_TRY(tx.commit());
    return found;
}

StoreResult<QList<Patient>> PatientRepository::patients(const Actor &actor,
                                                        const OrganizationId &organizationId)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(stmt,
                  m_db.prepare(sql(patientSelect,
                                   "WHERE organization_id = ? ORDER BY last_name, first_name")));
    stmt.bind(1, organizationId);
    SB_TRY_ASSIGN(list, all<Patient>(stmt, readPatient));
    SB_TRY(m_audit.append(actor, AuditAction::List, patientType, organizationId.uuid()));
    SB_TRY(tx.commit());
    return std::move(list);
}

StoreResult<PatientPage> PatientRepository::caseloadPage(const Actor &actor,
                                                         const OrganizationId &organizationId,
                                                         const ProviderId &provider,
                                                         const std::optional<PatientPageKey> &after,
                                                         int limit)
{
    if (limit <= 0) {
        return storeError(StoreError::Kind::InvalidArgument,
                          QStringLiteral("a page holds at least one patient"));
    }
    SB_TRY_ASSIGN(tx, m_db.begin());
    // Keyset paging; one row past the limit tells whether another page follows. The first page
    // starts after an empty key: every name is >= '' and every id > the empty blob.
    SB_TRY_ASSIGN(stmt, m_db.prepare(sql(patientSelect,
                                         "WHERE organization_id = ?1 AND primary_provider_id = ?2"
                                         " AND (last_name, first_name, id) > (?3, ?4, ?5)"
                                         " ORDER BY last_name, first_name, id LIMIT ?6")));
    stmt.bind(1, organizationId).bind(2, provider);
    if (after) {
        stmt.bind(3, after->lastName).bind(4, after->firstName).bind(5, after->id);
    } else {
        stmt.bind(3, QStringLiteral("")).bind(4, QStringLiteral("")).bind(5, QByteArray(""));
    }
    stmt.bind(6, limit + 1);
    SB_TRY_ASSIGN(list, all<Patient>(stmt, readPatient));
    PatientPage page;
    if (list.size() > limit) {
        list.removeLast();
        const Patient &last = list.constLast();
        page.next = PatientPageKey{last.lastName, last.firstName, last.id};
    }
    page.patients = std::move(list);
    SB_TRY(m_audit.append(actor, AuditAction::List, patientType, organizationId.uuid()));
    SB_TRY(tx.commit());
    return page;
}

StoreResult<void> PatientRepository::save(const Actor &actor, const Coverage &c)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(
        stmt,
        m_db.prepare(
            "INSERT INTO coverages (id, patient_id, payer_id, member_id, group_number, priority, "
            "effective, termination, elig_checked_at, elig_active, elig_plan_begin, elig_plan_end, "
            "elig_source, elig_bh_carved_out, elig_carve_out_payer_name, elig_carve_out_payer_id, "
            "elig_carve_out_phone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET patient_id = excluded.patient_id, "
            "payer_id = excluded.payer_id, member_id = excluded.member_id, "
            "group_number = excluded.group_number, priority = excluded.priority, "
            "effective = excluded.effective, termination = excluded.termination, "
            "elig_checked_at = excluded.elig_checked_at, elig_active = excluded.elig_active, "
            "elig_plan_begin = excluded.elig_plan_begin, elig_plan_end = excluded.elig_plan_end, "
            "elig_source = excluded.elig_source, elig_bh_carved_out = excluded.elig_bh_carved_out, "
            "elig_carve_out_payer_name = excluded.elig_carve_out_payer_name, "
            "elig_carve_out_payer_id = excluded.elig_carve_out_payer_id, "
            "elig_carve_out_phone = excluded.elig_carve_out_phone"));
    stmt.bind(1, c.id)
        .bind(2, c.patientId)
        .bind(3, c.payerId)
        .bind(4, c.memberId)
        .bind(5, c.groupNumber)
        .bind(6, c.priority)
        .bind(7, c.effective)
        .bind(8, c.termination);
    if (c.eligibility) {
        const EligibilitySnapshot &e = *c.eligibility;
        stmt.bind(9, e.checkedAt)
            .bind(10, e.active)
            .bind(11, e.planBegin)
            .bind(12, e.planEnd)
            .bind(13, e.source)
            .bind(14, e.behavioralHealthCarvedOut)
            .bind(15, e.carveOutPayerName)
            .bind(16, e.carveOutPayerId)
            .bind(17, e.carveOutPhone);
    } else {
        for (int i = 9; i <= 13; ++i) {
            stmt.bind(i, std::nullopt);
        }
        stmt.bind(14, false).bind(15, QString()).bind(16, QString()).bind(17, QString());
    }
    SB_TRY(stmt.run());
    SB_TRY(m_audit.append(actor, AuditAction::Update, coverageType, c.id.uuid()));
    return tx.commit();
}

StoreResult<QList<Coverage>> PatientRepository::coverages(const Actor &actor,
                                                          const PatientId &patientId)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(stmt,
                  m_db.prepare(sql(coverageSelect, "WHERE patient_id = ? ORDER BY priority")));
    stmt.bind(1, patientId);
    SB_TRY_ASSIGN(list, all<Coverage>(stmt, readCoverage));
    SB_TRY(m_audit.append(actor, AuditAction::List, coverageType, patientId.uuid()));
    SB_TRY(tx.commit());
    return std::move(list);
}

StoreResult<void> PatientRepository::save(const Actor &actor, const Authorization &a)
{
    if (a.authorized < 0 || a.used < 0) {
        return storeError(StoreError::Kind::InvalidArgument,
                          QStringLiteral("authorized and used counts cannot be negative"));
    }
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(
        stmt,
        m_db.prepare("INSERT INTO authorizations (id, patient_id, payer_id, provider_id, number, "
                     "service_codes, unit, authorized, used, start_date, end_date) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                     "patient_id = excluded.patient_id, payer_id = excluded.payer_id, "
                     "provider_id = excluded.provider_id, number = excluded.number, "
                     "service_codes = excluded.service_codes, unit = excluded.unit, "
                     "authorized = excluded.authorized, used = excluded.used, "
                     "start_date = excluded.start_date, end_date = excluded.end_date"));
    stmt.bind(1, a.id)
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
    SB_TRY(stmt.run());
    SB_TRY(m_audit.append(actor, AuditAction::Update, authorizationType, a.id.uuid()));
    return tx.commit();
}

StoreResult<QList<Authorization>> PatientRepository::authorizations(const Actor &actor,
                                                                    const PatientId &patientId)
{
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(stmt, m_db.prepare(sql(authorizationSelect,
                                         "WHERE patient_id = ? ORDER BY end_date, number")));
    stmt.bind(1, patientId);
    SB_TRY_ASSIGN(list, all<Authorization>(stmt, readAuthorization));
    SB_TRY(m_audit.append(actor, AuditAction::List, authorizationType, patientId.uuid()));
    SB_TRY(tx.commit());
    return std::move(list);
}

StoreResult<Authorization> PatientRepository::consume(const Actor &actor, const AuthorizationId &id,
                                                      int units)
{
    if (units <= 0) {
        return storeError(StoreError::Kind::InvalidArgument,
                          QStringLiteral("units to consume must be positive"));
    }
    SB_TRY_ASSIGN(tx, m_db.begin());
    SB_TRY_ASSIGN(update, m_db.prepare("UPDATE authorizations SET used = used + ? "
                                       "WHERE id = ? AND used + ? <= authorized"));
    update.bind(1, units).bind(2, id).bind(3, units);
    SB_TRY(update.run());
    const bool consumed = update.changes() == 1;
    SB_TRY_ASSIGN(select, m_db.prepare(sql(authorizationSelect, "WHERE id = ?")));
    select.bind(1, id);
    SB_TRY_ASSIGN(authorization, one<Authorization>(select, "authorization", readAuthorization));
    if (!consumed) {
        return storeError(StoreError::Kind::Constraint,
                          QStringLiteral("authorization has fewer units left than requested"));
    }
    SB_TRY(m_audit.append(actor, AuditAction::Update, authorizationType, id.uuid()));
    SB_TRY(tx.commit());
    return std::move(authorization);
}

} // namespace sb
