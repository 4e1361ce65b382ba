// SPDX-License-Identifier: Apache-2.0
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Sessionbook.App
import Sessionbook.Components

// The note: SOAP, DAP or BIRP sections on a tap, saved a second after typing stops and when
// the screen is left. Read-only once the session is signed.
ColumnLayout {
    id: section
    required property SessionController capture
    readonly property CaptureNote note: capture.note
    readonly property bool editable: capture.editable
    spacing: 4

    RowLayout {
        Layout.fillWidth: true
        SectionHeader {
            text: qsTr("Note")
        }
        Label {
            objectName: "noteStatus"
            opacity: 0.7
            font.pixelSize: Type.caption
            text: section.editable ? section.note.status : qsTr("Signed, read-only")
        }
    }
    Flow {
        Layout.fillWidth: true
        visible: section.editable
        spacing: 8
        Repeater {
            model: ["SOAP", "DAP", "BIRP"]
            Button {
                id: templateButton
                required property string modelData
                height: Math.max(48, implicitHeight)
                flat: true
                highlighted: section.note.templateName === templateButton.modelData
                text: templateButton.modelData
                Accessible.name: qsTr("Insert %1 sections").arg(templateButton.modelData)
                onClicked: section.note.applyTemplate(templateButton.modelData)
            }
        }
    }
    TextArea {
        id: noteArea
        objectName: "noteArea"
        Layout.fillWidth: true
        Layout.minimumHeight: 160
        readOnly: !section.editable
        wrapMode: TextEdit.Wrap
        text: section.note.text
        placeholderText: qsTr("Write the note, or insert a template.")
        // PHI: keyboards must not learn it, suggest it or send it to a cloud dictionary.
        inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
        Accessible.name: qsTr("Session note")
        onTextChanged: if (!readOnly) section.note.setText(text)
        onActiveFocusChanged: if (!activeFocus) section.note.flush()
    }
}
