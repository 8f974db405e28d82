#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "util.h"
#include "wxcrypt.h"

#define BLOCK	32	/* WeCom pads to 32 bytes, not AES's 16 */

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const char *
wxc_strerror(enum wxc_err e)
{
	static const char *const msgs[] = {
		"ok", "bad EncodingAESKey", "bad signature", "bad base64",
		"message too large", "bad length", "bad padding",
		"wrong receive id", "cipher failure",
	};

	return (unsigned)e < sizeof(msgs) / sizeof(msgs[0]) ? msgs[e] : "?";
}

static int
b64val(char c)
{
	const char	*p = c != '\0' ? strchr(b64chars, c) : NULL;

	return p != NULL ? (int)(p - b64chars) : -1;
}

/*
 * Strict base64: only the alphabet, '=' only as final padding, a length
 * that is a multiple of 4. Returns the decoded length or -1.
 */
static long
b64_decode(const char *in, size_t n, unsigned char *out)
{
	size_t	 i, o = 0, pad = 0;
	int	 v[4], k;

	if (n % 4 != 0)
		return -1;
	if (n > 0 && in[n - 1] == '=')
		pad++;
	if (n > 1 && in[n - 2] == '=')
		pad++;
	for (i = 0; i < n; i += 4) {
		for (k = 0; k < 4; k++) {
			if (i + k >= n - pad) {
				v[k] = 0;
				continue;
			}
			if ((v[k] = b64val(in[i + k])) < 0)
				return -1;
		}
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		out[o++] = (unsigned char)(v[1] << 4 | v[2] >> 2);
		out[o++] = (unsigned char)(v[2] << 6 | v[3]);
	}
	return (long)(o - pad);
}

static char *
b64_encode(const unsigned char *in, size_t n)
{
	char	*out = xmalloc((n + 2) / 3 * 4 + 1), *p = out;
	size_t	 i;
	unsigned v;

	for (i = 0; i < n; i += 3) {
		v = (unsigned)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		*p++ = b64chars[v >> 18 & 63];
		*p++ = b64chars[v >> 12 & 63];
		*p++ = i + 1 < n ? b64chars[v >> 6 & 63] : '=';
		*p++ = i + 2 < n ? b64chars[v & 63] : '=';
	}
	*p = '\0';
	return out;
}

