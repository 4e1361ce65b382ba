// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "client/tokenstore.h"
#include "secretstore.h"

namespace sb::app {

/**
 * The device token in the platform keystore (QtKeychain on devices, the FAKE file backend in
 * tests and headless runs), next to the wrapped store key. Used on the store thread only,
 * like the key vault. Clearing the token never touches the outbox.
 */
class SecretTokenStore final : public sync::TokenStore {
public:
    explicit SecretTokenStore(SecretStore &secrets) : m_secrets(&secrets) {}

    [[nodiscard]] std::optional<QString> token() const override
    {
        auto secret = m_secrets->read(QStringLiteral("sync-device-token"));
        if (!secret || secret->isEmpty()) {
            return std::nullopt;
        }
        return QString::fromUtf8(*secret);
    }
    bool setToken(const QString &token) override
    {
        return m_secrets->write(QStringLiteral("sync-device-token"), token.toUtf8()).hasValue();
    }
    void clear() override { (void)m_secrets->remove(QStringLiteral("sync-device-token")); }

private:
    SecretStore *m_secrets;
};

} // namespace sb::app
