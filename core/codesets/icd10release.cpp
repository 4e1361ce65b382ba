// SPDX-License-Identifier: Apache-2.0
#include "codesets/icd10release.h"

#include "codesets/codeformats.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <memory>
#include <zip.h>

namespace sb {

namespace {

constexpr qint64 maxFileBytes = 256 * 1024 * 1024;
constexpr int firstFiscalYear = 2016; // ICD-10-CM took effect on 1 October 2015.
constexpr int lastFiscalYear = 2079;  // Icd10Index keeps fiscal years as 64 bits from 2016.

using Kind = CodeSetError::Kind;

Unexpected<CodeSetError> malformed(const QString &name, qsizetype line, const QString &what)
{
    return codeSetError(
        Kind::Malformed,
        QStringLiteral("%1, line %2: %3").arg(QFileInfo(name).fileName()).arg(line).arg(what));
}

/// The fiscal years a file name mentions ("cms_2026_dx.zip", "icd10cm-codes-April-1-2026.txt").
QList<int> yearsInName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("(?<![0-9])(20[0-9]{2})(?![0-9])"));
    QList<int> years;
    auto it = pattern.globalMatch(QFileInfo(name).fileName());
    while (it.hasNext()) {
        const int year = it.next().captured(1).toInt();
        if (!years.contains(year)) {
            years.append(year);
        }
    }
    return years;
}

CodeSetResult<int> resolveYear(const QStringList &names, std::optional<int> given)
{
    for (const QString &name : names) {
        const QList<int> years = yearsInName(name);
        if (years.size() > 1) {
            continue;
        }
        if (years.size() == 1) {
            if (given && *given != years.front()) {
                return codeSetError(Kind::YearMismatch,
                                    QStringLiteral("fiscal year %1 was given but the file name "
                                                   "says %2")
                                        .arg(*given)
                                        .arg(years.front()));
            }
            return years.front();
        }
    }
    if (!given) {
        return codeSetError(Kind::UnknownYear,
                            QStringLiteral("the fiscal year is not in the file name; give it"));
    }
    return *given;
}

QString field(const QByteArray &line, qsizetype from, qsizetype length = -1)
{
    return QString::fromUtf8(line.mid(from, length)).trimmed();
}

bool hasBadBytes(const QByteArray &line)
{
    return std::any_of(line.cbegin(), line.cend(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7F;
    });
}

QString quoted(const QString &text)
{
    return u'\'' + text.left(12) + u'\'';
}

void deriveHeaders(Icd10Release &release)
{
    QSet<QString> billable;
    for (const Icd10Code &code : release.codes) {
        billable.insert(code.code);
    }
    QSet<QString> headers;
    for (const Icd10Code &code : release.codes) {
        for (qsizetype length = 3; length < code.code.size(); ++length) {
            const QString prefix = code.code.left(length);
            if (!prefix.endsWith(u'X') && !billable.contains(prefix)) {
                headers.insert(prefix);
            }
        }
    }
    QStringList sorted(headers.cbegin(), headers.cend());
    sorted.sort();
    for (const QString &header : sorted) {
        release.codes.push_back(Icd10Code{header, false, {}, {}});
    }
    release.headersDerived = true;
}

CodeSetResult<QByteArray> readZipMember(zip_t *archive, zip_uint64_t index, const QString &name)
{
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive, index, 0, &stat) != 0 || (stat.valid & ZIP_STAT_SIZE) == 0
        || stat.size > static_cast<zip_uint64_t>(maxFileBytes)) {
        return codeSetError(Kind::Io, name + QStringLiteral(": cannot size the zip member"));
    }
    std::unique_ptr<zip_file_t, decltype(&zip_fclose)> file(zip_fopen_index(archive, index, 0),
                                                            &zip_fclose);
    if (!file) {
        return codeSetError(Kind::Io, name + QStringLiteral(": cannot open the zip member"));
    }
    QByteArray data(static_cast<qsizetype>(stat.size), Qt::Uninitialized);
    qsizetype filled = 0;
    while (filled < data.size()) {
        const zip_int64_t n = zip_fread(file.get(), data.data() + filled,
                                        static_cast<zip_uint64_t>(data.size() - filled));
        if (n <= 0) {
            return codeSetError(Kind::Io, name + QStringLiteral(": the zip member is damaged"));
        }
        filled += static_cast<qsizetype>(n);
    }
    return data;
}

