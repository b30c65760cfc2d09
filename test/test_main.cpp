// The doctest main the unit tests share. doctest counts a test case that ran no assertion as
// passed; here such a case fails the run, named, so that a body which returned early or whose
// checks all sat behind a call that threw cannot pass without checking anything.
#define DOCTEST_CONFIG_IMPLEMENT
#include <cstdio>
#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace {

std::vector<std::string>& cases_without_assertions() {
  static std::vector<std::string> names;
  return names;
}

struct assertion_counter : doctest::IReporter {
  explicit assertion_counter(const doctest::ContextOptions&) {}

  void test_case_start(const doctest::TestCaseData& data) override { current_ = &data; }
  void test_case_end(const doctest::CurrentTestCaseStats& stats) override {
    // A case that failed is reported as failed already; one meant to fail is doctest's business.
    if (current_ == nullptr || stats.failure_flags != 0 || current_->m_should_fail ||
        current_->m_may_fail || current_->m_expected_failures != 0) {
      return;
    }
    if (stats.numAssertsCurrentTest == 0) {
      const std::string name = std::string(current_->m_name) + " (" + current_->m_file.c_str() +
                               ":" + std::to_string(current_->m_line) + ")";
      std::fprintf(stderr, "error: TEST CASE RAN NO ASSERTIONS: %s\n", name.c_str());
      cases_without_assertions().push_back(name);
    }
  }

  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}

 private:
  const doctest::TestCaseData* current_ = nullptr;
};

REGISTER_LISTENER("assertion_counter", 1, assertion_counter);

}  // namespace

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  const int result = context.run();
  if (context.shouldExit()) return result;
  const auto& vacuous = cases_without_assertions();
  if (vacuous.empty()) return result;
  std::fprintf(stderr,
               "error: %zu test case(s) passed without running a single assertion; each must "
               "check what its title promises:\n",
               vacuous.size());
  for (const std::string& name : vacuous) std::fprintf(stderr, "  %s\n", name.c_str());
  return result != 0 ? result : 1;
}
