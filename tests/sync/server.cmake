# SPDX-License-Identifier: Apache-2.0
# Server-side sync tests: the request decoder over hostile bytes (label "sync"), and the real
# `sessionbook-office serve` process over loopback TLS (label "integration").
add_library(sessionbook_server_harness STATIC server_harness.cpp)
target_link_libraries(sessionbook_server_harness PUBLIC Sessionbook::sync_server sessionbook_test_support
                                                       Qt6::Network)
target_compile_definitions(sessionbook_server_harness PRIVATE
    SESSIONBOOK_BIN_DIR="${PROJECT_BINARY_DIR}/bin")
sessionbook_configure_target(sessionbook_server_harness)

sessionbook_add_test(sync_server_decoder_test LABEL sync
    SOURCES server_decoder_test.cpp
    LINKS Sessionbook::sync_server sessionbook_test_support)

sessionbook_add_test(sync_server_protocol_test LABEL integration TIMEOUT 120
    SOURCES server_protocol_test.cpp
    LINKS sessionbook_server_harness)
sessionbook_add_test(sync_server_security_test LABEL integration TIMEOUT 120
    SOURCES server_security_test.cpp
    LINKS sessionbook_server_harness)
# The server binary must be current before the process tests run.
add_dependencies(sync_server_protocol_test sessionbook-office)
add_dependencies(sync_server_security_test sessionbook-office)

sessionbook_add_test(sync_server_audit_test LABEL sync
    SOURCES server_audit_test.cpp
    LINKS Sessionbook::sync_server sessionbook_test_support)
# testssl scans the real server (skipped, loudly, when testssl is not installed).
sessionbook_add_test(sync_server_tls_test LABEL integration TIMEOUT 240
    SOURCES server_tls_test.cpp
    LINKS sessionbook_server_harness)
add_dependencies(sync_server_tls_test sessionbook-office)
# The serve process itself: the pins it prints.
sessionbook_add_test(sync_server_process_test LABEL integration TIMEOUT 120
    SOURCES server_process_test.cpp
    LINKS sessionbook_server_harness)
add_dependencies(sync_server_process_test sessionbook-office)
# The fuzz target's apply half (tests/fuzz/pushapply.cpp), built and run with gcc too.
sessionbook_add_test(sync_push_apply_test LABEL sync
    SOURCES push_apply_test.cpp ${PROJECT_SOURCE_DIR}/tests/fuzz/pushapply.cpp
    LINKS Sessionbook::sync_server sessionbook_test_support)
target_include_directories(sync_push_apply_test PRIVATE ${PROJECT_SOURCE_DIR}/tests/fuzz)
