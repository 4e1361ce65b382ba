// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Sessionbook.App
import Sessionbook.Components

// First run, after the passcode: connect this device to the office's sync server with the
// enrollment link the office gave (or the address, code and fingerprint typed separately).
Page {
    id: page
    required property EnrollmentController enrollment
    readonly property bool working: enrollment.state === EnrollmentController.Enrolling
    property bool manual: false

    function submit() {
        if (page.manual)
            page.enrollment.enroll(server.text, code.text, pin.text)
        else
            page.enrollment.enrollWithLink(link.text)
    }

    Flickable {
        anchors.fill: parent
        contentHeight: column.implicitHeight + 48
        clip: true

        ColumnLayout {
            id: column
            anchors.horizontalCenter: parent.horizontalCenter
            y: Math.max(24, (page.height - implicitHeight) / 2)
            width: Math.min(page.width - 48, 420)
            spacing: 16

            Label {
                Layout.fillWidth: true
                text: qsTr("Connect to your office")
                font.pixelSize: Type.headline
                color: Material.primary
                wrapMode: Text.WordWrap
            }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                opacity: 0.85
                text: qsTr("Paste the enrollment link from your practice or billing office. "
                           + "Signed sessions are sent to the office from then on; until then "
                           + "they wait safely on this device.")
            }
            TabBar {
                id: tabs
                Layout.fillWidth: true
                currentIndex: page.manual ? 1 : 0
                onCurrentIndexChanged: page.manual = currentIndex === 1
                TabButton {
                    text: qsTr("Link")
                    height: Math.max(48, implicitHeight)
                    Accessible.name: qsTr("Enroll with a link")
                }
                TabButton {
                    text: qsTr("Code")
                    height: Math.max(48, implicitHeight)
                    Accessible.name: qsTr("Enroll with the server address and a code")
                }
            }
            TextArea {
                id: link
                objectName: "enrollLink"
                Layout.fillWidth: true
                Layout.minimumHeight: 96
                visible: !page.manual
                enabled: !page.working
                wrapMode: TextEdit.WrapAnywhere
                placeholderText: qsTr("sessionbook://enroll?server=…&code=…")
                text: page.enrollment.suggestedLink
                inputMethodHints: Qt.ImhNoPredictiveText | Qt.ImhNoAutoUppercase | Qt.ImhUrlCharactersOnly
                Accessible.name: qsTr("Enrollment link")
            }
            TextField {
                id: server
                objectName: "enrollServer"
                Layout.fillWidth: true
                Layout.preferredHeight: Math.max(56, implicitHeight)
                visible: page.manual
                enabled: !page.working
                placeholderText: qsTr("Server, e.g. https://office.example:8443")
                inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
                Accessible.name: qsTr("Server address")
            }
            TextField {
                id: code
                objectName: "enrollCode"
                Layout.fillWidth: true
                Layout.preferredHeight: Math.max(56, implicitHeight)
                visible: page.manual
                enabled: !page.working
                placeholderText: qsTr("One-time code")
                inputMethodHints: Qt.ImhNoPredictiveText | Qt.ImhNoAutoUppercase
                Accessible.name: qsTr("One-time code")
            }
            TextField {
                id: pin
                objectName: "enrollPin"
                Layout.fillWidth: true
                Layout.preferredHeight: Math.max(56, implicitHeight)
                visible: page.manual
                enabled: !page.working
                placeholderText: qsTr("Server key fingerprint")
                inputMethodHints: Qt.ImhNoPredictiveText | Qt.ImhNoAutoUppercase
                Accessible.name: qsTr("Server key fingerprint, SHA-256")
            }
            Button {
                objectName: "enrollSubmit"
                Layout.fillWidth: true
                Layout.preferredHeight: Math.max(56, implicitHeight)
                highlighted: true
                enabled: !page.working
                text: qsTr("Connect")
                Accessible.name: qsTr("Connect this device to the office")
                onClicked: page.submit()
            }
            BusyIndicator {
                Layout.alignment: Qt.AlignHCenter
                running: page.working
                visible: running
                Accessible.name: qsTr("Connecting")
            }
            Label {
                objectName: "enrollError"
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                visible: text.length > 0
                color: Material.color(Material.Red)
                text: ErrorWords.text(page.enrollment.error)
                Accessible.role: Accessible.AlertMessage
                Accessible.name: text
            }
            Button {
                objectName: "enrollSkip"
                Layout.fillWidth: true
                Layout.preferredHeight: Math.max(48, implicitHeight)
                flat: true
                enabled: !page.working
                text: qsTr("Not now, work offline")
                Accessible.name: qsTr("Skip enrollment and work offline")
                onClicked: page.enrollment.skip()
            }
        }
    }
}
