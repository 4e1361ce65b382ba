// SPDX-License-Identifier: Apache-2.0
// `sessionbook-office code`: the real binary, JSON lines in and out, in order.
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

Result runCode(const QByteArray &input, const QStringList &extraArguments = {})
{
    return sb::test::runOffice(QStringLiteral("code"), input, extraArguments);
}

/// A JSON value written briefly in the tables below (QT_NO_CAST_FROM_ASCII forbids the
/// implicit conversions).
struct Value {
    Value(const char *text)
        : json(QString::fromLatin1(text))
    {
    }
    Value(int number)
        : json(number)
    {
    }
    Value(bool flag)
        : json(flag)
    {
    }
    Value(const QJsonArray &list)
        : json(list)
    {
    }
    QJsonValue json;
};

/// One input line: an in-person LCSW session for a commercial payer on 2026-03-02, with
/// `changes` applied on top.
QByteArray session(std::initializer_list<std::pair<const char *, Value>> changes)
{
    QJsonObject object{{QStringLiteral("service"), QStringLiteral("individual_psychotherapy")},
                       {QStringLiteral("minutes"), 45},
                       {QStringLiteral("modality"), QStringLiteral("in_person")},
                       {QStringLiteral("patient_location"), QStringLiteral("home")},
                       {QStringLiteral("payer"), QStringLiteral("commercial")},
                       {QStringLiteral("provider"), QStringLiteral("lcsw")},
                       {QStringLiteral("dos"), QStringLiteral("2026-03-02")}};
    for (const auto &[key, value] : changes) {
        object.insert(QLatin1String(key), value.json);
    }
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

QJsonObject parse(const QByteArray &line)
{
    const QJsonDocument document = QJsonDocument::fromJson(line);
    REQUIRE(document.isObject());
    return document.object();
}

} // namespace

TEST_CASE("code: one output line per input line, in order, errors in place")
{
    REQUIRE(QFileInfo::exists(officeBinary()));
    const QByteArray input =
        session({{"minutes", 45}, {"modality", "video"}, {"interactive_complexity", true}})
        + R"({"service":"individual_psychotherapy","minutes":45,)"
          "\n"
        + session({{"service", "crisis"},
                   {"minutes", 60},
                   {"payer", "medicare"},
                   {"provider", "psychologist"},
                   {"interactive_complexity", true}})
        + session({{"modality", "hologram-Jane-Doe"}}) + "\n"
        + session({{"service", "psychotherapy_with_em"}, {"minutes", 30}, {"em_code", "99213"}})
        + session({{"modality", "audio_only"},
                   {"payer", "medicaid"},
                   {"provider", "lpc"},
                   {"state", "WI"},
                   {"requested_modifiers", QJsonArray{QStringLiteral("FQ"), QStringLiteral("XU")}},
                   {"same_date_lines", QJsonArray{QStringLiteral("90846")}}})
        + session({{"minutes", "45"}}) + session({{"dos", "2026-02-30"}});
    const Result result = runCode(input);
    INFO(result.stderrText.toStdString());
    REQUIRE(result.exitCode == 0);
    REQUIRE(result.lines.size() == 8);

    const QJsonObject first = parse(result.lines[0]);
    CHECK(first.value(u"billable").toBool());
    CHECK(first.value(u"pos").toString() == u"10");
    const QJsonArray lines = first.value(u"lines").toArray();
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].toObject().value(u"cpt").toString() == u"90834");
    CHECK(lines[0].toObject().value(u"units").toInt() == 1);
    CHECK(lines[0].toObject().value(u"modifiers").toArray() == QJsonArray{QStringLiteral("95")});
    CHECK(lines[0].toObject().value(u"rule").toString() == u"PT-IND-90834");
    CHECK(lines[1].toObject().value(u"cpt").toString() == u"90785");
    CHECK(first.value(u"refused").toArray().isEmpty());
    CHECK(first.value(u"warnings").toArray().isEmpty());

    const QJsonObject malformed = parse(result.lines[1]);
    CHECK(malformed.keys() == QStringList{QStringLiteral("error")});

    const QJsonObject crisis = parse(result.lines[2]);
    CHECK(crisis.value(u"billable").toBool());
    CHECK(crisis.value(u"pos").toString() == u"11");
    const QJsonArray refused = crisis.value(u"refused").toArray();
    REQUIRE(refused.size() == 1);
    CHECK(refused[0].toObject().value(u"cpt").toString() == u"90785");
    CHECK(refused[0].toObject().value(u"rule").toString() == u"PAIR-CRISIS-IC");
    CHECK_FALSE(refused[0].toObject().value(u"reason").toString().isEmpty());

    const QString unknownEnum = parse(result.lines[3]).value(u"error").toString();
    CHECK(unknownEnum.contains(u"modality"));
    CHECK_FALSE(unknownEnum.contains(u"Jane"));
    CHECK_FALSE(unknownEnum.contains(u"hologram"));

    const QJsonObject lcswEm = parse(result.lines[4]);
    CHECK(lcswEm.value(u"billable") == QJsonValue(false));
    CHECK(lcswEm.value(u"rule").toString() == u"PT-EM-PRESCRIBER");
    CHECK(lcswEm.value(u"reason").toString().contains(u"E/M"));

    const QJsonObject medicaid = parse(result.lines[5]);
    REQUIRE(medicaid.value(u"billable").toBool());
    REQUIRE(medicaid.value(u"lines").toArray().size() == 1);
    const QJsonObject line = medicaid.value(u"lines").toArray()[0].toObject();
    // State credential modifier, the same-day bypass on the column-2 code, audio-only 93.
    CHECK(line.value(u"modifiers").toArray()
          == QJsonArray({QStringLiteral("HO"), QStringLiteral("XU"), QStringLiteral("93")}));
    REQUIRE(medicaid.value(u"refused").toArray().size() == 1); // FQ is not accepted
    CHECK(medicaid.value(u"refused").toArray()[0].toObject().value(u"modifier").toString()
          == u"FQ");
    CHECK(medicaid.value(u"warnings").toArray().isEmpty());

    CHECK(parse(result.lines[6]).value(u"error").toString().contains(u"minutes"));
    CHECK(parse(result.lines[7]).value(u"error").toString().contains(u"dos"));
}

