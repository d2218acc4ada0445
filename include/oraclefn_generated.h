#ifndef OFCABI_SWIFT_H
#define OFCABI_SWIFT_H
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wgcc-compat"

#if !defined(__has_include)
# define __has_include(x) 0
#endif
#if !defined(__has_attribute)
# define __has_attribute(x) 0
#endif
#if !defined(__has_feature)
# define __has_feature(x) 0
#endif
#if !defined(__has_warning)
# define __has_warning(x) 0
#endif

#if __has_include(<swift/objc-prologue.h>)
# include <swift/objc-prologue.h>
#endif

#pragma clang diagnostic ignored "-Wauto-import"
#if defined(__OBJC__)
#include <Foundation/Foundation.h>
#endif // defined(__OBJC__)
#if defined(__cplusplus)
#include <cstdint>
#include <cstddef>
#include <cstdbool>
#include <cstring>
#include <stdlib.h>
#include <new>
#include <type_traits>
#else
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>
#endif
#if defined(__cplusplus)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wnon-modular-include-in-framework-module"
#if defined(__arm64e__) && __has_include(<ptrauth.h>)
# include <ptrauth.h>
#else
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wreserved-macro-identifier"
# ifndef __ptrauth_swift_value_witness_function_pointer
#  define __ptrauth_swift_value_witness_function_pointer(x)
# endif
# ifndef __ptrauth_swift_class_method_pointer
#  define __ptrauth_swift_class_method_pointer(x)
# endif
#pragma clang diagnostic pop
#endif
#pragma clang diagnostic pop
#endif

#if !defined(SWIFT_TYPEDEFS)
# define SWIFT_TYPEDEFS 1
# if __has_include(<uchar.h>)
#  include <uchar.h>
# elif !defined(__cplusplus)
typedef unsigned char char8_t;
typedef uint_least16_t char16_t;
typedef uint_least32_t char32_t;
# endif
typedef float swift_float2  __attribute__((__ext_vector_type__(2)));
typedef float swift_float3  __attribute__((__ext_vector_type__(3)));
typedef float swift_float4  __attribute__((__ext_vector_type__(4)));
typedef double swift_double2  __attribute__((__ext_vector_type__(2)));
typedef double swift_double3  __attribute__((__ext_vector_type__(3)));
typedef double swift_double4  __attribute__((__ext_vector_type__(4)));
typedef int swift_int2  __attribute__((__ext_vector_type__(2)));
typedef int swift_int3  __attribute__((__ext_vector_type__(3)));
typedef int swift_int4  __attribute__((__ext_vector_type__(4)));
typedef unsigned int swift_uint2  __attribute__((__ext_vector_type__(2)));
typedef unsigned int swift_uint3  __attribute__((__ext_vector_type__(3)));
typedef unsigned int swift_uint4  __attribute__((__ext_vector_type__(4)));
#endif

