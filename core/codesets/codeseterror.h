// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "store/storeerror.h"
#include "util/expected.h"

#include <QString>

namespace sb {

/**
 * Why a code-set import or load failed. Code sets are public data, not PHI, so the message
 * may quote a line number and the offending code; it never quotes more than that.
 */
struct CodeSetError {
    enum class Kind {
        Io,           ///< The file cannot be read.
        Malformed,    ///< The file is not a CMS ICD-10-CM codes or order file.
        NoCodeFile,   ///< A zip without an icd10cm codes or order file in it.
        UnknownYear,  ///< The fiscal year is neither in the file name nor given.
        YearMismatch, ///< The year given differs from the one the file name carries.
        Store,        ///< The encrypted store refused (see `store`).
    };
    Kind kind = Kind::Malformed;
    QString message;
    StoreError store; ///< Set when kind is Store.
};

template<typename T> using CodeSetResult = Expected<T, CodeSetError>;

inline Unexpected<CodeSetError> codeSetError(CodeSetError::Kind kind, QString message)
{
    return {CodeSetError{kind, std::move(message), {}}};
}

inline Unexpected<CodeSetError> codeSetError(const StoreError &error)
{
    return {CodeSetError{CodeSetError::Kind::Store, error.message, error}};
}

} // namespace sb
