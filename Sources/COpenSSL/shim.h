/* OpenSSL headers plus wrappers for the macros Swift cannot import. */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/objects.h>
#include <openssl/crypto.h>

static inline long ofn_bio_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }
static inline EVP_PKEY *ofn_rsa_generate(unsigned int bits) { return EVP_RSA_gen(bits); }
/* OPENSSL_free is a macro (it passes file and line to CRYPTO_free). */
static inline void ofn_openssl_free(void *p) { OPENSSL_free(p); }

/* Initialises OpenSSL without its exit-time cleanup: the library's threads may
 * still be signing while the host process exits, and a cleanup racing them
 * crashes the host. Must run before anything else initialises OpenSSL. */
static inline int ofn_openssl_init_no_atexit(void) {
    return OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_ADD_ALL_CIPHERS | OPENSSL_INIT_ADD_ALL_DIGESTS, NULL);
}
