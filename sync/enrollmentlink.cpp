// SPDX-License-Identifier: Apache-2.0
#include "enrollmentlink.h"

#include <QUrlQuery>

#include <optional>

namespace sb::sync {

QString EnrollmentLink::toString() const
{
    QString text = QStringLiteral("sessionbook://enroll?server=")
                   + QString::fromLatin1(QUrl::toPercentEncoding(server.toString()))
                   + QStringLiteral("&code=") + QString::fromLatin1(QUrl::toPercentEncoding(code));
    if (!pinSha256.isEmpty()) {
        text += QStringLiteral("&pin=") + QString::fromLatin1(pinSha256.toHex());
    }
    if (!backupPinSha256.isEmpty()) {
        text += QStringLiteral("&backup_pin=") + QString::fromLatin1(backupPinSha256.toHex());
    }
    return text;
}

namespace {

/// 64 hex digits (colons allowed) as 32 raw bytes; empty for empty text, nullopt if malformed.
std::optional<QByteArray> pinFromHex(const QString &text)
{
    QString hex = text.trimmed();
    hex.remove(u':');
    if (hex.isEmpty()) {
        return QByteArray();
    }
    static const QString digits = QStringLiteral("0123456789abcdefABCDEF");
    for (const QChar c : hex) {
        if (!digits.contains(c)) {
            return std::nullopt;
        }
    }
    const QByteArray pin = QByteArray::fromHex(hex.toLatin1());
    if (hex.size() != 64 || pin.size() != 32) {
        return std::nullopt;
    }
    return pin;
}

} // namespace

Expected<EnrollmentLink, EnrollmentLink::Error>
EnrollmentLink::fromParts(const QString &server, const QString &code, const QString &pinHex,
                          const QString &backupPinHex)
{
    const QString address = server.trimmed();
    if (address.isEmpty()) {
        return unexpected(Error::MissingServer);
    }
    QUrl url(address.contains(u"://") ? address : QStringLiteral("https://") + address,
             QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()) {
        return unexpected(Error::MissingServer);
    }
    if (url.scheme() != u"https") {
        return unexpected(Error::NotHttps);
    }
    url.setPath(QString());
    url.setQuery(QString());
    url.setFragment(QString());
    const QString trimmedCode = code.trimmed();
    if (trimmedCode.isEmpty() || trimmedCode.size() > 64) {
        return unexpected(Error::MissingCode);
    }
    const auto pin = pinFromHex(pinHex);
    const auto backup = pinFromHex(backupPinHex);
    if (!pin || !backup) {
        return unexpected(Error::BadPin);
    }
    if (pin->isEmpty()) {
        return unexpected(Error::MissingPin);
    }
    return EnrollmentLink{url, trimmedCode, *pin, *backup == *pin ? QByteArray() : *backup};
}

Expected<EnrollmentLink, EnrollmentLink::Error> EnrollmentLink::parse(const QString &text)
{
    const QUrl link(text.trimmed(), QUrl::StrictMode);
    if (!link.isValid() || link.scheme() != u"sessionbook" || link.host() != u"enroll") {
        return unexpected(Error::NotALink);
    }
    const QUrlQuery query(link);
    return fromParts(query.queryItemValue(QStringLiteral("server"), QUrl::FullyDecoded),
                     query.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded),
                     query.queryItemValue(QStringLiteral("pin"), QUrl::FullyDecoded),
                     query.queryItemValue(QStringLiteral("backup_pin"), QUrl::FullyDecoded));
}

} // namespace sb::sync