#if !defined(SWIFT_PASTE)
# define SWIFT_PASTE_HELPER(x, y) x##y
# define SWIFT_PASTE(x, y) SWIFT_PASTE_HELPER(x, y)
#endif
#if !defined(SWIFT_METATYPE)
# define SWIFT_METATYPE(X) Class
#endif
#if !defined(SWIFT_CLASS_PROPERTY)
# if __has_feature(objc_class_property)
#  define SWIFT_CLASS_PROPERTY(...) __VA_ARGS__
# else
#  define SWIFT_CLASS_PROPERTY(...) 
# endif
#endif
#if !defined(SWIFT_RUNTIME_NAME)
# if __has_attribute(objc_runtime_name)
#  define SWIFT_RUNTIME_NAME(X) __attribute__((objc_runtime_name(X)))
# else
#  define SWIFT_RUNTIME_NAME(X) 
# endif
#endif
#if !defined(SWIFT_COMPILE_NAME)
# if __has_attribute(swift_name)
#  define SWIFT_COMPILE_NAME(X) __attribute__((swift_name(X)))
# else
#  define SWIFT_COMPILE_NAME(X) 
# endif
#endif
#if !defined(SWIFT_METHOD_FAMILY)
# if __has_attribute(objc_method_family)
#  define SWIFT_METHOD_FAMILY(X) __attribute__((objc_method_family(X)))
# else
#  define SWIFT_METHOD_FAMILY(X) 
# endif
#endif
#if !defined(SWIFT_NOESCAPE)
# if __has_attribute(noescape)
#  define SWIFT_NOESCAPE __attribute__((noescape))
# else
#  define SWIFT_NOESCAPE 
# endif
#endif
#if !defined(SWIFT_RELEASES_ARGUMENT)
# if __has_attribute(ns_consumed)
#  define SWIFT_RELEASES_ARGUMENT __attribute__((ns_consumed))
# else
#  define SWIFT_RELEASES_ARGUMENT 
# endif
#endif
#if !defined(SWIFT_WARN_UNUSED_RESULT)
# if __has_attribute(warn_unused_result)
#  define SWIFT_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
# else
#  define SWIFT_WARN_UNUSED_RESULT 
# endif
#endif
#if !defined(SWIFT_NORETURN)
# if __has_attribute(noreturn)
#  define SWIFT_NORETURN __attribute__((noreturn))
# else
#  define SWIFT_NORETURN 
# endif
#endif
#if !defined(SWIFT_CLASS_EXTRA)
# define SWIFT_CLASS_EXTRA 
#endif
#if !defined(SWIFT_PROTOCOL_EXTRA)
# define SWIFT_PROTOCOL_EXTRA 
#endif
#if !defined(SWIFT_ENUM_EXTRA)
# define SWIFT_ENUM_EXTRA 
#endif
#if !defined(SWIFT_CLASS)
# if __has_attribute(objc_subclassing_restricted)
#  define SWIFT_CLASS(SWIFT_NAME) SWIFT_RUNTIME_NAME(SWIFT_NAME) __attribute__((objc_subclassing_restricted)) SWIFT_CLASS_EXTRA
#  define SWIFT_CLASS_NAMED(SWIFT_NAME) __attribute__((objc_subclassing_restricted)) SWIFT_COMPILE_NAME(SWIFT_NAME) SWIFT_CLASS_EXTRA
# else
#  define SWIFT_CLASS(SWIFT_NAME) SWIFT_RUNTIME_NAME(SWIFT_NAME) SWIFT_CLASS_EXTRA
#  define SWIFT_CLASS_NAMED(SWIFT_NAME) SWIFT_COMPILE_NAME(SWIFT_NAME) SWIFT_CLASS_EXTRA
# endif
#endif
#if !defined(SWIFT_RESILIENT_CLASS)
# if __has_attribute(objc_class_stub)
#  define SWIFT_RESILIENT_CLASS(SWIFT_NAME) SWIFT_CLASS(SWIFT_NAME) __attribute__((objc_class_stub))
#  define SWIFT_RESILIENT_CLASS_NAMED(SWIFT_NAME) __attribute__((objc_class_stub)) SWIFT_CLASS_NAMED(SWIFT_NAME)
# else
#  define SWIFT_RESILIENT_CLASS(SWIFT_NAME) SWIFT_CLASS(SWIFT_NAME)
#  define SWIFT_RESILIENT_CLASS_NAMED(SWIFT_NAME) SWIFT_CLASS_NAMED(SWIFT_NAME)
# endif
#endif
#if !defined(SWIFT_PROTOCOL)
# define SWIFT_PROTOCOL(SWIFT_NAME) SWIFT_RUNTIME_NAME(SWIFT_NAME) SWIFT_PROTOCOL_EXTRA
# define SWIFT_PROTOCOL_NAMED(SWIFT_NAME) SWIFT_COMPILE_NAME(SWIFT_NAME) SWIFT_PROTOCOL_EXTRA
#endif
#if !defined(SWIFT_EXTENSION)
# define SWIFT_EXTENSION(M) SWIFT_PASTE(M##_Swift_, __LINE__)
#endif
#if !defined(OBJC_DESIGNATED_INITIALIZER)
# if __has_attribute(objc_designated_initializer)
#  define OBJC_DESIGNATED_INITIALIZER __attribute__((objc_designated_initializer))
# else
#  define OBJC_DESIGNATED_INITIALIZER 
# endif
#endif
#if !defined(SWIFT_ENUM_ATTR)
# if __has_attribute(enum_extensibility)
#  define SWIFT_ENUM_ATTR(_extensibility) __attribute__((enum_extensibility(_extensibility)))
# else
#  define SWIFT_ENUM_ATTR(_extensibility) 
# endif
#endif
#if !defined(SWIFT_ENUM)
# if (defined(__cplusplus) && __cplusplus >= 201103L) ||      (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 202311L) ||      __has_feature(objc_fixed_enum)
#  define SWIFT_ENUM(_type, _name, _extensibility) enum _name : _type _name; enum SWIFT_ENUM_ATTR(_extensibility) SWIFT_ENUM_EXTRA _name : _type
#  if __has_feature(generalized_swift_name)
#   define SWIFT_ENUM_NAMED(_type, _name, SWIFT_NAME, _extensibility) enum _name : _type _name SWIFT_COMPILE_NAME(SWIFT_NAME); enum SWIFT_COMPILE_NAME(SWIFT_NAME) SWIFT_ENUM_ATTR(_extensibility) SWIFT_ENUM_EXTRA _name : _type
#  else
#   define SWIFT_ENUM_NAMED(_type, _name, SWIFT_NAME, _extensibility) SWIFT_ENUM(_type, _name, _extensibility)
#  endif
# else
#  define SWIFT_ENUM(_type, _name, _extensibility) _type _name; enum 
#  define SWIFT_ENUM_NAMED(_type, _name, SWIFT_NAME, _extensibility) SWIFT_ENUM(_type, _name, _extensibility)
# endif
#endif
#if !defined(SWIFT_ENUM_TAG)
# if (defined(__cplusplus) && __cplusplus >= 201103L) ||      (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 202311L) ||      __has_feature(objc_fixed_enum)
#  define SWIFT_ENUM_TAG enum
# else
#  define SWIFT_ENUM_TAG
# endif
#endif
#if !defined(SWIFT_ENUM_FWD_DECL)
# if (defined(__cplusplus) && __cplusplus >= 201103L) ||      (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 202311L) ||      __has_feature(objc_fixed_enum)
#  define SWIFT_ENUM_FWD_DECL(_type, _name) enum _name : _type;
# else
#  define SWIFT_ENUM_FWD_DECL(_type, _name) typedef _type _name;
# endif
#endif
#if !defined(SWIFT_UNAVAILABLE)
# define SWIFT_UNAVAILABLE __attribute__((unavailable))
#endif
#if !defined(SWIFT_UNAVAILABLE_MSG)
# define SWIFT_UNAVAILABLE_MSG(msg) __attribute__((unavailable(msg)))
#endif
#if !defined(SWIFT_AVAILABILITY)
# define SWIFT_AVAILABILITY(plat, ...) __attribute__((availability(plat, __VA_ARGS__)))
#endif
#if !defined(SWIFT_AVAILABILITY_DOMAIN)
# define SWIFT_AVAILABILITY_DOMAIN(dom, ...) __attribute__((availability(domain: dom, __VA_ARGS__)))
#endif
#if !defined(SWIFT_WEAK_IMPORT)
# define SWIFT_WEAK_IMPORT __attribute__((weak_import))
#endif
#if !defined(SWIFT_DEPRECATED)
# define SWIFT_DEPRECATED __attribute__((deprecated))
#endif
#if !defined(SWIFT_DEPRECATED_MSG)
# define SWIFT_DEPRECATED_MSG(...) __attribute__((deprecated(__VA_ARGS__)))
#endif
#if !defined(SWIFT_DEPRECATED_OBJC)
# if __has_feature(attribute_diagnose_if_objc)
#  define SWIFT_DEPRECATED_OBJC(Msg) __attribute__((diagnose_if(1, Msg, "warning")))
# else
#  define SWIFT_DEPRECATED_OBJC(Msg) SWIFT_DEPRECATED_MSG(Msg)
# endif
#endif
#if defined(__OBJC__)
#if !defined(IBSegueAction)
# define IBSegueAction 
#endif
#endif
#if !defined(SWIFT_EXTERN)
# if defined(__cplusplus)
#  define SWIFT_EXTERN extern "C"
# else
#  define SWIFT_EXTERN extern
# endif
#endif
#if !defined(SWIFT_CALL)
# define SWIFT_CALL __attribute__((swiftcall))
#endif
#if !defined(SWIFT_INDIRECT_RESULT)
# define SWIFT_INDIRECT_RESULT __attribute__((swift_indirect_result))
#endif
#if !defined(SWIFT_CONTEXT)
# define SWIFT_CONTEXT __attribute__((swift_context))
#endif
#if !defined(SWIFT_ERROR_RESULT)
# define SWIFT_ERROR_RESULT __attribute__((swift_error_result))
#endif
#if defined(__cplusplus)
# define SWIFT_NOEXCEPT noexcept
#else
# define SWIFT_NOEXCEPT 
#endif
#if !defined(SWIFT_C_INLINE_THUNK)
# if __has_attribute(always_inline)
# if __has_attribute(nodebug)
#  define SWIFT_C_INLINE_THUNK inline __attribute__((always_inline)) __attribute__((nodebug))
# else
#  define SWIFT_C_INLINE_THUNK inline __attribute__((always_inline))
# endif
# else
#  define SWIFT_C_INLINE_THUNK inline
# endif
#endif
#if !defined(SWIFT_IMPORT_STDLIB_SYMBOL)
# define SWIFT_IMPORT_STDLIB_SYMBOL 
#endif
#if !__has_feature(nullability)
# define _Nonnull
# define _Nullable
# define _Null_unspecified
#elif !defined(__OBJC__)
# pragma clang diagnostic ignored "-Wnullability-extension"
#endif
#if !__has_feature(nullability_nullable_result)
# define _Nullable_result _Nullable
#endif
#if __has_feature(objc_modules)
#if __has_warning("-Watimport-in-framework-header")
#pragma clang diagnostic ignored "-Watimport-in-framework-header"
#endif
@import COraclefnTypes;
#elif defined(__OBJC__)
#import <oraclefn_types.h>
#else
#include <oraclefn_types.h>
#endif

