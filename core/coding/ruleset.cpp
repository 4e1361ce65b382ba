// SPDX-License-Identifier: Apache-2.0
#include "coding/ruleset.h"

#include "coding/ruleset_p.h"
#include "domain/enums.h"
#include "util/jsonoverlay.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

namespace sb::coding {

namespace {

constexpr int kFormat = 1;

const char *const kBuiltinFiles[] = {"base", "telehealth", "ncci", "mue", "medicaid"};

/// The documents' shape: keyed sections merged key by key, the rest lists of entries by id.
OverlayFormat rulesFormat()
{
    OverlayFormat format;
    format.format = kFormat;
    for (const char *name : {"groups", "code_groups", "messages", "descriptions", "settings"}) {
        format.keyed.push_back(QLatin1String(name));
    }
    for (const char *name : {"services", "prolonged", "addons", "telehealth", "notices",
                             "credential_modifiers", "code_modifiers", "pairs", "mue"}) {
        format.lists.push_back(QLatin1String(name));
    }
    return format;
}

template<typename Enum> std::uint32_t maskFromNames(const QJsonValue &value, bool &ok)
{
    std::uint32_t mask = 0;
    const QJsonArray items = value.isArray() ? value.toArray() : QJsonArray{value};
    for (const auto &item : items) {
        const auto parsed = fromName<Enum>(item.toString());
        if (!parsed) {
            ok = false;
            return 0;
        }
        mask |= bit(*parsed);
    }
    return mask;
}

/// Turns merged JSON into RuleTables; stops at the first problem and keeps its description.
class Compiler {
public:
    explicit Compiler(RuleTables &tables)
        : m_tables(tables)
    {
    }

    bool compile(const JsonOverlay &merged);
    [[nodiscard]] const QString &error() const { return m_error; }

private:
    bool fail(const QString &what)
    {
        if (m_error.isEmpty()) {
            m_error = m_context + QStringLiteral(": ") + what;
        }
        return false;
    }

    const RuleText *text(const QString &id, const QString &reason);
    const RuleText *nestedRule(const QJsonObject &object, const char *key, bool required);
    bool checkKeys(const QJsonObject &object, std::initializer_list<const char *> allowed);
    bool code(const QJsonValue &value, ProcedureCode &out);
    bool codes(const QJsonValue &value, std::vector<ProcedureCode> &out);
    template<std::size_t N> bool modifiers(const QJsonValue &value, InlineList<Modifier, N> &out);
    bool selector(const QJsonValue &value, int loadOrder, Selector &out);
    bool date(const QJsonValue &value, qint64 &day);

    bool compileService(const OverlaidEntry &entry);
    bool compileProlonged(const OverlaidEntry &entry);
    bool compileAddOn(const OverlaidEntry &entry);
    bool compileTelehealth(const OverlaidEntry &entry);
    bool compileNotice(const OverlaidEntry &entry);
    bool compileModifierRule(const OverlaidEntry &entry, std::vector<ModifierRule> &into);
    bool compilePair(const OverlaidEntry &entry);
    bool compileMue(const OverlaidEntry &entry);
    bool checkDescribed(ProcedureCode code);

    RuleTables &m_tables;
    std::map<QString, std::uint32_t> m_credentialGroups;
    QString m_context;
    QString m_error;
};

const RuleText *Compiler::text(const QString &id, const QString &reason)
{
    if (id.isEmpty() || reason.isEmpty()) {
        fail(QStringLiteral("every rule needs an id and a reason"));
        return nullptr;
    }
    const auto found = m_tables.textById.find(id);
    if (found != m_tables.textById.end()) {
        if (found->second->reason != reason) {
            fail(QStringLiteral("rule id ") + id + QStringLiteral(" is used with two reasons"));
            return nullptr;
        }
        return found->second;
    }
    m_tables.texts.push_back(RuleText{id, reason});
    const RuleText *stored = &m_tables.texts.back();
    m_tables.textById.emplace(id, stored);
    return stored;
}

const RuleText *Compiler::nestedRule(const QJsonObject &object, const char *key, bool required)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined()) {
        if (required) {
            fail(QLatin1String(key) + QStringLiteral(" is required"));
        }
        return nullptr;
    }
    const QJsonObject nested = value.toObject();
    if (!checkKeys(nested, {"id", "reason"})) {
        return nullptr;
    }
    return text(nested.value(u"id").toString(), nested.value(u"reason").toString());
}

