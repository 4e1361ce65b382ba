// SPDX-License-Identifier: Apache-2.0
// Typed errors for QML: each failure below the app (vault, store, the sync client's words)
// becomes the AppError kind its screen explains, never one generic text and never PHI.
#include "apperror.h"
#include "catchqt.h"
#include "keyvault.h"
#include "store/storeerror.h"

#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::app;

namespace Catch {
template<> struct StringMaker<AppError::Kind> {
    static std::string convert(AppError::Kind kind)
    {
        return AppError(kind).kindName().toStdString();
    }
};
} // namespace Catch

TEST_CASE("Vault failures become the unlock screen's kinds", "[app][errors]")
{
    using V = VaultError::Kind;
    struct Case {
        V vault;
        AppError::Kind kind;
    };
    const Case cases[] = {
        {V::WrongPasscode, AppError::WrongPasscode},
        {V::TooSoon, AppError::LockedOut},
        {V::Wiped, AppError::Wiped},
        {V::KeystoreUnavailable, AppError::KeystoreUnavailable},
        {V::KeystoreMissing, AppError::KeystoreMissing},
        {V::Corrupt, AppError::VaultCorrupt},
        {V::Io, AppError::StorageFull},
        {V::Crypto, AppError::Internal},
    };
    for (const auto &c : cases) {
        const AppError error = AppError::fromVault(VaultError{c.vault, QStringLiteral("x"), 0, 0});
        CHECK(error.kind() == c.kind);
        CHECK(error.operation() == AppError::Unlock);
    }
    // The wait is carried in whole seconds, rounded up.
    const AppError wait = AppError::fromVault(VaultError{V::TooSoon, QStringLiteral("x"), 1500, 5});
    CHECK(wait.retryAfterSeconds() == 2);
}

TEST_CASE("Store failures become kinds with the operation they stopped", "[app][errors]")
{
    using S = StoreError::Kind;
    struct Case {
        S store;
        AppError::Kind kind;
    };
    const Case cases[] = {
        {S::Io, AppError::StorageFull},       {S::Busy, AppError::StoreBusy},
        {S::Corrupt, AppError::StoreCorrupt}, {S::WrongKey, AppError::StoreCorrupt},
        {S::TooNew, AppError::StoreTooNew},   {S::Immutable, AppError::RecordSigned},
        {S::NotFound, AppError::NotFound},    {S::Constraint, AppError::Internal},
    };
    for (const auto &c : cases) {
        const AppError error = AppError::fromStore(
            StoreError{c.store, QStringLiteral("Fry, Amy: disk full"), 13}, AppError::Save);
        CHECK(error.kind() == c.kind);
        CHECK(error.operation() == AppError::Save);
    }
    CHECK(AppError::fromStore(StoreError{S::Io, {}, 13}, AppError::Sign).code() == 13);
}

TEST_CASE("The sync client's words become kinds: unreachable, refused, pin, sign-in",
          "[app][errors]")
{
    struct Case {
        const char *words;
        AppError::Operation operation;
        AppError::Kind kind;
        int code;
    };
    // The words are SyncClient's (sync/client/syncclient.cpp), as kept in the store.
    const Case cases[] = {
        {"", AppError::Sync, AppError::None, 0},
        {"no answer from the server (network error 1)", AppError::Sync,
         AppError::NetworkUnreachable, 0},
        {"the server's answer was cut off (network error 2)", AppError::Sync,
         AppError::NetworkUnreachable, 0},
        {"no answer from the server in time", AppError::Sync, AppError::ServerTimeout, 0},
        {"no answer from the server (network error 5)", AppError::Enroll,
         AppError::CertificateMismatch, 0},
        {"the server's certificate is not the pinned one", AppError::Sync,
         AppError::CertificateMismatch, 0},
        {"the server's certificate was refused", AppError::Enroll, AppError::CertificateMismatch,
         0},
        {"Sign in again to sync; your sessions are kept on this device.", AppError::Sync,
         AppError::SignInRequired, 401},
        {"Sign in again to sync; your sessions are kept on this device.", AppError::Enroll,
         AppError::EnrollmentCodeRefused, 401},
        {"server answered 403 forbidden", AppError::Enroll, AppError::EnrollmentCodeRefused, 403},
        {"server answered 409 conflict", AppError::Sync, AppError::ServerRefused, 409},
        {"server answered 503", AppError::Sync, AppError::ServerError, 503},
        {"batch too large", AppError::Sync, AppError::ServerRefused, 413},
        {"Update the app to sync; your sessions are kept on this device.", AppError::Sync,
         AppError::UpdateRequired, 426},
        {"push answer unreadable", AppError::Sync, AppError::BadAnswer, 0},
        {"enrollment answer incomplete", AppError::Enroll, AppError::BadAnswer, 0},
        {"the server address must use https", AppError::Enroll, AppError::NotHttps, 0},
        {"acks not saved: i/o", AppError::Sync, AppError::StorageFull, 0},
        {"pull not applied: busy", AppError::Sync, AppError::StoreBusy, 0},
        {"changes on this device are not yet synced to the previous server", AppError::Enroll,
         AppError::PendingOutbox, 0},
        {"locked", AppError::Enroll, AppError::Locked, 0},
        {"something nobody foresaw", AppError::Sync, AppError::Internal, 0},
    };
    for (const auto &c : cases) {
        INFO(c.words);
        const AppError error = AppError::fromSyncWords(QString::fromLatin1(c.words), c.operation);
        CHECK(error.kind() == c.kind);
        CHECK(error.code() == c.code);
        CHECK(error.operation()
              == (c.kind == AppError::None ? AppError::NoOperation : c.operation));
    }
}
