// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Sessionbook.App
import Sessionbook.Clinician
import Sessionbook.TestHarness

// The capture flow on the real screen and controllers: start, the live coding hint, stop,
// signing blocked until a diagnosis is picked, sign, then an addendum.
// The screen is shown in the root item at phone size (a TestCase itself is not visible).
Item {
    id: root
    width: 390
    height: 844

    Component {
        id: pageComponent
        CapturePage {
            width: root.width
            height: root.height
            capture: CaptureHarness.capture
        }
    }

    TestCase {
        id: testCase
        name: "CaptureFlow"
        when: windowShown

        function typeText(text) {
            for (let i = 0; i < text.length; ++i)
                keyClick(text[i])
        }

        function test_startStopHintSign() {
            tryVerify(() => CaptureHarness.ready, 30000, "store unlocked and Today loaded")
            const page = createTemporaryObject(pageComponent, root)
            verify(page)
            const capture = CaptureHarness.capture

            CaptureHarness.startFirstPatient()
            tryCompare(capture, "phase", SessionController.Running, 10000)
            CaptureHarness.advanceMinutes(38)
            const hint = findChild(page, "codingHint")
            verify(hint)
            compare(hint.text, "38 min → 90834 · 15 more min for 90837")

            const stop = findChild(page, "stop")
            verify(stop.visible)
            waitForRendering(stop) // laid out where the click lands, after the phase change
            mouseClick(stop)
            // The tap is stored on the store thread before the phase moves on.
            tryCompare(capture, "phase", SessionController.Stopped, 10000)
            tryCompare(hint, "text", "38 min → 90834", 10000)

            const sign = findChild(page, "sign")
            verify(sign.visible)
            tryVerify(() => !capture.busy)
            verify(!sign.enabled, "no diagnosis yet: signing is blocked")
            verify(capture.readiness.blockingCount > 0)

            const field = findChild(page, "diagnosisSearchField")
            tryVerify(() => capture.diagnosisSearch.ready, 10000)
            field.forceActiveFocus()
            typeText("F41.1")
            tryVerify(() => capture.diagnosisSearch.count > 0, 5000)
            keyClick(Qt.Key_Return)
            compare(capture.diagnoses.length, 1)
            compare(capture.diagnoses[0].displayCode, "F41.1")
            compare(field.text, "")
            tryVerify(() => sign.enabled, 5000)

            mouseClick(sign)
            tryCompare(capture, "phase", SessionController.Signed, 10000)
            verify(!capture.editable)
            const note = findChild(page, "noteArea")
            verify(note.readOnly)

            const add = findChild(page, "addAddendum")
            verify(add.visible)
            mouseClick(add)
            const addendumText = findChild(page, "addendumText")
            verify(addendumText.visible)
            typeText("Late entry")
            const signAddendum = findChild(page, "signAddendum")
            verify(signAddendum.enabled)
            mouseClick(signAddendum)
            tryCompare(capture.addenda, "length", 1, 10000)
            compare(capture.addenda[0].text, "Late entry")
            capture.close()
            compare(capture.phase, SessionController.Idle)
        }
    }
}
