// SPDX-License-Identifier: Apache-2.0
pragma Singleton
import QtQuick

// Type tokens: every font size in the app's QML comes from here, scaled by the text-size
// preference. Main.qml binds `factor` to the TextScale controller the composition root
// builds; without one (component tests) it stays 1.0. One instance per QML engine.
QtObject {
    /// The text-size factor (TextScale.factor): 1.0, 1.15, 1.3 or 1.5.
    property real factor: 1.0

    /// `size` (px at the default text size) scaled and rounded.
    function scaled(size: real): int {
        return Math.round(size * factor)
    }

    readonly property int caption: scaled(12)
    readonly property int small: scaled(13)
    /// Material's default control text.
    readonly property int body: scaled(14)
    readonly property int subtitle: scaled(17)
    readonly property int title: scaled(20)
    readonly property int headline: scaled(26)
    readonly property int display: scaled(34)
    /// The session clock.
    readonly property int timer: scaled(64)
}
