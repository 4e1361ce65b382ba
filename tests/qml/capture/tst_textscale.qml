// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Sessionbook.App
import Sessionbook.Clinician
import Sessionbook.Components
import Sessionbook.TestHarness

// Main.qml at the largest text size on a phone (390x844): Today's rows and the capture
// screen's text grow with the TextScale step (through the Type tokens and the window font),
// the rows and buttons grow with it and stay touch-sized, and the timer and the Stop and Sign
// buttons stay inside the window's width.
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
        name: "TextScale"
        when: windowShown

        property var window: null

        function initTestCase() {
            tryVerify(() => CaptureHarness.ready, 30000, "store unlocked and Today loaded")
            window = mainComponent.createObject(root, { width: 390, height: 844 })
            verify(window)
        }

        function cleanupTestCase() {
            CaptureHarness.textScale.step = TextScale.Default
            window.destroy()
        }

        function page(name) {
            const item = findChild(window.contentItem, name)
            verify(item, name)
            return item
        }

        /// The first visible item under `item` showing exactly `text`.
        function withText(item, text) {
            if (item.visible && item.text === text)
                return item
            for (let i = 0; i < item.children.length; ++i) {
                const found = withText(item.children[i], text)
                if (found)
                    return found
            }
            return null
        }

        function caseloadRow() {
            const list = findChild(page("todayPage"), "todayList")
            let row = null
            tryVerify(() => {
                for (let i = 0; i < list.contentItem.children.length; ++i) {
                    const r = list.contentItem.children[i]
                    if (r.objectName === "caseloadRow" && r.visible)
                        return (row = r) !== null
                }
                return false
            }, 5000, "a caseload row")
            return row
        }

        function isButton(item) {
            return item.checkable !== undefined && item.pressed !== undefined
                    && item.autoRepeat !== undefined
        }
        function isCombo(item) {
            return item.currentIndex !== undefined && item.popup !== undefined
                    && item.displayText !== undefined
        }

        /// Visible buttons and combo boxes under 48 px high.
        function small(item, out) {
            if (!item.visible || item.opacity === 0)
                return out
            if ((isButton(item) || isCombo(item)) && item.height < 48)
                out.push((item.objectName || item.text || String(item)) + " " + item.height)
            if (isCombo(item))
                return out
            for (let i = 0; i < item.children.length; ++i)
                small(item.children[i], out)
            return out
        }

        /// Visible text under `item` that runs past the window's left or right edge.
        function overflowing(item, out) {
            if (!item.visible || item.opacity === 0)
                return out
            if (item.contentWidth !== undefined && item.text !== undefined
                    && item.font !== undefined && item.text.length > 0) {
                const p = item.mapToItem(window.contentItem, 0, 0)
                const right = p.x + Math.min(item.width, Math.max(item.contentWidth, 0))
                if (p.x < -0.5 || right > window.width + 0.5)
                    out.push("\"" + item.text + "\" x " + p.x + " to " + right)
            }
            for (let i = 0; i < item.children.length; ++i)
                overflowing(item.children[i], out)
            return out
        }

        function verifyNoOverflow(item, where) {
            const out = overflowing(item, [])
            verify(out.length === 0, where + ": text past the window's edge: " + out.join(", "))
        }

        /// `item` lies within the window's width.
        function verifyInside(item, what) {
            verify(item.visible, what + " is shown")
            const p = item.mapToItem(window.contentItem, 0, 0)
            verify(p.x >= 0 && p.x + item.width <= window.width + 0.5,
                   what + " inside the window: x " + p.x + ", width " + item.width)
        }

        function test_0_checkerFindsOverflow() {
            const wide = Qt.createQmlObject(
                'import QtQuick.Controls; Label { x: 300; text: "a line running past the edge" }',
                window.contentItem)
            verify(overflowing(window.contentItem, []).join(",").includes("past the edge"))
            wide.destroy()
            wait(0)
        }

        function test_1_todayRowsGrow() {
            compare(CaptureHarness.textScale.step, TextScale.Default)
            compare(Type.factor, 1.0)
            compare(window.font.pixelSize, 14)
            const row = caseloadRow()
            const name = withText(row, row.patientName)
            verify(name, "the patient's name")
            compare(name.font.pixelSize, 17)
            const defaultHeight = row.height

            CaptureHarness.textScale.step = TextScale.Largest
            compare(Type.factor, 1.5)
            compare(window.font.pixelSize, 21)
            compare(name.font.pixelSize, Math.round(17 * 1.5))
            tryVerify(() => row.height >= Math.max(72, row.children[0].implicitHeight), 5000)
            verify(row.height >= defaultHeight, "rows do not shrink: " + row.height + " < " + defaultHeight)
            verifyInside(row, "a caseload row")
            verify(name.x + name.width <= row.width, "the name is laid out inside its row")
            verifyNoOverflow(page("todayPage"), "Today")
            const tooSmall = small(page("todayPage"), [])
            verify(tooSmall.length === 0, "touch targets under 48 px: " + tooSmall.join(", "))
        }

        function test_2_settingsMenuChoosesTheTextSize() {
            const menu = findChild(page("todayPage"), "settingsMenu")
            verify(menu)
            menu.open()
            tryVerify(() => menu.opened, 5000)
            let larger = null
            let heading = null
            for (let i = 0; i < menu.count; ++i) {
                const item = menu.itemAt(i)
                if (item.Accessible.name === "Larger text")
                    larger = item
                if (item.text === "Text size")
                    heading = item
                if (item.visible && isButton(item))
                    verify(item.height >= 48, "menu item " + item.text + " " + item.height)
            }
            verify(heading, "a Text size heading")
            verify(larger, "a Larger text item")
            verify(!larger.checked)
            compare(larger.font.pixelSize, 21)
            mouseClick(larger)
            compare(CaptureHarness.textScale.step, TextScale.Larger)
            compare(Type.factor, 1.3)
            tryVerify(() => !menu.visible, 5000)
            menu.open()
            tryVerify(() => menu.opened, 5000)
            verify(larger.checked)
            // Tapping the checked choice again keeps it (one choice, never none).
            mouseClick(larger)
            compare(CaptureHarness.textScale.step, TextScale.Larger)
            tryVerify(() => !menu.visible, 5000)
            menu.open()
            tryVerify(() => menu.opened, 5000)
            verify(larger.checked)
            let checkedCount = 0
            for (let j = 0; j < menu.count; ++j) {
                const choice = menu.itemAt(j)
                if (choice.checked && String(choice.Accessible.name).endsWith(" text"))
                    ++checkedCount
            }
            compare(checkedCount, 1)
            menu.close()
            tryVerify(() => !menu.visible, 5000)
            CaptureHarness.textScale.step = TextScale.Largest
        }

        function test_3_captureFitsAtTheLargestSize() {
            compare(Type.factor, 1.5)
            CaptureHarness.startFirstPatient()
            tryCompare(CaptureHarness.capture, "phase", SessionController.Running, 10000)
            const capturePage = page("capturePage")
            tryVerify(() => capturePage.visible, 5000)
            // Two hours and more on the clock: the widest time the timer shows.
            CaptureHarness.advanceMinutes(125)
            const elapsed = findChild(capturePage, "elapsed")
            verify(elapsed)
            tryCompare(elapsed, "text", "125:00")
            compare(elapsed.font.pixelSize, Math.round(64 * 1.5))
            verifyInside(elapsed, "the timer")
            verify(elapsed.contentWidth <= elapsed.width + 0.5,
                   "the time fits its label: " + elapsed.contentWidth + " > " + elapsed.width)
            const stop = findChild(capturePage, "stop")
            verifyInside(stop, "Stop")
            compare(stop.font.pixelSize, 21)
            verify(stop.height >= 56)
            const pause = findChild(capturePage, "pauseResume")
            verifyInside(pause, "Pause")
            verify(pause.x + pause.width <= stop.x, "Pause and Stop side by side, not overlapping")
            const hint = findChild(capturePage, "codingHint")
            verify(hint)
            compare(hint.font.pixelSize, Math.round(17 * 1.5))
            if (hint.visible)
                verifyInside(hint, "the coding hint")
            verifyNoOverflow(capturePage, "running")
            let tooSmall = small(capturePage, [])
            verify(tooSmall.length === 0, "touch targets under 48 px: " + tooSmall.join(", "))

            CaptureHarness.capture.timer.stop()
            tryVerify(() => CaptureHarness.capture.phase === SessionController.Stopped
                            && !CaptureHarness.capture.busy, 5000)
            const sign = findChild(capturePage, "sign")
            tryVerify(() => sign.visible, 5000)
            verifyInside(sign, "Sign")
            verify(sign.height >= 56)
            compare(sign.font.pixelSize, 21)
            verifyNoOverflow(capturePage, "stopped")
            tooSmall = small(capturePage, [])
            verify(tooSmall.length === 0, "touch targets under 48 px: " + tooSmall.join(", "))
        }

        function test_4_backToDefault() {
            CaptureHarness.textScale.step = TextScale.Default
            const elapsed = findChild(page("capturePage"), "elapsed")
            compare(elapsed.font.pixelSize, 64)
            compare(window.font.pixelSize, 14)
        }
    }
}
