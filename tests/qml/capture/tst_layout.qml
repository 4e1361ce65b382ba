// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Sessionbook.App
import Sessionbook.Clinician
import Sessionbook.TestHarness

// Main.qml over the real controllers at phone (390x844) and tablet (1180x820) sizes: one
// page at a time on a phone, the list beside the capture screen on a tablet; and every
// visible interactive control on the main screens has an Accessible.name.
Item {
    id: root
    width: 390
    height: 844

    Component {
        id: mainComponent
        Main {
            lock: CaptureHarness.lock
            today: CaptureHarness.today
            capture: CaptureHarness.capture
            sync: CaptureHarness.sync
            enrollment: CaptureHarness.enrollment
            tasks: CaptureHarness.tasks
            trail: CaptureHarness.trail
            textScale: CaptureHarness.textScale
            coverWhenInactive: false
        }
    }

    TestCase {
        id: testCase
        name: "Layout"
        when: windowShown

        property var window: null
        property int checkedControls: 0

        function initTestCase() {
            tryVerify(() => CaptureHarness.ready, 30000, "store unlocked and Today loaded")
            window = mainComponent.createObject(root)
            verify(window)
        }

        function cleanupTestCase() {
            window.destroy()
        }

        function resize(w, h) {
            window.width = w
            window.height = h
            wait(0)
            compare(window.width, w)
        }

        function page(name) {
            const item = findChild(window.contentItem, name)
            verify(item, name)
            return item
        }

        function isButton(item) {
            return item.checkable !== undefined && item.pressed !== undefined
                    && item.autoRepeat !== undefined
        }
        function isText(item) {
            return item.cursorPosition !== undefined && item.selectByMouse !== undefined
        }
        function isCombo(item) {
            return item.currentIndex !== undefined && item.popup !== undefined
                    && item.displayText !== undefined
        }
        /// A control a finger or a screen reader can act on.
        function interactive(item) {
            return isButton(item) || isText(item) || isCombo(item)
        }

        /// "objectName/text" of every visible interactive control without an Accessible.name.
        function unnamed(item, out) {
            if (!item.visible || item.opacity === 0)
                return out
            if (interactive(item)) {
                ++checkedControls
                const name = item.Accessible.name
                if (!name || name.length === 0) {
                    out.push((item.objectName || String(item).split("(")[0]) + " \""
                             + (item.text || item.placeholderText || "") + "\"")
                }
                // A combo box's own field is named by the combo box.
                if (!isButton(item))
                    return out
            }
            for (let i = 0; i < item.children.length; ++i)
                unnamed(item.children[i], out)
            return out
        }

        function checkNamed(where) {
            checkedControls = 0
            const offenders = unnamed(window.contentItem, [])
            verify(checkedControls >= 3, where + ": only " + checkedControls + " controls found")
            verify(offenders.length === 0,
                   where + ": controls without Accessible.name: " + offenders.join(", "))
        }

        /// Interactive controls smaller than a finger (48 px high).
        function small(item, out) {
            if (!item.visible || item.opacity === 0)
                return out
            if (interactive(item) && !isText(item) && item.height < 48)
                out.push((item.objectName || item.text || String(item)) + " " + item.height)
            if (isCombo(item))
                return out
            for (let i = 0; i < item.children.length; ++i)
                small(item.children[i], out)
            return out
        }

        function test_0_checkerFindsUnnamedControls() {
            const bad = Qt.createQmlObject(
                'import QtQuick; import QtQuick.Controls; Column { Button { objectName: "unnamedButton"; text: "x" }'
                + ' TextField { objectName: "unnamedField" } ComboBox { objectName: "unnamedCombo" }'
                + ' Button { height: 20; text: "y"; Accessible.name: "named" } }',
                window.contentItem)
            const offenders = unnamed(window.contentItem, []).join(",")
            verify(offenders.includes("unnamedButton"), offenders)
            verify(offenders.includes("unnamedField"), offenders)
            verify(offenders.includes("unnamedCombo"), offenders)
            verify(!offenders.includes("named\""), offenders)
            verify(small(bad, []).length >= 1)
            bad.destroy()
            wait(0)
        }

        function test_1_phoneStacksPages() {
            resize(390, 844)
            const today = page("todayPage")
            const capturePage = page("capturePage")
            verify(!window.wide)
            verify(today.visible)
            verify(!capturePage.visible, "phone: one page at a time")
            compare(today.width, window.width)
            checkNamed("phone, Today")

            CaptureHarness.startFirstPatient()
            tryCompare(CaptureHarness.capture, "phase", SessionController.Running, 10000)
            tryVerify(() => capturePage.visible && !today.visible, 5000,
                      "phone: the capture screen replaces Today")
            compare(capturePage.width, window.width)
            checkNamed("phone, capture")
            const tooSmall = small(capturePage, [])
            verify(tooSmall.length === 0, "touch targets under 48 px: " + tooSmall.join(", "))
        }

        function test_2_tabletSideBySide() {
            resize(1180, 820)
            const today = page("todayPage")
            const capturePage = page("capturePage")
            verify(window.wide)
            tryVerify(() => today.visible && capturePage.visible, 5000, "tablet: both visible")
            const t = today.mapToItem(window.contentItem, 0, 0)
            const c = capturePage.mapToItem(window.contentItem, 0, 0)
            verify(t.x + today.width <= c.x, "the list is left of the detail")
            compare(t.y, c.y)
            verify(capturePage.width > today.width, "the detail gets the larger part")
            verify(today.width >= 300)
            checkNamed("tablet, running session")
            const close = findChild(capturePage, "closeSession")
            verify(close, "tablet: the capture pane has a close button")
            verify(close.visible)
            verify(!close.enabled, "a running timer is stopped before leaving, as on a phone")

            CaptureHarness.capture.timer.stop()
            tryVerify(() => !CaptureHarness.capture.busy, 5000)
            CaptureHarness.today.reload()
            tryVerify(() => !CaptureHarness.today.loading, 5000)
            const list = findChild(today, "todayList")
            tryVerify(() => list.count > 0, 5000)
            checkNamed("tablet, stopped session and Today's sessions")
        }

        function test_3_reopenFromToday() {
            resize(390, 844)
            const capture = CaptureHarness.capture
            const id = capture.sessionId
            verify(id.length > 0)
            capture.close()
            const today = page("todayPage")
            tryVerify(() => today.visible, 5000, "phone: back on Today")
            const list = findChild(today, "todayList")
            // Today's row for the session: tapping it reopens it.
            let row = null
            tryVerify(() => {
                for (let i = 0; i < list.contentItem.children.length; ++i) {
                    const r = list.contentItem.children[i]
                    if (r.sessionId === id)
                        row = r
                }
                return row !== null
            }, 5000, "the stopped session is listed")
            compare(row.stateText, "Draft")
            mouseClick(row)
            tryVerify(() => capture.sessionId === id && !capture.busy, 5000)
            compare(capture.phase, SessionController.Stopped)
            tryVerify(() => page("capturePage").visible, 5000)
            verify(!findChild(page("capturePage"), "closeSession").visible,
                   "phone: the back button leaves, no close button")
        }

        /// The tablet's capture pane closes like the phone's back button: a stopped, unsigned
        /// session asks first (and says how many items still block signing).
        function test_4_tabletCloseButton() {
            resize(1180, 820)
            const capture = CaptureHarness.capture
            compare(capture.phase, SessionController.Stopped)
            const capturePage = page("capturePage")
            const close = findChild(capturePage, "closeSession")
            verify(close)
            tryVerify(() => close.visible && close.enabled, 5000)
            compare(close.Accessible.name, "Close this session")
            verify(close.height >= 48, "touch-sized: " + close.height)
            verify(close.width >= 48, "touch-sized: " + close.width)
            const inPane = close.mapToItem(capturePage, 0, 0)
            verify(inPane.x + close.width <= capturePage.width && inPane.y >= 0,
                   "inside the capture pane")

            const dialog = findChild(capturePage, "leaveDialog")
            verify(dialog)
            waitForRendering(close)
            mouseClick(close)
            tryVerify(() => dialog.opened, 5000, "a stopped, unsigned session asks first")
            const blocking = capture.readiness.blockingCount
            verify(blocking > 0)
            compare(dialog.contentItem.text, blocking === 1
                    ? "The draft is saved. 1 item still blocks signing."
                    : "The draft is saved. " + blocking + " items still block signing.")
            mouseClick(findChild(dialog, "leaveStay"))
            tryVerify(() => !dialog.visible, 5000)
            compare(capture.phase, SessionController.Stopped)

            mouseClick(close)
            tryVerify(() => dialog.opened, 5000)
            mouseClick(findChild(dialog, "leaveConfirm"))
            tryCompare(capture, "phase", SessionController.Idle, 5000)
            tryVerify(() => !dialog.visible, 5000)
            verify(capturePage.visible, "tablet: the pane stays, empty")
            verify(!close.visible, "nothing to close")
            verify(page("todayPage").visible)
        }
    }
}
