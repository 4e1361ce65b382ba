// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "domain/organization.h"
#include "domain/patient.h"
#include "domain/session.h"

#include <QString>

#include <optional>

namespace sb {

/**
 * Stable snake_case names for the domain enums: the form stored in the database, written on
 * the command line and in JSON. Changing one is a schema change.
 */
QString toName(Role value);
QString toName(ProviderCredential value);
QString toName(PayerKind value);
QString toName(Sex value);
QString toName(AuthorizationUnit value);
QString toName(CredentialingStatus value);
QString toName(ServiceKind value);
QString toName(Modality value);
QString toName(PatientLocation value);
QString toName(TimingEventKind value);
QString toName(ParticipantRole value);
QString toName(SessionStatus value);

/// Parses a name written by toName(); nullopt for anything else.
template<typename Enum> std::optional<Enum> fromName(QStringView name);

} // namespace sb
