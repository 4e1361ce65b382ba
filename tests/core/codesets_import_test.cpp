// SPDX-License-Identifier: Apache-2.0
// The official CMS ICD-10-CM releases in ../shared/icd10cm: FY2025 and FY2026 zips as
// published, the extracted FY2026 codes file and the FY2025→FY2026 addenda. Each release is
// imported once per test binary into one encrypted store; every test case reads from it.
#include "codesets/builtinicd10.h"
#include "codesets/codeformats.h"
#include "codesets/icd10index.h"
#include "codesets/icd10repository.h"
#include "fixtures.h"
#include "store/store.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <catch2/catch_test_macros.hpp>
#include <catch2/reporters/catch_reporter_event_listener.hpp>
#include <catch2/reporters/catch_reporter_registrars.hpp>
#include <memory>

using namespace sb;
using namespace sb::test;
using namespace Qt::StringLiterals;
using Kind = Icd10Refusal::Kind;

namespace {

const QString icdDir = QStringLiteral(SESSIONBOOK_SHARED_DIR "/icd10cm");
const QString zip2026 = icdDir + u"/cms_2026_dx.zip"_s;
const QString zip2025 = icdDir + u"/fy2025/cms_2025_dx.zip"_s;
const QString codes2026 = icdDir + u"/icd10cm_codes_2026.txt"_s;
const QString addenda2026 = icdDir + u"/icd10cm_codes_addenda_2026.txt"_s;

void requireSharedData()
{
    for (const QString &path : {zip2025, zip2026, codes2026, addenda2026}) {
        if (!QFileInfo::exists(path)) {
            SKIP("ICD-10-CM reference data missing: " << path.toStdString()
                                                      << " (../shared/icd10cm is not here)");
        }
    }
}

/// One store with both CMS zips imported, shared by every test case in this binary.
struct Imported {
    TempDir dir;
    ManualClock clock;
    std::unique_ptr<Store> store;
    std::unique_ptr<Icd10Repository> repository;
    Icd10ImportSummary fy2025;
    Icd10ImportSummary fy2026;
    qint64 importMs2026 = 0;
    std::unique_ptr<Icd10Index> index;
};

std::unique_ptr<Imported> &sharedImport()
{
    static std::unique_ptr<Imported> shared;
    return shared;
}

/// Closes the shared store when the run ends, not in static destruction: closing a store
/// exports its audit head, which needs OpenSSL, and OpenSSL is gone by then.
class CloseSharedStore : public Catch::EventListenerBase {
public:
    using Catch::EventListenerBase::EventListenerBase;
    void testRunEnded(const Catch::TestRunStats &) override { sharedImport().reset(); }
};
CATCH_REGISTER_LISTENER(CloseSharedStore)

Imported &imported()
{
    std::unique_ptr<Imported> &shared = sharedImport();
    if (!shared) {
        auto fresh = std::make_unique<Imported>();
        fresh->store = openStore(fresh->dir, fresh->clock);
        REQUIRE(fresh->store);
        fresh->repository = std::make_unique<Icd10Repository>(*fresh->store);
        const Actor actor = makeActor(fresh->store->ids());
        auto fy2025 = fresh->repository->importFile(actor, zip2025);
        if (!fy2025) {
            FAIL("FY2025 import: " << fy2025.error().message.toStdString());
        }
        fresh->fy2025 = *fy2025;
        QElapsedTimer timer;
        timer.start();
        auto fy2026 = fresh->repository->importFile(actor, zip2026);
        if (!fy2026) {
            FAIL("FY2026 import: " << fy2026.error().message.toStdString());
        }
        fresh->importMs2026 = timer.elapsed();
        fresh->fy2026 = *fy2026;
        auto index = Icd10Index::load(*fresh->repository);
        REQUIRE(index);
        fresh->index = std::make_unique<Icd10Index>(std::move(*index));
        shared = std::move(fresh);
    }
    return *shared;
}

struct AddendaRow {
    QString action; ///< "Add", "Delete" or "Revise from"/"Revise to".
    QString code;
};

QList<AddendaRow> readAddenda()
{
    QFile file(addenda2026);
    REQUIRE(file.open(QIODevice::ReadOnly));
    static const QRegularExpression line(u"^(Add|Delete):\\s+(\\S+)\\s"_s);
    QList<AddendaRow> rows;
    for (const QByteArray &raw : file.readAll().split('\n')) {
        const auto match = line.match(QString::fromUtf8(raw));
        if (match.hasMatch()) {
            rows.append({match.captured(1), match.captured(2)});
        }
    }
    return rows;
}

const QRegularExpression &separators()
{
    static const QRegularExpression pattern(u"[^a-z0-9]+"_s);
    return pattern;
}

/// Every word of `query` starts one of `words` (the rule, written independently here).
bool wordsMatch(const QStringList &words, const QString &query)
{
    for (const QString &token : query.toLower().split(separators(), Qt::SkipEmptyParts)) {
        if (std::none_of(words.cbegin(), words.cend(),
                         [&token](const QString &word) { return word.startsWith(token); })) {
            return false;
        }
    }
    return true;
}

} // namespace

