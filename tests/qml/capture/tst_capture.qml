// SPDX-License-Identifier: Apache-2.0
pragma ComponentBehavior: Bound
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

    SignalSpy {
        id: busySpy
        target: CaptureHarness.capture
        signalName: "busyChanged"
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
            tryVerify(() => !capture.busy, 5000)

            // The note's save indicator speaks about the note: a timer tap is stored too
            // (busy), but the note is not being saved.
            const noteStatus = findChild(page, "noteStatus")
            verify(noteStatus.visible)
            compare(noteStatus.text, "Saved")
            const shown = []
            const record = () => shown.push(noteStatus.text)
            noteStatus.textChanged.connect(record)
            busySpy.clear()
            const pauseResume = findChild(page, "pauseResume")
            waitForRendering(pauseResume)
            mouseClick(pauseResume)
            tryCompare(capture, "phase", SessionController.Paused, 10000)
            tryVerify(() => !capture.busy, 5000)
            waitForRendering(pauseResume)
            mouseClick(pauseResume)
            tryCompare(capture, "phase", SessionController.Running, 10000)
            tryVerify(() => !capture.busy, 5000)
            verify(busySpy.count >= 4, "both taps were stored: " + busySpy.count)
            verify(!shown.includes("Saving…"), "timer taps: " + shown.join(" / "))
            compare(noteStatus.text, "Saved")
            // A note change does say so (the check above can see "Saving…").
            capture.note.setText("Fictional note.")
            capture.note.flush()
            verify(shown.includes("Saving…"), "note save: " + shown.join(" / "))
            tryCompare(noteStatus, "text", "Saved", 5000)
            noteStatus.textChanged.disconnect(record)

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
            tryVerify(() => capture.diagnoses.search.ready, 10000)
            field.forceActiveFocus()
            typeText("F41.1")
            tryVerify(() => capture.diagnoses.search.count > 0, 5000)
            keyClick(Qt.Key_Return)
            compare(capture.diagnoses.count, 1)
            compare(capture.diagnoses.data(capture.diagnoses.index(0, 0), DiagnosisModel.DisplayCodeRole),
                    "F41.1")
            compare(field.text, "")
            tryVerify(() => sign.enabled, 5000)

            mouseClick(sign)
            tryCompare(capture, "phase", SessionController.Signed, 10000)
            verify(!capture.editable)
            const note = findChild(page, "noteArea")
            verify(note.readOnly)

            // Text that is PHI tells the keyboard not to learn or suggest it.
            const phiHints = Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            for (const name of ["noteArea", "addendumText", "participantName"]) {
                const input = findChild(page, name)
                verify(input, name)
                compare(input.inputMethodHints & phiHints, phiHints, name)
            }

            const add = findChild(page, "addAddendum")
            verify(add.visible)
            mouseClick(add)
            const addendumText = findChild(page, "addendumText")
            verify(addendumText.visible)
            typeText("Late entry")
            const signAddendum = findChild(page, "signAddendum")
            verify(signAddendum.enabled)
            mouseClick(signAddendum)
            tryCompare(capture.addenda, "count", 1, 10000)
            compare(capture.addenda.data(capture.addenda.index(0, 0), AddendumModel.TextRole),
                    "Late entry")
            capture.close()
            compare(capture.phase, SessionController.Idle)
        }
    }
}
