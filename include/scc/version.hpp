// scc/version.hpp - the SDK's version and the build tag stamped into every plugin.
#ifndef SCC_VERSION_HPP
#define SCC_VERSION_HPP

// Any standard header defines the macros that identify the standard library below.
#include <cstddef>

#define SCC_SDK_VERSION_MAJOR 0
#define SCC_SDK_VERSION_MINOR 1
#define SCC_SDK_VERSION_PATCH 0
#define SCC_SDK_VERSION "0.1.0"

#define SCC_DETAIL_STR2(x) #x
#define SCC_DETAIL_STR(x) SCC_DETAIL_STR2(x)

// The compiler, standard library and build type a plugin was built with. Nothing C++ crosses
// the ABI, so this is for diagnostics only: it tells a person which toolchain built a library.
#if defined(__clang__)
#define SCC_DETAIL_COMPILER \
  "clang-" SCC_DETAIL_STR(__clang_major__) "." SCC_DETAIL_STR(__clang_minor__)
#elif defined(__GNUC__)
#define SCC_DETAIL_COMPILER "gcc-" SCC_DETAIL_STR(__GNUC__) "." SCC_DETAIL_STR(__GNUC_MINOR__)
#else
#define SCC_DETAIL_COMPILER "unknown-compiler"
#endif

#if defined(_LIBCPP_VERSION)
#define SCC_DETAIL_STDLIB "libc++-" SCC_DETAIL_STR(_LIBCPP_VERSION)
#elif defined(_GLIBCXX_USE_CXX11_ABI)
#define SCC_DETAIL_STDLIB "libstdc++-cxx11abi" SCC_DETAIL_STR(_GLIBCXX_USE_CXX11_ABI)
#else
#define SCC_DETAIL_STDLIB "unknown-stdlib"
#endif

#if defined(NDEBUG)
#define SCC_DETAIL_BUILD_TYPE "release"
#else
#define SCC_DETAIL_BUILD_TYPE "debug"
#endif

#define SCC_BUILD_TAG SCC_DETAIL_COMPILER "-" SCC_DETAIL_STDLIB "-" SCC_DETAIL_BUILD_TYPE

#endif  // SCC_VERSION_HPP
