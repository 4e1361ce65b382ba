// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Sessionbook.App
import Sessionbook.Components

// The clinician app's window. Controllers come in as required properties from the
// composition root (app/clinician/clinicianapp.cpp); no context properties, no global
// instances.
ApplicationWindow {
    id: window
    required property LockController lock
    required property TodayModel today
    required property SessionController capture
    required property SyncStatus sync
    required property EnrollmentController enrollment
    required property TaskModel tasks
    required property SessionTrailModel trail
    required property TextScale textScale
    /// Dark theme (follows the system when the composition root says so).
    property bool dark: false
    /// False only while rendering screenshots of the normal screens.
    property bool coverWhenInactive: true
    readonly property bool wide: width >= 720
    readonly property bool unlocked: lock.state === LockController.Unlocked
    readonly property bool enrolling: unlocked
                                      && (enrollment.state === EnrollmentController.Needed
                                          || enrollment.state === EnrollmentController.Enrolling)

    width: 390
    height: 844
    visible: true
    title: qsTr("Sessionbook")
    Material.theme: dark ? Material.Dark : Material.Light
    Material.primary: Material.Teal
    Material.accent: Material.Teal
    // Controls' own text (buttons, fields, menu items) follows the text-size preference; the
    // QML's explicit sizes come from the same Type tokens.
    font.pixelSize: Type.body

    Binding {
        target: Type
        property: "factor"
        value: window.textScale.factor
    }

    // The pages below are inline components of Loaders and use the window's ids. qmllint 6.4
    // calls that unqualified unless the file says `pragma ComponentBehavior: Bound`, but with
    // that pragma Qt 6.4's Loader refuses to instantiate them ("outside its creation
    // context"). So: no pragma, and no unqualified-access warnings for this part.
    // qmllint disable unqualified
    Loader {
        id: lockLoader
        anchors.fill: parent
        active: !window.unlocked
        sourceComponent: LockPage { lock: window.lock }
    }

    Loader {
        anchors.fill: parent
        active: window.enrolling
        sourceComponent: EnrollPage { enrollment: window.enrollment }
    }

    // Phone: one page at a time. Tablet: the list beside the capture screen. Built on the
    // first unlock, not before the lock screen's first frame; dropped again on lock.
    Loader {
        anchors.fill: parent
        active: window.unlocked
        visible: active
        sourceComponent: RowLayout {
            visible: !window.enrolling
            spacing: 0

            TodayPage {
                objectName: "todayPage"
                Layout.fillHeight: true
                Layout.fillWidth: !window.wide
                Layout.preferredWidth: window.wide ? Math.min(440, window.width * 0.4) : -1
                visible: window.wide || window.capture.phase === SessionController.Idle
                lock: window.lock
                today: window.today
                capture: window.capture
                sync: window.sync
                enrollment: window.enrollment
                tasks: window.tasks
                trail: window.trail
                textScale: window.textScale
            }
            Rectangle {
                Layout.fillHeight: true
                Layout.preferredWidth: 1
                visible: window.wide
                color: window.Material.dividerColor
            }
            CapturePage {
                objectName: "capturePage"
                Layout.fillHeight: true
                Layout.fillWidth: true
                visible: window.wide || window.capture.phase !== SessionController.Idle
                capture: window.capture
                showBack: !window.wide
            }
        }
    }

    // qmllint enable unqualified

    SessionStatusSheet {
        trail: window.trail
    }

    PrivacyCover {
        anchors.fill: parent
        z: 100
        // Qt 6.4's qmltypes type Qt.application as QQmlApplication, whose GUI subclass
        // has `state`; it resolves at run time.
        // qmllint disable
        visible: window.coverWhenInactive && Qt.application.state !== Qt.ApplicationActive
        // qmllint enable
    }
}
