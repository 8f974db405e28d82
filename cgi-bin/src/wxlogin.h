/*
 * wx.login codes: the mini-program's proof of who is tapping, exchanged
 * server-side (jscode2session, with the mini-program's appid and secret)
 * for the customer's openid. The openid then keys customers and sticky
 * routing like a verified customer token. A code is single-use and short
 * lived; a refused code means an anonymous customer, never an error.
 */
#ifndef KF_WXLOGIN_H
#define KF_WXLOGIN_H

#include <stddef.h>

struct cfg;
struct https;

/*
 * Exchange code for an openid into openid[0..len). 0 on success; -1 when
 * not configured, refused by WeChat, or unreachable (logged).
 */
int	 wxlogin_openid(struct https *, const struct cfg *, const char *code,
	    char *openid, size_t len);

#endif
