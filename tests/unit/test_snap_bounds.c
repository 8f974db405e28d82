/*
 * A snapshot reads its input strings to their end and no further (the
 * attack review found snap_add_entry copying the label's length from the
 * id): here the id ends a page followed by an unreadable one.
 */
#include "unit.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "snap.h"

static void
test_entry_id_not_read_past_its_end(void **state)
{
	long			 pg = sysconf(_SC_PAGESIZE);
	char			*mem, *id;
	struct snap		*s = snap_new();
	struct snap_entry_in	 e = { .enabled = 1, .ttype = TARGET_PAGE,
	    .target = "/p", .label = "一个相当长的按钮名称,比它的 ID 长得多" };

	(void)state;
	mem = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(mem != MAP_FAILED);
	assert_int_equal(mprotect(mem + pg, (size_t)pg, PROT_NONE), 0);
	/* "cs1\0" as the last bytes of a readable page. */
	id = mem + pg - 4;
	memcpy(id, "cs1", 4);
	e.id = id;
	snap_add_entry(s, &e);
	snap_finish(s);
	assert_non_null(snap_entry(s, "cs1"));
	assert_string_equal(snap_entry_label(snap_entry(s, "cs1")), e.label);
	snap_free(s);
	munmap(mem, (size_t)pg * 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_id_not_read_past_its_end),
	};

	return cmocka_run_group_tests_name("snap_bounds", tests, NULL, NULL);
}
