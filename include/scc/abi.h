/*
 * scc/abi.h - the stable C ABI between a system-chaincode plugin and its host.
 *
 * Pure C99: this header is the single source of truth for everything that crosses a
 * plugin's shared-library boundary. No C++ type, exception, RTTI or allocator crosses it.
 * docs/abi.md explains the design; every rule that matters at run time is also written
 * here, next to the declaration it governs.
 *
 * Naming
 *   scc_type_*     plain data shared by both sides
 *   scc_plugin_*   what the plugin provides (the descriptor and its functions)
 *   scc_host_*     what the host provides (the callback table handed to the plugin)
 *
 * Every function documents:
 *   OWNERSHIP  who owns each pointer and for how long it stays valid
 *   THREADING  which threads may call it and when
 *
 * Versioning
 *   The ABI major is part of the exported symbol name (scc_plugin_entry_v1). A host that
 *   speaks major 1 looks up exactly that symbol; a future major gets a new symbol that can
 *   live beside this one in the same library.
 *   The ABI minor grows when fields are appended to the descriptor or the host table.
 *   Within a major, structs only ever grow at their end, nothing is reordered or removed,
 *   and each side reads the other's struct only within the struct_size it announces.
 *   Minor 1 appended scc_host_api_v1.log_from.
 *   Structs without a struct_size (scc_type_*: bytes, lists, rows, responses) are frozen for
 *   the whole major: they never grow. Needing more per row means a new function with a new
 *   struct, appended to the table.
 *
 * Rules every host and plugin keeps (each is repeated where it matters)
 *   - Every function pointer within a struct_size is non-NULL. A host that does not support an
 *     operation implements it and returns SCC_STATUS_UNSUPPORTED; the plugin calls entries
 *     without checking them. Likewise the descriptor's create, destroy, init and invoke.
 *   - Nothing is ever freed across the boundary: each side frees only what it allocated.
 *   - No C++ exception, longjmp or Go panic crosses the boundary in either direction.
 *   - Re-entry: an invoke_chaincode runs the callee on the calling thread, nested in the
 *     caller's call. The host refuses it (non-OK status, last_error set) when the callee
 *     already runs in this transaction on the target channel (Fabric keeps one context per
 *     channel, tx and chaincode), and when it already runs on any channel and its plugin lacks
 *     SCC_PLUGIN_FLAG_THREAD_SAFE. So a host enters an instance that is already running on the
 *     calling thread only if the plugin declared itself thread-safe.
 */
#ifndef SCC_ABI_H
#define SCC_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SCC_ABI_MAJOR 1
#define SCC_ABI_MINOR 1

/* The one exported symbol of every plugin built for ABI major 1. */
#define SCC_PLUGIN_ENTRY_SYMBOL "scc_plugin_entry_v1"
/* Prefix shared by the entry symbols of every ABI major, used to diagnose mismatches. */
#define SCC_PLUGIN_ENTRY_PREFIX "scc_plugin_entry_v"

/* "SCCPLUG1" read as a little-endian 64-bit integer: catches a symbol that has the right
 * name but points at something else (a corrupt or foreign library). */
#define SCC_PLUGIN_MAGIC UINT64_C(0x3147554C50434353)

/*---------------------------------------------------------------------------------------
 * Plain data
 *-------------------------------------------------------------------------------------*/

/* Status of every call across the boundary. Append-only: new codes are added at the end,
 * and a side that receives a code it does not know treats it as SCC_STATUS_INTERNAL. */
typedef int32_t scc_type_status;
#define SCC_STATUS_OK 0
/* The key, or the next row of an iterator, does not exist. Distinct from an empty value. */
#define SCC_STATUS_NOT_FOUND 1
/* The caller passed something the callee refuses (empty key, bad range, bad page size). */
#define SCC_STATUS_INVALID_ARGUMENT 2
/* The callee does not implement this operation (for example rich queries). */
#define SCC_STATUS_UNSUPPORTED 3
/* The ledger refused or failed the operation (read-only violation, storage error). */
#define SCC_STATUS_LEDGER_ERROR 4
/* Plugin code threw; the message carries what() or names the plugin and method. */
#define SCC_STATUS_PLUGIN_EXCEPTION 5
/* Anything else: a bug on the reporting side. */
#define SCC_STATUS_INTERNAL 6

/* A view of bytes owned by one side and lent to the other. May hold any byte, including
 * 0x00; it is never NUL-terminated by contract. A view with len 0 may have ptr NULL. */
