/*
 * WeCom callback crypto against the official sample vector and vectors
 * from an independent implementation (tests/vectors/gen_wxcrypt.py), and
 * every kind of damaged input, each refused with its own error.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "wxcrypt.h"
#include "wxcrypt_vectors.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static void
test_official_sample(void **state)
{
	struct wxc	 c;
	char		 sig[41], *out;
	size_t		 len;
	const char	*echostr = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1"
	    "DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";

	(void)state;
	assert_int_equal(wxc_init(&c, "QDG6eK",
	    "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
	    "wx5823bf96d3bd56c7"), WXC_OK);
	wxc_signature("QDG6eK", "1409659589", "263014780", echostr, sig);
	assert_string_equal(sig, "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3");
	assert_int_equal(wxc_verify(&c,
	    "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "1409659589",
	    "263014780", echostr), WXC_OK);
	assert_int_equal(wxc_decrypt(&c, echostr, &out, &len), WXC_OK);
	assert_string_equal(out, "1616140317555161061");
	assert_int_equal(len, 19);
	free(out);
}

static void
test_independent_vectors(void **state)
{
	struct wxc	 c;
	char		*out, *b64;
	size_t		 len, i;

	(void)state;
	assert_int_equal(wxc_init(&c, VEC_TOKEN, VEC_AES_KEY, VEC_RECEIVE_ID),
	    WXC_OK);
	for (i = 0; i < N(good_vecs); i++) {
		const struct good_vec *v = &good_vecs[i];

		assert_int_equal(wxc_decrypt(&c, v->b64, &out, &len), WXC_OK);
		assert_int_equal(len, v->len);
		assert_memory_equal(out, v->msg, v->len);
		free(out);
		/* Our encryption matches theirs byte for byte. */
		assert_int_equal(wxc_encrypt(&c, (const unsigned char *)VEC_RND,
		    v->msg, v->len, &b64), WXC_OK);
		assert_string_equal(b64, v->b64);
		free(b64);
		assert_int_equal(wxc_verify(&c, v->sig, v->ts, v->nonce,
		    v->b64), WXC_OK);
	}
}

static void
test_signature_tampering(void **state)
{
	struct wxc		 c;
	const struct good_vec	*v = &good_vecs[4];
	char			 sig[41];

	(void)state;
	wxc_init(&c, VEC_TOKEN, VEC_AES_KEY, VEC_RECEIVE_ID);
	/* Hex case does not matter. */
	for (size_t i = 0; i < 41; i++)
		sig[i] = (char)(v->sig[i] >= 'a' && v->sig[i] <= 'f' ?
		    v->sig[i] - 'a' + 'A' : v->sig[i]);
	assert_int_equal(wxc_verify(&c, sig, v->ts, v->nonce, v->b64), WXC_OK);
	/* One digit off, anywhere. */
	for (size_t i = 0; i < 40; i++) {
		memcpy(sig, v->sig, 41);
		sig[i] = sig[i] == '0' ? '1' : '0';
		assert_int_equal(wxc_verify(&c, sig, v->ts, v->nonce, v->b64),
		    WXC_BAD_SIGNATURE);
	}
	/* Any signed part changed. */
	assert_int_equal(wxc_verify(&c, v->sig, "1795399299", v->nonce,
	    v->b64), WXC_BAD_SIGNATURE);
	assert_int_equal(wxc_verify(&c, v->sig, v->ts, "other", v->b64),
	    WXC_BAD_SIGNATURE);
	assert_int_equal(wxc_verify(&c, v->sig, v->ts, v->nonce,
	    good_vecs[3].b64), WXC_BAD_SIGNATURE);
	/* Shapes that are no signature at all. */
	assert_int_equal(wxc_verify(&c, "", v->ts, v->nonce, v->b64),
	    WXC_BAD_SIGNATURE);
	assert_int_equal(wxc_verify(&c, "abc", v->ts, v->nonce, v->b64),
	    WXC_BAD_SIGNATURE);
	assert_int_equal(wxc_verify(&c, NULL, v->ts, v->nonce, v->b64),
	    WXC_BAD_SIGNATURE);
	assert_int_equal(wxc_verify(&c, v->sig, NULL, v->nonce, v->b64),
	    WXC_BAD_SIGNATURE);
	/* Another token signs differently. */
	wxc_init(&c, "another", VEC_AES_KEY, VEC_RECEIVE_ID);
	assert_int_equal(wxc_verify(&c, v->sig, v->ts, v->nonce, v->b64),
	    WXC_BAD_SIGNATURE);
}

