// SPDX-License-Identifier: Apache-2.0
// sessionbook-office scrub: the claim scrubber over JSON lines (stdin → stdout).
//
// One claim per input line, a JSON object with these fields (snake_case enum names as in
// `code`; dates YYYY-MM-DD; only "dos" and "lines" are required):
//   patient, payer            opaque references (ids, never names), for the duplicate check
//   payer_kind                medicare | medicaid | commercial (default commercial)
//   payer_profile, state      payer profile name; two-letter state
//   billing_npi, rendering_npi
//   dos                       date of service
//   scrub_date                the day the claim would be sent (default: today)
//   pos                       place of service, two digits
//   modality                  in_person | video | audio_only (default in_person)
//   patient_location          office | home | other (default office)
//   diagnoses                 ICD-10-CM codes in claim order (A, B, ...)
//   lines                     [{"cpt", "units" (default 1), "modifiers": [..],
//                               "pointers": [1-based diagnosis numbers], "minutes"}]
//   authorization_required    true when the payer requires prior authorization
//   authorization             {"start", "end", "unit": visits|units, "authorized", "used"
//                               (before this claim), "codes": [CPT covered; empty = all]}
//   eligibility               {"checked_at" (date or UTC date-time), "active", "plan_begin",
//                               "plan_end", "carved_out", "carve_out_payer"}
//   credentialing             [{"status": pending|in_network|out_of_network|terminated,
//                               "effective", "end", "caqh_attested", "license_expires"}]
//   note_signed               true once the note is signed
//   frequency                 1 original (default), 7 replacement, 8 void
//   existing_claims           [{"patient", "payer", "rendering_npi", "dos"}] already built
// Diagnoses are checked against the releases imported into the store given with --database
// (and --key-file), else against the built-in list.
// Each exportable claim of the run also counts as built for the lines after it.
// Output per line: {"exportable":bool,"findings":[{"id","severity","message","line"?}]}, or
// {"error":...} for a line that cannot be read (values from the input are never echoed).
#include "claims/claimscrubber.h"
#include "codesets/icd10index.h"
#include "codesets/icd10repository.h"
#include "commands.h"
#include "domain/enums.h"
#include "keyoption.h"
#include "store/store.h"
#include "util/clock.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

namespace sb::office {

namespace {

using namespace sb::claims;

constexpr qsizetype kMaxLineBytes = 256 * 1024;

/// Why an input line could not be read. Names our fields, never echoes a value.
struct InputError {
    QString message;
};

class Reader {
public:
    Reader(const QJsonObject &object, QString context, InputError &error)
        : m_object(object)
        , m_context(std::move(context))
        , m_error(error)
    {
    }

    bool fail(const QString &what)
    {
        m_error.message = m_context + what;
        return false;
    }

    bool only(std::initializer_list<const char *> known)
    {
        for (auto it = m_object.begin(); it != m_object.end(); ++it) {
            const QString key = it.key(); // key() returns a new string each call
            const bool isKnown = std::any_of(
                known.begin(), known.end(), [&](const char *k) { return key == QLatin1String(k); });
            if (!isKnown) {
                const bool nameLike =
                    key.size() <= 32 && std::all_of(key.begin(), key.end(), [](QChar c) {
                        return (c >= u'a' && c <= u'z') || c == u'_';
                    });
                return fail(nameLike ? QStringLiteral("unknown field '") + key + u'\''
                                     : QStringLiteral("unknown field"));
            }
        }
        return true;
    }

    [[nodiscard]] bool has(const char *key) const
    {
        const QJsonValue value = m_object.value(QLatin1String(key));
        return !value.isUndefined() && !value.isNull();
    }

    bool text(const char *key, QString &out, qsizetype maxLength = 64)
    {
        if (!has(key)) {
            return true;
        }
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (!value.isString() || value.toString().size() > maxLength) {
            return fail(name(key) + QStringLiteral(" must be a string of at most ")
                        + QString::number(maxLength) + QStringLiteral(" characters"));
        }
        out = value.toString();
        return true;
    }

    bool flag(const char *key, bool &out)
    {
        if (!has(key)) {
            return true;
        }
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (!value.isBool()) {
            return fail(name(key) + QStringLiteral(" must be true or false"));
        }
        out = value.toBool();
        return true;
    }

