// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

#include <cstdint>
#include <optional>

namespace sb::sync {

/**
 * What a device keeps as its one secret in the TokenStore: the short-lived access token, when
 * it expires (server time), the refresh token and, while a rotation's answer has not come,
 * the refresh token the device proposed as the next one (kept before it is sent, so that a
 * lost answer is retried with the same pair instead of looking like a replay).
 */
struct DeviceCredentials {
    QString accessToken;
    std::int64_t accessExpiresAtMs = 0; ///< 0: unknown (a device token from an older server).
    QString refreshToken;               ///< Empty: no refresh (enroll again when refused).
    QString nextRefreshToken;

    [[nodiscard]] QString encode() const;
    /// Reads encode()'s form; anything else is an older device token, kept as the access token.
    static DeviceCredentials decode(const QString &secret);
};

/**
 * Where the device token lives. On phones it is the OS keystore (platform/ backs this with
 * QtKeychain); the sync client only needs these three calls, so tests and tools inject the
 * fakes below. Losing or clearing the token never touches the outbox.
 */
class TokenStore {
public:
    virtual ~TokenStore() = default;
    [[nodiscard]] virtual std::optional<QString> token() const = 0;
    /// False when the token could not be kept (the enrollment then fails, visibly).
    virtual bool setToken(const QString &token) = 0;
    virtual void clear() = 0;
};

/// Keeps the token in memory only. For tests and simulations; a restart forgets it.
class MemoryTokenStore final : public TokenStore {
public:
    [[nodiscard]] std::optional<QString> token() const override { return m_token; }
    bool setToken(const QString &token) override
    {
        m_token = token;
        return true;
    }
    void clear() override { m_token.reset(); }

private:
    std::optional<QString> m_token;
};

/**
 * Keeps the token in a plain file (owner read/write only). FOR TESTS AND TOOLS ONLY: it lets a
 * child process or a reopened client find the token again. A real device uses the keystore.
 */
class FileTokenStore final : public TokenStore {
public:
    explicit FileTokenStore(QString path)
        : m_path(std::move(path))
    {
    }
    [[nodiscard]] std::optional<QString> token() const override;
    bool setToken(const QString &token) override;
    void clear() override;

private:
    QString m_path;
};

} // namespace sb::sync
