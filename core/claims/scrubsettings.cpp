// SPDX-License-Identifier: Apache-2.0
#include "claims/scrubsettings.h"

#include "domain/enums.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <map>

namespace sb::claims {

namespace {

constexpr int kFormat = 1;

constexpr std::array<const char *, kCheckCount> kCheckIds{{
    "scrub.claim.no_lines",
    "scrub.claim.dos_missing",
    "scrub.claim.dos_future",
    "scrub.claim.duplicate",
    "scrub.note.unsigned",
    "scrub.auth.missing",
    "scrub.auth.not_started",
    "scrub.auth.expired",
    "scrub.auth.service_not_covered",
    "scrub.auth.exhausted",
    "scrub.auth.closing",
    "scrub.elig.not_verified",
    "scrub.elig.stale",
    "scrub.elig.inactive",
    "scrub.elig.carved_out",
    "scrub.cred.missing",
    "scrub.cred.not_yet_effective",
    "scrub.cred.ended",
    "scrub.cred.not_in_network",
    "scrub.cred.license_expired",
    "scrub.cred.caqh_overdue",
    "scrub.dx.missing",
    "scrub.dx.too_many",
    "scrub.dx.invalid_format",
    "scrub.dx.unknown",
    "scrub.dx.not_billable",
    "scrub.dx.not_valid_on_date",
    "scrub.dx.no_release",
    "scrub.dx.duplicate",
    "scrub.line.units_invalid",
    "scrub.line.pointer_missing",
    "scrub.line.too_many_pointers",
    "scrub.line.pointer_invalid",
    "scrub.line.too_many_modifiers",
    "scrub.time.missing",
    "scrub.time.under",
    "scrub.time.longer_code",
    "scrub.time.units_over",
    "scrub.npi.billing_missing",
    "scrub.npi.billing_invalid",
    "scrub.npi.rendering_missing",
    "scrub.npi.rendering_invalid",
    "scrub.pos.missing",
    "scrub.pos.telehealth_in_person",
    "scrub.pos.telehealth_mismatch",
    "scrub.mod.telehealth_in_person",
    "scrub.mod.video_missing",
    "scrub.mod.audio_missing",
    "scrub.mod.audio_on_video",
    "scrub.mod.not_accepted",
    "scrub.filing.passed",
    "scrub.filing.closing",
}};

const char *const kListSections[] = {"timely_filing", "telehealth", "timed_codes"};

struct MergedEntry {
    QJsonObject object;
    QString source;
    int loadOrder = 0;
};

struct MergedList {
    std::vector<QString> order;
    std::map<QString, MergedEntry> byId;
};

std::optional<Check> checkFromId(QStringView id)
{
    for (std::size_t i = 0; i < kCheckCount; ++i) {
        if (id == QLatin1String(kCheckIds[i])) {
            return Check(i);
        }
    }
    return std::nullopt;
}

bool isCommentKey(const QString &key)
{
    return key == u"note" || key == u"certainty" || key == u"source";
}

} // namespace

QLatin1String checkId(Check check)
{
    return QLatin1String(kCheckIds[std::size_t(check)]);
}

QLatin1String severityName(Severity severity)
{
    switch (severity) {
    case Severity::Off:
        return QLatin1String("off");
    case Severity::Warning:
        return QLatin1String("warning");
    case Severity::Error:
        break;
    }
    return QLatin1String("error");
}

bool ScrubSelector::matches(const Claim &claim, qint64 day) const
{
    if (payers != 0 && (payers & (1u << unsigned(claim.payerKind))) == 0) {
        return false;
    }
    if (!profiles.isEmpty() && !profiles.contains(claim.payerProfile)) {
        return false;
    }
    if (!states.isEmpty() && !states.contains(claim.state)) {
        return false;
    }
    return day >= fromDay && day <= toDay;
}

bool ScrubSelector::beats(const ScrubSelector &other) const
{
    if (specificity != other.specificity) {
        return specificity > other.specificity;
    }
    if (fromDay != other.fromDay) {
        return fromDay > other.fromDay;
    }
    return loadOrder > other.loadOrder;
}

/// Merges the documents and compiles them into a ScrubSettings; stops at the first problem.
class ScrubSettingsLoader {
public:
    explicit ScrubSettingsLoader(ScrubSettings &settings)
        : m_settings(settings)
    {
    }

