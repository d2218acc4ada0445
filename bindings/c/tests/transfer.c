/*
 * One streamed transfer between a file and Object Storage, measured: what a C
 * program pays to move an object of any size through the SDK. Used by the
 * Python tests (bounded memory, the bytes intact) and by bench/transfer_bench.py.
 *
 * Usage: transfer CONFIG BUCKET KEY FILE put|get|put-fd|get-fd
 *   put     ofn_storage_put_file(FILE)     get     ofn_storage_get_file(FILE)
 *   put-fd  ofn_storage_put_fd(open FILE)  get-fd  ofn_storage_get_fd(open FILE)
 * Prints one JSON object: bytes, seconds, cpu_seconds, rss_before_kb (peak RSS
 * once the library is loaded and the session made) and max_rss_kb (the peak
 * after the transfer). Exits 1 with the library's message when it fails.
 *
 * The peak is VmHWM from /proc/self/status: this process's own. ru_maxrss
 * carries the parent's peak across exec, so a small program started by a big
 * one would report the big one's.
 */
#define _POSIX_C_SOURCE 200809L
#include <oraclefn.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* This process's peak resident set, in KiB (VmHWM); -1 when it cannot be read. */
static long peak_rss_kb(void) {
    char line[128];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
    fclose(f);
    return kb;
}

static double cpu_seconds(const struct rusage *u) {
    return (double)(u->ru_utime.tv_sec + u->ru_stime.tv_sec) + (double)(u->ru_utime.tv_usec + u->ru_stime.tv_usec) / 1e6;
}

static ofn_status transfer(ofn_storage *s, const char *bucket, const char *key, const char *file, const char *mode) {
    ofn_status rc;
    int fd;
    if (strcmp(mode, "put") == 0) return ofn_storage_put_file(s, bucket, key, file, NULL);
    if (strcmp(mode, "get") == 0) return ofn_storage_get_file(s, bucket, key, file, -1, -1);
    fd = strcmp(mode, "put-fd") == 0 ? open(file, O_RDONLY) : open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        perror(file);
        return OFN_EINVALID;
    }
    rc = strcmp(mode, "put-fd") == 0 ? ofn_storage_put_fd(s, bucket, key, fd, NULL) : ofn_storage_get_fd(s, bucket, key, fd, -1, -1);
    close(fd);
    return rc;
}

int main(int argc, char **argv) {
    ofn_config *config = NULL;
    ofn_session *session = NULL;
    ofn_storage *storage = NULL;
    struct rusage before, after;
    struct stat info;
    double started, seconds;
    long rss_before, rss_after;
    ofn_status rc;
    const ofn_error *e;
    if (argc != 6 || (strcmp(argv[5], "put") && strcmp(argv[5], "get") && strcmp(argv[5], "put-fd") && strcmp(argv[5], "get-fd"))) {
        fprintf(stderr, "usage: %s CONFIG BUCKET KEY FILE put|get|put-fd|get-fd\n", argv[0]);
        return 2;
    }
    rc = ofn_config_load(&config, argv[1], NULL);
    if (rc == OFN_OK) rc = ofn_session_new(&session, config);
    if (rc == OFN_OK) rc = ofn_storage_new(&storage, session);
    getrusage(RUSAGE_SELF, &before);
    rss_before = peak_rss_kb();
    started = now();
    if (rc == OFN_OK) rc = transfer(storage, argv[2], argv[3], argv[4], argv[5]);
    seconds = now() - started;
    getrusage(RUSAGE_SELF, &after);
    rss_after = peak_rss_kb();
    if (rc != OFN_OK) {
        e = ofn_error_last();
        fprintf(stderr, "%s %s/%s failed: %s\n", argv[5], argv[2], argv[3], e ? e->message : "(no message)");
    } else if (stat(argv[4], &info) == 0) {
        printf("{\"bytes\": %lld, \"seconds\": %.4f, \"cpu_seconds\": %.4f, \"rss_before_kb\": %ld, \"max_rss_kb\": %ld}\n",
               (long long)info.st_size, seconds, cpu_seconds(&after) - cpu_seconds(&before), rss_before, rss_after);
    }
    ofn_storage_free(storage);
    ofn_session_free(session);
    ofn_config_free(config);
    return rc == OFN_OK ? 0 : 1;
}
