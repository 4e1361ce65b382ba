// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMetaType>
#include <QString>
#include <QtQmlIntegration>

namespace sb {
struct StoreError;
struct VaultError;
} // namespace sb

namespace sb::app {

/// The kinds of AppError and what was being done; in QML, AppError.WrongPasscode etc.
namespace AppErrorEnums {
Q_NAMESPACE
QML_NAMED_ELEMENT(AppError)

enum Kind {
    None,
    // Unlock and the key vault.
    PasscodeTooShort,
    PasscodeRepetitive,
    PasscodeSequential,
    PasscodeMismatch,
    WrongPasscode,       ///< retryAfterSeconds: the wait before the next try (0: none yet).
    LockedOut,           ///< Too many wrong passcodes: retryAfterSeconds to wait.
    Wiped,               ///< The practice's wipe policy erased the device's data.
    KeystoreUnavailable, ///< The OS keystore refused, is locked, or did not answer.
    KeystoreMissing,     ///< The device secret is gone from the OS keystore.
    VaultCorrupt,        ///< The key vault file is damaged or not ours.
    // The encrypted store.
    StoreCorrupt, ///< The store file is damaged (or the key does not open it).
    StoreTooNew,  ///< Written by a newer app version.
    StorageFull,  ///< Disk full, read-only or not permitted (code: the SQLite code).
    StoreBusy,
    RecordSigned,     ///< A signed record cannot change.
    NotFound,         ///< The patient or session is not (or no longer) there.
    Locked,           ///< The app locked while the operation was on its way.
    LockedAfterError, ///< A store job failed, so the app locked itself; nothing is lost.
    // Capture rules.
    SessionRunning, ///< Stop the running session first.
    BlockingItems,  ///< Readiness items block signing.
    // Sync and enrollment.
    NetworkUnreachable,  ///< No answer: no network, wrong address, server down.
    ServerTimeout,       ///< The server did not answer in time.
    CertificateMismatch, ///< The server's key is not the pinned one.
    ServerRefused,       ///< The server refused the request (code: HTTP status).
    ServerError,         ///< The server failed (code: HTTP status 5xx).
    BadAnswer,           ///< The server's answer was unreadable.
    SignInRequired,
    UpdateRequired,        ///< The server needs a newer app.
    EnrollmentCodeRefused, ///< Mistyped, used or expired one-time code.
    InvalidLink,
    MissingServer,
    NotHttps,
    MissingCode,
    MissingPin,
    BadPin,
    PendingOutbox, ///< Unsynced changes would move to another server or user.
    Internal,      ///< Anything else; the app's log has the technical cause (no PHI).
};
Q_ENUM_NS(Kind)

/// What the user was doing when it failed; lets a screen say "Saving failed: ...".
enum Operation { NoOperation, Unlock, Start, Open, Save, Sign, SignAddendum, Sync, Enroll };
Q_ENUM_NS(Operation)

} // namespace AppErrorEnums

/**
 * An error as the screens see it: what went wrong (kind), what was being done (operation)
 * and, for some kinds, a wait or a number (an HTTP status, a SQLite code). Nothing else:
 * never PHI, never a library's or the server's text. Controllers emit it in place of a
 * sentence; the QML screens say what each kind means (ErrorMessage.qml), in the user's
 * language.
 *
 * In QML the value type is `appError`; its enums are reached as AppError.WrongPasscode.
 */
class AppError {
    Q_GADGET
    QML_VALUE_TYPE(appError)
    Q_PROPERTY(sb::app::AppErrorEnums::Kind kind READ kind CONSTANT)
    Q_PROPERTY(sb::app::AppErrorEnums::Operation operation READ operation CONSTANT)
    Q_PROPERTY(bool isError READ isError CONSTANT)
    Q_PROPERTY(int retryAfterSeconds READ retryAfterSeconds CONSTANT)
    Q_PROPERTY(int code READ code CONSTANT)
public:
    using Kind = AppErrorEnums::Kind;
    using enum AppErrorEnums::Kind;
    using Operation = AppErrorEnums::Operation;
    using enum AppErrorEnums::Operation;

    AppError() = default;
    explicit AppError(Kind kind, Operation operation = NoOperation, int code = 0,
                      int retryAfterSeconds = 0)
        : m_kind(kind)
        , m_operation(operation)
        , m_code(code)
        , m_retryAfterSeconds(retryAfterSeconds)
    {
    }

    /// A store failure's kind, for `operation`.
    static AppError fromStore(const StoreError &error, Operation operation);
    /// A key vault failure (unlock, passcode setup).
    static AppError fromVault(const VaultError &error);
    /**
     * The device sync client's words for a failed sync or enrollment (SyncClient::lastError,
     * kept in the store across restarts) as a kind; the words never reach a screen.
     */
    static AppError fromSyncWords(const QString &words, Operation operation);

    [[nodiscard]] Kind kind() const { return m_kind; }
    [[nodiscard]] Operation operation() const { return m_operation; }
    [[nodiscard]] bool isError() const { return m_kind != None; }
    [[nodiscard]] int code() const { return m_code; }
    [[nodiscard]] int retryAfterSeconds() const { return m_retryAfterSeconds; }
    /// The kind's enumerator name ("WrongPasscode"), for logs and tests.
    [[nodiscard]] QString kindName() const;

    friend bool operator==(const AppError &, const AppError &) = default;

private:
    Kind m_kind = None;
    Operation m_operation = NoOperation;
    int m_code = 0;
    int m_retryAfterSeconds = 0;
};

} // namespace sb::app

Q_DECLARE_METATYPE(sb::app::AppError)
