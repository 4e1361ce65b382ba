// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "util/expected.h"

#include <QString>

namespace sb {

/**
 * What went wrong in the encrypted store. The message is for logs and developers and never
 * contains PHI (no bound values, no note text): only the operation and SQLite's error text.
 */
struct StoreError {
    enum class Kind {
        WrongKey,   ///< The key does not open this file ("wrong passcode" to the user).
        Corrupt,    ///< The file is damaged or is not a SQLCipher database.
        TooNew,     ///< The schema is newer than this code; the file is left as it is.
        NotFound,   ///< No record with that id (or not visible to this caller).
        Constraint, ///< A uniqueness or foreign-key rule refused the write.
        Immutable,  ///< The record is signed and cannot change (add an addendum).
        Busy,       ///< Locked by another connection past the busy timeout.
        Io,         ///< Disk full, permission denied, read-only file system.
        InvalidArgument,
        Internal, ///< Any other SQLite error.
    };
    Kind kind = Kind::Internal;
    QString message;
    int sqliteCode = 0;

    [[nodiscard]] QString kindName() const;
};

template<typename T> using StoreResult = Expected<T, StoreError>;

inline Unexpected<StoreError> storeError(StoreError::Kind kind, QString message, int code = 0)
{
    return {StoreError{kind, std::move(message), code}};
}

} // namespace sb
