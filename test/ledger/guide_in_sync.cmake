# Fails when docs/testing.md's worked example differs from test/ledger/testing_guide_test.cpp.
file(READ ${SOURCE} source)
file(READ ${GUIDE} guide)
string(FIND "${source}" "// [guide-begin]\n" begin)
string(FIND "${source}" "// [guide-end]\n" end)
math(EXPR begin "${begin} + 17")
math(EXPR length "${end} - ${begin}")
string(SUBSTRING "${source}" ${begin} ${length} example)
string(FIND "${guide}" "```cpp\n${example}```" found)
if(found EQUAL -1)
  message(FATAL_ERROR "docs/testing.md no longer shows test/ledger/testing_guide_test.cpp between its "
                      "[guide-begin] and [guide-end] markers: copy the code into the guide's worked example.")
endif()
