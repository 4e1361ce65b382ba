// SPDX-License-Identifier: Apache-2.0
#include "translations.h"

#include <QCoreApplication>
#include <QTranslator>

#include <memory>

namespace sb::app {

QString installTranslations(const QLocale &locale)
{
    const QString dir = QStringLiteral(":/i18n");
    const QString name = QStringLiteral("sessionbook");
    const QString separator = QStringLiteral("_");
    auto translator = std::make_unique<QTranslator>();
    if (!translator->load(locale, name, separator, dir)
        && !translator->load(QLocale(QLocale::English), name, separator, dir)) {
        return {};
    }
    const QString file = translator->filePath();
    if (!QCoreApplication::installTranslator(translator.get())) {
        return {};
    }
    // Owned by the application from here on, like the strings it translates.
    translator.release()->setParent(QCoreApplication::instance());
    return file;
}

} // namespace sb::app
