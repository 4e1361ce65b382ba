// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Sessionbook.App
import Sessionbook.Clinician
import Sessionbook.TestHarness

// Typed errors on screen: the lock page and the sync header say what each kind of failure
// means, not one generic text, from the kind the real controllers give.
Item {
    id: root
    width: 390
    height: 844

    LockPage {
        id: lockPage
        anchors.fill: parent
        lock: CaptureHarness.lock
        visible: false
    }
    SyncHeader {
        id: header
        width: 390
        sync: CaptureHarness.sync
        enrollment: CaptureHarness.enrollment
        visible: false
    }

    TestCase {
        name: "Errors"
        when: windowShown

        function initTestCase() {
            tryVerify(() => CaptureHarness.ready, 30000, "store unlocked")
        }

        function test_wrongPasscodeIsSaidAsSuch() {
            const lock = CaptureHarness.lock
            lock.lock()
            compare(lock.state, LockController.Locked)
            lockPage.visible = true
            const label = findChild(lockPage, "lockError")
            verify(label)
            compare(label.visible, false)

            lock.unlock("not-the-passcode")
            tryCompare(lock, "state", LockController.Locked, 30000)
            tryVerify(() => lock.error.isError, 30000)
            compare(lock.error.kind, AppError.WrongPasscode)
            compare(label.text, "Wrong passcode. Nothing was deleted. Repeated wrong attempts "
                    + "make you wait longer before the next try.")
            verify(label.visible)

            lock.unlock("harness-passcode")
            tryCompare(lock, "state", LockController.Unlocked, 30000)
            compare(lock.error.kind, AppError.None)
            compare(label.text, "")
            lockPage.visible = false
        }

        function test_syncBadgeSaysWhichFailure_data() {
            return [
                { tag: "unreachable", words: "no answer from the server (network error 1)",
                  kind: AppError.NetworkUnreachable,
                  text: "Offline: the server could not be reached. Sync will retry.",
                  blocking: false },
                { tag: "pin", words: "the server's certificate is not the pinned one",
                  kind: AppError.CertificateMismatch,
                  text: "The server's key is not the one this device trusts, so nothing was "
                        + "sent. Contact your office.",
                  blocking: true },
                { tag: "refused", words: "server answered 409 conflict",
                  kind: AppError.ServerRefused,
                  text: "The server refused the request (code 409). Your sessions are kept on "
                        + "this device; contact your office.",
                  blocking: true },
                { tag: "server error", words: "server answered 503",
                  kind: AppError.ServerError,
                  text: "The server had a problem (code 503). Sync will retry.",
                  blocking: false },
            ]
        }

        function test_syncBadgeSaysWhichFailure(data) {
            header.visible = true
            CaptureHarness.showSyncFailure(data.words)
            compare(CaptureHarness.sync.error.kind, data.kind)
            const badge = findChild(header, "syncBadge1")
            verify(badge)
            verify(badge.visible)
            compare(badge.text, data.text)
            compare(badge.blocking, data.blocking)
            CaptureHarness.showSyncFailure("")
            header.visible = false
        }
    }
}
