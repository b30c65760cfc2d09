/* abi.h must be plain C99: this file is compiled as C with -std=c99 -pedantic -Werror. */
#include "scc/abi.h"

/* C99 has no _Static_assert: a negative array size fails the build instead. */
typedef char scc_check_descriptor_head[offsetof(scc_plugin_descriptor_v1, name) == 24 ? 1 : -1];
typedef char scc_check_host_head[offsetof(scc_host_api_v1, last_error) == 8 ? 1 : -1];

int main(void) {
  scc_type_bytes bytes = {0, 0};
  scc_plugin_entry_v1_fn entry = 0;
  return (int)bytes.len + (entry != 0);
}
