/*
 * A sweep of every export of liboraclefn.so with hostile arguments: NULL for
 * each pointer, handles of the wrong kind, freed and foreign handles, huge and
 * negative sizes, counts, indices and timeouts, invalid UTF-8, malformed,
 * deeply nested, huge and wrongly typed JSON, files that are FIFOs, devices or
 * directories. Each call must return a status, with a message from
 * ofn_error_last() when it is an error, and return within BOUND seconds
 * (default 10); a call that does not is reported as hung and the sweep goes on
 * with the next group. Server calls go to an emulator started here, and to an
 * endpoint where nothing listens.
 *
 * Every function the header declares must be called at least once: a new
 * export the sweep does not cover fails it.
 *
 * Usage: hostile HEADER FIXTURES_DIR ORACLEFN_CLI [BOUND_SECONDS]
 * OFN_SWEEP_VERBOSE=1 prints every call with its status and message.
 * Prints "N passed, N failed".
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, mkfifo, realpath */
#include "check.h"
#include "emulator.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- Expectations ---- */

#define ANY_ERROR 1   /* any status but OFN_OK */
#define OK_OR_ERROR 2 /* either; only the error record is checked */

/* ---- Which exports were called ---- */

#define MAX_EXPORTS 256
static char called[MAX_EXPORTS][64];
static int called_count;

/* Copies into `name` the first ofn_ identifier in `text` that is followed by '(' (a call, or a
 * declaration); 0 when there is none. */
static int export_name(const char *text, char name[64]) {
    const char *p = text;
    size_t n = 0;
    while ((p = strstr(p, "ofn_")) != NULL) {
        n = strspn(p, "abcdefghijklmnopqrstuvwxyz_0123456789");
        if (p[n] == '(' && n < 64) break;
        p += n;
    }
    if (!p) return 0;
    memcpy(name, p, n);
    name[n] = '\0';
    return 1;
}

/* Records the export an expression calls. */
static void note_export(const char *text) {
    char name[64];
    int i;
    if (!export_name(text, name)) return;
    pthread_mutex_lock(&counts);
    for (i = 0; i < called_count && strcmp(called[i], name) != 0; i++) {}
    if (i == called_count && called_count < MAX_EXPORTS) strcpy(called[called_count++], name);
    pthread_mutex_unlock(&counts);
}

/* ---- Calls timed by a watchdog ---- */

static double bound = 10;
static int verbose;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* What the group's thread is doing, read by the watchdog in main(). */
static pthread_mutex_t watch = PTHREAD_MUTEX_INITIALIZER;
static char current_call[200];
static int current_line;
static double call_started;
static int group_generation, group_done;
static __thread int my_generation;
static int hung;

static void begin_call(const char *text, int line) {
    pthread_mutex_lock(&watch);
    if (my_generation != group_generation) { /* abandoned after a hang: stay out of the way */
        pthread_mutex_unlock(&watch);
        pthread_exit(NULL);
    }
    snprintf(current_call, sizeof current_call, "%s", text);
    current_line = line;
    call_started = now();
    pthread_mutex_unlock(&watch);
    note_export(text);
}

static void end_timing(void) {
    pthread_mutex_lock(&watch);
    call_started = 0;
    pthread_mutex_unlock(&watch);
}

/* Checks a status against what was wanted and against the thread's error record. */
static void end_call(const char *text, int line, int want, ofn_status rc) {
    const ofn_error *e = ofn_error_last();
    double took;
    pthread_mutex_lock(&watch);
    took = now() - call_started;
    pthread_mutex_unlock(&watch);
    end_timing();
    if (verbose) fprintf(stderr, "%4d %6.2fs %-16s %.90s | %.300s\n", line, took, ofn_status_str(rc), text, rc == OFN_OK ? "" : e->message);
    if (rc == OFN_OK) {
        check(e->status == OFN_OK && e->message && e->message[0] == '\0', "line %d: %s succeeded but left an error record", line, text);
    } else {
        check(e->status == rc && e->message && e->message[0] != '\0' && e->code && e->opc_request_id,
              "line %d: %s gave %s with no message (record status %d)", line, text, ofn_status_str(rc), (int)e->status);
    }
    if (want == ANY_ERROR) check(rc != OFN_OK, "line %d: %s should fail but succeeded", line, text);
    else if (want != OK_OR_ERROR)
        check(rc == (ofn_status)want, "line %d: %s gave %s (%s), want %s", line, text, ofn_status_str(rc), rc ? e->message : "",
              ofn_status_str((ofn_status)want));
}

