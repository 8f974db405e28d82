/*
 * WeCom/WeChat callback security ("WXBizMsgCrypt"): the SHA-1 signature
 * over sorted strings, and AES-256-CBC messages framed as
 *   16 random bytes | 4-byte big-endian length | message | receive id
 * with PKCS#7 padding to 32-byte blocks, key = base64(EncodingAESKey+"="),
 * IV = the key's first 16 bytes. Every check a forged or damaged message
 * could fail is made, and each has its own error.
 */
#ifndef KF_WXCRYPT_H
#define KF_WXCRYPT_H

#include <stddef.h>

#define WXC_KEY_LEN		32
#define WXC_AES_KEY_CHARS	43	/* EncodingAESKey, base64 without '=' */
#define WXC_MAX_B64		(256 * 1024)	/* larger inputs are refused */

enum wxc_err {
	WXC_OK,
	WXC_BAD_KEY,		/* EncodingAESKey not 43 base64 chars */
	WXC_BAD_SIGNATURE,
	WXC_BAD_BASE64,
	WXC_TOO_LARGE,
	WXC_BAD_LENGTH,		/* ciphertext not whole blocks, or framing */
	WXC_BAD_PADDING,
	WXC_BAD_RECEIVE_ID,
	WXC_CRYPTO,		/* the cipher library failed */
};

struct wxc {
	unsigned char	 key[WXC_KEY_LEN];
	char		 token[128];
	char		 receive_id[128];
};

/* Check and keep the three callback settings. */
enum wxc_err	 wxc_init(struct wxc *, const char *token,
		    const char *encoding_aes_key, const char *receive_id);
/* sha1 hex of the sorted concatenation of token, timestamp, nonce, data. */
void		 wxc_signature(const char *token, const char *timestamp,
		    const char *nonce, const char *data, char out[41]);
/* Constant-time check of a signature (hex, either case). */
enum wxc_err	 wxc_verify(const struct wxc *, const char *signature,
		    const char *timestamp, const char *nonce, const char *data);
/*
 * Decrypt a base64 message. On WXC_OK *out is a malloc'd, NUL-terminated
 * copy of the message (the caller frees it) and *outlen its length.
 */
enum wxc_err	 wxc_decrypt(const struct wxc *, const char *b64,
		    char **out, size_t *outlen);
/*
 * Encrypt msg with the given 16 random bytes (tests and replies). *out
 * is malloc'd base64, NUL-terminated.
 */
enum wxc_err	 wxc_encrypt(const struct wxc *, const unsigned char rnd[16],
		    const char *msg, size_t len, char **out);
const char	*wxc_strerror(enum wxc_err);

#endif
