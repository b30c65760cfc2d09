// scc/contract/contract_plugin.hpp - the plugin class SCC_CONTRACT exports for a contract: it
// routes each invoke to the transaction its first argument names and turns every failure into
// a response a person can act on.
#ifndef SCC_CONTRACT_CONTRACT_PLUGIN_HPP
#define SCC_CONTRACT_CONTRACT_PLUGIN_HPP

#include <exception>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scc/contract/context.hpp"
#include "scc/contract/errors.hpp"
#include "scc/contract/hooks.hpp"
#include "scc/contract/metadata.hpp"
#include "scc/contract/transaction.hpp"
#include "scc/plugin.hpp"

namespace scc {
inline namespace contract {

// What SCC_CONTRACT / SCC_DEFINE_CONTRACT declare about a contract class: its name, version
// and transactions. Left undefined for a class no macro registered.
template <class Contract>
struct contract_definition;

template <class Contract>
class contract_plugin {
 public:
  static constexpr bool thread_safe = detail::declares_thread_safe<Contract>::value;

  response init(stub& s) {
    if constexpr (detail::has_contract_init<Contract>::value) {
      context ctx(s, "init");
      return guarded("init", [&] {
        return detail::answer_with<decltype(contract_.init(ctx))>(
            [&]() -> decltype(auto) { return contract_.init(ctx); });
      });
    } else {
      (void)s;
      return success();
    }
  }

  response invoke(stub& s) {
    // Not a structured binding: lambdas below use the arguments, and C++17 (clang) does not
    // let a lambda capture a structured binding.
    const auto call = s.get_function_and_parameters();
    const std::string& function = call.first;
    const std::vector<std::string>& arguments = call.second;
    if (function == get_metadata_function) return success(metadata());
    std::string_view name = function;
    // fabric-contract-api clients may name the contract: "tokenscc:transfer".
    const std::string_view prefix = definition::name;
    if (name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix &&
        name[prefix.size()] == ':') {
      name.remove_prefix(prefix.size() + 1);
    }
    const detail::transaction_table<Contract>& table = transactions();
    const detail::transaction<Contract>* found = table.find(name);
    context ctx(s, name);
    if (found == nullptr) {
      if constexpr (detail::has_unknown_transaction<Contract>::value) {
        return guarded(name, [&] {
          return detail::answer_with<decltype(contract_.unknown_transaction(ctx))>(
              [&]() -> decltype(auto) { return contract_.unknown_transaction(ctx); });
        });
      } else {
        return error(unknown_transaction_message(name));
      }
    }
    if (arguments.size() < found->required || arguments.size() > found->arity) {
      return error(argument_count_message(*found, arguments.size()));
    }
    if (!found->read_only) {
      return guarded(name, [&] { return found->run(contract_, ctx, arguments, *found); });
    }
    // Refused in the stub, so that it holds on every host; checked again after the run, so that
    // a refusal the function caught still fails the transaction.
    detail::write_guard guard;
    detail::stub_access::guard_writes(s, &guard);
    response answer = guarded(name, [&] { return found->run(contract_, ctx, arguments, *found); });
    detail::stub_access::guard_writes(s, nullptr);
    if (!guard.refusal.empty()) return error(std::string(name) + ": " + guard.refusal);
    return answer;
  }

  // The contract's transactions, in the order SCC_CONTRACT lists them.
  static const detail::transaction_table<Contract>& transactions() {
    static const detail::transaction_table<Contract> table = definition::transactions();
    return table;
  }

  // What org.hyperledger.fabric:GetMetadata answers.
  static const std::string& metadata() {
    static const std::string text =
        detail::contract_metadata(definition::name, definition::version, transactions()).dump();
    return text;
  }

  // The contract object, for tests that look inside it.
  Contract& contract() noexcept { return contract_; }

 private:
  using definition = contract_definition<Contract>;

  // Every failure of a transaction reads "<transaction>: <reason>".
  template <class Body>
  static response guarded(std::string_view name, Body body) {
    const std::string label = name.empty() ? std::string("(no name)") : std::string(name);
    try {
      return body();
    } catch (const response& thrown) {
      // `throw scc::error("...")`: answered exactly as if it had been returned.
      return thrown;
    } catch (const transaction_error& failure) {
      return {failure.status(), label + ": " + failure.what(), {}};
    } catch (const std::exception& failure) {
      return error(label + ": " + failure.what());
    } catch (...) {
      return error(label + ": threw an exception that is not a std::exception");
    }
  }

  static std::string unknown_transaction_message(std::string_view name) {
    const std::string known = "; it has: " + transactions().names() + " (" +
                              std::string(get_metadata_function) + " describes their parameters)";
    if (name.empty()) {
      return std::string(definition::name) +
             ": no transaction named: the first argument must name one" + known;
    }
    return std::string(definition::name) + " has no transaction \"" + detail::printable(name) +
           "\"" + known;
  }

  static std::string argument_count_message(const detail::transaction<Contract>& entry,
                                            std::size_t given) {
    std::string expected = std::to_string(entry.required);
    if (entry.arity != entry.required) expected += " to " + std::to_string(entry.arity);
    const bool one = entry.arity == 1 && entry.required == 1;
    return entry.name + " takes " + expected + (one ? " argument" : " arguments") +
           (entry.arity == 0 ? "" : " (" + entry.parameter_list() + ")") + " but was given " +
           std::to_string(given);
  }

  Contract contract_;
};

// The descriptor of a registered contract, under the name and version its macro gave. For
// running a contract in-process: scc::host::instantiate(scc::describe_contract<token>()).
template <class Contract>
const scc_plugin_descriptor_v1* describe_contract() noexcept {
  return describe_plugin<contract_plugin<Contract>>(contract_definition<Contract>::name,
                                                    contract_definition<Contract>::version);
}

}  // namespace contract
}  // namespace scc

#endif  // SCC_CONTRACT_CONTRACT_PLUGIN_HPP
