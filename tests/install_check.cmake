# SPDX-License-Identifier: Apache-2.0
# Installs the build into a scratch prefix and checks what a packager gets: the two programs
# in bin/, runnable from there, and nothing of the tests, benchmarks or walkthrough.
#   cmake -DBUILD_DIR=... -DPREFIX=... -P install_check.cmake
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE installed OUTPUT_QUIET)
if(NOT installed EQUAL 0)
    message(FATAL_ERROR "cmake --install failed (${installed})")
endif()
foreach(program sessionbook sessionbook-office)
    if(NOT EXISTS "${PREFIX}/bin/${program}")
        message(FATAL_ERROR "${program} is not installed in ${PREFIX}/bin")
    endif()
endforeach()
execute_process(COMMAND "${PREFIX}/bin/sessionbook-office" --help
                RESULT_VARIABLE ran OUTPUT_VARIABLE help)
if(NOT ran EQUAL 0 OR NOT help MATCHES "serve")
    message(FATAL_ERROR "the installed sessionbook-office does not run (${ran})")
endif()
file(GLOB_RECURSE everything RELATIVE "${PREFIX}" "${PREFIX}/*")
foreach(path ${everything})
    if(path MATCHES "(_test|bench-|walkthrough)")
        message(FATAL_ERROR "installed a file that is not for users: ${path}")
    endif()
endforeach()
file(REMOVE_RECURSE "${PREFIX}")
