// SPDX-License-Identifier: Apache-2.0
#include "enrollmentlink.h"

#include <QUrlQuery>

namespace sb::sync {

QString EnrollmentLink::toString() const
{
    QString text = QStringLiteral("sessionbook://enroll?server=")
                   + QString::fromLatin1(QUrl::toPercentEncoding(server.toString()))
                   + QStringLiteral("&code=") + QString::fromLatin1(QUrl::toPercentEncoding(code));
    if (!pinSha256.isEmpty()) {
        text += QStringLiteral("&pin=") + QString::fromLatin1(pinSha256.toHex());
    }
    return text;
}

Expected<EnrollmentLink, EnrollmentLink::Error>
EnrollmentLink::fromParts(const QString &server, const QString &code, const QString &pinHex)
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
    QString hex = pinHex.trimmed();
    hex.remove(u':');
    QByteArray pin;
    if (!hex.isEmpty()) {
        static const QString digits = QStringLiteral("0123456789abcdefABCDEF");
        for (const QChar c : hex) {
            if (!digits.contains(c)) {
                return unexpected(Error::BadPin);
            }
        }
        pin = QByteArray::fromHex(hex.toLatin1());
        if (hex.size() != 64 || pin.size() != 32) {
            return unexpected(Error::BadPin);
        }
    }
    return EnrollmentLink{url, trimmedCode, pin};
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
                     query.queryItemValue(QStringLiteral("pin"), QUrl::FullyDecoded));
}

} // namespace sb::sync
