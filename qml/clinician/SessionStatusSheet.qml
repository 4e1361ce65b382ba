// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Sessionbook.App
import Sessionbook.Components

// One session's way to payment: captured → on device → received → coded → claimed →
// paid / denied, as the office reported it through sync. Open while trail.sessionId is set.
Popup {
    id: sheet
    required property SessionTrailModel trail
    modal: true
    focus: true
    padding: 0
    width: Math.min(parent ? parent.width - 32 : 360, 480)
    height: Math.min(parent ? parent.height - 64 : 600, content.implicitHeight + 32)
    x: parent ? (parent.width - width) / 2 : 0
    y: parent ? (parent.height - height) / 2 : 0
    onClosed: if (trail.sessionId.length > 0) trail.clear()

    function follow() {
        if (sheet.trail.sessionId.length > 0 && !sheet.visible)
            sheet.open()
        else if (sheet.trail.sessionId.length === 0 && sheet.visible)
            sheet.close()
    }
    Component.onCompleted: sheet.trail.sessionChanged.connect(sheet.follow)

    ColumnLayout {
        id: content
        anchors.fill: parent
        anchors.margins: 16
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 0
                Label {
                    Layout.fillWidth: true
                    text: qsTr("Session status")
                    font.pixelSize: Type.title
                    font.weight: Font.Medium
                }
                Label {
                    Layout.fillWidth: true
                    elide: Text.ElideRight
                    opacity: 0.75
                    text: sheet.trail.patientName
                }
            }
            ToolButton {
                Layout.preferredWidth: 48
                Layout.preferredHeight: Math.max(48, implicitHeight)
                text: "✕"
                Accessible.name: qsTr("Close session status")
                onClicked: sheet.close()
            }
        }
        // How the date of service was found when the device clock was off or never checked.
        Label {
            Layout.fillWidth: true
            visible: text.length > 0
            wrapMode: Text.Wrap
            font.pixelSize: Type.caption
            opacity: 0.8
            text: sheet.trail.clockText
        }
        Repeater {
            model: sheet.trail
            delegate: RowLayout {
                id: step
                required property string label
                required property bool reached
                required property string atText
                required property string detail
                required property bool denied
                Layout.fillWidth: true
                Layout.minimumHeight: 48
                spacing: 12
                Accessible.role: Accessible.StaticText
                Accessible.name: reached ? qsTr("%1, %2").arg(label).arg(atText)
                                         : qsTr("%1, not yet").arg(label)
                Rectangle {
                    Layout.preferredWidth: 16
                    Layout.preferredHeight: 16
                    radius: 8
                    color: !step.reached ? "transparent"
                           : step.denied ? Material.color(Material.Red) : Material.accent
                    border.width: 2
                    border.color: step.denied ? Material.color(Material.Red) : Material.accent
                    opacity: step.reached ? 1 : 0.5
                }
                ColumnLayout {
                    Layout.fillWidth: true
                    spacing: 0
                    Label {
                        Layout.fillWidth: true
                        text: step.label
                        font.weight: step.reached ? Font.Medium : Font.Normal
                        opacity: step.reached ? 1 : 0.55
                    }
                    Label {
                        Layout.fillWidth: true
                        visible: text.length > 0
                        font.pixelSize: Type.caption
                        opacity: 0.7
                        text: step.detail.length > 0 ? qsTr("%1 · %2").arg(step.atText).arg(step.detail)
                                                     : step.atText
                    }
                }
            }
        }
    }
}
