// SPDX-License-Identifier: Apache-2.0
#include "server/accesspolicy.h"

#include <array>
#include <utility>

namespace sb::sync {

namespace {

constexpr std::array allowed{
    std::pair{Role::Clinician, Endpoint::Enroll},
    std::pair{Role::Clinician, Endpoint::Push},
    std::pair{Role::Clinician, Endpoint::Pull},
    std::pair{Role::Clinician, Endpoint::SessionStatus},
    std::pair{Role::Clinician, Endpoint::Patient},
    std::pair{Role::Biller, Endpoint::Enroll},
    std::pair{Role::Biller, Endpoint::Pull},
    std::pair{Role::Biller, Endpoint::SessionStatus},
    std::pair{Role::Biller, Endpoint::Patient},
};

} // namespace

bool roleMayUse(Role role, Endpoint endpoint)
{
    for (const auto &[listedRole, listedEndpoint] : allowed) {
        if (listedRole == role && listedEndpoint == endpoint) {
            return true;
        }
    }
    return false;
}

} // namespace sb::sync
