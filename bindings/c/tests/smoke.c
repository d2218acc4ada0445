/*
 * C smoke tests for liboraclefn.so: configuration loading, the bad
 * configuration table, request signing against the shared vectors, and the
 * error paths of every export. Prints "N passed, N failed".
 *
 * Usage: smoke FIXTURES_DIR
 */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include "check.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *fixtures;

static char *path_join(const char *a, const char *b) {
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* Replaces every occurrence of `from` in `s` with `to`; returns a new string. */
static char *replace_all(const char *s, const char *from, const char *to) {
    size_t count = 0, flen = strlen(from), tlen = strlen(to);
    const char *p;
    char *out, *w;
    for (p = s; (p = strstr(p, from)) != NULL; p += flen) count++;
    out = malloc(strlen(s) + count * (tlen > flen ? tlen - flen : 0) + 1);
    w = out;
    while ((p = strstr(s, from)) != NULL) {
        memcpy(w, s, (size_t)(p - s)); w += p - s;
        memcpy(w, to, tlen); w += tlen;
        s = p + flen;
    }
    strcpy(w, s);
    return out;
}

static int write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

static unsigned char *base64_decode(const char *in, size_t *out_len) {
    static const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(in), i, o = 0;
    unsigned char *out = malloc(n * 3 / 4 + 3);
    unsigned int acc = 0;
    int bits = 0;
    for (i = 0; i < n && in[i] != '='; i++) {
        const char *pos = strchr(alphabet, in[i]);
        if (!pos) continue;
        acc = (acc << 6) | (unsigned int)(pos - alphabet);
        bits += 6;
        if (bits >= 8) { bits -= 8; out[o++] = (unsigned char)((acc >> bits) & 0xff); }
    }
    *out_len = o;
    return out;
}

/* The value of parameter `name` in an Authorization header, as a new string. */
static char *auth_param(const char *auth, const char *name) {
    char key[32];
    const char *start, *end;
    char *out;
    snprintf(key, sizeof key, "%s=\"", name);
    start = strstr(auth, key);
    if (!start) return NULL;
    start += strlen(key);
    end = strchr(start, '"');
    if (!end) return NULL;
    out = malloc((size_t)(end - start) + 1);
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = 0;
    return out;
}

static int same_param(const char *a, const char *b, const char *name) {
    char *x = auth_param(a, name), *y = auth_param(b, name);
    int same = x && y && strcmp(x, y) == 0;
    free(x); free(y);
    return same;
}

static void test_basics(void) {
    int s;
    check(strcmp(ofn_version(), "0.1.0") == 0, "ofn_version is %s", ofn_version());
    check(strcmp(ofn_status_str(OFN_OK), "ok") == 0, "status_str(OK)");
    for (s = OFN_EFUNCTION; s <= OFN_OK; s++)
        check(strlen(ofn_status_str((ofn_status)s)) > 0 && strcmp(ofn_status_str((ofn_status)s), "unknown status") != 0,
              "status_str(%d) names it", s);
    check(strcmp(ofn_status_str((ofn_status)-999), "unknown status") == 0, "status_str of an unknown code");
    ofn_config_free(NULL);
    ofn_signer_free(NULL);
    ofn_buf_dispose(NULL);
    ofn_error_clear();
    check(ofn_error_last() != NULL && ofn_error_last()->status == OFN_OK && ofn_error_last()->message[0] == '\0',
          "no error after ofn_error_clear, and still a record to read");
}

static void test_null_arguments(void) {
    ofn_config *h = NULL;
    ofn_signer *signer = NULL;
    ofn_buf buf = OFN_BUF_INIT;
    int x = 42;
    ofn_status st;

    st = ofn_config_load(NULL, NULL, NULL);
    check(st == OFN_EINVALID && strstr(last_message(), "out"), "config_load(NULL out): %d %s", st, last_message());
    st = ofn_config_parse(&h, NULL, NULL);
    check(st == OFN_EINVALID && h == NULL && strstr(last_message(), "yaml"), "config_parse(NULL yaml): %s", last_message());
    st = ofn_config_to_json(&buf, NULL);
    check(st == OFN_EINVALID && buf.ptr == NULL, "config_to_json(NULL config)");
    st = ofn_config_to_json(&buf, (ofn_config *)(void *)&x); /* a cast can still pass anything */
    check(st == OFN_EINVALID && strstr(last_message(), "not a live handle"), "config_to_json(foreign): %s", last_message());
    st = ofn_signer_new(&signer, NULL, "id", NULL);
    check(st == OFN_EINVALID && strstr(last_message(), "key_file"), "signer_new(NULL key_file): %s", last_message());
    st = ofn_signer_sign(&buf, NULL, "GET", "https://x/", NULL, NULL, 0, -1);
    check(st == OFN_EINVALID && strstr(last_message(), "signer"), "signer_sign(NULL signer)");
    {
        const ofn_error *e = ofn_error_last();
        check(e && e->status == OFN_EINVALID && e->http_status == 0 && e->code && e->code[0] == '\0'
              && e->opc_request_id && e->opc_request_id[0] == '\0', "error record fields");
    }
    st = ofn_config_parse(&h, "lithops: [", NULL);
    check(st == OFN_ECONFIG && h == NULL, "broken YAML gives OFN_ECONFIG: %d", st);
    {
        /* invalid UTF-8 */
        const char bad[] = { 'a', (char)0xff, (char)0xfe, 0 };
        st = ofn_config_parse(&h, bad, NULL);
        check(st == OFN_EINVALID && strstr(last_message(), "UTF-8"), "bad UTF-8: %s", last_message());
    }
}

static ofn_config *load_valid(void) {
    char *path = path_join(fixtures, "config/valid.yaml");
    char *keys = path_join(fixtures, "keys");
    FILE *f = fopen(path, "r");
    char text[8192];
    size_t n;
    char *yaml;
    ofn_config *h = NULL;
    ofn_status st;
    if (!f) { check(0, "open %s", path); free(path); free(keys); return NULL; }
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    yaml = replace_all(text, "../keys", keys); /* parsed from text: no folder to resolve against */
    st = ofn_config_parse(&h, yaml, "{\"oracle_f\": {\"max_workers\": 12}}");
    check(st == OFN_OK && h != NULL, "valid config parses: %s", st ? last_message() : "");
    free(yaml); free(path); free(keys);
    return h;
}

static void test_config(void) {
    ofn_buf buf = OFN_BUF_INIT;
    json_error_t jerr;
    json_t *root;
    ofn_config *cfg = load_valid();
    ofn_signer *signer = NULL;
    if (!cfg) return;
    check(ofn_config_to_json(&buf, cfg) == OFN_OK, "config_to_json");
    check(buf.ptr && buf.ptr[buf.size] == '\0', "buffer is NUL-terminated");
    root = json_loads(buf.ptr ? buf.ptr : "", 0, &jerr);
    check(root != NULL, "config JSON parses: %s", jerr.text);
    if (root) {
        json_t *f = json_object_get(root, "oracle_f");
        check(json_integer_value(json_object_get(f, "max_workers")) == 12, "override max_workers=12 applied");
        check(json_integer_value(json_object_get(f, "runtime_memory")) == 256, "runtime_memory default 256");
        check(json_integer_value(json_object_get(f, "runtime_timeout")) == 300, "runtime_timeout default 300");
        check(json_integer_value(json_object_get(f, "invoke_pool_threads")) == 64, "invoke_pool_threads default 64");
        check(json_object_get(json_object_get(root, "oracle_oss"), "tenancy") != NULL, "oracle keys flow into oracle_oss");
        check(strstr(buf.ptr, "BEGIN") == NULL, "no key material in the JSON");
        json_decref(root);
    }
    ofn_buf_dispose(&buf);
    check(buf.ptr == NULL && buf.size == 0, "buf_dispose resets the buffer");

    check(ofn_signer_from_config(&signer, cfg) == OFN_OK, "signer_from_config: %s", last_message());
    if (signer) {
        ofn_status st = ofn_signer_sign(&buf, signer, "GET", "https://objectstorage.eu-madrid-1.oraclecloud.com/n/",
                                        NULL, NULL, 0, -1);
        check(st == OFN_OK && strstr(buf.ptr, "\"authorization\"") && strstr(buf.ptr, "\"date\""),
              "sign with the config's key");
        ofn_buf_dispose(&buf);
    }
    ofn_signer_free(signer);
    ofn_config_free(cfg);
    check(ofn_config_to_json(&buf, cfg) == OFN_EINVALID, "a freed config handle is refused");
    ofn_config_free(cfg); /* double free is ignored */
}

/* A free of another kind leaves the handle alone; a freed handle stays refused when a new one is made. */
static void test_handle_lifetimes(void) {
    ofn_buf buf = OFN_BUF_INIT;
    ofn_config *cfg = load_valid(), *again;
    if (!cfg) return;
    ofn_engine_free((ofn_engine *)(void *)cfg);
    ofn_signer_free((ofn_signer *)(void *)cfg);
    check(ofn_config_to_json(&buf, cfg) == OFN_OK, "ofn_engine_free and ofn_signer_free leave a config alone: %s", last_message());
    ofn_buf_dispose(&buf);
    ofn_config_free(cfg);
    again = load_valid();
    check(again != cfg, "a new handle never reuses a freed one's value");
    check(ofn_config_to_json(&buf, cfg) == OFN_EINVALID && strstr(last_message(), "freed"),
          "the freed handle stays refused after a new one is made: %s", last_message());
    check(ofn_config_to_json(&buf, again) == OFN_OK, "the new handle works");
    ofn_buf_dispose(&buf);
    ofn_config_free(again);
}

/* Every case of the shared bad-configuration table must fail with its own message. */
static void test_bad_configs(void) {
    char *table_path = path_join(fixtures, "config/bad-configs.json");
    char *keys = path_join(fixtures, "keys");
    char dir_template[] = "/tmp/ofn-smoke-XXXXXX";
    char *dir = mkdtemp(dir_template);
    json_error_t jerr;
    json_t *table = json_load_file(table_path, 0, &jerr), *cases, *c;
    size_t i;
    check(table != NULL, "load %s: %s", table_path, jerr.text);
    cases = json_is_array(table) ? table : json_object_get(table, "cases");
    check(json_array_size(cases) >= 25, "at least 25 bad configurations (%zu)", json_array_size(cases));
    json_array_foreach(cases, i, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        const char *yaml = json_string_value(json_object_get(c, "yaml"));
        const char *ini = json_string_value(json_object_get(c, "ini"));
        const char *expect = json_string_value(json_object_get(c, "expect"));
        char *ini_path = path_join(dir, "oci_config");
        char *cfg_path = path_join(dir, "config.yaml");
        char *a, *b, *text;
        ofn_config *h = NULL;
        ofn_status st;
        if (ini) write_file(ini_path, ini);
        a = replace_all(yaml ? yaml : "", "{KEYS}", keys);
        b = replace_all(a, "{FIXTURES}", fixtures);
        text = replace_all(b, "{INI}", ini_path);
        write_file(cfg_path, text);
        st = ofn_config_load(&h, cfg_path, NULL);
        check((st == OFN_ECONFIG || st == OFN_EKEY) && h == NULL, "bad config '%s' gives a configuration error (%d)", name, st);
        check(expect && strstr(last_message(), expect) != NULL, "bad config '%s': message '%s' lacks '%s'", name,
              last_message(), expect ? expect : "(none)");
        ofn_config_free(h);
        free(a); free(b); free(text); unlink(cfg_path); unlink(ini_path); free(ini_path); free(cfg_path);
    }
    json_decref(table);
    rmdir(dir);
    free(table_path); free(keys);
}

static void test_vectors(const char *file) {
    char *path = path_join(fixtures, file);
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr), *vectors, *v;
    size_t i;
    check(doc != NULL, "load %s: %s", path, jerr.text);
    vectors = json_object_get(doc, "vectors");
    json_array_foreach(vectors, i, v) {
        const char *name = json_string_value(json_object_get(v, "name"));
        const char *key_file = json_string_value(json_object_get(v, "key_file"));
        const char *pass = json_string_value(json_object_get(v, "pass_phrase"));
        const char *body_b64 = json_string_value(json_object_get(v, "body_b64"));
        const char *body_utf8 = json_string_value(json_object_get(v, "body_utf8"));
        json_t *expected = json_object_get(v, "expected_authorization");
        json_t *signed_headers = json_object_get(v, "signed_headers"), *h;
        char *headers = json_dumps(json_object_get(v, "headers_in"), JSON_COMPACT);
        char *vectors_dir = path_join(fixtures, "vectors");
        char *key_path = path_join(vectors_dir, key_file);
        unsigned char *body = NULL;
        size_t body_len = 0, j;
        int sign_body = 0;
        ofn_signer *signer = NULL;
        ofn_buf out = OFN_BUF_INIT;
        ofn_status st;
        if (!expected) expected = json_object_get(v, "expected_authorization_oci_python_sdk");
        json_array_foreach(signed_headers, j, h)
            if (strcmp(json_string_value(h), "x-content-sha256") == 0) sign_body = 1;
        if (body_b64) body = base64_decode(body_b64, &body_len);
        else if (body_utf8) { body_len = strlen(body_utf8); body = malloc(body_len + 1); memcpy(body, body_utf8, body_len + 1); }
        st = ofn_signer_new(&signer, key_path, json_string_value(json_object_get(v, "key_id")), pass);
        check(st == OFN_OK, "vector %s: signer_new: %s", name, last_message());
        if (st == OFN_OK) {
            st = ofn_signer_sign(&out, signer, json_string_value(json_object_get(v, "method")),
                                 json_string_value(json_object_get(v, "url")), headers, body, (ptrdiff_t)body_len,
                                 sign_body);
            check(st == OFN_OK, "vector %s: sign: %s", name, last_message());
            if (st == OFN_OK) {
                json_t *got = json_loads(out.ptr, 0, &jerr);
                const char *auth = json_string_value(json_object_get(got, "authorization"));
                const char *want = json_string_value(expected);
                /* The oci Python SDK's parameter order is byte-exact; vectors in
                 * Oracle's order (version first) are compared parameter by parameter. */
                int same = strncmp(want, "Signature algorithm=", 20) == 0
                               ? auth && strcmp(auth, want) == 0
                               : auth && same_param(auth, want, "signature") && same_param(auth, want, "headers")
                                     && same_param(auth, want, "keyId");
                check(same, "vector %s: authorization\n got  %s\n want %s", name, auth ? auth : "(none)", want);
                json_decref(got);
            }
            ofn_buf_dispose(&out);
        }
        ofn_signer_free(signer);
        free(body); free(headers); free(key_path); free(vectors_dir);
    }
    json_decref(doc);
    free(path);
}

