// SPDX-License-Identifier: Apache-2.0
// Plurals through Qt Linguist: the English .qm embedded in sessionbook_app turns the source
// strings' "%n item(s)" into "1 item" and "3 items", in QML contexts (the file's base name)
// and C++ ones. Fails when the .qm is not embedded (the source text would show through).
#include "apptestharness.h"
#include "caseloadwarnings.h"
#include "catchqt.h"
#include "lockcontroller.h"
#include "translations.h"

#include <QCoreApplication>
#include <QFile>

#include <catch2/catch_test_macros.hpp>

using namespace sb;
using namespace sb::app;
using namespace sb::app::testing;

namespace {

QString translate(const char *context, const char *source, int n)
{
    return QCoreApplication::translate(context, source, nullptr, n);
}

} // namespace

TEST_CASE("The embedded English translation gives %n strings singular and plural forms",
          "[app][i18n]")
{
    ensureApp();
    const QString english = QStringLiteral(":/i18n/sessionbook_en.qm");
    REQUIRE(QFile::exists(english));
    CHECK(installTranslations(QLocale(QLocale::English, QLocale::UnitedStates)) == english);
    // A language without its own file falls back to the English plurals.
    CHECK(installTranslations(QLocale(QLocale::German, QLocale::Germany)) == english);

    SECTION("QML contexts")
    {
        const char *blocking = "The draft is saved. %n item(s) still block signing.";
        CHECK(translate("CapturePage", blocking, 1)
              == QStringLiteral("The draft is saved. 1 item still blocks signing."));
        CHECK(translate("CapturePage", blocking, 3)
              == QStringLiteral("The draft is saved. 3 items still block signing."));
        const char *stopped = "Stopped · %n item(s) to resolve before signing";
        CHECK(translate("CapturePage", stopped, 1)
              == QStringLiteral("Stopped · 1 item to resolve before signing"));
        CHECK(translate("CapturePage", stopped, 2)
              == QStringLiteral("Stopped · 2 items to resolve before signing"));
        CHECK(translate("LockPage", "%1 Try again in %n second(s).", 1)
              == QStringLiteral("%1 Try again in 1 second."));
        CHECK(translate("TodayPage", "%n minute(s)", 1) == QStringLiteral("1 minute"));
        CHECK(translate("TodayPage", "%n minute(s)", 15) == QStringLiteral("15 minutes"));
    }

    SECTION("C++ contexts")
    {
        const char *passcode = "Use at least %n character(s).";
        CHECK(translate("ErrorWords", passcode, 1) == QStringLiteral("Use at least 1 character."));
        CHECK(translate("ErrorWords", passcode, 3) == QStringLiteral("Use at least 3 characters."));
        const char *auth = "Auth: %n visit(s) left, expires %1";
        CHECK(translate("CaseloadWarnings", auth, 1)
              == QStringLiteral("Auth: 1 visit left, expires %1"));
        CHECK(translate("CaseloadWarnings", auth, 0)
              == QStringLiteral("Auth: 0 visits left, expires %1"));
    }

    SECTION("as the controllers say it")
    {
        Harness h;
        LockController lock(*h.host);
        lock.choosePasscode(QStringLiteral("12"), QStringLiteral("12"));
        // The controller gives the kind and the number; the lock screen words it.
        CHECK(lock.error().kind() == AppError::PasscodeTooShort);
        CHECK(lock.error().code() == LockController::minimumPasscodeLength);
        CHECK(translate("ErrorWords", "Use at least %n character(s).", lock.error().code())
              == QStringLiteral("Use at least 6 characters."));
    }
}
