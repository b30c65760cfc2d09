# Install rules and the CMake package config: `cmake --install <build> --prefix <dir>` gives
#
#   include/scc/**                      all headers (scc::scc and scc::host are header-only)
#   lib/cmake/scc/sccConfig.cmake       find_package(scc CONFIG)
#   lib/cmake/scc/sccConfigVersion.cmake
#   lib/cmake/scc/sccTargets.cmake      scc::scc
#   lib/cmake/scc/sccHostTargets.cmake  scc::host (Boost headers, Threads, dl, BOOST_DLL_USE_STD_FS)
#   lib/cmake/scc/sccContractTargets.cmake  scc::contract (scc::scc + nlohmann_json +
#                                           OpenSSL::Crypto)
#   lib/cmake/scc/sccPlugin.cmake       scc_add_plugin(), scc_add_plugin_test()
#   lib/cmake/scc/scc_plugin.map        its linker version script (found next to sccPlugin.cmake)
#   bin/scc-inspect                     when the tools are built
#   share/doc/scc/{LICENSE,README.md}
#
# scc::scc, scc::host and scc::contract live in separate export sets so that sccConfig.cmake
# can define each of the last two only when its dependencies are there: a plugin-only consumer
# never needs Boost, nor nlohmann_json and OpenSSL unless it writes contracts.
# See sccConfig.cmake.in for the component rules.
#
# Versioning: while the SDK is 0.x every minor release may break the API, so the version file
# uses SameMinorVersion (find_package(scc 0.1) accepts 0.1.x only). Switch to SameMajorVersion
# at 1.0. The package is ARCH_INDEPENDENT: the libraries are headers only, so a 32-bit consumer
# may use an install made by a 64-bit build (bin/scc-inspect is a convenience, not part of the
# CMake interface).
include_guard(GLOBAL)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SCC_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/scc"
    CACHE STRING "Where to install scc's CMake package files, relative to the prefix")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/scc"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        COMPONENT scc_development
        FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp" PATTERN "*.inc")

install(TARGETS scc EXPORT sccTargets COMPONENT scc_development)
if(TARGET scc_host)
  install(TARGETS scc_host EXPORT sccHostTargets COMPONENT scc_development)
  install(EXPORT sccHostTargets
          NAMESPACE scc::
          DESTINATION "${SCC_INSTALL_CMAKEDIR}"
          COMPONENT scc_development)
endif()
if(TARGET scc_contract)
  install(TARGETS scc_contract EXPORT sccContractTargets COMPONENT scc_development)
  install(EXPORT sccContractTargets
          NAMESPACE scc::
          DESTINATION "${SCC_INSTALL_CMAKEDIR}"
          COMPONENT scc_development)
endif()
install(EXPORT sccTargets
        NAMESPACE scc::
        DESTINATION "${SCC_INSTALL_CMAKEDIR}"
        COMPONENT scc_development)
configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/sccConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/sccConfig.cmake"
  INSTALL_DESTINATION "${SCC_INSTALL_CMAKEDIR}"
  NO_SET_AND_CHECK_MACRO)
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/sccConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMinorVersion
  ARCH_INDEPENDENT)

install(FILES "${PROJECT_BINARY_DIR}/sccConfig.cmake"
              "${PROJECT_BINARY_DIR}/sccConfigVersion.cmake"
              "${CMAKE_CURRENT_LIST_DIR}/sccPlugin.cmake"
              "${CMAKE_CURRENT_LIST_DIR}/scc_plugin.map"
        DESTINATION "${SCC_INSTALL_CMAKEDIR}"
        COMPONENT scc_development)

install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" "${PROJECT_SOURCE_DIR}/README.md"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}"
        COMPONENT scc_development
        OPTIONAL)
