// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material

// A short warning under a patient row: amber for "check this", red for "likely denied".
Rectangle {
    id: chip
    property string text
    property bool blocking: false

    implicitWidth: label.width + 16
    implicitHeight: Math.max(24, label.implicitHeight + 8)
    radius: Math.min(height / 2, 12)
    color: blocking ? Material.color(Material.Red, Material.Shade100)
                    : Material.color(Material.Amber, Material.Shade100)
    Accessible.role: Accessible.StaticText
    Accessible.name: chip.text

    Label {
        id: label
        anchors.centerIn: parent
        // No wider than what holds the chip: a long warning wraps (at large text sizes too)
        // rather than losing its end.
        width: Math.min(implicitWidth, chip.parent ? chip.parent.width - 16 : implicitWidth)
        wrapMode: Text.WordWrap
        horizontalAlignment: Text.AlignHCenter
        text: chip.text
        font.pixelSize: Type.small
        color: chip.blocking ? Material.color(Material.Red, Material.Shade900)
                             : Material.color(Material.Brown, Material.Shade800)
    }
}
