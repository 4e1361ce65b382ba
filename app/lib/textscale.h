// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QString>
#include <QtQmlIntegration>

#include <array>

class QSettings;

namespace sb::app {

/**
 * The text-size preference (a device setting, like the idle auto-lock): a few steps whose
 * factor the QML type tokens (Sessionbook.Components' Type singleton) multiply every font
 * size by. The chosen step is kept in QSettings under settingsKey as the step's name; without
 * one (or with an unreadable one) the step nearest the platform's own font scale is used.
 */
class TextScale : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Built by the composition root")
    Q_PROPERTY(Step step READ step WRITE setStep NOTIFY stepChanged)
    Q_PROPERTY(qreal factor READ factor NOTIFY stepChanged)
public:
    enum Step { Default, Large, Larger, Largest };
    Q_ENUM(Step)
    static constexpr std::array<qreal, 4> factors{1.0, 1.15, 1.3, 1.5};
    static constexpr const char *settingsKey = "display/textScale";

    /// Reads the stored step from `settings` (kept, and written on every change; may be null
    /// for no persistence); `platformFactor` is the system's own text scale (1.0: none).
    explicit TextScale(QSettings *settings, qreal platformFactor = 1.0, QObject *parent = nullptr);

    [[nodiscard]] Step step() const { return m_step; }
    void setStep(Step step);
    [[nodiscard]] qreal factor() const { return factorOf(m_step); }
    /// The step the platform's scale maps to before the user chooses one.
    [[nodiscard]] Step platformStep() const { return m_platformStep; }

    [[nodiscard]] static qreal factorOf(Step step);
    /// The step whose factor is nearest `factor` (Default for anything at or below 1.0, or
    /// not a number).
    [[nodiscard]] static Step nearestStep(qreal factor);

Q_SIGNALS:
    void stepChanged();

private:
    QSettings *m_settings;
    Step m_platformStep;
    Step m_step;
};

} // namespace sb::app
