// SPDX-License-Identifier: Apache-2.0
#include "textscale.h"

#include <QMetaEnum>
#include <QSettings>

#include <cmath>

namespace sb::app {

namespace {

QMetaEnum stepEnum()
{
    return QMetaEnum::fromType<TextScale::Step>();
}

} // namespace

TextScale::TextScale(QSettings *settings, qreal platformFactor, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_platformStep(nearestStep(platformFactor))
    , m_step(m_platformStep)
{
    if (m_settings == nullptr) {
        return;
    }
    const QString stored = m_settings->value(QLatin1String(settingsKey)).toString();
    bool known = false;
    const int value = stepEnum().keyToValue(stored.toLatin1().constData(), &known);
    if (known && !stored.isEmpty()) {
        m_step = static_cast<Step>(value);
    }
}

void TextScale::setStep(Step step)
{
    if (step < Default || step > Largest) {
        return;
    }
    if (m_settings != nullptr) {
        m_settings->setValue(QLatin1String(settingsKey),
                             QLatin1String(stepEnum().valueToKey(step)));
    }
    if (step == m_step) {
        return;
    }
    m_step = step;
    Q_EMIT stepChanged();
}

qreal TextScale::factorOf(Step step)
{
    const auto index = static_cast<std::size_t>(step);
    return index < factors.size() ? factors[index] : 1.0;
}

TextScale::Step TextScale::nearestStep(qreal factor)
{
    if (!std::isfinite(factor) || factor <= factors.front()) {
        return Default;
    }
    std::size_t best = 0;
    for (std::size_t i = 1; i < factors.size(); ++i) {
        if (std::abs(factors[i] - factor) < std::abs(factors[best] - factor)) {
            best = i;
        }
    }
    return static_cast<Step>(best);
}

} // namespace sb::app
