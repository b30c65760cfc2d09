/*
 * bridge.h - the C boundary between the Go half of the Fabric 1.4 bridge (cgo) and its C++ half.
 *
 * Both halves are compiled into one Go plugin per scc plugin. Go plugins are opened with
 * RTLD_GLOBAL, so a default-visibility symbol of one bridge would be interposed by the
 * same-named symbol of the bridge loaded before it, and its C++ would call into the other
 * bridge's Go package. Every name declared here is therefore hidden: declaring a reference hidden
 * makes the linker bind it inside the library that holds it (the most constraining visibility
 * of a symbol wins), including the functions cgo generates for the Go exports.
 */
#ifndef SCC_FABRIC14_BRIDGE_H
#define SCC_FABRIC14_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

#include "scc/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SCCBRIDGE_HIDDEN __attribute__((visibility("hidden")))

/* Returned by a Go callback whose result does not fit the buffers it was given: the sizes it
 * needs are in the buffers' size fields, and sccbridge_go_take_pending copies the result once
 * the caller has grown them. Negative, so it never collides with an scc_type_status. */
#define SCCBRIDGE_GROW (-1)

/* A C-owned buffer the Go side copies a result into. */
typedef struct sccbridge_buffer {
  uint8_t* data;
  size_t capacity;
  size_t size; /* bytes written; on SCCBRIDGE_GROW, bytes needed */
} sccbridge_buffer;

/* What the plugin answered. message and payload are copied into the buffer the Go side lends
 * (message first, then payload) when they fit; otherwise the answer is delivered through
 * sccbridge_go_deliver_answer before sccbridge_call returns. */
typedef struct sccbridge_answer {
  int32_t status;
  int32_t delivered; /* 1 when message and payload are in the buffer */
  size_t message_size;
  size_t payload_size;
  size_t writes_size; /* bytes of buffered writes left for Go to apply */
} sccbridge_answer;

/* Kinds of the writes the C++ half buffers: each is kind (one byte), key (or event name) as
 * u32 little-endian size then bytes, then, for a put and an event, the value (or payload) the
 * same way. */
#define SCCBRIDGE_WRITE_PUT 0
#define SCCBRIDGE_WRITE_DEL 1
#define SCCBRIDGE_WRITE_EVENT 2

/* Identity of a loaded plugin. The strings live as long as the process. */
typedef struct sccbridge_plugin_info {
  const char* name;
  const char* version;
  const char* sdk_version;
  const char* build_tag;
  uint16_t abi_major;
  uint16_t abi_minor;
  uint16_t flags;
} sccbridge_plugin_info;

typedef struct sccbridge_plugin sccbridge_plugin;

/* ---- C++, called from Go ---- */

/* Opens the plugin library with the SDK's loader (the same checks, the same refusals) and
 * creates one instance. On failure returns NULL and sets *error to malloc'd text (the loader's
 * message) that the caller frees. */
SCCBRIDGE_HIDDEN sccbridge_plugin* sccbridge_load(const char* path, size_t path_size,
                                                  sccbridge_plugin_info* info, char** error);

/* Runs init (method 0) or invoke (method 1) for one proposal. call identifies the Go state of
 * this call and is handed back to every Go callback. proposal is the arguments, tx id and
 * channel id in the layout encodeProposal (proposal.go) writes; the rest comes from
 * sccbridge_go_proposal_details when the plugin asks for it. The plugin's public writes and
 * event are buffered in writes; sccbridge_go_apply_writes applies them when the buffer is full
 * or before any other operation, and the caller applies the answer's writes_size bytes left when
 * this returns. Never throws. */
SCCBRIDGE_HIDDEN void sccbridge_call(sccbridge_plugin* plugin, int32_t method, uintptr_t call,
                                     const uint8_t* proposal, size_t proposal_size, uint8_t* writes,
                                     size_t writes_capacity, uint8_t* answer_data,
                                     size_t answer_capacity, sccbridge_answer* answer);

/* ---- Go (//export), called from C++ ---- */

SCCBRIDGE_HIDDEN void sccbridge_go_log(uintptr_t call, int32_t level, char* message,
                                       size_t message_size);
SCCBRIDGE_HIDDEN void sccbridge_go_deliver_answer(uintptr_t call, char* message,
                                                  size_t message_size, char* payload,
                                                  size_t payload_size);
