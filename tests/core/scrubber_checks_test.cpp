// SPDX-License-Identifier: Apache-2.0
// The claim scrubber: every check firing and, at its boundary, not firing.
#include "claims/claimscrubber.h"
#include "codesets/builtinicd10.h"
#include "codesets/icd10index.h"

#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>
#include <catch2/generators/catch_generators_range.hpp>
#include <functional>
#include <set>

using namespace sb;
using namespace sb::claims;

namespace {

const QDate kDos(2026, 3, 2);

const ClaimScrubber &scrubber()
{
    static const Icd10Index index = Icd10Index::builtIn();
    static const ClaimScrubber instance(ScrubSettings::builtin().value(),
                                        ClaimScrubber::lookupFor(index));
    return instance;
}

ClaimLine line(const char *cpt, int minutes, std::initializer_list<std::uint8_t> pointers = {1},
               std::initializer_list<const char *> modifiers = {}, int units = 1)
{
    ClaimLine l;
    l.cpt = *ProcedureCode::parse(QString::fromLatin1(cpt));
    l.minutes = minutes;
    l.units = units;
    for (auto p : pointers) {
        l.pointers.push_back(p);
    }
    for (const char *m : modifiers) {
        l.modifiers.push_back(*Modifier::parse(QString::fromLatin1(m)));
    }
    return l;
}

/// An in-person 45-minute psychotherapy claim for a commercial payer that passes every check.
Claim cleanClaim()
{
    Claim c;
    c.patientRef = QStringLiteral("patient-0001");
    c.payerRef = QStringLiteral("payer-acme");
    c.payerKind = PayerKind::Commercial;
    c.billingNpi = QStringLiteral("1234567893");
    c.renderingNpi = QStringLiteral("1558598797");
    c.dateOfService = kDos;
    c.scrubDate = QDate(2026, 3, 10);
    c.pos = PlaceOfService::literal("11");
    c.diagnoses = {QStringLiteral("F41.1")};
    c.lines = {line("90834", 45)};
    c.authorizationRequired = true;
    Authorization a;
    a.startDate = QDate(2026, 1, 1);
    a.endDate = QDate(2026, 6, 30);
    a.unit = AuthorizationUnit::Visits;
    a.authorized = 12;
    a.used = 3;
    a.serviceCodes = {QStringLiteral("90834"), QStringLiteral("90837")};
    c.authorization = a;
    EligibilitySnapshot e;
    e.checkedAt = QDateTime(QDate(2026, 2, 20), QTime(15, 0), Qt::UTC);
    e.active = true;
    c.eligibility = e;
    CredentialingRecord r;
    r.status = CredentialingStatus::InNetwork;
    r.effectiveDate = QDate(2025, 1, 1);
    r.caqhAttestedOn = QDate(2026, 3, 1);
    r.licenseExpiresOn = QDate(2027, 12, 31);
    c.credentialing = {r};
    c.noteSigned = true;
    return c;
}

/// Moves the claim to another date of service, keeping its authorization, eligibility and
/// credentialing current for that date.
void moveTo(Claim &c, const QDate &dos, const QDate &scrubDate)
{
    c.dateOfService = dos;
    c.scrubDate = scrubDate;
    c.authorization->startDate = dos.addDays(-30);
    c.authorization->endDate = dos.addDays(30);
    c.eligibility->checkedAt = QDateTime(dos.addDays(-1), QTime(12, 0), Qt::UTC);
    c.credentialing[0].effectiveDate = dos.addDays(-400);
    c.credentialing[0].caqhAttestedOn = scrubDate.addDays(-10);
    c.credentialing[0].licenseExpiresOn = dos.addDays(800);
}

QString describe(const ScrubResult &result)
{
    QString text;
    for (const auto &f : result.findings) {
        text += QString(checkId(f.check)) + QStringLiteral(": ") + scrubber().message(f) + u'\n';
    }
    return text;
}

struct Case {
    const char *name;
    Check check;
    bool fires;
    std::function<void(Claim &)> change;
};

const Case kCases[] = {
    {"no lines", Check::ClaimNoLines, true, [](Claim &c) { c.lines.clear(); }},
    {"dos missing", Check::DosMissing, true, [](Claim &c) { c.dateOfService = QDate(); }},
    {"dos after the scrub date", Check::DosFuture, true,
     [](Claim &c) {
         c.scrubDate = kDos.addDays(-1);
         c.authorization.reset();
         c.authorizationRequired = false;
     }},
    {"dos on the scrub date", Check::DosFuture, false, [](Claim &c) { c.scrubDate = kDos; }},
    {"duplicate", Check::Duplicate, true, [](Claim &c) { c.existingClaims.insert(c.key()); }},
    {"duplicate, but a replacement", Check::Duplicate, false,
     [](Claim &c) {
         c.existingClaims.insert(c.key());
         c.frequencyCode = 7;
     }},
    {"same patient and payer, other date", Check::Duplicate, false,
     [](Claim &c) {
         auto k = c.key();
         k.dateOfService = kDos.addDays(-7);
         c.existingClaims.insert(k);
     }},
    {"unsigned note", Check::NoteUnsigned, true, [](Claim &c) { c.noteSigned = false; }},

    {"auth required, none on file", Check::AuthMissing, true,
     [](Claim &c) {
         c.authorization.reset();
     }},
    {"no auth, none required", Check::AuthMissing, false,
     [](Claim &c) {
         c.authorization.reset();
         c.authorizationRequired = false;
     }},
    {"auth starts the day after", Check::AuthNotStarted, true,
     [](Claim &c) {
         c.authorization->startDate = kDos.addDays(1);
     }},
    {"auth starts on the dos", Check::AuthNotStarted, false,
     [](Claim &c) {
         c.authorization->startDate = kDos;
     }},
    {"auth ended the day before", Check::AuthExpired, true,
     [](Claim &c) {
         c.authorization->endDate = kDos.addDays(-1);
     }},
    {"auth ends on the dos", Check::AuthExpired, false,
     [](Claim &c) {
         c.authorization->endDate = kDos;
     }},
    {"auth for other codes", Check::AuthServiceNotCovered, true,
     [](Claim &c) {
         c.authorization->serviceCodes = {QStringLiteral("90837")};
     }},
    {"auth for any code", Check::AuthServiceNotCovered, false,
     [](Claim &c) {
         c.authorization->serviceCodes.clear();
     }},
    {"all visits used", Check::AuthExhausted, true, [](Claim &c) { c.authorization->used = 12; }},
    {"last visit left", Check::AuthExhausted, false, [](Claim &c) { c.authorization->used = 11; }},
    {"units: 3 needed, 2 left", Check::AuthExhausted, true,
     [](Claim &c) {
         c.authorization->unit = AuthorizationUnit::Units;
         c.authorization->authorized = 4;
         c.authorization->used = 2;
         c.lines[0].units = 3;
         c.lines[0].cpt = ProcedureCode::literal("90840");
         c.lines[0].minutes = 165;
         c.authorization->serviceCodes = {QStringLiteral("90840")};
     }},
    {"units: 2 needed, 2 left", Check::AuthExhausted, false,
     [](Claim &c) {
         c.authorization->unit = AuthorizationUnit::Units;
         c.authorization->authorized = 4;
         c.authorization->used = 2;
         c.lines[0].units = 2;
         c.lines[0].cpt = ProcedureCode::literal("90840");
         c.lines[0].minutes = 165;
         c.authorization->serviceCodes = {QStringLiteral("90840")};
     }},
    {"3 visits left", Check::AuthClosing, true, [](Claim &c) { c.authorization->used = 9; }},
    {"4 visits left", Check::AuthClosing, false, [](Claim &c) { c.authorization->used = 8; }},
    {"auth ends 14 days after the dos", Check::AuthClosing, true,
     [](Claim &c) {
         c.authorization->endDate = kDos.addDays(14);
     }},
    {"auth ends 15 days after the dos", Check::AuthClosing, false,
     [](Claim &c) {
         c.authorization->endDate = kDos.addDays(15);
     }},

    {"eligibility never checked", Check::EligNotVerified, true,
     [](Claim &c) {
         c.eligibility.reset();
     }},
    {"eligibility checked 31 days before", Check::EligStale, true,
     [](Claim &c) {
         c.eligibility->checkedAt = QDateTime(kDos.addDays(-31), QTime(23, 59), Qt::UTC);
     }},
    {"eligibility checked 30 days before", Check::EligStale, false,
     [](Claim &c) {
         c.eligibility->checkedAt = QDateTime(kDos.addDays(-30), QTime(0, 0), Qt::UTC);
     }},
    {"eligibility checked after the dos", Check::EligStale, false,
     [](Claim &c) {
         c.eligibility->checkedAt = QDateTime(kDos.addDays(5), QTime(9, 0), Qt::UTC);
     }},
    {"coverage inactive", Check::EligInactive, true,
     [](Claim &c) {
         c.eligibility->active = false;
     }},
    {"plan ended the day before", Check::EligInactive, true,
     [](Claim &c) {
         c.eligibility->planEnd = kDos.addDays(-1);
     }},
    {"plan ends on the dos", Check::EligInactive, false,
     [](Claim &c) {
         c.eligibility->planBegin = kDos;
         c.eligibility->planEnd = kDos;
     }},
    {"behavioral health carved out", Check::EligCarvedOut, true,
     [](Claim &c) {
         c.eligibility->behavioralHealthCarvedOut = true;
         c.eligibility->carveOutPayerName = QStringLiteral("Magellan BH");
     }},
    {"not carved out, carve-out payer on file", Check::EligCarvedOut, false,
     [](Claim &c) {
         c.eligibility->carveOutPayerName = QStringLiteral("Magellan BH");
     }},

    {"no credentialing record", Check::CredMissing, true,
     [](Claim &c) {
         c.credentialing.clear();
     }},
    {"credentialed from the day after", Check::CredNotYetEffective, true,
     [](Claim &c) {
         c.credentialing[0].effectiveDate = kDos.addDays(1);
     }},
    {"credentialed from the dos", Check::CredNotYetEffective, false,
     [](Claim &c) {
         c.credentialing[0].effectiveDate = kDos;
     }},
    {"credentialing ended the day before", Check::CredEnded, true,
     [](Claim &c) {
         c.credentialing[0].endDate = kDos.addDays(-1);
     }},
    {"credentialing ends on the dos", Check::CredEnded, false,
     [](Claim &c) {
         c.credentialing[0].endDate = kDos;
     }},
    {"ended record, a new one covers the dos", Check::CredEnded, false,
     [](Claim &c) {
         auto old = c.credentialing[0];
         old.effectiveDate = QDate(2020, 1, 1);
         old.endDate = QDate(2024, 12, 31);
         c.credentialing.prepend(old);
     }},
    {"out of network", Check::CredNotInNetwork, true,
     [](Claim &c) {
         c.credentialing[0].status = CredentialingStatus::OutOfNetwork;
     }},
    {"credentialing pending", Check::CredNotInNetwork, true,
     [](Claim &c) {
         c.credentialing[0].status = CredentialingStatus::Pending;
     }},
    {"license expired the day before", Check::CredLicenseExpired, true,
     [](Claim &c) {
         c.credentialing[0].licenseExpiresOn = kDos.addDays(-1);
     }},
    {"license expires on the dos", Check::CredLicenseExpired, false,
     [](Claim &c) {
         c.credentialing[0].licenseExpiresOn = kDos;
     }},
    {"CAQH attested 121 days ago", Check::CredCaqhOverdue, true,
     [](Claim &c) {
         c.credentialing[0].caqhAttestedOn = c.scrubDate.addDays(-121);
     }},
    {"CAQH attested 120 days ago", Check::CredCaqhOverdue, false,
     [](Claim &c) {
         c.credentialing[0].caqhAttestedOn = c.scrubDate.addDays(-120);
     }},

    {"no diagnosis", Check::DxMissing, true,
     [](Claim &c) {
         c.diagnoses.clear();
         c.lines[0].pointers.clear();
     }},
    {"diagnosis not a code", Check::DxInvalidFormat, true,
     [](Claim &c) {
         c.diagnoses = {QStringLiteral("anxiety")};
     }},
    {"diagnosis a name, shaped like a code", Check::DxInvalidFormat, true,
     [](Claim &c) {
         c.diagnoses = {QStringLiteral("JaneDoe")};
     }},
    {"diagnosis too long", Check::DxInvalidFormat, true,
     [](Claim &c) {
         c.diagnoses = {QStringLiteral("F41.12345")};
     }},
    {"diagnosis outside the built-in list", Check::DxNoRelease, true,
     [](Claim &c) {
         c.diagnoses = {QStringLiteral("E11.9")};
     }},
    {"diagnosis without its dot", Check::DxNoRelease, false,
     [](Claim &c) {
         c.diagnoses = {QStringLiteral("F411")};
     }},
    {"diagnosis repeated", Check::DxDuplicate, true,
     [](Claim &c) {
         c.diagnoses = {QStringLiteral("F41.1"), QStringLiteral("f411")};
     }},

    {"zero units", Check::LineUnitsInvalid, true, [](Claim &c) { c.lines[0].units = 0; }},
    {"line without pointer", Check::LinePointerMissing, true,
     [](Claim &c) {
         c.lines[0].pointers.clear();
     }},
    {"pointer to a missing diagnosis", Check::LinePointerInvalid, true,
     [](Claim &c) {
         c.lines[0].pointers.push_back(2);
     }},
    {"pointer to the second of two", Check::LinePointerInvalid, false,
     [](Claim &c) {
         c.diagnoses.append(QStringLiteral("F43.10"));
         c.lines[0].pointers.push_back(2);
     }},
    {"five modifiers", Check::LineTooManyModifiers, true,
     [](Claim &c) {
         c.lines[0] = line("90834", 45, {1}, {"HO", "59", "XU", "GA", "GY"});
     }},
    {"four modifiers", Check::LineTooManyModifiers, false,
     [](Claim &c) {
         c.lines[0] = line("90834", 45, {1}, {"HO", "59", "XU", "GA"});
     }},

    {"timed code without minutes", Check::TimeMissing, true,
     [](Claim &c) {
         c.lines[0].minutes = -1;
     }},
    {"untimed code without minutes", Check::TimeMissing, false,
     [](Claim &c) {
         c.lines[0] = line("90791", -1);
         c.authorization->serviceCodes.clear();
     }},
    {"90834 at 37 minutes", Check::TimeUnder, true, [](Claim &c) { c.lines[0].minutes = 37; }},
    {"90834 at 38 minutes", Check::TimeUnder, false, [](Claim &c) { c.lines[0].minutes = 38; }},
    {"90837 at 52 minutes", Check::TimeUnder, true,
     [](Claim &c) {
         c.lines[0] = line("90837", 52);
     }},
    {"90837 at 53 minutes", Check::TimeUnder, false,
     [](Claim &c) {
         c.lines[0] = line("90837", 53);
     }},
    {"90834 at 53 minutes", Check::TimeLongerCode, true, [](Claim &c) { c.lines[0].minutes = 53; }},
    {"90834 at 52 minutes", Check::TimeLongerCode, false,
     [](Claim &c) {
         c.lines[0].minutes = 52;
     }},
    {"two units of 90840 at 104 minutes", Check::TimeUnitsOver, true,
     [](Claim &c) {
         c.lines[0] = line("90840", 104, {1}, {}, 2);
         c.authorization->serviceCodes.clear();
     }},
    {"two units of 90840 at 105 minutes", Check::TimeUnitsOver, false,
     [](Claim &c) {
         c.lines[0] = line("90840", 105, {1}, {}, 2);
         c.authorization->serviceCodes.clear();
     }},

    {"billing NPI missing", Check::NpiBillingMissing, true, [](Claim &c) { c.billingNpi.clear(); }},
    {"billing NPI one digit off", Check::NpiBillingInvalid, true,
     [](Claim &c) {
         c.billingNpi = QStringLiteral("1234567894");
     }},
    {"rendering NPI missing", Check::NpiRenderingMissing, true,
     [](Claim &c) {
         c.renderingNpi.clear();
     }},
    {"rendering NPI one digit off", Check::NpiRenderingInvalid, true,
     [](Claim &c) {
         c.renderingNpi = QStringLiteral("1558598798");
     }},
    {"rendering NPI with a transposition", Check::NpiRenderingInvalid, true,
     [](Claim &c) {
         c.renderingNpi = QStringLiteral("1558589797");
     }},

    {"no place of service", Check::PosMissing, true, [](Claim &c) { c.pos = {}; }},
    {"in person on POS 10", Check::PosTelehealthInPerson, true,
     [](Claim &c) {
         c.pos = PlaceOfService::literal("10");
     }},
    {"in person with 95", Check::ModTelehealthInPerson, true,
     [](Claim &c) {
         c.lines[0] = line("90834", 45, {1}, {"95"});
     }},
    {"in person with 59", Check::ModTelehealthInPerson, false,
     [](Claim &c) {
         c.lines[0] = line("90834", 45, {1}, {"59"});
     }},
    {"video at home on POS 02", Check::PosTelehealthMismatch, true,
     [](Claim &c) {
         c.modality = Modality::Video;
         c.patientLocation = PatientLocation::Home;
         c.pos = PlaceOfService::literal("02");
         c.lines[0] = line("90834", 45, {1}, {"95"});
     }},
    {"video at home on POS 10", Check::PosTelehealthMismatch, false,
     [](Claim &c) {
         c.modality = Modality::Video;
         c.patientLocation = PatientLocation::Home;
         c.pos = PlaceOfService::literal("10");
         c.lines[0] = line("90834", 45, {1}, {"95"});
     }},
    {"POS 11 + 95 payer, video on 10", Check::PosTelehealthMismatch, true,
     [](Claim &c) {
         c.payerProfile = QStringLiteral("pos11_modifier95");
         c.modality = Modality::Video;
         c.patientLocation = PatientLocation::Home;
         c.pos = PlaceOfService::literal("10");
         c.lines[0] = line("90834", 45, {1}, {"95"});
     }},
    {"POS 11 + 95 payer, video on 11", Check::PosTelehealthMismatch, false,
     [](Claim &c) {
         c.payerProfile = QStringLiteral("pos11_modifier95");
         c.modality = Modality::Video;
         c.patientLocation = PatientLocation::Home;
         c.lines[0] = line("90834", 45, {1}, {"95"});
     }},
    {"commercial video without 95", Check::ModVideoMissing, true,
     [](Claim &c) {
         c.modality = Modality::Video;
         c.patientLocation = PatientLocation::Home;
         c.pos = PlaceOfService::literal("10");
     }},
    {"Medicare 2026 video without 95", Check::ModVideoMissing, false,
     [](Claim &c) {
         c.payerKind = PayerKind::Medicare;
         c.modality = Modality::Video;
         c.patientLocation = PatientLocation::Home;
         c.pos = PlaceOfService::literal("10");
     }},
    {"audio only without 93", Check::ModAudioMissing, true,
     [](Claim &c) {
         c.modality = Modality::AudioOnly;
         c.patientLocation = PatientLocation::Home;
         c.pos = PlaceOfService::literal("10");
     }},
    {"audio only with 93", Check::ModAudioMissing, false,
     [](Claim &c) {
         c.modality = Modality::AudioOnly;
         c.patientLocation = PatientLocation::Home;
         c.pos = PlaceOfService::literal("10");
         c.lines[0] = line("90834", 45, {1}, {"93"});
     }},
    {"93 on a video session", Check::ModAudioOnVideo, true,
     [](Claim &c) {
         c.modality = Modality::Video;
         c.patientLocation = PatientLocation::Home;
         c.pos = PlaceOfService::literal("10");
         c.lines[0] = line("90834", 45, {1}, {"95", "93"});
     }},
    {"Medicare 2026 with GQ", Check::ModNotAccepted, true,
     [](Claim &c) {
         c.payerKind = PayerKind::Medicare;
         c.modality = Modality::Video;
         c.patientLocation = PatientLocation::Home;
         c.pos = PlaceOfService::literal("10");
         c.lines[0] = line("90834", 45, {1}, {"GQ"});
     }},
    {"commercial with GT", Check::ModNotAccepted, false,
     [](Claim &c) {
         c.modality = Modality::Video;
         c.patientLocation = PatientLocation::Home;
         c.pos = PlaceOfService::literal("10");
         c.lines[0] = line("90834", 45, {1}, {"95", "GT"});
     }},

    // Commercial: 90 days from 2026-03-02 is 2026-05-31; warn from 14 days before.
    {"commercial, day 91", Check::FilingPassed, true,
     [](Claim &c) {
         c.scrubDate = QDate(2026, 6, 1);
     }},
    {"commercial, day 90", Check::FilingPassed, false,
     [](Claim &c) {
         c.scrubDate = QDate(2026, 5, 31);
     }},
    {"commercial, deadline day", Check::FilingClosing, true,
     [](Claim &c) {
         c.scrubDate = QDate(2026, 5, 31);
     }},
    {"commercial, 14 days left", Check::FilingClosing, true,
     [](Claim &c) {
         c.scrubDate = QDate(2026, 5, 17);
     }},
    {"commercial, 15 days left", Check::FilingClosing, false,
     [](Claim &c) {
         c.scrubDate = QDate(2026, 5, 16);
     }},
    {"Medicare Feb 29, filed Mar 1 next year", Check::FilingPassed, true,
     [](Claim &c) {
         c.payerKind = PayerKind::Medicare;
         moveTo(c, QDate(2024, 2, 29), QDate(2025, 3, 1));
     }},
    {"Medicare Feb 29, filed Feb 28 next year", Check::FilingPassed, false,
     [](Claim &c) {
         c.payerKind = PayerKind::Medicare;
         moveTo(c, QDate(2024, 2, 29), QDate(2025, 2, 28));
     }},
    {"Medicare, day 100", Check::FilingClosing, false,
     [](Claim &c) {
         c.payerKind = PayerKind::Medicare;
         c.scrubDate = kDos.addDays(100);
     }},
    {"Medicare, 30 days left", Check::FilingClosing, true,
     [](Claim &c) {
         c.payerKind = PayerKind::Medicare;
         c.scrubDate = QDate(2027, 3, 2).addDays(-30);
     }},
    {"Medicare, 31 days left", Check::FilingClosing, false,
     [](Claim &c) {
         c.payerKind = PayerKind::Medicare;
         moveTo(c, kDos, QDate(2027, 3, 2).addDays(-31));
     }},
};

} // namespace

