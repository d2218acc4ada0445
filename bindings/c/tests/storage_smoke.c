/*
 * C smoke tests for the Object Storage and Functions exports, against the
 * emulator (`oraclefn-cli emulator --port 0`, started and stopped here).
 * Prints "N passed, N failed".
 *
 * Usage: storage_smoke FIXTURES_DIR ORACLEFN_CLI
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, realpath */
#include "check.h"
#include "emulator.h"

#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>


static json_t *parse(const ofn_buf *buf) {
    json_error_t error;
    return json_loadb(buf->ptr, buf->size, 0, &error);
}

static void test_storage(ofn_storage *s) {
    ofn_buf buf = OFN_BUF_INIT;
    const char *data = "0123456789";
    const ofn_error *e;
    json_t *j;
    ofn_status rc;

    check(ofn_storage_create_bucket(s, NULL) == OFN_OK, "create the configured bucket: %s", last_message());
    rc = ofn_storage_create_bucket(s, NULL);
    e = ofn_error_last();
    check(rc == OFN_ECONFLICT && e && e->http_status == 409 && strcmp(e->code, "BucketAlreadyExists") == 0,
          "a second create is a conflict with OCI's code (%d)", (int)rc);

    check(ofn_storage_put(s, NULL, "dir/a b.txt", data, 10, "text/plain") == OFN_OK, "put: %s", last_message());
    check(ofn_storage_get(&buf, s, NULL, "dir/a b.txt", -1, -1) == OFN_OK && buf.size == 10 &&
              memcmp(buf.ptr, data, 10) == 0 && buf.ptr[10] == '\0',
          "get the whole object back, NUL-terminated");
    ofn_buf_dispose(&buf);
    check(buf.ptr == NULL && buf.size == 0, "ofn_buf_dispose clears the buffer");
    check(ofn_storage_get(&buf, s, NULL, "dir/a b.txt", 2, 4) == OFN_OK && buf.size == 3 && memcmp(buf.ptr, "234", 3) == 0,
          "get bytes 2-4");
    ofn_buf_dispose(&buf);
    check(ofn_storage_get(&buf, s, NULL, "dir/a b.txt", 7, -1) == OFN_OK && buf.size == 3 && memcmp(buf.ptr, "789", 3) == 0,
          "get from byte 7 to the end");
    ofn_buf_dispose(&buf);
    check(ofn_storage_get(&buf, s, NULL, "dir/a b.txt", -1, 2) == OFN_OK && buf.size == 2 && memcmp(buf.ptr, "89", 2) == 0,
          "get the last 2 bytes");
    ofn_buf_dispose(&buf);
    check(ofn_storage_get(&buf, s, NULL, "dir/a b.txt", 5, 2) == OFN_EINVALID, "an inverted range is refused");

    check(ofn_storage_head(&buf, s, NULL, "dir/a b.txt") == OFN_OK, "head: %s", last_message());
    j = parse(&buf);
    check(j && strcmp(json_string_value(json_object_get(j, "content-length")), "10") == 0 &&
              strcmp(json_string_value(json_object_get(j, "content-type")), "text/plain") == 0,
          "head gives content-length and content-type: %s", buf.ptr);
    json_decref(j);
    ofn_buf_dispose(&buf);

    check(ofn_storage_put(s, NULL, "dir/sub/c", "x", 1, NULL) == OFN_OK, "put a second object");
    check(ofn_storage_put(s, NULL, "other", "", 0, NULL) == OFN_OK, "put an empty object");
    check(ofn_storage_list(&buf, s, NULL, "dir/", "/") == OFN_OK, "list: %s", last_message());
    j = parse(&buf);
    check(j && json_array_size(json_object_get(j, "objects")) == 1 && json_array_size(json_object_get(j, "prefixes")) == 1 &&
              strcmp(json_string_value(json_object_get(json_array_get(json_object_get(j, "objects"), 0), "name")), "dir/a b.txt") == 0 &&
              json_integer_value(json_object_get(json_array_get(json_object_get(j, "objects"), 0), "size")) == 10,
          "list with a delimiter: %s", buf.ptr);
    json_decref(j);
    ofn_buf_dispose(&buf);

    check(ofn_storage_delete(s, NULL, "other") == OFN_OK, "delete");
    rc = ofn_storage_get(&buf, s, NULL, "other", -1, -1);
    e = ofn_error_last();
    check(rc == OFN_ENOTFOUND && e && e->http_status == 404 && strcmp(e->code, "ObjectNotFound") == 0 &&
              strlen(e->opc_request_id) > 0 && strstr(e->message, "GetObject") != NULL,
          "a deleted object is not found, with OCI's code and a request id (%d)", (int)rc);
    check(ofn_storage_head(&buf, s, NULL, "other") == OFN_ENOTFOUND, "head of a missing object");
    check(ofn_storage_delete(s, NULL, "other") == OFN_ENOTFOUND, "delete of a missing object");
    check(ofn_storage_delete_many(s, NULL, "[\"dir/a b.txt\", \"dir/sub/c\", \"never-was\"]") == OFN_OK,
          "delete many, a missing one included: %s", last_message());
    check(ofn_storage_list(&buf, s, NULL, NULL, NULL) == OFN_OK && strstr(buf.ptr, "\"objects\":[]") != NULL,
          "nothing left: %s", buf.ptr ? buf.ptr : "");
    ofn_buf_dispose(&buf);
    check(ofn_storage_delete_many(s, NULL, "{\"not\": \"a list\"}") == OFN_EINVALID, "keys_json must be an array");
    check(ofn_storage_create_bucket(s, "second-bucket") == OFN_OK && ofn_storage_put(s, "second-bucket", "k", "v", 1, NULL) == OFN_OK,
          "a named bucket");
}

