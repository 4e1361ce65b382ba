# SPDX-License-Identifier: Apache-2.0
# Core's private headers stay private (design.md: a wrong include fails to build). Builds two
# probes against Sessionbook::core as any other target would: one including public headers
# must compile, one including a private header must fail to, for want of that header.
# Run as: cmake -DBUILD_DIR=<build dir> -P private_header_check.cmake
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target core_public_header_probe
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "core's public headers do not compile outside core:\n${out}${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target core_private_header_probe
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
    message(FATAL_ERROR "a target outside core compiled #include \"coding/ruleset_p.h\"")
endif()
string(FIND "${out}${err}" "coding/ruleset_p.h" found)
if(found EQUAL -1)
    message(FATAL_ERROR "the private-header probe failed for another reason:\n${out}${err}")
endif()
message(STATUS "core's private header is out of reach outside core")
