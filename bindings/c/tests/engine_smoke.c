/*
 * C tests of map jobs through liboraclefn.so: two jobs at once from two
 * threads, progress callbacks with user data, results in input order,
 * function errors per call, cancellation and the error paths; hello and the
 * runtime and log exports.
 * Prints "N passed, N failed".
 *
 * Usage: engine_smoke CONFIG FUNCTION_ID BUCKET
 * (the emulator and a function running the native worker are set up by
 * bindings/python/tests/test_c_programs.py)
 */
#define _XOPEN_SOURCE 700
#include "check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ofn_engine *engine;
static const char *function_id;
static char bucket_option[256]; /* ", \"bucket\": \"...\"" */

struct progress_seen {
    pthread_mutex_t lock;
    ptrdiff_t calls, last_done, total;
    int went_backwards;
};

static void on_progress(void *user_data, ptrdiff_t done, ptrdiff_t failed_calls, ptrdiff_t total) {
    struct progress_seen *p = user_data;
    (void)failed_calls;
    pthread_mutex_lock(&p->lock);
    if (done < p->last_done) p->went_backwards = 1;
    p->calls++;
    p->last_done = done;
    p->total = total;
    pthread_mutex_unlock(&p->lock);
}

#define CALLS 300

static void *run_job(void *arg) {
    const char *mode = arg;
    char options[384], text[CALLS][32];
    ofn_bytes inputs[CALLS];
    struct progress_seen seen;
    ofn_job *job = NULL;
    size_t i, in_order = 0;
    ofn_status st;

    memset(&seen, 0, sizeof seen);
    pthread_mutex_init(&seen.lock, NULL);
    for (i = 0; i < CALLS; i++) {
        snprintf(text[i], sizeof text[i], "%s-%zu", mode, i);
        inputs[i].ptr = text[i];
        inputs[i].size = strlen(text[i]);
    }
    snprintf(options, sizeof options, "{\"mode\": \"%s\", \"max_workers\": 24%s}", mode, bucket_option);
    st = ofn_job_submit(&job, engine, function_id, inputs, CALLS, options, on_progress, &seen);
    check(st == OFN_OK && job, "%s: submit: %s", mode, last_message());
    if (!job) return NULL;
    st = ofn_job_wait(job, 120000);
    check(st == OFN_OK, "%s: wait: %s", mode, last_message());
    check(ofn_job_error(job) == OFN_OK, "%s: no job error", mode);
    for (i = 0; i < CALLS; i++) {
        ofn_buf out = OFN_BUF_INIT;
        if (ofn_job_result(&out, job, (ptrdiff_t)i) == OFN_OK && out.size == strlen(text[i])
            && memcmp(out.ptr, text[i], out.size) == 0)
            in_order++;
        ofn_buf_dispose(&out);
    }
    check(in_order == CALLS, "%s: %zu of %d results in input order", mode, in_order, CALLS);
    {
        ptrdiff_t done = 0, failed_calls = 0, total = 0;
        check(ofn_job_progress(&done, &failed_calls, &total, job) == OFN_OK && done == CALLS && failed_calls == 0
              && total == CALLS, "%s: progress %td/%td/%td", mode, done, failed_calls, total);
    }
    ofn_job_free(job);
    pthread_mutex_lock(&seen.lock);
    check(seen.calls > 0 && seen.last_done == CALLS && seen.total == CALLS && !seen.went_backwards,
          "%s: progress callback (%zu calls, last %zu)", mode, seen.calls, seen.last_done);
    pthread_mutex_unlock(&seen.lock);
    pthread_mutex_destroy(&seen.lock);
    return NULL;
}