/* EXPECT(want, call): the call returns `want` (a status, ANY_ERROR or OK_OR_ERROR), in time. */
#define EXPECT(want, call)                        \
    do {                                          \
        ofn_status rc_;                           \
        begin_call(#call, __LINE__);              \
        rc_ = (call);                             \
        end_call(#call, __LINE__, (want), rc_);   \
    } while (0)

/* EXPECT_BUF(want, buf, call): as EXPECT, and `buf` is left empty on an error, then disposed. */
#define EXPECT_BUF(want, buf, call)                                                                    \
    do {                                                                                               \
        EXPECT(want, call);                                                                            \
        check(ofn_error_last()->status == OFN_OK || ((buf).ptr == NULL && (buf).size == 0),              \
              "line %d: output left in the buffer after an error", __LINE__);                          \
        ofn_buf_dispose(&(buf));                                                                       \
    } while (0)

/* A call of a function with no status (free, dispose, clear, version), in time. */
#define CALL(call)                   \
    do {                             \
        begin_call(#call, __LINE__); \
        call;                        \
        end_timing();                \
    } while (0)

/* Runs `group` on its own thread, abandoning it when one call takes longer than the bound. */
static void *group_main(void *arg) {
    void (*group)(void) = (void (*)(void))(uintptr_t)arg;
    pthread_mutex_lock(&watch);
    my_generation = group_generation;
    pthread_mutex_unlock(&watch);
    group();
    pthread_mutex_lock(&watch);
    if (my_generation == group_generation) group_done = 1;
    pthread_mutex_unlock(&watch);
    return NULL;
}

static void run_group(const char *name, void (*group)(void)) {
    pthread_t thread;
    int done = 0;
    pthread_mutex_lock(&watch);
    group_done = 0;
    call_started = 0;
    pthread_mutex_unlock(&watch);
    if (verbose) fprintf(stderr, "== %s\n", name);
    /* 64 MiB of stack: the group itself nests nothing, but the library runs on it */
    {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 64u << 20);
        if (pthread_create(&thread, &attr, group_main, (void *)(uintptr_t)group) != 0) {
            check(0, "%s: cannot start a thread", name);
            return;
        }
        pthread_attr_destroy(&attr);
    }
    while (!done) {
        struct timespec pause = {0, 20 * 1000 * 1000};
        nanosleep(&pause, NULL);
        pthread_mutex_lock(&watch);
        if (group_done) done = 1;
        else if (call_started > 0 && now() - call_started > bound) {
            fprintf(stderr, "HUNG: %s, line %d: %s has not returned after %.0f s\n", name, current_line, current_call, bound);
            check(0, "%s: line %d hung: %s", name, current_line, current_call);
            hung++;
            group_generation++; /* the thread leaves at its next call, if it ever returns */
            done = 2;
        }
        pthread_mutex_unlock(&watch);
    }
    if (done == 1) pthread_join(thread, NULL);
    else pthread_detach(thread);
    pthread_mutex_lock(&watch);
    group_generation++;
    pthread_mutex_unlock(&watch);
}

/* ---- Hostile values ---- */

static const char *bad_utf8[] = {"\xff\xfe", "ab\xc3\x28", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "abc\x80"};
#define N_BAD_UTF8 (sizeof bad_utf8 / sizeof bad_utf8[0])

/* JSON no export should accept where it expects an object */
static const char *malformed_json[] = {
    "", " ", "{", "}", "{\"a\":}", "{\"a\" 1}", "[1,]", "nul", "\"unterminated", "{} trailing", "{\"a\": 1,}",
    "{\"a\": 01}", "{\"a\": \"\\x\"}", "{\"a\": \"\\ud800\"}", "{\"a\": -}", "{\"a\": 1e}", "{'a': 1}", "\x01",
    "{\"a\": \"tab\tinside\"}", "{\"a\": NaN}", "{\"a\": Infinity}", "[[[[[[[[[[[[[[[[[[[[[[[[",
};
#define N_MALFORMED (sizeof malformed_json / sizeof malformed_json[0])

/* Well-formed JSON that is not an object */
static const char *not_object_json[] = {"null", "true", "5", "-1", "\"text\"", "[]", "[{}]", "1e400"};
#define N_NOT_OBJECT (sizeof not_object_json / sizeof not_object_json[0])

/* Option values of the wrong type or out of range */
static const char *bad_values[] = {
    "null", "true", "\"\"", "\"5\"", "[]", "{}", "-1", "0", "1.5", "1e308", "-1e308", "1e-300", "9223372036854775807",
    "-9223372036854775808", "18446744073709551616", "1e400", "\"\\u0000\"", "[1, [2, [3]]]",
};
#define N_BAD_VALUES (sizeof bad_values / sizeof bad_values[0])

static char *deep_array;  /* 100,000 '[' */
static char *deep_object; /* {"a": nested 100,000 times */
static char *huge_json;   /* a 50 MB object: {"x": "aaa..."} */
static char *huge_array;  /* a 50 MB array of numbers */
static char *mb_string;   /* 1 MiB of 'a' */
static char *deep_yaml;   /* 100,000 '[' as YAML */

static char *repeat(const char *head, const char *unit, size_t times, const char *tail) {
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
    char *s = malloc(hl + ul * times + tl + 1), *p = s;
    if (!s) { perror("malloc"); exit(2); }
    memcpy(p, head, hl);
    p += hl;
    for (i = 0; i < times; i++, p += ul) memcpy(p, unit, ul);
    memcpy(p, tail, tl + 1);
    return s;
}

static void make_values(void) {
    size_t huge = 50u << 20;
    deep_array = repeat("", "[", 100000, "");
    deep_object = repeat("", "{\"a\":", 100000, "1");
    huge_json = repeat("{\"x\": \"", "a", huge, "\"}");
    huge_array = repeat("[", "1,", huge / 2, "1]");
    mb_string = repeat("", "a", 1u << 20, "");
    deep_yaml = repeat("oracle_f: ", "[", 100000, "");
}

/* A value an optional option may legitimately have: null (the default), or an empty object. */
static int absent(const char *value) { return strcmp(value, "null") == 0 || strcmp(value, "{}") == 0; }

/* JSON `{"<key>": <value>}` (caller frees) */
static char *option(const char *key, const char *value) {
    size_t n = strlen(key) + strlen(value) + 8;
    char *s = malloc(n);
    snprintf(s, n, "{\"%s\": %s}", key, value);
    return s;
}

/* ---- Fixtures ---- */

static char fixtures[4096], config_path[4096 + 64], key_path[4096 + 64], tmp_dir[64], fifo_path[128];
static char emulator_url[128], emulator_overrides[512], unreachable_overrides[512];
static ofn_config *config, *dead_config; /* the emulator's; one whose endpoints answer nothing */
static ofn_session *session, *dead_session;
static ofn_engine *engine;
static ofn_storage *storage;
static ofn_functions *functions;
static ofn_signer *signer;
static ofn_logs *logs;
static ofn_job *job; /* a finished job of 3 calls */
static char function_id[256];
/* freed handles of each kind, and a pointer that never was one */
static ofn_config *stale_config;
static ofn_session *stale_session;
static ofn_engine *stale_engine;
static ofn_storage *stale_storage;
static ofn_functions *stale_functions;
static ofn_signer *stale_signer;
static ofn_logs *stale_logs;
static ofn_job *stale_job;
static int not_a_handle;
#define FOREIGN(type) ((type *)(void *)&not_a_handle)
#define AS(type, handle) ((type *)(void *)(handle))

/* Deploys an echo function on the emulator for the jobs. */
static void setup_function(void) {
    ofn_buf buf = OFN_BUF_INIT;
    char details[768], *id;
    if (ofn_functions_ensure_application(&buf, functions, "sweep-app") != OFN_OK || !(id = strstr(buf.ptr, "\"id\":\""))) {
        fprintf(stderr, "cannot make an application: %s\n", last_message());
        exit(2);
    }
    id += 6;
    snprintf(details, sizeof details,
             "{\"applicationId\": \"%.*s\", \"displayName\": \"echo\", \"image\": \"oraclefn/echo\", \"memoryInMBs\": 128}",
             (int)strcspn(id, "\""), id);
    ofn_buf_dispose(&buf);
    if (ofn_functions_deploy_function(&buf, functions, details) != OFN_OK || !(id = strstr(buf.ptr, "\"id\":\""))) {
        fprintf(stderr, "cannot deploy the echo function: %s\n", last_message());
        exit(2);
    }
    id += 6;
    snprintf(function_id, sizeof function_id, "%.*s", (int)strcspn(id, "\""), id);
    ofn_buf_dispose(&buf);
}

static const char *sync_raw = "{\"mode\": \"sync\", \"format\": \"raw\"}";
static ofn_bytes three[3] = {{"a", 1}, {"bb", 2}, {"", 0}};

static void setup_handles(void) {
    ofn_buf buf = OFN_BUF_INIT;
    if (ofn_config_load(&config, config_path, emulator_overrides) != OFN_OK || ofn_session_new(&session, config) != OFN_OK ||
        ofn_engine_new(&engine, session) != OFN_OK || ofn_storage_new(&storage, session) != OFN_OK ||
        ofn_functions_new(&functions, session) != OFN_OK || ofn_signer_from_config(&signer, config) != OFN_OK ||
        ofn_logs_open(&logs, session, NULL) != OFN_OK) {
        fprintf(stderr, "cannot make the handles: %s\n", last_message());
        exit(2);
    }
    if (ofn_config_load(&dead_config, config_path, unreachable_overrides) != OFN_OK || ofn_session_new(&dead_session, dead_config) != OFN_OK) {
        fprintf(stderr, "cannot make the unreachable session: %s\n", last_message());
        exit(2);
    }
    if (ofn_storage_create_bucket(storage, NULL) != OFN_OK) {
        fprintf(stderr, "cannot make the bucket: %s\n", last_message());
        exit(2);
    }
    setup_function();
    if (ofn_job_submit(&job, engine, function_id, three, 3, sync_raw, NULL, NULL) != OFN_OK || ofn_job_wait(job, -1) != OFN_OK) {
        fprintf(stderr, "cannot run a job: %s\n", last_message());
        exit(2);
    }
    /* one freed handle of each kind */
    if (ofn_config_load(&stale_config, config_path, emulator_overrides) != OFN_OK || ofn_session_new(&stale_session, config) != OFN_OK ||
        ofn_engine_new(&stale_engine, session) != OFN_OK || ofn_storage_new(&stale_storage, session) != OFN_OK ||
        ofn_functions_new(&stale_functions, session) != OFN_OK || ofn_signer_from_config(&stale_signer, config) != OFN_OK ||
        ofn_logs_open(&stale_logs, session, NULL) != OFN_OK ||
        ofn_job_submit(&stale_job, engine, function_id, three, 1, sync_raw, NULL, NULL) != OFN_OK || ofn_job_wait(stale_job, -1) != OFN_OK) {
        fprintf(stderr, "cannot make the handles to free: %s\n", last_message());
        exit(2);
    }
    ofn_config_free(stale_config);
    ofn_session_free(stale_session);
    ofn_engine_free(stale_engine);
    ofn_storage_free(stale_storage);
    ofn_functions_free(stale_functions);
    ofn_signer_free(stale_signer);
    ofn_logs_free(stale_logs);
    ofn_job_free(stale_job);
    ofn_buf_dispose(&buf);
}

/* ---- The groups ---- */

static void sweep_library(void) {
    static const int statuses[] = {0, -1, -17, -18, 1, 100, INT32_MIN, INT32_MAX};
    size_t i;
    ofn_buf buf = OFN_BUF_INIT;
    const char *s = NULL;
    CALL(s = ofn_version());
    check(s && s[0], "ofn_version gives a version");
    for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        CALL(s = ofn_status_str((ofn_status)statuses[i]));
        check(s && s[0], "ofn_status_str(%d) gives a name", statuses[i]);
    }
    CALL(ofn_error_clear());
    CALL(s = ofn_error_last()->message);
    check(s && s[0] == '\0', "no error after ofn_error_clear");
    CALL(ofn_buf_dispose(NULL));
    CALL(ofn_buf_dispose(&buf));
    CALL(ofn_buf_dispose(&buf));
    check(buf.ptr == NULL && buf.size == 0, "disposing an empty buffer twice leaves it empty");
}

/* the configuration text and overrides each export takes */
static void sweep_config_files(void) {
    ofn_config *c = NULL;
    ofn_buf buf = OFN_BUF_INIT;
    char missing[200];
    size_t i;
    snprintf(missing, sizeof missing, "%s/missing.yaml", tmp_dir);
    EXPECT(OFN_EINVALID, ofn_config_load(NULL, config_path, NULL));
    EXPECT(OFN_ECONFIG, ofn_config_load(&c, missing, NULL));
    EXPECT(OFN_ECONFIG, ofn_config_load(&c, tmp_dir, NULL));
    EXPECT(OFN_ECONFIG, ofn_config_load(&c, fifo_path, NULL));
    EXPECT(OFN_ECONFIG, ofn_config_load(&c, "/dev/zero", NULL));
    EXPECT(OFN_ECONFIG, ofn_config_load(&c, "/dev/urandom", NULL));
    EXPECT(ANY_ERROR, ofn_config_load(&c, "", NULL));
    EXPECT(ANY_ERROR, ofn_config_load(&c, mb_string, NULL));
    for (i = 0; i < N_BAD_UTF8; i++) EXPECT(OFN_EINVALID, ofn_config_load(&c, bad_utf8[i], NULL));
    check(c == NULL, "no configuration after the errors");
    EXPECT(OK_OR_ERROR, ofn_config_load(&c, NULL, NULL)); /* whatever this machine has */
    CALL(ofn_config_free(c));
    c = NULL;

    EXPECT(OFN_EINVALID, ofn_config_parse(NULL, "lithops: {}", NULL));
    EXPECT(OFN_EINVALID, ofn_config_parse(&c, NULL, NULL));
    for (i = 0; i < N_BAD_UTF8; i++) EXPECT(OFN_EINVALID, ofn_config_parse(&c, bad_utf8[i], NULL));
    EXPECT(OFN_ECONFIG, ofn_config_parse(&c, "", NULL));
    EXPECT(OFN_ECONFIG, ofn_config_parse(&c, "[", NULL));
    EXPECT(OFN_ECONFIG, ofn_config_parse(&c, "oracle_f: [1, 2", NULL));
    EXPECT(OFN_ECONFIG, ofn_config_parse(&c, "- a\n- b\n", NULL));
    EXPECT(OFN_ECONFIG, ofn_config_parse(&c, "a: &x [*x]", NULL));
    EXPECT(OFN_ECONFIG, ofn_config_parse(&c, deep_yaml, NULL));
    EXPECT(OFN_ECONFIG, ofn_config_parse(&c,
        "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
        "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n", NULL));
    EXPECT(OFN_EINVALID, ofn_config_parse(&c, huge_json, NULL));
    check(c == NULL, "no configuration after the errors");

    /* overrides: malformed, not an object, nested, huge, of the wrong types */
    for (i = 0; i < N_MALFORMED; i++) EXPECT(OFN_EINVALID, ofn_config_load(&c, config_path, malformed_json[i]));
    for (i = 0; i < N_BAD_UTF8; i++) EXPECT(OFN_EINVALID, ofn_config_load(&c, config_path, bad_utf8[i]));
    for (i = 0; i < N_NOT_OBJECT; i++) { /* null is no overrides */
        EXPECT(strcmp(not_object_json[i], "null") == 0 ? OFN_OK : ANY_ERROR, ofn_config_load(&c, config_path, not_object_json[i]));
        CALL(ofn_config_free(c));
        c = NULL;
    }
    EXPECT(OFN_EINVALID, ofn_config_load(&c, config_path, deep_array));
    EXPECT(OFN_EINVALID, ofn_config_load(&c, config_path, deep_object));
    EXPECT(ANY_ERROR, ofn_config_load(&c, config_path, huge_array));
    EXPECT(ANY_ERROR, ofn_config_load(&c, config_path, huge_json));
    {
        /* each section, and the keys of each, with values of the wrong type or range */
        static const char *keys[][8] = {
            {"oracle_f", "max_workers", "worker_processes", "runtime_memory", "runtime_timeout", "invoke_pool_threads", "endpoint", NULL},
            {"oracle_oss", "storage_bucket", "endpoint", NULL},
            {"oracle", "region", "key_file", "auth", "retry_max_attempts", "connect_timeout", "read_timeout", NULL},
            {"lithops", "backend", "retries", "log_level", NULL},
        };
        size_t k, j;
        char text[256];
        for (k = 0; k < sizeof keys / sizeof keys[0]; k++)
            for (j = 0; keys[k][j]; j++)
                for (i = 0; i < N_BAD_VALUES; i++) {
                    if (j == 0) snprintf(text, sizeof text, "{\"%s\": %s}", keys[k][0], bad_values[i]);
                    else snprintf(text, sizeof text, "{\"%s\": {\"%s\": %s}}", keys[k][0], keys[k][j], bad_values[i]);
                    EXPECT(OK_OR_ERROR, ofn_config_load(&c, config_path, text));
                    CALL(ofn_config_free(c));
                    c = NULL;
                }
    }

    EXPECT(OK_OR_ERROR, ofn_config_locate(&buf));
    ofn_buf_dispose(&buf);
    EXPECT(ANY_ERROR, ofn_config_locate(NULL));
}

static void sweep_config_handles(void) {
    ofn_buf buf = OFN_BUF_INIT;
    ofn_session *s = NULL;
    ofn_signer *sg = NULL;
    EXPECT_BUF(OFN_EINVALID, buf, ofn_config_to_json(&buf, NULL));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_config_to_json(&buf, stale_config));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_config_to_json(&buf, FOREIGN(ofn_config)));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_config_to_json(&buf, AS(ofn_config, engine)));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_config_to_json(&buf, AS(ofn_config, job)));
    EXPECT(OFN_EINVALID, ofn_config_to_json(NULL, config));
    EXPECT_BUF(OFN_OK, buf, ofn_config_to_json(&buf, config));
    /* frees of the wrong kind, of freed and foreign pointers, change nothing */
    CALL(ofn_config_free(NULL));
    CALL(ofn_config_free(stale_config));
    CALL(ofn_config_free(FOREIGN(ofn_config)));
    CALL(ofn_config_free(AS(ofn_config, session)));
    CALL(ofn_session_free(AS(ofn_session, config)));
    CALL(ofn_engine_free(AS(ofn_engine, config)));
    CALL(ofn_storage_free(AS(ofn_storage, config)));
    CALL(ofn_functions_free(AS(ofn_functions, config)));
    CALL(ofn_signer_free(AS(ofn_signer, config)));
    CALL(ofn_logs_free(AS(ofn_logs, config)));
    CALL(ofn_job_free(AS(ofn_job, config)));
    EXPECT_BUF(OFN_OK, buf, ofn_config_to_json(&buf, config)); /* still alive */
    EXPECT(OFN_OK, ofn_session_new(&s, config));
    CALL(ofn_session_free(s));

    EXPECT(OFN_EINVALID, ofn_session_new(NULL, config));
    s = NULL;
    EXPECT(OFN_EINVALID, ofn_session_new(&s, NULL));
    EXPECT(OFN_EINVALID, ofn_session_new(&s, stale_config));
    EXPECT(OFN_EINVALID, ofn_session_new(&s, FOREIGN(ofn_config)));
    EXPECT(OFN_EINVALID, ofn_session_new(&s, AS(ofn_config, session)));
    check(strstr(last_message(), "not an ofn_config") != NULL, "a handle of another kind is named by its C type: %s", last_message());
    check(s == NULL, "no session after the errors");
    CALL(ofn_session_free(NULL));
    CALL(ofn_session_free(stale_session));
    CALL(ofn_session_free(FOREIGN(ofn_session)));

    EXPECT(OFN_EINVALID, ofn_signer_from_config(NULL, config));
    EXPECT(OFN_EINVALID, ofn_signer_from_config(&sg, NULL));
    EXPECT(OFN_EINVALID, ofn_signer_from_config(&sg, stale_config));
    EXPECT(OFN_EINVALID, ofn_signer_from_config(&sg, AS(ofn_config, signer)));
    check(sg == NULL, "no signer after the errors");
}

