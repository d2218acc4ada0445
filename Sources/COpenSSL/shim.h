/* OpenSSL headers plus wrappers for the macros Swift cannot import. */
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/objects.h>
#include <openssl/crypto.h>
#include <openssl/x509v3.h>

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

/* An RSA public key from its modulus and public exponent, unsigned big-endian (a JWK's n and e);
 * NULL when OpenSSL refuses them. EVP_PKEY_PUBLIC_KEY is a macro Swift cannot import. */
static inline EVP_PKEY *ofn_rsa_public_from_components(const unsigned char *n, int n_length,
                                                       const unsigned char *e, int e_length) {
    EVP_PKEY *key = NULL;
    OSSL_PARAM *params = NULL;
    BIGNUM *modulus = BN_bin2bn(n, n_length, NULL);
    BIGNUM *exponent = BN_bin2bn(e, e_length, NULL);
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (modulus != NULL && exponent != NULL && builder != NULL && context != NULL
        && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, modulus) == 1
        && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, exponent) == 1
        && (params = OSSL_PARAM_BLD_to_param(builder)) != NULL
        && EVP_PKEY_fromdata_init(context) == 1
        && EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        key = NULL;
    }
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(builder);
    EVP_PKEY_CTX_free(context);
    BN_free(modulus);
    BN_free(exponent);
    return key;
}

/* One big-number parameter of a key ("n", "e") as unsigned big-endian bytes into out (NULL: only the
 * length); returns the length, or -1. */
static inline int ofn_pkey_bn_param(const EVP_PKEY *key, const char *name, unsigned char *out) {
    BIGNUM *value = NULL;
    if (EVP_PKEY_get_bn_param(key, name, &value) != 1) return -1;
    int length = BN_num_bytes(value);
    if (out != NULL) length = BN_bn2bin(value, out);
    BN_free(value);
    return length;
}
