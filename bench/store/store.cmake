# SPDX-License-Identifier: Apache-2.0
# bench-store: durable save latency and batched insert rate, SQLCipher against plain SQLite.
#
# The baseline needs the very same store code over plain libsqlite3, so this builds a second
# static library from sessionbook_core's own source list (read from the target, so sources
# other engineers add to core are picked up) without SQLITE_HAS_CODEC. The two libraries
# export the same sqlite3_* symbols: bench-store links only SQLCipher, bench-store-plain only
# SQLite, and bench-store runs the plain one (and the unkeyed control) as child processes.

pkg_check_modules(SB_BENCH_SQLITE3 IMPORTED_TARGET sqlite3)
if(NOT SB_BENCH_SQLITE3_FOUND)
    message(STATUS "bench-store: plain libsqlite3 not found (libsqlite3-dev); skipped")
    return()
endif()

get_target_property(_sb_core_dir sessionbook_core SOURCE_DIR)
get_target_property(_sb_core_sources sessionbook_core SOURCES)
set(_sb_plain_sources)
foreach(_src IN LISTS _sb_core_sources)
    if(_src MATCHES "^\\$<" OR IS_ABSOLUTE "${_src}")
        list(APPEND _sb_plain_sources "${_src}")
    else()
        list(APPEND _sb_plain_sources "${_sb_core_dir}/${_src}")
    endif()
endforeach()

# Everything core links except SQLCipher (e.g. a zip library for code sets), PUBLIC here
# because the bench executable needs core's interface (Qt6::Core) from this target.
get_target_property(_sb_core_links sessionbook_core LINK_LIBRARIES)
list(REMOVE_ITEM _sb_core_links PkgConfig::SQLCIPHER)
get_target_property(_sb_core_defs sessionbook_core COMPILE_DEFINITIONS)
if(NOT _sb_core_defs)
    set(_sb_core_defs)
endif()
list(REMOVE_ITEM _sb_core_defs SQLITE_HAS_CODEC)

# One copy of core per SQLite library, all without SQLITE_HAS_CODEC (so never keyed).
function(_sb_bench_core_variant name sqlite_target)
    add_library(${name} STATIC ${_sb_plain_sources})
    target_include_directories(${name} PUBLIC ${_sb_core_dir})
    target_link_libraries(${name} PUBLIC ${_sb_core_links} PRIVATE ${sqlite_target})
    target_compile_definitions(${name} PRIVATE ${_sb_core_defs})
    foreach(_prop AUTOMOC AUTORCC AUTOUIC)
        get_target_property(_value sessionbook_core ${_prop})
        if(_value)
            set_target_properties(${name} PROPERTIES ${_prop} ${_value})
        endif()
    endforeach()
    sessionbook_configure_target(${name})
endfunction()

# The baseline: plain libsqlite3 (Debian's SQLite 3.40).
_sb_bench_core_variant(sessionbook_core_plainsqlite PkgConfig::SB_BENCH_SQLITE3)
# A control for the investigation: libsqlcipher never keyed, i.e. SQLCipher's own SQLite
# (3.46) with no codec attached. It separates encryption cost from the SQLite version and
# build differences between the two libraries.
_sb_bench_core_variant(sessionbook_core_unkeyed PkgConfig::SQLCIPHER)

add_executable(bench-store ${CMAKE_CURRENT_LIST_DIR}/benchstore.cpp)
target_link_libraries(bench-store PRIVATE Sessionbook::core)
target_compile_definitions(bench-store PRIVATE SESSIONBOOK_BENCH_VARIANT="sqlcipher")
sessionbook_configure_target(bench-store)

add_executable(bench-store-plain ${CMAKE_CURRENT_LIST_DIR}/benchstore.cpp)
target_link_libraries(bench-store-plain PRIVATE sessionbook_core_plainsqlite)
target_compile_definitions(bench-store-plain PRIVATE SESSIONBOOK_BENCH_VARIANT="sqlite")
sessionbook_configure_target(bench-store-plain)

add_executable(bench-store-unkeyed ${CMAKE_CURRENT_LIST_DIR}/benchstore.cpp)
target_link_libraries(bench-store-unkeyed PRIVATE sessionbook_core_unkeyed)
target_compile_definitions(bench-store-unkeyed PRIVATE SESSIONBOOK_BENCH_VARIANT="unkeyed")
sessionbook_configure_target(bench-store-unkeyed)

# bench-store starts the others from its own directory: build them together.
add_dependencies(bench-store bench-store-plain bench-store-unkeyed)
