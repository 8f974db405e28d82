/*
 * Operator passwords: Argon2id through libsodium's crypto_pwhash_str, the
 * hash string (algorithm, parameters, salt) stored as it comes. kfctl
 * sets passwords; the admin program only verifies them.
 */
#ifndef KF_PWHASH_H
#define KF_PWHASH_H

#include <stddef.h>

#define PWHASH_LEN	128	/* crypto_pwhash_STRBYTES */
#define PWHASH_MIN	10	/* shortest acceptable password, characters */
#define PWHASH_MAX	256	/* longest, bytes: bounds the hashing work */

enum pwhash_rc {
	PWHASH_OK,
	PWHASH_MISMATCH,
	PWHASH_OK_REHASH,	/* right, but hashed with older parameters */
};

/* libsodium's own setup; 0, or -1 when it cannot run (no entropy). */
int		 pwhash_init(void);
/* NULL when pw is acceptable, else why not (English, for kfctl). */
const char	*pwhash_policy(const char *pw);
/* Hash pw into out (NUL-terminated). 0, or -1 out of memory. */
int		 pwhash_make(const char *pw, char out[PWHASH_LEN]);
enum pwhash_rc	 pwhash_verify(const char *hash, const char *pw);
/*
 * Spend the time of one verification for a user that does not exist, so
 * response time does not tell which usernames do.
 */
void		 pwhash_dummy(const char *pw);
/*
 * A new password for an operator (kfctl --generate, the page's add and
 * reset): PWHASH_GEN characters from an unambiguous alphabet (~115 bits),
 * NUL-terminated. out holds at least PWHASH_GEN + 1 bytes.
 */
#define PWHASH_GEN	20
void		 pwhash_generate(char *out);

#endif
