// SPDX-License-Identifier: Apache-2.0
pragma Singleton
import QtQuick
import Sessionbook.App

// What each kind of AppError means to the clinician, in one place: every screen words an
// error the same way. The controllers give only the kind (never PHI, never a library's or the
// server's text); the words are here, translatable.
QtObject {
    /// The sentence for `error`, with what was being done ("Not saved: ..."); "" for none.
    function text(error: appError): string {
        const cause = causeOf(error)
        switch (error.operation) {
        case AppError.Start:
            return qsTr("The session was not started: %1").arg(cause)
        case AppError.Open:
            return qsTr("The session could not be opened: %1").arg(cause)
        case AppError.Save:
            return qsTr("Not saved: %1 Your timing is kept on screen; try again.").arg(cause)
        case AppError.Sign:
            return qsTr("Not signed: %1 The draft is kept.").arg(cause)
        case AppError.SignAddendum:
            return qsTr("The addendum was not signed: %1 Your text is kept.").arg(cause)
        default:
            return cause
        }
    }

    /// What went wrong and what to do about it, whatever was being done.
    function causeOf(error: appError): string {
        const enrolling = error.operation === AppError.Enroll
        switch (error.kind) {
        case AppError.None:
            return ""
        case AppError.PasscodeTooShort:
            return qsTr("Use at least %n character(s).", "", error.code)
        case AppError.PasscodeRepetitive:
            return qsTr("Do not repeat the same digit or group of digits.")
        case AppError.PasscodeSequential:
            return qsTr("Do not use a run such as 123456 or 987654.")
        case AppError.PasscodeMismatch:
            return qsTr("The two passcodes do not match.")
        case AppError.WrongPasscode:
            return qsTr("Wrong passcode. Nothing was deleted. Repeated wrong attempts make you "
                        + "wait longer before the next try.")
        case AppError.LockedOut:
            return qsTr("Too many wrong passcodes. Wait, then try again.")
        case AppError.Wiped:
            return qsTr("Too many wrong passcodes. As your practice requires, the data on this "
                        + "device was erased. Choose a new passcode and enroll the device again.")
        case AppError.KeystoreUnavailable:
            return qsTr("The device keystore did not answer. Unlock the system keyring or "
                        + "restart the device, then try again. Nothing was deleted.")
        case AppError.KeystoreMissing:
            return qsTr("This device's keystore no longer holds the key to your data, so it "
                        + "cannot be unlocked here. Nothing was deleted; contact your office.")
        case AppError.VaultCorrupt:
            return qsTr("The key vault file is damaged, so the data cannot be unlocked. Nothing "
                        + "was deleted; contact your office.")
        case AppError.StoreCorrupt:
            return qsTr("The encrypted store is damaged and could not be opened. Nothing was "
                        + "deleted; contact your office.")
        case AppError.StoreTooNew:
            return qsTr("The data on this device was written by a newer version of Sessionbook. "
                        + "Update the app.")
        case AppError.StorageFull:
            return qsTr("The device's storage is full or cannot be written. Free some space, "
                        + "then try again.")
        case AppError.StoreBusy:
            return qsTr("The device's store is busy. Try again in a moment.")
        case AppError.RecordSigned:
            return qsTr("The session is signed and cannot change; add an addendum instead.")
        case AppError.NotFound:
            return qsTr("That patient or session is not on this device.")
        case AppError.Locked:
            return qsTr("Sessionbook locked before this finished. Unlock, then try again.")
        case AppError.LockedAfterError:
            return qsTr("Something went wrong, so Sessionbook locked itself. Unlock to go on; "
                        + "nothing you saved is lost.")
        case AppError.SessionRunning:
            return qsTr("Stop the running session before opening another one.")
        case AppError.BlockingItems:
            return qsTr("Resolve the items marked as blocking before signing.")
        case AppError.NetworkUnreachable:
            return enrolling
                   ? qsTr("The server could not be reached. Check the address and your "
                          + "network, then try again.")
                   : qsTr("Offline: the server could not be reached. Sync will retry.")
        case AppError.ServerTimeout:
            return enrolling
                   ? qsTr("The server did not answer in time. Try again.")
                   : qsTr("The server did not answer in time. Sync will retry.")
        case AppError.CertificateMismatch:
            return enrolling
                   ? qsTr("The server's key does not match the fingerprint you were given. "
                          + "Ask your office for a new enrollment link.")
                   : qsTr("The server's key is not the one this device trusts, so nothing was "
                          + "sent. Contact your office.")
        case AppError.ServerRefused:
            return qsTr("The server refused the request (code %1). Your sessions are kept on "
                        + "this device; contact your office.").arg(error.code)
        case AppError.ServerError:
            return qsTr("The server had a problem (code %1). Sync will retry.").arg(error.code)
        case AppError.BadAnswer:
            return qsTr("The server's answer could not be read. Sync will retry.")
        case AppError.SignInRequired:
            return qsTr("Sign in again to sync; your sessions are kept on this device.")
        case AppError.UpdateRequired:
            return qsTr("Update the app to sync; your sessions are kept on this device.")
        case AppError.EnrollmentCodeRefused:
            return qsTr("The code was not accepted: it may be mistyped, already used or "
                        + "expired. Ask your office for a new one.")
        case AppError.InvalidLink:
            return qsTr("That is not an enrollment link. It starts with sessionbook://enroll.")
        case AppError.MissingServer:
            return qsTr("Enter the server address, for example https://office.example:8443.")
        case AppError.NotHttps:
            return qsTr("The server address must start with https://.")
        case AppError.MissingCode:
            return qsTr("Enter the one-time code from your office.")
        case AppError.MissingPin:
            return qsTr("Enter the server's key fingerprint from your office: it proves that "
                        + "this is your office's server.")
        case AppError.BadPin:
            return qsTr("The key fingerprint must be 64 hexadecimal digits.")
        case AppError.PendingOutbox:
            return qsTr("This device still has changes for the previous office server. Sync "
                        + "them there first.")
        case AppError.Internal:
            break
        }
        return qsTr("Something went wrong. Try again; if it keeps happening, contact your "
                    + "office.")
    }
}
