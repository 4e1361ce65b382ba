# SPDX-License-Identifier: Apache-2.0
# bench-unlock: unlock (KDF + unwrap + Store::open + the first screen's query) against the KDF
# alone with the same iteration count, in the same process. Budget: <= 1.2x.
add_executable(bench-unlock ${CMAKE_CURRENT_LIST_DIR}/benchunlock.cpp)
target_link_libraries(bench-unlock PRIVATE sessionbook_app sessionbook_demo_device)
sessionbook_configure_target(bench-unlock)

# bench-app-start: cold start to first frame of `sessionbook` (offscreen) against an empty QML
# window launched by this program with --empty-window. Budget: <= 400 ms.
add_executable(bench-app-start ${CMAKE_CURRENT_LIST_DIR}/benchappstart.cpp)
target_link_libraries(bench-app-start PRIVATE Qt6::Quick)
sessionbook_configure_target(bench-app-start)
add_dependencies(bench-app-start sessionbook)

# bench-today-list: TodayModel reload with 10,000 sessions today (time and memory) against a
# raw SELECT of the same rows into a QList, in the same process. Budget: reset <= 30 ms.
add_executable(bench-today-list ${CMAKE_CURRENT_LIST_DIR}/benchtodaylist.cpp)
target_link_libraries(bench-today-list PRIVATE sessionbook_app sessionbook_demo_device)
sessionbook_configure_target(bench-today-list)