enum wxc_err
wxc_init(struct wxc *c, const char *token, const char *aes_key,
    const char *receive_id)
{
	char	 padded[WXC_AES_KEY_CHARS + 2];

	memset(c, 0, sizeof(*c));
	if (aes_key == NULL || strlen(aes_key) != WXC_AES_KEY_CHARS ||
	    token == NULL || strlen(token) >= sizeof(c->token) ||
	    receive_id == NULL || strlen(receive_id) >= sizeof(c->receive_id))
		return WXC_BAD_KEY;
	snprintf(padded, sizeof(padded), "%s=", aes_key);
	if (b64_decode(padded, WXC_AES_KEY_CHARS + 1, c->key) != WXC_KEY_LEN)
		return WXC_BAD_KEY;
	snprintf(c->token, sizeof(c->token), "%s", token);
	snprintf(c->receive_id, sizeof(c->receive_id), "%s", receive_id);
	return WXC_OK;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
wxc_signature(const char *token, const char *timestamp, const char *nonce,
    const char *data, char out[41])
{
	const char	*parts[4] = { token, timestamp, nonce, data };
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned	 mdlen = 0;
	EVP_MD_CTX	*ctx;
	int		 i, ok;

	/* strcmp compares bytes as unsigned char: the byte-wise sort. */
	qsort(parts, 4, sizeof(parts[0]), cmp_str);
	ok = (ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1;
	for (i = 0; ok && i < 4; i++)
		ok = EVP_DigestUpdate(ctx, parts[i], strlen(parts[i])) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 20;
	EVP_MD_CTX_free(ctx);
	/* A digest failure yields a signature nothing can match. */
	for (i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", ok ? md[i] : 0);
	if (!ok)
		out[0] = 'x';
}

enum wxc_err
wxc_verify(const struct wxc *c, const char *sig, const char *timestamp,
    const char *nonce, const char *data)
{
	char	 want[41], got[41];
	size_t	 i;

	if (sig == NULL || timestamp == NULL || nonce == NULL || data == NULL ||
	    strlen(sig) != 40)
		return WXC_BAD_SIGNATURE;
	for (i = 0; i < 40; i++)
		got[i] = (char)(sig[i] >= 'A' && sig[i] <= 'F' ?
		    sig[i] - 'A' + 'a' : sig[i]);
	got[40] = '\0';
	wxc_signature(c->token, timestamp, nonce, data, want);
	return CRYPTO_memcmp(want, got, 40) == 0 ? WXC_OK : WXC_BAD_SIGNATURE;
}

/* AES-256-CBC without the cipher's own padding; 0 on success. */
static int
aes(const struct wxc *c, int enc, const unsigned char *in, size_t n,
    unsigned char *out)
{
	EVP_CIPHER_CTX	*ctx;
	int		 len = 0, fin = 0, ok;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_CipherInit_ex(ctx, EVP_aes_256_cbc(), NULL, c->key, c->key,
	    enc) == 1 && EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	    EVP_CipherUpdate(ctx, out, &len, in, (int)n) == 1 &&
	    EVP_CipherFinal_ex(ctx, out + len, &fin) == 1 &&
	    (size_t)(len + fin) == n;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

enum wxc_err
wxc_decrypt(const struct wxc *c, const char *b64, char **out, size_t *outlen)
{
	size_t		 n = strlen(b64), rid = strlen(c->receive_id), pad;
	unsigned char	*ct = NULL, *pt = NULL;
	uint32_t	 mlen;
	long		 ctlen;
	enum wxc_err	 rc;
	size_t		 i;

	*out = NULL;
	*outlen = 0;
	if (n > WXC_MAX_B64)
		return WXC_TOO_LARGE;
	ct = xmalloc(n / 4 * 3 + 1);
	if ((ctlen = b64_decode(b64, n, ct)) < 0) {
		rc = WXC_BAD_BASE64;
		goto done;
	}
	if (ctlen == 0 || ctlen % 16 != 0) {
		rc = WXC_BAD_LENGTH;
		goto done;
	}
	pt = xmalloc((size_t)ctlen + 1);
	if (aes(c, 0, ct, (size_t)ctlen, pt) != 0) {
		rc = WXC_CRYPTO;
		goto done;
	}
	/* PKCS#7 to 32-byte blocks: 1..32 bytes, all of the same value. */
	pad = pt[ctlen - 1];
	if (pad < 1 || pad > BLOCK || pad > (size_t)ctlen) {
		rc = WXC_BAD_PADDING;
		goto done;
	}
	for (i = 0; i < pad; i++)
		if (pt[(size_t)ctlen - 1 - i] != pad) {
			rc = WXC_BAD_PADDING;
			goto done;
		}
	n = (size_t)ctlen - pad;	/* random | length | msg | receive id */
	if (n < 20) {
		rc = WXC_BAD_LENGTH;
		goto done;
	}
	mlen = (uint32_t)pt[16] << 24 | (uint32_t)pt[17] << 16 |
	    (uint32_t)pt[18] << 8 | pt[19];
	if (mlen > n - 20 || n - 20 - mlen != rid) {
		rc = mlen > n - 20 ? WXC_BAD_LENGTH : WXC_BAD_RECEIVE_ID;
		goto done;
	}
	if (memcmp(pt + 20 + mlen, c->receive_id, rid) != 0) {
		rc = WXC_BAD_RECEIVE_ID;
		goto done;
	}
	*out = xmalloc(mlen + 1);
	memcpy(*out, pt + 20, mlen);
	(*out)[mlen] = '\0';
	*outlen = mlen;
	rc = WXC_OK;
done:
	free(ct);
	free(pt);
	return rc;
}

enum wxc_err
wxc_encrypt(const struct wxc *c, const unsigned char rnd[16], const char *msg,
    size_t len, char **out)
{
	size_t		 rid = strlen(c->receive_id), n = 20 + len + rid, pad;
	unsigned char	*pt, *ct;

	*out = NULL;
	if (len > WXC_MAX_B64)
		return WXC_TOO_LARGE;
	pad = BLOCK - n % BLOCK;
	pt = xmalloc(n + pad);
	ct = xmalloc(n + pad);
	memcpy(pt, rnd, 16);
	pt[16] = (unsigned char)(len >> 24);
	pt[17] = (unsigned char)(len >> 16);
	pt[18] = (unsigned char)(len >> 8);
	pt[19] = (unsigned char)len;
	memcpy(pt + 20, msg, len);
	memcpy(pt + 20 + len, c->receive_id, rid);
	memset(pt + n, (int)pad, pad);
	if (aes(c, 1, pt, n + pad, ct) != 0) {
		free(pt);
		free(ct);
		return WXC_CRYPTO;
	}
	*out = b64_encode(ct, n + pad);
	free(pt);
	free(ct);
	return WXC_OK;
}
