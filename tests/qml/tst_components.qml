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
        id: holderComponent
        Item {
            width: 200
            height: 100
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

    function test_typeTokensScaleWithTheFactor() {
        compare(Type.factor, 1.0)
        compare(Type.caption, 12)
        compare(Type.body, 14)
        compare(Type.timer, 64)
        Type.factor = 1.5
        compare(Type.caption, 18)
        compare(Type.small, 20)
        compare(Type.body, 21)
        compare(Type.subtitle, 26)
        compare(Type.title, 30)
        compare(Type.headline, 39)
        compare(Type.display, 51)
        compare(Type.timer, 96)
        compare(Type.scaled(20), 30)
        Type.factor = 1.15
        compare(Type.body, 16)
        Type.factor = 1.0
    }

    function test_timerFitsItsWidthAtTheLargestSize() {
        Type.factor = 1.5
        const timer = createTemporaryObject(timerComponent, testCase,
                                            { elapsed: "125:00", width: 240 })
        const elapsed = findChild(timer, "elapsed")
        verify(elapsed)
        compare(elapsed.font.pixelSize, 96)
        verify(elapsed.width <= 240)
        verify(elapsed.contentWidth <= elapsed.width + 0.5,
               elapsed.contentWidth + " > " + elapsed.width)
        Type.factor = 1.0
    }

    function test_longChipWrapsInsideItsParent() {
        const holder = createTemporaryObject(holderComponent, testCase)
        const chip = chipComponent.createObject(holder,
            { text: "Auth: 3 visits left, expires 28 Feb 2027, ask the office to renew it" }
        ) as WarningChip
        verify(chip)
        verify(chip.width <= holder.width, "chip " + chip.width + " in " + holder.width)
        verify(chip.height > 30, "wrapped onto more lines: " + chip.height)
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
