// SPDX-License-Identifier: Apache-2.0
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Sessionbook.App
import Sessionbook.Components

// Under the Today title: what waits to sync, when it last worked, and what needs attention
// (offline, clock skew, sign-in). Tapping "Sync now" or "Connect" acts at once.
ColumnLayout {
    id: header
    required property SyncStatus sync
    required property EnrollmentController enrollment
    /// Called for "Sync now".
    signal syncRequested()
    spacing: 4

    RowLayout {
        Layout.fillWidth: true
        spacing: 8
        Label {
            objectName: "syncSummary"
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            maximumLineCount: 3
            elide: Text.ElideRight
            font.pixelSize: Type.small
            text: !header.sync.connected
                  ? (header.sync.pendingCount > 0
                     ? qsTr("Not connected · %n waiting on this device", "", header.sync.pendingCount)
                     : qsTr("Not connected to the office"))
                  : header.sync.syncing
                    ? qsTr("Syncing…")
                    : header.sync.pendingCount > 0
                      ? qsTr("%n to sync · %1", "", header.sync.pendingCount).arg(header.sync.lastSuccessText)
                      : qsTr("All synced · %1").arg(header.sync.lastSuccessText)
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
        Button {
            id: action
            objectName: "syncAction"
            Layout.preferredHeight: Math.max(48, implicitHeight)
            flat: true
            readonly property bool enroll: !header.sync.connected || header.sync.signInRequired
            visible: action.enroll || !header.sync.syncing
            text: !header.sync.connected ? qsTr("Connect")
                  : header.sync.signInRequired ? qsTr("Sign in") : qsTr("Sync now")
            Accessible.name: action.enroll ? qsTr("Connect this device to the office")
                                    : qsTr("Sync now")
            onClicked: action.enroll ? header.enrollment.reopen() : header.syncRequested()
        }
    }
    Flow {
        Layout.fillWidth: true
        spacing: 6
        visible: header.sync.signInRequired || header.sync.offline || header.sync.clockSkewed
        Repeater {
            model: 3
            delegate: Rectangle {
                id: badge
                required property int index
                objectName: "syncBadge" + index
                // Sign-in, and failures that retrying does not cure, are red; the rest amber.
                readonly property bool blocking: index === 0
                    || (index === 1 && (header.sync.error.kind === AppError.CertificateMismatch
                                        || header.sync.error.kind === AppError.ServerRefused
                                        || header.sync.error.kind === AppError.UpdateRequired))
                readonly property string text: index === 0
                    ? qsTr("Sign in again to sync; sessions are kept")
                    : index === 1 ? ErrorWords.text(header.sync.error)
                                  : qsTr("Device clock is off; check date and time")
                visible: index === 0 ? header.sync.signInRequired
                                     : index === 1 ? header.sync.offline : header.sync.clockSkewed
                implicitWidth: badgeLabel.width + 16
                implicitHeight: Math.max(24, badgeLabel.implicitHeight + 8)
                radius: Math.min(height / 2, 12)
                color: badge.blocking ? Material.color(Material.Red, Material.Shade100)
                                      : Material.color(Material.Amber, Material.Shade100)
                Accessible.role: Accessible.AlertMessage
                Accessible.name: badge.text
                Label {
                    id: badgeLabel
                    anchors.centerIn: parent
                    // Wraps rather than running off a phone at large text sizes.
                    width: Math.min(implicitWidth, header.width - 16)
                    wrapMode: Text.WordWrap
                    horizontalAlignment: Text.AlignHCenter
                    text: badge.text
                    font.pixelSize: Type.small
                    color: badge.blocking ? Material.color(Material.Red, Material.Shade900)
                                          : Material.color(Material.Brown, Material.Shade800)
                }
            }
        }
    }
}
