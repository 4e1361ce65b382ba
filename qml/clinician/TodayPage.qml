// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Sessionbook.App
import Sessionbook.Components

// Today's sessions first (tap one to continue a draft or to read a signed one and add an
// addendum), then the caseload (tap a patient to start a session), each with denial warnings.
Page {
    id: page
    required property LockController lock
    required property TodayModel today
    required property SessionController capture
    required property SyncStatus sync
    required property EnrollmentController enrollment
    required property TaskModel tasks
    required property SessionTrailModel trail
    required property TextScale textScale

    /// A tapped office task opens its session on the capture screen, ready for an addendum;
    /// while another session's timer runs, its status sheet instead.
    function openTask(sessionId, patientName) {
        if (page.capture.phase === SessionController.Running
                || page.capture.phase === SessionController.Paused) {
            page.trail.load(sessionId, patientName)
        } else {
            page.capture.openForAddendum(sessionId)
        }
    }

    Component.onCompleted: page.tasks.sessionRequested.connect(page.openTask)

    // The settings menu's choices, one each: tapping the checked item keeps it checked.
    ButtonGroup { id: idleChoices }
    ButtonGroup { id: textSizeChoices }

    header: ToolBar {
        Material.foreground: "white"
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 16
            spacing: 8
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 0
                Label {
                    text: qsTr("Today")
                    font.pixelSize: Type.title
                    font.weight: Font.Medium
                }
                Label {
                    Layout.fillWidth: true
                    elide: Text.ElideRight
                    font.pixelSize: Type.caption
                    opacity: 0.85
                    visible: text.length > 0
                    text: page.lock.clinicianName
                }
            }
            ToolButton {
                text: qsTr("Lock")
                Layout.preferredHeight: Math.max(48, implicitHeight)
                Accessible.name: qsTr("Lock the app")
                onClicked: page.lock.lock()
            }
            ToolButton {
                id: settingsButton
                objectName: "settingsButton"
                text: "⋮"
                Layout.preferredHeight: Math.max(48, implicitHeight)
                Layout.preferredWidth: 48
                Accessible.name: qsTr("Settings")
                onClicked: settingsMenu.open()

                // The idle auto-lock and the text size (device settings kept across restarts).
                Menu {
                    id: settingsMenu
                    objectName: "settingsMenu"
                    y: settingsButton.height
                    // Material's menu is 200 px wide; wider with larger text, so that
                    // "Lock when idle for" is not cut short.
                    width: Math.min(page.width - 16, Math.max(implicitWidth, Type.scaled(200)))
                    MenuItem {
                        enabled: false
                        text: qsTr("Lock when idle for")
                        Accessible.name: text
                    }
                    MenuItem {
                        ButtonGroup.group: idleChoices
                        checkable: true
                        checked: page.lock.idleTimeoutSeconds === 1 * 60
                        text: qsTr("%n minute(s)", "", 1)
                        Accessible.name: qsTr("Lock after %n idle minute(s)", "", 1)
                        onTriggered: page.lock.idleTimeoutSeconds = 1 * 60
                    }
                    MenuItem {
                        ButtonGroup.group: idleChoices
                        checkable: true
                        checked: page.lock.idleTimeoutSeconds === 2 * 60
                        text: qsTr("%n minute(s)", "", 2)
                        Accessible.name: qsTr("Lock after %n idle minute(s)", "", 2)
                        onTriggered: page.lock.idleTimeoutSeconds = 2 * 60
                    }
                    MenuItem {
                        ButtonGroup.group: idleChoices
                        checkable: true
                        checked: page.lock.idleTimeoutSeconds === 5 * 60
                        text: qsTr("%n minute(s)", "", 5)
                        Accessible.name: qsTr("Lock after %n idle minute(s)", "", 5)
                        onTriggered: page.lock.idleTimeoutSeconds = 5 * 60
                    }
                    MenuItem {
                        ButtonGroup.group: idleChoices
                        checkable: true
                        checked: page.lock.idleTimeoutSeconds === 10 * 60
                        text: qsTr("%n minute(s)", "", 10)
                        Accessible.name: qsTr("Lock after %n idle minute(s)", "", 10)
                        onTriggered: page.lock.idleTimeoutSeconds = 10 * 60
                    }
                    MenuItem {
                        ButtonGroup.group: idleChoices
                        checkable: true
                        checked: page.lock.idleTimeoutSeconds === 15 * 60
                        text: qsTr("%n minute(s)", "", 15)
                        Accessible.name: qsTr("Lock after %n idle minute(s)", "", 15)
                        onTriggered: page.lock.idleTimeoutSeconds = 15 * 60
                    }
                    MenuSeparator {}
                    MenuItem {
                        enabled: false
                        text: qsTr("Text size")
                        Accessible.name: text
                    }
                    MenuItem {
                        ButtonGroup.group: textSizeChoices
                        checkable: true
                        checked: page.textScale.step === TextScale.Default
                        text: qsTr("Default")
                        Accessible.name: qsTr("Default text")
                        onTriggered: page.textScale.step = TextScale.Default
                    }
                    MenuItem {
                        ButtonGroup.group: textSizeChoices
                        checkable: true
                        checked: page.textScale.step === TextScale.Large
                        text: qsTr("Large")
                        Accessible.name: qsTr("Large text")
                        onTriggered: page.textScale.step = TextScale.Large
                    }
                    MenuItem {
                        ButtonGroup.group: textSizeChoices
                        checkable: true
                        checked: page.textScale.step === TextScale.Larger
                        text: qsTr("Larger")
                        Accessible.name: qsTr("Larger text")
                        onTriggered: page.textScale.step = TextScale.Larger
                    }
                    MenuItem {
                        ButtonGroup.group: textSizeChoices
                        checkable: true
                        checked: page.textScale.step === TextScale.Largest
                        text: qsTr("Largest")
                        Accessible.name: qsTr("Largest text")
                        onTriggered: page.textScale.step = TextScale.Largest
                    }
                }
            }
        }
    }

    SyncHeader {
        id: syncHeader
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.leftMargin: 16
        anchors.rightMargin: 8
        anchors.topMargin: 4
        sync: page.sync
        enrollment: page.enrollment
        onSyncRequested: page.sync.requestSync()
    }

    ListView {
        id: list
        objectName: "todayList"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.top: syncHeader.bottom
        anchors.topMargin: 4
        model: page.today
        clip: true
        // The header, rows and footer below are components that use the page's id. qmllint 6.4
        // calls that unqualified unless the file says `pragma ComponentBehavior: Bound`, and
        // with that pragma Qt 6.4 cannot build this page's Menu ("invalid context"). So: no
        // pragma here, and no unqualified-access warnings for the list's components.
        // qmllint disable unqualified
        header: ColumnLayout {
            width: ListView.view.width
            spacing: 0
            visible: page.tasks.count > 0
            height: visible ? implicitHeight : 0
            Label {
                Layout.fillWidth: true
                padding: 16
                bottomPadding: 4
                font.pixelSize: Type.small
                font.weight: Font.Medium
                color: Material.color(Material.DeepOrange)
                text: qsTr("From the office")
            }
            Repeater {
                model: page.tasks
                delegate: ItemDelegate {
                    id: task
                    required property int index
                    required property string title
                    required property string message
                    required property string patientName
                    required property string createdText
                    required property string sessionId
                    Layout.fillWidth: true
                    Layout.minimumHeight: 64
                    enabled: sessionId.length > 0
                    Accessible.name: qsTr("%1 for %2: %3").arg(title).arg(patientName).arg(message)
                    onClicked: page.tasks.open(task.index)
                    contentItem: ColumnLayout {
                        spacing: 2
                        Label {
                            Layout.fillWidth: true
                            elide: Text.ElideRight
                            font.weight: Font.Medium
                            text: task.patientName.length > 0
                                  ? qsTr("%1 · %2").arg(task.title).arg(task.patientName)
                                  : task.title
                        }
                        Label {
                            Layout.fillWidth: true
                            wrapMode: Text.WordWrap
                            maximumLineCount: 2
                            elide: Text.ElideRight
                            opacity: 0.75
                            font.pixelSize: Type.small
                            text: task.createdText.length > 0
                                  ? qsTr("%1 · %2").arg(task.createdText).arg(task.message)
                                  : task.message
                        }
                    }
                }
            }
        }
        section.property: "seenToday"
        section.delegate: Label {
            required property string section
            width: ListView.view.width
            padding: 16
            bottomPadding: 4
            font.pixelSize: Type.small
            font.weight: Font.Medium
            color: Material.accent
            text: section === "true" ? qsTr("Today's sessions") : qsTr("Caseload")
        }
        delegate: TodayRow {
            current: seenToday && page.capture.sessionId === sessionId
            enabled: current
                     || page.capture.phase === SessionController.Idle
                     || page.capture.phase === SessionController.Signed
                     || page.capture.phase === SessionController.Stopped
            onOpenRequested: page.capture.open(sessionId)
            onStartRequested: {
                page.capture.close()
                page.capture.start(patientId, patientName)
            }
            onStatusRequested: page.trail.load(sessionId, patientName)
        }
        // A read the store refused ends the list short: say so, and offer to read it again.
        footer: ColumnLayout {
            width: ListView.view.width
            spacing: 4
            visible: page.today.errorText.length > 0
            height: visible ? implicitHeight + 16 : 0
            Label {
                objectName: "todayErrorLabel"
                Layout.fillWidth: true
                Layout.leftMargin: 16
                Layout.rightMargin: 16
                Layout.topMargin: 8
                wrapMode: Text.WordWrap
                color: Material.color(Material.Red)
                text: page.today.errorText
            }
            Button {
                objectName: "todayRetryButton"
                Layout.leftMargin: 8
                Layout.preferredHeight: Math.max(48, implicitHeight)
                flat: true
                text: qsTr("Try again")
                Accessible.name: qsTr("Read today's list again")
                onClicked: page.today.reload()
            }
        }
        // qmllint enable unqualified
        Label {
            anchors.centerIn: parent
            visible: list.count === 0 && !page.today.loading && page.today.errorText.length === 0
            text: qsTr("No patients for today.")
            opacity: 0.7
        }
        BusyIndicator {
            anchors.centerIn: parent
            running: page.today.loading
            visible: running
        }
    }
}