static void test_put_file(ofn_storage *s) {
    char dir[] = "/tmp/oraclefn-storage-XXXXXX";
    char path[64];
    ofn_buf buf = OFN_BUF_INIT;
    size_t size = 3u << 20, i;
    unsigned char *data = malloc(size);
    FILE *f;
    if (!mkdtemp(dir) || !data) { check(0, "temporary file"); free(data); return; }
    snprintf(path, sizeof path, "%s/blob", dir);
    for (i = 0; i < size; i++) data[i] = (unsigned char)(i * 7 + (i >> 12));
    f = fopen(path, "wb");
    fwrite(data, 1, size, f);
    fclose(f);
    check(ofn_storage_put_file(s, NULL, "blob", path, NULL) == OFN_OK, "put_file: %s", last_message());
    check(ofn_storage_get(&buf, s, NULL, "blob", -1, -1) == OFN_OK && buf.size == size && memcmp(buf.ptr, data, size) == 0,
          "put_file round trip of 3 MiB");
    ofn_buf_dispose(&buf);
    check(ofn_storage_put_file(s, NULL, "x", "/nonexistent/file", NULL) == OFN_EINVALID && strstr(last_message(), "/nonexistent/file"),
          "a missing file is named: %s", last_message());
    unlink(path);
    rmdir(dir);
    free(data);
}

/* The whole content of the file at `path` in `out` (at most `size` bytes); how many bytes it has, -1 if unreadable. */
static long slurp(const char *path, char *out, size_t size) {
    FILE *f = fopen(path, "rb");
    long n;
    if (!f) return -1;
    n = (long)fread(out, 1, size, f);
    if (fgetc(f) != EOF) n = -2;
    fclose(f);
    return n;
}

