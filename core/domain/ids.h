// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHashFunctions>
#include <QString>
#include <QUuid>

#include <optional>

namespace sb {

/**
 * A typed record id around a UUID (v7 for records this system creates). The tag keeps a
 * PatientId from being passed where a SessionId is expected; QML and the wire see the
 * string form only at the adapter layer.
 */
template<typename Tag> class Id {
public:
    Id() = default;
    explicit Id(const QUuid &uuid)
        : m_uuid(uuid)
    {
    }

    [[nodiscard]] const QUuid &uuid() const { return m_uuid; }
    [[nodiscard]] bool isNull() const { return m_uuid.isNull(); }
    /// Canonical lowercase form without braces: "0190f2c4-...".
    [[nodiscard]] QString toString() const { return m_uuid.toString(QUuid::WithoutBraces); }

    /// Parses the canonical form; nullopt for anything else.
    [[nodiscard]] static std::optional<Id> fromString(QStringView text)
    {
        const QUuid uuid = QUuid::fromString(text);
        if (uuid.isNull()) {
            return std::nullopt;
        }
        return Id(uuid);
    }

    friend bool operator==(const Id &, const Id &) = default;
    friend auto operator<=>(const Id &a, const Id &b)
    {
        // QUuid's ordering is not the byte order; compare the RFC 4122 bytes so that v7 ids
        // sort by time.
        return a.m_uuid.toRfc4122().compare(b.m_uuid.toRfc4122()) <=> 0;
    }
    friend size_t qHash(const Id &id, size_t seed = 0) { return qHash(id.m_uuid, seed); }

private:
    QUuid m_uuid;
};

using OrganizationId = Id<struct OrganizationTag>;
using UserId = Id<struct UserTag>;
using DeviceId = Id<struct DeviceTag>;
using ProviderId = Id<struct ProviderTag>;
using PatientId = Id<struct PatientTag>;
using PayerId = Id<struct PayerTag>;
using CoverageId = Id<struct CoverageTag>;
using AuthorizationId = Id<struct AuthorizationTag>;
using CredentialingId = Id<struct CredentialingTag>;
using SessionId = Id<struct SessionTag>;
using AddendumId = Id<struct AddendumTag>;

} // namespace sb
