// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtTest
import Sessionbook.Components

TestCase {
    id: testCase
    name: "Components"
    when: windowShown
    width: 400
    height: 400

    Component {
        id: chipComponent
        WarningChip {}
    }
    Component {
        id: timerComponent
        TimerDisplay {
            width: 300
        }
    }
    Component {
        id: coverComponent
        PrivacyCover {
            anchors.fill: parent
        }
    }

    function test_chipSizesToTextAndTurnsRedWhenBlocking() {
        const chip = createTemporaryObject(chipComponent, testCase,
                                           { text: "Auth: 2 visits left" })
        verify(chip)
        verify(chip.implicitWidth > 60)
        verify(chip.implicitHeight >= 24)
        const amber = chip.color.toString()
        chip.blocking = true
        verify(chip.color.toString() !== amber)
    }

    function test_timerShowsElapsedAndHint() {
        const timer = createTemporaryObject(timerComponent, testCase,
                                            { elapsed: "38:12", caption: "38 min → 90834" })
        verify(timer)
        const hint = findChild(timer, "codingHint")
        verify(hint)
        compare(hint.text, "38 min → 90834")
    }

    function test_coverFillsAndTakesAllButtons() {
        const cover = createTemporaryObject(coverComponent, testCase)
        verify(cover)
        compare(cover.width, testCase.width)
        compare(cover.height, testCase.height)
        let catcher = null
        for (let i = 0; i < cover.children.length; ++i) {
            if (cover.children[i].acceptedButtons !== undefined)
                catcher = cover.children[i]
        }
        verify(catcher)
        compare(catcher.acceptedButtons, Qt.AllButtons)
        compare(catcher.width, cover.width)
    }
}