TEST_CASE("the CMS FY2025 and FY2026 zips import with the published counts")
{
    requireSharedData();
    Imported &data = imported();
    CHECK(data.fy2026.release.fiscalYear == 2026);
    CHECK(data.fy2026.release.billableCount == 74'719);
    CHECK(data.fy2026.release.headerCount == 23'467);
    CHECK(data.fy2026.release.layout == Icd10Layout::OrderFile);
    CHECK(data.fy2026.release.sourceName == u"cms_2026_dx.zip!icd10cm_order_2026.txt");
    CHECK(data.fy2026.release.sha256.toHex()
          == "55a9124a27ca78a4a5c41e1101eda064ec2e08d105ff9e78d1fbd1a83298ef11");
    CHECK(data.fy2025.release.fiscalYear == 2025);
    CHECK(data.fy2025.release.billableCount == 74'260);
    CHECK(data.fy2025.release.headerCount == 97'584 - 74'260);
    CHECK(rowCount(data.store->database(), "icd10_codes") == 98'186 + 97'584);
    WARN("FY2026 zip import (98,186 rows into SQLCipher): " << data.importMs2026 << " ms");

    const auto releases = data.repository->releases();
    REQUIRE(releases);
    REQUIRE(releases->size() == 2);
    CHECK(releases->at(0).fiscalYear == 2025);
    CHECK(releases->at(1).fiscalYear == 2026);
    for (const auto &release : *releases) {
        const auto audit = data.store->audit().entriesFor(release.id);
        REQUIRE(audit);
        REQUIRE(audit->size() == 1);
        CHECK(audit->front().recordType == u"codeset");
    }
    CHECK(data.index->fiscalYears() == QList<int>({2025, 2026}));
}

TEST_CASE("every FY2026 addition is refused before 1 October 2025 and accepted from it")
{
    requireSharedData();
    Imported &data = imported();
    const QDate lastDayFy2025(2025, 9, 30);
    const QDate firstDayFy2026(2025, 10, 1);
    int added = 0;
    int deleted = 0;
    for (const AddendaRow &row : readAddenda()) {
        CAPTURE(row.action.toStdString(), row.code.toStdString());
        const auto before = data.index->check(row.code, lastDayFy2025);
        const auto after = data.index->check(row.code, firstDayFy2026);
        if (row.action == u"Add") {
            ++added;
            REQUIRE_FALSE(before);
            REQUIRE(before.error().kind == Kind::NotValidOnDate);
            REQUIRE(before.error().validInFiscalYears == QList<int>{2026});
            REQUIRE(after);
            REQUIRE(after->fiscalYear == 2026);
        } else {
            ++deleted;
            REQUIRE(before);
            REQUIRE_FALSE(after);
            REQUIRE((after.error().kind == Kind::NotValidOnDate
                     || after.error().kind == Kind::HeaderNotBillable));
            REQUIRE(after.error().validInFiscalYears == QList<int>{2025});
        }
    }
    CHECK(added > 100);
    CHECK(deleted > 10);

    // A named example from the addenda, through the store as well as the index.
    const auto september = data.repository->check(u"Z59.861", QDate(2025, 9, 15));
    REQUIRE(september);
    REQUIRE_FALSE(*september);
    CHECK(september->error().kind == Kind::NotValidOnDate);
    CHECK(september->error().message.contains(u"FY2026"));
    const auto october = data.repository->check(u"z59.861", QDate(2025, 10, 15));
    REQUIRE(october);
    REQUIRE(*october);
    CHECK((*october)->description == u"Financial insecurity, difficulty paying for utilities");
    // Z59.86 was billable in FY2025 and became a header in FY2026.
    CHECK(data.index->check(u"Z59.86", QDate(2025, 9, 15)));
    const auto header = data.repository->check(u"Z59.86", QDate(2025, 10, 15));
    REQUIRE(header);
    REQUIRE_FALSE(*header);
    CHECK(header->error().kind == Kind::HeaderNotBillable);
    CHECK(header->error().validInFiscalYears == QList<int>{2025});
}

TEST_CASE("headers are refused, leaves accepted, unknown and out-of-range dates told apart")
{
    requireSharedData();
    Imported &data = imported();
    const QDate dos(2026, 2, 10);
    for (const char *header : {"F41", "F43.8", "F43.1", "F32", "Z63", "T36.0X1"}) {
        CAPTURE(header);
        const auto result = data.index->check(QString::fromLatin1(header), dos);
        REQUIRE_FALSE(result);
        CHECK(result.error().kind == Kind::HeaderNotBillable);
    }
    for (const char *leaf : {"F41.1", "F43.10", "F32.A", "Z63.0", "T36.0X1A", "F90.2"}) {
        CAPTURE(leaf);
        CHECK(data.index->check(QString::fromLatin1(leaf), dos));
    }
    CHECK(data.index->check(u"F41.7", dos).error().kind == Kind::UnknownCode);
    CHECK(data.index->check(u"F41.1", QDate(2024, 9, 30)).error().kind == Kind::NoReleaseForDate);
    CHECK(data.index->check(u"F41.1", QDate(2026, 10, 1)).error().kind == Kind::NoReleaseForDate);

    // The store and the index give the same answer for every code in a slice of both years.
    const auto fy2026 = data.repository->codes(2026);
    REQUIRE(fy2026);
    for (std::size_t i = 0; i < fy2026->size(); i += 997) {
        const QString &code = (*fy2026)[i].code;
        CAPTURE(code.toStdString());
        for (const QDate &date : {QDate(2025, 9, 1), QDate(2025, 11, 1)}) {
            const auto fromIndex = data.index->check(code, date);
            const auto fromStore = data.repository->check(code, date);
            REQUIRE(fromStore);
            REQUIRE(fromIndex.hasValue() == fromStore->hasValue());
            if (!fromIndex) {
                CHECK(fromIndex.error().kind == fromStore->error().kind);
            }
        }
    }
}

TEST_CASE("the built-in list matches both CMS releases")
{
    requireSharedData();
    Imported &data = imported();
    for (const BuiltInIcd10Code &code : builtInIcd10Codes()) {
        const QString text = QString::fromLatin1(code.code);
        CAPTURE(text.toStdString());
        for (const QDate &date : {QDate(2025, 5, 1), QDate(2026, 5, 1)}) {
            const auto result = data.index->check(text, date);
            REQUIRE(result);
            CHECK_FALSE(result->builtIn);
        }
        const auto current = data.repository->check(text, QDate(2026, 5, 1));
        CHECK((*current)->description == QString::fromLatin1(code.description));
    }
}

TEST_CASE("search by code prefix ranks the exact code, then billable codes, then headers")
{
    requireSharedData();
    const Icd10Index &index = *imported().index;
    const auto hits = index.search(u"F41", {50, 2026});
    REQUIRE(hits.size() >= 6);
    CHECK(hits[0].code == u"F41");
    CHECK(hits[0].match == Icd10SearchHit::Match::ExactCode);
    CHECK_FALSE(hits[0].billable);
    bool headersStarted = false;
    for (qsizetype i = 1; i < hits.size(); ++i) {
        CAPTURE(hits[i].code.toStdString());
        CHECK(hits[i].code.startsWith(u"F41"));
        CHECK(hits[i].match == Icd10SearchHit::Match::CodePrefix);
        headersStarted = headersStarted || !hits[i].billable;
        CHECK(hits[i].billable != headersStarted);
    }
    CHECK(index.search(u"f41.1", {5, 2026}).value(0).code == u"F411");
    CHECK(index.search(u"F411", {5, 2026}).value(0).description == u"Generalized anxiety disorder");

    // The fiscal year decides what a code prefix finds and whether it is billable.
    auto find = [&index](const char *query, int year, const char *code) {
        const auto found = index.search(QString::fromLatin1(query), {50, year});
        const auto it = std::find_if(found.cbegin(), found.cend(), [code](const auto &hit) {
            return hit.code == QLatin1String(code);
        });
        return it == found.cend() ? std::optional<Icd10SearchHit>() : *it;
    };
    CHECK(find("Z59.86", 2025, "Z5986")->billable);
    CHECK_FALSE(find("Z59.86", 2025, "Z59861"));
    CHECK_FALSE(find("Z59.86", 2026, "Z5986")->billable);
    CHECK(find("Z59.86", 2026, "Z59861")->billable);
    CHECK(index.search(u"F41", {5, 2024}).isEmpty());
}

TEST_CASE("search by words finds exactly the titles whose words the query's words start")
{
    requireSharedData();
    Imported &data = imported();
    const Icd10Index &index = *data.index;
    const auto fy2026 = data.repository->codes(2026);
    REQUIRE(fy2026);
    std::vector<QStringList> titleWords;
    for (const Icd10Code &code : *fy2026) {
        titleWords.push_back((code.longDescription + u' ' + code.shortDescription)
                                 .toLower()
                                 .split(separators(), Qt::SkipEmptyParts));
    }
    for (const char *query : {"generalized anxiety", "MAJOR depress recur", "post-trauma",
                              "alcohol dep with withdrawal", "financial insec", "a", "zzzq"}) {
        CAPTURE(query);
        const QString text = QString::fromLatin1(query);
        QSet<QString> expected;
        for (std::size_t i = 0; i < fy2026->size(); ++i) {
            if (wordsMatch(titleWords[i], text)) {
                expected.insert((*fy2026)[i].code);
            }
        }
        const auto hits = index.search(text, {200'000, 2026});
        QSet<QString> found;
        bool headersStarted = false;
        for (const auto &hit : hits) {
            found.insert(hit.code);
            headersStarted = headersStarted || !hit.billable;
            REQUIRE(hit.billable != headersStarted);
        }
        CHECK(found.size() == hits.size());
        CHECK(found == expected);
    }
    CHECK(index.search(u"generalized anxiety", {3, 2026}).value(0).code == u"F411");
    const auto limited = index.search(u"depress", {10, 2026});
    CHECK(limited.size() == 10);
}

TEST_CASE("the extracted FY2026 codes file imports the same billable codes and derives headers")
{
    requireSharedData();
    Imported &data = imported();
    TempDir dir;
    ManualClock clock;
    auto store = openStore(dir, clock);
    REQUIRE(store);
    Icd10Repository repository(*store);
    const auto summary = repository.importFile(makeActor(store->ids()), codes2026);
    REQUIRE(summary);
    CHECK(summary->release.layout == Icd10Layout::CodesFile);
    CHECK(summary->release.headersDerived);
    CHECK(summary->release.billableCount == 74'719);
    CHECK(summary->release.headerCount == 23'221);

    const auto fromCodes = repository.codes(2026);
    const auto fromOrder = data.repository->codes(2026);
    REQUIRE(fromCodes);
    REQUIRE(fromOrder);
    QHash<QString, const Icd10Code *> order;
    for (const Icd10Code &code : *fromOrder) {
        order.insert(code.code, &code);
    }
    for (const Icd10Code &code : *fromCodes) {
        const Icd10Code *official = order.value(code.code);
        CAPTURE(code.code.toStdString());
        REQUIRE(official);
        REQUIRE(official->billable == code.billable);
        if (code.billable) {
            REQUIRE(official->longDescription == code.longDescription);
        }
    }
}
