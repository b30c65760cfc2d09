# scc_add_plugin(<target> <source>...)
#
# Builds a system-chaincode plugin: a MODULE library named <target>.so whose only dynamic
# export is scc_plugin_entry_v1. Everything else is hidden (compiler visibility plus a linker
# version script), so plugins cannot interpose on each other or on the host.
#
# A library none of whose sources uses SCC_PLUGIN(...) or SCC_CONTRACT(...) has no entry, and
# every host would refuse it when loading it. scc_add_plugin() refuses it when linking instead:
# it adds a linker script whose ASSERT(DEFINED(scc_plugin_entry_v1), ...) fails the link with a
# message naming both macros. GNU ld, gold and lld read that script; with a linker that does not
# (checked once per build tree), the check is left out with a configure-time note, and such a
# library is refused only by the loader and scc-inspect.
#
# The version script needs a linker that reads GNU ld version scripts (GNU ld, gold, lld, mold);
# configuring fails, naming the linker flags, with one that does not.
#
# scc_add_plugin_test(<name> <source>... PLUGIN <plugin-target>... [LIBRARIES <lib>...]
#                     [LABELS <label>...])
#
# Builds the doctest executable <name> from <source>... and registers it with ctest as <name>,
# labelled with LABELS and with the names of the plugin targets. For each plugin target, the
# test is compiled with <TARGET>_PLUGIN_PATH (the target name in upper case, other characters
# than letters and digits as _) defined to the path of the built library, so that the test
# installs the plugin as a host loads it: harness.install(ASSETSCC_PLUGIN_PATH). The test
# depends on the plugins, so building it builds them.
#
# The test links scc::host (the harness and the loader; find_package(scc COMPONENTS host)),
# doctest and scc_plugin_test_main: the doctest main and the harness's definitions, compiled
# once per build tree and shared by every test this function makes. The test sources need no
# main: they include <doctest/doctest.h> and hold test cases only. They are compiled with
# SCC_TESTING_SEPARATE_COMPILATION, so <scc/testing.hpp> gives them the harness's declarations
# only; one that calls into the ledger engine itself (harness::channel(), ledger(), endorser())
# includes <scc/ledger/ledger.hpp> or <scc/ledger/endorser.hpp>.
include_guard(GLOBAL)

set(_SCC_PLUGIN_VERSION_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/scc_plugin.map"
    CACHE INTERNAL "linker version script of scc plugins")

# Checks once per build tree (again when the compiler or the linker flags change) that the linker
# reads the version script and the entry check. Sets the cache variables
# SCC_PLUGIN_LINKER_VERSION_SCRIPT and SCC_PLUGIN_LINKER_ASSERT.
function(_scc_probe_linker)
  set(key "${CMAKE_CXX_COMPILER}|${CMAKE_C_COMPILER}|${CMAKE_EXE_LINKER_FLAGS}|${CMAKE_MODULE_LINKER_FLAGS}")
  if(DEFINED CACHE{SCC_PLUGIN_LINKER_ASSERT} AND "$CACHE{_SCC_PLUGIN_LINKER_PROBED}" STREQUAL key)
    return()
  endif()
  unset(SCC_PLUGIN_LINKER_VERSION_SCRIPT CACHE)
  unset(SCC_PLUGIN_LINKER_ASSERT CACHE)
  include(CheckLinkerFlag)
  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  if("CXX" IN_LIST languages)
    set(language CXX)
  else()
    set(language C)  # a plugin written in C against scc/abi.h
  endif()
  # The probe links an executable, which has main but no plugin entry, with the flags a plugin
  # (a MODULE library) is linked with, so that -fuse-ld=... there is the linker probed.
  string(APPEND CMAKE_EXE_LINKER_FLAGS " ${CMAKE_MODULE_LINKER_FLAGS}")
  set(probe_dir "${CMAKE_BINARY_DIR}${CMAKE_FILES_DIRECTORY}/scc_linker_probe")
  file(WRITE "${probe_dir}/probe.map" "{ global: main; local: *; };\n")
  file(WRITE "${probe_dir}/probe.ld" "ASSERT(DEFINED(main), \"scc linker probe\");\n")
  set(CMAKE_REQUIRED_QUIET ON)
  check_linker_flag(${language} "LINKER:--version-script=${probe_dir}/probe.map"
                    SCC_PLUGIN_LINKER_VERSION_SCRIPT)
  if(NOT SCC_PLUGIN_LINKER_VERSION_SCRIPT)
    message(FATAL_ERROR
      "scc_add_plugin: the linker of ${CMAKE_${language}_COMPILER} does not accept "
      "-Wl,--version-script, which scc plugins need to export only scc_plugin_entry_v1. "
      "Use GNU ld, gold, lld or mold (e.g. -DCMAKE_MODULE_LINKER_FLAGS=-fuse-ld=lld). The probe "
      "linked with the flags '${CMAKE_EXE_LINKER_FLAGS}'; CMakeFiles/CMakeError.log has its output.")
  endif()
  check_linker_flag(${language} "LINKER:${probe_dir}/probe.ld" SCC_PLUGIN_LINKER_ASSERT)
  if(NOT SCC_PLUGIN_LINKER_ASSERT)
    message(STATUS
      "scc_add_plugin: the linker does not read linker-script ASSERT; a plugin that forgets "
      "SCC_PLUGIN/SCC_CONTRACT will build, and be refused only when loaded (scc-inspect says so)")
  endif()
  set(_SCC_PLUGIN_LINKER_PROBED "${key}" CACHE INTERNAL "what the scc linker probe ran with")
