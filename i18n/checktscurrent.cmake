# SPDX-License-Identifier: Apache-2.0
# Fails when a committed .ts is stale: lupdate (with the build's options) is run over a copy
# and must leave it unchanged, and no message may be left unfinished.
# Script mode: -DLUPDATE= -DOPTIONS= -DSOURCES_LIST= -DTS_FILES= -DWORK_DIR=
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(failed FALSE)
foreach(ts IN LISTS TS_FILES)
    get_filename_component(name "${ts}" NAME)
    set(copy "${WORK_DIR}/${name}")
    file(COPY_FILE "${ts}" "${copy}")
    execute_process(COMMAND "${LUPDATE}" ${OPTIONS} "@${SOURCES_LIST}" -ts "${copy}"
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    message(STATUS "lupdate ${name}:\n${out}")
    if(NOT rc EQUAL 0)
        message(SEND_ERROR "lupdate failed on ${name} (${rc})")
        set(failed TRUE)
        continue()
    endif()
    execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${ts}" "${copy}"
                    RESULT_VARIABLE differs)
    if(NOT differs EQUAL 0)
        message(SEND_ERROR "${name} is out of date with the sources: build the "
                "update_translations target, fill in the new forms, commit. lupdate's "
                "version is ${copy}")
        set(failed TRUE)
    endif()
    file(STRINGS "${ts}" unfinished REGEX "type=\"(unfinished|vanished|obsolete)\"")
    if(unfinished)
        message(SEND_ERROR "${name} has unfinished or obsolete messages:\n${unfinished}")
        set(failed TRUE)
    endif()
endforeach()
if(failed)
    message(FATAL_ERROR "stale translations")
endif()