static void sweep_signer(void) {
    ofn_signer *sg = NULL;
    ofn_buf buf = OFN_BUF_INIT;
    size_t i;
    const char *url = "https://objectstorage.eu-madrid-1.oraclecloud.com/n/";
    EXPECT(OFN_EINVALID, ofn_signer_new(NULL, key_path, "a/b/c", NULL));
    EXPECT(OFN_EINVALID, ofn_signer_new(&sg, NULL, "a/b/c", NULL));
    EXPECT(OFN_EINVALID, ofn_signer_new(&sg, key_path, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_signer_new(&sg, key_path, "", NULL));
    for (i = 0; i < N_BAD_UTF8; i++) {
        EXPECT(OFN_EINVALID, ofn_signer_new(&sg, bad_utf8[i], "a/b/c", NULL));
        EXPECT(OFN_EINVALID, ofn_signer_new(&sg, key_path, bad_utf8[i], NULL));
        EXPECT(OFN_EINVALID, ofn_signer_new(&sg, key_path, "a/b/c", bad_utf8[i]));
    }
    EXPECT(ANY_ERROR, ofn_signer_new(&sg, "", "a/b/c", NULL));
    EXPECT(ANY_ERROR, ofn_signer_new(&sg, tmp_dir, "a/b/c", NULL));
    EXPECT(ANY_ERROR, ofn_signer_new(&sg, fifo_path, "a/b/c", NULL));
    EXPECT(ANY_ERROR, ofn_signer_new(&sg, "/dev/zero", "a/b/c", NULL));
    EXPECT(ANY_ERROR, ofn_signer_new(&sg, "/dev/urandom", "a/b/c", NULL));
    EXPECT(ANY_ERROR, ofn_signer_new(&sg, mb_string, "a/b/c", NULL));
    EXPECT(ANY_ERROR, ofn_signer_new(&sg, config_path, "a/b/c", NULL)); /* not a key */
    check(sg == NULL, "no signer after the errors");
    EXPECT(OFN_OK, ofn_signer_new(&sg, key_path, mb_string, mb_string)); /* an unencrypted key ignores the pass phrase */

    EXPECT_BUF(OFN_OK, buf, ofn_signer_sign(&buf, sg, "GET", url, NULL, NULL, 0, -1));
    EXPECT(OFN_EINVALID, ofn_signer_sign(NULL, sg, "GET", url, NULL, NULL, 0, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, NULL, "GET", url, NULL, NULL, 0, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, stale_signer, "GET", url, NULL, NULL, 0, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, FOREIGN(ofn_signer), "GET", url, NULL, NULL, 0, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, AS(ofn_signer, config), "GET", url, NULL, NULL, 0, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, NULL, url, NULL, NULL, 0, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "GET", NULL, NULL, NULL, 0, -1));
    EXPECT_BUF(ANY_ERROR, buf, ofn_signer_sign(&buf, sg, "", url, NULL, NULL, 0, -1));
    EXPECT_BUF(ANY_ERROR, buf, ofn_signer_sign(&buf, sg, "GET", "", NULL, NULL, 0, -1));
    EXPECT_BUF(ANY_ERROR, buf, ofn_signer_sign(&buf, sg, "GET", "not a url", NULL, NULL, 0, -1));
    EXPECT_BUF(OK_OR_ERROR, buf, ofn_signer_sign(&buf, sg, "GET", "http://[::1", NULL, NULL, 0, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, mb_string, url, NULL, NULL, 0, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "GET", mb_string, NULL, NULL, 0, -1));
    EXPECT_BUF(ANY_ERROR, buf, ofn_signer_sign(&buf, sg, "GET\r\nX: y", url, NULL, NULL, 0, -1));
    for (i = 0; i < N_BAD_UTF8; i++) {
        EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, bad_utf8[i], url, NULL, NULL, 0, -1));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "GET", bad_utf8[i], NULL, NULL, 0, -1));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "GET", url, bad_utf8[i], NULL, 0, -1));
    }
    for (i = 0; i < N_MALFORMED; i++) EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "GET", url, malformed_json[i], NULL, 0, -1));
    for (i = 0; i < N_NOT_OBJECT; i++) EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "GET", url, not_object_json[i], NULL, 0, -1));
    for (i = 0; i < N_BAD_VALUES; i++) {
        char *h = option("date", bad_values[i]);
        EXPECT_BUF(OK_OR_ERROR, buf, ofn_signer_sign(&buf, sg, "GET", url, h, NULL, 0, -1));
        free(h);
    }
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "GET", url, deep_array, NULL, 0, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "GET", url, deep_object, NULL, 0, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "GET", url, huge_array, NULL, 0, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "GET", url, huge_json, NULL, 0, -1));
    EXPECT_BUF(OK_OR_ERROR, buf, ofn_signer_sign(&buf, sg, "GET", url, "{\"date\": \"\", \"x-date\": \"yesterday\"}", NULL, 0, -1));
    EXPECT_BUF(ANY_ERROR, buf, ofn_signer_sign(&buf, sg, "GET", url, "{\"bad\\nname\": \"v\"}", NULL, 0, -1));
    EXPECT_BUF(ANY_ERROR, buf, ofn_signer_sign(&buf, sg, "GET", url, "{\"x\": \"v\\r\\nInjected: 1\"}", NULL, 0, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "POST", url, NULL, NULL, 5, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "POST", url, NULL, "x", -1, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "POST", url, NULL, "x", PTRDIFF_MIN, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "POST", url, NULL, "x", PTRDIFF_MAX, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "POST", url, NULL, "x", 1, 2));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "POST", url, NULL, "x", 1, -2));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "POST", url, NULL, "x", 1, INT32_MIN));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "POST", url, NULL, "x", 1, INT32_MAX));
    EXPECT_BUF(OFN_OK, buf, ofn_signer_sign(&buf, sg, "POST", url, NULL, mb_string, (ptrdiff_t)strlen(mb_string), 1));

    CALL(ofn_signer_free(NULL));
    CALL(ofn_signer_free(stale_signer));
    CALL(ofn_signer_free(FOREIGN(ofn_signer)));
    CALL(ofn_signer_free(sg));
    CALL(ofn_signer_free(sg)); /* twice */
    EXPECT_BUF(OFN_EINVALID, buf, ofn_signer_sign(&buf, sg, "GET", url, NULL, NULL, 0, -1));
}

