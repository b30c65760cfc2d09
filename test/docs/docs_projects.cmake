# cmake -P script behind the docs_projects test: a reader's projects, made only from the docs.
# Variables (set by CMakeLists.txt):
#   SCC_BUILD_DIR  the scc build tree to install;  SNIPPETS  the extracted code of the docs
#   WORK_DIR       scratch directory, wiped first, kept afterwards for post-mortems
#   PROJECTS       the page/project folders of SNIPPETS that hold a CMakeLists.txt
#   GENERATOR, MAKE_PROGRAM, CXX_COMPILER
#
# Steps, each one the docs show (writing-a-plugin.md section 1, contracts.md section 8):
#   1. cmake --install <scc build> --prefix <prefix> (the SDK component: headers and package)
#   2. for each project: cmake -S <project> -B <build> -DCMAKE_PREFIX_PATH=<prefix>,
#      cmake --build <build>, ctest --test-dir <build>; a project with tests must run them all
#      and pass. Built with -Wall -Wextra -Werror, and must find scc in <prefix>.
#   3. find_package(scc CONFIG REQUIRED COMPONENTS host), as testing.md shows it, for a contract
#      that links scc::contract: configuring and generating must succeed.
cmake_minimum_required(VERSION 3.20)
foreach(var SCC_BUILD_DIR SNIPPETS WORK_DIR PROJECTS GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "docs_projects.cmake: ${var} is not set")
  endif()
endforeach()
set(prefix "${WORK_DIR}/prefix")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
unset(ENV{DESTDIR})

include("${CMAKE_CURRENT_LIST_DIR}/../package/project_steps.cmake")  # run(), check_scc_dir()

# 1. The SDK into a fresh prefix.
run("install scc" "${CMAKE_COMMAND}" --install "${SCC_BUILD_DIR}" --prefix "${prefix}"
    --component scc_development)
file(GLOB_RECURSE config "${prefix}/*/sccConfig.cmake")
get_filename_component(package_dir "${config}" DIRECTORY)

set(args -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" "-DCMAKE_PREFIX_PATH=${prefix}"
    "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DCMAKE_FIND_PACKAGE_NO_SYSTEM_PACKAGE_REGISTRY=ON)
if(MAKE_PROGRAM)
  list(APPEND args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()


# 2. Each project of the docs, as its page says to build and test it.
foreach(project IN LISTS PROJECTS)
  set(source "${SNIPPETS}/${project}")
  string(MAKE_C_IDENTIFIER "${project}" build_name)
  set(build "${WORK_DIR}/${build_name}")
  run("${project}: configure" "${CMAKE_COMMAND}" -S "${source}" -B "${build}" ${args})
  check_scc_dir("${build}" "${package_dir}")
  run("${project}: build" "${CMAKE_COMMAND}" --build "${build}" --parallel 2)
  if(EXISTS "${build}/CTestTestfile.cmake")
    run("${project}: ctest" "${CMAKE_CTEST_COMMAND}" --test-dir "${build}" --output-on-failure)
    if(NOT RUN_OUTPUT MATCHES "100% tests passed, 0 tests failed out of [1-9]")
      message(FATAL_ERROR "${project}: ctest ran no test:\n${RUN_OUTPUT}")
    endif()
    message(STATUS "${RUN_OUTPUT}")
  endif()
endforeach()

# 3. COMPONENTS host only, and a contract that links scc::contract.
set(source "${WORK_DIR}/components_host")
file(WRITE "${source}/CMakeLists.txt" "cmake_minimum_required(VERSION 3.20)
project(escrow LANGUAGES CXX)
find_package(scc CONFIG REQUIRED COMPONENTS host)
scc_add_plugin(escrow escrow.cpp)
target_link_libraries(escrow PRIVATE scc::contract)
")
configure_file("${SNIPPETS}/contracts/tokenscc/tokenscc.cpp" "${source}/escrow.cpp" COPYONLY)
run("COMPONENTS host, linking scc::contract: configure"
    "${CMAKE_COMMAND}" -S "${source}" -B "${WORK_DIR}/components_host-build" ${args})
message(STATUS "[docs_projects] every project of the docs built and passed its tests")
