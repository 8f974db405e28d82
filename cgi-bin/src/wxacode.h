/*
 * 小程序码 (mini-program codes) for posters: wxa/getwxacodeunlimit with
 * the mini-program's own access token (cgi-bin/stable_token, app id and
 * secret), as shared/reference/wecom-kf.md §9 describes. Used by the
 * admin program only; the code encodes the entry id as scene and the
 * entry's page, which reads it back from options.scene.
 */
#ifndef KF_WXACODE_H
#define KF_WXACODE_H

#include <stddef.h>

struct cfg;
struct https;

#define WXACODE_SCENE_MAX	32
#define WXACODE_PAGE_MAX	1024

enum wxacode_rc {
	WXA_OK,			/* an image */
	WXA_REFUSED,		/* WeChat answered an errcode */
	WXA_UNREACHABLE,	/* no answer, or not 200 */
	WXA_BAD_ANSWER,		/* neither an image nor an errcode */
};

/* 1 when s can be a scene: 1..32 of WeChat's visible characters
 * (letters, digits and !#$&'()*+,/:;=?@-._~). */
int		 wxacode_scene_ok(const char *s);
/* The page as WeChat takes it from an entry's target: no leading /, no
 * query or fragment. -1 when nothing is left or out is too small. */
int		 wxacode_page(const char *target, char *out, size_t len);
/*
 * What getwxacodeunlimit answered: WXA_OK for PNG or JPEG bytes,
 * WXA_REFUSED with *errcode for a JSON error, else WXA_BAD_ANSWER.
 */
enum wxacode_rc	 wxacode_answer(const char *data, size_t len, int *errcode);
/*
 * Ask WeChat for the code of (scene, page) with [miniprogram] app_id,
 * app_secret, api_base, env_version and code_width. On WXA_OK *png and *len
 * point into the handle's buffer (good until its next call). The token
 * is kept per process until it expires; a refusal naming the token drops
 * it and asks once more with a new one.
 */
enum wxacode_rc	 wxacode_make(struct https *, const struct cfg *,
		    const char *scene, const char *page, const char **png,
		    size_t *len, int *errcode);
/* A Chinese sentence on what errcode means and what to do. */
const char	*wxacode_errtext(int errcode);

#endif
