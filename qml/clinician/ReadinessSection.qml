// SPDX-License-Identifier: Apache-2.0
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Sessionbook.App
import Sessionbook.Components

// The checklist before signing: blocking items (red) prevent signing, warnings (amber) do not.
ColumnLayout {
    id: section
    required property SessionController capture
    readonly property ReadinessModel readiness: capture.readiness
    readonly property bool dark: Material.theme === Material.Dark
    spacing: 2

    SectionHeader {
        text: qsTr("Ready to sign?")
    }
    Repeater {
        model: section.readiness
        RowLayout {
            id: item
            required property string title
            required property string detail
            required property int level
            readonly property color tone: level === ReadinessModel.Blocking
                ? Material.color(Material.Red, section.dark ? Material.Shade300 : Material.Shade700)
                : level === ReadinessModel.Warning
                  ? Material.color(Material.Amber, section.dark ? Material.Shade300 : Material.Shade900)
                  : Material.color(Material.Teal, section.dark ? Material.Shade300 : Material.Shade700)
            Layout.fillWidth: true
            Layout.minimumHeight: 40
            spacing: 12
            Accessible.role: Accessible.ListItem
            Accessible.name: (level === ReadinessModel.Blocking ? qsTr("Blocking: %1")
                              : level === ReadinessModel.Warning ? qsTr("Warning: %1")
                                                                 : qsTr("Done: %1")).arg(title)
            Label {
                Layout.alignment: Qt.AlignTop
                Layout.preferredWidth: Type.scaled(20)
                horizontalAlignment: Text.AlignHCenter
                font.pixelSize: Type.subtitle
                font.weight: Font.Bold
                color: item.tone
                text: item.level === ReadinessModel.Blocking ? "✕"
                      : item.level === ReadinessModel.Warning ? "!" : "✓"
            }
            ColumnLayout {
                Layout.fillWidth: true
                Layout.alignment: Qt.AlignTop
                spacing: 0
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.WordWrap
                    text: item.title
                    color: item.level === ReadinessModel.Done ? section.Material.foreground : item.tone
                }
                Label {
                    Layout.fillWidth: true
                    visible: item.detail.length > 0
                    wrapMode: Text.WordWrap
                    opacity: 0.75
                    font.pixelSize: Type.small
                    text: item.detail
                }
            }
        }
    }
}
