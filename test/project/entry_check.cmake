# cmake -P script behind the plugin_entry_check test. Variables:
#   SCC_SOURCE_DIR  the scc checkout;  WORK_DIR  scratch build tree, wiped first
#   GENERATOR, MAKE_PROGRAM, CXX_COMPILER, NM
#
# Configures test/project/entry_check, then:
#   1. builds with_entry: it links, and exports exactly scc_plugin_entry_v1;
#   2. builds no_entry (its source forgot SCC_PLUGIN): the build fails, the message names the
#      target and both SCC_PLUGIN and SCC_CONTRACT, and no no_entry.so is left behind;
#   3. builds no_entry again: it fails again (a failed link must not leave an up-to-date output);
#   4. with a linker that reads version scripts but not linker-script ASSERT (entry_check/
#      no-assert-ld/ld, found through -B): configuring says the check is off, and no_entry builds.
cmake_minimum_required(VERSION 3.20)
foreach(var SCC_SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "entry_check.cmake: ${var} is not set")
  endif()
endforeach()
if(NOT NM)
  set(NM nm)
endif()
file(REMOVE_RECURSE "${WORK_DIR}")

set(args -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" -DCMAKE_BUILD_TYPE=Release
    "-DSCC_SOURCE_DIR=${SCC_SOURCE_DIR}" -DCMAKE_DISABLE_FIND_PACKAGE_Boost=ON)
if(MAKE_PROGRAM)
  list(APPEND args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SCC_SOURCE_DIR}/test/project/entry_check"
                        -B "${WORK_DIR}" ${args}
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "configuring the entry_check project failed:\n${out}")
endif()
include("${WORK_DIR}/artifacts.cmake")

# 1. The plugin with its entry builds and exports only the entry.
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${WORK_DIR}" --target with_entry
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the plugin with SCC_PLUGIN failed to build:\n${out}")
endif()
execute_process(COMMAND "${NM}" -D --defined-only "${WITH_ENTRY}"
                RESULT_VARIABLE result OUTPUT_VARIABLE symbols ERROR_VARIABLE symbols)
string(REGEX REPLACE "[^\n]* ([^ \n]+)\n" "\\1;" symbols "${symbols}")
if(NOT result EQUAL 0 OR NOT symbols STREQUAL "scc_plugin_entry_v1;")
  message(FATAL_ERROR "with_entry.so must export exactly scc_plugin_entry_v1; nm says: ${symbols}")
endif()

# 2. and 3. The plugin without its entry fails, with the message, twice.
foreach(attempt first second)
  execute_process(COMMAND "${CMAKE_COMMAND}" --build "${WORK_DIR}" --target no_entry
                  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(result EQUAL 0)
    message(FATAL_ERROR "the ${attempt} build of a plugin without SCC_PLUGIN succeeded:\n${out}")
  endif()
  foreach(expect "scc_add_plugin(no_entry): this plugin has no entry point"
                 "SCC_PLUGIN(class, name [, version])" "SCC_CONTRACT(class, name,")
    string(FIND "${out}" "${expect}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "the ${attempt} failed build of no_entry does not say '${expect}':\n${out}")
    endif()
  endforeach()
  if(EXISTS "${NO_ENTRY}")
    message(FATAL_ERROR "the failed link left ${NO_ENTRY} behind")
  endif()
endforeach()
message(STATUS "a plugin without SCC_PLUGIN/SCC_CONTRACT is refused at link time:\n${out}")

# 4. Another linker: the check is off, said so, and the library builds.
set(other "${WORK_DIR}-no-assert")
file(REMOVE_RECURSE "${other}")
execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SCC_SOURCE_DIR}/test/project/entry_check"
                        -B "${other}" ${args}
                        "-DCMAKE_MODULE_LINKER_FLAGS=-B${SCC_SOURCE_DIR}/test/project/entry_check/no-assert-ld/"
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
string(FIND "${out}" "the linker does not read linker-script ASSERT" at)
if(NOT result EQUAL 0 OR at EQUAL -1)
  message(FATAL_ERROR "configuring with a linker without ASSERT did not say the check is off:\n${out}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${other}" --target no_entry
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "with a linker without ASSERT, no_entry should build (unchecked):\n${out}")
endif()
