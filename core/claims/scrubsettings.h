// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "claims/claim.h"
#include "util/expected.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

namespace sb::claims {

/**
 * Every check the scrubber knows. The code decides when a check fires; the data
 * (core/claims/rules/scrubber.json) gives each one its severity and its message, so a practice
 * can soften, harden or switch off a check without a rebuild.
 */
enum class Check : std::uint8_t {
    ClaimNoLines,
    DosMissing,
    DosFuture,
    Duplicate,
    NoteUnsigned,
    AuthMissing,
    AuthNotStarted,
    AuthExpired,
    AuthServiceNotCovered,
    AuthExhausted,
    AuthClosing,
    EligNotVerified,
    EligStale,
    EligInactive,
    EligCarvedOut,
    CredMissing,
    CredNotYetEffective,
    CredEnded,
    CredNotInNetwork,
    CredLicenseExpired,
    CredCaqhOverdue,
    DxMissing,
    DxTooMany,
    DxInvalidFormat,
    DxUnknown,
    DxNotBillable,
    DxNotValidOnDate,
    DxNoRelease,
    DxDuplicate,
    LineUnitsInvalid,
    LinePointerMissing,
    LineTooManyPointers,
    LinePointerInvalid,
    LineTooManyModifiers,
    TimeMissing,
    TimeUnder,
    TimeLongerCode,
    TimeUnitsOver,
    NpiBillingMissing,
    NpiBillingInvalid,
    NpiRenderingMissing,
    NpiRenderingInvalid,
    PosMissing,
    PosTelehealthInPerson,
    PosTelehealthMismatch,
    ModTelehealthInPerson,
    ModVideoMissing,
    ModAudioMissing,
    ModAudioOnVideo,
    ModNotAccepted,
    FilingPassed,
    FilingClosing,
};
inline constexpr std::size_t kCheckCount = std::size_t(Check::FilingClosing) + 1;

/// The stable id of a check ("scrub.auth.expired"): what billers, tests and data key on.
[[nodiscard]] QLatin1String checkId(Check check);

enum class Severity : std::uint8_t {
    Off,     ///< Switched off by the data: the check never reports.
    Warning, ///< Shown to the biller; the claim can still be exported.
    Error,   ///< Blocks export.
};
[[nodiscard]] QLatin1String severityName(Severity severity);

/// A check's severity and its message template. Placeholders: {line} {code} {date} {count}
/// {limit}; values are codes, dates and counts, never patient data.
struct CheckText {
    Severity severity = Severity::Error;
    QString message;
};

/// The "when" of a dated, per-payer entry: payer kinds (bit mask, 0 = any), payer profiles
/// and states (empty = any), and date of service from/to inclusive (Julian days).
struct ScrubSelector {
    std::uint32_t payers = 0;
    QStringList profiles;
    QList<StateCode> states;
    qint64 fromDay = std::numeric_limits<qint64>::min();
    qint64 toDay = std::numeric_limits<qint64>::max();
    int specificity = 0;
    int loadOrder = 0;

    [[nodiscard]] bool matches(const Claim &claim, qint64 day) const;
    /// True when this entry should win over `other` (both matching).
    [[nodiscard]] bool beats(const ScrubSelector &other) const;
};

/// How long a payer accepts a claim after the date of service, and when to start warning.
struct TimelyFilingRule {
    QString id;
    ScrubSelector when;
    int months = 0; ///< Calendar months (Medicare: 12; Feb 29 + 12 months = Feb 28).
    int days = 0;   ///< Used when months is 0.
    int closingDays = 30;
    [[nodiscard]] QDate deadline(const QDate &dateOfService) const
    {
        return months > 0 ? dateOfService.addMonths(months) : dateOfService.addDays(days);
    }
};

/// Where and how a payer wants telehealth shown: place of service by patient location, and
/// the modifiers required on video and audio-only lines (any one of each list).
struct TelehealthRule {
    QString id;
    ScrubSelector when;
    InlineList<PlaceOfService, 4> posHome;
    InlineList<PlaceOfService, 4> posOther;
    InlineList<Modifier, 4> videoModifiers; ///< Empty: none required.
    InlineList<Modifier, 4> audioModifiers; ///< Empty: none required.
    InlineList<Modifier, 8> accepted;       ///< Telehealth modifiers the payer takes.
};

/// A code chosen on time: the minutes it needs, the most before a longer code applies, and
/// for unit codes the minutes each further unit needs.
struct TimedCode {
    ProcedureCode cpt;
    int minMinutes = 0;
    int maxMinutes = -1; ///< -1: no longer code.
    int unitStep = 0;    ///< > 0: a unit code; units supported = (minutes - min) / step + 1.
};

/// Why scrubber settings could not be used; names the file and entry, never claim data.
struct ScrubSettingsError {
    QString message;
};

/// One JSON settings document and the name errors refer to it by.
struct ScrubSettingsSource {
    QString name;
    QByteArray json;
};

/**
 * The scrubber's settings as data: check severities and messages, timely-filing windows by
 * payer kind, profile, state and date, telehealth place-of-service conventions, timed codes,
 * and the limits (stale eligibility, CAQH re-attestation, diagnoses and pointers per claim).
 * Many of these are uncertain or differ by contract (coding-rules.md sections 6 and 8), so
 * none is compiled into the scrubber. Loaded and indexed once; immutable and shareable
 * between threads.
 */
class ScrubSettings {
public:
    /// The built-in document (core/claims/rules/scrubber.json).
    static ScrubSettingsSource builtinSource();
    /// Loads documents in order; a later one replaces list entries by id (or removes them
    /// with "disabled": true) and check texts field by field.
    static Expected<std::shared_ptr<const ScrubSettings>, ScrubSettingsError>
    load(const QList<ScrubSettingsSource> &sources);
    /// The built-in settings with the file at `overridePath` on top when it is not empty.
    static Expected<std::shared_ptr<const ScrubSettings>, ScrubSettingsError>
    builtin(const QString &overridePath = {});

    [[nodiscard]] const QString &version() const { return m_version; }
    [[nodiscard]] const CheckText &text(Check check) const { return m_checks[std::size_t(check)]; }

    /// The most specific matching entry for the claim's date of service, or nullptr.
    [[nodiscard]] const TimelyFilingRule *timelyFiling(const Claim &claim) const;
    [[nodiscard]] const TelehealthRule *telehealth(const Claim &claim) const;
    [[nodiscard]] const TimedCode *timedCode(ProcedureCode cpt) const;

    int eligibilityStaleDays = 30;
    /// An authorization is closing when this many visits (or units) or fewer are left ...
    int authLowVisits = 3;
    /// ... or it ends within this many days of the date of service.
    int authClosingDays = 14;
    int caqhReattestDays = 120;
    int maxDiagnoses = 12;
    int maxPointersPerLine = 4;
    int maxModifiersPerLine = 4;
    InlineList<PlaceOfService, 4> telehealthPos;
    InlineList<Modifier, 8> telehealthModifiers;
    InlineList<Modifier, 4> audioOnlyModifiers;

private:
    friend class ScrubSettingsLoader;
    std::array<CheckText, kCheckCount> m_checks;
    std::vector<TimelyFilingRule> m_timelyFiling;
    std::vector<TelehealthRule> m_telehealth;
    std::vector<TimedCode> m_timedCodes; ///< Sorted by code.
    QString m_version;
};

} // namespace sb::claims
