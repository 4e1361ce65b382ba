// SPDX-License-Identifier: Apache-2.0
// `sessionbook-office scrub`: the real binary, claims as JSON lines in, one result per line.
#include "officecli.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <catch2/catch_test_macros.hpp>

namespace {

using Result = sb::test::OfficeRun;
using sb::test::officeBinary;

Result runScrub(const QByteArray &input, const QStringList &extraArguments = {})
{
    return sb::test::runOffice(QStringLiteral("scrub"), input, extraArguments);
}

/// A clean claim: LCSW psychotherapy in person for a commercial payer on 2026-03-02.
QJsonObject clean()
{
    const auto list = [](std::initializer_list<QJsonValue> values) {
        return QJsonArray(values);
    };
    return QJsonObject{
        {QStringLiteral("patient"), QStringLiteral("pt-7f3a")},
        {QStringLiteral("payer"), QStringLiteral("payer-acme")},
        {QStringLiteral("payer_kind"), QStringLiteral("commercial")},
        {QStringLiteral("billing_npi"), QStringLiteral("1234567893")},
        {QStringLiteral("rendering_npi"), QStringLiteral("1558598797")},
        {QStringLiteral("dos"), QStringLiteral("2026-03-02")},
        {QStringLiteral("scrub_date"), QStringLiteral("2026-03-10")},
        {QStringLiteral("pos"), QStringLiteral("11")},
        {QStringLiteral("modality"), QStringLiteral("in_person")},
        {QStringLiteral("diagnoses"), list({QStringLiteral("F41.1")})},
        {QStringLiteral("lines"),
         list({QJsonObject{{QStringLiteral("cpt"), QStringLiteral("90834")},
                           {QStringLiteral("pointers"), list({1})},
                           {QStringLiteral("minutes"), 45}}})},
        {QStringLiteral("authorization_required"), true},
        {QStringLiteral("authorization"),
         QJsonObject{{QStringLiteral("start"), QStringLiteral("2026-01-01")},
                     {QStringLiteral("end"), QStringLiteral("2026-06-30")},
                     {QStringLiteral("unit"), QStringLiteral("visits")},
                     {QStringLiteral("authorized"), 12},
                     {QStringLiteral("used"), 3},
                     {QStringLiteral("codes"), list({QStringLiteral("90834")})}}},
        {QStringLiteral("eligibility"),
         QJsonObject{{QStringLiteral("checked_at"), QStringLiteral("2026-02-20T15:00:00Z")},
                     {QStringLiteral("active"), true}}},
        {QStringLiteral("credentialing"),
         list({QJsonObject{{QStringLiteral("status"), QStringLiteral("in_network")},
                           {QStringLiteral("effective"), QStringLiteral("2025-01-01")}}})},
        {QStringLiteral("note_signed"), true},
    };
}

QByteArray line(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

QJsonObject with(QJsonObject object, const char *key, const QJsonValue &value)
{
    object.insert(QLatin1String(key), value);
    return object;
}

QJsonObject parse(const QByteArray &text)
{
    const QJsonDocument document = QJsonDocument::fromJson(text);
    REQUIRE(document.isObject());
    return document.object();
}

QStringList ids(const QJsonObject &result)
{
    QStringList out;
    for (const auto &finding : result.value(u"findings").toArray()) {
        out.append(finding.toObject().value(u"id").toString());
    }
    return out;
}

} // namespace

TEST_CASE("scrub: one result line per claim line, in order, errors in place")
{
    REQUIRE(QFileInfo::exists(officeBinary()));
    QJsonObject late = with(clean(), "scrub_date", QStringLiteral("2026-06-01"));
    late.insert(QStringLiteral("patient"), QStringLiteral("pt-other"));
    QJsonObject fy2026 = with(clean(), "diagnoses", QJsonArray{QStringLiteral("E11.A")});
    fy2026.insert(QStringLiteral("patient"), QStringLiteral("pt-third"));
    const QByteArray input =
        line(clean())
        + R"({"patient":"pt-1","dos":"2026-03-02",)"
          "\n"
        + line(with(clean(), "rendering_npi", QStringLiteral("1558598798")))
        + line(with(clean(), "modality", QStringLiteral("hologram-Jane-Doe"))) + "\n"
        + line(
            with(clean(), "eligibility",
                 QJsonObject{{QStringLiteral("checked_at"), QStringLiteral("2026-02-20")},
                             {QStringLiteral("active"), true},
                             {QStringLiteral("carved_out"), true},
                             {QStringLiteral("carve_out_payer"), QStringLiteral("Magellan BH")}}))
        + line(late) + line(with(clean(), "patient_nmae", QStringLiteral("Jane Doe")))
        + line(fy2026);
    const Result result = runScrub(input);
    INFO(result.stderrText.toStdString());
    REQUIRE(result.exitCode == 0);
    REQUIRE(result.lines.size() == 8);

    const QJsonObject first = parse(result.lines[0]);
    CHECK(first.value(u"exportable") == QJsonValue(true));
    CHECK(first.value(u"findings").toArray().isEmpty());

    CHECK(parse(result.lines[1]).keys() == QStringList{QStringLiteral("error")});

    // The same claim again (other NPI would be another key: only the NPI changed here, so the
    // duplicate does not fire; the bad check digit does).
    const QJsonObject npi = parse(result.lines[2]);
    CHECK(npi.value(u"exportable") == QJsonValue(false));
    CHECK(ids(npi) == QStringList{QStringLiteral("scrub.npi.rendering_invalid")});
    const QJsonObject finding = npi.value(u"findings").toArray()[0].toObject();
    CHECK(finding.value(u"severity").toString() == u"error");
    CHECK(finding.value(u"message").toString().contains(u"1558598798"));

    const QString enumError = parse(result.lines[3]).value(u"error").toString();
    CHECK(enumError.contains(u"modality"));
    CHECK_FALSE(enumError.contains(u"Jane"));

    // The clean claim of line 1 was built: the same patient, payer, provider and date again
    // is a duplicate; the carve-out names the payer to bill.
    const QJsonObject carved = parse(result.lines[4]);
    CHECK(ids(carved)
          == QStringList(
              {QStringLiteral("scrub.claim.duplicate"), QStringLiteral("scrub.elig.carved_out")}));
    CHECK(carved.value(u"findings")
              .toArray()[1]
              .toObject()
              .value(u"message")
              .toString()
              .contains(u"Magellan BH"));

    const QJsonObject filing = parse(result.lines[5]);
    CHECK(filing.value(u"exportable") == QJsonValue(false));
    CHECK(ids(filing) == QStringList{QStringLiteral("scrub.filing.passed")});

    CHECK(parse(result.lines[6]).value(u"error").toString() == u"unknown field 'patient_nmae'");

    // E11.A is not in the built-in list: with no release imported it cannot be checked.
    const QJsonObject dx = parse(result.lines[7]);
    CHECK(ids(dx) == QStringList{QStringLiteral("scrub.dx.no_release")});
    for (const QByteArray &text : result.lines) {
        CHECK_FALSE(text.contains("pt-"));
    }
}

TEST_CASE("scrub --settings FILE changes severities; a bad file stops with an error")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("scrub.json"));
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(R"({"format":1,"version":"cli-test",
        "checks":{"scrub.note.unsigned":{"severity":"warning"}}})");
    file.close();

    const QByteArray input = line(with(clean(), "note_signed", false));
    const Result builtin = runScrub(input);
    REQUIRE(builtin.lines.size() == 1);
    CHECK(parse(builtin.lines[0]).value(u"exportable") == QJsonValue(false));

    const Result softened = runScrub(input, {QStringLiteral("--settings"), path});
    REQUIRE(softened.exitCode == 0);
    REQUIRE(softened.lines.size() == 1);
    const QJsonObject result = parse(softened.lines[0]);
    CHECK(result.value(u"exportable") == QJsonValue(true));
    CHECK(result.value(u"findings").toArray()[0].toObject().value(u"severity").toString()
          == u"warning");

    const Result version =
        runScrub({}, {QStringLiteral("--settings"), path, QStringLiteral("--settings-version")});
    REQUIRE(version.lines.size() == 1);
    CHECK(version.lines[0].contains("cli-test"));

    QFile bad(dir.filePath(QStringLiteral("bad.json")));
    REQUIRE(bad.open(QIODevice::WriteOnly));
    bad.write(R"({"format":1,"timed_codes":[{"id":"T-BAD","cpt":"x","min":1}]})");
    bad.close();
    const Result failed = runScrub(input, {QStringLiteral("--settings"), bad.fileName()});
    CHECK(failed.exitCode == 2);
    CHECK(failed.lines.isEmpty());
    CHECK(failed.stderrText.contains("timed_codes[T-BAD]"));
}
