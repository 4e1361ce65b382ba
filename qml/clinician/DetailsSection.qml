// SPDX-License-Identifier: Apache-2.0
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Sessionbook.App
import Sessionbook.Components

// Service type, modality, where the patient is, interactive complexity and who took part.
// Every change is saved as a draft at once.
ColumnLayout {
    id: section
    required property SessionController capture
    readonly property CaptureDetails details: capture.details
    readonly property ParticipantModel participants: capture.participants
    readonly property bool editable: capture.editable
    spacing: 8

    SectionHeader {
        text: qsTr("Session details")
    }

    GridLayout {
        Layout.fillWidth: true
        columns: section.width >= 560 ? 2 : 1
        columnSpacing: 16
        rowSpacing: 4

        Label {
            text: qsTr("Service")
            opacity: 0.8
        }
        ComboBox {
            objectName: "serviceCombo"
            Layout.fillWidth: true
            Layout.minimumHeight: 48
            enabled: section.editable
            model: section.details.serviceOptions
            textRole: "text"
            valueRole: "value"
            currentIndex: count > 0 ? indexOfValue(section.details.service) : -1
            Accessible.name: qsTr("Service type")
            onActivated: section.details.setService(currentValue)
        }
        Label {
            text: qsTr("Modality")
            opacity: 0.8
        }
        ComboBox {
            objectName: "modalityCombo"
            Layout.fillWidth: true
            Layout.minimumHeight: 48
            enabled: section.editable
            model: section.details.modalityOptions
            textRole: "text"
            valueRole: "value"
            currentIndex: count > 0 ? indexOfValue(section.details.modality) : -1
            Accessible.name: qsTr("Modality")
            onActivated: section.details.setModality(currentValue)
        }
        Label {
            visible: section.details.telehealth
            text: qsTr("Patient is at")
            opacity: 0.8
        }
        ComboBox {
            objectName: "locationCombo"
            Layout.fillWidth: true
            Layout.minimumHeight: 48
            visible: section.details.telehealth
            enabled: section.editable
            model: section.details.locationOptions
            textRole: "text"
            valueRole: "value"
            currentIndex: count > 0 ? indexOfValue(section.details.patientLocation) : -1
            Accessible.name: qsTr("Patient location, decides the place of service")
            onActivated: section.details.setPatientLocation(currentValue)
        }
    }

    Switch {
        objectName: "complexitySwitch"
        Layout.fillWidth: true
        Layout.minimumHeight: 48
        enabled: section.editable
        checked: section.details.interactiveComplexity
        text: qsTr("Interactive complexity")
        Accessible.name: qsTr("Interactive complexity")
        onToggled: section.details.setInteractiveComplexity(checked)
    }

    Label {
        text: section.details.groupSession ? qsTr("Participants and attendance")
                                           : qsTr("Participants")
        opacity: 0.8
    }
    Repeater {
        model: section.participants
        RowLayout {
            id: participantRow
            required property string name
            required property string roleText
            required property bool present
            required property bool removable
            required property int index
            Layout.fillWidth: true
            spacing: 4
            CheckBox {
                Layout.minimumHeight: 48
                visible: section.details.groupSession
                enabled: section.editable
                checked: participantRow.present
                Accessible.name: qsTr("%1 attended").arg(participantRow.name)
                onToggled: section.participants.setPresent(participantRow.index, checked)
            }
            Label {
                Layout.fillWidth: true
                elide: Text.ElideRight
                text: participantRow.name
            }
            Label {
                text: participantRow.roleText
                opacity: 0.7
                font.pixelSize: Type.small
            }
            ToolButton {
                Layout.preferredWidth: 48
                Layout.preferredHeight: Math.max(48, implicitHeight)
                visible: participantRow.removable && section.editable
                text: "✕"
                Accessible.name: qsTr("Remove %1").arg(participantRow.name)
                onClicked: section.participants.remove(participantRow.index)
            }
        }
    }
    // Name on its own row on a phone; name, role and Add in one row when there is room.
    GridLayout {
        Layout.fillWidth: true
        visible: section.editable
        columns: section.width >= 520 ? 3 : 2
        columnSpacing: 8
        rowSpacing: 0
        TextField {
            id: participantName
            objectName: "participantName"
            Layout.fillWidth: true
            Layout.columnSpan: section.width >= 520 ? 1 : 2
            Layout.minimumHeight: 48
            placeholderText: qsTr("Add a participant")
            // A name is PHI: no learning, no suggestions.
            inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            Accessible.name: qsTr("Participant name")
            onAccepted: addButton.clicked()
        }
        ComboBox {
            id: participantRole
            Layout.fillWidth: true
            Layout.preferredWidth: 180
            Layout.minimumHeight: 48
            model: section.participants.roleOptions
            textRole: "text"
            valueRole: "value"
            currentIndex: section.details.groupSession ? 1 : 0
            Accessible.name: qsTr("Participant role")
        }
        Button {
            id: addButton
            Layout.minimumHeight: 48
            Layout.minimumWidth: 88
            enabled: participantName.text.trim().length > 0
            text: qsTr("Add")
            Accessible.name: qsTr("Add participant")
            onClicked: {
                section.participants.add(participantName.text, participantRole.currentValue)
                participantName.clear()
            }
        }
    }
}