    bool merge(const ScrubSettingsSource &source, int loadOrder);
    bool compile();
    [[nodiscard]] const QString &error() const { return m_error; }

private:
    bool fail(const QString &what)
    {
        if (m_error.isEmpty()) {
            m_error = m_context + QStringLiteral(": ") + what;
        }
        return false;
    }
    bool checkKeys(const QJsonObject &object, std::initializer_list<const char *> allowed);
    bool selector(const QJsonValue &value, int loadOrder, ScrubSelector &out);
    bool date(const QJsonValue &value, qint64 &day);
    bool count(const QJsonObject &object, const char *key, int minimum, int &out);
    template<typename Code, std::size_t N>
    bool codes(const QJsonValue &value, InlineList<Code, N> &out);
    bool compileSettings();
    bool compileChecks();
    bool compileTimelyFiling(const MergedEntry &entry);
    bool compileTelehealth(const MergedEntry &entry);
    bool compileTimedCode(const MergedEntry &entry);

    ScrubSettings &m_settings;
    QJsonObject m_rawSettings;
    std::map<QString, QJsonObject> m_rawChecks;
    std::map<QString, MergedList> m_lists;
    QStringList m_versions;
    QString m_context;
    QString m_error;
};

bool ScrubSettingsLoader::checkKeys(const QJsonObject &object,
                                    std::initializer_list<const char *> allowed)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (isCommentKey(it.key())) {
            continue;
        }
        const bool known = std::any_of(allowed.begin(), allowed.end(), [&](const char *name) {
            return it.key() == QLatin1String(name);
        });
        if (!known) {
            return fail(QStringLiteral("unknown key '") + it.key() + u'\'');
        }
    }
    return true;
}

bool ScrubSettingsLoader::merge(const ScrubSettingsSource &source, int loadOrder)
{
    m_context = source.name;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(source.json, &parseError);
    if (!document.isObject()) {
        return fail(QStringLiteral("not a JSON object: ") + parseError.errorString());
    }
    const QJsonObject root = document.object();
    if (!checkKeys(root, {"format", "version", "settings", "checks", "timely_filing", "telehealth",
                          "timed_codes"})) {
        return false;
    }
    if (root.value(u"format").toInt() != kFormat) {
        return fail(QStringLiteral("format must be 1"));
    }
    m_versions.append(source.name + u'@' + root.value(u"version").toString());

    const QJsonObject settings = root.value(u"settings").toObject();
    for (auto it = settings.begin(); it != settings.end(); ++it) {
        m_rawSettings.insert(it.key(), it.value());
    }
    const QJsonObject checks = root.value(u"checks").toObject();
    for (auto it = checks.begin(); it != checks.end(); ++it) {
        if (!checkFromId(it.key())) {
            return fail(QStringLiteral("checks: unknown check '") + it.key() + u'\'');
        }
        if (!it.value().isObject()) {
            return fail(QStringLiteral("checks[") + it.key()
                        + QStringLiteral("] must be an object"));
        }
        QJsonObject &merged = m_rawChecks[it.key()];
        const QJsonObject fields = it.value().toObject();
        for (auto field = fields.begin(); field != fields.end(); ++field) {
            merged.insert(field.key(), field.value());
        }
    }
    for (const char *name : kListSections) {
        const QJsonValue value = root.value(QLatin1String(name));
        if (value.isUndefined()) {
            continue;
        }
        if (!value.isArray()) {
            return fail(QLatin1String(name) + QStringLiteral(" must be a list"));
        }
        MergedList &list = m_lists[QLatin1String(name)];
        for (const auto &item : value.toArray()) {
            const QJsonObject object = item.toObject();
            const QString id = object.value(u"id").toString();
            if (id.isEmpty()) {
                return fail(QLatin1String(name) + QStringLiteral(": every entry needs an id"));
            }
            if (object.value(u"disabled").toBool(false)) {
                list.byId.erase(id);
                continue;
            }
            if (list.byId.find(id) == list.byId.end()) {
                list.order.push_back(id);
            }
            list.byId[id] = MergedEntry{object, source.name, loadOrder};
        }
    }
    return true;
}