    bool number(const char *key, int minimum, int maximum, int &out)
    {
        if (!has(key)) {
            return true;
        }
        const QJsonValue value = m_object.value(QLatin1String(key));
        const double n = value.toDouble(-1e9);
        if (!value.isDouble() || n < minimum || n > maximum || n != int(n)) {
            return fail(name(key) + QStringLiteral(" must be a whole number from ")
                        + QString::number(minimum) + QStringLiteral(" to ")
                        + QString::number(maximum));
        }
        out = int(n);
        return true;
    }

    bool date(const char *key, QDate &out, bool required = false)
    {
        if (!has(key)) {
            return !required || fail(QStringLiteral("missing field ") + name(key));
        }
        out = QDate::fromString(m_object.value(QLatin1String(key)).toString(), Qt::ISODate);
        if (!out.isValid()) {
            return fail(name(key) + QStringLiteral(" must be a date written YYYY-MM-DD"));
        }
        return true;
    }

    template<typename Enum> bool enumeration(const char *key, Enum &out)
    {
        if (!has(key)) {
            return true;
        }
        const QJsonValue value = m_object.value(QLatin1String(key));
        const auto parsed = value.isString() ? fromName<Enum>(value.toString()) : std::nullopt;
        if (!parsed) {
            return fail(QStringLiteral("unknown value for field ") + name(key));
        }
        out = *parsed;
        return true;
    }

    template<std::size_t N> bool code(const char *key, coding::FixedCode<N> &out)
    {
        if (!has(key)) {
            return true;
        }
        const auto parsed =
            coding::FixedCode<N>::parse(m_object.value(QLatin1String(key)).toString());
        if (!parsed) {
            return fail(QStringLiteral("invalid code in field ") + name(key));
        }
        out = *parsed;
        return true;
    }

    template<std::size_t N, std::size_t Capacity>
    bool codes(const char *key, InlineList<coding::FixedCode<N>, Capacity> &out)
    {
        if (!has(key)) {
            return true;
        }
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (!value.isArray()) {
            return fail(name(key) + QStringLiteral(" must be a list"));
        }
        for (const auto &item : value.toArray()) {
            const auto parsed = coding::FixedCode<N>::parse(item.toString());
            if (!parsed) {
                return fail(QStringLiteral("invalid code in field ") + name(key));
            }
            if (!out.push_back(*parsed)) {
                return fail(QStringLiteral("too many entries in field ") + name(key));
            }
        }
        return true;
    }

    bool array(const char *key, qsizetype maxItems, QJsonArray &out)
    {
        if (!has(key)) {
            return true;
        }
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (!value.isArray() || value.toArray().size() > maxItems) {
            return fail(name(key) + QStringLiteral(" must be a list of at most ")
                        + QString::number(maxItems) + QStringLiteral(" entries"));
        }
        out = value.toArray();
        return true;
    }

    bool object(const char *key, QJsonObject &out)
    {
        if (!has(key)) {
            return true;
        }
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (!value.isObject()) {
            return fail(name(key) + QStringLiteral(" must be an object"));
        }
        out = value.toObject();
        return true;
    }

private:
    static QString name(const char *key)
    {
        return QStringLiteral("'") + QLatin1String(key) + QStringLiteral("'");
    }