TEST_CASE("scrubber: the clean claim has no findings")
{
    const ScrubResult result = scrubber().scrub(cleanClaim());
    INFO(describe(result).toStdString());
    CHECK(result.findings.isEmpty());
    CHECK(result.exportable());
}

TEST_CASE("scrubber: each check fires and, at its boundary, does not")
{
    const Case &c = GENERATE(Catch::Generators::from_range(std::begin(kCases), std::end(kCases)));
    Claim claim = cleanClaim();
    c.change(claim);
    const ScrubResult result = scrubber().scrub(claim);
    INFO(c.name << " (" << QString(checkId(c.check)).toStdString() << ")\n"
                << describe(result).toStdString());
    CHECK(result.has(c.check) == c.fires);
    const Severity severity = scrubber().settings().text(c.check).severity;
    if (c.fires) {
        CHECK(result.exportable() == (severity != Severity::Error));
        for (const Finding &f : result.findings) {
            const QString message = scrubber().message(f);
            CHECK_FALSE(message.contains(u'{'));
            CHECK_FALSE(message.contains(claim.patientRef));
            CHECK_FALSE(message.contains(u"ANX", Qt::CaseInsensitive));
            CHECK_FALSE(message.contains(u"JAN", Qt::CaseInsensitive));
        }
    } else {
        // The near miss is otherwise clean (a finding of another check would hide a bug); on
        // the last filing day the claim is not late, but the window is closing, and an
        // authorization used up to its last visits or its last day is closing too.
        const bool closingCompanion =
            (c.check == Check::FilingPassed && result.has(Check::FilingClosing))
            || ((c.check == Check::AuthExpired || c.check == Check::AuthExhausted)
                && result.has(Check::AuthClosing));
        const qsizetype companions = closingCompanion ? 1 : 0;
        CHECK(result.findings.size() == companions);
    }
}

