/*
 * What the C tests share: checks counted from any thread, each failure
 * printed to stderr with what was expected, and the calling thread's last
 * library error. Each test prints "N passed, N failed" with report().
 */
#ifndef OFN_TESTS_CHECK_H
#define OFN_TESTS_CHECK_H

#include <oraclefn.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

static int passed, failed;
static pthread_mutex_t counts = PTHREAD_MUTEX_INITIALIZER;

static void check(int ok, const char *fmt, ...) {
    va_list ap;
    pthread_mutex_lock(&counts);
    if (ok) passed++;
    else {
        failed++;
        fprintf(stderr, "FAIL: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
    pthread_mutex_unlock(&counts);
}

static const char *last_message(void) {
    const ofn_error *e = ofn_error_last();
    return e ? e->message : "(no error recorded)";
}

/* Prints the counts; the exit status of the test. */
static int report(void) {
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

#endif
