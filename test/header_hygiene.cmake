# Compiles a file that includes only <scc/plugin.hpp> with -H and fails if any header outside
# the C++ standard library, the C library and include/scc is pulled in.
file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/hygiene_probe.cpp" "#include <scc/plugin.hpp>\n")
execute_process(
  COMMAND ${CXX} -std=c++17 -H -fsyntax-only -I${INCLUDE_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/hygiene_probe.cpp
  RESULT_VARIABLE result ERROR_VARIABLE trace)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "compiling <scc/plugin.hpp> alone failed:\n${trace}")
endif()
string(REPLACE "\n" ";" lines "${trace}")
set(headers 0)
foreach(line IN LISTS lines)
  if(NOT line MATCHES "^\\.+ (.*)$")
    continue()
  endif()
  set(path "${CMAKE_MATCH_1}")
  math(EXPR headers "${headers} + 1")
  if(path MATCHES "^${INCLUDE_DIR}/scc/" OR path MATCHES "/c\\+\\+/" OR path MATCHES "^/usr/lib/gcc/" OR path MATCHES "^/usr/include/"
     AND NOT path MATCHES "^/usr/include/(boost|google|fmt|nlohmann|doctest|yaml-cpp|leveldb)/")
    continue()
  endif()
  message(FATAL_ERROR "<scc/plugin.hpp> pulls in a header outside the standard library: ${path}")
endforeach()
if(headers LESS 10)
  message(FATAL_ERROR "the include trace looks wrong (${headers} headers)")
endif()
message(STATUS "<scc/plugin.hpp> includes ${headers} headers, all standard or scc's own")