/* options_json of ofn_job_submit and ofn_job_attach */
static const char *job_keys[] = {"mode", "format", "max_workers", "chunksize", "call_timeout", "execution_timeout",
                                 "at_least_once", "retries", "throttle_retries", "bucket", "jobs_prefix"};
#define N_JOB_KEYS (sizeof job_keys / sizeof job_keys[0])

/* Runs a sync raw job of three calls with `extra` options added; it must end, each call with an outcome. */
static void run_job_with(const char *extra) {
    char options[512];
    ofn_job *j = NULL;
    ptrdiff_t done = -1, failed = -1, total = -1, i;
    ofn_buf buf = OFN_BUF_INIT;
    snprintf(options, sizeof options, "{\"mode\": \"sync\", \"format\": \"raw\", %s}", extra);
    EXPECT(OK_OR_ERROR, ofn_job_submit(&j, engine, function_id, three, 3, options, NULL, NULL));
    if (!j) return;
    EXPECT(OFN_OK, ofn_job_wait(j, INT64_MAX));
    EXPECT(OFN_OK, ofn_job_progress(&done, &failed, &total, j));
    check(done == 3 && total == 3, "job with %s: %td of %td calls ended", extra, done, total);
    for (i = 0; i < 3; i++) EXPECT_BUF(OK_OR_ERROR, buf, ofn_job_result(&buf, j, i));
    CALL(ofn_job_free(j));
}

static void sweep_job_submit(void) {
    ofn_job *j = NULL;
    ofn_buf buf = OFN_BUF_INIT;
    ofn_bytes bad_item[1] = {{NULL, 5}}, huge_item[1] = {{"x", SIZE_MAX}}, big_item[1] = {{"x", (size_t)PTRDIFF_MAX}};
    size_t i, k;
    EXPECT(OFN_EINVALID, ofn_job_submit(NULL, engine, function_id, three, 3, sync_raw, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, NULL, function_id, three, 3, sync_raw, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, stale_engine, function_id, three, 3, sync_raw, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, FOREIGN(ofn_engine), function_id, three, 3, sync_raw, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, AS(ofn_engine, session), function_id, three, 3, sync_raw, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, NULL, three, 3, sync_raw, NULL, NULL));
    for (i = 0; i < N_BAD_UTF8; i++) {
        EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, bad_utf8[i], three, 3, sync_raw, NULL, NULL));
        EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, function_id, three, 3, bad_utf8[i], NULL, NULL));
    }
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, function_id, NULL, 3, sync_raw, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, function_id, three, -1, sync_raw, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, function_id, three, PTRDIFF_MIN, sync_raw, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, function_id, three, PTRDIFF_MAX, sync_raw, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, function_id, bad_item, 1, sync_raw, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, function_id, huge_item, 1, sync_raw, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, function_id, big_item, 1, sync_raw, NULL, NULL));
    for (i = 0; i < N_MALFORMED; i++) EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, function_id, three, 3, malformed_json[i], NULL, NULL));
    for (i = 0; i < N_NOT_OBJECT; i++) EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, function_id, three, 3, not_object_json[i], NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, function_id, three, 3, deep_array, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, function_id, three, 3, deep_object, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, function_id, three, 3, huge_array, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, function_id, three, 3, huge_json, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, function_id, three, 3, "{\"unknown\": 1}", NULL, NULL));
    for (k = 0; k < N_JOB_KEYS; k++)
        for (i = 0; i < N_BAD_VALUES; i++) {
            char *o = option(job_keys[k], bad_values[i]);
            j = NULL;
            EXPECT(OK_OR_ERROR, ofn_job_submit(&j, engine, function_id, three, 3, o, NULL, NULL));
            if (j) { /* whatever was accepted must run to its end */
                EXPECT(OFN_OK, ofn_job_cancel(j));
                EXPECT(OFN_OK, ofn_job_wait(j, INT64_MAX));
                CALL(ofn_job_free(j));
            }
            free(o);
        }
    /* extreme values a job must either refuse or run to its end */
    run_job_with("\"max_workers\": 9223372036854775807");
    run_job_with("\"chunksize\": 9223372036854775807");
    run_job_with("\"retries\": 9223372036854775807");
    run_job_with("\"throttle_retries\": 9223372036854775807");
    run_job_with("\"call_timeout\": 1e-300");
    run_job_with("\"call_timeout\": 0.0001");
    run_job_with("\"execution_timeout\": 1e-300");
    run_job_with("\"call_timeout\": 86400, \"execution_timeout\": 86400");
    run_job_with("\"at_least_once\": true, \"max_workers\": 1");
    /* the configuration's max_workers at its largest, as the job's default */
    {
        char overrides[512];
        ofn_config *c = NULL;
        ofn_session *s = NULL;
        ofn_engine *e = NULL;
        snprintf(overrides, sizeof overrides, "{\"oracle_f\": {\"endpoint\": \"%s\", \"max_workers\": 9223372036854775807}}", emulator_url);
        EXPECT(OFN_OK, ofn_config_load(&c, config_path, overrides));
        EXPECT(OFN_OK, ofn_session_new(&s, c));
        EXPECT(OFN_OK, ofn_engine_new(&e, s));
        j = NULL;
        EXPECT(OFN_OK, ofn_job_submit(&j, e, function_id, three, 3, sync_raw, NULL, NULL));
        EXPECT(OFN_OK, ofn_job_wait(j, INT64_MAX));
        EXPECT_BUF(OFN_OK, buf, ofn_job_result(&buf, j, 1));
        CALL(ofn_job_free(j));
        CALL(ofn_engine_free(e));
        CALL(ofn_session_free(s));
        CALL(ofn_config_free(c));
    }
    /* a function that does not exist, by name and by id */
    j = NULL;
    EXPECT(OFN_OK, ofn_job_submit(&j, engine, "no-such-function", three, 3, sync_raw, NULL, NULL));
    EXPECT(OFN_OK, ofn_job_wait(j, INT64_MAX));
    EXPECT(ANY_ERROR, ofn_job_error(j));
    CALL(ofn_job_free(j));
    j = NULL;
    EXPECT(OFN_EINVALID, ofn_job_submit(&j, engine, mb_string, three, 3, sync_raw, NULL, NULL));
    if (j) {
        EXPECT(OFN_OK, ofn_job_wait(j, INT64_MAX));
        EXPECT(ANY_ERROR, ofn_job_error(j));
        CALL(ofn_job_free(j));
    }
    j = NULL;
    EXPECT(OK_OR_ERROR, ofn_job_submit(&j, engine, "", three, 3, sync_raw, NULL, NULL));
    if (j) {
        EXPECT(OFN_OK, ofn_job_wait(j, INT64_MAX));
        CALL(ofn_job_free(j));
    }
    /* no inputs at all */
    j = NULL;
    EXPECT(OK_OR_ERROR, ofn_job_submit(&j, engine, function_id, NULL, 0, sync_raw, NULL, NULL));
    if (j) {
        EXPECT(OFN_OK, ofn_job_wait(j, INT64_MAX));
        CALL(ofn_job_free(j));
    }
}

