# Read by cpack (CPACK_PROJECT_CONFIG_FILE in CMakeLists.txt) for each
# generator before it packages.  Only the binary package is checked: the
# source package is the tree as it is.
if(CPACK_GENERATOR STREQUAL "DEB")
	# A sanitizer build links libasan and aborts on a leak at exit:
	# never a package.
	if(CPACK_ASSAY_BUILD_TYPE MATCHES "Sanitizer$")
		message(FATAL_ERROR "cpack: refusing to package this "
			"${CPACK_ASSAY_BUILD_TYPE} build (it links the sanitizer "
			"runtimes); package a Release build: cmake -S . -B build-rel "
			"-DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr "
			"-DBUILD_TESTING=OFF && cmake --build build-rel && "
			"(cd build-rel && cpack -G DEB)")
	endif()
	set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
	# The program's last fallback for its data is the configured
	# prefix's: configure the prefix the package installs to.
	if(NOT CPACK_ASSAY_INSTALL_PREFIX STREQUAL "/usr")
		message(WARNING "cpack: configured with CMAKE_INSTALL_PREFIX="
			"${CPACK_ASSAY_INSTALL_PREFIX}, packaged under /usr: the "
			"program finds its data beside itself, but configure "
			"-DCMAKE_INSTALL_PREFIX=/usr for a package")
	endif()
endif()
