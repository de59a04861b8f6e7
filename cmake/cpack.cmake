# Read by cpack (CPACK_PROJECT_CONFIG_FILE in CMakeLists.txt) before it
# packages.  A sanitizer build links libasan and aborts on a leak at exit:
# never a package.
if(CPACK_ASSAY_BUILD_TYPE MATCHES "Sanitizer$")
	message(FATAL_ERROR "cpack: refusing to package this ${CPACK_ASSAY_BUILD_TYPE} "
		"build (it links the sanitizer runtimes); "
		"package a Release build: cmake -S . -B build-rel "
		"-DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr "
		"-DBUILD_TESTING=OFF && cmake --build build-rel && "
		"(cd build-rel && cpack -G DEB)")
endif()
# The package installs under /usr; the program's built-in fallback data
# directory is the configured prefix's, so configure that as /usr too.
if(NOT CPACK_ASSAY_INSTALL_PREFIX STREQUAL CPACK_PACKAGING_INSTALL_PREFIX)
	message(WARNING "cpack: configured with CMAKE_INSTALL_PREFIX="
		"${CPACK_ASSAY_INSTALL_PREFIX}, packaged under "
		"${CPACK_PACKAGING_INSTALL_PREFIX}: the program finds its data "
		"beside itself, but configure -DCMAKE_INSTALL_PREFIX="
		"${CPACK_PACKAGING_INSTALL_PREFIX} for a package")
endif()
