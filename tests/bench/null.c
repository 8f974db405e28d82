/*
 * The benchmark's baseline: a libfcgi responder that does nothing but
 * answer a fixed JSON body. /api/contact is measured against this, behind
 * the same lighttpd with the same number of workers.
 */
#include <fcgiapp.h>

int
main(void)
{
	static const char	 resp[] = "Status: 200 OK\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Content-Length: 16\r\n\r\n{\"success\":true}";
	FCGX_Request		 rq;

	if (FCGX_Init() != 0 || FCGX_InitRequest(&rq, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&rq) >= 0) {
		FCGX_PutStr(resp, (int)sizeof(resp) - 1, rq.out);
		FCGX_Finish_r(&rq);
	}
	return 0;
}
