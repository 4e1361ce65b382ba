# SPDX-License-Identifier: Apache-2.0
# Per-target settings shared by every Sessionbook target: warnings, strict Qt defines and
# sanitizers. Applied with sessionbook_configure_target(<target>), never through global flags.

function(sessionbook_configure_target target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
                                             -Wold-style-cast -Wcast-align -Woverloaded-virtual)
    if(SESSIONBOOK_WARNINGS_AS_ERRORS)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    target_compile_definitions(${target} PRIVATE
        QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_KEYWORDS QT_USE_QSTRINGBUILDER
        QT_NO_URL_CAST_FROM_STRING QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
        QT_DISABLE_DEPRECATED_UP_TO=0x060400)
    if(SESSIONBOOK_SANITIZE)
        target_compile_options(${target} PRIVATE -fsanitize=address,undefined
                                                 -fno-omit-frame-pointer -fno-sanitize-recover=all)
        target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    endif()
    if(SESSIONBOOK_FUZZ)
        # Coverage instrumentation for libFuzzer in every library the fuzz targets link.
        target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
    endif()
endfunction()

# A Catch2 test executable registered with CTest under a label (core, sync, platform, app,
# qml, integration). Usage: sessionbook_add_test(NAME LABEL <label> SOURCES ... LINKS ...);
# OWN_MAIN for a test that brings its main() (one that runs itself as a child process).
function(sessionbook_add_test name)
    cmake_parse_arguments(ARG "OWN_MAIN" "LABEL;TIMEOUT" "SOURCES;LINKS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    if(ARG_OWN_MAIN)
        target_link_libraries(${name} PRIVATE Catch2::Catch2 ${ARG_LINKS})
    else()
        target_link_libraries(${name} PRIVATE Catch2::Catch2WithMain ${ARG_LINKS})
    endif()
    target_compile_definitions(${name} PRIVATE
        SESSIONBOOK_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared"
        SESSIONBOOK_BIN_DIR="${PROJECT_BINARY_DIR}/bin")
    sessionbook_configure_target(${name})
    add_test(NAME ${name} COMMAND ${name} --reporter console --skip-benchmarks)
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 600)
    endif()
    # Exit code 4 is Catch2's "all tests were skipped": reported by CTest as skipped, not passed.
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABEL}" TIMEOUT ${ARG_TIMEOUT}
                                           SKIP_RETURN_CODE 4)
endfunction()