CodeSetResult<Icd10Release> parseZip(const QByteArray &bytes, const QString &path,
                                     std::optional<int> fiscalYear)
{
    const QString fileName = QFileInfo(path).fileName();
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t *source = zip_source_buffer_create(
        bytes.constData(), static_cast<zip_uint64_t>(bytes.size()), 0, &error);
    zip_t *raw = source ? zip_open_from_source(source, ZIP_RDONLY, &error) : nullptr;
    zip_error_fini(&error);
    if (!raw) {
        if (source) {
            zip_source_free(source);
        }
        return codeSetError(Kind::Malformed, fileName + QStringLiteral(": not a readable zip"));
    }
    std::unique_ptr<zip_t, decltype(&zip_discard)> archive(raw, &zip_discard);

    static const QRegularExpression member(QStringLiteral("^icd10cm[_-](order|codes)[_-].*\\.txt$"),
                                           QRegularExpression::CaseInsensitiveOption);
    std::optional<zip_uint64_t> orderIndex;
    std::optional<zip_uint64_t> codesIndex;
    const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
    for (zip_int64_t i = 0; i < count; ++i) {
        const auto index = static_cast<zip_uint64_t>(i);
        const char *entryName = zip_get_name(archive.get(), index, 0);
        if (!entryName) {
            continue;
        }
        const QString base = QFileInfo(QString::fromUtf8(entryName)).fileName();
        const auto match = member.match(base);
        if (!match.hasMatch() || base.contains(u"addenda", Qt::CaseInsensitive)) {
            continue;
        }
        auto &slot =
            match.captured(1).compare(u"order", Qt::CaseInsensitive) == 0 ? orderIndex : codesIndex;
        if (!slot) {
            slot = index;
        }
    }
    const std::optional<zip_uint64_t> chosen = orderIndex ? orderIndex : codesIndex;
    if (!chosen) {
        return codeSetError(Kind::NoCodeFile,
                            fileName + QStringLiteral(": no icd10cm order or codes file inside"));
    }
    const QString memberName =
        QFileInfo(QString::fromUtf8(zip_get_name(archive.get(), *chosen, 0))).fileName();
    auto year = resolveYear({memberName, fileName}, fiscalYear);
    if (!year) {
        return unexpected(year.error());
    }
    auto data = readZipMember(archive.get(), *chosen, fileName);
    if (!data) {
        return unexpected(data.error());
    }
    auto release = parseIcd10Text(*data, memberName, *year);
    if (release) {
        release->sourceName = fileName + u'!' + memberName;
    }
    return release;
}

} // namespace

QString toName(Icd10Layout layout)
{
    return layout == Icd10Layout::OrderFile ? QStringLiteral("order") : QStringLiteral("codes");
}

int Icd10Release::billableCount() const
{
    return static_cast<int>(
        std::count_if(codes.cbegin(), codes.cend(), [](const Icd10Code &c) { return c.billable; }));
}

int Icd10Release::headerCount() const
{
    return static_cast<int>(codes.size()) - billableCount();
}

