# SPDX-License-Identifier: Apache-2.0
# Code sets: ICD-10-CM format and NPI check digit tables, the built-in list, and imports of
# the real CMS releases from ../shared/icd10cm (skipped, loudly, when that folder is absent).
sessionbook_add_test(core_codesets_formats_test LABEL core
    SOURCES codesets_formats_test.cpp
    LINKS Sessionbook::core)
sessionbook_add_test(core_codesets_import_test LABEL core
    SOURCES codesets_import_test.cpp
    LINKS Sessionbook::core Sessionbook::test_support)
sessionbook_add_test(core_codesets_release_test LABEL core
    SOURCES codesets_release_test.cpp
    LINKS Sessionbook::core Sessionbook::test_support)
