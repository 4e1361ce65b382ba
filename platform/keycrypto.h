// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>

#include <cstdint>
#include <optional>

namespace sb::keycrypto {

/**
 * Thin wrappers over OpenSSL's libcrypto for the key vault: PBKDF2-HMAC-SHA512, HKDF-SHA256
 * and AES-256-GCM. Nothing here is home-made crypto; these only adapt buffers. Empty or
 * nullopt results mean OpenSSL refused (or, for open(), that authentication failed).
 */

/// PBKDF2-HMAC-SHA512 producing `length` bytes.
QByteArray pbkdf2Sha512(const QByteArray &passcode, const QByteArray &salt, int iterations,
                        int length = 32);
/// HKDF-SHA256 (extract and expand) producing 32 bytes.
QByteArray hkdfSha256(const QByteArray &inputKey, const QByteArray &salt, const QByteArray &info);
/// HMAC-SHA256 (32 bytes).
QByteArray hmacSha256(const QByteArray &key, const QByteArray &message);
/// Compares two byte strings in time that does not depend on where they differ.
bool equalConstantTime(const QByteArray &a, const QByteArray &b);
/// Bytes from OpenSSL's CSPRNG.
QByteArray randomBytes(int count);

/// AES-256-GCM: returns nonce (12) || ciphertext || tag (16).
QByteArray seal(const QByteArray &key, const QByteArray &plaintext, const QByteArray &aad);
/// Inverse of seal(); nullopt when the key, data or AAD do not match.
std::optional<QByteArray> open(const QByteArray &key, const QByteArray &sealed,
                               const QByteArray &aad);

/// PBKDF2 iterations that take about `targetMs` on this machine (at least `minimum`).
int calibrateIterations(int targetMs, int minimum = 100'000);

} // namespace sb::keycrypto
