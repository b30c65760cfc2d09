# cmake -DEXPECTED_EXIT=<code> [-DEXPECT1=<regex> ... -DEXPECT9=<regex>] -P check_command.cmake
#       -- <command> [<arg>...]
#
# Runs the command and fails unless it exits with EXPECTED_EXIT and its stdout and stderr,
# joined, match every EXPECT<n>. ctest's own PASS_REGULAR_EXPRESSION ignores the exit code.
set(command)
set(after_separator FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(after_separator)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif(CMAKE_ARGV${i} STREQUAL "--")
    set(after_separator TRUE)
  endif()
endforeach()
if(NOT command)
  message(FATAL_ERROR "check_command.cmake: no command after --")
endif()

execute_process(COMMAND ${command} RESULT_VARIABLE exit_code OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
set(output "${out}${err}")
message("${output}")
if(NOT exit_code STREQUAL "${EXPECTED_EXIT}")
  message(FATAL_ERROR "exit code ${exit_code}, expected ${EXPECTED_EXIT}")
endif()
foreach(n RANGE 1 9)
  if(DEFINED EXPECT${n} AND NOT output MATCHES "${EXPECT${n}}")
    message(FATAL_ERROR "output does not match EXPECT${n}: ${EXPECT${n}}")
  endif()
endforeach()