static void test_function_error_and_details(void) {
    ofn_bytes inputs[2] = { { "ok", 2 }, { "!fail on purpose", 16 } };
    ofn_job *job = NULL;
    ofn_buf out = OFN_BUF_INIT;
    ofn_status st = ofn_job_submit(&job, engine, function_id, inputs, 2, "{\"mode\": \"sync\"}", NULL, NULL);
    check(st == OFN_OK, "submit: %s", last_message());
    if (!job) return;
    st = ofn_job_result(&out, job, 0);
    check(st == OFN_OK || st == OFN_EPENDING, "a call's result is there once it ended, OFN_EPENDING before: %d", st);
    ofn_buf_dispose(&out);
    check(ofn_job_wait(job, 60000) == OFN_OK, "wait");
    st = ofn_job_result(&out, job, 1);
    check(st == OFN_EFUNCTION && strstr(last_message(), "on purpose"), "function error: %d %s", st, last_message());
    check(ofn_job_call_json(&out, job, 1) == OFN_OK && strstr(out.ptr, "\"ok\":false") && strstr(out.ptr, "on purpose"),
          "call JSON: %s", out.ptr ? out.ptr : last_message());
    ofn_buf_dispose(&out);
    check(ofn_job_result(&out, job, 2) == OFN_EINVALID && strstr(last_message(), "out of range"), "index out of range");
    check(ofn_job_stats_json(&out, job) == OFN_OK && strstr(out.ptr, "\"function_errors\":1"), "stats: %s", out.ptr);
    ofn_buf_dispose(&out);
    ofn_job_free(job);
}

static void test_execution_timeout(void) {
    ofn_bytes inputs[2] = { { "!sleep 20000 late", 17 }, { "soon", 4 } };
    ofn_job *job = NULL;
    ofn_buf out = OFN_BUF_INIT;
    check(ofn_job_submit(&job, engine, function_id, inputs, 2, "{\"mode\": \"sync\", \"execution_timeout\": 0.5}", NULL, NULL)
              == OFN_OK, "submit: %s", last_message());
    if (!job) return;
    check(ofn_job_wait(job, 60000) == OFN_OK, "wait");
    ofn_status st = ofn_job_result(&out, job, 0);
    check(st == OFN_EFUNCTION && strstr(last_message(), "execution timeout of 0.5 s"), "a call past its execution timeout: %d %s",
          st, last_message());
    check(ofn_job_result(&out, job, 1) == OFN_OK && out.size == 4 && memcmp(out.ptr, "soon", 4) == 0, "the quick call");
    ofn_buf_dispose(&out);
    ofn_job_free(job);
}

static void test_cancel(void) {
    ofn_bytes inputs[6];
    char options[320];
    ofn_job *job = NULL;
    ofn_buf out = OFN_BUF_INIT;
    size_t i;
    int cancelled = 0;
    for (i = 0; i < 6; i++) { inputs[i].ptr = "!sleep 4000 slow"; inputs[i].size = 16; }
    snprintf(options, sizeof options, "{\"max_workers\": 2%s}", bucket_option);
    check(ofn_job_submit(&job, engine, function_id, inputs, 6, options, NULL, NULL) == OFN_OK, "submit: %s", last_message());
    if (!job) return;
    check(ofn_job_cancel(job) == OFN_OK, "cancel");
    check(ofn_job_wait(job, 60000) == OFN_OK, "a cancelled job finishes");
    for (i = 0; i < 6; i++) {
        if (ofn_job_result(&out, job, (ptrdiff_t)i) == OFN_ECALL && strstr(last_message(), "cancel")) cancelled++;
        ofn_buf_dispose(&out);
    }
    check(cancelled > 0, "cancelled calls say so (%d)", cancelled);
    ofn_job_free(job);
}

