// SPDX-License-Identifier: Apache-2.0
// Built only by tests/core/private_header_check.cmake, which expects this to fail: a target
// outside core includes one of core's private headers.
#include "coding/ruleset_p.h"

int main()
{
    return 0;
}
