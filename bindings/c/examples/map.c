/*
 * map: runs a function over the command line's arguments and prints each
 * result, in order.
 *
 *   map CONFIG FUNCTION INPUT...
 *
 * FUNCTION is a function OCID or the name of a deployed function running an
 * oraclefn worker (on the emulator: image oraclefn/worker, which echoes).
 */
#include <oraclefn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_progress(void *user_data, ptrdiff_t done, ptrdiff_t failed, ptrdiff_t total) {
    fprintf((FILE *)user_data, "\r%td/%td done, %td failed", done, total, failed);
}

int main(int argc, char **argv) {
    ofn_config *config = NULL;
    ofn_session *session = NULL;
    ofn_engine *engine = NULL;
    ofn_job *job = NULL;
    ofn_bytes *inputs;
    int i, count = argc - 3, rc = 0;

    if (argc < 4) {
        fprintf(stderr, "usage: %s CONFIG FUNCTION INPUT...\n", argv[0]);
        return 2;
    }
    inputs = calloc((size_t)count, sizeof *inputs);
    for (i = 0; i < count; i++) {
        inputs[i].ptr = argv[i + 3];
        inputs[i].size = strlen(argv[i + 3]);
    }
    if (ofn_config_load(&config, argv[1], NULL) != OFN_OK || ofn_session_new(&session, config) != OFN_OK
        || ofn_engine_new(&engine, session) != OFN_OK
        || ofn_job_submit(&job, engine, argv[2], inputs, count, NULL, on_progress, stderr) != OFN_OK
        || ofn_job_wait(job, -1) != OFN_OK) {
        fprintf(stderr, "map: %s\n", ofn_error_last()->message);
        rc = 1;
    } else {
        fputc('\n', stderr);
        for (i = 0; i < count; i++) {
            ofn_buf out = OFN_BUF_INIT;
            if (ofn_job_result(&out, job, i) == OFN_OK) printf("%d: %s\n", i, out.ptr);
            else printf("%d: error: %s\n", i, ofn_error_last()->message);
            ofn_buf_dispose(&out);
        }
    }
    ofn_job_free(job);
    ofn_engine_free(engine);
    ofn_session_free(session);
    ofn_config_free(config);
    free(inputs);
    return rc;
}
