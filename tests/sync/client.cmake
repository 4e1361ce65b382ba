# SPDX-License-Identifier: Apache-2.0
# Device sync client tests. client_devicestore_test runs without a network (label "sync");
# the others spawn the real `sessionbook-office serve` and talk TLS to it over loopback,
# directly or through the seeded fault proxy (label "integration").
add_library(sessionbook_sync_client_harness STATIC client_harness.cpp faultproxy.cpp)
target_include_directories(sessionbook_sync_client_harness PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(sessionbook_sync_client_harness PUBLIC Sessionbook::sync_client Sessionbook::sync_server
                                                             sessionbook_test_support)
target_compile_definitions(sessionbook_sync_client_harness PRIVATE
    SESSIONBOOK_BIN_DIR="${PROJECT_BINARY_DIR}/bin")
set_target_properties(sessionbook_sync_client_harness PROPERTIES AUTOMOC ON)
sessionbook_configure_target(sessionbook_sync_client_harness)

sessionbook_add_test(sync_client_devicestore_test LABEL sync
    SOURCES client_devicestore_test.cpp
    LINKS Sessionbook::sync_client sessionbook_test_support)

add_executable(sync_client_child client_child.cpp)
target_link_libraries(sync_client_child PRIVATE Sessionbook::sync_client sessionbook_test_support)
sessionbook_configure_target(sync_client_child)

sessionbook_add_test(sync_client_e2e_test LABEL integration TIMEOUT 300
    SOURCES client_e2e_test.cpp
    LINKS sessionbook_sync_client_harness)
sessionbook_add_test(sync_client_liveness_test LABEL integration TIMEOUT 300
    SOURCES client_liveness_test.cpp
    LINKS sessionbook_sync_client_harness)
sessionbook_add_test(sync_client_faults_test LABEL integration TIMEOUT 600
    SOURCES client_faults_test.cpp
    LINKS sessionbook_sync_client_harness)
if(TARGET sessionbook-office)
    add_dependencies(sync_client_e2e_test sessionbook-office)
    add_dependencies(sync_client_liveness_test sessionbook-office)
    add_dependencies(sync_client_faults_test sessionbook-office sync_client_child)
endif()
sessionbook_add_test(sync_client_flood_test LABEL integration TIMEOUT 180
    SOURCES client_flood_test.cpp
    LINKS sessionbook_sync_client_harness)
if(TARGET sessionbook-office)
    add_dependencies(sync_client_flood_test sessionbook-office)
endif()
