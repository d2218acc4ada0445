/*
 * oraclefn.h - the C API of liboraclefn.so.
 *
 * Include this header only. It pulls in the hand-written types
 * (oraclefn_types.h) and the function declarations generated from the
 * library's exports with typed handles (oraclefn_api.h). The Swift compiler's
 * own header (oraclefn_generated.h) is kept only to check that one against.
 *
 * Conventions
 *   - Functions return an ofn_status: OFN_OK (0) or a negative error. After an
 *     error, ofn_error_last() describes it (on the same thread).
 *   - Out-parameters come first. On an error they hold nothing to release:
 *     a handle out-parameter is NULL, an ofn_buf is left empty. On OFN_OK the
 *     caller owns what they received (each declaration says how to free it).
 *   - Handles are typed (ofn_config *, ofn_session *, ofn_engine *, ...);
 *     each is released by its ofn_<noun>_free(), which accepts NULL. A freed
 *     handle, or one of another kind, gives OFN_EINVALID.
 *   - Bytes the library returns arrive in an ofn_buf the caller declares
 *     (ofn_buf b = OFN_BUF_INIT;) and releases with ofn_buf_dispose(&b).
 *   - Counts, lengths and indexes passed as arguments are ptrdiff_t, so a
 *     negative one is refused rather than wrapped; sizes of memory inside the
 *     structs (ofn_buf, ofn_bytes) are size_t.
 *   - Pointers the library returns (ofn_version, ofn_status_str,
 *     ofn_error_last) are never NULL.
 *   - Strings and bytes passed in are copied before the call returns.
 *   - Static strings (ofn_version, ofn_status_str) are never freed.
 *   - Strings are UTF-8; JSON goes in and out as text.
 *   - Every function is safe to call from any thread; config and signer
 *     handles are immutable and may be shared between threads.
 */
#ifndef ORACLEFN_H
#define ORACLEFN_H

#include "oraclefn_types.h"

#include "oraclefn_api.h"

#endif /* ORACLEFN_H */