SCCBRIDGE_HIDDEN int32_t sccbridge_go_take_pending(uintptr_t call, sccbridge_buffer* first,
                                                   sccbridge_buffer* second);
/* Every operation below returns an scc_type_status or SCCBRIDGE_GROW; on a failure the
 * message is in *first. */
/* The proposal's details, in the layout encodeDetails (proposal.go) writes. */
SCCBRIDGE_HIDDEN int32_t sccbridge_go_proposal_details(uintptr_t call, sccbridge_buffer* details);
/* Applies the first size bytes of the call's write buffer, in order, up to the first failure. */
SCCBRIDGE_HIDDEN int32_t sccbridge_go_apply_writes(uintptr_t call, size_t size,
                                                   sccbridge_buffer* error);
SCCBRIDGE_HIDDEN int32_t sccbridge_go_get_state(uintptr_t call, char* collection,
                                                size_t collection_size, char* key, size_t key_size,
                                                sccbridge_buffer* value);
SCCBRIDGE_HIDDEN int32_t sccbridge_go_put_state(uintptr_t call, char* collection,
                                                size_t collection_size, char* key, size_t key_size,
                                                char* value, size_t value_size,
                                                sccbridge_buffer* error);
SCCBRIDGE_HIDDEN int32_t sccbridge_go_del_state(uintptr_t call, char* collection,
                                                size_t collection_size, char* key, size_t key_size,
                                                sccbridge_buffer* error);
SCCBRIDGE_HIDDEN int32_t sccbridge_go_get_private_data_hash(uintptr_t call, char* collection,
                                                            size_t collection_size, char* key,
                                                            size_t key_size,
                                                            sccbridge_buffer* hash);
SCCBRIDGE_HIDDEN int32_t sccbridge_go_get_validation_parameter(uintptr_t call, char* collection,
                                                               size_t collection_size, char* key,
                                                               size_t key_size,
                                                               sccbridge_buffer* policy);
SCCBRIDGE_HIDDEN int32_t sccbridge_go_set_validation_parameter(uintptr_t call, char* collection,
                                                               size_t collection_size, char* key,
                                                               size_t key_size, char* policy,
                                                               size_t policy_size,
                                                               sccbridge_buffer* error);
/* kind 0: range [start, end); kind 1: rich query (start holds the query). On success *iterator
 * is the Go side's id of the open query, *fetched the page's row count and *bookmark the next
 * page's bookmark (paginated queries only). */
SCCBRIDGE_HIDDEN int32_t sccbridge_go_query_open(uintptr_t call, int32_t kind, char* collection,
                                                 size_t collection_size, char* start,
                                                 size_t start_size, char* end, size_t end_size,
                                                 int32_t page_size, char* bookmark,
                                                 size_t bookmark_size, uint64_t* iterator,
                                                 int32_t* fetched, sccbridge_buffer* out_bookmark);
SCCBRIDGE_HIDDEN int32_t sccbridge_go_history_open(uintptr_t call, char* key, size_t key_size,
                                                   uint64_t* iterator, sccbridge_buffer* error);
/* Next row: key and value (a KV) or tx id and value (a KeyModification, with its timestamp
 * and delete flag). SCC_STATUS_NOT_FOUND when exhausted. */
SCCBRIDGE_HIDDEN int32_t sccbridge_go_iterator_next(uintptr_t call, uint64_t iterator,
                                                    sccbridge_buffer* first,
                                                    sccbridge_buffer* second, int64_t* seconds,
                                                    int32_t* nanos, int32_t* is_delete);
SCCBRIDGE_HIDDEN void sccbridge_go_iterator_close(uintptr_t call, uint64_t iterator);
SCCBRIDGE_HIDDEN int32_t sccbridge_go_set_event(uintptr_t call, char* name, size_t name_size,
                                                char* payload, size_t payload_size,
                                                sccbridge_buffer* error);
/* args: the arguments as consecutive bytes, sizes[i] bytes each. The callee's message goes to
 * *first, its payload to *second. */
SCCBRIDGE_HIDDEN int32_t sccbridge_go_invoke_chaincode(uintptr_t call, char* name, size_t name_size,
                                                       char* channel, size_t channel_size,
                                                       char* args, size_t* sizes, size_t count,
                                                       int32_t* status, sccbridge_buffer* first,
                                                       sccbridge_buffer* second);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SCC_FABRIC14_BRIDGE_H */
