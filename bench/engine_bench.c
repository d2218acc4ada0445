/*
 * The engine from C, for bench/invoke_bench.py: submits one detached job of
 * CALLS small inputs through liboraclefn.so and measures until the service
 * has accepted every invocation (the job's "accepted" statistic), then
 * cancels the job: against the fixed 202 responder no status ever comes.
 *
 * Usage: engine_bench CONFIG FUNCTION CALLS OPTIONS_JSON
 * Prints one JSON object: calls, accepted, throttles, seconds, cpu_seconds
 * (user + system of this process over the measured interval) and
 * max_rss_kb (the process's peak).
 */
#define _POSIX_C_SOURCE 200809L
#include <oraclefn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* Stats are read this often while waiting; the error it adds is at most one period. */
#define POLL_NS 10000000L
#define GIVE_UP_SECONDS 600.0

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 +
           (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec / 1e6;
}

static long peak_rss_kb(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

static int fail(const char *what) {
    const ofn_error *e = ofn_error_last();
    fprintf(stderr, "engine_bench: %s failed: %s\n", what, e ? e->message : "(no error recorded)");
    return 1;
}

/* The integer after "key": in the stats JSON, or -1 when it is not there. */
static long stat_of(const char *json, const char *key) {
    char quoted[64];
    const char *at;
    snprintf(quoted, sizeof quoted, "\"%s\"", key);
    at = strstr(json, quoted);
    if (at == NULL) return -1;
    at += strlen(quoted);
    while (*at == ' ' || *at == ':') at++;
    return strtol(at, NULL, 10);
}

static int read_stats(void *job, long *accepted, long *throttles) {
    ofn_buf stats = OFN_BUF_INIT;
    if (ofn_job_stats_json(&stats, job) != OFN_OK) return fail("ofn_job_stats_json");
    *accepted = stat_of(stats.ptr, "accepted");
    *throttles = stat_of(stats.ptr, "throttles");
    ofn_buf_dispose(&stats);
    if (*accepted < 0) {
        fprintf(stderr, "engine_bench: the job's statistics have no \"accepted\" count; rebuild liboraclefn.so\n");
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    ofn_config *config = NULL;
    ofn_session *session = NULL;
    ofn_engine *engine = NULL;
    ofn_job *job = NULL;
    ofn_bytes *inputs;
    char (*text)[32];
    long calls, i, accepted = 0, throttles = 0;
    double started, cpu_started, seconds, cpu;
    struct timespec pause = {0, POLL_NS};

    if (argc != 5 || (calls = strtol(argv[3], NULL, 10)) <= 0) {
        fprintf(stderr, "usage: engine_bench CONFIG FUNCTION CALLS OPTIONS_JSON\n");
        return 2;
    }
    if (ofn_config_load(&config, argv[1], NULL) != OFN_OK) return fail("ofn_config_load");
    if (ofn_session_new(&session, config) != OFN_OK) return fail("ofn_session_new");
    if (ofn_engine_new(&engine, session) != OFN_OK) return fail("ofn_engine_new");
    inputs = calloc((size_t)calls, sizeof *inputs);
    text = calloc((size_t)calls, sizeof *text);
    if (inputs == NULL || text == NULL) {
        fprintf(stderr, "engine_bench: out of memory for %ld inputs\n", calls);
        return 1;
    }
    for (i = 0; i < calls; i++) {
        snprintf(text[i], sizeof text[i], "bench-%ld", i);
        inputs[i].ptr = text[i];
        inputs[i].size = strlen(text[i]);
    }

    started = now_seconds();
    cpu_started = cpu_seconds();
    if (ofn_job_submit(&job, engine, argv[2], inputs, calls, argv[4], NULL, NULL) != OFN_OK) return fail("ofn_job_submit");
    for (;;) {
        if (read_stats(job, &accepted, &throttles) != 0) return 1;
        if (accepted >= calls) break;
        if (ofn_job_wait(job, 0) == OFN_OK) {
            fprintf(stderr, "engine_bench: the job ended with %ld of %ld invocations accepted\n", accepted, calls);
            if (ofn_job_error(job) != OFN_OK) return fail("the job");
            return 1;
        }
        if (now_seconds() - started > GIVE_UP_SECONDS) {
            fprintf(stderr, "engine_bench: only %ld of %ld invocations accepted after %.0f s\n", accepted, calls, GIVE_UP_SECONDS);
            return 1;
        }
        nanosleep(&pause, NULL);
    }
    seconds = now_seconds() - started;
    cpu = cpu_seconds() - cpu_started;

    if (ofn_job_cancel(job) != OFN_OK) return fail("ofn_job_cancel");
    if (ofn_job_wait(job, -1) != OFN_OK) return fail("ofn_job_wait");
    printf("{\"calls\": %ld, \"accepted\": %ld, \"throttles\": %ld, \"seconds\": %.4f, \"cpu_seconds\": %.4f, \"max_rss_kb\": %ld}\n",
           calls, accepted, throttles, seconds, cpu, peak_rss_kb());
    ofn_job_free(job);
    ofn_engine_free(engine);
    ofn_session_free(session);
    ofn_config_free(config);
    free(inputs);
    free(text);
    return 0;
}
