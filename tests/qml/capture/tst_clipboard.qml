// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Sessionbook.App
import Sessionbook.TestHarness

// Locking clears the clipboard: a sentence copied out of a note does not outlive the unlock.
Item {
    id: root
    width: 390
    height: 200

    TextEdit {
        id: source
        width: 300
        height: 40
    }
    TextEdit {
        id: target
        y: 50
        width: 300
        height: 40
    }

    TestCase {
        name: "ClipboardOnLock"
        when: windowShown

        function test_lockClearsTheClipboard() {
            tryVerify(() => CaptureHarness.ready, 30000, "store unlocked")
            const lock = CaptureHarness.lock
            compare(lock.state, LockController.Unlocked)

            source.text = "Client reported panic at work"
            source.selectAll()
            source.copy()
            target.text = ""
            target.paste()
            // The clipboard works on this platform, so the check below can fail.
            compare(target.text, "Client reported panic at work")

            lock.lock()
            compare(lock.state, LockController.Locked)
            target.text = ""
            target.paste()
            compare(target.text, "")

            lock.unlock("harness-passcode")
            tryCompare(lock, "state", LockController.Unlocked, 30000)
        }
    }
}
