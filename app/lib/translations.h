// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QLocale>
#include <QString>

namespace sb::app {

/**
 * Installs the app's translation for `locale` on the QCoreApplication, which must exist; call
 * it before any text is shown (before the QML engine loads). Looks up
 * `:/i18n/sessionbook_<language>.qm` (embedded by qt_add_translations, app/CMakeLists.txt)
 * through the locale's UI languages and falls back to English, whose file holds only the
 * numerus forms: "1 item", "3 items" where the source string says "%n item(s)".
 * Returns the path of the file installed, or an empty string when none could be loaded (the
 * translations were not embedded: a build problem, worth a warning).
 */
QString installTranslations(const QLocale &locale = QLocale());

} // namespace sb::app
