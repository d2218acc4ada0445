/*
 * oraclefn_types.h - the types of the oraclefn C API.
 *
 * Written by hand: the version, status codes, buffers, the error record and
 * the handle types. The functions are declared in oraclefn_api.h, generated
 * from the library's exports; include <oraclefn.h>, which pulls in both.
 */
#ifndef ORACLEFN_TYPES_H
#define ORACLEFN_TYPES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header; ofn_version() gives the library's. A new major
 * version (and SONAME) may break the API, a minor one only adds to it. */
#define OFN_VERSION_MAJOR 0
#define OFN_VERSION_MINOR 1
#define OFN_VERSION_PATCH 0
#define OFN_VERSION "0.1.0"

/*
 * Status codes. OFN_OK is 0, every error is negative. Codes are only ever
 * appended: a value once given keeps its meaning. ofn_status_str() names them.
 */
typedef enum ofn_status {
    OFN_OK = 0,
    OFN_ERROR = -1,       /* internal error: a bug, please report it */
    OFN_EINVALID = -2,    /* a bad argument: NULL, bad UTF-8, malformed JSON, freed handle */
    OFN_ECONFIG = -3,     /* the configuration is missing, malformed or invalid */
    OFN_EKEY = -4,        /* the private key cannot be read, decrypted or used */
    OFN_ESIGN = -5,       /* a request could not be signed */
    OFN_EAUTH = -6,       /* the service refused the credentials (401, 403) */
    OFN_ENOTFOUND = -7,   /* no such resource (404) */
    OFN_ECONFLICT = -8,   /* the resource exists or is in the wrong state (409, 412) */
    OFN_ETHROTTLED = -9,  /* too many requests (429) after all retries */
    OFN_ESERVICE = -10,   /* any other error answer of the service */
    OFN_ETIMEOUT = -11,   /* a timeout: connecting, reading or waiting */
    OFN_ENETWORK = -12,   /* the connection failed or broke */
    OFN_ECANCELLED = -13, /* the operation was cancelled */
    OFN_ETOOLARGE = -14,  /* a payload over the service's limit (413) */
    OFN_EFUNCTION = -15,  /* the function itself failed (502), or raised for this call */
    OFN_ECALL = -16,      /* a call of a job got no result (retries spent, lost, cancelled) */
    OFN_EPENDING = -17    /* not yet: the call or job asked about has not ended */
} ofn_status;

/*
 * Bytes returned by the library. The caller owns the struct, the library its
 * contents: release them with ofn_buf_dispose(). ptr is always followed by a
 * NUL byte (not counted in size), so JSON can be read as a C string.
 */
typedef struct ofn_buf {
    char *ptr;
    size_t size;
} ofn_buf;

#define OFN_BUF_INIT { NULL, 0 }

/*
 * The last error on the calling thread, from ofn_error_last(). Owned by the
 * library; valid until the next oraclefn call on the same thread. Strings are
 * never NULL; code and opc_request_id are "" when the error did not come from
 * a service answer.
 */
typedef struct ofn_error {
    ofn_status status;
    int32_t http_status;        /* the HTTP status of the answer, 0 if none */
    const char *message;        /* what went wrong and how to fix it */
    const char *code;           /* the OCI error code, e.g. "NotAuthenticated" */
    const char *opc_request_id; /* the request id to quote to Oracle support */
} ofn_error;

/* Opaque handles, each freed by its ofn_<noun>_free() (NULL-safe). Every
 * function takes and returns its own type, so one kind cannot be passed for
 * another. */
typedef struct ofn_config ofn_config; /* immutable: share it between threads */
typedef struct ofn_session ofn_session; /* credentials and connections of a configuration: share it between threads */
typedef struct ofn_signer ofn_signer; /* immutable: share it between threads */
typedef struct ofn_engine ofn_engine; /* shareable: any number of jobs from any threads */
typedef struct ofn_job ofn_job;       /* one map job; every call on it is thread-safe */
typedef struct ofn_storage ofn_storage;     /* Object Storage client: share it between threads */
typedef struct ofn_functions ofn_functions; /* Functions client: share it between threads */
typedef struct ofn_logs ofn_logs;           /* a log follower: its reads take turns */

/*
 * What every export does with a bad argument: it returns a status (OFN_EINVALID
 * for the argument itself) and ofn_error_last() says which argument and why;
 * nothing is dereferenced that the library cannot check, nothing traps.
 *   - NULL where a pointer is needed, a freed handle, a handle of another kind
 *     or a pointer that never was a handle: OFN_EINVALID.
 *   - Strings must be valid UTF-8.
 *   - Lengths and counts must be >= 0 and at most 2^48 bytes (no process
 *     has a larger buffer); the bytes behind a pointer are the caller's promise.
 *   - JSON arguments (options, overrides, headers, details) are at most 1 MiB
 *     (keys_json of ofn_storage_delete_many 16 MiB) and nest at most 128
 *     levels deep; larger or deeper ones are refused before they are parsed.
 *     Unknown option keys and values of the wrong type are refused by name.
 *   - Bucket names are at most 256 bytes; object names, prefixes and content
 *     types 1024; OCIDs and names of functions, applications and jobs 255;
 *     runtime names and images 1024; URLs to sign 64 KiB; configuration
 *     text 1 MiB.
 *   - Files named by a path (configurations, keys, uploads) must be regular
 *     files: a FIFO, device or directory is refused at once instead of read.
 *   - A call that talks to a service ends within its transport limits:
 *     connecting 10 s and reading 60 s per attempt (connect_timeout,
 *     read_timeout), 8 attempts with backoff (retry_max_attempts), and no retry
 *     started after 600 s. ofn_job_wait() with a negative timeout is the one
 *     call that waits as long as the job takes.
 */

/* Input bytes, borrowed for the duration of a call (the library copies them). */
typedef struct ofn_bytes {
    const void *ptr;
    size_t size;
} ofn_bytes;

/*
 * Progress of a job: calls ended (done, including failed ones), calls that
 * ended without a value (failed) and all calls (total). Called on a library
 * thread, never concurrently for one job, and never after ofn_job_free()
 * has returned; it must not call ofn_job_free() on its own job.
 */
typedef void (*ofn_progress_fn)(void *user_data, ptrdiff_t done, ptrdiff_t failed, ptrdiff_t total);

#ifdef __cplusplus
}
#endif

#endif /* ORACLEFN_TYPES_H */