    const QJsonObject &m_object;
    QString m_context;
    InputError &m_error;
};

bool parseLine(const QJsonObject &o, int index, ClaimLine &line, InputError &error)
{
    Reader r(o, QStringLiteral("lines[") + QString::number(index) + QStringLiteral("]: "), error);
    if (!r.only({"cpt", "units", "modifiers", "pointers", "minutes"})) {
        return false;
    }
    if (!r.has("cpt")) {
        return r.fail(QStringLiteral("missing field 'cpt'"));
    }
    QJsonArray pointers;
    if (!r.code("cpt", line.cpt) || !r.number("units", -99, 999, line.units)
        || !r.codes("modifiers", line.modifiers) || !r.number("minutes", 0, 24 * 60, line.minutes)
        || !r.array("pointers", qsizetype(line.pointers.capacity()), pointers)) {
        return false;
    }
    for (const auto &item : pointers) {
        const double n = item.toDouble(-1);
        if (!item.isDouble() || n < 0 || n > 99 || n != int(n)) {
            return r.fail(QStringLiteral("'pointers' must be diagnosis numbers (1 = A)"));
        }
        line.pointers.push_back(std::uint8_t(n));
    }
    return true;
}

bool parseAuthorization(const QJsonObject &o, Authorization &a, InputError &error)
{
    Reader r(o, QStringLiteral("authorization: "), error);
    QJsonArray codes;
    if (!r.only({"start", "end", "unit", "authorized", "used", "codes"})
        || !r.date("start", a.startDate) || !r.date("end", a.endDate)
        || !r.enumeration("unit", a.unit) || !r.number("authorized", 0, 100000, a.authorized)
        || !r.number("used", 0, 100000, a.used) || !r.array("codes", 64, codes)) {
        return false;
    }
    for (const auto &item : codes) {
        const auto parsed = ProcedureCode::parse(item.toString());
        if (!parsed) {
            return r.fail(QStringLiteral("invalid code in field 'codes'"));
        }
        a.serviceCodes.append(parsed->toString());
    }
    return true;
}

bool parseEligibility(const QJsonObject &o, EligibilitySnapshot &e, InputError &error)
{
    Reader r(o, QStringLiteral("eligibility: "), error);
    if (!r.only({"checked_at", "active", "plan_begin", "plan_end", "carved_out", "carve_out_payer"})
        || !r.flag("active", e.active) || !r.date("plan_begin", e.planBegin)
        || !r.date("plan_end", e.planEnd) || !r.flag("carved_out", e.behavioralHealthCarvedOut)
        || !r.text("carve_out_payer", e.carveOutPayerName, 80)) {
        return false;
    }
    if (r.has("checked_at")) {
        const QString text = o.value(u"checked_at").toString();
        e.checkedAt = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!e.checkedAt.isValid()) {
            const QDate day = QDate::fromString(text, Qt::ISODate);
            e.checkedAt = day.isValid() ? day.startOfDay(Qt::UTC) : QDateTime();
        }
        if (!e.checkedAt.isValid()) {
            return r.fail(QStringLiteral("'checked_at' must be a date or an ISO date-time"));
        }
    }
    return true;
}

bool parseCredentialing(const QJsonObject &o, int index, CredentialingRecord &c, InputError &error)
{
    Reader r(o, QStringLiteral("credentialing[") + QString::number(index) + QStringLiteral("]: "),
             error);
    return r.only({"status", "effective", "end", "caqh_attested", "license_expires"})
           && r.enumeration("status", c.status) && r.date("effective", c.effectiveDate)
           && r.date("end", c.endDate) && r.date("caqh_attested", c.caqhAttestedOn)
           && r.date("license_expires", c.licenseExpiresOn);
}

bool parseKey(const QJsonObject &o, int index, ClaimKey &key, InputError &error)
{
    Reader r(o, QStringLiteral("existing_claims[") + QString::number(index) + QStringLiteral("]: "),
             error);
    return r.only({"patient", "payer", "rendering_npi", "dos"}) && r.text("patient", key.patientRef)
           && r.text("payer", key.payerRef) && r.text("rendering_npi", key.renderingNpi)
           && r.date("dos", key.dateOfService, true);
}

bool parseClaim(const QJsonObject &o, const QDate &today, Claim &claim, InputError &error)
{
    Reader r(o, QString(), error);
    if (!r.only({"patient",       "payer",       "payer_kind",
                 "payer_profile", "state",       "billing_npi",
                 "rendering_npi", "dos",         "scrub_date",
                 "pos",           "modality",    "patient_location",
                 "diagnoses",     "lines",       "authorization_required",
                 "authorization", "eligibility", "credentialing",
                 "note_signed",   "frequency",   "existing_claims"})) {
        return false;
    }
    claim.scrubDate = today;
    QJsonArray diagnoses;
    QJsonArray lines;
    QJsonArray credentialing;
    QJsonArray existing;
    QJsonObject authorization;
    QJsonObject eligibility;
    if (!r.text("patient", claim.patientRef) || !r.text("payer", claim.payerRef)
        || !r.enumeration("payer_kind", claim.payerKind)
        || !r.text("payer_profile", claim.payerProfile) || !r.code("state", claim.state)
        || !r.text("billing_npi", claim.billingNpi, 16)
        || !r.text("rendering_npi", claim.renderingNpi, 16)
        || !r.date("dos", claim.dateOfService, true) || !r.date("scrub_date", claim.scrubDate)
        || !r.code("pos", claim.pos) || !r.enumeration("modality", claim.modality)
        || !r.enumeration("patient_location", claim.patientLocation)
        || !r.array("diagnoses", 99, diagnoses) || !r.array("lines", 50, lines)
        || !r.flag("authorization_required", claim.authorizationRequired)
        || !r.object("authorization", authorization) || !r.object("eligibility", eligibility)
        || !r.array("credentialing", 32, credentialing) || !r.flag("note_signed", claim.noteSigned)
        || !r.number("frequency", 1, 8, claim.frequencyCode)
        || !r.array("existing_claims", 10000, existing)) {
        return false;
    }
    if (!r.has("lines")) {
        return r.fail(QStringLiteral("missing field 'lines'"));
    }
    for (const auto &item : diagnoses) {
        if (!item.isString() || item.toString().size() > 16) {
            return r.fail(QStringLiteral("'diagnoses' must be a list of codes"));
        }
        claim.diagnoses.append(item.toString());
    }
    for (qsizetype i = 0; i < lines.size(); ++i) {
        ClaimLine line;
        if (!lines[i].isObject()) {
            return r.fail(QStringLiteral("'lines' must be a list of objects"));
        }
        if (!parseLine(lines[i].toObject(), int(i), line, error)) {
            return false;
        }
        claim.lines.append(line);
    }
    if (r.has("authorization")) {
        claim.authorization.emplace();
        if (!parseAuthorization(authorization, *claim.authorization, error)) {
            return false;
        }
    }
    if (r.has("eligibility")) {
        claim.eligibility.emplace();
        if (!parseEligibility(eligibility, *claim.eligibility, error)) {
            return false;
        }
    }
    for (qsizetype i = 0; i < credentialing.size(); ++i) {
        CredentialingRecord record;
        if (!parseCredentialing(credentialing[i].toObject(), int(i), record, error)) {
            return false;
        }
        claim.credentialing.append(record);
    }
    for (qsizetype i = 0; i < existing.size(); ++i) {
        ClaimKey key;
        if (!parseKey(existing[i].toObject(), int(i), key, error)) {
            return false;
        }
        claim.existingClaims.insert(key);
    }
    return true;
}

QByteArray errorLine(const QString &message)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), message}})
        .toJson(QJsonDocument::Compact);
}

