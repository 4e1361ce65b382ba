// SPDX-License-Identifier: Apache-2.0
// sessionbook-office code: the coding engine over JSON lines (stdin → stdout).
#include "coding/codingengine.h"
#include "commands.h"
#include "domain/enums.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cstdio>
#include <iostream>
#include <string>

namespace sb::office {

namespace {

using namespace sb::coding;

constexpr qsizetype kMaxLineBytes = 64 * 1024;
constexpr int kMaxMinutes = 24 * 60;

/// Why an input line could not be coded. Never echoes a value from the input (it may be PHI);
/// field names are ours.
struct InputError {
    QString message;
};

QString field(const char *name)
{
    return QStringLiteral("'") + QLatin1String(name) + QStringLiteral("'");
}

template<typename Enum, typename Parse>
bool readEnum(const QJsonObject &o, const char *key, bool required, Enum &out, Parse parse,
              InputError &error)
{
    const QJsonValue value = o.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull()) {
        if (required) {
            error.message = QStringLiteral("missing field ") + field(key);
        }
        return !required;
    }
    const std::optional<Enum> parsed = value.isString() ? parse(value.toString()) : std::nullopt;
    if (!parsed) {
        error.message = QStringLiteral("unknown value for field ") + field(key);
        return false;
    }
    out = *parsed;
    return true;
}

bool readMinutes(const QJsonObject &o, const char *key, bool required, int &out, InputError &error)
{
    const QJsonValue value = o.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull()) {
        if (required) {
            error.message = QStringLiteral("missing field ") + field(key);
        }
        return !required;
    }
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 0 || number > kMaxMinutes || number != int(number)) {
        error.message = field(key) + QStringLiteral(" must be whole minutes from 0 to 1440");
        return false;
    }
    out = int(number);
    return true;
}

template<std::size_t N, std::size_t Capacity>
bool readCodeList(const QJsonObject &o, const char *key, InlineList<FixedCode<N>, Capacity> &out,
                  InputError &error)
{
    const QJsonValue value = o.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull()) {
        return true;
    }
    if (!value.isArray()) {
        error.message = field(key) + QStringLiteral(" must be a list");
        return false;
    }
    for (const auto &item : value.toArray()) {
        const auto parsed = FixedCode<N>::parse(item.toString());
        if (!parsed) {
            error.message = QStringLiteral("invalid code in field ") + field(key);
            return false;
        }
        if (!out.push_back(*parsed)) {
            error.message = QStringLiteral("too many entries in field ") + field(key);
            return false;
        }
    }
    return true;
}

bool parseFacts(const QJsonObject &o, const QDate &today, SessionFacts &facts, InputError &error)
{
    static const char *const known[] = {"service",
                                        "minutes",
                                        "modality",
                                        "patient_location",
                                        "payer",
                                        "provider",
                                        "interactive_complexity",
                                        "em_code",
                                        "total_em_time_minutes",
                                        "administered_by",
                                        "dos",
                                        "state",
                                        "payer_profile",
                                        "billing_entity",
                                        "requested_modifiers",
                                        "primary_dx",
                                        "same_date_lines"};
    for (auto it = o.begin(); it != o.end(); ++it) {
        const bool isKnown = std::any_of(std::begin(known), std::end(known), [&](const char *k) {
            return it.key() == QLatin1String(k);
        });
        if (!isKnown) {
            // One copy of the key: begin() and end() of two temporaries would be two strings.
            const QString key = it.key();
            const bool nameLike =
                key.size() <= 32 && std::all_of(key.begin(), key.end(), [](QChar c) {
                    return (c >= u'a' && c <= u'z') || c == u'_';
                });
            error.message = nameLike ? QStringLiteral("unknown field '") + key + u'\''
                                     : QStringLiteral("unknown field");
            return false;
        }
    }
    if (!readEnum(o, "service", true, facts.service, fromName<ServiceKind>, error)
        || !readMinutes(o, "minutes", true, facts.minutes, error)
        || !readEnum(o, "modality", true, facts.modality, fromName<Modality>, error)
        || !readEnum(o, "patient_location", true, facts.patientLocation, fromName<PatientLocation>,
                     error)
        || !readEnum(o, "payer", true, facts.payer, fromName<PayerKind>, error)
        || !readEnum(o, "provider", true, facts.provider, fromName<ProviderCredential>, error)
        || !readEnum(o, "administered_by", false, facts.administeredBy, administeredByFromName,
                     error)
        || !readEnum(o, "billing_entity", false, facts.billingEntity, billingEntityFromName, error)
        || !readMinutes(o, "total_em_time_minutes", false, facts.totalEmMinutes, error)
        || !readCodeList(o, "requested_modifiers", facts.requestedModifiers, error)
        || !readCodeList(o, "same_date_lines", facts.sameDateCodes, error)) {
        return false;
    }
    const QJsonValue complexity = o.value(u"interactive_complexity");
    if (!complexity.isUndefined() && !complexity.isNull() && !complexity.isBool()) {
        error.message = field("interactive_complexity") + QStringLiteral(" must be true or false");
        return false;
    }
    facts.interactiveComplexity = complexity.toBool(false);
    if (o.contains(u"em_code")) {
        const auto em = ProcedureCode::parse(o.value(u"em_code").toString());
        if (!em) {
            error.message = QStringLiteral("invalid code in field ") + field("em_code");
            return false;
        }
        facts.emCode = *em;
    }
    facts.dateOfService = today;
    if (o.contains(u"dos")) {
        facts.dateOfService = QDate::fromString(o.value(u"dos").toString(), Qt::ISODate);
        if (!facts.dateOfService.isValid()) {
            error.message = field("dos") + QStringLiteral(" must be a date written YYYY-MM-DD");
            return false;
        }
    }
    if (o.contains(u"state")) {
        const QString state = o.value(u"state").toString();
        const auto parsed = StateCode::parse(state);
        if (!parsed || !state.front().isLetter() || !state.back().isLetter()) {
            error.message = field("state") + QStringLiteral(" must be a two-letter state code");
            return false;
        }
        facts.state = *parsed;
    }
    if (o.contains(u"payer_profile")) {
        facts.payerProfile = o.value(u"payer_profile").toString();
        if (facts.payerProfile.size() > 64) {
            error.message = field("payer_profile") + QStringLiteral(" is too long");
            return false;
        }
    }
    if (o.contains(u"primary_dx")) {
        QString dx = o.value(u"primary_dx").toString();
        dx.remove(u'.');
        const bool plausible =
            dx.size() >= 3 && dx.size() <= 7 && std::all_of(dx.begin(), dx.end(), [](QChar c) {
                return c.isDigit() || (c.isLetter() && c.unicode() < 128);
            });
        if (!plausible) {
            error.message = field("primary_dx") + QStringLiteral(" is not an ICD-10-CM code");
            return false;
        }
        facts.primaryDiagnosis = dx.toUpper();
    }
    return true;
}