static void sweep_job_handles(void) {
    ofn_job *j = NULL;
    ofn_buf buf = OFN_BUF_INIT;
    ptrdiff_t done, failed, total;
    size_t i;
    static const ptrdiff_t indices[] = {-1, 3, 4, PTRDIFF_MIN, PTRDIFF_MAX};
    ofn_job *bad[] = {NULL, stale_job, FOREIGN(ofn_job), AS(ofn_job, engine), AS(ofn_job, config)};

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        EXPECT(OFN_EINVALID, ofn_job_wait(bad[i], 0));
        EXPECT(OFN_EINVALID, ofn_job_wait(bad[i], -1));
        EXPECT(OFN_EINVALID, ofn_job_progress(&done, &failed, &total, bad[i]));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_job_id(&buf, bad[i]));
        EXPECT(OFN_EINVALID, ofn_job_error(bad[i]));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_job_result(&buf, bad[i], 0));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_job_call_json(&buf, bad[i], 0));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_job_stats_json(&buf, bad[i]));
        EXPECT(OFN_EINVALID, ofn_job_cancel(bad[i]));
        CALL(ofn_job_free(bad[i]));
    }
    EXPECT(OFN_OK, ofn_job_wait(job, INT64_MAX));
    EXPECT(OFN_OK, ofn_job_wait(job, INT64_MIN));
    EXPECT(OFN_OK, ofn_job_wait(job, 0));
    EXPECT(OFN_OK, ofn_job_progress(NULL, NULL, NULL, job));
    EXPECT(OFN_EINVALID, ofn_job_id(NULL, job));
    EXPECT(OFN_OK, ofn_job_error(job));
    EXPECT(OFN_EINVALID, ofn_job_result(NULL, job, 0));
    EXPECT(OFN_EINVALID, ofn_job_call_json(NULL, job, 0));
    EXPECT(OFN_EINVALID, ofn_job_stats_json(NULL, job));
    for (i = 0; i < sizeof indices / sizeof indices[0]; i++) {
        EXPECT_BUF(OFN_EINVALID, buf, ofn_job_result(&buf, job, indices[i]));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_job_call_json(&buf, job, indices[i]));
    }
    EXPECT_BUF(OFN_OK, buf, ofn_job_result(&buf, job, 2));
    EXPECT_BUF(OFN_OK, buf, ofn_job_call_json(&buf, job, 0));
    EXPECT_BUF(OFN_OK, buf, ofn_job_stats_json(&buf, job));
    EXPECT(OFN_OK, ofn_job_cancel(job)); /* a finished job */
    EXPECT(OFN_OK, ofn_job_cancel(job));

    /* waits with every timeout on a job that is running */
    EXPECT(OFN_OK, ofn_job_submit(&j, engine, function_id, three, 3, sync_raw, NULL, NULL));
    EXPECT(OK_OR_ERROR, ofn_job_wait(j, 0));
    EXPECT(OK_OR_ERROR, ofn_job_result(&buf, j, 0));
    ofn_buf_dispose(&buf);
    EXPECT(OFN_OK, ofn_job_wait(j, INT64_MAX));
    CALL(ofn_job_free(j));
    CALL(ofn_job_free(j)); /* twice */
    EXPECT(OFN_EINVALID, ofn_job_wait(j, 0));

    /* attach */
    j = NULL;
    EXPECT(OFN_EINVALID, ofn_job_attach(NULL, engine, "0123456789abcdef", NULL, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_attach(&j, NULL, "0123456789abcdef", NULL, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_attach(&j, stale_engine, "0123456789abcdef", NULL, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_attach(&j, AS(ofn_engine, storage), "0123456789abcdef", NULL, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_attach(&j, engine, NULL, NULL, NULL, NULL));
    for (i = 0; i < N_BAD_UTF8; i++) {
        EXPECT(OFN_EINVALID, ofn_job_attach(&j, engine, bad_utf8[i], NULL, NULL, NULL));
        EXPECT(OFN_EINVALID, ofn_job_attach(&j, engine, "0123456789abcdef", bad_utf8[i], NULL, NULL));
    }
    for (i = 0; i < N_MALFORMED; i++) EXPECT(OFN_EINVALID, ofn_job_attach(&j, engine, "0123456789abcdef", malformed_json[i], NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_attach(&j, engine, "0123456789abcdef", deep_array, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_job_attach(&j, engine, "0123456789abcdef", huge_json, NULL, NULL));
    {
        static const char *ids[] = {"", "0123456789abcdef", "../../../etc", "a/b", "..", ".", "\n", "%00"};
        for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
            j = NULL;
            EXPECT(OK_OR_ERROR, ofn_job_attach(&j, engine, ids[i], NULL, NULL, NULL));
            if (j) {
                EXPECT(OFN_OK, ofn_job_wait(j, INT64_MAX));
                EXPECT(ANY_ERROR, ofn_job_error(j));
                CALL(ofn_job_free(j));
            }
        }
        j = NULL;
        EXPECT(OFN_EINVALID, ofn_job_attach(&j, engine, mb_string, NULL, NULL, NULL));
        if (j) {
            EXPECT(OFN_OK, ofn_job_wait(j, INT64_MAX));
            EXPECT(ANY_ERROR, ofn_job_error(j));
            CALL(ofn_job_free(j));
        }
    }
}

static void sweep_engine(void) {
    ofn_engine *e = NULL;
    ofn_buf buf = OFN_BUF_INIT;
    size_t i;
    EXPECT(OFN_EINVALID, ofn_engine_new(NULL, session));
    EXPECT(OFN_EINVALID, ofn_engine_new(&e, NULL));
    EXPECT(OFN_EINVALID, ofn_engine_new(&e, stale_session));
    EXPECT(OFN_EINVALID, ofn_engine_new(&e, FOREIGN(ofn_session)));
    EXPECT(OFN_EINVALID, ofn_engine_new(&e, AS(ofn_session, config)));
    check(e == NULL, "no engine after the errors");
    CALL(ofn_engine_free(NULL));
    CALL(ofn_engine_free(stale_engine));
    CALL(ofn_engine_free(FOREIGN(ofn_engine)));

    EXPECT(OFN_EINVALID, ofn_hello(NULL, engine, NULL));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_hello(&buf, NULL, NULL));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_hello(&buf, stale_engine, NULL));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_hello(&buf, AS(ofn_engine, job), NULL));
    for (i = 0; i < N_BAD_UTF8; i++) EXPECT_BUF(OFN_EINVALID, buf, ofn_hello(&buf, engine, bad_utf8[i]));
    for (i = 0; i < N_MALFORMED; i++) EXPECT_BUF(OFN_EINVALID, buf, ofn_hello(&buf, engine, malformed_json[i]));
    for (i = 0; i < N_NOT_OBJECT; i++) EXPECT_BUF(OFN_EINVALID, buf, ofn_hello(&buf, engine, not_object_json[i]));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_hello(&buf, engine, deep_array));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_hello(&buf, engine, deep_object));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_hello(&buf, engine, huge_json));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_hello(&buf, engine, huge_array));
    for (i = 0; i < N_BAD_VALUES; i++) {
        int want = absent(bad_values[i]) ? OK_OR_ERROR : OFN_EINVALID;
        char *o = option("python", bad_values[i]);
        EXPECT_BUF(want, buf, ofn_hello(&buf, engine, o));
        free(o);
        o = option("names", bad_values[i]);
        EXPECT_BUF(want, buf, ofn_hello(&buf, engine, o));
        free(o);
    }
    EXPECT_BUF(OFN_EINVALID, buf, ofn_hello(&buf, engine, "{\"names\": [1, 2]}"));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_hello(&buf, engine, "{\"memory\": 256}"));
    EXPECT_BUF(OK_OR_ERROR, buf, ofn_hello(&buf, engine, "{\"names\": [\"\", \"\\u0000\", \"\\ud83d\\ude00\"]}"));
    EXPECT_BUF(OK_OR_ERROR, buf, ofn_hello(&buf, engine, NULL));

    EXPECT(OFN_OK, ofn_engine_new(&e, session));
    CALL(ofn_engine_free(e));
    CALL(ofn_engine_free(e)); /* twice */
    EXPECT_BUF(OFN_EINVALID, buf, ofn_hello(&buf, e, NULL));
}