bool ScrubSettingsLoader::date(const QJsonValue &value, qint64 &day)
{
    const QDate parsed = QDate::fromString(value.toString(), Qt::ISODate);
    if (!parsed.isValid()) {
        return fail(QStringLiteral("dates are written YYYY-MM-DD"));
    }
    day = parsed.toJulianDay();
    return true;
}

bool ScrubSettingsLoader::selector(const QJsonValue &value, int loadOrder, ScrubSelector &out)
{
    const QJsonObject when = value.toObject();
    if (!value.isUndefined() && !value.isObject()) {
        return fail(QStringLiteral("'when' must be an object"));
    }
    if (!checkKeys(when, {"payer", "payer_profile", "state", "from", "to"})) {
        return false;
    }
    auto list = [](const QJsonValue &v) {
        return v.isArray() ? v.toArray() : QJsonArray{v};
    };
    out.loadOrder = loadOrder;
    if (when.contains(u"payer")) {
        for (const auto &item : list(when.value(u"payer"))) {
            const auto kind = fromName<PayerKind>(item.toString());
            if (!kind) {
                return fail(QStringLiteral("unknown payer kind"));
            }
            out.payers |= 1u << unsigned(*kind);
        }
        out.specificity += 2;
    }
    if (when.contains(u"payer_profile")) {
        for (const auto &item : list(when.value(u"payer_profile"))) {
            out.profiles.append(item.toString());
        }
        out.specificity += 8;
    }
    if (when.contains(u"state")) {
        for (const auto &item : list(when.value(u"state"))) {
            const auto state = StateCode::parse(item.toString());
            if (!state) {
                return fail(QStringLiteral("state must be a two-letter code"));
            }
            out.states.append(*state);
        }
        out.specificity += 4;
    }
    if (when.contains(u"from") && !date(when.value(u"from"), out.fromDay)) {
        return false;
    }
    if (when.contains(u"to") && !date(when.value(u"to"), out.toDay)) {
        return false;
    }
    if (when.contains(u"from") || when.contains(u"to")) {
        out.specificity += 1;
    }
    return true;
}

bool ScrubSettingsLoader::count(const QJsonObject &object, const char *key, int minimum, int &out)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined()) {
        return true;
    }
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < minimum || number > 100000 || number != int(number)) {
        return fail(QLatin1String(key) + QStringLiteral(" must be a whole number of at least ")
                    + QString::number(minimum));
    }
    out = int(number);
    return true;
}

template<typename Code, std::size_t N>
bool ScrubSettingsLoader::codes(const QJsonValue &value, InlineList<Code, N> &out)
{
    if (value.isUndefined()) {
        return true;
    }
    if (!value.isArray()) {
        return fail(QStringLiteral("code lists must be lists"));
    }
    out.clear();
    for (const auto &item : value.toArray()) {
        const auto parsed = Code::parse(item.toString());
        if (!parsed) {
            return fail(QStringLiteral("'") + item.toString().left(8)
                        + QStringLiteral("' is not a modifier or place of service"));
        }
        if (!out.push_back(*parsed)) {
            return fail(QStringLiteral("too many codes in a list"));
        }
    }
    return true;
}

bool ScrubSettingsLoader::compileSettings()
{
    m_context = QStringLiteral("settings");
    ScrubSettings &s = m_settings;
    return checkKeys(m_rawSettings,
                     {"eligibility_stale_days", "auth_low_visits", "auth_closing_days",
                      "caqh_reattest_days", "max_diagnoses", "max_pointers_per_line",
                      "max_modifiers_per_line", "telehealth_pos", "telehealth_modifiers",
                      "audio_only_modifiers"})
           && count(m_rawSettings, "eligibility_stale_days", 0, s.eligibilityStaleDays)
           && count(m_rawSettings, "auth_low_visits", 0, s.authLowVisits)
           && count(m_rawSettings, "auth_closing_days", 0, s.authClosingDays)
           && count(m_rawSettings, "caqh_reattest_days", 1, s.caqhReattestDays)
           && count(m_rawSettings, "max_diagnoses", 1, s.maxDiagnoses)
           && count(m_rawSettings, "max_pointers_per_line", 1, s.maxPointersPerLine)
           && count(m_rawSettings, "max_modifiers_per_line", 1, s.maxModifiersPerLine)
           && codes(m_rawSettings.value(u"telehealth_pos"), s.telehealthPos)
           && codes(m_rawSettings.value(u"telehealth_modifiers"), s.telehealthModifiers)
           && codes(m_rawSettings.value(u"audio_only_modifiers"), s.audioOnlyModifiers);
}