static void test_streams(ofn_storage *s) {
    char dir[] = "/tmp/oraclefn-streams-XXXXXX";
    char path[96], text[64];
    struct stat info;
    int fd, fds[2];
    if (!mkdtemp(dir)) { check(0, "temporary folder"); return; }
    snprintf(path, sizeof path, "%s/out", dir);
    check(ofn_storage_put(s, NULL, "stream", "0123456789", 10, NULL) == OFN_OK, "put: %s", last_message());

    check(ofn_storage_get_file(s, NULL, "stream", path, -1, -1) == OFN_OK && slurp(path, text, sizeof text) == 10 &&
              memcmp(text, "0123456789", 10) == 0,
          "get_file writes the object: %s", last_message());
    check(ofn_storage_get_file(s, NULL, "stream", path, 2, 4) == OFN_OK && slurp(path, text, sizeof text) == 3 &&
              memcmp(text, "234", 3) == 0,
          "get_file of a range truncates the file and writes bytes 2-4");
    check(ofn_storage_get_file(s, NULL, "missing", path, -1, -1) == OFN_ENOTFOUND && slurp(path, text, sizeof text) == 3,
          "a missing object leaves an existing file alone: %s", last_message());
    unlink(path);
    check(ofn_storage_get_file(s, NULL, "missing", path, -1, -1) == OFN_ENOTFOUND && stat(path, &info) != 0,
          "a missing object makes no file");
    check(ofn_storage_get_file(s, NULL, "stream", "/nonexistent/dir/out", -1, -1) == OFN_EINVALID &&
              strstr(last_message(), "/nonexistent/dir/out") != NULL,
          "a file that cannot be made is named: %s", last_message());
    check(ofn_storage_get_file(s, NULL, "stream", NULL, -1, -1) == OFN_EINVALID, "get_file: path NULL");
    check(ofn_storage_get_file(s, NULL, "stream", path, 5, 2) == OFN_EINVALID, "get_file: an inverted range is refused");

    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    check(fd >= 0 && write(fd, "head:", 5) == 5, "a file to append to");
    check(ofn_storage_get_fd(s, NULL, "stream", fd, -1, 3) == OFN_OK && lseek(fd, 0, SEEK_CUR) == 8 &&
              slurp(path, text, sizeof text) == 8 && memcmp(text, "head:789", 8) == 0,
          "get_fd writes the last 3 bytes at the descriptor's position: %s", last_message());
    check(ofn_storage_get_fd(s, NULL, "stream", -1, -1, -1) == OFN_EINVALID, "get_fd: fd -1");
    check(pipe(fds) == 0, "a pipe");
    check(ofn_storage_get_fd(s, NULL, "stream", fds[1], -1, -1) == OFN_OK && read(fds[0], text, sizeof text) == 10 &&
              memcmp(text, "0123456789", 10) == 0,
          "get_fd into a pipe: %s", last_message());

    lseek(fd, 5, SEEK_SET);
    check(ofn_storage_put_fd(s, NULL, "from-fd", fd, "text/plain") == OFN_OK, "put_fd: %s", last_message());
    check(lseek(fd, 0, SEEK_CUR) == 5, "put_fd leaves the descriptor where it was");
    close(fd);
    {
        ofn_buf buf = OFN_BUF_INIT;
        check(ofn_storage_get(&buf, s, NULL, "from-fd", -1, -1) == OFN_OK && buf.size == 3 && memcmp(buf.ptr, "789", 3) == 0,
              "put_fd sends from the descriptor's position to the end");
        ofn_buf_dispose(&buf);
    }
    check(ofn_storage_put_fd(s, NULL, "k", fds[0], NULL) == OFN_EINVALID && strstr(last_message(), "not a regular file") != NULL,
          "put_fd of a pipe is refused: %s", last_message());
    fd = open(path, O_WRONLY);
    check(ofn_storage_put_fd(s, NULL, "k", fd, NULL) == OFN_EINVALID && strstr(last_message(), "reading") != NULL,
          "put_fd of a write-only descriptor is refused: %s", last_message());
    close(fd);
    check(ofn_storage_put_fd(s, NULL, "k", -1, NULL) == OFN_EINVALID, "put_fd: fd -1");
    close(fds[0]);
    close(fds[1]);
    unlink(path);
    rmdir(dir);
}

static void test_functions(ofn_functions *f) {
    ofn_buf buf = OFN_BUF_INIT;
    char *big = calloc(1, (6u << 20) + 1);
    check(ofn_functions_list_applications(&buf, f, NULL) == OFN_OK && strcmp(buf.ptr, "[]") == 0,
          "no applications yet: %s", buf.ptr ? buf.ptr : last_message());
    ofn_buf_dispose(&buf);
    check(ofn_functions_invoke(&buf, f, "ocid1.fnfunc.oc1..missing", "{}", 2) == OFN_ENOTFOUND, "invoking a missing function");
    check(ofn_functions_invoke(&buf, f, "ocid1.fnfunc.oc1..missing", big, (6u << 20) + 1) == OFN_ETOOLARGE &&
              strstr(last_message(), "6 MB") != NULL,
          "a payload over 6 MB is refused: %s", last_message());
    check(ofn_functions_list_functions(&buf, f, NULL) == OFN_EINVALID, "application_id is required");
    free(big);
}

/* A string member of a JSON object, "" when it is missing. */
static const char *member(json_t *object, const char *key) {
    const char *value = json_string_value(json_object_get(object, key));
    return value ? value : "";
}

