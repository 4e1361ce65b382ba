// SPDX-License-Identifier: Apache-2.0
// Reading CMS release files and importing them: small hand-made files in both CMS layouts,
// malformed files rejected whole with nothing stored, fiscal years from names, re-imports.
#include "codesets/icd10index.h"
#include "codesets/icd10release.h"
#include "codesets/icd10repository.h"
#include "fixtures.h"
#include "store/store.h"

#include <QFile>

#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::test;
using namespace Qt::StringLiterals;

namespace {

/// One line of the codes-file layout: code in columns 1-7, a space, the long title.
QByteArray codesLine(const char *code, const char *title)
{
    return QByteArray(code).leftJustified(7, ' ') + ' ' + title + "\r\n";
}

/// One line of the order-file layout (icd10OrderFiles.pdf).
QByteArray orderLine(int order, const char *code, bool billable, const char *title)
{
    return QByteArray::number(order).rightJustified(5, '0') + ' '
           + QByteArray(code).leftJustified(7, ' ') + ' ' + (billable ? '1' : '0') + ' '
           + QByteArray(title).left(60).leftJustified(60, ' ') + ' ' + title + "\r\n";
}

QByteArray smallCodesFile()
{
    return codesLine("F410", "Panic disorder [episodic paroxysmal anxiety]")
           + codesLine("F411", "Generalized anxiety disorder")
           + codesLine("F4181", "Mixed anxiety and depressive disorder")
           + codesLine("F4189", "Other specified anxiety disorders")
           + codesLine("F419", "Anxiety disorder, unspecified")
           + codesLine("T360X1A", "Poisoning by penicillins, accidental (unintentional), initial "
                                  "encounter");
}

QByteArray smallOrderFile()
{
    return orderLine(1, "F41", false, "Other anxiety disorders")
           + orderLine(2, "F410", true, "Panic disorder [episodic paroxysmal anxiety]")
           + orderLine(3, "F411", true, "Generalized anxiety disorder")
           + orderLine(4, "F418", false, "Other specified anxiety disorders")
           + orderLine(5, "F4181", true, "Mixed anxiety and depressive disorder")
           + orderLine(6, "F4189", true, "Other specified anxiety disorders")
           + orderLine(7, "F419", true, "Anxiety disorder, unspecified");
}

QString writeFile(const TempDir &dir, const QString &name, const QByteArray &bytes)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    REQUIRE(file.write(bytes) == bytes.size());
    return path;
}

QStringList codesOf(const Icd10Release &release, bool billable)
{
    QStringList codes;
    for (const Icd10Code &code : release.codes) {
        if (code.billable == billable) {
            codes.append(code.code);
        }
    }
    return codes;
}

} // namespace

TEST_CASE("a codes file gives billable codes and derives headers from their prefixes")
{
    auto release = parseIcd10Text(smallCodesFile(), QStringLiteral("icd10cm_codes_2026.txt"));
    REQUIRE(release);
    CHECK(release->fiscalYear == 2026);
    CHECK(release->layout == Icd10Layout::CodesFile);
    CHECK(release->headersDerived);
    CHECK(release->billableCount() == 6);
    CHECK(codesOf(*release, true)
          == QStringList({u"F410"_s, u"F411"_s, u"F4181"_s, u"F4189"_s, u"F419"_s, u"T360X1A"_s}));
    // T36.0X (ends in placeholder X) is not derived; T36, T360 and T360X1 are.
    CHECK(codesOf(*release, false)
          == QStringList({u"F41"_s, u"F418"_s, u"T36"_s, u"T360"_s, u"T360X1"_s}));
    CHECK(release->codes[1].longDescription == u"Generalized anxiety disorder");
}

TEST_CASE("an order file carries the billable flag and both titles")
{
    auto release = parseIcd10Text(smallOrderFile(), QStringLiteral("icd10cm_order_2025.txt"));
    REQUIRE(release);
    CHECK(release->fiscalYear == 2025);
    CHECK(release->layout == Icd10Layout::OrderFile);
    CHECK_FALSE(release->headersDerived);
    CHECK(codesOf(*release, false) == QStringList({u"F41"_s, u"F418"_s}));
    CHECK(release->billableCount() == 5);
    CHECK(release->codes[0].shortDescription == u"Other anxiety disorders");
    CHECK(release->codes[0].longDescription == u"Other anxiety disorders");
}

