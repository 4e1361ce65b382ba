// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <initializer_list>
#include <map>
#include <optional>
#include <vector>

namespace sb {

/// One entry of a list section after the documents were laid over each other.
struct OverlaidEntry {
    QJsonObject object;
    QString source;   ///< The document it came from, for error messages.
    int document = 0; ///< Load order of that document.
    int sequence = 0; ///< Load order of the entry across all documents.
};

/// A list section: ids in the order first seen, each holding the last document's entry.
struct OverlaidList {
    std::vector<QString> order;
    std::map<QString, OverlaidEntry> byId;
};

/// The top-level shape of a rule format; any other key but a comment is refused.
struct OverlayFormat {
    int format = 1;
    /// Objects merged key by key: a later document's key replaces the earlier value.
    std::vector<QString> keyed;
    /// Objects of objects merged field by field: a later document can change one field of an
    /// entry ("severity") and keep the others.
    std::vector<QString> nested;
    /// Lists of objects with an "id": a later entry replaces the one with its id, keeping its
    /// place; "disabled": true removes it.
    std::vector<QString> lists;
};

/**
 * Rule documents (the built-in JSON files, then a practice's overrides) laid over each other
 * in load order, and the checks every rule loader needs on the way in: a JSON object, the
 * format number, known sections of the right type, list entries with ids, and no unknown
 * keys. What the entries mean is the loader's to compile. Errors name the document and the
 * section, never the data.
 */
class JsonOverlay {
public:
    struct Document {
        QString name;
        QJsonValue version; ///< Undefined when the document has none.
    };

    explicit JsonOverlay(OverlayFormat format);

    /// Lays one document over the earlier ones. Returns the problem ("name: what"), empty when
    /// the document was taken; a refused document merges nothing.
    [[nodiscard]] QString add(const QString &name, const QByteArray &json);

    /// A keyed or nested section as merged; empty when no document had it.
    [[nodiscard]] QJsonObject section(const QString &name) const;
    /// A list section as merged; empty when no document had it.
    [[nodiscard]] const OverlaidList &list(const QString &name) const;
    /// Every document taken, in load order.
    [[nodiscard]] const QList<Document> &documents() const { return m_documents; }

private:
    OverlayFormat m_format;
    std::map<QString, QJsonObject> m_sections;
    std::map<QString, OverlaidList> m_lists;
    QList<Document> m_documents;
    int m_sequence = 0;
};

/// Keys that annotate an entry in the data ("note", "certainty", "source") and mean nothing.
[[nodiscard]] bool isJsonCommentKey(const QString &key);

/// The first key of `object` that is neither in `allowed` nor a comment key; empty when none.
[[nodiscard]] QString unknownJsonKey(const QJsonObject &object,
                                     std::initializer_list<const char *> allowed);

/// A date written YYYY-MM-DD, as a Julian day; nothing when it is not one.
[[nodiscard]] std::optional<qint64> jsonJulianDay(const QJsonValue &value);

/// A whole number from `minimum` to `maximum`; nothing when it is anything else.
[[nodiscard]] std::optional<int> jsonWholeNumber(const QJsonValue &value, int minimum, int maximum);

} // namespace sb
