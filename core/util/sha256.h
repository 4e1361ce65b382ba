// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <array>
#include <charconv>
#include <cstdint>
#include <string>

namespace sb {

/**
 * SHA-256 of `data` (32 bytes) through OpenSSL's libcrypto, which uses the CPU's SHA
 * instructions where it has them. Qt 6.4's QCryptographicHash is portable C and several times
 * slower; content hashes and the audit chain are on every write of the sync server's ingest.
 */
QByteArray sha256(QByteArrayView data);

/**
 * Builds the canonical byte string of a record, field by field, each field prefixed with its
 * length so that field boundaries cannot be shifted to forge a matching hash; then hashes it
 * once. `prefixBytes` is 8 (content hashes) or 4 (the audit chain): existing hashes depend on it.
 */
class LengthPrefixedSha256 {
public:
    explicit LengthPrefixedSha256(int prefixBytes, qsizetype expectedSize = 512)
        : m_prefixBytes(prefixBytes)
    {
        m_bytes.reserve(static_cast<std::size_t>(expectedSize));
    }

    LengthPrefixedSha256 &addField(QByteArrayView field)
    {
        appendPrefix(static_cast<quint64>(field.size()));
        m_bytes.append(field.data(), static_cast<std::size_t>(field.size()));
        return *this;
    }

    /// The field's UTF-8 bytes (exactly what QString::toUtf8() gives), without a temporary
    /// for the common all-ASCII text.
    LengthPrefixedSha256 &addUtf8Field(const QString &text)
    {
        for (const QChar c : text) {
            if (c.unicode() >= 0x80) {
                return addField(text.toUtf8());
            }
        }
        appendPrefix(static_cast<quint64>(text.size()));
        for (const QChar c : text) {
            m_bytes.push_back(static_cast<char>(c.unicode()));
        }
        return *this;
    }

    /// The decimal text of `value` (as QByteArray::number() writes it), without a temporary.
    LengthPrefixedSha256 &addDecimalField(std::int64_t value)
    {
        std::array<char, 24> text{};
        const auto written = std::to_chars(text.data(), text.data() + text.size(), value);
        return addField(QByteArrayView(text.data(), written.ptr - text.data()));
    }

    /// The canonical bytes themselves (for a keyed MAC over them instead of a plain hash).
    [[nodiscard]] QByteArrayView canonical() const
    {
        return QByteArrayView(m_bytes.data(), static_cast<qsizetype>(m_bytes.size()));
    }

    [[nodiscard]] QByteArray result() const
    {
        return sha256(QByteArrayView(m_bytes.data(), static_cast<qsizetype>(m_bytes.size())));
    }

private:
    void appendPrefix(quint64 size)
    {
        std::array<char, 8> prefix{};
        for (int i = 0; i < m_prefixBytes; ++i) {
            prefix[static_cast<std::size_t>(i)] =
                static_cast<char>((size >> ((m_prefixBytes - 1 - i) * 8)) & 0xFF);
        }
        m_bytes.append(prefix.data(), static_cast<std::size_t>(m_prefixBytes));
    }

    int m_prefixBytes;
    std::string m_bytes; ///< std::string: appends here are a hot path, cheaper than QByteArray's.
};

} // namespace sb