static void sweep_storage(void) {
    ofn_storage *s = NULL;
    ofn_buf buf = OFN_BUF_INIT;
    size_t i;
    ofn_storage *bad[] = {NULL, stale_storage, FOREIGN(ofn_storage), AS(ofn_storage, functions), AS(ofn_storage, session)};
    static const char *names[] = {"", ".", "..", "../x", "a/../..", "/", "%2e%2e", "a\nb", "a\r\nX-Injected: 1", "\x01"};
    static const int64_t ranges[][2] = {{-2, -1}, {-1, 0}, {-1, -2}, {5, 2}, {INT64_MIN, INT64_MAX}, {INT64_MIN, -1},
                                        {-1, INT64_MIN}, {0, INT64_MAX}, {INT64_MAX, -1}, {-1, INT64_MAX}, {INT64_MAX, INT64_MAX}, {100, 200}};

    EXPECT(OFN_EINVALID, ofn_storage_new(NULL, session));
    EXPECT(OFN_EINVALID, ofn_storage_new(&s, NULL));
    EXPECT(OFN_EINVALID, ofn_storage_new(&s, stale_session));
    EXPECT(OFN_EINVALID, ofn_storage_new(&s, AS(ofn_session, engine)));
    check(s == NULL, "no storage after the errors");
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        EXPECT_BUF(OFN_EINVALID, buf, ofn_storage_namespace(&buf, bad[i]));
        EXPECT(OFN_EINVALID, ofn_storage_create_bucket(bad[i], "b"));
        EXPECT(OFN_EINVALID, ofn_storage_put(bad[i], NULL, "k", "x", 1, NULL));
        EXPECT(OFN_EINVALID, ofn_storage_put_file(bad[i], NULL, "k", config_path, NULL));
        EXPECT(OFN_EINVALID, ofn_storage_put_fd(bad[i], NULL, "k", 0, NULL));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_storage_get(&buf, bad[i], NULL, "k", -1, -1));
        EXPECT(OFN_EINVALID, ofn_storage_get_file(bad[i], NULL, "k", "/tmp/oraclefn-hostile-never", -1, -1));
        EXPECT(OFN_EINVALID, ofn_storage_get_fd(bad[i], NULL, "k", 1, -1, -1));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_storage_head(&buf, bad[i], NULL, "k"));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_storage_list(&buf, bad[i], NULL, NULL, NULL));
        EXPECT(OFN_EINVALID, ofn_storage_delete(bad[i], NULL, "k"));
        EXPECT(OFN_EINVALID, ofn_storage_delete_many(bad[i], NULL, "[]"));
        CALL(ofn_storage_free(bad[i]));
    }
    EXPECT(OFN_EINVALID, ofn_storage_namespace(NULL, storage));
    EXPECT(OFN_EINVALID, ofn_storage_get(NULL, storage, NULL, "k", -1, -1));
    EXPECT(OFN_EINVALID, ofn_storage_head(NULL, storage, NULL, "k"));
    EXPECT(OFN_EINVALID, ofn_storage_list(NULL, storage, NULL, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_storage_put(storage, NULL, NULL, "x", 1, NULL));
    EXPECT(OFN_EINVALID, ofn_storage_put_file(storage, NULL, NULL, config_path, NULL));
    EXPECT(OFN_EINVALID, ofn_storage_put_file(storage, NULL, "k", NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_storage_put_fd(storage, NULL, NULL, 0, NULL));
    EXPECT(ANY_ERROR, ofn_storage_put_fd(storage, NULL, "k", -1, NULL));
    EXPECT(ANY_ERROR, ofn_storage_put_fd(storage, NULL, "k", INT32_MAX, NULL));
    EXPECT(OFN_EINVALID, ofn_storage_get_file(storage, NULL, NULL, "/tmp/oraclefn-hostile-never", -1, -1));
    EXPECT(OFN_EINVALID, ofn_storage_get_file(storage, NULL, "k", NULL, -1, -1));
    EXPECT(ANY_ERROR, ofn_storage_get_file(storage, NULL, "k", "/nonexistent-folder/x", -1, -1));
    EXPECT(OFN_EINVALID, ofn_storage_get_fd(storage, NULL, NULL, 1, -1, -1));
    EXPECT(ANY_ERROR, ofn_storage_get_fd(storage, NULL, "k", -1, -1, -1));
    EXPECT(ANY_ERROR, ofn_storage_get_fd(storage, NULL, "k", INT32_MAX, -1, -1));
    {
        int fifo = open(fifo_path, O_RDONLY | O_NONBLOCK), folder = open(tmp_dir, O_RDONLY);
        EXPECT(ANY_ERROR, ofn_storage_put_fd(storage, NULL, "k", fifo, NULL));
        EXPECT(ANY_ERROR, ofn_storage_put_fd(storage, NULL, "k", folder, NULL));
        if (fifo >= 0) close(fifo);
        if (folder >= 0) close(folder);
    }
    EXPECT_BUF(OFN_EINVALID, buf, ofn_storage_get(&buf, storage, NULL, NULL, -1, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_storage_head(&buf, storage, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_storage_delete(storage, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_storage_delete_many(storage, NULL, NULL));

    /* sizes */
    EXPECT(OFN_EINVALID, ofn_storage_put(storage, NULL, "k", NULL, 5, NULL));
    EXPECT(OFN_EINVALID, ofn_storage_put(storage, NULL, "k", "x", -1, NULL));
    EXPECT(OFN_EINVALID, ofn_storage_put(storage, NULL, "k", "x", PTRDIFF_MIN, NULL));
    EXPECT(OFN_EINVALID, ofn_storage_put(storage, NULL, "k", "x", PTRDIFF_MAX, NULL));
    EXPECT(OFN_OK, ofn_storage_put(storage, NULL, "k", NULL, 0, NULL));
    EXPECT(OFN_OK, ofn_storage_put(storage, NULL, "ten", "0123456789", 10, NULL));
    for (i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        EXPECT_BUF(OK_OR_ERROR, buf, ofn_storage_get(&buf, storage, NULL, "ten", ranges[i][0], ranges[i][1]));

    /* files */
    EXPECT(ANY_ERROR, ofn_storage_put_file(storage, NULL, "k", fifo_path, NULL));
    EXPECT(ANY_ERROR, ofn_storage_put_file(storage, NULL, "k", "/dev/zero", NULL));
    EXPECT(ANY_ERROR, ofn_storage_put_file(storage, NULL, "k", "/dev/urandom", NULL));
    EXPECT(ANY_ERROR, ofn_storage_put_file(storage, NULL, "k", tmp_dir, NULL));
    EXPECT(ANY_ERROR, ofn_storage_put_file(storage, NULL, "k", "", NULL));
    EXPECT(ANY_ERROR, ofn_storage_put_file(storage, NULL, "k", mb_string, NULL));

    /* strings */
    for (i = 0; i < N_BAD_UTF8; i++) {
        EXPECT(OFN_EINVALID, ofn_storage_create_bucket(storage, bad_utf8[i]));
        EXPECT(OFN_EINVALID, ofn_storage_put(storage, bad_utf8[i], "k", "x", 1, NULL));
        EXPECT(OFN_EINVALID, ofn_storage_put(storage, NULL, bad_utf8[i], "x", 1, NULL));
        EXPECT(OFN_EINVALID, ofn_storage_put(storage, NULL, "k", "x", 1, bad_utf8[i]));
        EXPECT(OFN_EINVALID, ofn_storage_put_file(storage, NULL, "k", bad_utf8[i], NULL));
        EXPECT(OFN_EINVALID, ofn_storage_put_file(storage, NULL, "k", config_path, bad_utf8[i]));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_storage_get(&buf, storage, NULL, bad_utf8[i], -1, -1));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_storage_head(&buf, storage, bad_utf8[i], "k"));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_storage_list(&buf, storage, NULL, bad_utf8[i], NULL));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_storage_list(&buf, storage, NULL, NULL, bad_utf8[i]));
        EXPECT(OFN_EINVALID, ofn_storage_delete(storage, NULL, bad_utf8[i]));
        EXPECT(OFN_EINVALID, ofn_storage_delete_many(storage, NULL, bad_utf8[i]));
    }
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        EXPECT(ANY_ERROR, ofn_storage_create_bucket(storage, names[i]));
        EXPECT(OK_OR_ERROR, ofn_storage_put(storage, NULL, names[i], "x", 1, NULL));
        EXPECT(OK_OR_ERROR, ofn_storage_put(storage, names[i], "k", "x", 1, NULL));
        EXPECT(OK_OR_ERROR, ofn_storage_put(storage, NULL, "k", "x", 1, names[i]));
        EXPECT_BUF(OK_OR_ERROR, buf, ofn_storage_get(&buf, storage, NULL, names[i], -1, -1));
        EXPECT_BUF(OK_OR_ERROR, buf, ofn_storage_head(&buf, storage, NULL, names[i]));
        EXPECT_BUF(OK_OR_ERROR, buf, ofn_storage_list(&buf, storage, names[i], names[i], names[i]));
        EXPECT(OK_OR_ERROR, ofn_storage_delete(storage, NULL, names[i]));
    }
    {
        char key[1026], bucket[258];
        memset(key, 'k', sizeof key - 1);
        key[sizeof key - 1] = '\0';
        memset(bucket, 'b', sizeof bucket - 1);
        bucket[sizeof bucket - 1] = '\0';
        EXPECT(OFN_EINVALID, ofn_storage_put(storage, NULL, key, "x", 1, NULL));
        EXPECT(OFN_EINVALID, ofn_storage_put(storage, bucket, "k", "x", 1, NULL));
        key[1024] = '\0';
        EXPECT(OK_OR_ERROR, ofn_storage_put(storage, NULL, key, "x", 1, NULL));
        EXPECT(OK_OR_ERROR, ofn_storage_delete(storage, NULL, key));
    }
    EXPECT(OFN_EINVALID, ofn_storage_create_bucket(storage, mb_string));
    EXPECT(OFN_EINVALID, ofn_storage_put(storage, NULL, mb_string, "x", 1, NULL));
    EXPECT(OFN_EINVALID, ofn_storage_put(storage, mb_string, "k", "x", 1, NULL));
    EXPECT(OFN_EINVALID, ofn_storage_put(storage, NULL, "k", "x", 1, mb_string));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_storage_get(&buf, storage, NULL, mb_string, -1, -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_storage_head(&buf, storage, NULL, mb_string));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_storage_list(&buf, storage, NULL, mb_string, mb_string));
    EXPECT(OFN_EINVALID, ofn_storage_delete(storage, NULL, mb_string));

    /* keys_json */
    for (i = 0; i < N_MALFORMED; i++) EXPECT(OFN_EINVALID, ofn_storage_delete_many(storage, NULL, malformed_json[i]));
    for (i = 0; i < N_BAD_VALUES; i++)
        EXPECT(strcmp(bad_values[i], "[]") == 0 ? OFN_OK : OFN_EINVALID, ofn_storage_delete_many(storage, NULL, bad_values[i]));
    EXPECT(OFN_EINVALID, ofn_storage_delete_many(storage, NULL, "{\"a\": 1}"));
    EXPECT(OFN_EINVALID, ofn_storage_delete_many(storage, NULL, "[\"a\", 1]"));
    EXPECT(OFN_EINVALID, ofn_storage_delete_many(storage, NULL, "[[\"a\"]]"));
    EXPECT(OFN_EINVALID, ofn_storage_delete_many(storage, NULL, deep_array));
    EXPECT(OFN_EINVALID, ofn_storage_delete_many(storage, NULL, deep_object));
    EXPECT(OFN_EINVALID, ofn_storage_delete_many(storage, NULL, huge_json));
    EXPECT(OFN_EINVALID, ofn_storage_delete_many(storage, NULL, huge_array));
    EXPECT(OFN_OK, ofn_storage_delete_many(storage, NULL, "[]"));
    EXPECT(OK_OR_ERROR, ofn_storage_delete_many(storage, NULL, "[\"\", \".\", \"..\", \"missing\"]"));

    EXPECT(OFN_OK, ofn_storage_new(&s, session));
    CALL(ofn_storage_free(s));
    CALL(ofn_storage_free(s)); /* twice */
    EXPECT(OFN_EINVALID, ofn_storage_delete(s, NULL, "k"));
}