typedef struct scc_type_bytes {
  const uint8_t* ptr;
  size_t len;
} scc_type_bytes;

/* An ordered list of byte views (arguments, keys). */
typedef struct scc_type_bytes_list {
  const scc_type_bytes* items;
  size_t count;
} scc_type_bytes_list;

/* One entry of a byte-keyed map (transient data, decorations). */
typedef struct scc_type_entry {
  scc_type_bytes key;
  scc_type_bytes value;
} scc_type_entry;

/* A map as a list of entries, sorted by key in byte order with no duplicate keys. */
typedef struct scc_type_entry_list {
  const scc_type_entry* items;
  size_t count;
} scc_type_entry_list;

/* google.protobuf.Timestamp: seconds since the Unix epoch plus nanoseconds [0, 1e9). */
typedef struct scc_type_timestamp {
  int64_t seconds;
  int32_t nanos;
  int32_t reserved; /* explicit padding; always 0 */
} scc_type_timestamp;

/* One row of a range, partial-composite-key or rich query (queryresult.KV). */
typedef struct scc_type_kv {
  scc_type_bytes key;
  scc_type_bytes value;
} scc_type_kv;

/* One row of a key's history (queryresult.KeyModification). A delete has is_delete = 1 and
 * an empty value. */
typedef struct scc_type_key_modification {
  scc_type_bytes tx_id;
  scc_type_bytes value;
  scc_type_timestamp timestamp;
  uint32_t is_delete;
  uint32_t reserved; /* explicit padding; always 0 */
} scc_type_key_modification;

/* A chaincode response (peer.Response): status 200 = OK, >= 400 = error. */
typedef struct scc_type_response {
  int32_t status;
  uint32_t reserved; /* explicit padding; always 0 */
  scc_type_bytes message;
  scc_type_bytes payload;
} scc_type_response;

/* Log levels of scc_host_api_v1.log, in Fabric's order. */
typedef int32_t scc_type_log_level;
#define SCC_LOG_DEBUG 0
#define SCC_LOG_INFO 1
#define SCC_LOG_WARNING 2
#define SCC_LOG_ERROR 3

/* Opaque handles. Each is created and destroyed by the side that owns it and never
 * dereferenced by the other. */
typedef struct scc_tx scc_tx;             /* host: one init or invoke call */
/* Declared here so that the host table can name the descriptor, defined further down. */
struct scc_plugin_descriptor_v1;
typedef struct scc_iterator scc_iterator; /* host: an open query within one scc_tx */
typedef struct scc_instance scc_instance; /* plugin: one object of the author's class */

/*---------------------------------------------------------------------------------------
 * Host callbacks
 *
 * The host hands the plugin one scc_host_api_v1 table in create(). The table is static for
 * the host's lifetime; the plugin may keep the pointer.
 *
 * Every function takes the scc_tx of the init/invoke call it is made from, as its first
 * argument, and is valid only during that call and only on the thread the host called
 * init/invoke on (like Node-API's napi_env).
 *
 * OWNERSHIP (host to plugin): every scc_type_bytes, list or struct the host writes into an
 * out-parameter is borrowed. Data describing the transaction itself (arguments, ids,
 * creator, transient map, decorations, proposal, binding, timestamp) stays valid until
 * init/invoke returns. Any other result (a value, a row, an error message) stays valid until
 * the plugin's next call into this table with the same scc_tx. The plugin copies what it
 * keeps longer. The plugin never frees host memory.
 *
 * OWNERSHIP (plugin to host): every pointer the plugin passes in is read during the call
 * only; the host copies what it keeps. The host never frees plugin memory.
 *
 * ERRORS: a function that returns a status other than SCC_STATUS_OK (and, where documented,
 * SCC_STATUS_NOT_FOUND) leaves a human-readable message that last_error returns. The message
 * uses Fabric's own text where Fabric has one. A call with a tx that is not the current call's
 * (kept past init/invoke, or used from another thread) fails with SCC_STATUS_INVALID_ARGUMENT
 * and touches nothing; hosts check the handle, they never dereference a stale one.
 *
 * NULL: every function pointer is non-NULL (see the rules at the top). Out-parameters are
 * never NULL. A byte view with len 0 may have ptr NULL, in both directions.
 *-------------------------------------------------------------------------------------*/

