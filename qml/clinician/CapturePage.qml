// SPDX-License-Identifier: Apache-2.0
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Sessionbook.App
import Sessionbook.Components

// The capture screen: the timer (every tap is stored at once; the hint shows what the minutes
// bill), session details, diagnoses, the note, the readiness checklist before signing and,
// once signed, addenda. Sections live in their own files.
Page {
    id: page
    required property SessionController capture
    property bool showBack: true
    readonly property int phase: capture.phase

    /// Back to Today: an unsigned, stopped session first shows what is still missing.
    function leave() {
        if (page.phase === SessionController.Stopped) {
            leaveDialog.open()
        } else {
            page.capture.close()
        }
    }

    header: ToolBar {
        Material.foreground: "white"
        RowLayout {
            anchors.fill: parent
            spacing: 8
            ToolButton {
                visible: page.showBack
                enabled: page.phase !== SessionController.Running
                         && page.phase !== SessionController.Paused
                text: qsTr("‹ Today")
                Layout.preferredHeight: Math.max(48, implicitHeight)
                Accessible.name: qsTr("Back to today")
                onClicked: page.leave()
            }
            Label {
                Layout.fillWidth: true
                Layout.leftMargin: page.showBack ? 0 : 16
                elide: Text.ElideRight
                font.pixelSize: Type.title
                font.weight: Font.Medium
                text: page.phase === SessionController.Idle ? qsTr("Session")
                                                            : page.capture.patientName
            }
            // Tablet: the pane beside Today has no back button; this leaves the session the
            // same way (asking first when it is stopped but unsigned).
            ToolButton {
                objectName: "closeSession"
                visible: !page.showBack && page.phase !== SessionController.Idle
                enabled: page.phase !== SessionController.Running
                         && page.phase !== SessionController.Paused
                text: qsTr("Close")
                Layout.preferredHeight: Math.max(48, implicitHeight)
                Layout.minimumWidth: 48
                Layout.rightMargin: 8
                Accessible.name: qsTr("Close this session")
                onClicked: page.leave()
            }
        }
    }

    Label {
        anchors.centerIn: parent
        width: Math.min(parent.width - 32, 420)
        wrapMode: Text.WordWrap
        horizontalAlignment: Text.AlignHCenter
        visible: page.phase === SessionController.Idle
        opacity: 0.7
        text: qsTr("Open one of today's sessions, or choose a patient to start one.")
    }

    ScrollView {
        id: scroll
        objectName: "captureScroll"
        anchors.fill: parent
        visible: page.phase !== SessionController.Idle
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            id: column
            x: Math.max(16, (scroll.availableWidth - width) / 2)
            width: Math.min(scroll.availableWidth - 32, 640)
            spacing: 16

            Item {
                Layout.preferredHeight: 8
            }
            TimerDisplay {
                Layout.fillWidth: true
                elapsed: page.capture.timer.elapsedText
                caption: page.capture.codingHint
            }
            Label {
                objectName: "phaseText"
                Layout.fillWidth: true
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: {
                    switch (page.phase) {
                    case SessionController.Running: return qsTr("Running")
                    case SessionController.Paused: return qsTr("Paused")
                    case SessionController.Stopped:
                        return page.capture.readiness.blockingCount > 0
                               ? qsTr("Stopped · %n item(s) to resolve before signing", "",
                                      page.capture.readiness.blockingCount)
                               : qsTr("Stopped · ready to sign")
                    case SessionController.Signed: return qsTr("Signed")
                    default: return ""
                    }
                }
                color: Material.accent
            }
            RowLayout {
                Layout.fillWidth: true
                spacing: 12
                Button {
                    objectName: "pauseResume"
                    Layout.fillWidth: true
                    Layout.preferredHeight: Math.max(56, implicitHeight)
                    visible: page.phase === SessionController.Running
                             || page.phase === SessionController.Paused
                    text: page.phase === SessionController.Paused ? qsTr("Resume") : qsTr("Pause")
                    Accessible.name: text
                    onClicked: page.phase === SessionController.Paused ? page.capture.timer.resume()
                                                                       : page.capture.timer.pause()
                }
                Button {
                    objectName: "stop"
                    Layout.fillWidth: true
                    Layout.preferredHeight: Math.max(56, implicitHeight)
                    visible: page.phase === SessionController.Running
                             || page.phase === SessionController.Paused
                    highlighted: true
                    text: qsTr("Stop")
                    Accessible.name: qsTr("Stop the session")
                    onClicked: page.capture.timer.stop()
                }
                Button {
                    objectName: "sign"
                    Layout.fillWidth: true
                    Layout.preferredHeight: Math.max(56, implicitHeight)
                    visible: page.phase === SessionController.Stopped
                    highlighted: true
                    enabled: page.capture.canSign
                    text: qsTr("Sign")
                    Accessible.name: qsTr("Sign the session")
                    onClicked: page.capture.sign()
                }
                Button {
                    Layout.fillWidth: true
                    Layout.preferredHeight: Math.max(56, implicitHeight)
                    visible: page.phase === SessionController.Signed
                    text: qsTr("Done")
                    Accessible.name: qsTr("Done, back to today")
                    onClicked: page.capture.close()
                }
            }
            Label {
                objectName: "captureError"
                Layout.fillWidth: true
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
                visible: text.length > 0
                color: Material.color(Material.Red)
                text: ErrorWords.text(page.capture.error)
            }
            ReadinessSection {
                Layout.fillWidth: true
                visible: page.phase === SessionController.Stopped
                capture: page.capture
            }
            AddendaSection {
                Layout.fillWidth: true
                visible: page.phase === SessionController.Signed
                capture: page.capture
            }
            DetailsSection {
                Layout.fillWidth: true
                capture: page.capture
            }
            DiagnosisSection {
                Layout.fillWidth: true
                capture: page.capture
            }
            NoteSection {
                Layout.fillWidth: true
                capture: page.capture
            }
            ReadinessSection {
                Layout.fillWidth: true
                visible: page.phase === SessionController.Running
                         || page.phase === SessionController.Paused
                capture: page.capture
            }
            Item {
                Layout.preferredHeight: 24
            }
        }
    }

    Dialog {
        id: leaveDialog
        objectName: "leaveDialog"
        parent: Overlay.overlay
        anchors.centerIn: parent
        width: 340
        modal: true
        title: qsTr("Leave without signing?")
        contentItem: Label {
            wrapMode: Text.WordWrap
            text: page.capture.readiness.blockingCount > 0
                  ? qsTr("The draft is saved. %n item(s) still block signing.", "",
                         page.capture.readiness.blockingCount)
                  : qsTr("The draft is saved and ready to sign.")
        }
        footer: DialogButtonBox {
            Button {
                objectName: "leaveStay"
                text: qsTr("Stay")
                flat: true
                Accessible.name: qsTr("Stay on this session")
                // Qt 6.4's qmltypes lack the ButtonRole enum on DialogButtonBox (it is
                // QPlatformDialogHelper's); it resolves at run time.
                // qmllint disable
                DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
                // qmllint enable
            }
            Button {
                objectName: "leaveConfirm"
                text: qsTr("Leave")
                flat: true
                Accessible.name: qsTr("Leave, keep the draft")
                // Qt 6.4's qmltypes lack the ButtonRole enum on DialogButtonBox (it is
                // QPlatformDialogHelper's); it resolves at run time.
                // qmllint disable
                DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
                // qmllint enable
            }
        }
        onAccepted: page.capture.close()
    }
}
