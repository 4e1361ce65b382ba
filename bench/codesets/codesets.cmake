# SPDX-License-Identifier: Apache-2.0
# bench-icd-search: per-keystroke ICD-10-CM search latency over the full FY2026 release,
# against a plain linear scan of the same rows in the same process.
add_executable(bench-icd-search ${CMAKE_CURRENT_LIST_DIR}/benchicdsearch.cpp)
target_link_libraries(bench-icd-search PRIVATE Sessionbook::core)
target_compile_definitions(bench-icd-search PRIVATE
    SESSIONBOOK_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
sessionbook_configure_target(bench-icd-search)
