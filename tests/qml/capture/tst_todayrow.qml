// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Sessionbook.Clinician

// Today's rows are whole however they came to be: made while the list was hidden behind the
// capture screen (a phone), made before the list had its width, or changed from a draft to
// a signed session. Whole means the time, minutes and state are shown beside the name when
// they fit, under it when not, and never squeezed to nothing.
Item {
    id: root
    width: 390
    height: 844

    ListModel {
        id: rows
    }

    Item {
        id: holder
        anchors.fill: parent
        ListView {
            id: list
            width: parent.width
            height: parent.height
            model: rows
            delegate: TodayRow {}
        }
    }

    TestCase {
        name: "TodayRow"
        when: windowShown

        function row(patientName, signed) {
            return {
                patientId: "p-" + patientName, patientName: patientName, time: "10:53",
                minutes: 38, signed: signed, warnings: [], blocking: false, seenToday: true,
                sessionId: "s-" + patientName, status: signed ? "On device" : "",
                stateText: signed ? "Signed" : "Draft"
            }
        }

        function init() {
            holder.visible = true
            list.width = root.width
            rows.clear()
        }

        // The meta label of the row at `index` is laid out whole: visible, as wide as its
        // text, not elided, on the name's line (a phone has room for both).
        function verifyWhole(index, what) {
            list.forceLayout()
            const item = list.itemAtIndex(index)
            verify(item, what + ": row exists")
            const name = findChild(item, "rowName")
            const meta = findChild(item, "rowMeta")
            wait(20) // a polish pass, if one is pending
            verify(meta.visible, what + ": meta visible")
            verify(meta.width >= meta.implicitWidth - 0.5,
                   what + ": meta " + meta.width + " wide for " + meta.implicitWidth)
            verify(!meta.truncated, what + ": meta not elided")
            verify(meta.y < name.y + name.height, what + ": meta beside the name, not under it")
            verify(meta.x >= name.x + name.width, what + ": meta right of the name")
        }

        function test_madeWhileHidden() {
            holder.visible = false
            rows.append(row("Quinlan, Avery", false))
            rows.append(row("Castellanos, Imani", true))
            wait(50)
            holder.visible = true
            verifyWhole(0, "draft made hidden")
            verifyWhole(1, "signed made hidden")
        }

        function test_madeBeforeTheListHadItsWidth() {
            list.width = 0
            rows.append(row("Quinlan, Avery", false))
            wait(50)
            list.width = root.width
            verifyWhole(0, "made at width 0")
        }

        function test_signedWhileHidden() {
            rows.append(row("Quinlan, Avery", false))
            verifyWhole(0, "draft")
            holder.visible = false
            rows.set(0, row("Quinlan, Avery", true))
            wait(50)
            holder.visible = true
            verifyWhole(0, "signed while hidden")
        }

        function test_narrowPutsTheTimeUnderTheName() {
            list.width = 220
            rows.append(row("Castellanos-Whitfield, Imani", true))
            list.forceLayout()
            wait(20)
            const item = list.itemAtIndex(0)
            const name = findChild(item, "rowName")
            const meta = findChild(item, "rowMeta")
            verify(meta.visible)
            verify(meta.y >= name.y + name.height, "meta under the name")
            verify(meta.width > 100, "meta has the row's width: " + meta.width)
            verify(item.height >= name.height + meta.height, "the row is tall enough for both")
            list.width = 700 // a tablet's list: room for both on one line
            verifyWhole(0, "widened again")
        }

        function test_hiddenAtWidthZero() {
            holder.visible = false
            list.width = 0
            rows.append(row("Quinlan, Avery", true))
            wait(50)
            list.width = root.width
            holder.visible = true
            verifyWhole(0, "made hidden at width 0")
        }
    }
}
