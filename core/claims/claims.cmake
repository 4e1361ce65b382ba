# SPDX-License-Identifier: Apache-2.0
# Claims: the Claim value and the claim scrubber, with its settings as data. Included from
# core/CMakeLists.txt. scrubber.json is compiled in as a Qt resource
# (:/sessionbook/claims/rules/scrubber.json); a file given at run time (--settings,
# SESSIONBOOK_SCRUB_SETTINGS) overrides it entry by entry.
target_sources(sessionbook_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/claim.cpp
    ${CMAKE_CURRENT_LIST_DIR}/claimscrubber.cpp
    ${CMAKE_CURRENT_LIST_DIR}/scrubsettings.cpp
)
qt_add_resources(sessionbook_core "sessionbook_claims_rules"
    PREFIX "/sessionbook/claims"
    BASE ${CMAKE_CURRENT_LIST_DIR}
    FILES
        ${CMAKE_CURRENT_LIST_DIR}/rules/scrubber.json
)