QJsonObject ruleJson(const RuleText *rule)
{
    return QJsonObject{{QStringLiteral("rule"), rule->id},
                       {QStringLiteral("reason"), rule->reason}};
}

QJsonObject decisionJson(const CodingDecision &decision)
{
    if (!decision.billable) {
        QJsonObject result = ruleJson(decision.rule);
        result.insert(QStringLiteral("billable"), false);
        return result;
    }
    QJsonArray lines;
    for (const auto &line : decision.lines) {
        QJsonArray modifiers;
        for (const auto &modifier : line.modifiers) {
            modifiers.append(modifier.toString());
        }
        QJsonObject object = ruleJson(line.rule);
        object.insert(QStringLiteral("cpt"), line.code.toString());
        object.insert(QStringLiteral("units"), int(line.units));
        object.insert(QStringLiteral("modifiers"), modifiers);
        lines.append(object);
    }
    QJsonArray refused;
    for (const auto &refusal : decision.refused) {
        QJsonObject object = ruleJson(refusal.rule);
        object.insert(QStringLiteral("cpt"), refusal.code.toString());
        if (!refusal.modifier.isNull()) {
            object.insert(QStringLiteral("modifier"), refusal.modifier.toString());
        }
        refused.append(object);
    }
    QJsonArray warnings;
    for (const auto &notice : decision.warnings) {
        warnings.append(ruleJson(notice.rule));
    }
    return QJsonObject{{QStringLiteral("billable"), true},
                       {QStringLiteral("lines"), lines},
                       {QStringLiteral("pos"), decision.pos.toString()},
                       {QStringLiteral("refused"), refused},
                       {QStringLiteral("warnings"), warnings}};
}

QByteArray errorLine(const QString &message)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), message}})
        .toJson(QJsonDocument::Compact);
}

QByteArray codeOneLine(const CodingEngine &engine, const QByteArray &line, const QDate &today)
{
    if (line.size() > kMaxLineBytes) {
        return errorLine(QStringLiteral("line longer than 64 KiB"));
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    if (document.isNull() || !document.isObject()) {
        return errorLine(QStringLiteral("not a JSON object: ") + parseError.errorString());
    }
    SessionFacts facts;
    InputError error;
    if (!parseFacts(document.object(), today, facts, error)) {
        return errorLine(error.message);
    }
    return QJsonDocument(decisionJson(engine.code(facts))).toJson(QJsonDocument::Compact);
}

} // namespace

int runCode(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Reads one session per line (JSON) on stdin and writes one coding decision per line "
        "(JSON) on stdout, in order. A line that cannot be read gets {\"error\": ...}."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("rules"),
                      QStringLiteral("A JSON rule file whose entries replace or add to the "
                                     "built-in rules (default: $SESSIONBOOK_RULES)."),
                      QStringLiteral("file")});
    parser.addOption({QStringLiteral("rules-version"),
                      QStringLiteral("Print the versions of the loaded rule files and exit.")});
    parser.process(arguments);

    QString rulesPath = parser.value(QStringLiteral("rules"));
    if (rulesPath.isEmpty()) {
        rulesPath = qEnvironmentVariable("SESSIONBOOK_RULES");
    }
    auto rules = RuleSet::builtin(rulesPath);
    if (!rules) {
        QTextStream(stderr) << "error: rules: " << rules.error().message << '\n';
        return 2;
    }
    if (parser.isSet(QStringLiteral("rules-version"))) {
        QTextStream(stdout) << (*rules)->version() << '\n';
        return 0;
    }
    const CodingEngine engine(*rules);
    const QDate today = QDate::currentDate();
    std::ios::sync_with_stdio(false);
    std::string input;
    while (std::getline(std::cin, input)) {
        const QByteArray line = QByteArray::fromStdString(input).trimmed();
        if (line.isEmpty()) {
            continue;
        }
        const QByteArray output = codeOneLine(engine, line, today) + '\n';
        std::fwrite(output.constData(), 1, std::size_t(output.size()), stdout);
        std::fflush(stdout);
    }
    return 0;
}

} // namespace sb::office
