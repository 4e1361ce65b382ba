// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "client/tokenstore.h"
#include "secretstore.h"

namespace sb::app {

/**
 * The device token in the platform keystore (QtKeychain on devices, the FAKE file backend in
 * tests and headless runs), next to the wrapped store key. Used on the store thread only,
 * like the key vault; the keystore's own jobs run on its KeystoreThread, so asking for the
 * token runs no event loop here. Clearing the token never touches the outbox.
 */
class SecretTokenStore final : public sync::TokenStore {
public:
    explicit SecretTokenStore(SecretStore &secrets)
        : m_secrets(&secrets)
    {
    }

    /// Read from the keystore once, then kept in memory: the client asks on every request.
    [[nodiscard]] std::optional<QString> token() const override
    {
        if (!m_loaded) {
            auto secret = m_secrets->read(name());
            m_cached = secret && !secret->isEmpty()
                           ? std::optional<QString>(QString::fromUtf8(*secret))
                           : std::nullopt;
            // A keystore that did not answer is asked again next time.
            m_loaded = secret.hasValue() || secret.error().kind == SecretError::Kind::NotFound;
        }
        return m_cached;
    }
    bool setToken(const QString &token) override
    {
        if (!m_secrets->write(name(), token.toUtf8())) {
            return false;
        }
        m_cached = token;
        m_loaded = true;
        return true;
    }
    void clear() override
    {
        (void)m_secrets->remove(name());
        m_cached.reset();
        m_loaded = true;
    }

private:
    static QString name() { return QStringLiteral("sync-device-token"); }
    SecretStore *m_secrets;
    mutable std::optional<QString> m_cached;
    mutable bool m_loaded = false;
};

} // namespace sb::app
