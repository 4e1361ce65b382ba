// SPDX-License-Identifier: Apache-2.0
pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Sessionbook.Components

// One row of Today: a session seen today (name, time, minutes, state; a signed one's status)
// or a caseload patient (name), each with its denial warnings. TodayPage's delegate; the
// roles arrive as required properties, the taps leave as signals.
ItemDelegate {
    id: row
    required property string patientId
    required property string patientName
    required property string time
    required property int minutes
    required property bool signed
    required property var warnings
    required property bool blocking
    required property bool seenToday
    required property string sessionId
    required property string status
    required property string stateText
    /// The session open on the capture screen.
    property bool current: false

    signal openRequested()
    signal startRequested()
    signal statusRequested()

    objectName: seenToday ? "sessionRow" : "caseloadRow"
    width: ListView.view ? ListView.view.width : implicitWidth
    height: Math.max(72, content.implicitHeight + 24)
    highlighted: current
    Accessible.name: seenToday
                     ? qsTr("%1, session at %2, %3, open it").arg(patientName).arg(time)
                           .arg(stateText)
                     : qsTr("%1, start a session").arg(patientName)
    onClicked: seenToday ? openRequested() : startRequested()

    ColumnLayout {
        id: content
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.leftMargin: 16
        anchors.rightMargin: 16
        spacing: 6
        // Name and time side by side while both fit; at large text sizes the time goes under
        // the name instead of squeezing it. Placed by bindings, not by a GridLayout whose
        // column count follows the width: when the width arrived during the layout's own
        // pass, Qt 6.4 kept the stale one-column placement (and an earlier maximum width of
        // 0), and some rows showed the name alone.
        Item {
            id: nameAndMeta
            readonly property bool stacked: row.seenToday
                                            && nameLabel.implicitWidth + spacing
                                               + metaLabel.implicitWidth > width
            readonly property real spacing: 8
            Layout.fillWidth: true
            implicitWidth: nameLabel.implicitWidth
                           + (row.seenToday ? spacing + metaLabel.implicitWidth : 0)
            implicitHeight: !row.seenToday ? nameLabel.implicitHeight
                            : stacked ? nameLabel.implicitHeight + 2 + metaLabel.implicitHeight
                                      : Math.max(nameLabel.implicitHeight,
                                                 metaLabel.implicitHeight)
            Label {
                id: nameLabel
                objectName: "rowName"
                width: row.seenToday && !nameAndMeta.stacked
                       ? Math.max(0, parent.width - nameAndMeta.spacing - metaLabel.width)
                       : parent.width
                y: nameAndMeta.stacked ? 0 : (parent.height - height) / 2
                text: row.patientName
                font.pixelSize: Type.subtitle
                elide: Text.ElideRight
            }
            Label {
                id: metaLabel
                objectName: "rowMeta"
                visible: row.seenToday
                width: Math.min(implicitWidth, parent.width)
                x: nameAndMeta.stacked ? 0 : parent.width - width
                y: nameAndMeta.stacked ? nameLabel.height + 2 : (parent.height - height) / 2
                elide: Text.ElideRight
                opacity: 0.7
                text: qsTr("%1 · %2 min · %3").arg(row.time).arg(row.minutes)
                                                .arg(row.stateText)
            }
        }
        Button {
            objectName: "statusButton"
            visible: row.signed
            Layout.preferredHeight: Math.max(48, implicitHeight)
            flat: true
            leftPadding: 0
            font.capitalization: Font.MixedCase
            text: row.status.length > 0 ? qsTr("Status: %1 ›").arg(row.status)
                                        : qsTr("Status ›")
            Accessible.name: qsTr("Show the status of %1's session").arg(row.patientName)
            onClicked: row.statusRequested()
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
