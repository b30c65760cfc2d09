# Included by the scripts that build projects against a freshly installed scc (-P scripts).
#
# run(NAME COMMAND...): runs COMMAND, keeps its output in WORK_DIR/<NAME as an identifier>.log
# and in RUN_OUTPUT, and stops the script with that output when it fails.
function(run name)
  string(TIMESTAMP now "%H:%M:%S")
  message(STATUS "[${now}] ${name}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
  string(MAKE_C_IDENTIFIER "${name}" log)
  file(WRITE "${WORK_DIR}/${log}.log" "${out}")
  if(NOT result EQUAL 0)
    string(REPLACE ";" " " shown "${ARGN}")
    message(FATAL_ERROR "FAILED (${result}): ${shown}\n${out}\n(log: ${WORK_DIR}/${log}.log)")
  endif()
  set(RUN_OUTPUT "${out}" PARENT_SCOPE)
endfunction()

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