bool Compiler::checkKeys(const QJsonObject &object, std::initializer_list<const char *> allowed)
{
    const QString unknown = unknownJsonKey(object, allowed);
    return unknown.isEmpty() || fail(QStringLiteral("unknown key '") + unknown + u'\'');
}

bool Compiler::code(const QJsonValue &value, ProcedureCode &out)
{
    const auto parsed = ProcedureCode::parse(value.toString());
    if (!parsed) {
        return fail(QStringLiteral("'") + value.toString().left(16)
                    + QStringLiteral("' is not a 5-character procedure code"));
    }
    out = *parsed;
    return true;
}

bool Compiler::codes(const QJsonValue &value, std::vector<ProcedureCode> &out)
{
    const QJsonArray items = value.isArray() ? value.toArray() : QJsonArray{value};
    for (const auto &item : items) {
        const QString name = item.toString();
        if (name.startsWith(u'@')) {
            const auto group = m_tables.codeGroups.find(name.mid(1));
            if (group == m_tables.codeGroups.end()) {
                return fail(QStringLiteral("unknown code group ") + name);
            }
            out.insert(out.end(), group->second.begin(), group->second.end());
            continue;
        }
        ProcedureCode parsed;
        if (!code(item, parsed)) {
            return false;
        }
        out.push_back(parsed);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return true;
}

template<std::size_t N>
bool Compiler::modifiers(const QJsonValue &value, InlineList<Modifier, N> &out)
{
    if (!value.isUndefined() && !value.isArray()) {
        return fail(QStringLiteral("modifiers must be a list"));
    }
    for (const auto &item : value.toArray()) {
        const auto parsed = Modifier::parse(item.toString());
        if (!parsed) {
            return fail(QStringLiteral("'") + item.toString().left(8)
                        + QStringLiteral("' is not a 2-character modifier"));
        }
        if (!out.push_back(*parsed)) {
            return fail(QStringLiteral("too many modifiers in one list"));
        }
    }
    return true;
}

bool Compiler::date(const QJsonValue &value, qint64 &day)
{
    const auto parsed = jsonJulianDay(value);
    if (!parsed) {
        return fail(QStringLiteral("dates are written YYYY-MM-DD"));
    }
    day = *parsed;
    return true;
}

bool Compiler::selector(const QJsonValue &value, int loadOrder, Selector &out)
{
    out = Selector{};
    out.loadOrder = loadOrder;
    if (value.isUndefined()) {
        return true;
    }
    if (!value.isObject()) {
        return fail(QStringLiteral("'when' must be an object"));
    }
    const QJsonObject when = value.toObject();
    if (!checkKeys(when, {"service", "payer", "payer_profile", "state", "billing_entity",
                          "administered_by", "modality", "provider", "from", "to"})) {
        return false;
    }
    bool ok = true;
    auto field = [&when](const char *key) {
        return when.value(QLatin1String(key));
    };
    if (!field("service").isUndefined()) {
        out.services = maskFromNames<ServiceKind>(field("service"), ok);
        out.specificity += 1;
    }
    if (!field("payer").isUndefined()) {
        out.payers = maskFromNames<PayerKind>(field("payer"), ok);
        out.specificity += 2;
    }
    if (!field("modality").isUndefined()) {
        out.modalities = maskFromNames<Modality>(field("modality"), ok);
        out.specificity += 1;
    }
    if (!field("provider").isUndefined()) {
        const QJsonValue provider = field("provider");
        if (provider.isString() && provider.toString().startsWith(u'@')) {
            const auto group = m_credentialGroups.find(provider.toString().mid(1));
            if (group == m_credentialGroups.end()) {
                return fail(QStringLiteral("unknown provider group ") + provider.toString());
            }
            out.providers = group->second;
        } else {
            out.providers = maskFromNames<ProviderCredential>(provider, ok);
        }
        out.specificity += 1;
    }
    if (!field("billing_entity").isUndefined()) {
        const QJsonValue entity = field("billing_entity");
        for (const auto &item : entity.isArray() ? entity.toArray() : QJsonArray{entity}) {
            const auto parsed = billingEntityFromName(item.toString());
            ok = ok && parsed.has_value();
            out.entities |= parsed ? bit(*parsed) : 0;
        }
        out.specificity += 4;
    }
    if (!field("administered_by").isUndefined()) {
        const auto parsed = administeredByFromName(field("administered_by").toString());
        ok = ok && parsed.has_value() && *parsed != AdministeredBy::Unspecified;
        out.administeredBy = parsed ? bit(*parsed) : 0;
        out.specificity += 1;
    }
    if (!ok) {
        return fail(QStringLiteral("'when' names an unknown value"));
    }
    if (!field("state").isUndefined()) {
        const auto state = StateCode::parse(field("state").toString());
        if (!state) {
            return fail(QStringLiteral("state must be a two-letter code"));
        }
        out.state = *state;
        out.specificity += 8;
    }
    if (!field("payer_profile").isUndefined()) {
        out.payerProfile = field("payer_profile").toString();
        if (out.payerProfile.isEmpty()) {
            return fail(QStringLiteral("payer_profile must not be empty"));
        }
        out.specificity += 16;
    }
    if (!field("from").isUndefined() && !date(field("from"), out.fromDay)) {
        return false;
    }
    if (!field("to").isUndefined() && !date(field("to"), out.toDay)) {
        return false;
    }
    if (out.fromDay > out.toDay) {
        return fail(QStringLiteral("'from' is after 'to'"));
    }
    if (!field("from").isUndefined() || !field("to").isUndefined()) {
        out.specificity += 1;
    }
    return true;
}

bool Compiler::checkDescribed(ProcedureCode procedure)
{
    if (m_tables.descriptions.find(procedure) == m_tables.descriptions.end()) {
        return fail(QStringLiteral("code ") + procedure.toString()
                    + QStringLiteral(" has no description"));
    }
    return true;
}

bool Compiler::compileService(const OverlaidEntry &entry)
{
    const QJsonObject &o = entry.object;
    if (!checkKeys(o, {"id", "when", "refuse", "credentials", "credential_rule", "bands", "addon",
                       "below_as", "below", "em_primary", "time", "prolonged",
                       "dx_excluded_prefixes", "dx_rule"})) {
        return false;
    }
    ServiceRule rule;
    if (!selector(o.value(u"when"), entry.sequence, rule.when)) {
        return false;
    }
    if (rule.when.services == 0 || (rule.when.services & (rule.when.services - 1)) != 0) {
        return fail(QStringLiteral("a service entry names exactly one service in 'when'"));
    }
    if (o.contains(u"refuse")) {
        rule.refuse = nestedRule(o, "refuse", true);
        if (!rule.refuse) {
            return false;
        }
    } else {
        const QJsonArray bands = o.value(u"bands").toArray();
        if (bands.isEmpty() || bands.size() > qsizetype(rule.bands.capacity())) {
            return fail(QStringLiteral("a service needs 1 to 6 bands (or 'refuse')"));
        }
        for (const auto &value : bands) {
            const QJsonObject band = value.toObject();
            if (!checkKeys(band, {"id", "cpt", "min", "reason"})) {
                return false;
            }
            Band compiled;
            if (!code(band.value(u"cpt"), compiled.code) || !checkDescribed(compiled.code)) {
                return false;
            }
            compiled.minMinutes = band.value(u"min").toInt(-1);
            if (compiled.minMinutes < 0) {
                return fail(QStringLiteral("band 'min' must be a minute count"));
            }
            if (!rule.bands.empty()
                && rule.bands[rule.bands.size() - 1].minMinutes >= compiled.minMinutes) {
                return fail(QStringLiteral("bands must ascend by 'min'"));
            }
            compiled.rule = text(band.value(u"id").toString(), band.value(u"reason").toString());
            if (!compiled.rule) {
                return false;
            }
            rule.bands.push_back(compiled);
        }
        if (rule.bands[0].minMinutes > 0) {
            rule.belowRule = nestedRule(o, "below", true);
            if (!rule.belowRule) {
                return false;
            }
        }
    }
    if (o.contains(u"credentials")) {
        const QString group = o.value(u"credentials").toString();
        const auto found = m_credentialGroups.find(group.mid(1));
        if (!group.startsWith(u'@') || found == m_credentialGroups.end()) {
            return fail(QStringLiteral("credentials must name a group with '@'"));
        }
        rule.credentials = found->second;
        rule.credentialRule = nestedRule(o, "credential_rule", true);
        if (!rule.credentialRule) {
            return false;
        }
    }
    if (o.contains(u"addon")) {
        const QJsonObject addOn = o.value(u"addon").toObject();
        if (!checkKeys(addOn, {"id", "cpt", "first_at", "step", "reason"})) {
            return false;
        }
        AddOnUnits units;
        if (!code(addOn.value(u"cpt"), units.code) || !checkDescribed(units.code)) {
            return false;
        }
        units.firstAt = addOn.value(u"first_at").toInt(-1);
        units.step = addOn.value(u"step").toInt(0);
        if (units.firstAt < 0 || units.step <= 0) {
            return fail(QStringLiteral("addon needs first_at >= 0 and step > 0"));
        }
        units.rule = text(addOn.value(u"id").toString(), addOn.value(u"reason").toString());
        if (!units.rule) {
            return false;
        }
        rule.addOn = units;
    }
    if (o.contains(u"below_as")) {
        rule.belowAs = fromName<ServiceKind>(o.value(u"below_as").toString());
        if (!rule.belowAs || bit(*rule.belowAs) == rule.when.services) {
            return fail(QStringLiteral("below_as must name another service"));
        }
    }
    if (o.contains(u"em_primary")) {
        const auto group = m_tables.codeGroups.find(o.value(u"em_primary").toString());
        if (group == m_tables.codeGroups.end()) {
            return fail(QStringLiteral("em_primary must name a code group"));
        }
        rule.emPrimaries = &group->second;
    }
    if (o.contains(u"time")) {
        const QString time = o.value(u"time").toString();
        if (time == u"em_total") {
            rule.time = TimeSource::EmTotal;
        } else if (time != u"minutes") {
            return fail(QStringLiteral("time is 'minutes' or 'em_total'"));
        }
    }
    rule.prolonged = o.value(u"prolonged").toBool(false);
    if (o.contains(u"dx_excluded_prefixes")) {
        for (const auto &prefix : o.value(u"dx_excluded_prefixes").toArray()) {
            rule.dxExcludedPrefixes.append(prefix.toString().toUpper());
        }
        rule.dxRule = nestedRule(o, "dx_rule", true);
        if (!rule.dxRule) {
            return false;
        }
    }
    const auto kind = static_cast<std::size_t>(std::countr_zero(rule.when.services));
    if (kind >= m_tables.services.size()) {
        return fail(QStringLiteral("service out of range"));
    }
    m_tables.services[kind].push_back(std::move(rule));
    return true;
}

bool Compiler::compileProlonged(const OverlaidEntry &entry)
{
    const QJsonObject &o = entry.object;
    if (!checkKeys(o, {"id", "when", "base", "cpt", "first_at", "step", "reason"})) {
        return false;
    }
    ProlongedRule rule;
    if (!selector(o.value(u"when"), entry.sequence, rule.when) || !code(o.value(u"base"), rule.base)
        || !code(o.value(u"cpt"), rule.units.code) || !checkDescribed(rule.units.code)) {
        return false;
    }
    rule.units.firstAt = o.value(u"first_at").toInt(-1);
    rule.units.step = o.value(u"step").toInt(0);
    if (rule.units.firstAt < 0 || rule.units.step <= 0) {
        return fail(QStringLiteral("needs first_at >= 0 and step > 0"));
    }
    rule.units.rule = text(o.value(u"id").toString(), o.value(u"reason").toString());
    if (!rule.units.rule) {
        return false;
    }
    m_tables.prolonged.push_back(rule);
    return true;
}

bool Compiler::compileAddOn(const OverlaidEntry &entry)
{
    const QJsonObject &o = entry.object;
    if (!checkKeys(o, {"id", "codes", "primaries", "reason"})) {
        return false;
    }
    std::vector<ProcedureCode> addOnCodes;
    std::vector<ProcedureCode> primaries;
    if (!codes(o.value(u"codes"), addOnCodes) || !codes(o.value(u"primaries"), primaries)) {
        return false;
    }
    const RuleText *rule = text(o.value(u"id").toString(), o.value(u"reason").toString());
    if (!rule || addOnCodes.empty() || primaries.empty()) {
        return fail(QStringLiteral("an add-on entry needs codes, primaries and a reason"));
    }
    for (const auto &addOn : addOnCodes) {
        const bool duplicate = std::any_of(m_tables.addOns.begin(), m_tables.addOns.end(),
                                           [&](const AddOnRule &r) { return r.code == addOn; });
        if (duplicate) {
            return fail(QStringLiteral("add-on ") + addOn.toString()
                        + QStringLiteral(" is listed by two entries"));
        }
        m_tables.addOns.push_back(AddOnRule{addOn, primaries, rule});
    }
    return true;
}

bool Compiler::compileTelehealth(const OverlaidEntry &entry)
{
    const QJsonObject &o = entry.object;
    if (!checkKeys(o, {"id", "when", "pos", "video_modifiers", "audio_modifiers", "audio_only",
                       "audio_rule", "accepted_modifiers", "reason", "modifier_rule"})) {
        return false;
    }
    TelehealthRule rule;
    if (!selector(o.value(u"when"), entry.sequence, rule.when)) {
        return false;
    }
    const QJsonObject pos = o.value(u"pos").toObject();
    const auto inPerson = PlaceOfService::parse(pos.value(u"in_person").toString());
    const auto home = PlaceOfService::parse(pos.value(u"home").toString());
    const auto other = PlaceOfService::parse(pos.value(u"other").toString());
    if (!inPerson || !home || !other) {
        return fail(QStringLiteral("pos needs in_person, home and other (two digits each)"));
    }
    rule.posInPerson = *inPerson;
    rule.posHome = *home;
    rule.posOther = *other;
    const QJsonObject video = o.value(u"video_modifiers").toObject();
    const QJsonObject audio = o.value(u"audio_modifiers").toObject();
    if (!modifiers(video.value(u"home"), rule.videoHome)
        || !modifiers(video.value(u"other"), rule.videoOther)
        || !modifiers(audio.value(u"home"), rule.audioHome)
        || !modifiers(audio.value(u"other"), rule.audioOther)
        || !modifiers(o.value(u"accepted_modifiers"), rule.accepted)) {
        return false;
    }
    const QString policy = o.value(u"audio_only").toString(QStringLiteral("allowed"));
    if (policy == u"home_only") {
        rule.audio = AudioOnlyPolicy::HomeOnly;
    } else if (policy == u"not_allowed") {
        rule.audio = AudioOnlyPolicy::NotAllowed;
    } else if (policy != u"allowed") {
        return fail(QStringLiteral("audio_only is allowed, home_only or not_allowed"));
    }
    rule.audioRule = nestedRule(o, "audio_rule", rule.audio != AudioOnlyPolicy::Allowed);
    rule.rule = text(o.value(u"id").toString(), o.value(u"reason").toString());
    rule.modifierRule = nestedRule(o, "modifier_rule", true);
    if (!rule.rule || !rule.modifierRule
        || (rule.audio != AudioOnlyPolicy::Allowed && !rule.audioRule)) {
        return false;
    }
    m_tables.telehealth.push_back(std::move(rule));
    return true;
}

bool Compiler::compileNotice(const OverlaidEntry &entry)
{
    const QJsonObject &o = entry.object;
    if (!checkKeys(o, {"id", "when", "effect", "reason"})) {
        return false;
    }
    NoticeRule rule;
    if (!selector(o.value(u"when"), entry.sequence, rule.when)) {
        return false;
    }
    const QString effect = o.value(u"effect").toString();
    if (effect != u"warn" && effect != u"refuse") {
        return fail(QStringLiteral("effect is 'warn' or 'refuse'"));
    }
    rule.refuse = effect == u"refuse";
    rule.rule = text(o.value(u"id").toString(), o.value(u"reason").toString());
    if (!rule.rule) {
        return false;
    }
    m_tables.notices.push_back(std::move(rule));
    return true;
}

bool Compiler::compileModifierRule(const OverlaidEntry &entry, std::vector<ModifierRule> &into)
{
    const QJsonObject &o = entry.object;
    if (!checkKeys(o, {"id", "when", "codes", "modifiers", "reason"})) {
        return false;
    }
    ModifierRule rule;
    if (!selector(o.value(u"when"), entry.sequence, rule.when)
        || (o.contains(u"codes") && !codes(o.value(u"codes"), rule.codes))
        || !modifiers(o.value(u"modifiers"), rule.modifiers)) {
        return false;
    }
    if (rule.modifiers.empty()) {
        return fail(QStringLiteral("modifiers must not be empty"));
    }
    rule.rule = text(o.value(u"id").toString(), o.value(u"reason").toString());
    if (!rule.rule) {
        return false;
    }
    into.push_back(std::move(rule));
    return true;
}

bool Compiler::compilePair(const OverlaidEntry &entry)
{
    const QJsonObject &o = entry.object;
    if (!checkKeys(o, {"id", "when", "column1", "column2", "mi", "reason"})) {
        return false;
    }
    Selector when;
    std::vector<ProcedureCode> column1;
    std::vector<ProcedureCode> column2;
    if (!selector(o.value(u"when"), entry.sequence, when) || !codes(o.value(u"column1"), column1)
        || !codes(o.value(u"column2"), column2)) {
        return false;
    }
    const int indicator = o.value(u"mi").toInt(-1);
    if (indicator != 0 && indicator != 1 && indicator != 9) {
        return fail(QStringLiteral("mi (modifier indicator) is 0, 1 or 9"));
    }
    const RuleText *rule = text(o.value(u"id").toString(), o.value(u"reason").toString());
    if (!rule) {
        return false;
    }
    for (const auto &first : column1) {
        for (const auto &second : column2) {
            if (first != second) {
                m_tables.pairs.push_back(PairRule{first, second, indicator, when, rule});
            }
        }
    }
    return true;
}

bool Compiler::compileMue(const OverlaidEntry &entry)
{
    const QJsonObject &o = entry.object;
    if (!checkKeys(o, {"id", "when", "cpt", "units", "mai", "reason"})) {
        return false;
    }
    MueRule rule;
    if (!selector(o.value(u"when"), entry.sequence, rule.when)
        || !code(o.value(u"cpt"), rule.code)) {
        return false;
    }
    rule.units = o.value(u"units").toInt(-1);
    rule.adjudicationIndicator = o.value(u"mai").toInt(3);
    if (rule.units < 0 || rule.adjudicationIndicator < 1 || rule.adjudicationIndicator > 3) {
        return fail(QStringLiteral("units must be >= 0 and mai 1, 2 or 3"));
    }
    const QString reason =
        o.contains(u"reason") ? o.value(u"reason").toString() : m_tables.messages.mueOver->reason;
    rule.rule = text(o.value(u"id").toString(), reason);
    if (!rule.rule) {
        return false;
    }
    m_tables.mue.push_back(std::move(rule));
    return true;
}

bool Compiler::compile(const JsonOverlay &merged)
{
    auto keyed = [&merged](const char *name) {
        return merged.section(QLatin1String(name));
    };

    m_context = QStringLiteral("groups");
    const QJsonObject groups = keyed("groups");
    for (auto it = groups.begin(); it != groups.end(); ++it) {
        bool ok = true;
        m_credentialGroups[it.key()] = maskFromNames<ProviderCredential>(it.value(), ok);
        if (!ok) {
            return fail(it.key() + QStringLiteral(" names an unknown provider type"));
        }
    }
    m_context = QStringLiteral("code_groups");
    const QJsonObject codeGroups = keyed("code_groups");
    for (auto it = codeGroups.begin(); it != codeGroups.end(); ++it) {
        std::vector<ProcedureCode> members;
        for (const auto &item : it.value().toArray()) {
            ProcedureCode parsed;
            if (!code(item, parsed)) {
                return false;
            }
            members.push_back(parsed);
        }
        std::sort(members.begin(), members.end());
        m_tables.codeGroups[it.key()] = std::move(members);
    }
    m_context = QStringLiteral("descriptions");
    const QJsonObject descriptions = keyed("descriptions");
    for (auto it = descriptions.begin(); it != descriptions.end(); ++it) {
        ProcedureCode parsed;
        if (!code(QJsonValue(it.key()), parsed)) {
            return false;
        }
        m_tables.descriptions[parsed] = it.value().toString();
    }
    m_context = QStringLiteral("messages");
    const QJsonObject messages = keyed("messages");
    for (auto it = messages.begin(); it != messages.end(); ++it) {
        if (!text(it.key(), it.value().toString())) {
            return false;
        }
    }
    const std::pair<const char *, const RuleText **> required[] = {
        {"DOS-REQUIRED", &m_tables.messages.dosRequired},
        {"SVC-NO-RULE", &m_tables.messages.noRule},
        {"EM-CODE-MISSING", &m_tables.messages.emMissing},
        {"EM-CODE-INVALID", &m_tables.messages.emInvalid},
        {"EM-AS-REPORTED", &m_tables.messages.emAsReported},
        {"PROLONGED-WITH-ADDON", &m_tables.messages.prolongedWithAddOn},
        {"NCCI-BYPASS-UNUSED", &m_tables.messages.bypassUnused},
        {"MOD-LIMIT", &m_tables.messages.modifierLimit},
        {"TH-MOD-IN-PERSON", &m_tables.messages.telehealthModifierInPerson},
        {"MEDICAID-NO-STATE", &m_tables.messages.medicaidNoState},
        {"MEDICAID-NO-CREDENTIAL", &m_tables.messages.medicaidNoCredential},
        {"DX-NOT-GIVEN", &m_tables.messages.dxNotGiven},
        {"MUE-OVER", &m_tables.messages.mueOver},
        {"ADDON-NO-PRIMARY", &m_tables.messages.addOnNoPrimary},
        {"IC-ADDED", &m_tables.messages.interactiveComplexityAdded},
    };
    for (const auto &[id, slot] : required) {
        const auto found = m_tables.textById.find(QLatin1String(id));
        if (found == m_tables.textById.end()) {
            return fail(QStringLiteral("message ") + QLatin1String(id)
                        + QStringLiteral(" is missing"));
        }
        *slot = found->second;
    }

    m_context = QStringLiteral("settings");
    const QJsonObject settings = keyed("settings");
    if (!checkKeys(settings, {"interactive_complexity_code", "ncci_bypass_modifiers",
                              "telehealth_modifiers", "max_modifiers_per_line"})
        || !code(settings.value(u"interactive_complexity_code"), m_tables.interactiveComplexityCode)
        || !modifiers(settings.value(u"ncci_bypass_modifiers"), m_tables.bypassModifiers)
        || !modifiers(settings.value(u"telehealth_modifiers"), m_tables.telehealthModifiers)) {
        return false;
    }
    const int maxModifiers = settings.value(u"max_modifiers_per_line").toInt(4);
    if (maxModifiers < 1 || maxModifiers > 4) {
        return fail(QStringLiteral("max_modifiers_per_line is 1 to 4"));
    }
    m_tables.maxModifiersPerLine = std::size_t(maxModifiers);

    using Step = bool (Compiler::*)(const OverlaidEntry &);
    const std::pair<const char *, Step> steps[] = {
        {"services", &Compiler::compileService}, {"prolonged", &Compiler::compileProlonged},
        {"addons", &Compiler::compileAddOn},     {"telehealth", &Compiler::compileTelehealth},
        {"notices", &Compiler::compileNotice},   {"pairs", &Compiler::compilePair},
        {"mue", &Compiler::compileMue},
    };
    auto eachEntry = [&](const char *section, auto &&compileOne) {
        const OverlaidList &list = merged.list(QLatin1String(section));
        for (const auto &id : list.order) {
            const auto entry = list.byId.find(id);
            if (entry == list.byId.end()) {
                continue;
            }
            m_context = entry->second.source + u": " + QLatin1String(section) + u'[' + id + u']';
            if (!compileOne(entry->second)) {
                return false;
            }
        }
        return true;
    };
    for (const auto &sectionStep : steps) {
        // Copied out: clang 14 cannot capture a structured binding in a lambda.
        const auto step = sectionStep.second;
        if (!eachEntry(sectionStep.first,
                       [this, step](const OverlaidEntry &e) { return (this->*step)(e); })) {
            return false;
        }
    }
    if (!eachEntry("credential_modifiers",
                   [this](const OverlaidEntry &e) {
                       return compileModifierRule(e, m_tables.credentialModifiers);
                   })
        || !eachEntry("code_modifiers", [this](const OverlaidEntry &e) {
               return compileModifierRule(e, m_tables.codeModifiers);
           })) {
        return false;
    }

    m_context = QStringLiteral("rules");
    const bool hasDefaultTelehealth =
        std::any_of(m_tables.telehealth.begin(), m_tables.telehealth.end(),
                    [](const TelehealthRule &r) { return r.when.specificity == 0; });
    if (!hasDefaultTelehealth) {
        return fail(
            QStringLiteral("a telehealth entry with an empty 'when' (the default) is required"));
    }

    auto bySpecificity = [](const auto &a, const auto &b) {
        if (a.when.specificity != b.when.specificity) {
            return a.when.specificity > b.when.specificity;
        }
        if (a.when.fromDay != b.when.fromDay) {
            return a.when.fromDay > b.when.fromDay;
        }
        return a.when.loadOrder > b.when.loadOrder;
    };
    for (auto &list : m_tables.services) {
        std::stable_sort(list.begin(), list.end(), bySpecificity);
    }
    std::stable_sort(m_tables.prolonged.begin(), m_tables.prolonged.end(), bySpecificity);
    std::stable_sort(m_tables.telehealth.begin(), m_tables.telehealth.end(), bySpecificity);
    std::stable_sort(m_tables.credentialModifiers.begin(), m_tables.credentialModifiers.end(),
                     bySpecificity);
    std::sort(m_tables.addOns.begin(), m_tables.addOns.end(),
              [](const AddOnRule &a, const AddOnRule &b) { return a.code < b.code; });
    std::stable_sort(m_tables.pairs.begin(), m_tables.pairs.end(),
                     [](const PairRule &a, const PairRule &b) {
                         return std::tie(a.column1, a.column2) < std::tie(b.column1, b.column2);
                     });
    std::stable_sort(m_tables.mue.begin(), m_tables.mue.end(),
                     [&bySpecificity](const MueRule &a, const MueRule &b) {
                         if (a.code != b.code) {
                             return a.code < b.code;
                         }
                         return bySpecificity(a, b);
                     });
    return true;
}

} // namespace

