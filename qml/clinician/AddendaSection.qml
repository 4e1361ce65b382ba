// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Sessionbook.App
import Sessionbook.Components

// After signing the note cannot change: later information goes into signed addenda.
ColumnLayout {
    id: section
    required property SessionController capture
    readonly property AddendumModel addenda: capture.addenda
    property bool composing: false
    spacing: 6

    SectionHeader {
        text: qsTr("Addenda")
    }
    Label {
        visible: section.addenda.count === 0 && !section.composing
        opacity: 0.7
        text: qsTr("The note is signed. Add an addendum to correct or complete it.")
        Layout.fillWidth: true
        wrapMode: Text.WordWrap
    }
    Repeater {
        model: section.addenda
        ColumnLayout {
            id: addendum
            required property string text
            required property string signedAt
            Layout.fillWidth: true
            spacing: 2
            Label {
                font.pixelSize: Type.caption
                color: Material.accent
                text: qsTr("Signed addendum · %1").arg(addendum.signedAt)
            }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                text: addendum.text
            }
        }
    }
    Button {
        objectName: "addAddendum"
        Layout.minimumHeight: 48
        visible: !section.composing
        text: qsTr("Add addendum")
        Accessible.name: qsTr("Add an addendum to the signed note")
        onClicked: {
            section.composing = true
            addendumText.forceActiveFocus()
        }
    }
    TextArea {
        id: addendumText
        objectName: "addendumText"
        Layout.fillWidth: true
        Layout.minimumHeight: 96
        visible: section.composing
        wrapMode: TextEdit.Wrap
        placeholderText: qsTr("Addendum text")
        // PHI: keyboards must not learn it, suggest it or send it to a cloud dictionary.
        inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
        Accessible.name: qsTr("Addendum text")
    }
    RowLayout {
        Layout.fillWidth: true
        visible: section.composing
        spacing: 12
        Button {
            Layout.fillWidth: true
            Layout.minimumHeight: 48
            flat: true
            text: qsTr("Cancel")
            Accessible.name: qsTr("Cancel the addendum")
            onClicked: {
                addendumText.clear()
                section.composing = false
            }
        }
        Button {
            objectName: "signAddendum"
            Layout.fillWidth: true
            Layout.minimumHeight: 48
            highlighted: true
            enabled: addendumText.text.trim().length > 0 && !section.capture.busy
            text: qsTr("Sign addendum")
            Accessible.name: qsTr("Sign the addendum")
            onClicked: section.addenda.add(addendumText.text)
        }
    }
    Connections {
        target: section.capture
        // Opened for an office task asking for an addendum: the editor is ready.
        function onSessionOpened() {
            addendumText.clear()
            section.composing = section.capture.addendumRequested
            if (section.composing) {
                addendumText.forceActiveFocus()
            }
        }
        function onAddendumSigned() {
            addendumText.clear()
            section.composing = false
        }
    }
}
