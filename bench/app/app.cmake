# SPDX-License-Identifier: Apache-2.0
# bench-unlock: unlock (KDF + unwrap + Store::open + the first screen's query) against the KDF
# alone with the same iteration count, in the same process. Budget: <= 1.2x.
add_executable(bench-unlock ${CMAKE_CURRENT_LIST_DIR}/benchunlock.cpp)
target_link_libraries(bench-unlock PRIVATE sessionbook_app)
sessionbook_configure_target(bench-unlock)
