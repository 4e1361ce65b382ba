// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "coding/codingtypes.h"
#include "util/expected.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>

namespace sb::coding {

struct RuleTables;

/// Why a rule file could not be used; names the file, section and entry, never session data.
struct RuleLoadError {
    QString message;
};

/// One JSON rule document and the name errors refer to it by.
struct RuleSource {
    QString name;
    QByteArray json;
};

/**
 * The coding rules as data: time bands, add-on pairings, telehealth place of service and
 * modifiers by payer and date, Medicaid credential modifiers per state, same-day pairs (NCCI
 * style) and units-per-day limits (MUE). Payer policy changes by date and differs by payer,
 * so none of it is compiled into the engine: the versioned files in core/coding/rules/ are
 * built into the binary, and a file given at run time replaces entries by id (or adds new
 * ones, or disables them with "disabled": true) without a rebuild.
 *
 * Everything is validated and pre-indexed at load time so that coding a session does no
 * parsing and no allocation. A RuleSet is immutable once loaded and safe to share between
 * threads.
 */
class RuleSet {
public:
    ~RuleSet();
    RuleSet(const RuleSet &) = delete;
    RuleSet &operator=(const RuleSet &) = delete;

    /// The rule files compiled into the binary, in load order.
    static QList<RuleSource> builtinSources();

    /// Loads documents in order; later documents replace earlier entries with the same id.
    static Expected<std::shared_ptr<const RuleSet>, RuleLoadError>
    load(const QList<RuleSource> &sources);

    /// The built-in rules, with the file at `overridePath` on top when it is not empty.
    static Expected<std::shared_ptr<const RuleSet>, RuleLoadError>
    builtin(const QString &overridePath = {});

    /// "name@version" of every loaded document, comma separated (for logs and audit rows).
    [[nodiscard]] const QString &version() const { return m_version; }

    /// The project's own short description of a code; empty when the code is unknown.
    [[nodiscard]] QString description(ProcedureCode code) const;

    /// The rule with this id (band, table entry or message), or nullptr.
    [[nodiscard]] const RuleText *findRule(QStringView id) const;

    [[nodiscard]] const RuleTables &tables() const { return *m_tables; }

private:
    RuleSet();
    std::unique_ptr<RuleTables> m_tables;
    QString m_version;
};

} // namespace sb::coding