static void test_bad_arguments(void) {
    ofn_job *job = NULL;
    ofn_bytes one = { "x", 1 }, bad = { NULL, 5 };
    check(ofn_job_submit(&job, engine, NULL, &one, 1, NULL, NULL, NULL) == OFN_EINVALID, "NULL function");
    {
        char *long_name = malloc(1 << 20);
        memset(long_name, 'f', (1 << 20) - 1);
        long_name[(1 << 20) - 1] = '\0';
        check(ofn_job_submit(&job, engine, long_name, &one, 1, NULL, NULL, NULL) == OFN_EINVALID
              && strstr(last_message(), "at most 255"), "a 1 MiB function name: %s", last_message());
        free(long_name);
    }
    check(ofn_job_submit(&job, engine, function_id, NULL, 3, NULL, NULL, NULL) == OFN_EINVALID, "NULL inputs");
    check(ofn_job_submit(&job, engine, function_id, &bad, 1, NULL, NULL, NULL) == OFN_EINVALID
          && strstr(last_message(), "inputs[0]"), "NULL input bytes: %s", last_message());
    check(ofn_job_submit(&job, engine, function_id, &one, 1, "{\"colour\": 1}", NULL, NULL) == OFN_EINVALID
          && strstr(last_message(), "colour"), "unknown option: %s", last_message());
    check(ofn_job_submit(&job, NULL, function_id, &one, 1, NULL, NULL, NULL) == OFN_EINVALID, "NULL engine");
    check(ofn_job_submit(&job, engine, function_id, &one, 1, "{\"execution_timeout\": -1}", NULL, NULL) == OFN_EINVALID
          && strstr(last_message(), "\"execution_timeout\" is -1"), "negative execution_timeout: %s", last_message());
    check(ofn_job_submit(&job, engine, function_id, &one, 1, "{\"at_least_once\": 1}", NULL, NULL) == OFN_EINVALID
          && strstr(last_message(), "true or false"), "at_least_once not a boolean: %s", last_message());
    {
        /* the largest max_workers runs (bounded by the engine), rather than trapping the host process */
        char options[512];
        snprintf(options, sizeof options, "{\"mode\": \"sync\", \"max_workers\": 9223372036854775807%s}", bucket_option);
        check(ofn_job_submit(&job, engine, function_id, &one, 1, options, NULL, NULL) == OFN_OK && ofn_job_wait(job, -1) == OFN_OK
                  && ofn_job_error(job) == OFN_OK, "max_workers at INT64_MAX: %s", last_message());
        ofn_job_free(job);
        job = NULL;
    }
    check(ofn_job_attach(&job, engine, "zz", NULL, NULL, NULL) == OFN_EINVALID, "bad job id");
    check(ofn_job_wait(NULL, 0) == OFN_EINVALID, "wait(NULL)");
    check(ofn_job_cancel((ofn_job *)(void *)&one) == OFN_EINVALID, "cancel(foreign)");
    check(job == NULL, "no job handle after failures");
    ofn_job_free(NULL);
    ofn_engine_free(NULL);
}

/* hello, logs and the runtime exports against the emulator: hello through its hello function (no runtime
 * is deployed), the lines it logged, then a runtime deployed, listed and deleted. */
