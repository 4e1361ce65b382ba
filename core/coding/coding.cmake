# SPDX-License-Identifier: Apache-2.0
# The coding engine and its rule data. Included from core/CMakeLists.txt. The rule files are
# compiled into the library as Qt resources (:/sessionbook/coding/rules/<name>.json); a file
# given at run time (--rules, SESSIONBOOK_RULES) overrides them entry by entry.
target_sources(sessionbook_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/codingengine.cpp
    ${CMAKE_CURRENT_LIST_DIR}/codingtypes.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ruleset.cpp
)
qt_add_resources(sessionbook_core "sessionbook_coding_rules"
    PREFIX "/sessionbook/coding"
    BASE ${CMAKE_CURRENT_LIST_DIR}
    FILES
        ${CMAKE_CURRENT_LIST_DIR}/rules/base.json
        ${CMAKE_CURRENT_LIST_DIR}/rules/telehealth.json
        ${CMAKE_CURRENT_LIST_DIR}/rules/ncci.json
        ${CMAKE_CURRENT_LIST_DIR}/rules/mue.json
        ${CMAKE_CURRENT_LIST_DIR}/rules/medicaid.json
)
