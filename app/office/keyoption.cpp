// SPDX-License-Identifier: Apache-2.0
#include "keyoption.h"

#include <QFile>

namespace sb::office {

void addStoreOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("database"),
                      QStringLiteral("The office store (an encrypted SQLCipher file)."),
                      QStringLiteral("path")});
    parser.addOption({QStringLiteral("key-file"),
                      QStringLiteral("File holding the store key as 64 hex digits. Default: the "
                                     "SESSIONBOOK_OFFICE_KEY environment variable."),
                      QStringLiteral("file")});
}

std::optional<DatabaseKey> loadStoreKey(const QCommandLineParser &parser, QString &error)
{
    QByteArray hex;
    if (parser.isSet(QStringLiteral("key-file"))) {
        QFile file(parser.value(QStringLiteral("key-file")));
        if (!file.open(QIODevice::ReadOnly)) {
            error = QStringLiteral("cannot read the key file: ") + file.errorString();
            return std::nullopt;
        }
        hex = file.read(256);
    } else {
        hex = qgetenv("SESSIONBOOK_OFFICE_KEY");
        if (hex.isEmpty()) {
            error = QStringLiteral("no store key: pass --key-file or set SESSIONBOOK_OFFICE_KEY");
            return std::nullopt;
        }
    }
    auto key = DatabaseKey::fromHex(hex);
    secureWipe(hex);
    if (!key) {
        error = QStringLiteral("the store key must be 64 hex digits (see 'sessionbook-office "
                               "keygen')");
    }
    return key;
}

} // namespace sb::office