CodeSetResult<Icd10Release> parseIcd10Text(const QByteArray &text, const QString &name,
                                           std::optional<int> fiscalYear)
{
    auto year = resolveYear({name}, fiscalYear);
    if (!year) {
        return unexpected(year.error());
    }
    if (*year < firstFiscalYear || *year > lastFiscalYear) {
        return codeSetError(Kind::UnknownYear,
                            QStringLiteral("%1 is not an ICD-10-CM fiscal year").arg(*year));
    }
    QList<QByteArray> lines = text.split('\n');
    while (!lines.isEmpty() && (lines.back().isEmpty() || lines.back() == "\r")) {
        lines.removeLast();
    }
    if (lines.isEmpty()) {
        return malformed(name, 1, QStringLiteral("the file holds no codes"));
    }
    Icd10Release release;
    release.fiscalYear = *year;
    release.sourceName = QFileInfo(name).fileName();
    static const QRegularExpression orderStart(QStringLiteral("^[0-9]{5} "));
    release.layout = orderStart.match(QString::fromLatin1(lines.front().left(6))).hasMatch()
                         ? Icd10Layout::OrderFile
                         : Icd10Layout::CodesFile;
    const bool order = release.layout == Icd10Layout::OrderFile;
    release.codes.reserve(static_cast<std::size_t>(lines.size()));

    QSet<QString> seen;
    seen.reserve(lines.size());
    int lastOrder = 0;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArray line = lines[i];
        const qsizetype lineNo = i + 1;
        if (line.endsWith('\r')) {
            line.chop(1);
        }
        if (hasBadBytes(line)) {
            return malformed(name, lineNo, QStringLiteral("control characters or an empty line"));
        }
        if (line.isEmpty()) {
            return malformed(name, lineNo, QStringLiteral("empty line"));
        }
        Icd10Code code;
        if (order) {
            if (line.size() < 79 || line[5] != ' ' || line[13] != ' ' || line[15] != ' '
                || line[76] != ' ' || (line[14] != '0' && line[14] != '1')) {
                return malformed(name, lineNo,
                                 QStringLiteral("not in the order-file layout (order number, "
                                                "code, 0/1 flag, short and long title)"));
            }
            bool numeric = false;
            const int number = QByteArray(line.left(5)).toInt(&numeric);
            if (!numeric || number <= lastOrder) {
                return malformed(name, lineNo, QStringLiteral("order numbers must increase"));
            }
            lastOrder = number;
            code.code = field(line, 6, 7);
            code.billable = line[14] == '1';
            code.shortDescription = field(line, 16, 60);
            code.longDescription = field(line, 77);
            if (line[6] == ' ' || code.shortDescription.isEmpty()
                || code.longDescription.isEmpty()) {
                return malformed(name, lineNo, QStringLiteral("a code or title is missing"));
            }
        } else {
            if (line.size() < 9 || line[7] != ' ' || line[0] == ' ') {
                return malformed(name, lineNo,
                                 QStringLiteral("not in the codes-file layout (code in columns "
                                                "1-7, title from column 9)"));
            }
            code.code = field(line, 0, 7);
            code.billable = true;
            code.longDescription = field(line, 8);
            if (code.longDescription.isEmpty()) {
                return malformed(name, lineNo, QStringLiteral("the title is missing"));
            }
        }
        if (!hasIcd10Shape(code.code)) {
            return malformed(name, lineNo,
                             quoted(code.code) + QStringLiteral(" is not an ICD-10-CM code"));
        }
        if (code.longDescription.contains(QChar::ReplacementCharacter)
            || code.shortDescription.contains(QChar::ReplacementCharacter)) {
            return malformed(name, lineNo, QStringLiteral("the title is not UTF-8 text"));
        }
        if (seen.contains(code.code)) {
            return malformed(name, lineNo, quoted(code.code) + QStringLiteral(" appears twice"));
        }
        seen.insert(code.code);
        release.codes.push_back(std::move(code));
    }
    if (!order) {
        deriveHeaders(release);
    }
    return release;
}

CodeSetResult<Icd10Release> readIcd10Release(const QString &path, std::optional<int> fiscalYear)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return codeSetError(Kind::Io, QStringLiteral("cannot read %1: %2")
                                          .arg(QFileInfo(path).fileName(), file.errorString()));
    }
    if (file.size() > maxFileBytes) {
        return codeSetError(Kind::Malformed,
                            QFileInfo(path).fileName() + QStringLiteral(": too large"));
    }
    const QByteArray bytes = file.readAll();
    const QByteArray digest = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
    auto release = bytes.startsWith("PK\x03\x04") ? parseZip(bytes, path, fiscalYear)
                                                  : parseIcd10Text(bytes, path, fiscalYear);
    if (release) {
        release->sha256 = digest;
    }
    return release;
}

} // namespace sb
