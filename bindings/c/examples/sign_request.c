/*
 * sign_request: prints the headers oraclefn signs for a request.
 *
 *   sign_request [CONFIG] METHOD URL
 *
 * With CONFIG omitted the configuration is found as Lithops finds it.
 */
#include <oraclefn.h>
#include <stdio.h>

static int fail(const char *what) {
    const ofn_error *e = ofn_error_last();
    fprintf(stderr, "%s: %s\n", what, e ? e->message : "unknown error");
    return 1;
}

int main(int argc, char **argv) {
    const char *path = argc == 4 ? argv[1] : NULL;
    ofn_config *config = NULL;
    ofn_signer *signer = NULL;
    ofn_buf headers = OFN_BUF_INIT;
    int rc = 0;

    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: %s [CONFIG] METHOD URL\n", argv[0]);
        return 2;
    }
    if (ofn_config_load(&config, path, NULL) != OFN_OK) return fail("configuration");
    if (ofn_signer_from_config(&signer, config) != OFN_OK) rc = fail("signer");
    else if (ofn_signer_sign(&headers, signer, argv[argc - 2], argv[argc - 1], NULL, NULL, 0, -1) != OFN_OK) rc = fail("sign");
    else printf("%s\n", headers.ptr);

    ofn_buf_dispose(&headers);
    ofn_signer_free(signer);
    ofn_config_free(config);
    return rc;
}
