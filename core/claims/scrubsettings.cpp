// SPDX-License-Identifier: Apache-2.0
#include "claims/scrubsettings.h"

#include "domain/enums.h"
#include "util/jsonoverlay.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

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

/// The document's shape: "settings" merged key by key, "checks" field by field, the rest
/// lists of entries by id.
OverlayFormat scrubberFormat()
{
    return OverlayFormat{kFormat,
                         {QStringLiteral("settings")},
                         {QStringLiteral("checks")},
                         {QStringLiteral("timely_filing"), QStringLiteral("telehealth"),
                          QStringLiteral("timed_codes")}};
}

std::optional<Check> checkFromId(QStringView id)
{
    for (std::size_t i = 0; i < kCheckCount; ++i) {
        if (id == QLatin1String(kCheckIds[i])) {
            return Check(i);
        }
    }
    return std::nullopt;
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

/// Compiles the overlaid documents into a ScrubSettings; stops at the first problem.
class ScrubSettingsLoader {
public:
    explicit ScrubSettingsLoader(ScrubSettings &settings)
        : m_settings(settings)
    {
    }

    bool compile(const JsonOverlay &overlay);
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
    bool compileSettings(const QJsonObject &raw);
    bool compileChecks(const QJsonObject &raw);
    bool compileTimelyFiling(const OverlaidEntry &entry);
    bool compileTelehealth(const OverlaidEntry &entry);
    bool compileTimedCode(const OverlaidEntry &entry);

    ScrubSettings &m_settings;
    QString m_context;
    QString m_error;
};

bool ScrubSettingsLoader::checkKeys(const QJsonObject &object,
                                    std::initializer_list<const char *> allowed)
{
    const QString unknown = unknownJsonKey(object, allowed);
    return unknown.isEmpty() || fail(QStringLiteral("unknown key '") + unknown + u'\'');
}

bool ScrubSettingsLoader::date(const QJsonValue &value, qint64 &day)
{
    const auto parsed = jsonJulianDay(value);
    if (!parsed) {
        return fail(QStringLiteral("dates are written YYYY-MM-DD"));
    }
    day = *parsed;
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
    const auto number = jsonWholeNumber(value, minimum, 100000);
    if (!number) {
        return fail(QLatin1String(key) + QStringLiteral(" must be a whole number of at least ")
                    + QString::number(minimum));
    }
    out = *number;
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

bool ScrubSettingsLoader::compileSettings(const QJsonObject &raw)
{
    m_context = QStringLiteral("settings");
    ScrubSettings &s = m_settings;
    return checkKeys(raw, {"eligibility_stale_days", "auth_low_visits", "auth_closing_days",
                           "caqh_reattest_days", "max_diagnoses", "max_pointers_per_line",
                           "max_modifiers_per_line", "telehealth_pos", "telehealth_modifiers",
                           "audio_only_modifiers"})
           && count(raw, "eligibility_stale_days", 0, s.eligibilityStaleDays)
           && count(raw, "auth_low_visits", 0, s.authLowVisits)
           && count(raw, "auth_closing_days", 0, s.authClosingDays)
           && count(raw, "caqh_reattest_days", 1, s.caqhReattestDays)
           && count(raw, "max_diagnoses", 1, s.maxDiagnoses)
           && count(raw, "max_pointers_per_line", 1, s.maxPointersPerLine)
           && count(raw, "max_modifiers_per_line", 1, s.maxModifiersPerLine)
           && codes(raw.value(u"telehealth_pos"), s.telehealthPos)
           && codes(raw.value(u"telehealth_modifiers"), s.telehealthModifiers)
           && codes(raw.value(u"audio_only_modifiers"), s.audioOnlyModifiers);
}

bool ScrubSettingsLoader::compileChecks(const QJsonObject &raw)
{
    m_context = QStringLiteral("checks");
    for (auto it = raw.begin(); it != raw.end(); ++it) {
        if (!checkFromId(it.key())) {
            return fail(QStringLiteral("unknown check '") + it.key() + u'\'');
        }
    }
    for (std::size_t i = 0; i < kCheckCount; ++i) {
        const QString id = QLatin1String(kCheckIds[i]);
        m_context = QStringLiteral("checks[") + id + u']';
        const auto found = raw.constFind(id);
        if (found == raw.constEnd()) {
            return fail(QStringLiteral("missing: every check needs a severity and a message"));
        }
        const QJsonObject object = found->toObject();
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

bool ScrubSettingsLoader::compileTimelyFiling(const OverlaidEntry &entry)
{
    TimelyFilingRule rule;
    rule.id = entry.object.value(u"id").toString();
    if (!checkKeys(entry.object, {"id", "when", "months", "days", "closing_days"})
        || !selector(entry.object.value(u"when"), entry.document, rule.when)
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

bool ScrubSettingsLoader::compileTelehealth(const OverlaidEntry &entry)
{
    TelehealthRule rule;
    rule.id = entry.object.value(u"id").toString();
    const QJsonObject pos = entry.object.value(u"pos").toObject();
    if (!checkKeys(entry.object, {"id", "when", "pos", "video_modifiers", "audio_modifiers",
                                  "accepted_modifiers"})
        || !selector(entry.object.value(u"when"), entry.document, rule.when)
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

bool ScrubSettingsLoader::compileTimedCode(const OverlaidEntry &entry)
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

bool ScrubSettingsLoader::compile(const JsonOverlay &overlay)
{
    if (!compileSettings(overlay.section(QStringLiteral("settings")))
        || !compileChecks(overlay.section(QStringLiteral("checks")))) {
        return false;
    }
    using Compile = bool (ScrubSettingsLoader::*)(const OverlaidEntry &);
    const std::pair<const char *, Compile> sections[] = {
        {"timely_filing", &ScrubSettingsLoader::compileTimelyFiling},
        {"telehealth", &ScrubSettingsLoader::compileTelehealth},
        {"timed_codes", &ScrubSettingsLoader::compileTimedCode},
    };
    for (const auto &[name, compileEntry] : sections) {
        const OverlaidList &list = overlay.list(QLatin1String(name));
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
    QStringList versions;
    for (const auto &document : overlay.documents()) {
        versions.append(document.name + u'@' + document.version.toString());
    }
    m_settings.m_version = versions.join(u',');
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
    JsonOverlay overlay(scrubberFormat());
    for (const auto &source : sources) {
        if (QString problem = overlay.add(source.name, source.json); !problem.isEmpty()) {
            return unexpected(ScrubSettingsError{std::move(problem)});
        }
    }
    auto settings = std::shared_ptr<ScrubSettings>(new ScrubSettings());
    ScrubSettingsLoader loader(*settings);
    if (!loader.compile(overlay)) {
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