static void test_deploy(ofn_functions *f) {
    ofn_buf buf = OFN_BUF_INIT;
    char details[512], app_id[256] = "", fn_id[256] = "";
    int32_t emulated = -1;
    json_t *j;

    check(ofn_functions_is_emulator(&emulated, f) == OFN_OK && emulated == 1, "the endpoint is the emulator: %s", last_message());
    check(ofn_functions_is_emulator(NULL, f) == OFN_EINVALID, "is_emulator: out NULL");

    check(ofn_functions_ensure_application(&buf, f, "deploy-app") == OFN_OK, "ensure_application makes it: %s", last_message());
    j = parse(&buf);
    check(j && strcmp(member(j, "displayName"), "deploy-app") == 0 && strcmp(member(j, "lifecycleState"), "ACTIVE") == 0 &&
              strncmp(member(j, "id"), "ocid1.fnapp.", 12) == 0,
          "the application, ACTIVE: %s", buf.ptr ? buf.ptr : "");
    snprintf(app_id, sizeof app_id, "%s", member(j, "id"));
    json_decref(j);
    ofn_buf_dispose(&buf);
    check(ofn_functions_ensure_application(&buf, f, "deploy-app") == OFN_OK && strstr(buf.ptr, app_id) != NULL,
          "ensure_application finds it again: %s", buf.ptr ? buf.ptr : last_message());
    ofn_buf_dispose(&buf);
    j = NULL;
    check(ofn_functions_list_applications(&buf, f, NULL) == OFN_OK && (j = parse(&buf)) != NULL && json_array_size(j) == 1,
          "only one application was made");
    json_decref(j);
    ofn_buf_dispose(&buf);
    check(ofn_functions_ensure_application(&buf, f, NULL) == OFN_EINVALID, "ensure_application: name NULL");

    snprintf(details, sizeof details,
             "{\"applicationId\": \"%s\", \"displayName\": \"deployed\", \"image\": \"oraclefn/echo:1\", \"memoryInMBs\": 128,"
             " \"timeoutInSeconds\": 20, \"config\": {\"GREETING\": \"hi\"}, \"freeformTags\": {\"kind\": \"test\"}}",
             app_id);
    check(ofn_functions_deploy_function(&buf, f, details) == OFN_OK, "deploy_function creates it: %s", last_message());
    j = parse(&buf);
    check(j && strcmp(member(j, "displayName"), "deployed") == 0 && strcmp(member(j, "image"), "oraclefn/echo:1") == 0 &&
              strcmp(member(j, "lifecycleState"), "ACTIVE") == 0 &&
              strcmp(member(json_object_get(j, "config"), "GREETING"), "hi") == 0 &&
              json_integer_value(json_object_get(j, "timeoutInSeconds")) == 20,
          "the function, ACTIVE, with its config: %s", buf.ptr ? buf.ptr : "");
    snprintf(fn_id, sizeof fn_id, "%s", member(j, "id"));
    json_decref(j);
    ofn_buf_dispose(&buf);

    snprintf(details, sizeof details,
             "{\"applicationId\": \"%s\", \"displayName\": \"deployed\", \"image\": \"oraclefn/echo:2\", \"memoryInMBs\": 256}",
             app_id);
    check(ofn_functions_deploy_function(&buf, f, details) == OFN_OK, "deploy_function updates it: %s", last_message());
    j = parse(&buf);
    check(j && strcmp(member(j, "id"), fn_id) == 0 && strcmp(member(j, "image"), "oraclefn/echo:2") == 0 &&
              json_integer_value(json_object_get(j, "memoryInMBs")) == 256 &&
              strcmp(member(json_object_get(j, "config"), "GREETING"), "hi") == 0,
          "the same function with the new image and memory, its config kept: %s", buf.ptr ? buf.ptr : "");
    json_decref(j);
    ofn_buf_dispose(&buf);
    check(ofn_functions_invoke(&buf, f, fn_id, "ping", 4) == OFN_OK && buf.size == 4 && memcmp(buf.ptr, "ping", 4) == 0,
          "the deployed function answers: %s", last_message());
    ofn_buf_dispose(&buf);

    check(ofn_functions_deploy_function(&buf, f, "{\"displayName\": \"x\"}") == OFN_EINVALID &&
              strstr(last_message(), "applicationId") != NULL,
          "details without an application are refused: %s", last_message());
    check(ofn_functions_deploy_function(&buf, f, "not json") == OFN_EINVALID, "details that are not JSON are refused");
    snprintf(details, sizeof details,
             "{\"applicationId\": \"%s\", \"displayName\": \"odd\", \"image\": \"oraclefn/echo\", \"memoryInMBs\": 100}", app_id);
    check(ofn_functions_deploy_function(&buf, f, details) == OFN_ESERVICE && ofn_error_last()->http_status == 400,
          "a memory the service refuses: %s", last_message());
    check(buf.ptr == NULL, "no output after an error");
}

static void test_namespace(ofn_storage *s) {
    ofn_buf buf = OFN_BUF_INIT;
    check(ofn_storage_namespace(&buf, s) == OFN_OK && strcmp(buf.ptr, "oraclefn") == 0,
          "the emulator's namespace: %s", buf.ptr ? buf.ptr : last_message());
    ofn_buf_dispose(&buf);
    check(ofn_storage_namespace(NULL, s) == OFN_EINVALID, "namespace: out NULL");
}