QByteArray resultLine(const ClaimScrubber &scrubber, const ScrubResult &result)
{
    QJsonArray findings;
    for (const Finding &finding : result.findings) {
        QJsonObject object{{QStringLiteral("id"), QString(checkId(finding.check))},
                           {QStringLiteral("severity"), QString(severityName(finding.severity))},
                           {QStringLiteral("message"), scrubber.message(finding)}};
        if (finding.line > 0) {
            object.insert(QStringLiteral("line"), finding.line);
        }
        findings.append(object);
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("exportable"), result.exportable()},
                                     {QStringLiteral("findings"), findings}})
        .toJson(QJsonDocument::Compact);
}

/// The ICD-10-CM releases imported into the office store given with --database, else the
/// built-in list. nullopt (with a message on stderr) when the store cannot be read.
std::optional<Icd10Index> loadIndex(const QCommandLineParser &parser)
{
    QTextStream err(stderr);
    const QString path = parser.value(QStringLiteral("database"));
    if (path.isEmpty()) {
        return Icd10Index::builtIn();
    }
    SystemClock clock;
    int exitCode = 0;
    auto store = openOfficeStore(parser, clock, OpenMode::ExistingOnly, exitCode);
    if (!store) {
        return std::nullopt;
    }
    Icd10Repository repository(*store);
    auto index = Icd10Index::load(repository);
    if (!index) {
        err << "error: ICD-10-CM releases cannot be read (" << index.error().kindName() << ")\n";
        return std::nullopt;
    }
    return std::move(*index);
}

} // namespace

