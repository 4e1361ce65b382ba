// SPDX-License-Identifier: Apache-2.0
#include "codesets/icd10index.h"

#include "codesets/builtinicd10.h"
#include "codesets/codeformats.h"
#include "codesets/icd10repository.h"

#include <algorithm>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace sb {

namespace {

constexpr int firstYearBit = 2016;
constexpr std::uint64_t allYears = ~std::uint64_t{0};
/// Above this many postings for the rarest query word, walking entries in rank order until
/// the limit is cheaper than intersecting posting lists.
constexpr std::size_t denseWordPostings = 4096;
constexpr std::size_t rankWalkBudget = 8192;

std::uint64_t yearBit(int fiscalYear)
{
    const int bit = fiscalYear - firstYearBit;
    return bit >= 0 && bit < 64 ? std::uint64_t{1} << bit : 0;
}

bool isWordByte(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80;
}

/// Lower-case words of a title or query: runs of ASCII letters and digits (non-ASCII bytes
/// kept inside words), everything else separates.
template<typename Sink> void forEachWord(const QByteArray &text, Sink sink)
{
    const QByteArray lower = text.toLower();
    qsizetype start = -1;
    for (qsizetype i = 0; i <= lower.size(); ++i) {
        const bool word = i < lower.size() && isWordByte(lower[i]);
        if (word && start < 0) {
            start = i;
        } else if (!word && start >= 0) {
            sink(lower.mid(start, i - start));
            start = -1;
        }
    }
}

/// The query as a code prefix ("f41.1" → "F411"), or empty when it is not shaped like one.
QByteArray codePrefix(QStringView text)
{
    const QString trimmed = text.trimmed().toString().toUpper();
    QByteArray code;
    for (qsizetype i = 0; i < trimmed.size(); ++i) {
        const QChar c = trimmed[i];
        if (c == u'.' && i == 3) {
            continue;
        }
        if (!((c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9'))) {
            return {};
        }
        code.append(static_cast<char>(c.unicode()));
    }
    if (code.size() < 2 || code.size() > 7 || code[0] < 'A' || code[0] > 'Z') {
        return {};
    }
    if (code.size() == 2 && (code[1] < '0' || code[1] > '9')) {
        return {}; // "QA" reads as a word; "QA0" and "F4" as codes
    }
    return code;
}

struct Ranked {
    std::uint8_t group; ///< 0 exact code, 1 code prefix, 2 title words.
    std::uint8_t notBillable;
    std::uint32_t length; ///< Title length for word matches, 0 for code matches.
    std::uint32_t index;  ///< Entry index: code order.

    bool operator<(const Ranked &other) const
    {
        return std::tie(group, notBillable, length, index)
               < std::tie(other.group, other.notBillable, other.length, other.index);
    }
};

} // namespace

void Icd10Index::Builder::addRelease(int fiscalYear, const std::vector<Icd10Code> &codes)
{
    const std::uint64_t bit = yearBit(fiscalYear);
    if (bit == 0 || m_years.contains(fiscalYear)) {
        return;
    }
    m_years.append(fiscalYear);
    m_entries.reserve(std::max(m_entries.size(), codes.size()) + codes.size() / 50);
    for (const Icd10Code &code : codes) {
        const QByteArray key = code.code.toLatin1();
        auto it = m_byCode.constFind(key);
        std::uint32_t index = 0;
        if (it == m_byCode.cend()) {
            index = static_cast<std::uint32_t>(m_entries.size());
            m_byCode.insert(key, index);
            m_entries.push_back(Entry{key, {}, {}, 0, 0, 0});
        } else {
            index = *it;
        }
        Entry &entry = m_entries[index];
        entry.present |= bit;
        if (code.billable) {
            entry.billable |= bit;
        }
        if (fiscalYear > entry.newestYear) {
            entry.newestYear = fiscalYear;
            if (!code.longDescription.isEmpty() || entry.description.isEmpty()) {
                entry.description = code.longDescription.toUtf8();
            }
            if (!code.shortDescription.isEmpty() || entry.shortDescription.isEmpty()) {
                entry.shortDescription = code.shortDescription.toUtf8();
            }
        }
    }
}

Icd10Index Icd10Index::Builder::build()
{
    Icd10Index index;
    std::sort(m_entries.begin(), m_entries.end(),
              [](const Entry &a, const Entry &b) { return a.code < b.code; });
    index.m_entries = std::move(m_entries);
    std::sort(m_years.begin(), m_years.end());
    index.m_years = std::move(m_years);
    m_entries.clear();
    m_byCode.clear();
    m_years.clear();
    index.buildWordIndex();
    return index;
}

Icd10Index Icd10Index::builtIn()
{
    Icd10Index index;
    index.m_builtIn = true;
    for (const BuiltInIcd10Code &code : builtInIcd10Codes()) {
        index.m_entries.push_back(
            Entry{QByteArray(code.code), QByteArray(code.description), {}, allYears, allYears, 0});
    }
    std::sort(index.m_entries.begin(), index.m_entries.end(),
              [](const Entry &a, const Entry &b) { return a.code < b.code; });
    index.buildWordIndex();
    return index;
}

StoreResult<Icd10Index> Icd10Index::load(Icd10Repository &repository)
{
    auto releases = repository.releases();
    if (!releases) {
        return unexpected(releases.error());
    }
    if (releases->isEmpty()) {
        return builtIn();
    }
    Builder builder;
    for (auto it = releases->crbegin(); it != releases->crend(); ++it) {
        auto codes = repository.codes(it->fiscalYear);
        if (!codes) {
            return unexpected(codes.error());
        }
        builder.addRelease(it->fiscalYear, *codes);
    }
    return builder.build();
}

void Icd10Index::buildWordIndex()
{
    const std::size_t count = m_entries.size();
    std::vector<QByteArray> lowered(count);
    std::unordered_map<std::string_view, std::uint32_t> ids;
    std::vector<std::string_view> spellings;
    std::vector<std::vector<std::uint32_t>> postings;
    std::vector<std::uint32_t> entryWords;
    std::vector<std::uint32_t> entryStart{0};
    for (std::uint32_t i = 0; i < count; ++i) {
        lowered[i] = (m_entries[i].description + ' ' + m_entries[i].shortDescription).toLower();
        const QByteArray &text = lowered[i];
        qsizetype start = -1;
        for (qsizetype at = 0; at <= text.size(); ++at) {
            const bool word = at < text.size() && isWordByte(text[at]);
            if (word && start < 0) {
                start = at;
            }
            if (word || start < 0) {
                continue;
            }
            const std::string_view spelling(text.constData() + start,
                                            static_cast<std::size_t>(at - start));
            start = -1;
            auto [it, inserted] =
                ids.try_emplace(spelling, static_cast<std::uint32_t>(spellings.size()));
            if (inserted) {
                spellings.push_back(spelling);
                postings.emplace_back();
            }
            std::vector<std::uint32_t> &list = postings[it->second];
            if (list.empty() || list.back() != i) {
                list.push_back(i);
                entryWords.push_back(it->second);
            }
        }
        entryStart.push_back(static_cast<std::uint32_t>(entryWords.size()));
    }
    std::vector<std::uint32_t> byName(spellings.size());
    for (std::uint32_t id = 0; id < byName.size(); ++id) {
        byName[id] = id;
    }
    std::sort(byName.begin(), byName.end(), [&spellings](std::uint32_t a, std::uint32_t b) {
        return spellings[a] < spellings[b];
    });
    std::vector<std::uint32_t> renumber(spellings.size());
    m_words.clear();
    m_postings.clear();
    m_words.reserve(byName.size());
    m_postings.reserve(byName.size());
    for (std::uint32_t position = 0; position < byName.size(); ++position) {
        const std::uint32_t id = byName[position];
        renumber[id] = position;
        m_words.emplace_back(spellings[id].data(), static_cast<qsizetype>(spellings[id].size()));
        m_postings.push_back(std::move(postings[id]));
    }
    for (std::uint32_t &id : entryWords) {
        id = renumber[id];
    }
    for (std::size_t i = 0; i < count; ++i) {
        std::sort(entryWords.begin() + entryStart[i], entryWords.begin() + entryStart[i + 1]);
    }
    m_entryWords = std::move(entryWords);
    m_entryWordStart = std::move(entryStart);

    auto ranked = [this](std::uint64_t mask) {
        std::vector<std::uint32_t> order;
        for (std::uint32_t i = 0; i < m_entries.size(); ++i) {
            if (m_entries[i].present & mask) {
                order.push_back(i);
            }
        }
        auto key = [this, mask](std::uint32_t i) {
            const Entry &e = m_entries[i];
            return std::tuple(
                !billableFor(e, mask),
                e.description.isEmpty() ? e.shortDescription.size() : e.description.size(), i);
        };
        std::sort(order.begin(), order.end(),
                  [&key](std::uint32_t a, std::uint32_t b) { return key(a) < key(b); });
        return order;
    };
    m_rankAll = ranked(allYears);
    m_rankByYear.clear();
    if (!m_builtIn) {
        for (int year : m_years) {
            m_rankByYear.insert(year, ranked(yearBit(year)));
        }
    }
}

const std::vector<std::uint32_t> &Icd10Index::rankOrder(std::uint64_t mask) const
{
    for (auto it = m_rankByYear.cbegin(); it != m_rankByYear.cend(); ++it) {
        if (yearBit(it.key()) == mask) {
            return it.value();
        }
    }
    return m_rankAll;
}

bool Icd10Index::billableFor(const Entry &entry, std::uint64_t mask) const
{
    if (mask != allYears) {
        return (entry.billable & mask) != 0;
    }
    return (entry.billable & yearBit(entry.newestYear)) != 0 || (m_builtIn && entry.billable);
}

Icd10SearchHit Icd10Index::hit(std::uint32_t index, Icd10SearchHit::Match match,
                               std::uint64_t mask) const
{
    const Entry &entry = m_entries[index];
    Icd10SearchHit result;
    result.code = QString::fromLatin1(entry.code);
    result.billable = billableFor(entry, mask);
    result.builtIn = m_builtIn;
    result.match = match;
    result.shortDescription = QString::fromUtf8(entry.shortDescription);
    result.description = entry.description.isEmpty() ? result.shortDescription
                                                     : QString::fromUtf8(entry.description);
    return result;
}

QList<Icd10SearchHit> Icd10Index::search(QStringView text, const Icd10SearchOptions &options) const
{
    QList<Icd10SearchHit> hits;
    if (options.limit <= 0 || m_entries.empty()) {
        return hits;
    }
    std::uint64_t mask = allYears;
    if (options.fiscalYear && !m_builtIn) {
        if (!m_years.contains(*options.fiscalYear)) {
            return hits;
        }
        mask = yearBit(*options.fiscalYear);
    }
    std::vector<Ranked> ranked;
    std::vector<std::uint8_t> taken;

    const QByteArray code = codePrefix(text);
    if (!code.isEmpty()) {
        auto it =
            std::lower_bound(m_entries.cbegin(), m_entries.cend(), code,
                             [](const Entry &e, const QByteArray &key) { return e.code < key; });
        taken.assign(m_entries.size(), 0);
        for (; it != m_entries.cend() && it->code.startsWith(code); ++it) {
            if ((it->present & mask) == 0) {
                continue;
            }
            const auto index = static_cast<std::uint32_t>(it - m_entries.cbegin());
            taken[index] = 1;
            ranked.push_back(Ranked{static_cast<std::uint8_t>(it->code == code ? 0 : 1),
                                    static_cast<std::uint8_t>(billableFor(*it, mask) ? 0 : 1), 0,
                                    index});
        }
    }

    struct Range {
        std::size_t begin;
        std::size_t end;
        std::size_t postings;
    };
    std::vector<Range> ranges;
    bool wordsMatch = true;
    forEachWord(text.toUtf8(), [&](const QByteArray &token) {
        auto lo = std::lower_bound(m_words.cbegin(), m_words.cend(), token);
        auto hi = lo;
        std::size_t count = 0;
        while (hi != m_words.cend() && hi->startsWith(token)) {
            count += m_postings[static_cast<std::size_t>(hi - m_words.cbegin())].size();
            ++hi;
        }
        if (lo == hi) {
            wordsMatch = false;
        }
        ranges.push_back(Range{static_cast<std::size_t>(lo - m_words.cbegin()),
                               static_cast<std::size_t>(hi - m_words.cbegin()), count});
    });
    if (wordsMatch && !ranges.empty()) {
        std::sort(ranges.begin(), ranges.end(),
                  [](const Range &a, const Range &b) { return a.postings < b.postings; });
        auto matchesAll = [this, &ranges](std::uint32_t index, std::size_t from) {
            const auto first = m_entryWords.cbegin() + m_entryWordStart[index];
            const auto last = m_entryWords.cbegin() + m_entryWordStart[index + 1];
            return std::all_of(ranges.cbegin() + static_cast<std::ptrdiff_t>(from), ranges.cend(),
                               [&](const Range &r) {
                                   const auto it = std::lower_bound(first, last, r.begin);
                                   return it != last && *it < r.end;
                               });
        };
        auto rank = [this, mask](std::uint32_t index) {
            const Entry &entry = m_entries[index];
            return Ranked{2, static_cast<std::uint8_t>(billableFor(entry, mask) ? 0 : 1),
                          static_cast<std::uint32_t>(entry.description.isEmpty()
                                                         ? entry.shortDescription.size()
                                                         : entry.description.size()),
                          index};
        };
        bool done = false;
        if (ranges[0].postings > denseWordPostings) {
            // Every word is common ("a", "dis"): walk the entries in rank order, so the first
            // `limit` matches are the best ones. Matches can cluster at the end of that order
            // (long titles like "fracture of ..."), so the walk has a budget.
            const std::size_t keep = ranked.size();
            const auto &order = rankOrder(mask);
            const std::size_t budget = std::min(order.size(), rankWalkBudget);
            int found = 0;
            for (std::size_t i = 0; i < budget && found < options.limit; ++i) {
                const std::uint32_t index = order[i];
                if ((taken.empty() || !taken[index]) && matchesAll(index, 0)) {
                    ranked.push_back(rank(index));
                    ++found;
                }
            }
            done = found == options.limit || budget == order.size();
            if (!done) {
                ranked.resize(keep);
            }
        }
        if (!done) {
            std::vector<std::uint8_t> seen(m_entries.size(), 0);
            for (std::size_t w = ranges[0].begin; w < ranges[0].end; ++w) {
                for (std::uint32_t index : m_postings[w]) {
                    if (seen[index] || (m_entries[index].present & mask) == 0
                        || (!taken.empty() && taken[index])) {
                        continue;
                    }
                    seen[index] = 1;
                    if (matchesAll(index, 1)) {
                        ranked.push_back(rank(index));
                    }
                }
            }
        }
    }

    const auto limit = std::min(ranked.size(), static_cast<std::size_t>(options.limit));
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(limit),
                      ranked.end());
    hits.reserve(static_cast<qsizetype>(limit));
    for (std::size_t i = 0; i < limit; ++i) {
        const auto match = ranked[i].group == 0   ? Icd10SearchHit::Match::ExactCode
                           : ranked[i].group == 1 ? Icd10SearchHit::Match::CodePrefix
                                                  : Icd10SearchHit::Match::Words;
        hits.append(hit(ranked[i].index, match, mask));
    }
    return hits;
}

Icd10Check Icd10Index::check(QStringView code, const QDate &dateOfService) const
{
    const int fiscalYear = fiscalYearOf(dateOfService);
    auto normalized = normalizeIcd10Code(code);
    if (!normalized) {
        return unexpected(Icd10Refusal{Icd10Refusal::Kind::InvalidFormat,
                                       QString(),
                                       fiscalYear,
                                       {},
                                       normalized.error().message});
    }
    Icd10Facts facts;
    facts.code = *normalized;
    const QByteArray key = normalized->toLatin1();
    auto it = std::lower_bound(m_entries.cbegin(), m_entries.cend(), key,
                               [](const Entry &e, const QByteArray &k) { return e.code < k; });
    const bool found = it != m_entries.cend() && it->code == key;
    if (m_builtIn) {
        facts.inBuiltInList = found;
        if (found) {
            facts.description = QString::fromUtf8(it->description);
        }
        return decideIcd10(facts, fiscalYear);
    }
    facts.importedFiscalYears = m_years;
    if (found) {
        for (int year : m_years) {
            if (it->billable & yearBit(year)) {
                facts.billableIn.append(year);
            } else if (it->present & yearBit(year)) {
                facts.headerIn.append(year);
            }
        }
        facts.description = QString::fromUtf8(it->description);
        ++it;
    }
    const std::uint64_t bit = yearBit(fiscalYear);
    if (!facts.billableIn.contains(fiscalYear) && !facts.headerIn.contains(fiscalYear)) {
        for (; it != m_entries.cend() && it->code.startsWith(key); ++it) {
            if (it->present & bit) {
                facts.headerIn.append(fiscalYear);
                break;
            }
        }
    }
    return decideIcd10(facts, fiscalYear);
}

} // namespace sb
