// SPDX-License-Identifier: Apache-2.0
#include "claims/claim.h"

#include <QHashFunctions>

namespace sb::claims {

size_t qHash(const ClaimKey &key, size_t seed)
{
    return qHashMulti(seed, key.patientRef, key.payerRef, key.renderingNpi,
                      key.dateOfService.toJulianDay());
}

} // namespace sb::claims