endfunction()

function(scc_add_plugin target)
  if(ARGC LESS 2)
    message(FATAL_ERROR "scc_add_plugin(${target}) needs at least one source file")
  endif()
  _scc_probe_linker()
  add_library(${target} MODULE ${ARGN})
  target_link_libraries(${target} PRIVATE scc::scc)
  set(link_depends "${_SCC_PLUGIN_VERSION_SCRIPT}")
  if(SCC_PLUGIN_LINKER_ASSERT)
    # One script per target, so that the message names it. The linker reads it as an implicit
    # linker script: it adds the assertion and changes nothing in the default layout.
    set(entry_check "${CMAKE_CURRENT_BINARY_DIR}${CMAKE_FILES_DIRECTORY}/${target}.dir/scc_entry_check.ld")
    file(CONFIGURE OUTPUT "${entry_check}" CONTENT
"ASSERT(DEFINED(scc_plugin_entry_v1), \"scc_add_plugin(${target}): this plugin has no entry point. \
No source of it uses SCC_PLUGIN(class, name [, version]) (raw plugins, scc/plugin.hpp) or \
SCC_CONTRACT(class, name, [version,] (function, params...)...) (typed contracts, scc/contract.hpp). \
Add exactly one of the two, at namespace scope, in one .cpp file of the library; without it every \
host refuses the library.\");
")
    target_link_options(${target} PRIVATE "LINKER:${entry_check}")
    list(APPEND link_depends "${entry_check}")
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS "${link_depends}")
  target_link_options(${target} PRIVATE
    "LINKER:--version-script=${_SCC_PLUGIN_VERSION_SCRIPT}"
    "LINKER:--exclude-libs,ALL")
endfunction()

# The doctest main shared by every scc_add_plugin_test() of the build tree.
function(_scc_plugin_test_main)
  if(TARGET scc_plugin_test_main)
    return()
  endif()
  if(NOT TARGET doctest::doctest)
    find_package(doctest REQUIRED)
    # Visible from every directory, as the main library that links it is.
    get_target_property(imported doctest::doctest IMPORTED)
    if(imported)
      set_target_properties(doctest::doctest PROPERTIES IMPORTED_GLOBAL TRUE)
    endif()
  endif()
  set(main_source "${CMAKE_BINARY_DIR}${CMAKE_FILES_DIRECTORY}/scc_plugin_test_main.cpp")
  file(CONFIGURE OUTPUT "${main_source}" CONTENT
"// The doctest main and the test harness's definitions for every scc_add_plugin_test(),
// compiled once per build tree.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#define SCC_TESTING_IMPLEMENTATION
#include <scc/testing.hpp>
")
  add_library(scc_plugin_test_main STATIC "${main_source}")
  # The tests then compile the harness's declarations only: most of a test file's compile time.
  target_compile_definitions(scc_plugin_test_main PUBLIC SCC_TESTING_SEPARATE_COMPILATION)
  target_link_libraries(scc_plugin_test_main PUBLIC doctest::doctest scc::host)
endfunction()

function(scc_add_plugin_test name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "PLUGIN;LIBRARIES;LABELS")
  if(NOT ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "scc_add_plugin_test(${name}) needs at least one test source")
  endif()
  if(NOT ARG_PLUGIN)
    message(FATAL_ERROR "scc_add_plugin_test(${name}) needs PLUGIN <the scc_add_plugin target>")
  endif()
  if(NOT TARGET scc::host)
    message(FATAL_ERROR
      "scc_add_plugin_test(${name}) needs scc::host, the test harness and loader: "
      "find_package(scc CONFIG REQUIRED COMPONENTS host), which needs the Boost >= 1.74 headers")
  endif()
  _scc_plugin_test_main()
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE scc_plugin_test_main scc::host ${ARG_LIBRARIES})
  foreach(plugin IN LISTS ARG_PLUGIN)
    if(NOT TARGET ${plugin})
      message(FATAL_ERROR "scc_add_plugin_test(${name}): PLUGIN ${plugin} is not a target; "
                          "call scc_add_plugin(${plugin} ...) first")
    endif()
    string(TOUPPER "${plugin}" macro)
    string(MAKE_C_IDENTIFIER "${macro}_PLUGIN_PATH" macro)
    target_compile_definitions(${name} PRIVATE "${macro}=\"$<TARGET_FILE:${plugin}>\"")
    add_dependencies(${name} ${plugin})
  endforeach()
  add_test(NAME ${name} COMMAND ${name})
  set(labels ${ARG_LABELS} ${ARG_PLUGIN})
  set_tests_properties(${name} PROPERTIES LABELS "${labels}")
endfunction()