int runScrub(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Reads one claim per line (JSON) on stdin and writes one scrub result per line (JSON) "
        "on stdout, in order: {\"exportable\":bool,\"findings\":[{\"id\",\"severity\","
        "\"message\",\"line\"}]}. A line that cannot be read gets {\"error\": ...}.\n\n"
        "Claim fields (dates YYYY-MM-DD; \"dos\" and \"lines\" are required):\n"
        "  patient, payer: opaque references for the duplicate check (never names)\n"
        "  payer_kind: medicare|medicaid|commercial; payer_profile; state (two letters)\n"
        "  billing_npi, rendering_npi; dos; scrub_date (default today); pos (two digits)\n"
        "  modality: in_person|video|audio_only; patient_location: office|home|other\n"
        "  diagnoses: [ICD-10-CM codes in claim order]\n"
        "  lines: [{cpt, units, modifiers:[..], pointers:[1-based diagnosis numbers], "
        "minutes}]\n"
        "  authorization_required: bool; authorization: {start, end, unit: visits|units, "
        "authorized, used (before this claim), codes:[..]}\n"
        "  eligibility: {checked_at, active, plan_begin, plan_end, carved_out, "
        "carve_out_payer}\n"
        "  credentialing: [{status: pending|in_network|out_of_network|terminated, effective, "
        "end, caqh_attested, license_expires}]\n"
        "  note_signed: bool; frequency: 1 original, 7 replacement, 8 void\n"
        "  existing_claims: [{patient, payer, rendering_npi, dos}] already built; each "
        "exportable claim of this run counts as built for the lines after it."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("settings"),
                      QStringLiteral("A JSON scrubber settings file whose entries replace or add "
                                     "to the built-in ones (default: "
                                     "$SESSIONBOOK_SCRUB_SETTINGS)."),
                      QStringLiteral("file")});
    addStoreOptions(parser);
    parser.addOption({QStringLiteral("settings-version"),
                      QStringLiteral("Print the version of the loaded settings and exit.")});
    parser.process(arguments);

    QString settingsPath = parser.value(QStringLiteral("settings"));
    if (settingsPath.isEmpty()) {
        settingsPath = qEnvironmentVariable("SESSIONBOOK_SCRUB_SETTINGS");
    }
    auto settings = ScrubSettings::builtin(settingsPath);
    if (!settings) {
        QTextStream(stderr) << "error: settings: " << settings.error().message << '\n';
        return 2;
    }
    if (parser.isSet(QStringLiteral("settings-version"))) {
        QTextStream(stdout) << (*settings)->version() << '\n';
        return 0;
    }
    const auto index = loadIndex(parser);
    if (!index) {
        return 1;
    }
    const ClaimScrubber scrubber(*settings, ClaimScrubber::lookupFor(*index));
    const QDate today = QDate::currentDate();
    QSet<ClaimKey> built;
    ScrubResult result;
    std::ios::sync_with_stdio(false);
    std::string input;
    while (std::getline(std::cin, input)) {
        const QByteArray line = QByteArray::fromStdString(input).trimmed();
        if (line.isEmpty()) {
            continue;
        }
        QByteArray output;
        QJsonParseError parseError;
        const QJsonDocument document = line.size() > kMaxLineBytes
                                           ? QJsonDocument()
                                           : QJsonDocument::fromJson(line, &parseError);
        Claim claim;
        InputError error;
        if (line.size() > kMaxLineBytes) {
            output = errorLine(QStringLiteral("line longer than 256 KiB"));
        } else if (document.isNull() || !document.isObject()) {
            output = errorLine(QStringLiteral("not a JSON object: ") + parseError.errorString());
        } else if (!parseClaim(document.object(), today, claim, error)) {
            output = errorLine(error.message);
        } else {
            claim.existingClaims.unite(built);
            scrubber.scrub(claim, result);
            if (result.exportable() && !claim.patientRef.isEmpty()) {
                built.insert(claim.key());
            }
            output = resultLine(scrubber, result);
        }
        output += '\n';
        std::fwrite(output.constData(), 1, std::size_t(output.size()), stdout);
        std::fflush(stdout);
    }
    return 0;
}

} // namespace sb::office