bool Selector::matches(const SessionFacts &facts, ServiceKind service, qint64 day) const
{
    return (services == 0 || (services & bit(service)) != 0)
           && (payers == 0 || (payers & bit(facts.payer)) != 0)
           && (providers == 0 || (providers & bit(facts.provider)) != 0)
           && (modalities == 0 || (modalities & bit(facts.modality)) != 0)
           && (entities == 0 || (entities & bit(facts.billingEntity)) != 0)
           && (administeredBy == 0 || (administeredBy & bit(facts.administeredBy)) != 0)
           && day >= fromDay && day <= toDay && (state.isNull() || state == facts.state)
           && (payerProfile.isEmpty() || payerProfile == facts.payerProfile);
}

RuleSet::RuleSet()
    : m_tables(std::make_unique<RuleTables>())
{
}
RuleSet::~RuleSet() = default;

QList<RuleSource> RuleSet::builtinSources()
{
    QList<RuleSource> sources;
    for (const char *name : kBuiltinFiles) {
        const QString fileName = QLatin1String(name);
        QFile file(QStringLiteral(":/sessionbook/coding/rules/") + fileName
                   + QStringLiteral(".json"));
        if (file.open(QIODevice::ReadOnly)) {
            sources.append(RuleSource{fileName, file.readAll()});
        } else {
            sources.append(RuleSource{fileName, QByteArray()});
        }
    }
    return sources;
}

