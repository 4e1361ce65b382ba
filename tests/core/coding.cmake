# SPDX-License-Identifier: Apache-2.0
# Coding engine: bands, add-ons, telehealth, Medicaid modifiers, same-day edits, rule loading
# and overrides; and the `sessionbook-office code` command line.
sessionbook_add_test(core_coding_test LABEL core
    SOURCES coding_engine_test.cpp coding_telehealth_test.cpp coding_rules_test.cpp
    LINKS Sessionbook::core)

if(TARGET sessionbook-office)
    sessionbook_add_test(core_coding_cli_test LABEL core
        SOURCES coding_cli_test.cpp
        LINKS Sessionbook::core sessionbook_test_support)
    add_dependencies(core_coding_cli_test sessionbook-office)
endif()