TEST_CASE("scrubber: every check is exercised by the table")
{
    for (std::size_t i = 0; i < kCheckCount; ++i) {
        const Check check = Check(i);
        const bool firing = std::any_of(std::begin(kCases), std::end(kCases),
                                        [&](const Case &c) { return c.check == check && c.fires; });
        const bool covered = firing || check == Check::DxTooMany
                             || check == Check::LineTooManyPointers || check == Check::DxUnknown
                             || check == Check::DxNotBillable || check == Check::DxNotValidOnDate;
        INFO(QString(checkId(check)).toStdString());
        CHECK(covered); // the five others have their own cases below
    }
}

TEST_CASE("scrubber: 12 diagnoses and 4 pointers per line are the limits")
{
    const auto builtIn = builtInIcd10Codes();
    REQUIRE(builtIn.size() >= 13);
    for (int count : {12, 13}) {
        Claim claim = cleanClaim();
        claim.diagnoses.clear();
        for (int i = 0; i < count; ++i) {
            claim.diagnoses.append(QLatin1String(builtIn[std::size_t(i)].code));
        }
        const ScrubResult result = scrubber().scrub(claim);
        INFO(describe(result).toStdString());
        CHECK(result.has(Check::DxTooMany) == (count == 13));
        CHECK(result.findings.size() == (count == 13 ? 1 : 0));
    }
    for (int pointers : {4, 5}) {
        Claim claim = cleanClaim();
        claim.diagnoses.clear();
        claim.lines[0].pointers.clear();
        for (int i = 0; i < 5; ++i) {
            claim.diagnoses.append(QLatin1String(builtIn[std::size_t(i)].code));
        }
        for (int i = 1; i <= pointers; ++i) {
            claim.lines[0].pointers.push_back(std::uint8_t(i));
        }
        const ScrubResult result = scrubber().scrub(claim);
        INFO(describe(result).toStdString());
        CHECK(result.has(Check::LineTooManyPointers) == (pointers == 5));
        CHECK(result.findings.size() == (pointers == 5 ? 1 : 0));
    }
    // A pointer to diagnosis 13 cannot be written on a claim even when 13 are listed.
    Claim claim = cleanClaim();
    claim.diagnoses.clear();
    for (int i = 0; i < 13; ++i) {
        claim.diagnoses.append(QLatin1String(builtIn[std::size_t(i)].code));
    }
    claim.lines[0].pointers.push_back(13);
    CHECK(scrubber().scrub(claim).has(Check::LinePointerInvalid));
}

