// SPDX-License-Identifier: Apache-2.0
#include "util/clock.h"

#include <QFile>

#include <chrono>

namespace sb {

QDateTime SystemClock::nowUtc() const
{
    return QDateTime::currentDateTimeUtc();
}

std::int64_t SystemClock::nowMsSinceEpoch() const
{
    return QDateTime::currentMSecsSinceEpoch();
}

std::int64_t SystemClock::monotonicMs() const
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

namespace {

std::int64_t readBootId()
{
    // Linux and Android: a random UUID per boot; its first 60 bits are plenty.
    QFile file(QStringLiteral("/proc/sys/kernel/random/boot_id"));
    if (file.open(QIODevice::ReadOnly)) {
        const QByteArray hex = file.readLine(64).trimmed().replace('-', "").left(15);
        bool ok = false;
        const std::int64_t fromKernel = hex.toLongLong(&ok, 16);
        if (ok && fromKernel != 0) {
            return fromKernel;
        }
    }
    // Elsewhere: when the monotonic counter started, in wall-clock minutes.
    const SystemClock clock;
    return (clock.nowMsSinceEpoch() - clock.monotonicMs()) / 60'000;
}

} // namespace

std::int64_t SystemClock::bootId() const
{
    static const std::int64_t id = readBootId();
    return id;
}

QDateTime ManualClock::nowUtc() const
{
    return QDateTime::fromMSecsSinceEpoch(m_wallMs, Qt::UTC);
}

} // namespace sb