Expected<std::shared_ptr<const RuleSet>, RuleLoadError>
RuleSet::load(const QList<RuleSource> &sources)
{
    JsonOverlay merged(rulesFormat());
    for (const auto &source : sources) {
        if (QString problem = merged.add(source.name, source.json); !problem.isEmpty()) {
            return unexpected(RuleLoadError{std::move(problem)});
        }
    }
    QStringList versions;
    for (const auto &document : merged.documents()) {
        versions.append(document.name + u'@'
                        + document.version.toString(QStringLiteral("unversioned")));
    }
    std::shared_ptr<RuleSet> rules(new RuleSet());
    Compiler compiler(*rules->m_tables);
    if (!compiler.compile(merged)) {
        return unexpected(RuleLoadError{compiler.error()});
    }
    rules->m_version = versions.join(QStringLiteral(", "));
    return std::shared_ptr<const RuleSet>(std::move(rules));
}

Expected<std::shared_ptr<const RuleSet>, RuleLoadError>
RuleSet::builtin(const QString &overridePath)
{
    QList<RuleSource> sources = builtinSources();
    if (!overridePath.isEmpty()) {
        QFile file(overridePath);
        if (!file.open(QIODevice::ReadOnly)) {
            return unexpected(
                RuleLoadError{QStringLiteral("cannot read rules file ") + overridePath});
        }
        sources.append(RuleSource{overridePath, file.readAll()});
    }
    return load(sources);
}

QString RuleSet::description(ProcedureCode code) const
{
    const auto found = m_tables->descriptions.find(code);
    return found == m_tables->descriptions.end() ? QString() : found->second;
}

const RuleText *RuleSet::findRule(QStringView id) const
{
    const auto found = m_tables->textById.find(id.toString());
    return found == m_tables->textById.end() ? nullptr : found->second;
}

} // namespace sb::coding
