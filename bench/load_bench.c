/*
 * load_bench: how long a program takes to load liboraclefn.so and call it
 * once: dlopen(RTLD_NOW) plus ofn_version(), in a new process each run (a
 * library is loaded once per process), with the file in the page cache.
 *
 *   cc -O2 -o load_bench bench/load_bench.c -ldl
 *   ./load_bench [LIBRARY] [RUNS]      (default: liboraclefn.so from the
 *                                       loader's search path, 101 runs)
 *
 * Prints the median, minimum and 90th percentile of the load time and of the
 * whole process (fork, exec, load, exit). docs/performance.md has the figures;
 * the goal is 20 ms or less.
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One load in this process: prints "<milliseconds> <version>". */
static int load_once(const char *library) {
    const char *(*version)(void);
    const char *text;
    double start = now_ms(), elapsed;
    void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        fprintf(stderr, "load_bench: %s\n", dlerror());
        return 1;
    }
    *(void **)(&version) = dlsym(handle, "ofn_version");
    if (version == NULL) {
        fprintf(stderr, "load_bench: %s has no ofn_version\n", library);
        return 1;
    }
    text = version();
    elapsed = now_ms() - start;
    printf("%.3f %s\n", elapsed, text);
    return 0;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void summary(const char *what, double *values, int count) {
    qsort(values, (size_t)count, sizeof *values, by_value);
    printf("%-22s median %6.2f ms   min %6.2f ms   p90 %6.2f ms\n", what, values[count / 2], values[0],
           values[(count * 9) / 10 < count ? (count * 9) / 10 : count - 1]);
}

int main(int argc, char **argv) {
    const char *library = "liboraclefn.so";
    char version[64] = "";
    int runs = 101, i;
    double *load, *process;

    if (argc == 3 && strcmp(argv[1], "--once") == 0) return load_once(argv[2]);
    if (argc > 1) library = argv[1];
    if (argc > 2) runs = atoi(argv[2]);
    if (runs < 1) {
        fprintf(stderr, "usage: %s [LIBRARY] [RUNS]\n", argv[0]);
        return 2;
    }
    load = calloc((size_t)runs, sizeof *load);
    process = calloc((size_t)runs, sizeof *process);
    for (i = 0; i < runs; i++) {
        int out[2], status;
        char line[128] = "";
        ssize_t got;
        double start = now_ms();
        pid_t child;
        if (pipe(out) != 0) return perror("pipe"), 1;
        child = fork();
        if (child == 0) {
            dup2(out[1], STDOUT_FILENO);
            close(out[0]);
            close(out[1]);
            execl("/proc/self/exe", argv[0], "--once", library, (char *)NULL);
            _exit(127);
        }
        close(out[1]);
        got = read(out[0], line, sizeof line - 1);
        close(out[0]);
        waitpid(child, &status, 0);
        process[i] = now_ms() - start;
        if (got <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "load_bench: run %d failed\n", i);
            return 1;
        }
        if (sscanf(line, "%lf %63s", &load[i], version) != 2) {
            fprintf(stderr, "load_bench: run %d printed '%s'\n", i, line);
            return 1;
        }
    }
    printf("%s (ofn_version %s), %d runs\n", library, version, runs);
    summary("dlopen + ofn_version", load, runs);
    summary("whole process", process, runs);
    free(load);
    free(process);
    return 0;
}
