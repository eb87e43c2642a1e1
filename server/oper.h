/*
 * oper: who may become a server operator, and the checks on the way. The entries are the
 * settings' "NAME:HASH" strings (--oper), HASH a crypt(3) string (yescrypt "$y$" or
 * SHA-512 "$6$"), given again after every reload. A password is checked with passwd.c's
 * pw_verify (crypt_r, compared in constant time); a name with no entry costs the same
 * hashing, so the time taken does not tell which names exist.
 *
 * Failed attempts are counted per address (see OPER_FAIL_* in limits.h): past the burst an
 * attempt is refused before any hashing, so a guesser gets a few tries a minute and cannot
 * hold the single-threaded server busy hashing either.
 *
 * No I/O and no connections here: the caller logs, replies and sets the user mode.
 */
#ifndef LANCHAT_OPER_H
#define LANCHAT_OPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The entries in force, as "NAME:HASH" (already checked); the strings must outlive the next call. */
void oper_configure(const char *const *entries, int n);
/* Is any operator configured? */
bool oper_any(void);

enum oper_result {
	OPER_OK,    /* name and password match an entry */
	OPER_WRONG, /* no such name, or the wrong password (counted as a failure) */
	OPER_WAIT,  /* too many failures from host: not checked; *wait_ms says for how long */
};

/* Checks name and password for a client at host (its address) at time now_ms. */
enum oper_result oper_check(
    const char *host, const char *name, const char *password, int64_t now_ms, int64_t *wait_ms);
/* Forgets every failure counted (a reload does not; tests and the fuzzer do). */
void oper_forget_failures(void);

/*
 * Is hash a complete crypt(3) hash of a kind OPER accepts (yescrypt or SHA-512)? why gets
 * the reason when it is not. Pure: no hashing.
 */
bool oper_valid_hash(const char *hash, char *why, size_t wcap);

#endif
