// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "util/expected.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace sb::sync {

/**
 * The one string an office hands to a clinician to enroll a device:
 *
 *   sessionbook://enroll?server=https%3A%2F%2Fhost%3A8443&code=ABCD-EFGH&pin=<64 hex>
 *
 * `server` is the sync server's https base address, `code` the one-time enrollment code and
 * `pin` (optional) the SHA-256 of the server's DER certificate or of its public key, in hex.
 * `sessionbook-office device enroll-code --server URL --pin HEX` prints it; the app accepts it
 * pasted, or as `sessionbook --enroll STRING`. It holds no PHI.
 */
struct EnrollmentLink {
    QUrl server;
    QString code;
    QByteArray pinSha256; ///< Raw 32 bytes, or empty (no pin).

    enum class Error { NotALink, MissingServer, NotHttps, MissingCode, BadPin };

    [[nodiscard]] QString toString() const;
    /// Parses a pasted link (surrounding white space is ignored).
    static Expected<EnrollmentLink, Error> parse(const QString &text);
    /// Checks and normalizes the parts typed separately (pin as hex, colons allowed).
    static Expected<EnrollmentLink, Error> fromParts(const QString &server, const QString &code,
                                                     const QString &pinHex);
};

} // namespace sb::sync
