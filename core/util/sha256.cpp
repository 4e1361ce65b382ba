// SPDX-License-Identifier: Apache-2.0
#include "util/sha256.h"

#include <memory>
#include <openssl/evp.h>

namespace sb {

namespace {

/// OpenSSL 3 looks an algorithm up in its provider tables on every implicit fetch (a lock and
/// a property query, microseconds): fetch SHA-256 once, and keep one context per thread.
const EVP_MD *sha256Algorithm()
{
    static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> algorithm(
        EVP_MD_fetch(nullptr, "SHA256", nullptr), &EVP_MD_free);
    return algorithm.get();
}

EVP_MD_CTX *threadContext()
{
    thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(
        EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    return context.get();
}

} // namespace

QByteArray sha256(QByteArrayView data)
{
    const EVP_MD *algorithm = sha256Algorithm();
    EVP_MD_CTX *context = threadContext();
    QByteArray digest(32, Qt::Uninitialized);
    unsigned int length = 0;
    // These fail only when memory is exhausted; an empty result then never matches a stored
    // hash, which fails closed.
    if (algorithm == nullptr || context == nullptr
        || EVP_DigestInit_ex2(context, algorithm, nullptr) != 1
        || EVP_DigestUpdate(context, data.data(), static_cast<size_t>(data.size())) != 1
        || EVP_DigestFinal_ex(context, reinterpret_cast<unsigned char *>(digest.data()), &length)
               != 1
        || length != 32) {
        return {};
    }
    return digest;
}

} // namespace sb