static void test_hello_and_runtimes(ofn_session *session) {
    ofn_buf out = OFN_BUF_INIT;
    check(ofn_hello(&out, engine, "{\"names\": [\"C\", \"Lithops\"]}") == OFN_OK, "hello: %s", last_message());
    check(out.ptr && strstr(out.ptr, "\"greetings\":[\"Hello, C! Ran in function hello (")
              && strstr(out.ptr, "\"Hello, Lithops! Ran in function hello (") && strstr(out.ptr, "\"failures\":[]"),
          "hello report: %s", out.ptr ? out.ptr : "(none)");
    ofn_buf_dispose(&out);

    /* what hello printed, followed as `oraclefn logs poll` does */
    ofn_logs *logs = NULL;
    check(ofn_logs_open(&logs, session, "{\"function\": \"hello\", \"since\": \"1h\"}") == OFN_OK, "logs open: %s", last_message());
    check(ofn_logs_next(&out, logs) == OFN_OK && out.ptr && strstr(out.ptr, "\"message\":\"hello: greeting C for call ")
              && strstr(out.ptr, "\"stream\":\"stdout\""), "logs: %s", out.ptr ? out.ptr : last_message());
    ofn_buf_dispose(&out);
    check(ofn_logs_next(&out, logs) == OFN_OK && out.ptr && strcmp(out.ptr, "[]") == 0, "nothing new: %s", out.ptr ? out.ptr : last_message());
    ofn_buf_dispose(&out);
    ofn_logs_free(logs);
    check(ofn_logs_next(&out, logs) == OFN_EINVALID, "a freed follower is refused");
    check(ofn_logs_open(&logs, session, "{\"since\": \"yesterday\"}") == OFN_EINVALID && strstr(last_message(), "30s, 10m"),
          "bad since: %s", last_message());
    check(ofn_logs_open(&logs, session, "{\"function\": \"no-such-function\"}") == OFN_ENOTFOUND
              && strstr(last_message(), "no function named no-such-function"), "unknown function: %s", last_message());
    check(logs == NULL, "no follower after failures");

    check(ofn_runtime_resolve(&out, session, NULL, "{\"python\": \"3.12\"}") == OFN_OK && out.ptr
              && strstr(out.ptr, "\"image\":\"oraclefn/python:3.12\"") && strstr(out.ptr, "\"emulator\":true")
              && strstr(out.ptr, "\"runtime\":\"oraclefn-python-v312\""), "runtime resolve: %s", out.ptr ? out.ptr : last_message());
    ofn_buf_dispose(&out);
    check(ofn_runtime_deploy(&out, session, "oraclefn/worker", "{\"memory\": 128, \"timeout\": 60}") == OFN_OK,
          "runtime deploy: %s", last_message());
    check(out.ptr && strstr(out.ptr, "\"image\":\"oraclefn/worker:latest\"") && strstr(out.ptr, "\"memory\":128")
              && strstr(out.ptr, "\"state\":\"ACTIVE\"") && strstr(out.ptr, "\"worker\":\"native\""),
          "deployed runtime: %s", out.ptr ? out.ptr : "(none)");
    ofn_buf_dispose(&out);
    check(ofn_runtime_list(&out, session) == OFN_OK && out.ptr && strstr(out.ptr, "\"function\":\"lithops-worker-worker-latest-v"),
          "runtime list: %s", out.ptr ? out.ptr : last_message());
    ofn_buf_dispose(&out);
    check(ofn_runtime_delete(&out, session, "oraclefn/worker", "{\"memory\": 128}") == OFN_OK && out.ptr
              && strstr(out.ptr, "[\"lithops-worker-worker-latest-v"),
          "runtime delete: %s", out.ptr ? out.ptr : last_message());
    ofn_buf_dispose(&out);
    check(ofn_runtime_delete(&out, session, "oraclefn/worker", NULL) == OFN_ENOTFOUND
              && strstr(last_message(), "no runtime oraclefn/worker (image oraclefn/worker:latest) is deployed"),
          "deleting it again: %s", last_message());

    check(ofn_runtime_deploy(&out, session, NULL, "{\"memory\": 100}") == OFN_EINVALID
              && strstr(last_message(), "128, 256, 512, 1024, 2048, 3072"), "memory 100: %s", last_message());
    check(ofn_runtime_deploy(&out, session, NULL, "{\"colour\": 1}") == OFN_EINVALID
              && strstr(last_message(), "unknown option \"colour\""), "unknown option: %s", last_message());
    check(ofn_hello(&out, engine, "{\"names\": []}") == OFN_EINVALID, "no names: %s", last_message());
    check(ofn_hello(&out, NULL, NULL) == OFN_EINVALID, "hello(NULL engine)");
    check(ofn_runtime_list(&out, NULL) == OFN_EINVALID, "runtime list(NULL session)");
    check(ofn_runtime_list(&out, (ofn_session *)(void *)engine) == OFN_EINVALID && strstr(last_message(), "another kind"),
          "an engine is not a session: %s", last_message());
    check(out.ptr == NULL, "nothing to dispose after failures");
}

int main(int argc, char **argv) {
    ofn_config *config = NULL;
    ofn_session *session = NULL;
    pthread_t a, b;
    if (argc != 4) {
        fprintf(stderr, "usage: %s CONFIG FUNCTION_ID BUCKET\n", argv[0]);
        return 2;
    }
    function_id = argv[2];
    snprintf(bucket_option, sizeof bucket_option, ", \"bucket\": \"%s\"", argv[3]);
    if (ofn_config_load(&config, argv[1], NULL) != OFN_OK || ofn_session_new(&session, config) != OFN_OK
        || ofn_engine_new(&engine, session) != OFN_OK) {
        fprintf(stderr, "setup: %s\n", last_message());
        return 2;
    }
    pthread_create(&a, NULL, run_job, "detached");
    pthread_create(&b, NULL, run_job, "sync");
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    test_function_error_and_details();
    test_execution_timeout();
    test_cancel();
    test_bad_arguments();
    test_hello_and_runtimes(session);
    ofn_engine_free(engine);
    ofn_session_free(session);
    ofn_config_free(config);
    return report();
}
