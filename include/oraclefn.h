/*
 * oraclefn.h - the C API of liboraclefn.so.
 *
 * Include this header only. It pulls in the hand-written types
 * (oraclefn_types.h) and the function declarations the Swift compiler
 * generates from the library's exports (oraclefn_generated.h), and keeps the
 * latter quiet under gcc -Wall -Wextra -pedantic -Werror.
 *
 * Conventions
 *   - Functions return an ofn_status: OFN_OK (0) or a negative error. After an
 *     error, ofn_error_last() describes it (on the same thread).
 *   - Out-parameters come first.
 *   - Handles (ofn_config *, ofn_signer *) are passed as void * by the
 *     generated declarations; each is released by its ofn_<noun>_free(),
 *     which accepts NULL. A freed or foreign handle gives OFN_EINVALID.
 *   - Bytes the library returns arrive in an ofn_buf the caller declares
 *     (ofn_buf b = OFN_BUF_INIT;) and releases with ofn_buf_dispose(&b).
 *   - Strings and bytes passed in are copied before the call returns.
 *   - Static strings (ofn_version, ofn_status_str) are never freed.
 *   - Strings are UTF-8; JSON goes in and out as text.
 *   - Every function is safe to call from any thread; config and signer
 *     handles are immutable and may be shared between threads.
 */
#ifndef ORACLEFN_H
#define ORACLEFN_H

#include "oraclefn_types.h"

#if defined(__GNUC__) && !defined(__clang__)
#  pragma GCC diagnostic push
#  pragma GCC diagnostic ignored "-Wunknown-pragmas"
#  pragma GCC diagnostic ignored "-Wattributes"
#endif
#include "oraclefn_generated.h"
#if defined(__GNUC__) && !defined(__clang__)
#  pragma GCC diagnostic pop
#endif

#endif /* ORACLEFN_H */
