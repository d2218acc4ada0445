/* OpenSSL headers plus wrappers for the macros Swift cannot import. */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

static inline long ofn_bio_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }
static inline EVP_PKEY *ofn_rsa_generate(unsigned int bits) { return EVP_RSA_gen(bits); }
