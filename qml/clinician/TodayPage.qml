// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Sessionbook.App
import Sessionbook.Components

// Today's sessions first, then the rest of the caseload, each with denial warnings.
Page {
    id: page
    required property LockController lock
    required property TodayModel today
    required property SessionController capture
    required property SyncStatus sync

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
                    font.pixelSize: 20
                    font.weight: Font.Medium
                }
                Label {
                    Layout.fillWidth: true
                    elide: Text.ElideRight
                    font.pixelSize: 12
                    opacity: 0.85
                    text: page.sync.connected
                          ? qsTr("%1 · %n change(s) to sync", "", page.sync.pendingCount)
                                .arg(page.lock.clinicianName)
                          : qsTr("%1 · sync not connected").arg(page.lock.clinicianName)
                }
            }
            ToolButton {
                text: qsTr("Lock")
                Layout.preferredHeight: 48
                Accessible.name: qsTr("Lock the app")
                onClicked: page.lock.lock()
            }
        }
    }

    ListView {
        id: list
        objectName: "todayList"
        anchors.fill: parent
        model: page.today
        clip: true
        section.property: "seenToday"
        section.delegate: Label {
            required property string section
            width: ListView.view.width
            padding: 16
            bottomPadding: 4
            font.pixelSize: 13
            font.weight: Font.Medium
            color: Material.accent
            text: section === "true" ? qsTr("Seen today") : qsTr("Caseload")
        }
        delegate: ItemDelegate {
            id: row
            required property string patientId
            required property string patientName
            required property string time
            required property int minutes
            required property bool signed
            required property var warnings
            required property bool blocking
            required property bool seenToday
            width: ListView.view.width
            height: Math.max(72, content.implicitHeight + 24)
            enabled: page.capture.phase === SessionController.Idle
                     || page.capture.phase === SessionController.Signed
                     || page.capture.phase === SessionController.Stopped
            Accessible.name: qsTr("%1, start a session").arg(patientName)
            onClicked: {
                page.capture.close()
                page.capture.start(patientId, patientName)
            }

            ColumnLayout {
                id: content
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.verticalCenter: parent.verticalCenter
                anchors.leftMargin: 16
                anchors.rightMargin: 16
                spacing: 6
                RowLayout {
                    Layout.fillWidth: true
                    Label {
                        Layout.fillWidth: true
                        text: row.patientName
                        font.pixelSize: 17
                        elide: Text.ElideRight
                    }
                    Label {
                        visible: row.seenToday
                        opacity: 0.7
                        text: row.signed ? qsTr("%1 · %2 min · signed").arg(row.time).arg(row.minutes)
                                         : qsTr("%1 · %2 min · draft").arg(row.time).arg(row.minutes)
                    }
                }
                Flow {
                    Layout.fillWidth: true
                    spacing: 6
                    visible: row.warnings.length > 0
                    Repeater {
                        model: row.warnings
                        WarningChip {
                            required property string modelData
                            text: modelData
                            blocking: row.blocking
                        }
                    }
                }
            }
        }
        Label {
            anchors.centerIn: parent
            visible: list.count === 0 && !page.today.loading
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
