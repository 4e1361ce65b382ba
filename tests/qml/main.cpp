// SPDX-License-Identifier: Apache-2.0
// QtQuickTest runner for the shared QML components (Sessionbook.Components), linked
// statically like the app and loaded from qrc:/ as on Qt 6.4.
#include <QQmlEngine>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(Sessionbook_ComponentsPlugin)

/// Gives every test engine the app's style and the qrc:/ module root.
class Setup : public QObject {
    Q_OBJECT
public Q_SLOTS:
    void applicationAvailable() { QQuickStyle::setStyle(QStringLiteral("Material")); }
    void qmlEngineAvailable(QQmlEngine *engine) { engine->addImportPath(QStringLiteral("qrc:/")); }
};

QUICK_TEST_MAIN_WITH_SETUP(sessionbook_components, Setup)

#include "main.moc"
