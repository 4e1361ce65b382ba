# SPDX-License-Identifier: Apache-2.0
# bench-sync: the device sync client against the real `sessionbook-office serve` over
# loopback TLS (10,000-session push vs a batched insert into the office store; 200 devices
# at once). Reuses the sync client test harness (server process, devices).
if(NOT TARGET sessionbook_sync_client_harness)
    message(STATUS "bench-sync: the sync client test harness is not built; skipped")
    return()
endif()
add_executable(bench-sync ${CMAKE_CURRENT_LIST_DIR}/benchsync.cpp)
target_link_libraries(bench-sync PRIVATE sessionbook_sync_client_harness)
sessionbook_configure_target(bench-sync)
if(TARGET sessionbook-office)
    add_dependencies(bench-sync sessionbook-office)
endif()
