// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "codesets/icd10check.h"
#include "codesets/icd10release.h"
#include "store/storeerror.h"

#include <QByteArray>
#include <QDate>
#include <QHash>
#include <QList>
#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace sb {

class Icd10Repository;

/// One search result.
struct Icd10SearchHit {
    enum class Match { ExactCode, CodePrefix, Words };
    QString code;          ///< No dot.
    bool billable = false; ///< In the fiscal year searched, else in the newest one holding it.
    bool builtIn = false;  ///< From the built-in list (nothing imported).
    Match match = Match::Words;
    QString description; ///< The long title (the short one when only that exists).
    QString shortDescription;
};

struct Icd10SearchOptions {
    int limit = 20;
    std::optional<int> fiscalYear; ///< Only codes of that year's release (fiscalYearOf(dos)).
};

/**
 * Every imported ICD-10-CM release in memory, merged by code, for pickers and the scrubber:
 * loaded once from the store (about 0.2 s for two releases), then searched per keystroke
 * with no query to the database. Holds the built-in list instead when nothing is imported.
 *
 * Search: a query shaped like a code ("f41", "F41.1") matches codes by prefix; every word of
 * the query must match the start of a word of a title, case-insensitive. Order: the exact
 * code, then other codes with that prefix, then title matches; within each, billable codes
 * before headers, then shorter titles (title matches) or code order (code matches).
 * Read-only after construction, so one index may be searched from several threads.
 */
class Icd10Index {
public:
    class Builder;

    Icd10Index() = default;
    /// The built-in behavioral-health list (see builtInIcd10Codes()).
    static Icd10Index builtIn();
    /// Every release in the store; the built-in list when there is none.
    static StoreResult<Icd10Index> load(Icd10Repository &repository);

    [[nodiscard]] Icd10Check check(QStringView code, const QDate &dateOfService) const;
    [[nodiscard]] QList<Icd10SearchHit> search(QStringView text,
                                               const Icd10SearchOptions &options = {}) const;

    [[nodiscard]] bool isBuiltIn() const { return m_builtIn; }
    [[nodiscard]] const QList<int> &fiscalYears() const { return m_years; }
    /// Distinct codes across all releases.
    [[nodiscard]] int size() const { return static_cast<int>(m_entries.size()); }

private:
    struct Entry {
        QByteArray code;
        QByteArray description;
        QByteArray shortDescription;
        std::uint64_t present = 0; ///< Bit (fiscal year - 2016).
        std::uint64_t billable = 0;
        int newestYear = 0;
    };
    void buildWordIndex();
    [[nodiscard]] bool billableFor(const Entry &entry, std::uint64_t mask) const;
    [[nodiscard]] Icd10SearchHit hit(std::uint32_t index, Icd10SearchHit::Match match,
                                     std::uint64_t mask) const;

    std::vector<Entry> m_entries; ///< Sorted by code.
    [[nodiscard]] const std::vector<std::uint32_t> &rankOrder(std::uint64_t mask) const;

    std::vector<QByteArray> m_words;                    ///< Sorted, lower case.
    std::vector<std::vector<std::uint32_t>> m_postings; ///< Entry indexes per word, ascending.
    std::vector<std::uint32_t> m_entryWords;            ///< Each entry's word ids, ascending, flat.
    std::vector<std::uint32_t> m_entryWordStart; ///< Entry i's ids: [start[i], start[i + 1]).
    /// Entries in title-match rank order (billable first, shorter title, code), for all
    /// years and per fiscal year: a common word is answered by walking this until `limit`.
    std::vector<std::uint32_t> m_rankAll;
    QHash<int, std::vector<std::uint32_t>> m_rankByYear;
    QList<int> m_years;
    bool m_builtIn = false;
};

/// Collects releases one fiscal year at a time (each merged as it comes), then builds.
class Icd10Index::Builder {
public:
    /// `fiscalYear` must lie within FY2016..FY2079; a later call for the same year is ignored.
    void addRelease(int fiscalYear, const std::vector<Icd10Code> &codes);
    [[nodiscard]] Icd10Index build();

private:
    std::vector<Entry> m_entries;
    QHash<QByteArray, std::uint32_t> m_byCode;
    QList<int> m_years;
};

} // namespace sb
