// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "util/expected.h"

// Early return for Expected results (core, sync and their callers): keeps error propagation
// to one line without exceptions. SB_TRY(expr) returns the error of a failed expr;
// SB_TRY_ASSIGN(name, expr) also binds the value to `name` (a reference into the result,
// which lives to the end of the enclosing scope). The enclosing function returns an Expected
// whose error type the failed result's error converts to.

#define SB_TRY(expr)                                                                               \
    do {                                                                                           \
        if (auto sbTryResult_ = (expr); !sbTryResult_) {                                           \
            return ::sb::unexpected(sbTryResult_.error());                                         \
        }                                                                                          \
    } while (false)

#define SB_TRY_CONCAT_INNER(a, b) a##b
#define SB_TRY_CONCAT(a, b) SB_TRY_CONCAT_INNER(a, b)
#define SB_TRY_ASSIGN(name, expr)                                                                  \
    auto SB_TRY_CONCAT(sbTryValue_, __LINE__) = (expr);                                            \
    if (!SB_TRY_CONCAT(sbTryValue_, __LINE__)) {                                                   \
        return ::sb::unexpected(SB_TRY_CONCAT(sbTryValue_, __LINE__).error());                     \
    }                                                                                              \
    auto &name = *SB_TRY_CONCAT(sbTryValue_, __LINE__)
