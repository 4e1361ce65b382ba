// SPDX-License-Identifier: Apache-2.0
// bench-icd-search [release-file]: imports the FY2026 CMS release into a fresh encrypted store,
// loads the search index from it, then replays typing: every prefix of a set of picker
// queries, one search per keystroke. Prints p50/p99/max per keystroke for the index and for a
// baseline that scans every row of the same release linearly (titles lower-cased once in
// advance), with the same matching and ranking, and checks both return the same results.
#include "codesets/icd10index.h"
#include "codesets/icd10repository.h"
#include "store/schema.h"
#include "store/store.h"
#include "util/clock.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <chrono>
#include <functional>
#include <tuple>
#include <vector>

using namespace sb;

namespace {

constexpr int fiscalYear = 2026;
constexpr int limit = 20;
constexpr int indexRounds = 5;

const char *const typedQueries[] = {
    "generalized anxiety disorder",
    "major depressive disorder recurrent moderate",
    "F43.10",
    "f41.1",
    "post traumatic stress",
    "alcohol dependence with withdrawal",
    "Z63.0",
    "attention deficit hyperactivity",
    "opioid use disorder",
    "adjustment disorder with mixed anxiety",
    "problems related to housing",
    "bipolar disorder current episode depressed",
    "T36.0X1A",
    "type 2 diabetes mellitus without complications",
    "S72.001A",
    "fracture of shaft of right femur",
};

/// The naive picker: every row, every keystroke.
class LinearScan {
public:
    explicit LinearScan(const std::vector<Icd10Code> &codes)
    {
        for (const Icd10Code &code : codes) {
            m_rows.push_back(
                Row{code.code.toLatin1(),
                    (u' ' + code.longDescription + u' ' + code.shortDescription).toLower().toUtf8(),
                    static_cast<std::uint32_t>(code.longDescription.isEmpty()
                                                   ? code.shortDescription.size()
                                                   : code.longDescription.size()),
                    code.billable});
        }
        std::sort(m_rows.begin(), m_rows.end(),
                  [](const Row &a, const Row &b) { return a.code < b.code; });
    }

    QStringList search(const QString &text) const
    {
        QByteArray code;
        const QString upper = text.trimmed().toUpper();
        bool codeLike = upper.size() >= 2 && upper[0] >= u'A' && upper[0] <= u'Z'
                        && (upper.size() > 2 || (upper[1] >= u'0' && upper[1] <= u'9'));
        for (qsizetype i = 0; codeLike && i < upper.size(); ++i) {
            const QChar c = upper[i];
            if (c == u'.' && i == 3) {
                continue;
            }
            codeLike = (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
            code.append(static_cast<char>(c.unicode()));
        }
        if (!codeLike || code.size() > 7) {
            code.clear();
        }
        QList<QByteArray> tokens;
        for (const QString &token : text.toLower().split(
                 QRegularExpression(QStringLiteral("[^a-z0-9\\x{80}-\\x{10ffff}]+")),
                 Qt::SkipEmptyParts)) {
            tokens.append(token.toUtf8());
        }
        using Key = std::tuple<int, int, std::uint32_t, std::size_t>;
        std::vector<Key> ranked;
        for (std::size_t i = 0; i < m_rows.size(); ++i) {
            const Row &row = m_rows[i];
            const int notBillable = row.billable ? 0 : 1;
            if (!code.isEmpty() && row.code.startsWith(code)) {
                ranked.emplace_back(row.code == code ? 0 : 1, notBillable, 0, i);
                continue;
            }
            if (tokens.isEmpty()) {
                continue;
            }
            const bool all = std::all_of(tokens.cbegin(), tokens.cend(), [&row](const auto &t) {
                return startsWord(row.title, t);
            });
            if (all) {
                ranked.emplace_back(2, notBillable, row.length, i);
            }
        }
        const auto n = std::min<std::size_t>(ranked.size(), limit);
        std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(n),
                          ranked.end());
        QStringList codes;
        for (std::size_t i = 0; i < n; ++i) {
            codes.append(QString::fromLatin1(m_rows[std::get<3>(ranked[i])].code));
        }
        return codes;
    }

private:
    struct Row {
        QByteArray code;
        QByteArray title; ///< " long short", lower case; a word starts after a separator.
        std::uint32_t length;
        bool billable;
    };

    /// `word` found where the byte before it is not a letter or digit.
    static bool startsWord(const QByteArray &title, const QByteArray &word)
    {
        for (qsizetype at = title.indexOf(word, 1); at > 0; at = title.indexOf(word, at + 1)) {
            const char before = title[at - 1];
            const bool separator =
                !((before >= 'a' && before <= 'z') || (before >= '0' && before <= '9')
                  || static_cast<unsigned char>(before) >= 0x80);
            if (separator) {
                return true;
            }
        }
        return false;
    }

