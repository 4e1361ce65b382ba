// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material

// Covers the whole window while the app is not active, so the app switcher's snapshot and
// a glance over the shoulder show no patient data.
Rectangle {
    id: cover
    color: Material.primary
    Accessible.role: Accessible.Pane
    Accessible.name: qsTr("Sessionbook is hidden")

    Column {
        anchors.centerIn: parent
        spacing: 8
        Label {
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Sessionbook")
            font.pixelSize: Type.display
            color: "white"
        }
        Label {
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Content hidden")
            color: "white"
            opacity: 0.8
        }
    }
    MouseArea {
        anchors.fill: parent
        acceptedButtons: Qt.AllButtons
    }
}
