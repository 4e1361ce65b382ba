# SPDX-License-Identifier: Apache-2.0
# bench-coding: sessions coded per second on one thread, against a same-process baseline that
# produces the same output structs with no rule logic.
add_executable(bench-coding ${CMAKE_CURRENT_LIST_DIR}/benchcoding.cpp)
target_link_libraries(bench-coding PRIVATE Sessionbook::core)
sessionbook_configure_target(bench-coding)
