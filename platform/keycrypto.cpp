// SPDX-License-Identifier: Apache-2.0
#include "keycrypto.h"

#include <QElapsedTimer>

#include <algorithm>
#include <memory>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

namespace sb::keycrypto {

namespace {

constexpr int nonceSize = 12;
constexpr int tagSize = 16;

auto *bytes(QByteArray &b)
{
    return reinterpret_cast<unsigned char *>(b.data());
}
auto *cbytes(const QByteArray &b)
{
    return reinterpret_cast<const unsigned char *>(b.constData());
}

struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX *ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

} // namespace

QByteArray pbkdf2Sha512(const QByteArray &passcode, const QByteArray &salt, int iterations,
                        int length)
{
    QByteArray out(length, '\0');
    if (PKCS5_PBKDF2_HMAC(passcode.constData(), int(passcode.size()), cbytes(salt),
                          int(salt.size()), iterations, EVP_sha512(), length, bytes(out))
        != 1) {
        return {};
    }
    return out;
}

QByteArray hkdfSha256(const QByteArray &inputKey, const QByteArray &salt, const QByteArray &info)
{
    EVP_KDF *kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    if (kdf == nullptr) {
        return {};
    }
    EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (ctx == nullptr) {
        return {};
    }
    QByteArray ikm = inputKey;
    QByteArray s = salt;
    QByteArray i = info;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm.data(), size_t(ikm.size())),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, s.data(), size_t(s.size())),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, i.data(), size_t(i.size())),
        OSSL_PARAM_construct_end(),
    };
    QByteArray out(32, '\0');
    const bool ok = EVP_KDF_derive(ctx, bytes(out), size_t(out.size()), params) == 1;
    EVP_KDF_CTX_free(ctx);
    ikm.fill('\0');
    return ok ? out : QByteArray();
}

QByteArray hmacSha256(const QByteArray &key, const QByteArray &message)
{
    QByteArray out(32, '\0');
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.constData(), int(key.size()), cbytes(message),
             size_t(message.size()), bytes(out), &length)
            == nullptr
        || length != 32) {
        return {};
    }
    return out;
}

bool equalConstantTime(const QByteArray &a, const QByteArray &b)
{
    return a.size() == b.size()
           && CRYPTO_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

QByteArray randomBytes(int count)
{
    QByteArray out(count, '\0');
    if (RAND_bytes(bytes(out), count) != 1) {
        return {};
    }
    return out;
}

QByteArray seal(const QByteArray &key, const QByteArray &plaintext, const QByteArray &aad)
{
    if (key.size() != 32) {
        return {};
    }
    const QByteArray nonce = randomBytes(nonceSize);
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!ctx || nonce.isEmpty()
        || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, cbytes(key), cbytes(nonce))
               != 1) {
        return {};
    }
    int len = 0;
    if (!aad.isEmpty()
        && EVP_EncryptUpdate(ctx.get(), nullptr, &len, cbytes(aad), int(aad.size())) != 1) {
        return {};
    }
    QByteArray cipher(plaintext.size() + 16, '\0');
    int total = 0;
    if (EVP_EncryptUpdate(ctx.get(), bytes(cipher), &len, cbytes(plaintext), int(plaintext.size()))
        != 1) {
        return {};
    }
    total = len;
    if (EVP_EncryptFinal_ex(ctx.get(), bytes(cipher) + total, &len) != 1) {
        return {};
    }
    total += len;
    cipher.resize(total);
    QByteArray tag(tagSize, '\0');
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, tagSize, tag.data()) != 1) {
        return {};
    }
    QByteArray out = nonce;
    out.append(cipher);
    out.append(tag);
    return out;
}

std::optional<QByteArray> open(const QByteArray &key, const QByteArray &sealed,
                               const QByteArray &aad)
{
    if (key.size() != 32 || sealed.size() < nonceSize + tagSize) {
        return std::nullopt;
    }
    const QByteArray nonce = sealed.left(nonceSize);
    QByteArray tag = sealed.right(tagSize);
    const QByteArray cipher = sealed.mid(nonceSize, sealed.size() - nonceSize - tagSize);
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!ctx
        || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, cbytes(key), cbytes(nonce))
               != 1) {
        return std::nullopt;
    }
    int len = 0;
    if (!aad.isEmpty()
        && EVP_DecryptUpdate(ctx.get(), nullptr, &len, cbytes(aad), int(aad.size())) != 1) {
        return std::nullopt;
    }
    QByteArray plain(cipher.size() + 16, '\0');
    if (EVP_DecryptUpdate(ctx.get(), bytes(plain), &len, cbytes(cipher), int(cipher.size())) != 1) {
        return std::nullopt;
    }
    int total = len;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, tagSize, tag.data()) != 1
        || EVP_DecryptFinal_ex(ctx.get(), bytes(plain) + total, &len) != 1) {
        plain.fill('\0');
        return std::nullopt;
    }
    total += len;
    plain.resize(total);
    return plain;
}

int calibrateIterations(int targetMs, int minimum)
{
    const QByteArray salt(16, 's');
    const QByteArray pass("calibration");
    int probe = 20'000;
    qint64 elapsedNs = 0;
    // Grow the probe until it runs long enough to time reliably (>= 20 ms).
    for (;;) {
        QElapsedTimer timer;
        timer.start();
        (void)pbkdf2Sha512(pass, salt, probe);
        elapsedNs = timer.nsecsElapsed();
        if (elapsedNs >= 20'000'000 || probe >= 10'000'000) {
            break;
        }
        probe *= 4;
    }
    const double perIteration = double(elapsedNs) / probe;
    const double wanted = double(targetMs) * 1e6 / perIteration;
    return std::max(minimum, int(std::min(wanted, 50'000'000.0)));
}

} // namespace sb::keycrypto