typedef struct scc_host_api_v1 {
  /* Head: fixed for every minor of major 1. */
  uint32_t struct_size; /* sizeof the host's table; entries beyond it are absent */
  uint16_t abi_major;   /* SCC_ABI_MAJOR the host implements */
  uint16_t abi_minor;   /* SCC_ABI_MINOR the host implements */

  /* The message of the last failed call on tx. Empty if none. */
  void (*last_error)(scc_tx* tx, scc_type_bytes* message);

  /* Writes to the host log. With a tx, the host attributes the line to the chaincode running
   * that call. tx may be NULL outside init/invoke (for example from destroy); the host then
   * cannot tell which plugin wrote it, since every plugin shares this table: use log_from.
   * A level outside SCC_LOG_DEBUG..SCC_LOG_ERROR is clamped. Never fails.
   * OWNERSHIP: message is read during the call only. THREADING: any thread. */
  void (*log)(scc_tx* tx, scc_type_log_level level, scc_type_bytes message);

  /* ---- The transaction (Fabric's proposal), valid until init/invoke returns ---- */

  /* ChaincodeInput.args: the function name first, then its parameters. */
  scc_type_status (*get_args)(scc_tx* tx, scc_type_bytes_list* args);
  /* The channel-header tx id: hex(SHA-256(nonce || creator)). */
  scc_type_status (*get_tx_id)(scc_tx* tx, scc_type_bytes* tx_id);
  /* The channel this call executes on; empty for a chainless call. */
  scc_type_status (*get_channel_id)(scc_tx* tx, scc_type_bytes* channel_id);
  /* The creator: a serialized msp.SerializedIdentity{mspid = 1, id_bytes = 2}. */
  scc_type_status (*get_creator)(scc_tx* tx, scc_type_bytes* creator);
  /* ChaincodeProposalPayload.TransientMap, never written to the ledger. */
  scc_type_status (*get_transient)(scc_tx* tx, scc_type_entry_list* transient);
  /* ChaincodeInput.decorations, set by the peer's decorators. */
  scc_type_status (*get_decorations)(scc_tx* tx, scc_type_entry_list* decorations);
  /* The serialized SignedProposal; empty where the host has none (internal init calls). */
  scc_type_status (*get_signed_proposal)(scc_tx* tx, scc_type_bytes* proposal);
  /* SHA-256(nonce || creator || epoch as 8 bytes little-endian). */
  scc_type_status (*get_binding)(scc_tx* tx, scc_type_bytes* binding);
  /* The channel-header timestamp (the client's clock). */
  scc_type_status (*get_tx_timestamp)(scc_tx* tx, scc_type_timestamp* timestamp);

  /* ---- World state and private data ----
   * collection: empty for public state, else the private data collection's name.
   * Reads see committed state only, never this transaction's own writes (Fabric has no
   * read-your-writes). Writes go to the transaction's write set and reach the ledger only if
   * the transaction commits as valid. */

  /* SCC_STATUS_NOT_FOUND exactly when the key is absent. */
  scc_type_status (*get_state)(scc_tx* tx, scc_type_bytes collection, scc_type_bytes key,
                               scc_type_bytes* value);
  /* An empty value deletes the key at commit, as in Fabric. */
  scc_type_status (*put_state)(scc_tx* tx, scc_type_bytes collection, scc_type_bytes key,
                               scc_type_bytes value);
  scc_type_status (*del_state)(scc_tx* tx, scc_type_bytes collection, scc_type_bytes key);
  /* Private data only: delete the key and purge its history. */
  scc_type_status (*purge_private_data)(scc_tx* tx, scc_type_bytes collection,
                                        scc_type_bytes key);
  /* Private data only: SHA-256 of the committed value. NOT_FOUND when absent. */
  scc_type_status (*get_private_data_hash)(scc_tx* tx, scc_type_bytes collection,
                                           scc_type_bytes key, scc_type_bytes* hash);
  /* Key-level endorsement policy (a marshalled common.SignaturePolicyEnvelope). NOT_FOUND
   * when the key has none. */
  scc_type_status (*get_state_validation_parameter)(scc_tx* tx, scc_type_bytes collection,
                                                    scc_type_bytes key, scc_type_bytes* policy);
  scc_type_status (*set_state_validation_parameter)(scc_tx* tx, scc_type_bytes collection,
                                                    scc_type_bytes key, scc_type_bytes policy);

  /* ---- Queries ----
   * Each open call creates an iterator owned by the host; the plugin must close it (the host
   * closes any left open when init/invoke returns). Rows and page metadata are borrowed until
   * the next call on the same tx.
   *
   * range_query_open: keys in [start_key, end_key) in byte order; an empty end_key means no
   * upper bound. The range is taken literally: the plugin side applies the shim's rules
   * (empty start -> "\x01", rejecting bounds that start with 0x00, partial composite keys as
   * [prefix, prefix + U+10FFFF)). page_size 0 with an empty bookmark means not paginated;
   * otherwise at most page_size rows starting at bookmark (inclusive) if it is not empty.
   * A negative page_size is refused with SCC_STATUS_INVALID_ARGUMENT. */
  scc_type_status (*range_query_open)(scc_tx* tx, scc_type_bytes collection,
                                      scc_type_bytes start_key, scc_type_bytes end_key,
                                      int32_t page_size, scc_type_bytes bookmark,
                                      scc_iterator** iterator);
  /* A rich (CouchDB) query. Hosts without a rich-query engine return UNSUPPORTED. */
  scc_type_status (*rich_query_open)(scc_tx* tx, scc_type_bytes collection, scc_type_bytes query,
                                     int32_t page_size, scc_type_bytes bookmark,
                                     scc_iterator** iterator);
  /* The committed history of a public key, newest first. */
  scc_type_status (*history_query_open)(scc_tx* tx, scc_type_bytes key, scc_iterator** iterator);
  /* Next row of a range or rich query. NOT_FOUND when exhausted. */
  scc_type_status (*iterator_next_kv)(scc_tx* tx, scc_iterator* iterator, scc_type_kv* row);
  /* Next row of a history query. NOT_FOUND when exhausted. */
  scc_type_status (*iterator_next_modification)(scc_tx* tx, scc_iterator* iterator,
                                                scc_type_key_modification* row);
  /* Pagination metadata of a paginated query: rows in the page, and the bookmark to pass
   * for the next page (empty when there is none). Final only once iterator_next_kv has
   * returned NOT_FOUND (Fabric's peer sends them with the last batch); before that it reports
   * the rows returned so far and possibly no bookmark. For a query that is not paginated: 0
   * and an empty bookmark. A history iterator is refused with SCC_STATUS_INVALID_ARGUMENT. */
  scc_type_status (*iterator_page_info)(scc_tx* tx, scc_iterator* iterator,
                                        int32_t* fetched_records_count,
                                        scc_type_bytes* bookmark);
  /* Releases the iterator. The handle is invalid afterwards; closing it twice, or closing a
   * handle of another call, does nothing. */
  void (*iterator_close)(scc_tx* tx, scc_iterator* iterator);

  /* ---- Effects beyond state ---- */

  /* One event per transaction: each call replaces the previous one. name must not be empty. */
  scc_type_status (*set_event)(scc_tx* tx, scc_type_bytes name, scc_type_bytes payload);
  /* Calls another chaincode. channel empty = the caller's channel, where the callee shares
   * this transaction's read/write set; on another channel it runs as a query. The callee's
   * response is borrowed until the next call on tx. A refusal (for example the target is not
   * invokable chaincode-to-chaincode, or the call would re-enter a running instance: see the
   * rules at the top) is returned as a non-OK status with last_error set. A callee that
   * answered with an error status is not a refusal: the status is OK and response carries it.
   * THREADING: the callee runs on the calling thread, before this returns. */
  scc_type_status (*invoke_chaincode)(scc_tx* tx, scc_type_bytes chaincode_name,
                                      scc_type_bytes channel, scc_type_bytes_list args,
                                      scc_type_response* response);

  /* The plugin's answer to init/invoke. The trampoline calls it exactly once before it
   * returns; the host copies everything. Called again in the same call, the last answer wins.
   * With a stale tx it does nothing (the call it belonged to already has its answer). */
  void (*set_response)(scc_tx* tx, int32_t status, scc_type_bytes message,
                       scc_type_bytes payload);

  /* ---- Minor 1. A plugin reads these only when struct_size covers them. ---- */

  /* Writes to the host log, attributed to the plugin that plugin describes: the descriptor
   * its own scc_plugin_entry_v1 returns (never another library's). Unlike log, it needs no tx,
   * so a plugin can be named from its constructor, its destructor or its own threads.
   * OWNERSHIP: plugin is the plugin's static descriptor, read during the call only (the host
   * reads its name); message is read during the call only.
   * THREADING: any thread, at any time while the library is loaded. Never fails. */
  void (*log_from)(const struct scc_plugin_descriptor_v1* plugin, scc_type_log_level level,
                   scc_type_bytes message);
} scc_host_api_v1;

