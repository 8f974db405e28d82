#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include "curlso.h"
#include "log.h"

/* The soname the headers' library installs as (libcurl4). */
#define CURL_SONAME	"libcurl.so.4"

static pthread_once_t	 once = PTHREAD_ONCE_INIT;
static struct curlso	 fns;
static int		 loaded;

/* dlsym's object pointer into a function pointer, without the cast ISO C
 * does not define. */
static int
sym(void *lib, const char *name, void *fp, size_t size)
{
	void	*p = dlsym(lib, name);

	if (p == NULL || size != sizeof(p)) {
		log_error("libcurl: %s missing", name);
		return -1;
	}
	memcpy(fp, &p, size);
	return 0;
}

#define SYM(lib, f, name)	sym(lib, name, &fns.f, sizeof(fns.f))

static void
load(void)
{
	CURLcode	(*global_init)(long) = NULL;
	void		*lib;

	if ((lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_error("cannot load %s (%s): no calls to WeChat or WeCom",
		    CURL_SONAME, dlerror());
		return;
	}
	if (sym(lib, "curl_global_init", &global_init, sizeof(global_init)) ||
	    SYM(lib, easy_init, "curl_easy_init") ||
	    SYM(lib, easy_setopt, "curl_easy_setopt") ||
	    SYM(lib, easy_perform, "curl_easy_perform") ||
	    SYM(lib, easy_getinfo, "curl_easy_getinfo") ||
	    SYM(lib, easy_reset, "curl_easy_reset") ||
	    SYM(lib, easy_cleanup, "curl_easy_cleanup") ||
	    SYM(lib, easy_strerror, "curl_easy_strerror") ||
	    SYM(lib, easy_escape, "curl_easy_escape") ||
	    SYM(lib, free, "curl_free") ||
	    SYM(lib, slist_append, "curl_slist_append") ||
	    SYM(lib, slist_free_all, "curl_slist_free_all") ||
	    SYM(lib, global_cleanup, "curl_global_cleanup")) {
		dlclose(lib);
		return;
	}
	/* Thread-safe since libcurl 7.84 (Debian 12 has 7.88). */
	if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("libcurl: curl_global_init failed");
		dlclose(lib);
		return;
	}
	/* Kept open for the process's life. */
	loaded = 1;
}

const struct curlso *
curlso(void)
{
	pthread_once(&once, load);
	return loaded ? &fns : NULL;
}

void
curlso_end(void)
{
	if (loaded) {
		fns.global_cleanup();
		loaded = 0;
	}
}