TEST_CASE("the fiscal year comes from the file name or the caller, never a guess")
{
    const QByteArray text = smallCodesFile();
    CHECK(parseIcd10Text(text, QStringLiteral("icd10cm-codes-April-1-2026.txt"))->fiscalYear
          == 2026);
    CHECK(parseIcd10Text(text, QStringLiteral("codes.txt"), 2025)->fiscalYear == 2025);
    const auto unknown = parseIcd10Text(text, QStringLiteral("codes.txt"));
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().kind == CodeSetError::Kind::UnknownYear);
    const auto mismatch = parseIcd10Text(text, QStringLiteral("icd10cm_codes_2026.txt"), 2025);
    REQUIRE_FALSE(mismatch);
    CHECK(mismatch.error().kind == CodeSetError::Kind::YearMismatch);
    const auto tooOld = parseIcd10Text(text, QStringLiteral("codes.txt"), 2014);
    REQUIRE_FALSE(tooOld);
    CHECK(tooOld.error().kind == CodeSetError::Kind::UnknownYear);
}

TEST_CASE("malformed files are rejected, naming the line")
{
    struct Case {
        const char *what;
        QByteArray text;
        QString line;
    };
    const QByteArray good = smallCodesFile();
    const QList<Case> cases{
        {"empty file", QByteArray(), u"line 1:"_s},
        {"bad code", good + codesLine("F4!1", "Broken"), u"line 7:"_s},
        {"too long code", good + "F41123456 Broken\r\n", u"line 7:"_s},
        {"no title", good + codesLine("F42", ""), u"line 7:"_s},
        {"duplicate", good + codesLine("F411", "Generalized anxiety disorder"), u"line 7:"_s},
        {"empty line inside", codesLine("F410", "Panic") + "\r\n" + codesLine("F411", "GAD"),
         u"line 2:"_s},
        {"control character", codesLine("F410", "Pan\x01ic"), u"line 1:"_s},
        {"not UTF-8", codesLine("F410", "Pan\xff\xfeic"), u"line 1:"_s},
        {"order file, bad flag",
         smallOrderFile()
             + QByteArray(orderLine(8, "F42", true, "Obsessive-compulsive")).replace(" 1 ", " 2 "),
         u"line 8:"_s},
        {"order file, numbers going back",
         smallOrderFile() + orderLine(3, "F42", false, "Obsessive-compulsive disorder"),
         u"line 8:"_s},
        {"order file, truncated line", smallOrderFile() + "00008 F42     0 Obsessive\r\n",
         u"line 8:"_s},
        {"codes and order lines mixed", smallOrderFile() + codesLine("F42", "Obsessive"),
         u"line 8:"_s},
    };
    for (const Case &c : cases) {
        CAPTURE(c.what);
        const auto result = parseIcd10Text(c.text, QStringLiteral("icd10cm_codes_2026.txt"));
        REQUIRE_FALSE(result);
        CHECK(result.error().kind == CodeSetError::Kind::Malformed);
        CHECK(result.error().message.contains(c.line));
    }
}