/* The size of the first released version of the table: a host table smaller than this is
 * malformed. */
#define SCC_HOST_API_V1_0_SIZE (offsetof(scc_host_api_v1, set_response) + sizeof(void*))
/* The size of the table at minor 1: a plugin may call log_from when struct_size is at least
 * this. */
#define SCC_HOST_API_V1_1_SIZE (offsetof(scc_host_api_v1, log_from) + sizeof(void*))

/*---------------------------------------------------------------------------------------
 * The plugin descriptor
 *-------------------------------------------------------------------------------------*/

/* Plugin flags (bit set, append-only). */
#define SCC_PLUGIN_FLAG_THREAD_SAFE UINT16_C(0x0001) /* init/invoke may run concurrently */

typedef struct scc_plugin_descriptor_v1 {
  /* Head: fixed for every minor of major 1; the host checks it before anything else. */
  uint64_t magic;          /* SCC_PLUGIN_MAGIC */
  uint32_t struct_size;    /* sizeof the plugin's descriptor */
  uint16_t abi_major;      /* SCC_ABI_MAJOR the plugin was built for */
  uint16_t abi_minor;      /* SCC_ABI_MINOR of the SDK the plugin was built with */
  uint16_t min_host_minor; /* the oldest host minor whose table the plugin needs */
  uint16_t flags;          /* SCC_PLUGIN_FLAG_* */
  uint32_t reserved;       /* explicit padding; always 0 */

  /* Identity, NUL-terminated, static for the life of the library. */
  const char* name;        /* the chaincode name, as in core.yaml's chaincode.systemPlugins */
  const char* version;     /* the plugin's own version */
  const char* sdk_version; /* the scc SDK version it was built with */
  const char* build_tag;   /* compiler, standard library, build type: diagnostics only */

  /* Creates one instance of the author's class.
   * OWNERSHIP: host is borrowed and stays valid for the host's lifetime. On success
   * *instance is owned by the host, which releases it with destroy. On failure *error points
   * to plugin-owned text valid until the next call into this plugin on the same thread; the
   * host copies it at once.
   * THREADING: any thread; the host never calls create concurrently for the same library. */
  scc_type_status (*create)(const scc_host_api_v1* host, scc_instance** instance,
                            scc_type_bytes* error);

  /* Destroys an instance. The host calls it once, when no init/invoke on it is running, on
   * any thread; never for an instance whose create failed.
   * Never fails: an exception escaping the author's destructor (possible only when it is
   * declared noexcept(false)) is caught and logged through host->log with a NULL tx. */
  void (*destroy)(scc_instance* instance);

  /* Fabric's Init and Invoke. The plugin answers through host->set_response(tx, ...)
   * exactly once before returning. Returns SCC_STATUS_OK when the author's code returned a
   * response, SCC_STATUS_PLUGIN_EXCEPTION when it threw: the answer is then a 500 carrying
   * the exception's message, already set. A plugin that returns without calling
   * set_response gets a 500 from the host saying so.
   * THREADING: the host serialises calls on one instance unless the descriptor has
   * SCC_PLUGIN_FLAG_THREAD_SAFE. tx is valid on the calling thread until the call returns.
   * RE-ENTRY: called on a thread that is already inside this instance only when the plugin is
   * SCC_PLUGIN_FLAG_THREAD_SAFE (see the rules at the top). */
  scc_type_status (*init)(scc_instance* instance, scc_tx* tx);
  scc_type_status (*invoke)(scc_instance* instance, scc_tx* tx);
} scc_plugin_descriptor_v1;

/* The size of the first released version of the descriptor: a smaller struct_size means the
 * descriptor is truncated. */
#define SCC_PLUGIN_DESCRIPTOR_V1_0_SIZE \
  (offsetof(scc_plugin_descriptor_v1, invoke) + sizeof(void*))

/* The entry point. Exported by every plugin, under exactly this name, and by nothing else.
 * Pure: it returns a pointer to a static descriptor, allocates nothing, calls nothing, and
 * returns the same pointer every time.
 * THREADING: any thread, any number of times. */
typedef const scc_plugin_descriptor_v1* (*scc_plugin_entry_v1_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SCC_ABI_H */
