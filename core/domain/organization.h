// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "domain/ids.h"

#include <QDate>
#include <QString>

#include <optional>

namespace sb {

/// A practice: the unit of isolation. Data of one organization is never visible to another.
struct Organization {
    OrganizationId id;
    QString name;
    QString groupNpi; ///< Type 2 (organization) NPI, billing provider on claims.
    QString taxId;    ///< EIN, digits only.
    QString addressLine;
    QString city;
    QString state; ///< Two-letter USPS code; selects the Medicaid profile.
    QString postalCode;
    friend bool operator==(const Organization &, const Organization &) = default;
};

enum class Role { Clinician, Biller, Admin };

/// A person who signs in. Unique and immutable id; no shared logins.
struct User {
    UserId id;
    OrganizationId organizationId;
    QString login;
    QString displayName;
    Role role = Role::Clinician;
    std::optional<ProviderId> providerId; ///< Set for clinicians who render services.
    bool active = true;
    friend bool operator==(const User &, const User &) = default;
};

/// The licence a rendering provider holds; drives add-on eligibility and Medicaid modifiers.
enum class ProviderCredential {
    Psychiatrist,
    PsychiatricNursePractitioner,
    PhysicianAssistant,
    Psychologist,
    ClinicalSocialWorker,   ///< LCSW
    ProfessionalCounselor,  ///< LPC
    MarriageFamilyTherapist ///< LMFT
};

/// A rendering clinician (type 1 NPI).
struct Provider {
    ProviderId id;
    OrganizationId organizationId;
    QString firstName;
    QString lastName;
    ProviderCredential credential = ProviderCredential::Psychologist;
    QString npi;          ///< 10 digits, Luhn check digit with the 80840 prefix.
    QString taxonomyCode; ///< NUCC taxonomy, e.g. 103T00000X.
    QString licenseNumber;
    QString licenseState;
    friend bool operator==(const Provider &, const Provider &) = default;
};

enum class PayerKind { Medicare, Medicaid, Commercial };

struct Payer {
    PayerId id;
    QString name;
    PayerKind kind = PayerKind::Commercial;
    QString payerId; ///< The clearinghouse payer id used in the 837P (NM1*PR).
    QString state;   ///< For Medicaid and state plans.
    QString profile; ///< Name of the payer profile the coding rules use (telehealth etc.).
    friend bool operator==(const Payer &, const Payer &) = default;
};

} // namespace sb