TEST_CASE("scrubber: ICD-10-CM validity on the date of service, from an imported release")
{
    // A tiny two-year release: E11.A is new in FY2026; F43.1 is a header; F41.1 is in both.
    auto code = [](const char *text, bool billable) {
        return Icd10Code{QLatin1String(text), billable, {}, QLatin1String(text)};
    };
    Icd10Index::Builder builder;
    builder.addRelease(2025, {code("F41", false), code("F411", true), code("F431", false),
                              code("F4310", true), code("E11", false)});
    builder.addRelease(2026, {code("F41", false), code("F411", true), code("F431", false),
                              code("F4310", true), code("E11", false), code("E11A", true)});
    const Icd10Index index = builder.build();
    const ClaimScrubber imported(ScrubSettings::builtin().value(), ClaimScrubber::lookupFor(index));

    auto scrubWith = [&](const char *dx, const QDate &dos) {
        Claim claim = cleanClaim();
        claim.diagnoses = {QLatin1String(dx)};
        moveTo(claim, dos, dos.addDays(3));
        return imported.scrub(claim);
    };

    const ScrubResult before = scrubWith("E11.A", QDate(2025, 9, 30));
    REQUIRE(before.has(Check::DxNotValidOnDate));
    const Finding &f = before.findings.front();
    CHECK(f.code == u"E11.A");
    CHECK(f.count == 2025);
    CHECK(f.limit == 2026);
    CHECK(imported.message(f).contains(u"FY2026"));
    CHECK_FALSE(before.exportable());

    CHECK(scrubWith("E11.A", QDate(2025, 10, 1)).findings.isEmpty());
    CHECK(scrubWith("F41.1", QDate(2025, 9, 30)).findings.isEmpty());
    CHECK(scrubWith("F43.1", QDate(2025, 9, 30)).has(Check::DxNotBillable));
    CHECK(scrubWith("F43.10", QDate(2025, 9, 30)).findings.isEmpty());
    CHECK(scrubWith("F41.7", QDate(2025, 9, 30)).has(Check::DxUnknown));
    CHECK(scrubWith("F41.1", QDate(2027, 1, 4)).has(Check::DxNoRelease));
}

