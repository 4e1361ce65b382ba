# SPDX-License-Identifier: Apache-2.0
# Security and crash-safety tests of the encrypted store: wrong key, corrupt files, no plaintext
# on disk, the real SQLCipher file format (checked with the sqlcipher shell), SIGKILL loops.

sessionbook_add_test(core_store_security_test LABEL core
    SOURCES store_security_test.cpp
    LINKS Sessionbook::core)

# The process the crash test kills: opens the store and commits records until SIGKILLed.
add_executable(store_crash_child store_crash_child.cpp)
target_link_libraries(store_crash_child PRIVATE Sessionbook::core)
sessionbook_configure_target(store_crash_child)

# Rounds default to 200 (SESSIONBOOK_CRASH_ROUNDS); each is a few tens of milliseconds.
sessionbook_add_test(core_store_crash_test LABEL core TIMEOUT 300
    SOURCES store_crash_test.cpp
    LINKS Sessionbook::core)
add_dependencies(core_store_crash_test store_crash_child)

# The page layout migration (old SQLCipher 4 defaults to the current layout), with SIGKILLs
# of store_crash_child while it migrates.
sessionbook_add_test(core_store_layout_test LABEL core TIMEOUT 300
    SOURCES store_layout_test.cpp
    LINKS Sessionbook::core)
add_dependencies(core_store_layout_test store_crash_child)
