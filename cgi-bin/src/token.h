/*
 * Customer tokens: proof, signed by the business's own server, of who is
 * tapping. A client cannot be trusted to say it is a VIP.
 *
 *   <customer key>.<unix expiry>.<hex HMAC-SHA256(secret, "key.expiry")>
 */
#ifndef KF_TOKEN_H
#define KF_TOKEN_H

#include <stddef.h>
#include <time.h>

#define TOKEN_KEY_MAX	64
/* A minted token's length at most: key, 11-digit expiry, MAC, two dots. */
#define TOKEN_MAX	(TOKEN_KEY_MAX + 1 + 11 + 1 + 64)

enum token_rc {
	TOKEN_OK,
	TOKEN_MALFORMED,	/* not of the form above: a client bug */
	TOKEN_EXPIRED,
	TOKEN_BAD_SIGNATURE,
	TOKEN_NO_SECRET,	/* no secret configured: nobody verifies */
};

/* Check a token; on TOKEN_OK key holds the customer key (NUL-ended). */
enum token_rc	 token_verify(const char *secret, const char *token,
		    time_t now, char key[TOKEN_KEY_MAX + 1]);
/* HMAC-SHA256 of data[0..n) under key (NUL-ended): tokens' and
 * tickets' signature. -1 on failure. */
#define TOKEN_HMAC_LEN	32
int		 token_hmac(const char *key, const char *data, size_t n,
		    unsigned char md[TOKEN_HMAC_LEN]);
/* Mint a token into out; -1 for a bad key or a short buffer. */
int		 token_mint(const char *secret, const char *key, time_t expiry,
		    char *out, size_t len);

#endif
