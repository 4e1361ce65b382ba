// SPDX-License-Identifier: Apache-2.0
#include "domain/ids.h"
#include "util/clock.h"
#include "util/expected.h"
#include "util/jsonoverlay.h"
#include "util/sha256.h"
#include "util/uuid7.h"

#include <QCryptographicHash>
#include <QDate>
#include <QJsonObject>

#include <catch2/catch_test_macros.hpp>
#include <limits>
#include <set>

using namespace sb;

TEST_CASE("UUIDv7 ids carry the clock's millisecond and version/variant bits")
{
    ManualClock clock(1'767'225'600'123);
    Uuid7Generator generator(clock);
    const QUuid id = generator.next();
    const QByteArray bytes = id.toRfc4122();
    CHECK((uchar(bytes[6]) >> 4) == 7);      // version 7 (Qt 6.4's QUuid::version() predates v7)
    CHECK((uchar(bytes[8]) & 0xC0) == 0x80); // RFC 9562 variant
    CHECK(Uuid7Generator::timestampMs(id) == 1'767'225'600'123);
}

TEST_CASE("UUIDv7 ids are strictly increasing, within a millisecond and when the clock steps back")
{
    ManualClock clock(1'767'225'600'000);
    Uuid7Generator generator(clock);
    std::vector<SessionId> ids;
    for (int i = 0; i < 5000; ++i) { // more than the 4096 ids one millisecond's counter holds
        ids.emplace_back(generator.next());
    }
    clock.setWallMs(1'767'225'500'000); // the wall clock goes back 100 s
    for (int i = 0; i < 100; ++i) {
        ids.emplace_back(generator.next());
    }
    for (std::size_t i = 1; i < ids.size(); ++i) {
        REQUIRE(ids[i - 1] < ids[i]);
    }
    std::set<QString> unique;
    for (const auto &id : ids) {
        unique.insert(id.toString());
    }
    CHECK(unique.size() == ids.size());
}

TEST_CASE("Typed ids round-trip through their string form and refuse garbage")
{
    ManualClock clock;
    Uuid7Generator generator(clock);
    const PatientId id(generator.next());
    const auto parsed = PatientId::fromString(id.toString());
    REQUIRE(parsed.has_value());
    CHECK(*parsed == id);
    CHECK_FALSE(PatientId::fromString(u"not-a-uuid").has_value());
    CHECK_FALSE(PatientId::fromString(u"'; DROP TABLE patients;--").has_value());
}

TEST_CASE("Expected carries either a value or a typed error")
{
    enum class Error { Bad };
    Expected<int, Error> good(42);
    Expected<int, Error> bad = unexpected(Error::Bad);
    REQUIRE(good.hasValue());
    CHECK(*good == 42);
    REQUIRE_FALSE(bad.hasValue());
    CHECK(bad.error() == Error::Bad);
    CHECK(bad.valueOr(7) == 7);
    Expected<void, Error> ok;
    Expected<void, Error> failed = unexpected(Error::Bad);
    CHECK(ok.hasValue());
    CHECK_FALSE(failed.hasValue());
}