#pragma clang diagnostic ignored "-Wproperty-attribute-mismatch"
#pragma clang diagnostic ignored "-Wduplicate-method-arg"
#if __has_warning("-Wpragma-clang-attribute")
# pragma clang diagnostic ignored "-Wpragma-clang-attribute"
#endif
#pragma clang diagnostic ignored "-Wunknown-pragmas"
#pragma clang diagnostic ignored "-Wnullability"
#pragma clang diagnostic ignored "-Wdollar-in-identifier-extension"
#pragma clang diagnostic ignored "-Wunsafe-buffer-usage"

#if __has_attribute(external_source_symbol)
# pragma push_macro("any")
# undef any
# pragma clang attribute push(__attribute__((external_source_symbol(language="Swift", defined_in="OFCABI",generated_declaration))), apply_to=any(function,enum,objc_interface,objc_category,objc_protocol))
# pragma pop_macro("any")
#endif

#if defined(__cplusplus)
extern "C" {
#endif

/// Releases the bytes a call put in <code>buf</code> and empties it; NULL and an empty
/// buffer are ignored, so disposing twice is harmless.
SWIFT_EXTERN void ofn_buf_dispose(ofn_buf * _Nullable buf) SWIFT_NOEXCEPT;

SWIFT_EXTERN void ofn_config_free(void * _Nullable config) SWIFT_NOEXCEPT;

/// Loads the configuration at <code>path</code>, or with <code>path</code> NULL the first one found
/// in Lithops’ order (env LITHOPS_CONFIG_FILE, ./.lithops_config,
/// ~/.lithops/config, /etc/lithops/config), applies the optional JSON
/// overrides (<code>{"section": {"key": value}}</code>), validates it and checks its
/// credentials as oracle.auth says: “api_key” (the private key read once
/// and checked against the fingerprint), “security_token” (an <code>oci session authenticate</code> profile’s token file and session key), “instance_principal”
/// (the instance metadata service and federation, on first use) or
/// “resource_principal” (a function’s OCI_RESOURCE_PRINCIPAL_* variables).
/// Sessions made from the handle (ofn_session_new) take these credentials.
/// Free the handle with ofn_config_free().
SWIFT_EXTERN ofn_status ofn_config_load(void * _Nullable * _Nullable out_, char const * _Nullable path, char const * _Nullable overridesJSON) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// The path of the configuration file ofn_config_load(NULL) would read, or
/// OFN_ENOTFOUND when there is none.
SWIFT_EXTERN ofn_status ofn_config_locate(ofn_buf * _Nullable out_) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Like ofn_config_load(), from YAML text instead of a file.
SWIFT_EXTERN ofn_status ofn_config_parse(void * _Nullable * _Nullable out_, char const * _Nullable yaml, char const * _Nullable overridesJSON) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// The merged configuration (all four sections, defaults filled in) as a JSON
/// object, with pass phrases and tokens masked.
SWIFT_EXTERN ofn_status ofn_config_to_json(ofn_buf * _Nullable out_, void * _Nullable config) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

SWIFT_EXTERN void ofn_engine_free(void * _Nullable engine) SWIFT_NOEXCEPT;

/// An engine over a session: its signing threads send through the session’s
/// HTTP client with its credentials, for every job it runs. Free it with
/// ofn_engine_free(); jobs it started keep running.
SWIFT_EXTERN ofn_status ofn_engine_new(void * _Nullable * _Nullable out_, void * _Nullable session) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Forgets the calling thread’s last error.
SWIFT_EXTERN void ofn_error_clear(void) SWIFT_NOEXCEPT;

/// Why the calling thread’s last failed call failed: its status, message (what
/// went wrong and how to fix it), OCI error code, HTTP status and
/// opc-request-id. Never NULL: after a successful call, or none, the record
/// has status OFN_OK and empty strings. The record belongs to the library and
/// stays valid until this thread’s next call into it; copy what you keep.
SWIFT_EXTERN ofn_error const * _Nonnull ofn_error_last(void) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Creates or updates a function and puts it in <code>out</code> as OCI’s Function JSON
/// object once it is ACTIVE. <code>details_json</code> is OCI’s CreateFunctionDetails:
/// {“applicationId”, “displayName”, “image”, “memoryInMBs”} and optionally
/// “timeoutInSeconds”, “config” (the function’s environment) and
/// “freeformTags”. A function of that name in the application is updated when
/// any of these differ (config and tags only when given), else one is created.
SWIFT_EXTERN ofn_status ofn_functions_deploy_function(ofn_buf * _Nullable out_, void * _Nullable functions, char const * _Nullable detailsJSON) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// The application named <code>name</code> in the configured compartment as OCI’s
/// Application JSON object: the existing one, or one made in the configured
/// subnet when missing; returns once it is ACTIVE.
SWIFT_EXTERN ofn_status ofn_functions_ensure_application(ofn_buf * _Nullable out_, void * _Nullable functions, char const * _Nullable name) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

SWIFT_EXTERN void ofn_functions_free(void * _Nullable functions) SWIFT_NOEXCEPT;

/// Invokes a function synchronously with <code>size</code> bytes of <code>body</code> and puts its
/// answer in <code>out</code>. Bodies over 6 MB give OFN_ETOOLARGE without sending; a
/// failing function OFN_EFUNCTION; 429 and 503 are retried with backoff.
SWIFT_EXTERN ofn_status ofn_functions_invoke(ofn_buf * _Nullable out_, void * _Nullable functions, char const * _Nullable functionId, void const * _Nullable body, ptrdiff_t size) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Invokes a function detached: returns once the service has accepted the
/// call, with its call id in <code>out</code> (”” when the service gave none).
SWIFT_EXTERN ofn_status ofn_functions_invoke_detached(ofn_buf * _Nullable out_, void * _Nullable functions, char const * _Nullable functionId, void const * _Nullable body, ptrdiff_t size) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Sets <code>*out</code> to 1 when the configuration’s Functions endpoint is an oraclefn
/// emulator, else to 0. Only a configured oracle_f endpoint is asked; OCI’s
/// regional endpoints are never an emulator.
SWIFT_EXTERN ofn_status ofn_functions_is_emulator(int32_t * _Nullable out_, void * _Nullable functions) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// The applications of <code>compartment_id</code> (NULL: the configured compartment) as a
/// JSON array of OCI’s Application objects (camelCase: “id”, “displayName”,
/// “lifecycleState”, …).
SWIFT_EXTERN ofn_status ofn_functions_list_applications(ofn_buf * _Nullable out_, void * _Nullable functions, char const * _Nullable compartmentId) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// The functions of an application as a JSON array of OCI’s Function objects
/// (“id”, “displayName”, “image”, “memoryInMBs”, “invokeEndpoint”, …).
SWIFT_EXTERN ofn_status ofn_functions_list_functions(ofn_buf * _Nullable out_, void * _Nullable functions, char const * _Nullable applicationId) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// The Functions client of a session, for its configuration’s oracle_f
/// section (its endpoint, or the region’s). Free it with ofn_functions_free().
SWIFT_EXTERN ofn_status ofn_functions_new(void * _Nullable * _Nullable out_, void * _Nullable session) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Greets a few names through the engine, as <code>oraclefn hello</code> does: in the
/// runtime oracle_f.runtime (else the default Python runtime) when it is
/// deployed; on an emulator without one, through its hello function. On
/// Oracle Functions with no runtime deployed: OFN_ENOTFOUND, saying to deploy
/// it. <code>options_json</code> (may be NULL): “python” as for ofn_runtime_deploy(),
/// “names” (an array of strings, default [“world”, “Lithops”, “Oracle
/// Functions”]). <code>out</code> gets the report as JSON: “greetings” (in the order of
/// the names), “failures” (a line for each call that did not greet; calls that
/// fail are reported there, and the status is still OFN_OK),
/// “runtime” (absent for the emulator’s hello function), “function”,
/// “function_id”, “endpoint”, “seconds”.
SWIFT_EXTERN ofn_status ofn_hello(ofn_buf * _Nullable out_, void * _Nullable engine, char const * _Nullable optionsJSON) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Collects a detached job another process started, by its id (see
/// ofn_job_id()). Options as for ofn_job_submit(); the rest comes from the
/// job’s manifest.
SWIFT_EXTERN ofn_status ofn_job_attach(void * _Nullable * _Nullable out_, void * _Nullable engine, char const * _Nullable jobId, char const * _Nullable optionsJSON, ofn_progress_fn _Nullable progress, void * _Nullable userData) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Call <code>index</code>, once it has ended (else OFN_EPENDING), as a JSON object: “call_id”, “index”,
/// “ok”, “error” ({“type”, “message”, “traceback”}) or “failure” (text),
/// “attempts”, “timings” (seconds since the epoch: “submitted”, “accepted”,
/// “worker_start”, “worker_end”, “status_seen”, “result_fetched”) and “logs”.
/// The output itself is left to ofn_job_result().
SWIFT_EXTERN ofn_status ofn_job_call_json(ofn_buf * _Nullable out_, void * _Nullable job, ptrdiff_t index) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Stops the job: nothing more is sent, and every call not ended yet ends
/// as cancelled (OFN_ECALL). Safe from any thread and from the callback.
SWIFT_EXTERN ofn_status ofn_job_cancel(void * _Nullable job) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// OFN_OK when the job ran (each call has its own outcome), or why the job
/// as a whole failed: its function not found, its manifest missing, cancelled.
SWIFT_EXTERN ofn_status ofn_job_error(void * _Nullable job) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Releases the job handle; its progress callback is not called again once
/// this returns. A job not finished keeps running unless cancelled first.
SWIFT_EXTERN void ofn_job_free(void * _Nullable job) SWIFT_NOEXCEPT;

/// The job’s id (16 hex characters), for ofn_job_attach().
SWIFT_EXTERN ofn_status ofn_job_id(ofn_buf * _Nullable out_, void * _Nullable job) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Calls ended (done, failed ones included), failed and in all, at this moment.
SWIFT_EXTERN ofn_status ofn_job_progress(ptrdiff_t * _Nullable done, ptrdiff_t * _Nullable failed, ptrdiff_t * _Nullable total, void * _Nullable job) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// The result of call <code>index</code>, as soon as that call has ended: OFN_OK with
/// the function’s output in <code>out</code>; OFN_EFUNCTION when the function raised (the
/// last error’s code is the error type, its message the error’s); OFN_ECALL
/// when the call got no result (the message says why); OFN_EPENDING while the
/// call runs. ofn_job_call_json() has the details.
SWIFT_EXTERN ofn_status ofn_job_result(ofn_buf * _Nullable out_, void * _Nullable job, ptrdiff_t index) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// The job’s statistics as a JSON object: calls by outcome, invocations,
/// retries, throttles, duplicates ignored, status listings, duration.
SWIFT_EXTERN ofn_status ofn_job_stats_json(ofn_buf * _Nullable out_, void * _Nullable job) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Starts a map job: <code>function</code> (a function OCID or the name of a deployed
/// function) over <code>count</code> inputs. <code>options_json</code> (NULL for the defaults) is
/// a JSON object with any of: “mode” (“detached” or “sync”), “format”
/// (“envelope”, the job protocol, or “raw”: each input is the body of its own
/// sync call), “max_workers”, “chunksize”, “call_timeout” (seconds),
/// “execution_timeout” (seconds a call may run before its worker stops it),
/// “at_least_once” (true: a call may be sent again while an earlier
/// invocation of it may still run), “retries”, “throttle_retries”, “bucket”,
/// “jobs_prefix”. <code>progress</code> (may be NULL) is
/// called with <code>user_data</code> as calls end. Returns at once; free the job with
/// ofn_job_free().
SWIFT_EXTERN ofn_status ofn_job_submit(void * _Nullable * _Nullable out_, void * _Nullable engine, char const * _Nullable function, ofn_bytes const * _Nullable inputs, ptrdiff_t count, char const * _Nullable optionsJSON, ofn_progress_fn _Nullable progress, void * _Nullable userData) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Waits until every call of the job has ended (OFN_OK) or <code>timeout_ms</code> has
/// passed (OFN_ETIMEOUT); a negative timeout waits as long as it takes. Any
/// thread may wait, several at once.
SWIFT_EXTERN ofn_status ofn_job_wait(void * _Nullable job, int64_t timeoutMs) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

SWIFT_EXTERN void ofn_logs_free(void * _Nullable logs) SWIFT_NOEXCEPT;

/// The lines written since the last read (since the start, first), oldest
/// first, as a JSON array of objects: “time” (RFC 3339), “functionId”,
/// “callId”, “stream” (“stdout” or “stderr”), “message”. Empty when there is
/// nothing new; poll again later. Reads of one follower take turns.
SWIFT_EXTERN ofn_status ofn_logs_next(ofn_buf * _Nullable out_, void * _Nullable logs) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Opens a follower of the functions’ logs: on an emulator its log endpoint,
/// on Oracle Functions OCI Logging (which needs oracle_f.log_group_id and
/// log_id: OFN_ECONFIG says how to set them up otherwise). <code>options_json</code>
/// (may be NULL): “function” (an OCID or a function’s name; default: every
/// function), “since” (an RFC 3339 time, epoch seconds, or an age such as
/// “30s”, “10m”, “2h”, “1d”; default “5m”). Read with ofn_logs_next(); free
/// with ofn_logs_free().
SWIFT_EXTERN ofn_status ofn_logs_open(void * _Nullable * _Nullable out_, void * _Nullable session, char const * _Nullable optionsJSON) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Deletes a runtime’s functions: every memory size, or only “memory” of
/// <code>options_json</code> (may be NULL; “python” as for ofn_runtime_deploy()).
/// <code>runtime</code> as for ofn_runtime_deploy(). <code>out</code> gets the deleted functions’
/// names as a JSON array; OFN_ENOTFOUND when none is deployed.
SWIFT_EXTERN ofn_status ofn_runtime_delete(ofn_buf * _Nullable out_, void * _Nullable session, char const * _Nullable runtime, char const * _Nullable optionsJSON) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Deploys a runtime: makes its function in the runtime application (made
/// when missing, in oracle_f.subnet_id) or updates it, waits until it is
/// ACTIVE and asks its worker for its metadata. <code>runtime</code> is a runtime name or
/// image (NULL: oracle_f.runtime, else the default Python runtime).
/// <code>options_json</code> (may be NULL): “memory” (MB, default oracle_f.runtime_memory),
/// “timeout” (s, default oracle_f.runtime_timeout), “python” (the default
/// runtime’s version, “3.11” or “3.12”, default “3.12”), “environment” (an
/// object of strings: the function’s config). <code>out</code> gets the runtime function
/// as JSON: “runtime”, “image”, “memory”, “timeout”, “version”, “function”,
/// “function_id”, “application”, “state”, “metadata”.
SWIFT_EXTERN ofn_status ofn_runtime_deploy(ofn_buf * _Nullable out_, void * _Nullable session, char const * _Nullable runtime, char const * _Nullable optionsJSON) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// The deployed runtimes of the runtime application, as a JSON array of the
/// objects ofn_runtime_deploy() gives (without “metadata”); [] when the
/// application does not exist.
SWIFT_EXTERN ofn_status ofn_runtime_list(ofn_buf * _Nullable out_, void * _Nullable session) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// What a runtime name stands for, as ofn_runtime_deploy() names it, without
/// deploying anything. <code>runtime</code> and <code>options_json</code> (“python”, “memory”) as
/// for ofn_runtime_deploy(). <code>out</code> gets JSON: “runtime” (the name), “image”,
/// “function” (its function’s name at that memory), “application” and
/// “emulator” (whether the Functions endpoint is an oraclefn emulator, whose
/// default runtime is its built-in image).
SWIFT_EXTERN ofn_status ofn_runtime_resolve(ofn_buf * _Nullable out_, void * _Nullable session, char const * _Nullable runtime, char const * _Nullable optionsJSON) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

SWIFT_EXTERN void ofn_session_free(void * _Nullable session) SWIFT_NOEXCEPT;

/// A session for a loaded configuration: its credentials (the key read when
/// the configuration was loaded; tokens fetched and refreshed as needed), one
/// HTTP client with its I/O thread, and the Object Storage namespace once
/// looked up. Engines, storage and Functions clients are made from it and
/// share it; each keeps it alive. Free it with ofn_session_free().
SWIFT_EXTERN ofn_status ofn_session_new(void * _Nullable * _Nullable out_, void * _Nullable config) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

SWIFT_EXTERN void ofn_signer_free(void * _Nullable signer) SWIFT_NOEXCEPT;

/// The signer of a loaded configuration: its oracle_f section’s credentials
/// (an API key, a session token, an instance or a resource principal).
SWIFT_EXTERN ofn_status ofn_signer_from_config(void * _Nullable * _Nullable out_, void * _Nullable config) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// A signer for the PEM private key in <code>key_file</code> (PKCS#1 or PKCS#8, encrypted
/// ones with <code>pass_phrase</code>, else NULL), signing as <code>key_id</code>
/// (”<tenancy>/<user>/<fingerprint>”). Free it with ofn_signer_free().
SWIFT_EXTERN ofn_status ofn_signer_new(void * _Nullable * _Nullable out_, char const * _Nullable keyFile, char const * _Nullable keyId, char const * _Nullable passPhrase) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Signs a request. <code>headers_json</code> is a JSON object of the headers to send
/// (NULL for none); a “date” or “x-date” in it is used as given, else the
/// current time. <code>sign_body</code> is -1 for OCI’s rule (body signed on POST, PUT and
/// PATCH except Object Storage PutObject and UploadPart), 0 or 1 to force it.
/// On success <code>out</code> holds a JSON object of every header to send, names in
/// lowercase, “authorization” included.
SWIFT_EXTERN ofn_status ofn_signer_sign(ofn_buf * _Nullable out_, void * _Nullable signer, char const * _Nullable method, char const * _Nullable url, char const * _Nullable headersJSON, void const * _Nullable body, ptrdiff_t bodyLength, int32_t signBody) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// What a status means, in a few words (“not found”); static, never NULL,
/// never freed. A value this version does not know gives “unknown status”.
SWIFT_EXTERN char const * _Nonnull ofn_status_str(ofn_status status) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Creates a bucket in the configured compartment. <code>bucket</code> NULL means the
/// configured storage_bucket. An existing bucket gives OFN_ECONFLICT.
SWIFT_EXTERN ofn_status ofn_storage_create_bucket(void * _Nullable storage, char const * _Nullable bucket) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Deletes object <code>key</code>; a missing one gives OFN_ENOTFOUND.
SWIFT_EXTERN ofn_status ofn_storage_delete(void * _Nullable storage, char const * _Nullable bucket, char const * _Nullable key) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Deletes the objects named in <code>keys_json</code> (a JSON array of strings), several
/// at a time; ones already gone count as deleted.
SWIFT_EXTERN ofn_status ofn_storage_delete_many(void * _Nullable storage, char const * _Nullable bucket, char const * _Nullable keysJSON) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

SWIFT_EXTERN void ofn_storage_free(void * _Nullable storage) SWIFT_NOEXCEPT;

/// Reads object <code>key</code> into <code>out</code>. A range as HTTP writes it: <code>first</code> and <code>last</code>
/// both included; <code>last</code> -1 reads from <code>first</code> to the end; <code>first</code> -1 reads the
/// last <code>last</code> bytes; both -1 read the whole object. A missing object gives
/// OFN_ENOTFOUND.
SWIFT_EXTERN ofn_status ofn_storage_get(ofn_buf * _Nullable out_, void * _Nullable storage, char const * _Nullable bucket, char const * _Nullable key, int64_t first, int64_t last) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Writes object <code>key</code> (or the range <code>first</code>-<code>last</code>, as ofn_storage_get takes it) to the descriptor <code>fd</code> from
/// its current position, as it arrives. The descriptor is the caller’s and stays open; a download that fails
/// may leave part of the object written to it. When an answer breaks off and is retried, a seekable descriptor
/// is put back and truncated where it started; a pipe or socket that already took bytes cannot be, and the call
/// fails saying so. A writer whose reader went away gets SIGPIPE unless the program ignores it.
SWIFT_EXTERN ofn_status ofn_storage_get_fd(void * _Nullable storage, char const * _Nullable bucket, char const * _Nullable key, int32_t fd, int64_t first, int64_t last) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Writes object <code>key</code> (or the range <code>first</code>-<code>last</code>, as ofn_storage_get takes it) to the file at <code>path</code> as it
/// arrives, so memory stays small whatever the object’s size. The file is created (mode 0666 less the umask) or
/// truncated once the service answers with the object; a download that fails after that removes it.
SWIFT_EXTERN ofn_status ofn_storage_get_file(void * _Nullable storage, char const * _Nullable bucket, char const * _Nullable key, char const * _Nullable path, int64_t first, int64_t last) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// The object’s properties as a JSON object of its headers (names in lowercase,
/// e.g. “content-length”, “etag”, “content-md5”, “opc-meta-*”).
SWIFT_EXTERN ofn_status ofn_storage_head(ofn_buf * _Nullable out_, void * _Nullable storage, char const * _Nullable bucket, char const * _Nullable key) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Every object whose name starts with <code>prefix</code> (NULL: all), as JSON
/// {“objects”: [{“name”, “size”, “etag”, “md5”, “timeCreated”, “timeModified”}],
/// “prefixes”: […]}. With <code>delimiter</code> “/”, names with a further “/” after the
/// prefix are folded into “prefixes”.
SWIFT_EXTERN ofn_status ofn_storage_list(ofn_buf * _Nullable out_, void * _Nullable storage, char const * _Nullable bucket, char const * _Nullable prefix, char const * _Nullable delimiter) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// The tenancy’s Object Storage namespace (also the one its container
/// registry names images with) in <code>out</code>: the configured tenancy_namespace,
/// else asked of the service once per handle.
SWIFT_EXTERN ofn_status ofn_storage_namespace(ofn_buf * _Nullable out_, void * _Nullable storage) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// The Object Storage client of a session, for its configuration’s
/// oracle_oss section (its endpoint, or the region’s). Free it with
/// ofn_storage_free().
SWIFT_EXTERN ofn_status ofn_storage_new(void * _Nullable * _Nullable out_, void * _Nullable session) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Stores <code>size</code> bytes at <code>data</code> as object <code>key</code> (in parts when large; the
/// bytes are read in place while the call runs). <code>content_type</code> NULL means
/// application/octet-stream.
SWIFT_EXTERN ofn_status ofn_storage_put(void * _Nullable storage, char const * _Nullable bucket, char const * _Nullable key, void const * _Nullable data, ptrdiff_t size, char const * _Nullable contentType) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Stores the rest of the regular file open on <code>fd</code>, from its current position to its end, as object <code>key</code>:
/// read while it is sent (in parts when large), never held in memory whole. The descriptor is the caller’s:
/// it is neither moved nor closed.
SWIFT_EXTERN ofn_status ofn_storage_put_fd(void * _Nullable storage, char const * _Nullable bucket, char const * _Nullable key, int32_t fd, char const * _Nullable contentType) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// Stores the file at <code>path</code> as object <code>key</code>, read while it is sent (in parts
/// when large), so it is never held in memory whole.
SWIFT_EXTERN ofn_status ofn_storage_put_file(void * _Nullable storage, char const * _Nullable bucket, char const * _Nullable key, char const * _Nullable path, char const * _Nullable contentType) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

/// The library version, “MAJOR.MINOR.PATCH”. Static; never free it.
SWIFT_EXTERN char const * _Nonnull ofn_version(void) SWIFT_NOEXCEPT SWIFT_WARN_UNUSED_RESULT;

#if defined(__cplusplus)
} // extern "C"
#endif
#if __has_attribute(external_source_symbol)
# pragma clang attribute pop
#endif
#if defined(__OBJC__)
#if __has_feature(objc_modules)
#if __has_warning("-Watimport-in-framework-header")
#pragma clang diagnostic ignored "-Watimport-in-framework-header"
#endif
#endif

#endif // defined(__OBJC__)
#pragma clang diagnostic ignored "-Wproperty-attribute-mismatch"
#pragma clang diagnostic ignored "-Wduplicate-method-arg"
#if __has_warning("-Wpragma-clang-attribute")
# pragma clang diagnostic ignored "-Wpragma-clang-attribute"
#endif
#pragma clang diagnostic ignored "-Wunknown-pragmas"
#pragma clang diagnostic ignored "-Wnullability"
#pragma clang diagnostic ignored "-Wdollar-in-identifier-extension"
#pragma clang diagnostic ignored "-Wunsafe-buffer-usage"

#if __has_attribute(external_source_symbol)
# pragma push_macro("any")
# undef any
# pragma clang attribute push(__attribute__((external_source_symbol(language="Swift", defined_in="OFCABI",generated_declaration))), apply_to=any(function,enum,objc_interface,objc_category,objc_protocol))
# pragma pop_macro("any")
#endif

#if defined(__OBJC__)

#endif // defined(__OBJC__)
#if __has_attribute(external_source_symbol)
# pragma clang attribute pop
#endif
#if defined(__cplusplus)
#endif
#pragma clang diagnostic pop
#endif
