// SPDX-License-Identifier: Apache-2.0
#include "util/jsonoverlay.h"

#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace sb {

namespace {

bool listed(const std::vector<QString> &names, const QString &key)
{
    return std::find(names.begin(), names.end(), key) != names.end();
}

void mergeKeys(QJsonObject &into, const QJsonObject &from)
{
    for (auto it = from.begin(); it != from.end(); ++it) {
        into.insert(it.key(), it.value());
    }
}

} // namespace

JsonOverlay::JsonOverlay(OverlayFormat format)
    : m_format(std::move(format))
{
}

QString JsonOverlay::add(const QString &name, const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isObject()) {
        return name + QStringLiteral(": not a JSON object (") + parseError.errorString()
               + QStringLiteral(" at offset ") + QString::number(parseError.offset) + u')';
    }
    const QJsonObject root = document.object();
    if (root.value(u"format").toInt() != m_format.format) {
        return name + QStringLiteral(": unsupported rule format (expected \"format\": ")
               + QString::number(m_format.format) + u')';
    }
    // Shape first, so that a refused document merges nothing.
    for (auto it = root.begin(); it != root.end(); ++it) {
        const QString &key = it.key();
        if (key == u"format" || key == u"version" || isJsonCommentKey(key)) {
            continue;
        }
        if (listed(m_format.keyed, key) || listed(m_format.nested, key)) {
            if (!it.value().isObject()) {
                return name + u": " + key + QStringLiteral(" must be an object");
            }
            if (listed(m_format.nested, key)) {
                const QJsonObject entries = it.value().toObject();
                for (auto entry = entries.begin(); entry != entries.end(); ++entry) {
                    if (!entry.value().isObject()) {
                        return name + u": " + key + u'[' + entry.key()
                               + QStringLiteral("] must be an object");
                    }
                }
            }
        } else if (listed(m_format.lists, key)) {
            if (!it.value().isArray()) {
                return name + u": " + key + QStringLiteral(" must be a list");
            }
            for (const auto &item : it.value().toArray()) {
                if (item.toObject().value(u"id").toString().isEmpty()) {
                    return name + u": " + key + QStringLiteral(": every entry needs an id");
                }
            }
        } else {
            return name + QStringLiteral(": unknown section '") + key + u'\'';
        }
    }

    const int documentOrder = int(m_documents.size());
    for (auto it = root.begin(); it != root.end(); ++it) {
        const QString &key = it.key();
        if (listed(m_format.keyed, key)) {
            mergeKeys(m_sections[key], it.value().toObject());
        } else if (listed(m_format.nested, key)) {
            QJsonObject &section = m_sections[key];
            const QJsonObject entries = it.value().toObject();
            for (auto entry = entries.begin(); entry != entries.end(); ++entry) {
                QJsonObject fields = section.value(entry.key()).toObject();
                mergeKeys(fields, entry.value().toObject());
                section.insert(entry.key(), fields);
            }
        } else if (listed(m_format.lists, key)) {
            OverlaidList &list = m_lists[key];
            for (const auto &item : it.value().toArray()) {
                const QJsonObject object = item.toObject();
                const QString id = object.value(u"id").toString();
                if (object.value(u"disabled").toBool(false)) {
                    list.byId.erase(id);
                    continue;
                }
                if (list.byId.find(id) == list.byId.end()) {
                    list.order.push_back(id);
                }
                list.byId[id] = OverlaidEntry{object, name, documentOrder, m_sequence++};
            }
        }
    }
    m_documents.append(Document{name, root.value(u"version")});
    return {};
}

QJsonObject JsonOverlay::section(const QString &name) const
{
    const auto found = m_sections.find(name);
    return found == m_sections.end() ? QJsonObject() : found->second;
}

const OverlaidList &JsonOverlay::list(const QString &name) const
{
    static const OverlaidList empty;
    const auto found = m_lists.find(name);
    return found == m_lists.end() ? empty : found->second;
}

bool isJsonCommentKey(const QString &key)
{
    return key == u"note" || key == u"certainty" || key == u"source";
}

QString unknownJsonKey(const QJsonObject &object, std::initializer_list<const char *> allowed)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (isJsonCommentKey(it.key())) {
            continue;
        }
        const bool known = std::any_of(allowed.begin(), allowed.end(), [&](const char *name) {
            return it.key() == QLatin1String(name);
        });
        if (!known) {
            return it.key();
        }
    }
    return {};
}

std::optional<qint64> jsonJulianDay(const QJsonValue &value)
{
    const QDate parsed = QDate::fromString(value.toString(), Qt::ISODate);
    if (!parsed.isValid()) {
        return std::nullopt;
    }
    return parsed.toJulianDay();
}

std::optional<int> jsonWholeNumber(const QJsonValue &value, int minimum, int maximum)
{
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < minimum || number > maximum || number != int(number)) {
        return std::nullopt;
    }
    return int(number);
}

} // namespace sb
