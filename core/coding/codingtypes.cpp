// SPDX-License-Identifier: Apache-2.0
#include "coding/codingtypes.h"

#include <array>
#include <utility>

namespace sb::coding {

namespace {

constexpr std::array<std::pair<BillingEntity, const char *>, 5> entityNames{{
    {BillingEntity::Practice, "practice"},
    {BillingEntity::Hospital, "hospital"},
    {BillingEntity::CriticalAccessHospital, "cah"},
    {BillingEntity::RuralHealthClinic, "rhc"},
    {BillingEntity::FederallyQualifiedHealthCenter, "fqhc"},
}};

constexpr std::array<std::pair<AdministeredBy, const char *>, 3> administeredNames{{
    {AdministeredBy::Unspecified, "unspecified"},
    {AdministeredBy::Professional, "professional"},
    {AdministeredBy::Technician, "technician"},
}};

template<typename Table, typename Enum> QString nameOf(const Table &table, Enum value)
{
    for (const auto &[candidate, name] : table) {
        if (candidate == value) {
            return QString::fromLatin1(name);
        }
    }
    return {};
}

template<typename Enum, typename Table>
std::optional<Enum> parse(const Table &table, QStringView name)
{
    for (const auto &[candidate, text] : table) {
        if (name == QLatin1String(text)) {
            return candidate;
        }
    }
    return std::nullopt;
}

} // namespace

QString toName(BillingEntity value)
{
    return nameOf(entityNames, value);
}

QString toName(AdministeredBy value)
{
    return nameOf(administeredNames, value);
}

std::optional<BillingEntity> billingEntityFromName(QStringView name)
{
    return parse<BillingEntity>(entityNames, name);
}

std::optional<AdministeredBy> administeredByFromName(QStringView name)
{
    return parse<AdministeredBy>(administeredNames, name);
}

} // namespace sb::coding
