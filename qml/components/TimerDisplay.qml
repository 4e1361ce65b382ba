// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls

// The session clock: "mm:ss" large, with a smaller caption (the coding hint).
Column {
    id: display
    property string elapsed: "00:00"
    property string caption
    spacing: 4

    Label {
        objectName: "elapsed"
        anchors.horizontalCenter: parent.horizontalCenter
        // Never wider than the screen: at the largest text size a long time shrinks to fit.
        width: Math.min(implicitWidth, display.width)
        horizontalAlignment: Text.AlignHCenter
        fontSizeMode: Text.HorizontalFit
        minimumPixelSize: Type.display
        text: display.elapsed
        font.pixelSize: Type.timer
        font.weight: Font.Light
        Accessible.name: qsTr("Elapsed time %1").arg(display.elapsed)
    }
    Label {
        objectName: "codingHint"
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(implicitWidth, display.width)
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        text: display.caption
        font.pixelSize: Type.subtitle
        opacity: 0.8
    }
}
