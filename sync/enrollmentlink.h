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
 *       [&backup_pin=<64 hex>]
 *
 * `server` is the sync server's https base address, `code` the one-time enrollment code,
 * `pin` the SHA-256 of the server's public key (its DER SubjectPublicKeyInfo, "SPKI") in hex,
 * and `backup_pin` (optional) that of a spare key the office keeps offline, so that it can
 * move to the spare if the first key is lost. A certificate renewed with the same key keeps
 * the pin. A link without a pin is refused: the pin is what makes a self-signed office
 * certificate trustworthy. `sessionbook-office device enroll-code --server URL --pin HEX`
 * prints it; the app accepts it pasted, or as `sessionbook --enroll STRING`. It holds no PHI.
 */
struct EnrollmentLink {
    QUrl server;
    QString code;
    QByteArray pinSha256;       ///< Raw 32 bytes.
    QByteArray backupPinSha256; ///< Raw 32 bytes, or empty (no backup pin).

    enum class Error { NotALink, MissingServer, NotHttps, MissingCode, MissingPin, BadPin };

    [[nodiscard]] QString toString() const;
    /// Parses a pasted link (surrounding white space is ignored).
    static Expected<EnrollmentLink, Error> parse(const QString &text);
    /// Checks and normalizes the parts typed separately (pins as hex, colons allowed).
    static Expected<EnrollmentLink, Error> fromParts(const QString &server, const QString &code,
                                                     const QString &pinHex,
                                                     const QString &backupPinHex = {});
};

} // namespace sb::sync
