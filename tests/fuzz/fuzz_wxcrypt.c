/*
 * WeCom callback crypto (wxcrypt.c) with a fixed key, token and receive
 * id (those of tests/unit/wxcrypt_vectors.h). The first byte picks what
 * the rest is:
 *   0  a base64 message for wxc_decrypt() (as a C string)
 *   1  raw ciphertext, base64-encoded here, for wxc_decrypt()
 *   2  a plaintext for wxc_encrypt(), then wxc_decrypt()
 *   3  timestamp NUL nonce NUL data for wxc_signature() / wxc_verify()
 *   4  an EncodingAESKey for wxc_init()
 *
 * Invariants: a decrypted message is NUL-terminated, no longer than the
 * ciphertext allows, and encrypts back to something that decrypts to it;
 * encrypt then decrypt is the identity, the base64 strict and padded; a
 * signature is 40 lowercase hex digits, does not depend on the order of
 * its parts, verifies in either case and fails with any digit changed;
 * a key wxc_init() takes is 43 base64 characters.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "check.h"
#include "wxcrypt.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define TOKEN		"kfrouteTok3n"
#define AES_KEY		"BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY"
#define RECEIVE_ID	"ww1234567890abcdef"
#define RND		"defghijklmnopqrs"

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static struct wxc	 crypt_;

static void
check_decrypt(const char *b64)
{
	char		*out, *again, *back;
	size_t		 len, len2;
	enum wxc_err	 rc = wxc_decrypt(&crypt_, b64, &out, &len);

	CHECK(wxc_strerror(rc) != NULL);
	if (rc != WXC_OK) {
		CHECK(out == NULL && len == 0);
		return;
	}
	CHECK(out != NULL && out[len] == '\0');
	CHECK(len + 20 + strlen(RECEIVE_ID) <= strlen(b64) / 4 * 3);
	CHECK(wxc_encrypt(&crypt_, (const unsigned char *)RND, out, len,
	    &again) == WXC_OK);
	CHECK(wxc_decrypt(&crypt_, again, &back, &len2) == WXC_OK);
	CHECK(len2 == len && memcmp(back, out, len) == 0);
	free(back);
	free(again);
	free(out);
}

static void
check_encrypt(const char *msg, size_t n)
{
	char	*b64, *out;
	size_t	 len, i, blen;

	if (wxc_encrypt(&crypt_, (const unsigned char *)RND, msg, n, &b64) !=
	    WXC_OK) {
		CHECK(n > WXC_MAX_B64);
		return;
	}
	blen = strlen(b64);
	CHECK(blen % 4 == 0 && blen >= 4);
	for (i = 0; i < blen; i++)
		CHECK(strchr(b64chars, b64[i]) != NULL ||
		    (b64[i] == '=' && i >= blen - 2));
	if (blen > WXC_MAX_B64) {	/* refused on the way in */
		free(b64);
		return;
	}
	CHECK(wxc_decrypt(&crypt_, b64, &out, &len) == WXC_OK);
	CHECK(len == n && memcmp(out, msg, n) == 0);
	free(out);
	free(b64);
}

static void
check_signature(const char *ts, const char *nonce, const char *data)
{
	char	 sig[41], swapped[41], other[41];
	size_t	 i;

	wxc_signature(TOKEN, ts, nonce, data, sig);
	CHECK(strlen(sig) == 40);
	for (i = 0; i < 40; i++)
		CHECK((sig[i] >= '0' && sig[i] <= '9') ||
		    (sig[i] >= 'a' && sig[i] <= 'f'));
	wxc_signature(TOKEN, data, ts, nonce, swapped);
	CHECK(strcmp(sig, swapped) == 0);
	CHECK(wxc_verify(&crypt_, sig, ts, nonce, data) == WXC_OK);
	memcpy(other, sig, sizeof(other));
	for (i = 0; i < 40; i++)
		if (other[i] >= 'a')
			other[i] = (char)(other[i] - 'a' + 'A');
	CHECK(wxc_verify(&crypt_, other, ts, nonce, data) == WXC_OK);
	memcpy(other, sig, sizeof(other));
	i = strlen(data) % 40;
	other[i] = other[i] == '0' ? '1' : '0';
	CHECK(wxc_verify(&crypt_, other, ts, nonce, data) ==
	    WXC_BAD_SIGNATURE);
}

static void
check_key(const char *key)
{
	struct wxc	 c;
	size_t		 i;

	if (wxc_init(&c, TOKEN, key, RECEIVE_ID) != WXC_OK)
		return;
	CHECK(strlen(key) == WXC_AES_KEY_CHARS);
	for (i = 0; i < WXC_AES_KEY_CHARS; i++)
		CHECK(strchr(b64chars, key[i]) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct split	 sp;
	unsigned char	*b64;
	char		*s;

	if (size == 0)
		return 0;
	if (crypt_.token[0] == '\0' &&
	    wxc_init(&crypt_, TOKEN, AES_KEY, RECEIVE_ID) != WXC_OK)
		abort();
	switch (data[0] % 5) {
	case 0:
		s = fuzz_str(data + 1, size - 1);
		check_decrypt(s);
		free(s);
		break;
	case 1:
		b64 = malloc((size - 1 + 2) / 3 * 4 + 1);
		CHECK(b64 != NULL);
		EVP_EncodeBlock(b64, data + 1, (int)(size - 1));
		check_decrypt((const char *)b64);
		free(b64);
		break;
	case 2:
		s = fuzz_dup(data + 1, size - 1);
		check_encrypt(s, size - 1);
		free(s);
		break;
	case 3:
		fuzz_split(data + 1, size - 1, 3, &sp);
		check_signature(sp.s[0], sp.n > 1 ? sp.s[1] : "",
		    sp.n > 2 ? sp.s[2] : "");
		fuzz_split_free(&sp);
		break;
	default:
		s = fuzz_str(data + 1, size - 1);
		check_key(s);
		free(s);
		break;
	}
	return 0;
}
