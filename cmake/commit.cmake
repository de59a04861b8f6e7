# cmake -DSRC=DIR -DOUT=FILE -P commit.cmake: writes FILE defining
# ASSAY_COMMIT as `git describe` of the source tree at build time
# ("unknown" outside a git checkout), and rewrites it only when it
# changes, so an unchanged commit recompiles nothing.
execute_process(COMMAND git -C "${SRC}" describe --always --dirty --abbrev=12
	OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
	ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR commit STREQUAL "")
	set(commit "unknown")
endif()
set(text "#define ASSAY_COMMIT \"${commit}\"\n")
set(old "")
if(EXISTS "${OUT}")
	file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
	file(WRITE "${OUT}" "${text}")
endif()