static void test_signer_errors(void) {
    char *vectors = path_join(fixtures, "vectors");
    char *enc = path_join(vectors, "test2048_private_pkcs8_encrypted.pem");
    char *pub = path_join(vectors, "test2048_public.pem");
    ofn_signer *s = NULL;
    ofn_buf out = OFN_BUF_INIT;
    ofn_status st;

    st = ofn_signer_new(&s, enc, "t/u/f", NULL);
    check(st == OFN_EKEY && s == NULL, "encrypted key without pass phrase: %d %s", st, last_message());
    st = ofn_signer_new(&s, enc, "t/u/f", "wrong");
    check(st == OFN_EKEY && s == NULL, "wrong pass phrase: %d %s", st, last_message());
    check(strstr(last_message(), "wrong") == NULL || strstr(last_message(), "pass") != NULL, "message about the pass phrase");
    st = ofn_signer_new(&s, pub, "t/u/f", NULL);
    check(st == OFN_EKEY, "a public key is refused: %s", last_message());
    st = ofn_signer_new(&s, "/nonexistent/key.pem", "t/u/f", NULL);
    check(st == OFN_EKEY && strstr(last_message(), "/nonexistent/key.pem"), "missing key file: %s", last_message());
    st = ofn_signer_new(&s, enc, "t/u/f", "oci-test-passphrase");
    check(st == OFN_OK, "right pass phrase: %s", last_message());
    st = ofn_signer_sign(&out, s, "GET", "https://h/", "[1,2]", NULL, 0, -1);
    check(st == OFN_EINVALID && strstr(last_message(), "headers_json"), "headers_json not an object: %s", last_message());
    st = ofn_signer_sign(&out, s, "GET", "https://h/", "{\"date\": 5}", NULL, 0, -1);
    check(st == OFN_EINVALID, "a non-string header value is refused");
    st = ofn_signer_sign(&out, s, "GET", "https://h/", NULL, NULL, 0, 7);
    check(st == OFN_EINVALID && strstr(last_message(), "sign_body"), "bad sign_body: %s", last_message());
    st = ofn_signer_sign(&out, s, "GET", "https://h/", NULL, NULL, 5, -1);
    check(st == OFN_EINVALID && strstr(last_message(), "body"), "NULL body with a length: %s", last_message());
    st = ofn_signer_sign(&out, s, "POST", "https://h/x", NULL, "{}", 2, -1);
    check(st == OFN_OK && strstr(out.ptr, "x-content-sha256") && strstr(out.ptr, "\"content-length\":\"2\""),
          "POST signs its body: %s", out.ptr ? out.ptr : last_message());
    ofn_buf_dispose(&out);
    st = ofn_signer_sign(&out, s, "PUT", "https://h/n/ns/b/bk/o/obj", NULL, "abc", 3, -1);
    check(st == OFN_OK && strstr(out.ptr, "x-content-sha256") == NULL, "PutObject does not sign its body");
    ofn_buf_dispose(&out);
    ofn_signer_free(s);
    free(enc); free(pub); free(vectors);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FIXTURES_DIR\n", argv[0]);
        return 2;
    }
    fixtures = realpath(argv[1], NULL); /* configs resolve relative key paths against their own folder */
    if (!fixtures) { perror(argv[1]); return 2; }
    test_basics();
    test_null_arguments();
    test_config();
    test_handle_lifetimes();
    test_bad_configs();
    test_vectors("vectors/signer_vectors.json");
    test_vectors("vectors/docs_vectors.json");
    test_signer_errors();
    free((char *)fixtures);
    return report();
}
