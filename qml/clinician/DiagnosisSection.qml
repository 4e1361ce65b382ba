// SPDX-License-Identifier: Apache-2.0
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Sessionbook.App
import Sessionbook.Components

// The session's diagnoses in pointer order (the first is primary) and the ICD-10-CM picker:
// search by code or by words; a tap adds the code when it is billable on this date.
ColumnLayout {
    id: section
    required property SessionController capture
    readonly property DiagnosisModel diagnoses: capture.diagnoses
    readonly property DiagnosisSearchModel search: capture.diagnoses.search
    readonly property bool editable: capture.editable
    spacing: 4

    SectionHeader {
        text: qsTr("Diagnoses")
    }
    Label {
        visible: section.diagnoses.count === 0
        opacity: 0.7
        text: qsTr("No diagnosis yet.")
    }
    Repeater {
        model: section.diagnoses
        RowLayout {
            id: dxRow
            required property string displayCode
            required property string description
            required property bool primary
            required property int index
            Layout.fillWidth: true
            spacing: 8
            Label {
                Layout.preferredWidth: Type.scaled(64)
                font.weight: Font.Medium
                text: dxRow.displayCode
            }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                maximumLineCount: 2
                elide: Text.ElideRight
                text: dxRow.description
            }
            Label {
                visible: dxRow.primary
                text: qsTr("Primary")
                color: Material.accent
                font.pixelSize: Type.caption
            }
            ToolButton {
                Layout.preferredHeight: Math.max(48, implicitHeight)
                visible: !dxRow.primary && section.editable
                text: qsTr("Make primary")
                font.pixelSize: Type.caption
                Accessible.name: qsTr("Make %1 the primary diagnosis").arg(dxRow.displayCode)
                onClicked: section.diagnoses.makePrimary(dxRow.index)
            }
            ToolButton {
                Layout.preferredWidth: 48
                Layout.preferredHeight: Math.max(48, implicitHeight)
                visible: section.editable
                text: "✕"
                Accessible.name: qsTr("Remove diagnosis %1").arg(dxRow.displayCode)
                onClicked: section.diagnoses.remove(dxRow.index)
            }
        }
    }

    TextField {
        id: searchField
        objectName: "diagnosisSearchField"
        Layout.fillWidth: true
        Layout.minimumHeight: 48
        visible: section.editable
        placeholderText: qsTr("Search ICD-10-CM by code or words")
        inputMethodHints: Qt.ImhNoPredictiveText
        Accessible.name: qsTr("Search diagnoses")
        onTextEdited: section.search.query = text
        onAccepted: {
            if (section.diagnoses.add(text))
                clear()
        }
        onVisibleChanged: if (!visible) clear()
    }
    Label {
        Layout.fillWidth: true
        visible: text.length > 0
        wrapMode: Text.WordWrap
        color: Material.color(Material.Red, section.Material.theme === Material.Dark
                                                ? Material.Shade300 : Material.Shade700)
        text: section.diagnoses.message
        Accessible.role: Accessible.AlertMessage
        Accessible.name: text
    }
    Repeater {
        model: section.editable && searchField.text.length > 0 ? section.search : null
        ItemDelegate {
            id: hit
            required property string code
            required property string displayCode
            required property string description
            required property bool billable
            Layout.fillWidth: true
            Layout.preferredHeight: Math.max(56, implicitContentHeight + 16)
            Accessible.name: qsTr("Add %1, %2").arg(displayCode).arg(description)
            onClicked: {
                if (section.diagnoses.add(hit.code)) {
                    searchField.clear()
                    section.search.clear()
                }
            }
            contentItem: RowLayout {
                spacing: 8
                Label {
                    Layout.preferredWidth: Type.scaled(64)
                    font.weight: Font.Medium
                    text: hit.displayCode
                    opacity: hit.billable ? 1 : 0.6
                }
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.WordWrap
                    maximumLineCount: 2
                    elide: Text.ElideRight
                    opacity: hit.billable ? 1 : 0.6
                    text: hit.billable ? hit.description
                                       : qsTr("%1 (category, not billable)").arg(hit.description)
                }
            }
        }
    }
    Label {
        visible: section.editable && searchField.text.length > 0 && section.search.count === 0
                 && !section.search.searching
        opacity: 0.7
        text: qsTr("No matching code.")
    }
    Button {
        Layout.minimumHeight: 48
        visible: section.editable && searchField.text.length > 0 && section.search.canLoadMore
        flat: true
        text: qsTr("More results")
        Accessible.name: qsTr("Show more diagnosis results")
        onClicked: section.search.loadMore()
    }
}
