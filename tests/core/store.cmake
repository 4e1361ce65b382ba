# SPDX-License-Identifier: Apache-2.0
# Store tests: repository round trips, signed-record immutability, schema migrations,
# hostile text, the audit chain and session timing. All run against the real SQLCipher store
# in temporary directories.
sessionbook_add_test(core_store_repository_test LABEL core
    SOURCES store_repository_test.cpp
    LINKS Sessionbook::core Sessionbook::test_support)
sessionbook_add_test(core_store_session_test LABEL core
    SOURCES store_session_test.cpp
    LINKS Sessionbook::core Sessionbook::test_support)
sessionbook_add_test(core_store_immutability_test LABEL core
    SOURCES store_immutability_test.cpp
    LINKS Sessionbook::core Sessionbook::test_support)
sessionbook_add_test(core_store_migration_test LABEL core
    SOURCES store_migration_test.cpp
    LINKS Sessionbook::core Sessionbook::test_support)
sessionbook_add_test(core_store_hostile_text_test LABEL core
    SOURCES store_hostile_text_test.cpp
    LINKS Sessionbook::core Sessionbook::test_support)
sessionbook_add_test(core_audit_test LABEL core
    SOURCES audit_test.cpp
    LINKS Sessionbook::core Sessionbook::test_support)
# The timer's server offset per tap and the date of service it gives (schema v12).
sessionbook_add_test(core_servicedate_test LABEL core
    SOURCES servicedate_test.cpp
    LINKS Sessionbook::core Sessionbook::test_support)
