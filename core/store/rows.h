// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "store/database.h"
#include "util/try.h"

#include <QList>

/// Reading the rows of a prepared query into values, for repositories over a Database (core's
/// and the sync targets'). `map` turns the current row of the statement into a T.
namespace sb::rows {

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

} // namespace sb::rows
