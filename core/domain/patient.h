// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "domain/ids.h"

#include <QDate>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace sb {

enum class Sex { Female, Male, Unknown };

/// A patient (PHI). Belongs to one organization and has a primary clinician.
struct Patient {
    PatientId id;
    OrganizationId organizationId;
    QString firstName;
    QString lastName;
    QDate birthDate;
    Sex sex = Sex::Unknown;
    QString addressLine;
    QString city;
    QString state;
    QString postalCode;
    QString phone;
    std::optional<ProviderId> primaryProviderId;
    friend bool operator==(const Patient &, const Patient &) = default;
};

/**
 * The result of the last eligibility check for a coverage, as of a time. A behavioral-health
 * carve-out means mental-health services are paid by another payer (often a managed
 * behavioral health organization) named here.
 */
struct EligibilitySnapshot {
    QDateTime checkedAt; ///< UTC.
    bool active = false;
    QDate planBegin;
    QDate planEnd;
    bool behavioralHealthCarvedOut = false;
    QString carveOutPayerName;
    QString carveOutPayerId;
    QString carveOutPhone;
    QString source; ///< "271", "portal", "phone".
    friend bool operator==(const EligibilitySnapshot &, const EligibilitySnapshot &) = default;
};

/// A patient's insurance with one payer.
struct Coverage {
    CoverageId id;
    PatientId patientId;
    PayerId payerId;
    QString memberId;
    QString groupNumber;
    int priority = 1; ///< 1 primary, 2 secondary, ...
    QDate effective;
    QDate termination; ///< Null when open-ended.
    std::optional<EligibilitySnapshot> eligibility;
    friend bool operator==(const Coverage &, const Coverage &) = default;
};

enum class AuthorizationUnit { Visits, Units };

/// A prior authorization: services covered, how many, and for which dates.
struct Authorization {
    AuthorizationId id;
    PatientId patientId;
    PayerId payerId;
    std::optional<ProviderId> providerId; ///< Some payers authorize a named clinician.
    QString number;
    QStringList serviceCodes; ///< CPT/HCPCS codes covered.
    AuthorizationUnit unit = AuthorizationUnit::Visits;
    int authorized = 0;
    int used = 0;
    QDate startDate;
    QDate endDate;
    [[nodiscard]] int remaining() const { return authorized - used; }
    friend bool operator==(const Authorization &, const Authorization &) = default;
};

enum class CredentialingStatus { Pending, InNetwork, OutOfNetwork, Terminated };

/// Whether a provider may bill a payer on a date, and the dates that keep it so.
struct CredentialingRecord {
    CredentialingId id;
    ProviderId providerId;
    PayerId payerId;
    CredentialingStatus status = CredentialingStatus::Pending;
    QDate effectiveDate;
    QDate endDate;        ///< Null when open-ended.
    QDate caqhAttestedOn; ///< CAQH ProView re-attestation is due every 120 days.
    QDate licenseExpiresOn;
    friend bool operator==(const CredentialingRecord &, const CredentialingRecord &) = default;
};

} // namespace sb
