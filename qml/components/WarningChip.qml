// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material

// A short warning under a patient row: amber for "check this", red for "likely denied".
Rectangle {
    id: chip
    property string text
    property bool blocking: false

    implicitWidth: label.implicitWidth + 16
    implicitHeight: Math.max(24, label.implicitHeight + 8)
    radius: height / 2
    color: blocking ? Material.color(Material.Red, Material.Shade100)
                    : Material.color(Material.Amber, Material.Shade100)
    Accessible.role: Accessible.StaticText
    Accessible.name: chip.text

    Label {
        id: label
        anchors.centerIn: parent
        width: Math.min(implicitWidth, chip.parent ? chip.parent.width - 16 : implicitWidth)
        elide: Text.ElideRight
        text: chip.text
        font.pixelSize: Type.small
        color: chip.blocking ? Material.color(Material.Red, Material.Shade900)
                             : Material.color(Material.Brown, Material.Shade800)
    }
}