    std::vector<Row> m_rows;
};

struct Stats {
    double p50;
    double p99;
    double max;
};

Stats stats(std::vector<double> micros)
{
    std::sort(micros.begin(), micros.end());
    auto at = [&micros](double q) {
        return micros[std::min(micros.size() - 1, static_cast<std::size_t>(q * micros.size()))];
    };
    return {at(0.50), at(0.99), micros.back()};
}

double microsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
        .count();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QString release = argc > 1
                                ? QString::fromLocal8Bit(argv[1])
                                : QStringLiteral(SESSIONBOOK_SHARED_DIR "/icd10cm/cms_2026_dx.zip");
    if (!QFileInfo::exists(release)) {
        err << "bench-icd-search: SKIPPED, no release at " << release << '\n';
        return 1;
    }
    QTemporaryDir dir;
    SystemClock clock;
    auto store =
        Store::open(dir.filePath(QStringLiteral("bench.db")), DatabaseKey::generate(), clock);
    if (!store) {
        err << "bench-icd-search: store: " << store.error().message << '\n';
        return 1;
    }
    Icd10Repository repository(**store);
    QElapsedTimer timer;
    timer.start();
    const auto parsed = readIcd10Release(release);
    if (!parsed || parsed->fiscalYear != fiscalYear) {
        err << "bench-icd-search: not a FY2026 release: "
            << (parsed ? QString() : parsed.error().message) << '\n';
        return 1;
    }
    const qint64 parseMs = timer.restart();
    const auto imported = repository.import(Actor{}, *parsed);
    if (!imported) {
        err << "bench-icd-search: import failed: " << imported.error().message << '\n';
        return 1;
    }
    const qint64 importMs = timer.restart();
    const auto rows = repository.codes(fiscalYear);
    if (!rows) {
        err << "bench-icd-search: read: " << rows.error().message << '\n';
        return 1;
    }
    const qint64 readMs = timer.restart();
    Icd10Index::Builder builder;
    builder.addRelease(fiscalYear, *rows);
    const Icd10Index built = builder.build();
    const qint64 buildMs = timer.restart();
    auto index = Icd10Index::load(repository);
    if (!index || index->size() != built.size()) {
        err << "bench-icd-search: load failed\n";
        return 1;
    }
    const qint64 loadMs = timer.restart();
    const LinearScan baseline(*rows);

    QStringList keystrokes;
    for (const char *query : typedQueries) {
        const QString text = QString::fromLatin1(query);
        for (qsizetype n = 1; n <= text.size(); ++n) {
            keystrokes.append(text.left(n));
        }
    }

    const Icd10SearchOptions options{limit, fiscalYear};
    std::vector<double> indexMicros;
    std::vector<std::pair<double, QString>> slowest;
    for (int round = 0; round < indexRounds; ++round) {
        for (const QString &query : keystrokes) {
            const auto start = std::chrono::steady_clock::now();
            const auto hits = index->search(query, options);
            indexMicros.push_back(microsSince(start));
            slowest.emplace_back(indexMicros.back(), query);
            if (hits.size() > limit) {
                return 1;
            }
        }
    }
    std::vector<double> scanMicros;
    int identical = 0;
    for (const QString &query : keystrokes) {
        const auto start = std::chrono::steady_clock::now();
        const QStringList scanned = baseline.search(query);
        scanMicros.push_back(microsSince(start));
        QStringList indexed;
        for (const auto &hit : index->search(query, options)) {
            indexed.append(hit.code);
        }
        identical += indexed == scanned ? 1 : 0;
    }

    const Stats fast = stats(indexMicros);
    const Stats slow = stats(scanMicros);
    out << "bench-icd-search: FY" << fiscalYear << " " << imported->release.billableCount
        << " billable + " << imported->release.headerCount << " header rows ("
        << imported->release.sourceName << ")\n";
    out << "  parse zip: " << parseMs << " ms; write to SQLCipher store: " << importMs
        << " ms; read back: " << readMs << " ms; build index: " << buildMs
        << " ms; Icd10Index::load (read + build): " << loadMs << " ms (" << index->size()
        << " codes)\n";
    out << "  " << keystrokes.size() << " keystrokes over " << std::size(typedQueries)
        << " typed queries, limit " << limit << "\n";
    out << qSetRealNumberPrecision(3) << Qt::fixed;
    out << "  index       p50 " << fast.p50 / 1000 << " ms  p99 " << fast.p99 / 1000 << " ms  max "
        << fast.max / 1000 << " ms  (" << indexMicros.size() << " searches)\n";
    out << "  linear scan p50 " << slow.p50 / 1000 << " ms  p99 " << slow.p99 / 1000 << " ms  max "
        << slow.max / 1000 << " ms  (" << scanMicros.size() << " searches)\n";
    std::sort(slowest.begin(), slowest.end(), std::greater<>());
    out << "  slowest index keystrokes:";
    for (std::size_t i = 0; i < std::min<std::size_t>(5, slowest.size()); ++i) {
        out << " '" << slowest[i].second << "' " << slowest[i].first / 1000 << " ms;";
    }
    out << '\n';
    out << qSetRealNumberPrecision(1);
    out << "  speed-up vs linear scan: p50 " << slow.p50 / fast.p50 << "x, p99 "
        << slow.p99 / fast.p99 << "x\n";
    out << "  same top-" << limit << " as the scan: " << identical << "/" << keystrokes.size()
        << " keystrokes\n";
    const bool withinBudget = fast.p99 <= 10'000.0;
    out << "  budget p99 <= 10 ms per keystroke: " << (withinBudget ? "PASS" : "FAIL") << '\n';
    return withinBudget && identical == keystrokes.size() ? 0 : 2;
}