static void
test_bad_vectors(void **state)
{
	struct wxc	 c;
	char		*out;
	size_t		 len;

	(void)state;
	wxc_init(&c, VEC_TOKEN, VEC_AES_KEY, VEC_RECEIVE_ID);
	for (size_t i = 0; i < N(bad_vecs); i++) {
		enum wxc_err e = wxc_decrypt(&c, bad_vecs[i].b64, &out, &len);

		if (e != bad_vecs[i].err)
			fail_msg("%s: got %s, want %s", bad_vecs[i].name,
			    wxc_strerror(e), wxc_strerror(bad_vecs[i].err));
		assert_null(out);
		assert_int_equal(len, 0);
	}
	/* A message for another receive id is refused (the sample's). */
	assert_int_equal(wxc_init(&c, "QDG6eK",
	    "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx0000000000000000"),
	    WXC_OK);
	assert_int_equal(wxc_decrypt(&c, "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4"
	    "yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==", &out, &len),
	    WXC_BAD_RECEIVE_ID);
}

static void
test_truncated_and_flipped(void **state)
{
	struct wxc	 c;
	char		 buf[8192], *out;
	size_t		 len, n;
	const char	*good = good_vecs[4].b64;

	(void)state;
	wxc_init(&c, VEC_TOKEN, VEC_AES_KEY, VEC_RECEIVE_ID);
	n = strlen(good);
	/* Every shorter prefix fails, without a crash. */
	for (size_t k = 0; k < n; k++) {
		memcpy(buf, good, k);
		buf[k] = '\0';
		assert_int_not_equal(wxc_decrypt(&c, buf, &out, &len), WXC_OK);
		assert_null(out);
	}
	/* Changing the last ciphertext block breaks the padding or framing. */
	for (size_t k = n - 24; k < n - 2; k++) {
		memcpy(buf, good, n + 1);
		buf[k] = buf[k] == 'A' ? 'B' : 'A';
		assert_int_not_equal(wxc_decrypt(&c, buf, &out, &len), WXC_OK);
	}
}

static void
test_oversized_and_keys(void **state)
{
	struct wxc	 c;
	char		*big, *out;
	size_t		 len;

	(void)state;
	wxc_init(&c, VEC_TOKEN, VEC_AES_KEY, VEC_RECEIVE_ID);
	big = malloc(WXC_MAX_B64 + 5);
	memset(big, 'A', WXC_MAX_B64 + 4);
	big[WXC_MAX_B64 + 4] = '\0';
	assert_int_equal(wxc_decrypt(&c, big, &out, &len), WXC_TOO_LARGE);
	assert_null(out);
	free(big);
	assert_int_equal(wxc_init(&c, "t", "short", "id"), WXC_BAD_KEY);
	assert_int_equal(wxc_init(&c, "t",
	    "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2", "id"), WXC_BAD_KEY);
	assert_int_equal(wxc_init(&c, "t",
	    "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2!", "id"), WXC_BAD_KEY);
	assert_int_equal(wxc_init(&c, NULL,
	    "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "id"), WXC_BAD_KEY);
	assert_string_equal(wxc_strerror(WXC_BAD_PADDING), "bad padding");
}

static void
test_roundtrip_sizes(void **state)
{
	struct wxc		 c;
	unsigned char		 rnd[16] = { 1, 2, 3 };
	char			 msg[3000], *b64, *out;
	size_t			 len;

	(void)state;
	wxc_init(&c, "tok", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
	    "corp");
	for (size_t n = 0; n < sizeof(msg); n += n < 70 ? 1 : 97) {
		for (size_t i = 0; i < n; i++)
			msg[i] = (char)(i * 7 + n);
		assert_int_equal(wxc_encrypt(&c, rnd, msg, n, &b64), WXC_OK);
		assert_int_equal(wxc_decrypt(&c, b64, &out, &len), WXC_OK);
		assert_int_equal(len, n);
		assert_memory_equal(out, msg, n);
		free(out);
		free(b64);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_official_sample),
		cmocka_unit_test(test_independent_vectors),
		cmocka_unit_test(test_signature_tampering),
		cmocka_unit_test(test_bad_vectors),
		cmocka_unit_test(test_truncated_and_flipped),
		cmocka_unit_test(test_oversized_and_keys),
		cmocka_unit_test(test_roundtrip_sizes),
	};

	return cmocka_run_group_tests_name("wxcrypt", tests, NULL, NULL);
}
