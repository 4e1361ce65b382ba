// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "util/expected.h"

#include <QByteArray>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

namespace sb::sync {

/// A self-signed certificate for local use (`serve --dev-cert`) and its fingerprints.
struct DevCertificate {
    QSslCertificate certificate;
    QSslKey key;
    QString certificatePath; ///< Where the PEM certificate was left (empty: not kept).
    QByteArray sha256;       ///< SHA-256 of the DER certificate, 64 hex digits.
    QByteArray spkiSha256;   ///< SHA-256 of the DER public key (SPKI), 64 hex: the pin.
};

/**
 * Makes a P-256 self-signed certificate for localhost and 127.0.0.1, valid 30 days, with
 * the `openssl` command (Qt cannot generate keys). With an empty `directory` the files are
 * written to a private (0700) temporary directory and removed once loaded; otherwise
 * cert.pem and key.pem are written there (key 0600) so a client can trust the certificate.
 */
Expected<DevCertificate, QString> makeDevCertificate(const QString &directory);

/// The fingerprints of a certificate, as makeDevCertificate() reports them: 64 hex digits
/// each, the form an enrollment link's pin takes.
QByteArray certificateSha256(const QSslCertificate &certificate);
QByteArray spkiSha256(const QSslCertificate &certificate);

} // namespace sb::sync
