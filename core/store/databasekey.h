// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>

#include <optional>

namespace sb {

/**
 * A raw 256-bit SQLCipher key. Handed to SQLCipher as raw key material, so opening a
 * connection pays no KDF (the passcode KDF runs once per unlock, elsewhere). The bytes are
 * wiped when the object dies; it cannot be copied, only moved.
 */
class DatabaseKey {
public:
    static constexpr int size = 32;

    /// A fresh key from the system CSPRNG.
    [[nodiscard]] static DatabaseKey generate();
    /// From exactly 32 raw bytes; nullopt otherwise.
    [[nodiscard]] static std::optional<DatabaseKey> fromBytes(const QByteArray &bytes);
    /// From 64 hex digits (surrounding whitespace ignored); nullopt otherwise.
    [[nodiscard]] static std::optional<DatabaseKey> fromHex(QByteArrayView hex);

    DatabaseKey(DatabaseKey &&other) noexcept;
    DatabaseKey &operator=(DatabaseKey &&other) noexcept;
    DatabaseKey(const DatabaseKey &) = delete;
    DatabaseKey &operator=(const DatabaseKey &) = delete;
    ~DatabaseKey();

    [[nodiscard]] const QByteArray &bytes() const { return m_bytes; }
    /// 64 lowercase hex digits. The caller must wipe the copy (see secureWipe).
    [[nodiscard]] QByteArray toHex() const;

private:
    explicit DatabaseKey(QByteArray bytes)
        : m_bytes(std::move(bytes))
    {
    }
    QByteArray m_bytes;
};

/// Overwrites a buffer in a way the optimizer cannot drop, then clears it.
void secureWipe(QByteArray &buffer);

} // namespace sb
