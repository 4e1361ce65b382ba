// SPDX-License-Identifier: Apache-2.0
#include "apperror.h"

#include "keyvault.h"
#include "store/storeerror.h"

#include <QMetaEnum>
#include <QRegularExpression>

namespace sb::app {

namespace {

int secondsOf(std::int64_t ms)
{
    return int((std::max<std::int64_t>(ms, 0) + 999) / 1000);
}

/// The store kind a sync message ends with ("acks not saved: i/o"), as a kind of ours.
AppError::Kind storeKindIn(const QString &words)
{
    if (words.endsWith(u": i/o")) {
        return AppError::StorageFull;
    }
    if (words.endsWith(u": busy")) {
        return AppError::StoreBusy;
    }
    if (words.endsWith(u": corrupt") || words.endsWith(u": wrong key")) {
        return AppError::StoreCorrupt;
    }
    return AppError::Internal;
}

} // namespace

QString AppError::kindName() const
{
    return QString::fromLatin1(QMetaEnum::fromType<Kind>().valueToKey(m_kind));
}

AppError AppError::fromStore(const StoreError &error, Operation operation)
{
    using K = StoreError::Kind;
    switch (error.kind) {
    case K::WrongKey:
    case K::Corrupt:
        return AppError(StoreCorrupt, operation, error.sqliteCode);
    case K::TooNew:
        return AppError(StoreTooNew, operation);
    case K::NotFound:
        return AppError(NotFound, operation);
    case K::Immutable:
        return AppError(RecordSigned, operation);
    case K::Busy:
        return AppError(StoreBusy, operation, error.sqliteCode);
    case K::Io:
        return AppError(StorageFull, operation, error.sqliteCode);
    case K::Constraint:
    case K::InvalidArgument:
    case K::Internal:
        break;
    }
    return AppError(Internal, operation, error.sqliteCode);
}

AppError AppError::fromVault(const VaultError &error)
{
    using K = VaultError::Kind;
    switch (error.kind) {
    case K::WrongPasscode:
        return AppError(WrongPasscode, Unlock, 0, secondsOf(error.retryAfterMs));
    case K::TooSoon:
        return AppError(LockedOut, Unlock, 0, secondsOf(error.retryAfterMs));
    case K::Wiped:
        return AppError(Wiped, Unlock);
    case K::KeystoreMissing:
        return AppError(KeystoreMissing, Unlock);
    case K::KeystoreUnavailable:
        return AppError(KeystoreUnavailable, Unlock);
    case K::Io:
        return AppError(StorageFull, Unlock);
    case K::NotSetUp:
    case K::AlreadySetUp:
    case K::Corrupt:
        return AppError(VaultCorrupt, Unlock);
    case K::Crypto:
        break;
    }
    return AppError(Internal, Unlock);
}

AppError AppError::fromSyncWords(const QString &words, Operation operation)
{
    // SyncClient's wording (sync/client/syncclient.cpp: answerOf, enroll, finishCycle).
    if (words.isEmpty()) {
        return {};
    }
    if (words == u"locked") {
        return AppError(Locked, operation);
    }
    if (words.contains(u"certificate")) {
        return AppError(CertificateMismatch, operation);
    }
    // The client aborts a reply whose peer fails the pin (network error 5, "canceled") when
    // the TLS session was reused and no handshake error came first.
    if (words == u"no answer from the server (network error 5)") {
        return AppError(CertificateMismatch, operation);
    }
    if (words == u"no answer from the server in time") {
        return AppError(ServerTimeout, operation);
    }
    if (words.startsWith(u"no answer from the server")
        || words.startsWith(u"the server's answer was cut off")) {
        return AppError(NetworkUnreachable, operation);
    }
    if (words.startsWith(u"Sign in again")) {
        return AppError(operation == Enroll ? EnrollmentCodeRefused : SignInRequired, operation,
                        401);
    }
    if (words.startsWith(u"Update the app")) {
        return AppError(UpdateRequired, operation, 426);
    }
    if (words == u"batch too large") {
        return AppError(ServerRefused, operation, 413);
    }
    static const QRegularExpression answered(QStringLiteral("^server answered (\\d{3})"));
    if (const auto match = answered.match(words); match.hasMatch()) {
        const int status = match.captured(1).toInt();
        if (operation == Enroll && (status == 401 || status == 403)) {
            return AppError(EnrollmentCodeRefused, operation, status);
        }
        if (status == 401) {
            return AppError(SignInRequired, operation, status);
        }
        return AppError(status >= 500 ? ServerError : ServerRefused, operation, status);
    }
    if (words == u"enrollment refused" || words == u"the server acknowledged none of the changes") {
        return AppError(ServerRefused, operation);
    }
    if (words.contains(u"answer unreadable") || words.contains(u"answer incomplete")) {
        return AppError(BadAnswer, operation);
    }
    if (words.contains(u"https")) {
        return AppError(NotHttps, operation);
    }
    if (words.startsWith(u"changes on this device are not yet synced")) {
        return AppError(PendingOutbox, operation);
    }
    return AppError(storeKindIn(words), operation);
}

} // namespace sb::app