static void test_bad_arguments(ofn_config *config, ofn_session *session) {
    ofn_storage *s = NULL;
    ofn_buf buf = OFN_BUF_INIT;
    ofn_session *other = NULL;
    check(ofn_session_new(NULL, config) == OFN_EINVALID, "session: out NULL");
    check(ofn_session_new(&other, NULL) == OFN_EINVALID && other == NULL, "session: config NULL");
    check(ofn_session_new(&other, (ofn_config *)(void *)session) == OFN_EINVALID && other == NULL
              && strstr(last_message(), "another kind"), "session: a session is not a config: %s", last_message());
    ofn_session_free(NULL);
    check(ofn_storage_new(NULL, session) == OFN_EINVALID, "out NULL");
    check(ofn_storage_new(&s, NULL) == OFN_EINVALID && s == NULL, "session NULL");
    check(ofn_storage_new(&s, (ofn_session *)(void *)config) == OFN_EINVALID && s == NULL && strstr(last_message(), "another kind"),
          "a config handle is not a session: %s", last_message());
    check(ofn_storage_put(NULL, "b", "k", "x", 1, NULL) == OFN_EINVALID, "storage NULL");
    check(ofn_storage_new(&s, session) == OFN_OK, "a storage handle");
    check(ofn_storage_put(s, "b", NULL, "x", 1, NULL) == OFN_EINVALID, "key NULL");
    check(ofn_storage_put(s, "b", "k", NULL, 5, NULL) == OFN_EINVALID, "data NULL with a size");
    check(ofn_storage_put(s, "b", "k", "x", -1, NULL) == OFN_EINVALID, "negative size");
    check(ofn_storage_get(NULL, s, "b", "k", -1, -1) == OFN_EINVALID, "out NULL");
    check(ofn_storage_list(&buf, (ofn_storage *)(void *)config, "b", NULL, NULL) == OFN_EINVALID && strstr(last_message(), "another kind"),
          "a config handle is not a storage handle: %s", last_message());
    ofn_storage_free(s);
    check(ofn_storage_put(s, "b", "k", "x", 1, NULL) == OFN_EINVALID && strstr(last_message(), "freed"),
          "a freed handle is refused: %s", last_message());
    ofn_storage_free(NULL);
    ofn_functions_free(NULL);
}

int main(int argc, char **argv) {
    char url[128], overrides[512];
    char *fixtures, config_path[4096];
    ofn_config *config = NULL;
    ofn_session *session = NULL;
    ofn_storage *storage = NULL;
    ofn_functions *functions = NULL;
    pid_t emulator;
    if (argc != 3) {
        fprintf(stderr, "usage: %s FIXTURES_DIR ORACLEFN_CLI\n", argv[0]);
        return 2;
    }
    fixtures = realpath(argv[1], NULL);
    if (!fixtures) { perror(argv[1]); return 2; }
    snprintf(config_path, sizeof config_path, "%s/config/valid.yaml", fixtures);
    emulator = start_emulator(argv[2], config_path, url, sizeof url);
    if (emulator < 0) { fprintf(stderr, "could not start %s emulator\n", argv[2]); return 2; }

    snprintf(overrides, sizeof overrides, "{\"oracle_f\": {\"endpoint\": \"%s\"}, \"oracle_oss\": {\"endpoint\": \"%s\"}}", url, url);
    check(ofn_config_load(&config, config_path, overrides) == OFN_OK, "load the configuration: %s", last_message());
    if (config) check(ofn_session_new(&session, config) == OFN_OK, "ofn_session_new: %s", last_message());
    if (session) {
        check(ofn_storage_new(&storage, session) == OFN_OK, "ofn_storage_new: %s", last_message());
        check(ofn_functions_new(&functions, session) == OFN_OK, "ofn_functions_new: %s", last_message());
        if (storage) {
            test_storage(storage);
            test_put_file(storage);
            test_streams(storage);
            test_namespace(storage);
        }
        if (functions) {
            test_functions(functions);
            test_deploy(functions);
        }
        test_bad_arguments(config, session);
    }
    ofn_functions_free(functions);
    ofn_storage_free(storage);
    ofn_session_free(session);
    ofn_config_free(config);
    free(fixtures);
    kill(emulator, SIGTERM);
    waitpid(emulator, NULL, 0);
    return report();
}