TEST_CASE("scrubber: findings name codes and dates, the carve-out payer, and what to do")
{
    Claim claim = cleanClaim();
    claim.eligibility->behavioralHealthCarvedOut = true;
    claim.eligibility->carveOutPayerName = QStringLiteral("Magellan BH");
    claim.lines[0].minutes = 30;
    claim.authorization->endDate = QDate(2026, 2, 28);
    const ScrubResult result = scrubber().scrub(claim);
    REQUIRE(result.errors == 3);
    CHECK(result.warnings == 0);
    QStringList messages;
    for (const Finding &f : result.findings) {
        messages.append(scrubber().message(f));
    }
    INFO(messages.join(u'\n').toStdString());
    CHECK(messages[0].contains(u"2026-02-28"));
    CHECK(messages[1].contains(u"Magellan BH"));
    CHECK(messages[2].contains(u"Line 1: 90834 needs at least 38 minutes and 30 were"));
}

TEST_CASE("scrubber: a reused result is cleared between claims")
{
    ScrubResult result;
    Claim bad = cleanClaim();
    bad.noteSigned = false;
    scrubber().scrub(bad, result);
    CHECK(result.errors == 1);
    scrubber().scrub(cleanClaim(), result);
    CHECK(result.findings.isEmpty());
    CHECK(result.errors == 0);
    CHECK(result.exportable());
}

