// SPDX-License-Identifier: Apache-2.0
#include "store/databasekey.h"

#include <QRandomGenerator>

#include <algorithm>

namespace sb {

void secureWipe(QByteArray &buffer)
{
    if (!buffer.isEmpty() && !buffer.isDetached()) {
        // Writing through data() on a shared buffer would detach and wipe only our copy.
        buffer.clear();
        return;
    }
    volatile char *p = buffer.data();
    for (qsizetype i = 0; i < buffer.size(); ++i) {
        p[i] = 0;
    }
    buffer.clear();
}

DatabaseKey DatabaseKey::generate()
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), size / 4);
    return DatabaseKey(std::move(bytes));
}

std::optional<DatabaseKey> DatabaseKey::fromBytes(const QByteArray &bytes)
{
    if (bytes.size() != size) {
        return std::nullopt;
    }
    QByteArray copy(bytes.constData(), bytes.size());
    return DatabaseKey(std::move(copy));
}

std::optional<DatabaseKey> DatabaseKey::fromHex(QByteArrayView hex)
{
    hex = hex.trimmed();
    if (hex.size() != 2 * size
        || !std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(uchar(c)); })) {
        return std::nullopt;
    }
    QByteArray text = hex.toByteArray(); // fromHex() takes a QByteArray: wipe the copy
    QByteArray bytes = QByteArray::fromHex(text);
    secureWipe(text);
    return DatabaseKey(std::move(bytes));
}

DatabaseKey::DatabaseKey(DatabaseKey &&other) noexcept
    : m_bytes(std::move(other.m_bytes))
{
}

DatabaseKey &DatabaseKey::operator=(DatabaseKey &&other) noexcept
{
    if (this != &other) {
        secureWipe(m_bytes);
        m_bytes = std::move(other.m_bytes);
    }
    return *this;
}

DatabaseKey::~DatabaseKey()
{
    secureWipe(m_bytes);
}

QByteArray DatabaseKey::toHex() const
{
    return m_bytes.toHex();
}

} // namespace sb
