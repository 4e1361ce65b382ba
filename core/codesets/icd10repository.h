// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "audit/auditlog.h"
#include "codesets/icd10check.h"
#include "codesets/icd10release.h"

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QUuid>

#include <optional>
#include <vector>

namespace sb {

class Store;

/// An ICD-10-CM release as stored: one per fiscal year.
struct Icd10ReleaseInfo {
    QUuid id; ///< The audit log's record id for the import.
    int fiscalYear = 0;
    Icd10Layout layout = Icd10Layout::OrderFile;
    QString sourceName;
    QByteArray sha256;
    QDateTime importedAt;
    int billableCount = 0;
    int headerCount = 0;
    bool headersDerived = false;
};

struct Icd10ImportSummary {
    Icd10ReleaseInfo release;
    bool replaced = false; ///< A release for that fiscal year was already there.
};

/**
 * ICD-10-CM releases in the encrypted store, one per fiscal year (tables icd10_releases and
 * icd10_codes, schema v4). Code sets are public data, not PHI: reads are not audited. An
 * import is all or nothing: one transaction replaces the fiscal year's rows and appends an
 * audit row (record type "codeset"); a malformed file never reaches the store.
 */
class Icd10Repository {
public:
    explicit Icd10Repository(Store &store)
        : m_store(store)
    {
    }

    CodeSetResult<Icd10ImportSummary> import(const Actor &actor, const Icd10Release &release);
    /// readIcd10Release() then import().
    CodeSetResult<Icd10ImportSummary> importFile(const Actor &actor, const QString &path,
                                                 std::optional<int> fiscalYear = std::nullopt);

    /// Imported releases, oldest fiscal year first.
    StoreResult<QList<Icd10ReleaseInfo>> releases();
    /// Every row of one fiscal year's release, ordered by code.
    StoreResult<std::vector<Icd10Code>> codes(int fiscalYear);

    /**
     * Whether `code` (with or without the dot, any case) may be billed for a session on
     * `dateOfService`, straight from the store; for one-off checks. Pickers and the scrubber
     * load an Icd10Index once and ask it instead. The outer result fails only when the store
     * does; the inner one carries the typed refusal.
     */
    StoreResult<Icd10Check> check(QStringView code, const QDate &dateOfService);

private:
    Store &m_store;
};

} // namespace sb
