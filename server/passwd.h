/*
 * passwd: password hashes, through libxcrypt: yescrypt with a fresh random salt
 * (crypt_gensalt_rn) to make one, crypt_r and a constant-time comparison to check one.
 * No password is kept or logged here; the caller wipes its copy.
 */
#ifndef LANCHAT_PASSWD_H
#define LANCHAT_PASSWD_H

#include <stdbool.h>
#include <stddef.h>

/* Hashes password into out (PASSWORD_HASH_MAX bytes is enough). 0, or -1. */
int pw_hash(const char *password, char *out, size_t cap);
/* Does password match hash (a crypt(3) string)? False for a malformed hash. */
bool pw_verify(const char *password, const char *hash);

#endif