bool ScrubSettingsLoader::compileChecks()
{
    for (std::size_t i = 0; i < kCheckCount; ++i) {
        const QString id = QLatin1String(kCheckIds[i]);
        m_context = QStringLiteral("checks[") + id + u']';
        const auto found = m_rawChecks.find(id);
        if (found == m_rawChecks.end()) {
            return fail(QStringLiteral("missing: every check needs a severity and a message"));
        }
        const QJsonObject &object = found->second;
        if (!checkKeys(object, {"severity", "message", "disabled"})) {
            return false;
        }
        CheckText &text = m_settings.m_checks[i];
        const QString severity = object.value(u"severity").toString();
        if (severity == u"error") {
            text.severity = Severity::Error;
        } else if (severity == u"warning") {
            text.severity = Severity::Warning;
        } else if (severity == u"off") {
            text.severity = Severity::Off;
        } else {
            return fail(QStringLiteral("severity must be error, warning or off"));
        }
        if (object.value(u"disabled").toBool(false)) {
            text.severity = Severity::Off;
        }
        text.message = object.value(u"message").toString();
        if (text.message.isEmpty()) {
            return fail(QStringLiteral("message is required"));
        }
    }
    return true;
}

bool ScrubSettingsLoader::compileTimelyFiling(const MergedEntry &entry)
{
    TimelyFilingRule rule;
    rule.id = entry.object.value(u"id").toString();
    if (!checkKeys(entry.object, {"id", "when", "months", "days", "closing_days"})
        || !selector(entry.object.value(u"when"), entry.loadOrder, rule.when)
        || !count(entry.object, "months", 0, rule.months)
        || !count(entry.object, "days", 0, rule.days)
        || !count(entry.object, "closing_days", 0, rule.closingDays)) {
        return false;
    }
    if ((rule.months > 0) == (rule.days > 0)) {
        return fail(QStringLiteral("give either months or days"));
    }
    m_settings.m_timelyFiling.push_back(std::move(rule));
    return true;
}

bool ScrubSettingsLoader::compileTelehealth(const MergedEntry &entry)
{
    TelehealthRule rule;
    rule.id = entry.object.value(u"id").toString();
    const QJsonObject pos = entry.object.value(u"pos").toObject();
    if (!checkKeys(entry.object, {"id", "when", "pos", "video_modifiers", "audio_modifiers",
                                  "accepted_modifiers"})
        || !selector(entry.object.value(u"when"), entry.loadOrder, rule.when)
        || !checkKeys(pos, {"home", "other"}) || !codes(pos.value(u"home"), rule.posHome)
        || !codes(pos.value(u"other"), rule.posOther)
        || !codes(entry.object.value(u"video_modifiers"), rule.videoModifiers)
        || !codes(entry.object.value(u"audio_modifiers"), rule.audioModifiers)
        || !codes(entry.object.value(u"accepted_modifiers"), rule.accepted)) {
        return false;
    }
    if (rule.posHome.empty() || rule.posOther.empty()) {
        return fail(QStringLiteral("pos needs 'home' and 'other' lists"));
    }
    m_settings.m_telehealth.push_back(std::move(rule));
    return true;
}

bool ScrubSettingsLoader::compileTimedCode(const MergedEntry &entry)
{
    TimedCode code;
    const auto cpt = ProcedureCode::parse(entry.object.value(u"cpt").toString());
    if (!checkKeys(entry.object, {"id", "cpt", "min", "max", "unit_step"})) {
        return false;
    }
    if (!cpt) {
        return fail(QStringLiteral("cpt must be a 5-character procedure code"));
    }
    code.cpt = *cpt;
    if (!count(entry.object, "min", 0, code.minMinutes)
        || !count(entry.object, "max", 0, code.maxMinutes)
        || !count(entry.object, "unit_step", 1, code.unitStep)) {
        return false;
    }
    if (code.maxMinutes >= 0 && code.maxMinutes < code.minMinutes) {
        return fail(QStringLiteral("max is below min"));
    }
    const bool duplicate =
        std::any_of(m_settings.m_timedCodes.begin(), m_settings.m_timedCodes.end(),
                    [&](const TimedCode &c) { return c.cpt == code.cpt; });
    if (duplicate) {
        return fail(QStringLiteral("two entries for the same code"));
    }
    m_settings.m_timedCodes.push_back(code);
    return true;
}

