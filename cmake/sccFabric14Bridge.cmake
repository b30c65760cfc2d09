# scc_add_fabric14_bridge(<target> PLUGIN <plugin target or .so path> [NAME <name>]
#                         [FABRIC_SRC <dir or tarball>] [OUTPUT <path>] [ALL])
#
# Builds the Go plugin that runs an scc plugin on a Fabric 1.4 peer (scripts/fabric14-bridge.sh,
# docs/fabric-1.4.md): OUTPUT, by default <target>.so in the current binary directory, is what
# core.yaml's chaincode.systemPlugins[].path names. It needs Go and the Fabric 1.4 source tree the
# peer was built from (FABRIC_SRC; by default the tarball in ../shared/fabric/ beside the source
# tree), so it is built only on request (cmake --build ... --target <target>), or with ALL.
# NAME is the chaincode name (default: the plugin's file name without .so).
include_guard(GLOBAL)

set(_SCC_FABRIC14_BRIDGE_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/../scripts/fabric14-bridge.sh"
    CACHE INTERNAL "builds a Fabric 1.4 bridge")
set(_SCC_FABRIC14_BRIDGE_SOURCES
    "${CMAKE_CURRENT_LIST_DIR}/../bridges/fabric-1.4/bridge.go"
    "${CMAKE_CURRENT_LIST_DIR}/../bridges/fabric-1.4/callbacks.go"
    "${CMAKE_CURRENT_LIST_DIR}/../bridges/fabric-1.4/calls.go"
    "${CMAKE_CURRENT_LIST_DIR}/../bridges/fabric-1.4/proposal.go"
    "${CMAKE_CURRENT_LIST_DIR}/../bridges/fabric-1.4/bridge.cpp"
    "${CMAKE_CURRENT_LIST_DIR}/../bridges/fabric-1.4/bridge.h"
    CACHE INTERNAL "sources of the Fabric 1.4 bridge")

function(scc_add_fabric14_bridge target)
  cmake_parse_arguments(ARG "ALL" "PLUGIN;NAME;FABRIC_SRC;OUTPUT" "" ${ARGN})
  if(NOT ARG_PLUGIN)
    message(FATAL_ERROR "scc_add_fabric14_bridge(${target}) needs PLUGIN <target or .so path>")
  endif()
  if(NOT ARG_OUTPUT)
    set(ARG_OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/${target}.so")
  endif()
  set(depends ${_SCC_FABRIC14_BRIDGE_SOURCES})
  if(TARGET ${ARG_PLUGIN})
    set(plugin_path "$<TARGET_FILE:${ARG_PLUGIN}>")
    list(APPEND depends ${ARG_PLUGIN})
    if(NOT ARG_NAME)
      set(ARG_NAME "$<TARGET_FILE_BASE_NAME:${ARG_PLUGIN}>")
    endif()
  else()
    get_filename_component(plugin_path "${ARG_PLUGIN}" ABSOLUTE)
  endif()
  set(options --plugin "${plugin_path}" -o "${ARG_OUTPUT}")
  if(ARG_NAME)
    list(APPEND options --name "${ARG_NAME}")
  endif()
  if(ARG_FABRIC_SRC)
    list(APPEND options --fabric-src "${ARG_FABRIC_SRC}")
  endif()
  add_custom_command(OUTPUT "${ARG_OUTPUT}"
    COMMAND "${_SCC_FABRIC14_BRIDGE_SCRIPT}" ${options}
    DEPENDS ${depends}
    COMMENT "Building the Fabric 1.4 bridge ${ARG_OUTPUT}"
    VERBATIM)
  if(ARG_ALL)
    add_custom_target(${target} ALL DEPENDS "${ARG_OUTPUT}")
  else()
    add_custom_target(${target} DEPENDS "${ARG_OUTPUT}")
  endif()
endfunction()
