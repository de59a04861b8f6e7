# cmake -DSRC=DIR -DOUT=FILE -P commit.cmake: writes FILE defining
# ASSAY_COMMIT as `git describe` of the source tree at build time
# ("unknown" outside a git checkout), and rewrites it only when it
# changes, so an unchanged commit recompiles nothing.  $ASSAY_COMMIT, when
# set, is taken instead: a build without .git (the Dockerfile's).
if(DEFINED ENV{ASSAY_COMMIT} AND NOT "$ENV{ASSAY_COMMIT}" STREQUAL "")
	set(commit "$ENV{ASSAY_COMMIT}")
	set(rc 0)
else()
	execute_process(COMMAND git -C "${SRC}" describe --always --dirty --abbrev=12
		OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
		ERROR_QUIET RESULT_VARIABLE rc)
endif()
# It becomes a C string: nothing but what git describe writes.
if(NOT rc EQUAL 0 OR NOT commit MATCHES "^[A-Za-z0-9._+-]+$")
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
