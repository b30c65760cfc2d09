# Included by the scripts that build projects against a freshly installed scc (-P scripts).
#
# check_scc_dir(BUILD_DIR PACKAGE_DIR): the project configured in BUILD_DIR found scc's package
# in PACKAGE_DIR (the fresh install), not in a build tree or another install.
function(check_scc_dir build_dir package_dir)
  file(STRINGS "${build_dir}/CMakeCache.txt" line REGEX "^scc_DIR:")
  string(REGEX REPLACE "^scc_DIR:[A-Z]+=" "" found "${line}")
  get_filename_component(found "${found}" REALPATH)
  get_filename_component(want "${package_dir}" REALPATH)
  if(NOT found STREQUAL want)
    message(FATAL_ERROR "${build_dir} found scc in '${found}', expected '${want}'")
  endif()
endfunction()
