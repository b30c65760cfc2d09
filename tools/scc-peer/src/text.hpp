// tools/scc-peer/src/text.hpp - the small string helpers that config and logging both need.
#ifndef SCC_PEER_TEXT_HPP
#define SCC_PEER_TEXT_HPP

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace scc::peer::text {

inline std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

inline std::string uppercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

inline std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace scc::peer::text

#endif  // SCC_PEER_TEXT_HPP