bool ScrubSettingsLoader::compile()
{
    if (!compileSettings() || !compileChecks()) {
        return false;
    }
    using Compile = bool (ScrubSettingsLoader::*)(const MergedEntry &);
    const std::pair<const char *, Compile> sections[] = {
        {"timely_filing", &ScrubSettingsLoader::compileTimelyFiling},
        {"telehealth", &ScrubSettingsLoader::compileTelehealth},
        {"timed_codes", &ScrubSettingsLoader::compileTimedCode},
    };
    for (const auto &[name, compileEntry] : sections) {
        const MergedList &list = m_lists[QLatin1String(name)];
        for (const QString &id : list.order) {
            const auto found = list.byId.find(id);
            if (found == list.byId.end()) {
                continue;
            }
            m_context = found->second.source + u' ' + QLatin1String(name) + u'[' + id + u']';
            if (!(this->*compileEntry)(found->second)) {
                return false;
            }
        }
    }
    std::sort(m_settings.m_timedCodes.begin(), m_settings.m_timedCodes.end(),
              [](const TimedCode &a, const TimedCode &b) { return a.cpt < b.cpt; });
    m_settings.m_version = m_versions.join(u',');
    return true;
}

ScrubSettingsSource ScrubSettings::builtinSource()
{
    QFile file(QStringLiteral(":/sessionbook/claims/rules/scrubber.json"));
    if (!file.open(QIODevice::ReadOnly)) {
        return {QStringLiteral("scrubber"), {}};
    }
    return {QStringLiteral("scrubber"), file.readAll()};
}

Expected<std::shared_ptr<const ScrubSettings>, ScrubSettingsError>
ScrubSettings::load(const QList<ScrubSettingsSource> &sources)
{
    auto settings = std::shared_ptr<ScrubSettings>(new ScrubSettings());
    ScrubSettingsLoader loader(*settings);
    int order = 0;
    for (const auto &source : sources) {
        if (!loader.merge(source, order++)) {
            return unexpected(ScrubSettingsError{loader.error()});
        }
    }
    if (!loader.compile()) {
        return unexpected(ScrubSettingsError{loader.error()});
    }
    return std::shared_ptr<const ScrubSettings>(std::move(settings));
}

Expected<std::shared_ptr<const ScrubSettings>, ScrubSettingsError>
ScrubSettings::builtin(const QString &overridePath)
{
    QList<ScrubSettingsSource> sources{builtinSource()};
    if (!overridePath.isEmpty()) {
        QFile file(overridePath);
        if (!file.open(QIODevice::ReadOnly)) {
            return unexpected(
                ScrubSettingsError{overridePath + QStringLiteral(": cannot be read")});
        }
        sources.append({overridePath, file.readAll()});
    }
    return load(sources);
}

template<typename Rule>
static const Rule *selectRule(const std::vector<Rule> &rules, const Claim &claim)
{
    const qint64 day = claim.dateOfService.toJulianDay();
    const Rule *best = nullptr;
    for (const Rule &rule : rules) {
        if (rule.when.matches(claim, day) && (!best || rule.when.beats(best->when))) {
            best = &rule;
        }
    }
    return best;
}

const TimelyFilingRule *ScrubSettings::timelyFiling(const Claim &claim) const
{
    return selectRule(m_timelyFiling, claim);
}

const TelehealthRule *ScrubSettings::telehealth(const Claim &claim) const
{
    return selectRule(m_telehealth, claim);
}

const TimedCode *ScrubSettings::timedCode(ProcedureCode cpt) const
{
    const auto it = std::lower_bound(m_timedCodes.begin(), m_timedCodes.end(), cpt,
                                     [](const TimedCode &c, ProcedureCode k) { return c.cpt < k; });
    return it != m_timedCodes.end() && it->cpt == cpt ? &*it : nullptr;
}

} // namespace sb::claims