TEST_CASE("scrubber: a visit's payer facts get the claim's payer checks")
{
    // Every payer case of the table, scrubbed as a claim and as the facts of a visit not yet
    // coded: the same findings (the service-code check needs lines, so it is left out).
    const std::set<Check> payerChecks{
        Check::AuthMissing,      Check::AuthNotStarted,      Check::AuthExpired,
        Check::AuthExhausted,    Check::AuthClosing,         Check::EligNotVerified,
        Check::EligStale,        Check::EligInactive,        Check::EligCarvedOut,
        Check::CredMissing,      Check::CredNotYetEffective, Check::CredEnded,
        Check::CredNotInNetwork, Check::CredLicenseExpired,  Check::CredCaqhOverdue};
    int compared = 0;
    for (const Case &c : kCases) {
        if (payerChecks.count(c.check) == 0) {
            continue;
        }
        Claim claim = cleanClaim();
        c.change(claim);
        if (claim.authorization && claim.authorization->unit == AuthorizationUnit::Units) {
            continue; // a unit authorization's need depends on the coded lines
        }
        PayerFacts facts;
        facts.dateOfService = claim.dateOfService;
        facts.scrubDate = claim.scrubDate;
        facts.authorizationRequired = claim.authorizationRequired;
        facts.authorization = claim.authorization;
        facts.eligibility = claim.eligibility;
        facts.credentialing = claim.credentialing;
        ScrubResult fromFacts;
        scrubber().scrubPayerFacts(facts, fromFacts);
        const ScrubResult fromClaim = scrubber().scrub(claim);
        QList<Check> expected;
        for (const Finding &f : fromClaim.findings) {
            if (payerChecks.count(f.check) != 0) {
                expected.append(f.check);
            }
        }
        QList<Check> got;
        for (const Finding &f : fromFacts.findings) {
            got.append(f.check);
        }
        INFO(c.name << "\n" << describe(fromFacts).toStdString());
        CHECK(got == expected);
        CHECK(fromFacts.has(c.check) == c.fires);
        ++compared;
    }
    CHECK(compared >= 25);
}

TEST_CASE("scrubber: payer facts of a visit not yet coded need one unit of a unit authorization")
{
    PayerFacts facts;
    facts.dateOfService = kDos;
    facts.scrubDate = kDos;
    Authorization a;
    a.unit = AuthorizationUnit::Units;
    a.authorized = 8;
    a.used = 8;
    a.endDate = kDos.addDays(90);
    facts.authorization = a;
    ScrubResult result;
    scrubber().scrubPayerFacts(facts, result);
    CHECK(result.has(Check::AuthExhausted));
    facts.authorization->used = 7;
    scrubber().scrubPayerFacts(facts, result);
    CHECK_FALSE(result.has(Check::AuthExhausted));
    CHECK(result.has(Check::AuthClosing));
}
