// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringView>

#include <span>

namespace sb {

/// One code of the built-in list: billable, no dot, with its CMS long description.
struct BuiltInIcd10Code {
    const char *code;
    const char *description;
};

/**
 * A hundred common behavioral-health diagnoses (chapter 5 F codes and the Z codes therapists
 * use most), so that a fresh install can record diagnoses before anyone imports a CMS
 * release. Every code is billable in both FY2025 and FY2026 with the same title (checked
 * against the CMS order files by codesets_import_test); the titles are the CMS long
 * descriptions, which are public domain. Once a release is imported, the release decides.
 */
std::span<const BuiltInIcd10Code> builtInIcd10Codes();

/// The built-in entry for a normalized code (no dot, upper case), or nullptr.
const BuiltInIcd10Code *findBuiltInIcd10(QStringView code);

} // namespace sb
