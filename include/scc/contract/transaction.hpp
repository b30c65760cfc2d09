// scc/contract/transaction.hpp - one registered transaction function: its signature, how its
// arguments are converted and its result answered, and the table SCC_CONTRACT builds.
#ifndef SCC_CONTRACT_TRANSACTION_HPP
#define SCC_CONTRACT_TRANSACTION_HPP

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "scc/contract/codec.hpp"
#include "scc/contract/context.hpp"
#include "scc/contract/errors.hpp"
#include "scc/contract/hooks.hpp"
#include "scc/contract/schema_registry.hpp"
#include "scc/response.hpp"

namespace scc::detail {

// ---- Signatures: R f(scc::context&, P...), as a member (const or not) or a plain function ----

template <class... P>
constexpr std::size_t count_required_parameters() {
  constexpr bool optional[] = {is_optional<std::decay_t<P>>::value..., false};
  std::size_t required = 0;
  for (std::size_t i = 0; i < sizeof...(P); ++i) {
    if (!optional[i]) required = i + 1;
  }
  return required;
}

template <class Owner, class R, class... P>
struct transaction_signature {
  static constexpr bool valid = true;
  using owner = Owner;  // void for a static member or free function
  using result = R;
  using declared_parameters = std::tuple<P...>;
  using parameters = std::tuple<std::decay_t<P>...>;
  static constexpr std::size_t arity = sizeof...(P);
  // Only trailing std::optional parameters may be left out.
  static constexpr std::size_t required = count_required_parameters<P...>();
};

template <class F>
struct transaction_traits {
  static constexpr bool valid = false;
};
template <class C, class R, class... P>
struct transaction_traits<R (C::*)(context&, P...)> : transaction_signature<C, R, P...> {};
template <class C, class R, class... P>
struct transaction_traits<R (C::*)(context&, P...) const> : transaction_signature<C, R, P...> {};
template <class C, class R, class... P>
struct transaction_traits<R (C::*)(context&, P...) noexcept> : transaction_signature<C, R, P...> {};
template <class C, class R, class... P>
struct transaction_traits<R (C::*)(context&, P...) const noexcept>
    : transaction_signature<C, R, P...> {};
template <class R, class... P>
struct transaction_traits<R (*)(context&, P...)> : transaction_signature<void, R, P...> {};
template <class R, class... P>
struct transaction_traits<R (*)(context&, P...) noexcept> : transaction_signature<void, R, P...> {};

// ---- The spelling SCC_CONTRACT captures: "transfer, to, amount" ----

constexpr std::size_t count_parameter_names(const char* spelling) {
  std::size_t commas = 0;
  for (; *spelling != '\0'; ++spelling) {
    if (*spelling == ',') ++commas;
  }
  return commas;
}

inline std::vector<std::string> split_spelling(std::string_view spelling) {
  std::vector<std::string> parts;
  while (true) {
    const std::size_t comma = spelling.find(',');
    std::string_view part = spelling.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    parts.emplace_back(part);
    if (comma == std::string_view::npos) return parts;
    spelling.remove_prefix(comma + 1);
  }
}

// "evaluate balance_of" -> "balance_of": the word that marks a read-only transaction.
inline std::string strip_evaluate(std::string_view head) {
  constexpr std::string_view word = "evaluate";
  if (head.substr(0, word.size()) == word) head.remove_prefix(word.size());
  while (!head.empty() && head.front() == ' ') head.remove_prefix(1);
  return std::string(head);
}

// ---- One transaction ----

template <class Contract>
struct transaction {
  std::string name;
  std::vector<std::string> parameter_names;
  std::size_t required = 0;  // arguments that must be given
  std::size_t arity = 0;     // arguments that may be given
  // Marked `evaluate` in SCC_CONTRACT: tagged evaluateTx, and its writes are refused.
  bool read_only = false;
  // Converts the arguments, runs the hooks and the function, and answers its result.
  response (*run)(Contract&, context&, const std::vector<std::string>& arguments,
                  const transaction& self) = nullptr;
  // The transaction's entry in the metadata.
  nlohmann::json (*describe)(const transaction& self, schema_registry&) = nullptr;

