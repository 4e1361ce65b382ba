// SPDX-License-Identifier: Apache-2.0
#include "codesets/icd10repository.h"

#include "codesets/builtinicd10.h"
#include "codesets/codeformats.h"
#include "store/rows.h"
#include "store/store.h"
#include "util/clock.h"

namespace sb {

namespace {

Icd10ReleaseInfo readRelease(const Statement &stmt)
{
    Icd10ReleaseInfo info;
    info.fiscalYear = stmt.int32(0);
    info.id = QUuid::fromRfc4122(stmt.blob(1));
    info.layout = stmt.text(2) == u"codes" ? Icd10Layout::CodesFile : Icd10Layout::OrderFile;
    info.sourceName = stmt.text(3);
    info.sha256 = stmt.blob(4);
    info.importedAt = stmt.dateTime(5);
    info.billableCount = stmt.int32(6);
    info.headerCount = stmt.int32(7);
    info.headersDerived = stmt.boolean(8);
    return info;
}

/// Replaces the fiscal year's release in one transaction with its audit row; true when a
/// release for that year was there before.
StoreResult<bool> writeRelease(Store &store, const Actor &actor, const Icd10Release &release,
                               const Icd10ReleaseInfo &info)
{
    Database &db = store.database();
    SB_TRY_ASSIGN(tx, db.begin());
    SB_TRY_ASSIGN(existing, db.prepare("SELECT 1 FROM icd10_releases WHERE fiscal_year = ?"));
    existing.bind(1, info.fiscalYear);
    SB_TRY_ASSIGN(replaced, existing.step());
    const bool wasThere = replaced;
    if (wasThere) {
        SB_TRY_ASSIGN(dropCodes, db.prepare("DELETE FROM icd10_codes WHERE fiscal_year = ?"));
        SB_TRY(dropCodes.bind(1, info.fiscalYear).run());
        SB_TRY_ASSIGN(dropRelease, db.prepare("DELETE FROM icd10_releases WHERE fiscal_year = ?"));
        SB_TRY(dropRelease.bind(1, info.fiscalYear).run());
    }
    SB_TRY_ASSIGN(insertRelease,
                  db.prepare("INSERT INTO icd10_releases (fiscal_year, id, layout, source_name, "
                             "source_sha256, imported_at, billable_count, header_count, "
                             "headers_derived) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    SB_TRY(insertRelease.bind(1, info.fiscalYear)
               .bind(2, info.id.toRfc4122())
               .bind(3, toName(info.layout))
               .bind(4, info.sourceName)
               .bind(5, info.sha256)
               .bind(6, info.importedAt)
               .bind(7, info.billableCount)
               .bind(8, info.headerCount)
               .bind(9, info.headersDerived)
               .run());
    for (const Icd10Code &code : release.codes) {
        // Borrowed from the statement cache per row: returning it resets it for the next.
        SB_TRY_ASSIGN(insertCode,
                      db.prepare("INSERT INTO icd10_codes (code, fiscal_year, billable, "
                                 "short_description, long_description) VALUES (?, ?, ?, ?, ?)"));
        SB_TRY(insertCode.bind(1, code.code)
                   .bind(2, info.fiscalYear)
                   .bind(3, code.billable)
                   .bind(4, code.shortDescription)
                   .bind(5, code.longDescription)
                   .run());
    }
    SB_TRY(store.audit().append(actor, wasThere ? AuditAction::Update : AuditAction::Create,
                                u"codeset", info.id));
    SB_TRY(tx.commit());
    return wasThere;
}

} // namespace

CodeSetResult<Icd10ImportSummary> Icd10Repository::import(const Actor &actor,
                                                          const Icd10Release &release)
{
    Icd10ImportSummary summary;
    Icd10ReleaseInfo &info = summary.release;
    info.id = m_store.ids().next();
    info.fiscalYear = release.fiscalYear;
    info.layout = release.layout;
    info.sourceName = release.sourceName;
    info.sha256 = release.sha256;
    info.importedAt = m_store.clock().nowUtc();
    info.billableCount = release.billableCount();
    info.headerCount = release.headerCount();
    info.headersDerived = release.headersDerived;

    auto replaced = writeRelease(m_store, actor, release, info);
    if (!replaced) {
        return codeSetError(replaced.error());
    }
    summary.replaced = *replaced;
    return summary;
}

CodeSetResult<Icd10ImportSummary>
Icd10Repository::importFile(const Actor &actor, const QString &path, std::optional<int> fiscalYear)
{
    auto release = readIcd10Release(path, fiscalYear);
    if (!release) {
        return unexpected(release.error());
    }
    return import(actor, *release);
}

StoreResult<QList<Icd10ReleaseInfo>> Icd10Repository::releases()
{
    SB_TRY_ASSIGN(stmt, m_store.database().prepare(
                            "SELECT fiscal_year, id, layout, source_name, source_sha256, "
                            "imported_at, billable_count, header_count, headers_derived "
                            "FROM icd10_releases ORDER BY fiscal_year"));
    return rows::all<Icd10ReleaseInfo>(stmt, readRelease);
}

StoreResult<std::vector<Icd10Code>> Icd10Repository::codes(int fiscalYear)
{
    SB_TRY_ASSIGN(stmt, m_store.database().prepare(
                            "SELECT code, billable, short_description, long_description "
                            "FROM icd10_codes WHERE fiscal_year = ? ORDER BY code"));
    stmt.bind(1, fiscalYear);
    std::vector<Icd10Code> codes;
    for (;;) {
        SB_TRY_ASSIGN(row, stmt.step());
        if (!row) {
            return codes;
        }
        codes.push_back(Icd10Code{stmt.text(0), stmt.boolean(1), stmt.text(2), stmt.text(3)});
    }
}

StoreResult<Icd10Check> Icd10Repository::check(QStringView code, const QDate &dateOfService)
{
    const int fiscalYear = fiscalYearOf(dateOfService);
    auto normalized = normalizeIcd10Code(code);
    if (!normalized) {
        return Icd10Check(unexpected(Icd10Refusal{Icd10Refusal::Kind::InvalidFormat,
                                                  QString(),
                                                  fiscalYear,
                                                  {},
                                                  normalized.error().message}));
    }
    Icd10Facts facts;
    facts.code = *normalized;
    SB_TRY_ASSIGN(years, m_store.database().prepare(
                             "SELECT fiscal_year FROM icd10_releases ORDER BY fiscal_year"));
    for (;;) {
        SB_TRY_ASSIGN(row, years.step());
        if (!row) {
            break;
        }
        facts.importedFiscalYears.append(years.int32(0));
    }
    if (facts.importedFiscalYears.isEmpty()) {
        if (const BuiltInIcd10Code *builtIn = findBuiltInIcd10(facts.code)) {
            facts.inBuiltInList = true;
            facts.description = QString::fromLatin1(builtIn->description);
        }
        return decideIcd10(facts, fiscalYear);
    }
    for (int year : facts.importedFiscalYears) {
        SB_TRY_ASSIGN(
            row, m_store.database().prepare("SELECT billable, long_description FROM icd10_codes "
                                            "WHERE fiscal_year = ? AND code = ?"));
        row.bind(1, year).bind(2, facts.code);
        SB_TRY_ASSIGN(found, row.step());
        if (!found) {
            continue;
        }
        (row.boolean(0) ? facts.billableIn : facts.headerIn).append(year);
        if (year == fiscalYear || facts.description.isEmpty()) {
            facts.description = row.text(1);
        }
    }
    if (!facts.billableIn.contains(fiscalYear) && !facts.headerIn.contains(fiscalYear)) {
        // An incomplete code whose header the codes file could not derive (ends in X).
        SB_TRY_ASSIGN(prefix,
                      m_store.database().prepare("SELECT 1 FROM icd10_codes WHERE fiscal_year = ? "
                                                 "AND code > ? AND code < ? LIMIT 1"));
        prefix.bind(1, fiscalYear).bind(2, facts.code).bind(3, facts.code + u'~');
        SB_TRY_ASSIGN(found, prefix.step());
        if (found) {
            facts.headerIn.append(fiscalYear);
        }
    }
    return decideIcd10(facts, fiscalYear);
}

} // namespace sb
