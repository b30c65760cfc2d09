# cmake -P script behind the package_install test. Variables (all set by CMakeLists.txt):
#   SCC_BUILD_DIR   the scc build tree to install
#   SCC_CONFIG      its configuration (passed to --install/--build and as CMAKE_BUILD_TYPE)
#   WORK_DIR        scratch directory; wiped first. Kept afterwards for post-mortems.
#   CONSUMER_DIR    test/package/consumer
#   GENERATOR, MAKE_PROGRAM, CXX_COMPILER, NM, SANITIZE, EXPECT_INSPECT
#
# Steps:
#   1. cmake --install SCC_BUILD_DIR --prefix WORK_DIR/prefix, check the installed layout
#   2. plugin-only consumer, with Boost hidden (CMAKE_DISABLE_FIND_PACKAGE_Boost): proves
#      find_package(scc) and scc_add_plugin() do not need Boost
#   3. full consumer: plugin + host executable linking scc::host
#   4. nm -D --defined-only on the plugin: exactly one symbol, scc_plugin_entry_v1
#   5. run the host executable on the plugin and check its output
#   6. run the installed scc-inspect on the plugin, if it was installed
cmake_minimum_required(VERSION 3.20)

foreach(var SCC_BUILD_DIR WORK_DIR CONSUMER_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "package_test.cmake: ${var} is not set")
  endif()
endforeach()
if(NOT NM)
  set(NM nm)
endif()

set(prefix "${WORK_DIR}/prefix")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
unset(ENV{DESTDIR})

function(step title)
  string(TIMESTAMP now "%H:%M:%S")
  message(STATUS "[package test ${now}] ${title}")
endfunction()

# run(<log-name> <command>...): runs a command; on failure prints its output and fails.
include("${CMAKE_CURRENT_LIST_DIR}/project_steps.cmake")  # run(), check_scc_dir()

set(config_args)
if(SCC_CONFIG)
  set(config_args --config "${SCC_CONFIG}")
endif()

# ---- 1. install -----------------------------------------------------------------------------
step("installing ${SCC_BUILD_DIR} into ${prefix}")
run(install "${CMAKE_COMMAND}" --install "${SCC_BUILD_DIR}" --prefix "${prefix}" ${config_args})

set(expected
    include/scc/abi.h
    include/scc/plugin.hpp
    include/scc/stub.hpp
    include/scc/host/transaction.hpp
    include/scc/host/plugin_instance.hpp)
