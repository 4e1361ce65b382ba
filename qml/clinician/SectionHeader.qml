// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Sessionbook.Components

// The title above one part of the capture screen, in the style of Today's section labels.
Label {
    Layout.fillWidth: true
    topPadding: 8
    font.pixelSize: Type.small
    font.weight: Font.Medium
    font.capitalization: Font.AllUppercase
    color: Material.accent
    Accessible.role: Accessible.Heading
    Accessible.name: text
}