  // "to, amount" with optional parameters in brackets: "owner, [bookmark]".
  std::string parameter_list() const {
    std::string list;
    for (std::size_t i = 0; i < parameter_names.size(); ++i) {
      if (i > 0) list += ", ";
      list += i < required ? parameter_names[i] : "[" + parameter_names[i] + "]";
    }
    return list;
  }
};

template <class T>
T convert_argument(const std::vector<std::string>& arguments, std::size_t index,
                   const std::string& name) {
  if (index >= arguments.size()) {
    if constexpr (is_optional<T>::value) {
      return std::nullopt;
    } else {
      throw std::logic_error("argument " + name + " is missing after the argument count check");
    }
  }
  try {
    return codec<T>::from_argument(arguments[index]);
  } catch (const argument_error& failure) {
    throw argument_error("argument " + std::to_string(index + 1) + " (" + name +
                         "): " + failure.what());
  }
}

// The response for what a transaction function returned: void gives an empty payload, an
// scc::response passes through, anything else is its codec's payload.
template <class R, class Call>
response answer_with(Call call) {
  if constexpr (std::is_void_v<R>) {
    call();
    return success();
  } else if constexpr (std::is_same_v<std::decay_t<R>, response>) {
    return call();
  } else {
    return success(codec<std::decay_t<R>>::to_payload(call()));
  }
}

template <class R>
nlohmann::json return_schema(schema_registry& registry) {
  if constexpr (std::is_same_v<std::decay_t<R>, response>) {
    return {{"type", "string"}};  // whatever payload the function chose
  } else {
    return codec<std::decay_t<R>>::schema(registry);
  }
}

template <class Contract, auto Method, std::size_t... I>
response run_transaction_with(Contract& contract, context& ctx,
                              const std::vector<std::string>& arguments,
                              const transaction<Contract>& self, std::index_sequence<I...>) {
  using traits = transaction_traits<decltype(Method)>;
  using parameters = typename traits::parameters;
  using declared = typename traits::declared_parameters;
  // Braced initialisation converts left to right, so the first bad argument is the one reported.
  parameters values{convert_argument<std::tuple_element_t<I, parameters>>(
      arguments, I, self.parameter_names[I])...};
  run_before_transaction(contract, ctx);
  response answer = answer_with<typename traits::result>([&]() -> decltype(auto) {
    if constexpr (std::is_member_function_pointer_v<decltype(Method)>) {
      return (contract.*Method)(
          ctx, std::forward<std::tuple_element_t<I, declared>>(std::get<I>(values))...);
    } else {
      return Method(ctx, std::forward<std::tuple_element_t<I, declared>>(std::get<I>(values))...);
    }
  });
  run_after_transaction(contract, ctx, answer);
  return answer;
}

template <class Contract, auto Method>
response run_transaction(Contract& contract, context& ctx,
                         const std::vector<std::string>& arguments,
                         const transaction<Contract>& self) {
  using traits = transaction_traits<decltype(Method)>;
  return run_transaction_with<Contract, Method>(contract, ctx, arguments, self,
                                                std::make_index_sequence<traits::arity>{});
}

template <class Contract, auto Method, std::size_t... I>
nlohmann::json describe_parameters(const transaction<Contract>& self, schema_registry& registry,
                                   std::index_sequence<I...>) {
  using parameters = typename transaction_traits<decltype(Method)>::parameters;
  nlohmann::json described = nlohmann::json::array();
  (described.push_back({{"name", self.parameter_names[I]},
                        {"description", ""},
                        {"required", !is_optional<std::tuple_element_t<I, parameters>>::value},
                        {"schema", codec<std::tuple_element_t<I, parameters>>::schema(registry)}}),
   ...);
  return described;
}

// fabric-contract-api's transaction entry: name, tag, parameters (left out when there are
// none) and returns (left out for void).
template <class Contract, auto Method>
nlohmann::json describe_transaction(const transaction<Contract>& self, schema_registry& registry) {
  using traits = transaction_traits<decltype(Method)>;
  nlohmann::json described = {
      {"name", self.name},
      {"tag", nlohmann::json::array({self.read_only ? "evaluateTx" : "submitTx"})}};
  nlohmann::json parameters = describe_parameters<Contract, Method>(
      self, registry, std::make_index_sequence<traits::arity>{});
  if (!parameters.empty()) described["parameters"] = std::move(parameters);
  if constexpr (!std::is_void_v<typename traits::result>) {
    described["returns"] = return_schema<typename traits::result>(registry);
  }
  return described;
}

// ---- The table SCC_CONTRACT builds, in the order it lists the transactions ----

template <class Contract>
class transaction_table {
 public:
  template <auto Method, std::size_t NameCount, bool ReadOnly = false>
  transaction_table& add(const char* spelling) {
    using traits = transaction_traits<decltype(Method)>;
    static_assert(traits::valid,
                  "SCC_CONTRACT: a transaction function takes scc::context& first, then its "
                  "parameters: R name(scc::context& ctx, P1 p1, P2 p2...)");
    if constexpr (traits::valid) {
      static_assert(std::is_void_v<typename traits::owner> ||
                        std::is_base_of_v<typename traits::owner, Contract>,
                    "SCC_CONTRACT: a transaction function must be a member of the contract class "
                    "(or of one of its bases)");
      static_assert(NameCount == 0 || NameCount == traits::arity,
                    "SCC_CONTRACT: name every parameter of a transaction after its name, as in "
                    "(transfer, to, amount), or name none");
      std::vector<std::string> parts = split_spelling(spelling);
      transaction<Contract> entry;
      entry.name = parts.front();
      if constexpr (ReadOnly) entry.name = strip_evaluate(entry.name);
      entry.read_only = ReadOnly;
      for (std::size_t i = 0; i < traits::arity; ++i) {
        entry.parameter_names.push_back(NameCount == 0 ? "arg" + std::to_string(i) : parts[i + 1]);
      }
      entry.required = traits::required;
      entry.arity = traits::arity;
      entry.run = &run_transaction<Contract, Method>;
      entry.describe = &describe_transaction<Contract, Method>;
      if (find(entry.name) != nullptr) {
        throw std::logic_error("SCC_CONTRACT lists the transaction '" + entry.name + "' twice");
      }
      entries_.push_back(std::move(entry));
    }
    return *this;
  }

  const std::vector<transaction<Contract>>& entries() const noexcept { return entries_; }

  const transaction<Contract>* find(std::string_view name) const noexcept {
    for (const transaction<Contract>& entry : entries_) {
      if (entry.name == name) return &entry;
    }
    return nullptr;
  }

  // "approve, balance_of, transfer": for the message about an unknown name.
  std::string names() const {
    std::string list;
    for (const transaction<Contract>& entry : entries_) {
      list += (list.empty() ? "" : ", ") + entry.name;
    }
    return list;
  }

 private:
  std::vector<transaction<Contract>> entries_;
};

}  // namespace scc::detail

#endif  // SCC_CONTRACT_TRANSACTION_HPP
