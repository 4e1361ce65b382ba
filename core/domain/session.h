// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "domain/ids.h"

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QString>

#include <cstdint>
#include <optional>

namespace sb {

/// What kind of service the session was; the coding engine maps it (with minutes) to CPT.
enum class ServiceKind {
    IndividualPsychotherapy,
    PsychotherapyWithEm,
    Crisis,
    FamilyWithoutPatient,
    FamilyWithPatient,
    Group,
    MultipleFamilyGroup,
    DiagnosticEval,
    DiagnosticEvalMedical,
    PsychTestingEval,
    PsychTestingAdmin,
    EmOfficeNew,
    EmOfficeEstablished,
    HealthBehaviorIndividual,
};

enum class Modality { InPerson, Video, AudioOnly };

/// Where the patient was during a telehealth session (drives place of service 02 vs 10).
enum class PatientLocation { Office, Home, Other };

enum class TimingEventKind { Start, Pause, Resume, Stop };

/**
 * One tap on the timer. The session's duration is computed from these events, never from a
 * running counter, so it survives the app being killed. Both clocks are kept: the monotonic
 * one for durations (immune to wall-clock changes), the wall clock plus the last known server
 * offset for dates.
 */
struct TimingEvent {
    TimingEventKind kind = TimingEventKind::Start;
    QDateTime wallClockUtc;
    std::int64_t monotonicMs = 0;
    std::int64_t bootId = 0;         ///< Monotonic clocks restart on reboot; events compare only
                                     ///< within one boot.
    std::int64_t serverOffsetMs = 0; ///< Server time minus device time, known at the tap.
    /// A sync had measured the offset before the tap. False on taps stored before the device
    /// kept it (schema v12) and before the first sync: serverOffsetMs then means nothing.
    bool serverOffsetKnown = false;
    friend bool operator==(const TimingEvent &, const TimingEvent &) = default;
};

enum class ParticipantRole { Patient, FamilyMember, GroupMember, Interpreter, Other };

struct Participant {
    ParticipantRole role = ParticipantRole::Patient;
    std::optional<PatientId> patientId; ///< Group members are patients of their own.
    QString displayName;
    bool present = true; ///< Group attendance: only present members are billed.
    friend bool operator==(const Participant &, const Participant &) = default;
};

/// An ICD-10-CM code on the session, in pointer order (the first is primary).
struct Diagnosis {
    QString code; ///< Without the dot, e.g. "F411".
    friend bool operator==(const Diagnosis &, const Diagnosis &) = default;
};

struct Signature {
    UserId signedBy;
    QDateTime signedAt;     ///< UTC.
    QByteArray contentHash; ///< SHA-256 of the signed content.
    friend bool operator==(const Signature &, const Signature &) = default;
};

/// A later change to a signed note: signed itself, never edited after signing.
struct Addendum {
    AddendumId id;
    UserId authorId;
    QDateTime createdAt;
    QString text;
    std::optional<Signature> signature;
    friend bool operator==(const Addendum &, const Addendum &) = default;
};

/// Where a session stands on its way from the clinician's hands to payment.
enum class SessionStatus { Captured, OnDevice, Received, Coded, Claimed, Paid, Denied };

struct StatusEntry {
    SessionStatus status = SessionStatus::Captured;
    QDateTime at;   ///< UTC.
    QString detail; ///< Never PHI: a claim number, a denial reason code.
    friend bool operator==(const StatusEntry &, const StatusEntry &) = default;
};

/// One clinical encounter: what was done, with whom, how, for how long, and the note.
struct Session {
    SessionId id;
    OrganizationId organizationId;
    PatientId patientId;
    ProviderId providerId;
    std::optional<PayerId> payerId;
    QDate dateOfService;
    ServiceKind service = ServiceKind::IndividualPsychotherapy;
    Modality modality = Modality::InPerson;
    PatientLocation patientLocation = PatientLocation::Office;
    bool interactiveComplexity = false;
    QList<Participant> participants;
    QList<TimingEvent> timing;
    QList<Diagnosis> diagnoses;
    QString noteTemplate; ///< "SOAP", "DAP", "BIRP" or empty.
    QString note;
    std::optional<Signature> signature;
    QList<Addendum> addenda;
    QList<StatusEntry> statusTrail;
    QDateTime updatedAt; ///< UTC.

    [[nodiscard]] bool isSigned() const { return signature.has_value(); }
    /// Minutes of face-to-face time from the timing events (pauses excluded).
    [[nodiscard]] std::int64_t elapsedMs() const;
    /// Whole minutes of elapsedMs(), clamped to int (never wraps, whatever the events say).
    [[nodiscard]] int elapsedMinutes() const;
    friend bool operator==(const Session &, const Session &) = default;
};

} // namespace sb
