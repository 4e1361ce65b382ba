// SPDX-License-Identifier: Apache-2.0
// The text-size preference: its steps and factors, the step the platform's own scale maps
// to, and the chosen step kept in QSettings across restarts (an unreadable one is ignored).
#include "catchqt.h"
#include "tempdir.h"
#include "textscale.h"

#include <QSettings>
#include <QSignalSpy>

#include <catch2/catch_approx.hpp>
#include <catch2/catch_test_macros.hpp>
#include <limits>

using sb::app::TextScale;

namespace {

QString settingsFile(const sb::test::TempDir &dir)
{
    return dir.filePath(QStringLiteral("settings.ini"));
}

} // namespace

TEST_CASE("TextScale steps have growing factors from 1.0 to 1.5", "[app][textscale]")
{
    CHECK(TextScale::factorOf(TextScale::Default) == 1.0);
    CHECK(TextScale::factorOf(TextScale::Large) == Catch::Approx(1.15));
    CHECK(TextScale::factorOf(TextScale::Larger) == Catch::Approx(1.3));
    CHECK(TextScale::factorOf(TextScale::Largest) == Catch::Approx(1.5));
    for (std::size_t i = 1; i < TextScale::factors.size(); ++i) {
        CHECK(TextScale::factors[i] > TextScale::factors[i - 1]);
    }

    TextScale scale(nullptr);
    CHECK(scale.step() == TextScale::Default);
    CHECK(scale.factor() == 1.0);
    QSignalSpy changed(&scale, &TextScale::stepChanged);
    scale.setStep(TextScale::Largest);
    CHECK(scale.factor() == Catch::Approx(1.5));
    CHECK(changed.count() == 1);
    scale.setStep(TextScale::Largest);
    CHECK(changed.count() == 1);
    scale.setStep(static_cast<TextScale::Step>(9));
    CHECK(scale.step() == TextScale::Largest);
    CHECK(changed.count() == 1);
}

TEST_CASE("TextScale starts at the step nearest the platform's own text scale", "[app][textscale]")
{
    CHECK(TextScale::nearestStep(1.0) == TextScale::Default);
    CHECK(TextScale::nearestStep(0.85) == TextScale::Default);
    CHECK(TextScale::nearestStep(1.1) == TextScale::Large);
    CHECK(TextScale::nearestStep(1.3) == TextScale::Larger);
    CHECK(TextScale::nearestStep(1.42) == TextScale::Largest);
    CHECK(TextScale::nearestStep(2.0) == TextScale::Largest);
    CHECK(TextScale::nearestStep(std::numeric_limits<qreal>::quiet_NaN()) == TextScale::Default);

    TextScale scale(nullptr, 1.3);
    CHECK(scale.platformStep() == TextScale::Larger);
    CHECK(scale.step() == TextScale::Larger);
}

TEST_CASE("TextScale keeps the chosen step in QSettings", "[app][textscale]")
{
    sb::test::TempDir dir;
    REQUIRE(dir.isValid());

    SECTION("a choice is restored after a restart, over the platform's step")
    {
        {
            QSettings settings(settingsFile(dir), QSettings::IniFormat);
            TextScale scale(&settings);
            CHECK(scale.step() == TextScale::Default);
            scale.setStep(TextScale::Larger);
        }
        QSettings settings(settingsFile(dir), QSettings::IniFormat);
        CHECK(settings.value(QLatin1String(TextScale::settingsKey)).toString()
              == QStringLiteral("Larger"));
        TextScale restored(&settings, 1.5);
        CHECK(restored.step() == TextScale::Larger);
        CHECK(restored.factor() == Catch::Approx(1.3));
    }

    SECTION("choosing Default is kept too, even where the platform is larger")
    {
        {
            QSettings settings(settingsFile(dir), QSettings::IniFormat);
            TextScale scale(&settings, 1.5);
            CHECK(scale.step() == TextScale::Largest);
            scale.setStep(TextScale::Default);
        }
        QSettings settings(settingsFile(dir), QSettings::IniFormat);
        CHECK(TextScale(&settings, 1.5).step() == TextScale::Default);
    }

    SECTION("an unreadable stored value falls back to the platform's step")
    {
        for (const QVariant &stored :
             {QVariant(QStringLiteral("Huge")), QVariant(7), QVariant(QString()), QVariant(1.5)}) {
            QSettings settings(settingsFile(dir), QSettings::IniFormat);
            settings.setValue(QLatin1String(TextScale::settingsKey), stored);
            CHECK(TextScale(&settings).step() == TextScale::Default);
            CHECK(TextScale(&settings, 1.15).step() == TextScale::Large);
        }
    }
}