static void sweep_functions(void) {
    ofn_functions *f = NULL;
    ofn_buf buf = OFN_BUF_INIT;
    int32_t flag = -1;
    size_t i;
    ofn_functions *bad[] = {NULL, stale_functions, FOREIGN(ofn_functions), AS(ofn_functions, storage), AS(ofn_functions, logs)};
    static const char *ids[] = {"", ".", "..", "../x", "ocid1.fnfunc.oc1..missing", "a/b", "a\r\nX: 1", "%2e%2e", "?x=1#y"};

    EXPECT(OFN_EINVALID, ofn_functions_new(NULL, session));
    EXPECT(OFN_EINVALID, ofn_functions_new(&f, NULL));
    EXPECT(OFN_EINVALID, ofn_functions_new(&f, stale_session));
    EXPECT(OFN_EINVALID, ofn_functions_new(&f, AS(ofn_session, storage)));
    check(f == NULL, "no Functions client after the errors");
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_list_applications(&buf, bad[i], NULL));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_list_functions(&buf, bad[i], "ocid1.fnapp.oc1..x"));
        EXPECT(OFN_EINVALID, ofn_functions_is_emulator(&flag, bad[i]));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_ensure_application(&buf, bad[i], "app"));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_deploy_function(&buf, bad[i], "{}"));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_invoke(&buf, bad[i], function_id, "x", 1));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_invoke_detached(&buf, bad[i], function_id, "x", 1));
        CALL(ofn_functions_free(bad[i]));
    }
    EXPECT(OFN_EINVALID, ofn_functions_list_applications(NULL, functions, NULL));
    EXPECT(OFN_EINVALID, ofn_functions_list_functions(NULL, functions, "ocid1.fnapp.oc1..x"));
    EXPECT(OFN_EINVALID, ofn_functions_is_emulator(NULL, functions));
    EXPECT(OFN_EINVALID, ofn_functions_ensure_application(NULL, functions, "app"));
    EXPECT(OFN_EINVALID, ofn_functions_deploy_function(NULL, functions, "{}"));
    EXPECT(OFN_EINVALID, ofn_functions_invoke(NULL, functions, function_id, "x", 1));
    EXPECT(OFN_EINVALID, ofn_functions_invoke_detached(NULL, functions, function_id, "x", 1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_list_functions(&buf, functions, NULL));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_ensure_application(&buf, functions, NULL));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_deploy_function(&buf, functions, NULL));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_invoke(&buf, functions, NULL, "x", 1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_invoke_detached(&buf, functions, NULL, "x", 1));
    EXPECT(OFN_OK, ofn_functions_is_emulator(&flag, functions));

    /* sizes */
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_invoke(&buf, functions, function_id, NULL, 5));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_invoke(&buf, functions, function_id, "x", -1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_invoke(&buf, functions, function_id, "x", PTRDIFF_MIN));
    EXPECT_BUF(OFN_ETOOLARGE, buf, ofn_functions_invoke(&buf, functions, function_id, "x", PTRDIFF_MAX));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_invoke_detached(&buf, functions, function_id, NULL, 5));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_invoke_detached(&buf, functions, function_id, "x", -1));
    EXPECT_BUF(OFN_ETOOLARGE, buf, ofn_functions_invoke_detached(&buf, functions, function_id, "x", PTRDIFF_MAX));
    EXPECT_BUF(OFN_OK, buf, ofn_functions_invoke(&buf, functions, function_id, NULL, 0));

    /* strings */
    for (i = 0; i < N_BAD_UTF8; i++) {
        EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_list_applications(&buf, functions, bad_utf8[i]));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_list_functions(&buf, functions, bad_utf8[i]));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_ensure_application(&buf, functions, bad_utf8[i]));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_deploy_function(&buf, functions, bad_utf8[i]));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_invoke(&buf, functions, bad_utf8[i], "x", 1));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_invoke_detached(&buf, functions, bad_utf8[i], "x", 1));
    }
    for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        EXPECT_BUF(OK_OR_ERROR, buf, ofn_functions_list_applications(&buf, functions, ids[i]));
        EXPECT_BUF(OK_OR_ERROR, buf, ofn_functions_list_functions(&buf, functions, ids[i]));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_ensure_application(&buf, functions, ids[i]));
        EXPECT_BUF(ANY_ERROR, buf, ofn_functions_invoke(&buf, functions, ids[i], "x", 1));
        EXPECT_BUF(ANY_ERROR, buf, ofn_functions_invoke_detached(&buf, functions, ids[i], "x", 1));
    }
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_list_applications(&buf, functions, mb_string));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_list_functions(&buf, functions, mb_string));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_ensure_application(&buf, functions, mb_string));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_invoke(&buf, functions, mb_string, "x", 1));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_invoke_detached(&buf, functions, mb_string, "x", 1));

    /* details_json */
    for (i = 0; i < N_MALFORMED; i++) EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_deploy_function(&buf, functions, malformed_json[i]));
    for (i = 0; i < N_NOT_OBJECT; i++) EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_deploy_function(&buf, functions, not_object_json[i]));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_deploy_function(&buf, functions, deep_array));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_deploy_function(&buf, functions, deep_object));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_deploy_function(&buf, functions, huge_json));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_functions_deploy_function(&buf, functions, huge_array));
    {
        static const char *fields[] = {"applicationId", "displayName", "image", "memoryInMBs", "timeoutInSeconds", "config", "freeformTags"};
        char text[1024];
        size_t k;
        for (k = 0; k < sizeof fields / sizeof fields[0]; k++)
            for (i = 0; i < N_BAD_VALUES; i++) {
                snprintf(text, sizeof text, "{\"applicationId\": \"ocid1.fnapp.oc1..x\", \"displayName\": \"d\", \"image\": \"oraclefn/echo\","
                         " \"memoryInMBs\": 128, \"%s\": %s}", fields[k], bad_values[i]);
                EXPECT_BUF(ANY_ERROR, buf, ofn_functions_deploy_function(&buf, functions, text));
            }
    }

    EXPECT(OFN_OK, ofn_functions_new(&f, session));
    CALL(ofn_functions_free(f));
    CALL(ofn_functions_free(f)); /* twice */
    EXPECT(OFN_EINVALID, ofn_functions_is_emulator(&flag, f));
}

static void sweep_runtimes(void) {
    ofn_buf buf = OFN_BUF_INIT;
    size_t i;
    ofn_session *bad[] = {NULL, stale_session, FOREIGN(ofn_session), AS(ofn_session, engine), AS(ofn_session, config)};
    static const char *keys[] = {"memory", "timeout", "python", "environment"};
    static const char *runtimes[] = {"", ".", "..", "a b", "no/such:image", "UPPER", "-", "a:", ":b"};

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_resolve(&buf, bad[i], NULL, NULL));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_deploy(&buf, bad[i], NULL, NULL));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_list(&buf, bad[i]));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_delete(&buf, bad[i], NULL, NULL));
    }
    EXPECT(OFN_EINVALID, ofn_runtime_resolve(NULL, session, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_runtime_deploy(NULL, session, "oraclefn/echo", NULL));
    EXPECT(OFN_EINVALID, ofn_runtime_list(NULL, session));
    EXPECT(OFN_EINVALID, ofn_runtime_delete(NULL, session, "oraclefn/echo", NULL));
    for (i = 0; i < N_BAD_UTF8; i++) {
        EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_resolve(&buf, session, bad_utf8[i], NULL));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_resolve(&buf, session, NULL, bad_utf8[i]));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_deploy(&buf, session, bad_utf8[i], NULL));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_deploy(&buf, session, NULL, bad_utf8[i]));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_delete(&buf, session, bad_utf8[i], NULL));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_delete(&buf, session, NULL, bad_utf8[i]));
    }
    for (i = 0; i < N_MALFORMED; i++) {
        EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_resolve(&buf, session, NULL, malformed_json[i]));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_deploy(&buf, session, NULL, malformed_json[i]));
        EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_delete(&buf, session, NULL, malformed_json[i]));
    }
    for (i = 0; i < N_NOT_OBJECT; i++) EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_deploy(&buf, session, NULL, not_object_json[i]));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_resolve(&buf, session, NULL, deep_array));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_deploy(&buf, session, NULL, deep_object));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_delete(&buf, session, NULL, huge_json));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_deploy(&buf, session, NULL, huge_array));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_deploy(&buf, session, NULL, "{\"names\": [\"x\"]}"));
    {
        size_t k;
        for (k = 0; k < sizeof keys / sizeof keys[0]; k++)
            for (i = 0; i < N_BAD_VALUES; i++) {
                char *o = option(keys[k], bad_values[i]);
                int want = absent(bad_values[i]) ? OK_OR_ERROR : OFN_EINVALID;
                EXPECT_BUF(want, buf, ofn_runtime_deploy(&buf, session, "oraclefn/echo", o));
                EXPECT_BUF(k == 0 || k == 2 ? want : OFN_EINVALID, buf, ofn_runtime_resolve(&buf, session, NULL, o));
                free(o);
            }
    }
    EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_deploy(&buf, session, "oraclefn/echo", "{\"environment\": {\"A\": 1}}"));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_deploy(&buf, session, "oraclefn/echo", "{\"memory\": 100}"));
    for (i = 0; i < sizeof runtimes / sizeof runtimes[0]; i++) {
        EXPECT_BUF(OK_OR_ERROR, buf, ofn_runtime_resolve(&buf, session, runtimes[i], NULL));
        EXPECT_BUF(OK_OR_ERROR, buf, ofn_runtime_deploy(&buf, session, runtimes[i], NULL));
        EXPECT_BUF(OK_OR_ERROR, buf, ofn_runtime_delete(&buf, session, runtimes[i], NULL));
    }
    EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_resolve(&buf, session, mb_string, NULL));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_deploy(&buf, session, mb_string, NULL));
    EXPECT_BUF(OFN_EINVALID, buf, ofn_runtime_delete(&buf, session, mb_string, NULL));
    EXPECT_BUF(OFN_OK, buf, ofn_runtime_list(&buf, session));
}