TEST_CASE("a malformed file imports nothing; a good one imports once and replaces on re-import")
{
    TempDir dir;
    ManualClock clock;
    auto store = openStore(dir, clock);
    REQUIRE(store);
    Icd10Repository repository(*store);
    const Actor actor = makeActor(store->ids());
    const auto auditBefore = store->audit().count();
    REQUIRE(auditBefore);

    const QString bad =
        writeFile(dir, u"icd10cm_codes_2026.txt"_s, smallCodesFile() + codesLine("F4!1", "Broken"));
    const auto rejected = repository.importFile(actor, bad);
    REQUIRE_FALSE(rejected);
    CHECK(rejected.error().kind == CodeSetError::Kind::Malformed);
    CHECK(repository.releases()->isEmpty());
    CHECK(rowCount(store->database(), "icd10_codes") == 0);
    CHECK(*store->audit().count() == *auditBefore);

    const QString notZip = writeFile(dir, u"cms_2026_dx.zip"_s, "PK\x03\x04 not really a zip");
    const auto zipRejected = repository.importFile(actor, notZip);
    REQUIRE_FALSE(zipRejected);
    CHECK(zipRejected.error().kind == CodeSetError::Kind::Malformed);

    const QString orderPath = writeFile(dir, u"icd10cm_order_2026.txt"_s, smallOrderFile());
    const auto first = repository.importFile(actor, orderPath);
    REQUIRE(first);
    CHECK_FALSE(first->replaced);
    CHECK(first->release.billableCount == 5);
    CHECK(first->release.headerCount == 2);
    CHECK(first->release.sourceName == u"icd10cm_order_2026.txt");
    CHECK(first->release.sha256.size() == 32);
    CHECK(rowCount(store->database(), "icd10_codes") == 7);
    const auto audit = store->audit().entriesFor(first->release.id);
    REQUIRE(audit);
    REQUIRE(audit->size() == 1);
    CHECK(audit->front().recordType == u"codeset");
    CHECK(audit->front().action == AuditAction::Create);

    // A malformed file for the same year leaves the stored release as it was.
    const auto rejectedAgain = repository.importFile(actor, bad);
    REQUIRE_FALSE(rejectedAgain);
    CHECK(rowCount(store->database(), "icd10_codes") == 7);
    CHECK(repository.releases()->value(0).id == first->release.id);

    // A write that fails inside the transaction (a duplicate the parser would have caught)
    // rolls back the deletion of the old rows and the audit row with it.
    Icd10Release duplicate = *parseIcd10Text(smallOrderFile(), u"icd10cm_order_2026.txt"_s);
    duplicate.codes.push_back(duplicate.codes.front());
    const auto auditMid = *store->audit().count();
    const auto failed = repository.import(actor, duplicate);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().kind == CodeSetError::Kind::Store);
    CHECK(rowCount(store->database(), "icd10_codes") == 7);
    CHECK(*store->audit().count() == auditMid);

    const QString codesPath = writeFile(dir, u"icd10cm_codes_2026.txt"_s, smallCodesFile());
    const auto second = repository.importFile(actor, codesPath);
    REQUIRE(second);
    CHECK(second->replaced);
    CHECK(rowCount(store->database(), "icd10_codes") == 11);
    const auto releases = repository.releases();
    REQUIRE(releases->size() == 1);
    CHECK(releases->front().layout == Icd10Layout::CodesFile);
    CHECK(releases->front().headersDerived);
    CHECK(releases->front().billableCount == 6);
    const auto replacedAudit = store->audit().entriesFor(second->release.id);
    REQUIRE(replacedAudit->size() == 1);
    CHECK(replacedAudit->front().action == AuditAction::Update);
    CHECK(store->audit().verify().intact);

    // Before and after: the store and the index agree on what the release says.
    const auto index = Icd10Index::load(repository);
    REQUIRE(index);
    CHECK_FALSE(index->isBuiltIn());
    CHECK(index->size() == 11);
    const QDate october(2025, 10, 1);
    for (const char *code : {"F41.1", "F41", "F41.8", "T36.0X1", "T36.0X1A", "F42.2", "F4!"}) {
        CAPTURE(code);
        const auto fromIndex = index->check(QString::fromLatin1(code), october);
        const auto fromStore = repository.check(QString::fromLatin1(code), october);
        REQUIRE(fromStore);
        REQUIRE(fromIndex.hasValue() == fromStore->hasValue());
        if (!fromIndex) {
            CHECK(fromIndex.error().kind == fromStore->error().kind);
        }
    }
    CHECK(index->check(u"F41.1", october));
    CHECK(index->check(u"F41", october).error().kind == Icd10Refusal::Kind::HeaderNotBillable);
    CHECK(index->check(u"T36.0X1", october).error().kind == Icd10Refusal::Kind::HeaderNotBillable);
    CHECK(index->check(u"F42.2", october).error().kind == Icd10Refusal::Kind::UnknownCode);
    const auto september = index->check(u"F41.1", QDate(2025, 9, 30));
    REQUIRE_FALSE(september);
    CHECK(september.error().kind == Icd10Refusal::Kind::NoReleaseForDate);
}
