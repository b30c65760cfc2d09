# scc_add_plugin(<target> <source>...)
#
# Builds a system-chaincode plugin: a MODULE library named <target>.so whose only dynamic
# export is scc_plugin_entry_v1. Everything else is hidden (compiler visibility plus a linker
# version script), so plugins cannot interpose on each other or on the host.
include_guard(GLOBAL)

set(_SCC_PLUGIN_VERSION_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/scc_plugin.map"
    CACHE INTERNAL "linker version script of scc plugins")

function(scc_add_plugin target)
  if(ARGC LESS 2)
    message(FATAL_ERROR "scc_add_plugin(${target}) needs at least one source file")
  endif()
  add_library(${target} MODULE ${ARGN})
  target_link_libraries(${target} PRIVATE scc::scc)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINK_DEPENDS "${_SCC_PLUGIN_VERSION_SCRIPT}")
  target_link_options(${target} PRIVATE
    "LINKER:--version-script=${_SCC_PLUGIN_VERSION_SCRIPT}"
    "LINKER:--exclude-libs,ALL")
endfunction()
