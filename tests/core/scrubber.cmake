# SPDX-License-Identifier: Apache-2.0
# Claim scrubber: each check firing and not firing, settings as data (overrides, severities,
# bad files), agreement with the coding engine; and the `sessionbook-office scrub` command.
sessionbook_add_test(core_scrubber_test LABEL core
    SOURCES scrubber_checks_test.cpp scrubber_settings_test.cpp
    LINKS Sessionbook::core)

if(TARGET sessionbook-office)
    sessionbook_add_test(core_scrubber_cli_test LABEL core
        SOURCES scrubber_cli_test.cpp
        LINKS Sessionbook::core sessionbook_test_support)
    add_dependencies(core_scrubber_cli_test sessionbook-office)
endif()