TEST_CASE("sha256 matches the FIPS 180-2 vectors and Qt's implementation on the same bytes")
{
    CHECK(sb::sha256("abc").toHex()
          == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sb::sha256("").toHex()
          == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // Hashes already stored (content hashes, the audit chain) must not change with the
    // implementation: the length-prefixed builder equals hashing the same bytes with Qt.
    for (const int prefix : {4, 8}) {
        sb::LengthPrefixedSha256 built(prefix);
        QCryptographicHash reference(QCryptographicHash::Sha256);
        const QList<QByteArray> fields{QByteArray(), QByteArray("note"), QByteArray(3000, 'x')};
        for (const QByteArray &field : fields) {
            built.addField(field);
            const auto size = static_cast<quint64>(field.size());
            for (int shift = (prefix - 1) * 8; shift >= 0; shift -= 8) {
                const char byte = static_cast<char>((size >> shift) & 0xFF);
                reference.addData(QByteArrayView(&byte, 1));
            }
            reference.addData(field);
        }
        CHECK(built.result() == reference.result());
    }
    // Text and numbers take a path without temporaries; the bytes must be toUtf8()'s and
    // QByteArray::number()'s, including non-ASCII text and a lone surrogate.
    const QList<QString> texts{QString(), QStringLiteral("F41.1"), QStringLiteral("Zoë — 😀"),
                               QString(QChar(0xD800)) + QStringLiteral("x")};
    for (const QString &text : texts) {
        sb::LengthPrefixedSha256 fast(8);
        sb::LengthPrefixedSha256 plain(8);
        fast.addUtf8Field(text);
        plain.addField(text.toUtf8());
        CHECK(fast.result() == plain.result());
    }
    for (const std::int64_t value :
         {std::int64_t{0}, std::int64_t{-1'250}, std::numeric_limits<std::int64_t>::min(),
          std::numeric_limits<std::int64_t>::max()}) {
        sb::LengthPrefixedSha256 fast(8);
        sb::LengthPrefixedSha256 plain(8);
        fast.addDecimalField(value);
        plain.addField(QByteArray::number(qlonglong(value)));
        CHECK(fast.result() == plain.result());
    }
}

TEST_CASE("The system clock names this boot the same way every time; a manual reboot changes it")
{
    const SystemClock a;
    const SystemClock b;
    CHECK(a.bootId() != 0);
    CHECK(a.bootId() == b.bootId());
    ManualClock manual;
    manual.advanceMs(5'000);
    const std::int64_t before = manual.bootId();
    manual.reboot();
    CHECK(manual.bootId() != before);
    CHECK(manual.monotonicMs() == 0);
}

namespace {

OverlayFormat testFormat()
{
    return OverlayFormat{
        1, {QStringLiteral("settings")}, {QStringLiteral("checks")}, {QStringLiteral("rules")}};
}

} // namespace

TEST_CASE("JsonOverlay lays documents over each other by key, field and id")
{
    JsonOverlay overlay(testFormat());
    REQUIRE(overlay
                .add(QStringLiteral("base"), R"({"format": 1, "version": "7", "note": "x",
        "settings": {"a": 1, "b": 2},
        "checks": {"c1": {"severity": "error", "message": "m1"}},
        "rules": [{"id": "R1", "v": 1}, {"id": "R2", "v": 2}, {"id": "R3", "v": 3}]})")
                .isEmpty());
    REQUIRE(overlay
                .add(QStringLiteral("practice"), R"({"format": 1,
        "settings": {"b": 5},
        "checks": {"c1": {"severity": "off"}},
        "rules": [{"id": "R2", "v": 20}, {"id": "R1", "disabled": true}, {"id": "R4", "v": 4}]})")
                .isEmpty());

    CHECK(overlay.section(QStringLiteral("settings"))
          == QJsonObject{{QStringLiteral("a"), 1}, {QStringLiteral("b"), 5}});
    // A nested entry keeps the fields the later document leaves alone.
    const QJsonObject c1 = overlay.section(QStringLiteral("checks")).value(u"c1").toObject();
    CHECK(c1.value(u"severity").toString() == u"off");
    CHECK(c1.value(u"message").toString() == u"m1");

    const OverlaidList &rules = overlay.list(QStringLiteral("rules"));
    QStringList present;
    for (const QString &id : rules.order) {
        if (rules.byId.count(id) != 0) {
            present.append(id);
        }
    }
    CHECK(present
          == QStringList{QStringLiteral("R2"), QStringLiteral("R3"),
                         QStringLiteral("R4")}); // R2 keeps its place
    const OverlaidEntry &r2 = rules.byId.at(QStringLiteral("R2"));
    CHECK(r2.object.value(u"v").toInt() == 20);
    CHECK(r2.source == u"practice");
    CHECK(r2.document == 1);
    CHECK(r2.sequence > rules.byId.at(QStringLiteral("R3")).sequence);
    CHECK(overlay.list(QStringLiteral("none")).order.empty());

    REQUIRE(overlay.documents().size() == 2);
    CHECK(overlay.documents()[0].version.toString() == u"7");
    CHECK(overlay.documents()[1].version.isUndefined());
}

TEST_CASE("JsonOverlay refuses a misshapen document whole, naming the document and section")
{
    struct Bad {
        const char *json;
        const char *mentions;
    };
    const Bad cases[] = {
        {"not json", "practice: not a JSON object"},
        {"[1]", "not a JSON object"},
        {R"({"format": 2})", "unsupported rule format (expected \"format\": 1)"},
        {R"({"format": 1, "extra": {}})", "unknown section 'extra'"},
        {R"({"format": 1, "settings": [1]})", "settings must be an object"},
        {R"({"format": 1, "checks": {"c1": "off"}})", "checks[c1] must be an object"},
        {R"({"format": 1, "rules": {}})", "rules must be a list"},
        {R"({"format": 1, "settings": {"a": 9}, "rules": [{"v": 1}]})",
         "rules: every entry needs an id"},
    };
    for (const Bad &bad : cases) {
        JsonOverlay overlay(testFormat());
        REQUIRE(overlay.add(QStringLiteral("base"), R"({"format": 1, "settings": {"a": 1}})")
                    .isEmpty());
        const QString problem = overlay.add(QStringLiteral("practice"), bad.json);
        INFO(bad.json << " -> " << problem.toStdString());
        CHECK(problem.startsWith(u"practice: "));
        CHECK(problem.contains(QLatin1String(bad.mentions)));
        CHECK(overlay.section(QStringLiteral("settings")).value(u"a").toInt()
              == 1); // nothing merged
        CHECK(overlay.documents().size() == 1);
    }
}

TEST_CASE("JSON rule values: unknown keys, dates and whole numbers")
{
    const QJsonObject object{{QStringLiteral("id"), 1},
                             {QStringLiteral("note"), QStringLiteral("why")},
                             {QStringLiteral("payr"), 2}};
    CHECK(unknownJsonKey(object, {"id", "payr"}).isEmpty());
    CHECK(unknownJsonKey(object, {"id", "payer"}) == u"payr");
    CHECK(jsonJulianDay(QJsonValue(QStringLiteral("2026-03-02")))
          == QDate(2026, 3, 2).toJulianDay());
    CHECK_FALSE(jsonJulianDay(QJsonValue(QStringLiteral("2026-13-01"))));
    CHECK_FALSE(jsonJulianDay(QJsonValue(20260302)));
    CHECK(jsonWholeNumber(QJsonValue(14), 0, 100) == 14);
    CHECK_FALSE(jsonWholeNumber(QJsonValue(1.5), 0, 100));
    CHECK_FALSE(jsonWholeNumber(QJsonValue(-1), 0, 100));
    CHECK_FALSE(jsonWholeNumber(QJsonValue(101), 0, 100));
    CHECK_FALSE(jsonWholeNumber(QJsonValue(QStringLiteral("14")), 0, 100));
}
