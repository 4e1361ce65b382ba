// SPDX-License-Identifier: Apache-2.0
// Built only by tests/core/private_header_check.cmake, the control: a target outside core
// includes core's public headers, the same way sync and app do.
#include "store/rows.h"
#include "store/store.h"
#include "util/try.h"

int main()
{
    return sb::Database::modularLayoutVersion > 0 ? 0 : 1;
}