static void sweep_logs(void) {
    ofn_logs *l = NULL;
    ofn_buf buf = OFN_BUF_INIT;
    size_t i;
    ofn_logs *bad[] = {NULL, stale_logs, FOREIGN(ofn_logs), AS(ofn_logs, storage), AS(ofn_logs, job)};
    static const char *since[] = {"\"\"", "\"-5m\"", "\"5x\"", "\"99999999999999999999d\"", "\"9223372036854775807s\"",
                                  "\"9223372036854775807\"", "\"-9223372036854775808\"", "\"1e400\"", "\"nan\"", "\"inf\"",
                                  "\"9999-99-99T99:99:99Z\"", "\"0000-01-01T00:00:00Z\"", "\"2026-02-30T00:00:00Z\"",
                                  "\"153722867280912930m\"", "\"106751991167300d\"", "\"0\"", "\"0s\"", "5", "null"};

    EXPECT(OFN_EINVALID, ofn_logs_open(NULL, session, NULL));
    EXPECT(OFN_EINVALID, ofn_logs_open(&l, NULL, NULL));
    EXPECT(OFN_EINVALID, ofn_logs_open(&l, stale_session, NULL));
    EXPECT(OFN_EINVALID, ofn_logs_open(&l, AS(ofn_session, logs), NULL));
    for (i = 0; i < N_BAD_UTF8; i++) EXPECT(OFN_EINVALID, ofn_logs_open(&l, session, bad_utf8[i]));
    for (i = 0; i < N_MALFORMED; i++) EXPECT(OFN_EINVALID, ofn_logs_open(&l, session, malformed_json[i]));
    for (i = 0; i < N_NOT_OBJECT; i++) EXPECT(OFN_EINVALID, ofn_logs_open(&l, session, not_object_json[i]));
    EXPECT(OFN_EINVALID, ofn_logs_open(&l, session, deep_array));
    EXPECT(OFN_EINVALID, ofn_logs_open(&l, session, deep_object));
    EXPECT(OFN_EINVALID, ofn_logs_open(&l, session, huge_json));
    EXPECT(OFN_EINVALID, ofn_logs_open(&l, session, huge_array));
    for (i = 0; i < N_BAD_VALUES; i++) {
        char *o = option("function", bad_values[i]);
        l = NULL;
        EXPECT(strcmp(bad_values[i], "null") == 0 ? OFN_OK : ANY_ERROR, ofn_logs_open(&l, session, o));
        CALL(ofn_logs_free(l));
        free(o);
    }
    for (i = 0; i < sizeof since / sizeof since[0]; i++) {
        char *o = option("since", since[i]);
        l = NULL;
        EXPECT(OK_OR_ERROR, ofn_logs_open(&l, session, o));
        if (l) {
            EXPECT_BUF(OFN_OK, buf, ofn_logs_next(&buf, l));
            CALL(ofn_logs_free(l));
        }
        free(o);
    }
    l = NULL;
    EXPECT(ANY_ERROR, ofn_logs_open(&l, session, "{\"function\": \"no-such-function\"}"));
    {
        char *o = option("function", "\"\"");
        EXPECT(ANY_ERROR, ofn_logs_open(&l, session, o));
        free(o);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        EXPECT_BUF(OFN_EINVALID, buf, ofn_logs_next(&buf, bad[i]));
        CALL(ofn_logs_free(bad[i]));
    }
    EXPECT(OFN_EINVALID, ofn_logs_next(NULL, logs));
    EXPECT_BUF(OFN_OK, buf, ofn_logs_next(&buf, logs));
    EXPECT(OFN_OK, ofn_logs_open(&l, session, NULL));
    CALL(ofn_logs_free(l));
    CALL(ofn_logs_free(l)); /* twice */
    EXPECT_BUF(OFN_EINVALID, buf, ofn_logs_next(&buf, l));
}

/* Every server call against an endpoint where nothing listens fails, in time. */
static void sweep_unreachable(void) {
    ofn_engine *e = NULL;
    ofn_storage *s = NULL;
    ofn_functions *f = NULL;
    ofn_logs *l = NULL;
    ofn_job *j = NULL;
    ofn_buf buf = OFN_BUF_INIT;
    int32_t flag;
    EXPECT(OFN_OK, ofn_storage_new(&s, dead_session));
    EXPECT(OFN_OK, ofn_functions_new(&f, dead_session));
    EXPECT(OFN_OK, ofn_engine_new(&e, dead_session));
    EXPECT_BUF(ANY_ERROR, buf, ofn_storage_namespace(&buf, s));
    EXPECT(ANY_ERROR, ofn_storage_put(s, NULL, "k", "x", 1, NULL));
    EXPECT(ANY_ERROR, ofn_storage_put_file(s, NULL, "k", config_path, NULL));
    EXPECT_BUF(ANY_ERROR, buf, ofn_storage_get(&buf, s, NULL, "k", -1, -1));
    EXPECT_BUF(ANY_ERROR, buf, ofn_storage_list(&buf, s, NULL, NULL, NULL));
    EXPECT(ANY_ERROR, ofn_storage_delete_many(s, NULL, "[\"a\", \"b\"]"));
    EXPECT(ANY_ERROR, ofn_storage_create_bucket(s, NULL));
    EXPECT(ANY_ERROR, ofn_functions_is_emulator(&flag, f));
    EXPECT_BUF(ANY_ERROR, buf, ofn_functions_list_applications(&buf, f, NULL));
    EXPECT_BUF(ANY_ERROR, buf, ofn_functions_ensure_application(&buf, f, "app"));
    EXPECT_BUF(ANY_ERROR, buf, ofn_functions_invoke(&buf, f, "ocid1.fnfunc.oc1..x", "x", 1));
    EXPECT_BUF(ANY_ERROR, buf, ofn_functions_invoke_detached(&buf, f, "ocid1.fnfunc.oc1..x", "x", 1));
    EXPECT_BUF(ANY_ERROR, buf, ofn_runtime_list(&buf, dead_session));
    EXPECT_BUF(ANY_ERROR, buf, ofn_runtime_deploy(&buf, dead_session, NULL, NULL));
    EXPECT_BUF(ANY_ERROR, buf, ofn_hello(&buf, e, NULL));
    EXPECT(ANY_ERROR, ofn_logs_open(&l, dead_session, NULL));
    EXPECT(OK_OR_ERROR, ofn_job_submit(&j, e, "ocid1.fnfunc.oc1..x", three, 3, sync_raw, NULL, NULL));
    if (j) {
        EXPECT(OFN_OK, ofn_job_wait(j, INT64_MAX));
        EXPECT(ANY_ERROR, ofn_job_error(j));
        CALL(ofn_job_free(j));
    }
    j = NULL;
    EXPECT(OK_OR_ERROR, ofn_job_attach(&j, e, "0123456789abcdef", NULL, NULL, NULL));
    if (j) {
        EXPECT(OFN_OK, ofn_job_wait(j, INT64_MAX));
        EXPECT(ANY_ERROR, ofn_job_error(j));
        CALL(ofn_job_free(j));
    }
    CALL(ofn_engine_free(e));
    CALL(ofn_functions_free(f));
    CALL(ofn_storage_free(s));
}

/* ---- Coverage of the header ---- */

/* Fails for each function `header` declares that the sweep never called. */
static void check_coverage(const char *header) {
    FILE *f = fopen(header, "r");
    char line[4096];
    int declared = 0;
    if (!f) { check(0, "cannot read %s", header); return; }
    while (fgets(line, sizeof line, f)) {
        char name[64];
        int i, seen = 0;
        if (strncmp(line, "extern ", 7) != 0 || !export_name(line, name)) continue;
        declared++;
        for (i = 0; i < called_count; i++) seen |= strcmp(called[i], name) == 0;
        check(seen, "%s is declared in %s but the sweep never calls it: add its hostile cases to hostile.c", name, header);
    }
    fclose(f);
    check(declared > 40, "%d functions found in %s", declared, header);
    if (verbose) fprintf(stderr, "%d functions declared, %d called\n", declared, called_count);
}

int main(int argc, char **argv) {
    char url[128], *real;
    pid_t emulator;
    const char *v = getenv("OFN_SWEEP_VERBOSE");
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: %s HEADER FIXTURES_DIR ORACLEFN_CLI [BOUND_SECONDS]\n", argv[0]);
        return 2;
    }
    if (argc == 5) bound = atof(argv[4]);
    verbose = v && *v && strcmp(v, "0") != 0;
    real = realpath(argv[2], NULL);
    if (!real) { perror(argv[2]); return 2; }
    snprintf(fixtures, sizeof fixtures, "%s", real);
    free(real);
    snprintf(config_path, sizeof config_path, "%s/config/valid.yaml", fixtures);
    snprintf(key_path, sizeof key_path, "%s/keys/test2048_private_pkcs8.pem", fixtures);
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/oraclefn-hostile-XXXXXX");
    if (!mkdtemp(tmp_dir)) { perror("mkdtemp"); return 2; }
    snprintf(fifo_path, sizeof fifo_path, "%s/fifo", tmp_dir);
    if (mkfifo(fifo_path, 0600) != 0) { perror("mkfifo"); return 2; }

    emulator = start_emulator(argv[3], config_path, url, sizeof url);
    snprintf(emulator_url, sizeof emulator_url, "%s", url);
    if (emulator < 0) { fprintf(stderr, "could not start %s emulator\n", argv[3]); return 2; }
    snprintf(emulator_overrides, sizeof emulator_overrides,
             "{\"oracle_f\": {\"endpoint\": \"%s\"}, \"oracle_oss\": {\"endpoint\": \"%s\", \"storage_bucket\": \"sweep\"}}", url, url);
    /* port 9 (discard) on loopback: nothing listens, so every connection is refused at once; two attempts
     * keep each call's retries (up to 8 by default, about a minute of backoff) within the bound, and
     * WARNING keeps their log lines quiet */
    snprintf(unreachable_overrides, sizeof unreachable_overrides,
             "{\"lithops\": {\"log_level\": \"WARNING\"}, \"oracle\": {\"retry_max_attempts\": 2, \"connect_timeout\": 2, \"read_timeout\": 5},"
             " \"oracle_f\": {\"endpoint\": \"http://127.0.0.1:9\"}, \"oracle_oss\": {\"endpoint\": \"http://127.0.0.1:9\"}}");
    make_values();
    setup_handles();

    run_group("library", sweep_library);
    run_group("configuration files and overrides", sweep_config_files);
    run_group("configuration handles", sweep_config_handles);
    run_group("signer", sweep_signer);
    run_group("job submit", sweep_job_submit);
    run_group("job handles", sweep_job_handles);
    run_group("engine and hello", sweep_engine);
    run_group("storage", sweep_storage);
    run_group("functions", sweep_functions);
    run_group("runtimes", sweep_runtimes);
    run_group("logs", sweep_logs);
    run_group("unreachable endpoints", sweep_unreachable);
    check_coverage(argv[1]);

    kill(emulator, SIGTERM);
    waitpid(emulator, NULL, 0);
    unlink(fifo_path);
    rmdir(tmp_dir);
    if (hung) {
        /* a hung call still holds its thread: leave without waiting for it */
        fprintf(stderr, "%d calls hung\n", hung);
        report();
        fflush(NULL);
        _exit(1);
    }
    ofn_job_free(job);
    ofn_logs_free(logs);
    ofn_signer_free(signer);
    ofn_functions_free(functions);
    ofn_storage_free(storage);
    ofn_engine_free(engine);
    ofn_session_free(session);
    ofn_session_free(dead_session);
    ofn_config_free(config);
    ofn_config_free(dead_config);
    free(deep_array);
    free(deep_object);
    free(huge_json);
    free(huge_array);
    free(mb_string);
    free(deep_yaml);
    return report();
}
