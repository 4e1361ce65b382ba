// SPDX-License-Identifier: Apache-2.0
// QtQuickTest runner for the capture flow: the real CapturePage (Sessionbook.Clinician) over
// real controllers on a temporary encrypted store (CaptureHarness, a QML singleton).
#include "translations.h"

#include <QQmlEngine>
#include <QQmlExtensionPlugin>
#include <QQuickStyle>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(Sessionbook_AppPlugin)
Q_IMPORT_QML_PLUGIN(Sessionbook_ComponentsPlugin)
Q_IMPORT_QML_PLUGIN(Sessionbook_ClinicianPlugin)

/// Gives every test engine the app's style, translations and the qrc:/ module root.
class Setup : public QObject {
    Q_OBJECT
public Q_SLOTS:
    void applicationAvailable()
    {
        QQuickStyle::setStyle(QStringLiteral("Material"));
        if (sb::app::installTranslations(QLocale(QLocale::English)).isEmpty()) {
            qFatal("no translation embedded under :/i18n");
        }
    }
    void qmlEngineAvailable(QQmlEngine *engine) { engine->addImportPath(QStringLiteral("qrc:/")); }
};

QUICK_TEST_MAIN_WITH_SETUP(sessionbook_capture, Setup)

#include "main.moc"