TEST_CASE("code --rules FILE overrides the built-in rules; a bad file stops with an error")
{
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("rules.json"));
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(R"({"format":1,"version":"cli-test","services":[{"id":"PT-IND",
        "when":{"service":"individual_psychotherapy"},
        "bands":[{"id":"PT-IND-90832-STRICT","cpt":"90832","min":20,"reason":"Stricter payer."}],
        "below":{"id":"PT-IND-UNDER-20","reason":"Under 20 minutes is not billable here."}}]})");
    file.close();

    const QByteArray input = session({{"minutes", 18}});
    const Result builtin = runCode(input);
    REQUIRE(builtin.lines.size() == 1);
    CHECK(parse(builtin.lines[0]).value(u"billable").toBool());

    const Result overridden = runCode(input, {QStringLiteral("--rules"), path});
    REQUIRE(overridden.exitCode == 0);
    REQUIRE(overridden.lines.size() == 1);
    CHECK(parse(overridden.lines[0]).value(u"rule").toString() == u"PT-IND-UNDER-20");

    const Result version =
        runCode({}, {QStringLiteral("--rules"), path, QStringLiteral("--rules-version")});
    REQUIRE(version.lines.size() == 1);
    CHECK(version.lines[0].contains("cli-test"));

    QFile bad(dir.filePath(QStringLiteral("bad.json")));
    REQUIRE(bad.open(QIODevice::WriteOnly));
    bad.write(R"({"format":1,"mue":[{"id":"M","cpt":"x","units":1}]})");
    bad.close();
    const Result failed = runCode(input, {QStringLiteral("--rules"), bad.fileName()});
    CHECK(failed.exitCode == 2);
    CHECK(failed.lines.isEmpty());
    CHECK(failed.stderrText.contains("mue[M]"));
}

TEST_CASE("code: unknown fields are errors that never echo input values")
{
    const QByteArray input = session({{"patient_nmae", "Jane Doe"}})
                             + session({{"Jane Doe 1970-01-01", true}})
                             + session({{"primary_dx", "not a code Jane"}});
    const Result result = runCode(input);
    REQUIRE(result.lines.size() == 3);
    CHECK(parse(result.lines[0]).value(u"error").toString() == u"unknown field 'patient_nmae'");
    CHECK(parse(result.lines[1]).value(u"error").toString() == u"unknown field");
    const QString dx = parse(result.lines[2]).value(u"error").toString();
    CHECK(dx.contains(u"primary_dx"));
    CHECK_FALSE(dx.contains(u"Jane"));
}
