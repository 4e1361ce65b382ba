// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Sessionbook.App
import Sessionbook.Components

// First run: choose a passcode. Later: unlock. The key derivation runs off the GUI thread.
Page {
    id: page
    required property LockController lock
    readonly property bool firstRun: lock.state === LockController.FirstRun
    readonly property bool working: lock.state === LockController.Unlocking

    function submit() {
        if (page.firstRun)
            page.lock.choosePasscode(passcode.text, confirmation.text)
        else
            page.lock.unlock(passcode.text)
        passcode.clear()
        confirmation.clear()
    }

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(page.width - 48, 360)
        spacing: 16

        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Sessionbook")
            font.pixelSize: Type.display
            color: Material.primary
        }
        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: page.firstRun
                  ? qsTr("Choose a passcode. It protects every note on this device.")
                  : qsTr("Enter your passcode to unlock.")
        }
        TextField {
            id: passcode
            objectName: "passcode"
            Layout.fillWidth: true
            Layout.preferredHeight: Math.max(56, implicitHeight)
            placeholderText: qsTr("Passcode")
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText | Qt.ImhHiddenText
            enabled: !page.working && page.lock.retryAfterSeconds === 0
            Accessible.name: qsTr("Passcode")
            onAccepted: page.firstRun ? confirmation.forceActiveFocus() : page.submit()
        }
        Label {
            objectName: "passcodeRule"
            Layout.fillWidth: true
            visible: page.firstRun
            wrapMode: Text.WordWrap
            font.pixelSize: Type.caption
            // The rule the last choice broke is shown in red (the kind, not only a sentence).
            readonly property bool broken:
                page.lock.passcodeProblem === LockController.PasscodeTooShort
                || page.lock.passcodeProblem === LockController.PasscodeRepetitive
                || page.lock.passcodeProblem === LockController.PasscodeSequential
            color: broken ? Material.color(Material.Red) : Material.foreground
            text: qsTr("At least 6 characters, not a repeat (000000) or a run (123456).")
        }
        TextField {
            id: confirmation
            objectName: "confirmation"
            Layout.fillWidth: true
            Layout.preferredHeight: Math.max(56, implicitHeight)
            visible: page.firstRun
            placeholderText: qsTr("Repeat passcode")
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText | Qt.ImhHiddenText
            enabled: !page.working
            Accessible.name: qsTr("Repeat passcode")
            onAccepted: page.submit()
        }
        Button {
            objectName: "submit"
            Layout.fillWidth: true
            Layout.preferredHeight: Math.max(56, implicitHeight)
            highlighted: true
            enabled: !page.working && page.lock.retryAfterSeconds === 0
            text: page.firstRun ? qsTr("Set passcode") : qsTr("Unlock")
            Accessible.name: text
            onClicked: page.submit()
        }
        BusyIndicator {
            Layout.alignment: Qt.AlignHCenter
            running: page.working
            visible: running
        }
        Label {
            objectName: "lockError"
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            visible: text.length > 0
            color: Material.color(Material.Red)
            text: page.lock.retryAfterSeconds > 0
                  ? qsTr("%1 Try again in %n second(s).", "", page.lock.retryAfterSeconds)
                        .arg(ErrorWords.text(page.lock.error))
                  : ErrorWords.text(page.lock.error)
            Accessible.role: Accessible.AlertMessage
            Accessible.name: text
        }
        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            visible: page.lock.keystoreIsFake
            font.pixelSize: Type.caption
            color: Material.color(Material.Orange)
            text: qsTr("Key storage: %1").arg(page.lock.keystoreName)
        }
    }
}
