# Checks the layering of include/scc by following #include lines (transitively, through scc's own
# headers) from every header of each layer:
#   author API (scc/*.hpp, scc/detail/): no host, ledger or testing header, and no Boost,
#     protobuf, gRPC or OpenSSL: plugins build with the standard library only;
#   contract layer (scc/contract/): the same, but OpenSSL is allowed: ctx.client_identity()
#     reads the creator's X.509 certificate with libcrypto rather than a hand-written parser, so
#     contract plugins (scc::contract) link it; plugins on scc/plugin.hpp alone still do not;
#   ledger engine (scc/ledger/): no testing header, no Boost, protobuf or gRPC;
#   host adapter (scc/host/ but the loader): no ledger or testing header, no Boost, protobuf or gRPC;
#     the loader alone may use Boost.DLL.
# Deprecated forwarding headers (scc/loader.hpp, scc/testing/ but harness.hpp) are not checked:
# they exist to point at the new places.
# Usage: cmake -DINCLUDE_DIR=<dir holding scc/> -P include_directions.cmake
#        cmake -DSELF_TEST=<dir of a mislayered tree> -P include_directions.cmake
#          (passes only if the check refuses that tree, naming each layer's violation)
cmake_minimum_required(VERSION 3.20)
if(SELF_TEST)
  execute_process(COMMAND ${CMAKE_COMMAND} -DINCLUDE_DIR=${SELF_TEST} -P ${CMAKE_CURRENT_LIST_FILE}
                  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
  string(REGEX REPLACE "[ \n]+" " " out "${out}")
  if(result EQUAL 0)
    message(FATAL_ERROR "the check accepted a mislayered tree:\n${out}")
  endif()
  foreach(expected
          "author header scc/plugin.hpp includes boost/dll/shared_library.hpp (via scc/plugin.hpp -> scc/detail/helper.hpp)"
          "author header scc/plugin.hpp includes scc/host/transaction.hpp"
          "author header scc/plugin.hpp includes openssl/evp.h (via scc/plugin.hpp -> scc/detail/helper.hpp)"
          "contract header scc/contract/identity.hpp includes scc/host/transaction.hpp"
          "ledger header scc/ledger/ledger.hpp includes scc/testing/harness.hpp"
          "host header scc/host/transaction.hpp includes google/protobuf/message.h")
    string(FIND "${out}" "${expected}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "the check did not report: ${expected}\nIt said: ${out}")
    endif()
  endforeach()
  string(FIND "${out}" "includes openssl/x509.h" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "the check refused OpenSSL in a contract header: ${out}")
  endif()
  message(STATUS "the check refuses a mislayered tree with the expected reasons")
  return()
endif()
if(NOT INCLUDE_DIR)
  message(FATAL_ERROR "pass -DINCLUDE_DIR=<dir holding scc/>")
endif()

get_filename_component(INCLUDE_DIR "${INCLUDE_DIR}" ABSOLUTE)

# direct_includes(<header relative to INCLUDE_DIR> <out var>): what the header includes.
function(direct_includes header out)
  file(STRINGS "${INCLUDE_DIR}/${header}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
  set(found)
  foreach(line IN LISTS lines)
    if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"]")
      list(APPEND found "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

# check_layer(<name> <forbidden regex> <headers>...): fails naming the chain that reaches a
# forbidden include.
function(check_layer layer forbidden)
  foreach(start IN LISTS ARGN)
    set(queue "${start}")
    set(seen "${start}")
    set(via_${start} "${start}")
    while(queue)
      list(POP_FRONT queue current)
      direct_includes("${current}" included)
      foreach(target IN LISTS included)
        if(target MATCHES "${forbidden}")
          message(SEND_ERROR "${layer} header ${start} includes ${target} (via ${via_${current}})")
          continue()
        endif()
        if(target MATCHES "^scc/" AND EXISTS "${INCLUDE_DIR}/${target}" AND NOT target IN_LIST seen)
          list(APPEND seen "${target}")
          list(APPEND queue "${target}")
          set(via_${target} "${via_${current}} -> ${target}")
        endif()
      endforeach()
    endwhile()
  endforeach()
  list(LENGTH ARGN count)
  set(checked "${checked} ${layer} ${count}," PARENT_SCOPE)
endfunction()

set(foreign "^(boost|google/protobuf|grpc|grpcpp|openssl)/")

file(GLOB author RELATIVE "${INCLUDE_DIR}" "${INCLUDE_DIR}/scc/*.hpp" "${INCLUDE_DIR}/scc/*.h"
     "${INCLUDE_DIR}/scc/detail/*.hpp")
list(REMOVE_ITEM author scc/loader.hpp scc/testing.hpp)
file(GLOB_RECURSE contract RELATIVE "${INCLUDE_DIR}" "${INCLUDE_DIR}/scc/contract/*.hpp")
# scc/contract.hpp is the contract layer's entry point, not part of the plain author API.
if(EXISTS "${INCLUDE_DIR}/scc/contract.hpp")
  list(REMOVE_ITEM author scc/contract.hpp)
  list(APPEND contract scc/contract.hpp)
endif()
file(GLOB_RECURSE ledger RELATIVE "${INCLUDE_DIR}" "${INCLUDE_DIR}/scc/ledger/*.hpp")
file(GLOB_RECURSE host RELATIVE "${INCLUDE_DIR}" "${INCLUDE_DIR}/scc/host/*.hpp")
list(REMOVE_ITEM host scc/host/loader.hpp)

if(NOT author OR NOT contract OR NOT ledger OR NOT host)
  message(FATAL_ERROR "no headers found under ${INCLUDE_DIR}/scc: the layout changed?")
endif()
set(checked)
check_layer("author" "^scc/(host|ledger|testing|contract)/|scc/contract\\.hpp$|${foreign}"
            ${author})
check_layer("contract" "^scc/(host|ledger|testing)/|^(boost|google/protobuf|grpc|grpcpp)/"
            ${contract})
check_layer("ledger" "^scc/testing|${foreign}" ${ledger})
check_layer("host" "^scc/(ledger|testing)/|${foreign}" ${host})
message(STATUS "include directions checked, headers per layer:${checked}")
