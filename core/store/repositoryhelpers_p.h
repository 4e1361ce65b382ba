// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "store/database.h"

#include <QList>

// Early return for Expected results inside core: keeps error propagation to one line without
// exceptions. SB_TRY(expr) returns the error of a failed expr; SB_TRY_ASSIGN(name, expr)
// also binds the value to `name`.

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

namespace sb::detail {

/// Runs a prepared single-row query and maps the row; NotFound (naming `what`) when none.
template<typename T, typename Map> StoreResult<T> one(Statement &stmt, const char *what, Map map)
{
    SB_TRY_ASSIGN(row, stmt.step());
    if (!row) {
        return storeError(StoreError::Kind::NotFound, QString::fromLatin1(what) + u" not found");
    }
    return map(stmt);
}

/// Runs a prepared query and maps every row.
template<typename T, typename Map> StoreResult<QList<T>> all(Statement &stmt, Map map)
{
    QList<T> items;
    for (;;) {
        SB_TRY_ASSIGN(row, stmt.step());
        if (!row) {
            return items;
        }
        items.append(map(stmt));
    }
}

} // namespace sb::detail