# CMAKE_INSTALL_LIBDIR may be lib, lib64 or lib/<multiarch>: find the package directory.
file(GLOB_RECURSE config_files LIST_DIRECTORIES false "${prefix}/*/sccConfig.cmake")
list(LENGTH config_files n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected exactly one installed sccConfig.cmake, found: ${config_files}")
endif()
get_filename_component(package_dir "${config_files}" DIRECTORY)
file(RELATIVE_PATH package_rel "${prefix}" "${package_dir}")
foreach(file sccConfig.cmake sccConfigVersion.cmake sccTargets.cmake sccHostTargets.cmake
             sccPlugin.cmake scc_plugin.map)
  list(APPEND expected "${package_rel}/${file}")
endforeach()
if(EXPECT_INSPECT)
  list(APPEND expected bin/scc-inspect)
endif()
foreach(file IN LISTS expected)
  if(NOT EXISTS "${prefix}/${file}")
    message(FATAL_ERROR "not installed: ${prefix}/${file}")
  endif()
endforeach()
# Every header in the source tree is installed.
get_filename_component(source_include "${CONSUMER_DIR}/../../../include" ABSOLUTE)
file(GLOB_RECURSE headers RELATIVE "${source_include}" "${source_include}/scc/*.h"
     "${source_include}/scc/*.hpp")
foreach(header IN LISTS headers)
  if(NOT EXISTS "${prefix}/include/${header}")
    message(FATAL_ERROR "header not installed: include/${header}")
  endif()
endforeach()

# ---- consumer builds ------------------------------------------------------------------------
set(common_args
    -G "${GENERATOR}"
    "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
    "-DCMAKE_PREFIX_PATH=${prefix}"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DCMAKE_FIND_PACKAGE_NO_SYSTEM_PACKAGE_REGISTRY=ON)
if(MAKE_PROGRAM)
  list(APPEND common_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(SCC_CONFIG)
  list(APPEND common_args "-DCMAKE_BUILD_TYPE=${SCC_CONFIG}")
endif()
if(SANITIZE)
  set(flags "-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all")
  list(APPEND common_args
       "-DCMAKE_CXX_FLAGS=${flags}"
       "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined"
       "-DCMAKE_MODULE_LINKER_FLAGS=-fsanitize=address,undefined")
endif()


# ---- 2. plugin-only consumer, Boost hidden --------------------------------------------------
step("plugin-only consumer (Boost hidden)")
set(build_plugin_only "${WORK_DIR}/consumer-plugin-only")
run(configure-plugin-only "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${build_plugin_only}"
    ${common_args} -DSCC_CONSUMER_PLUGIN_ONLY=ON -DCMAKE_DISABLE_FIND_PACKAGE_Boost=ON)
check_scc_dir("${build_plugin_only}" "${package_dir}")
run(build-plugin-only "${CMAKE_COMMAND}" --build "${build_plugin_only}" ${config_args})

# ---- 3. full consumer -----------------------------------------------------------------------
step("consumer with plugin and host")
set(build_full "${WORK_DIR}/consumer")
run(configure "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${build_full}" ${common_args})
check_scc_dir("${build_full}" "${package_dir}")
run(build "${CMAKE_COMMAND}" --build "${build_full}" ${config_args} --parallel 2)

# Paths of the built artifacts, written by the consumer with file(GENERATE).
set(artifacts "${build_full}/artifacts-${SCC_CONFIG}.cmake")
if(NOT EXISTS "${artifacts}")
  file(GLOB artifacts "${build_full}/artifacts-*.cmake")
endif()
include("${artifacts}")  # sets CONSUMER_PLUGIN and CONSUMER_HOST

# ---- 4. exported symbols --------------------------------------------------------------------
step("checking the dynamic symbols of ${CONSUMER_PLUGIN}")
run(nm "${NM}" -D --defined-only "${CONSUMER_PLUGIN}")
string(REGEX REPLACE "\n+$" "" lines "${RUN_OUTPUT}")
string(REPLACE "\n" ";" lines "${lines}")
set(symbols)
foreach(line IN LISTS lines)
  if(line MATCHES "([^ \t]+)[ \t]*$")
    list(APPEND symbols "${CMAKE_MATCH_1}")
  endif()
endforeach()
if(NOT symbols STREQUAL "scc_plugin_entry_v1")
  message(FATAL_ERROR "the plugin must export exactly one symbol, scc_plugin_entry_v1; "
                      "nm -D --defined-only says:\n${RUN_OUTPUT}")
endif()

# ---- 5. host run ----------------------------------------------------------------------------
step("running ${CONSUMER_HOST}")
run(host "${CONSUMER_HOST}" "${CONSUMER_PLUGIN}")
message("${RUN_OUTPUT}")
foreach(expect
        "loaded plugin 'counter' 1.2.3"
        "invoke put greeting hello -> 200"
        "invoke get greeting -> 200 'hello'"
        "invoke add visits 5 -> 200 '5'"
        "invoke add visits 2 -> 200 '7'"
        "invoke get nothing -> 500 key not found: nothing"
        "invoke bogus -> 500 unknown function 'bogus'"
        "invoke throw -> 500 the plugin threw on purpose"
        "refused /proc/self/exe: "
        "consumer host: all checks passed")
  string(FIND "${RUN_OUTPUT}" "${expect}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "host output lacks '${expect}'")
  endif()
endforeach()

# ---- 6. installed scc-inspect ---------------------------------------------------------------
if(EXISTS "${prefix}/bin/scc-inspect")
  step("running the installed scc-inspect")
  run(inspect "${prefix}/bin/scc-inspect" "${CONSUMER_PLUGIN}")
  message("${RUN_OUTPUT}")
  string(FIND "${RUN_OUTPUT}" "counter" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "scc-inspect output does not name the plugin 'counter'")
  endif()
endif()

step("package test passed")
