// SPDX-License-Identifier: GPL-2.0
/*
 * P3, reclaim walk: @mib MiB of anonymous memory written by a parent and
 * shared (CoW, unwritten) with @children children; each round times, in
 * this order:
 *   control_pageout  MADV_PAGEOUT of a same-sized region the parent maps
 *                    alone (MADV_DONTFORK), to swap (zram);
 *   shared_pageout   MADV_PAGEOUT of the shared range by the parent while
 *                    all 1 + @children processes map it. Reclaim skips
 *                    folios mapped by more than one process
 *                    (madvise_cold_or_pageout_pte_range), so this pages
 *                    out nothing: it times the page-table scan only;
 *   tree_pageout     the parent and all children but the last drop their
 *                    mappings (MADV_DONTNEED, the VMAs stay), then the last
 *                    child pages the range out: each folio is mapped once,
 *                    but the reverse map still links every process of the
 *                    tree, so the unmap walk visits them all.
 * The number of pages each one swapped out (pswpout) is reported beside
 * its time. A new tree is built for every round.
 *
 * usage: p3-reclaim-walk [-m MIB] [-c CHILDREN] [-r ROUNDS] [-w WARM]
 */
#include "bench.h"
#include "tree.h"

static char *shared;
static size_t len;

static double serve(long k, char cmd, long arg)
{
	long pages;
	double t;

	switch (cmd) {
	case 'd':
		if (madvise(shared, len, MADV_DONTNEED))
			die("child %ld: madvise(MADV_DONTNEED)", k);
		return 0;
	case 'p':
		t = pageout(shared, len, &pages);
		tree_aux = pages;
		return t;
	}
	fail("child %ld: unknown command '%c'", k, cmd);
}

int main(int argc, char **argv)
{
	long mib = 256, children = 16, rounds = 3, warm = 1, r, pages;
	double t, aux, tc;
	char *control;
	struct tree tr;
	int opt;

	bench_init("p3");
	while ((opt = getopt(argc, argv, "m:c:r:w:")) != -1) {
		switch (opt) {
		case 'm': mib = parse_num(optarg); break;
		case 'c': children = parse_num(optarg); break;
		case 'r': rounds = parse_num(optarg); break;
		case 'w': warm = parse_num(optarg); break;
		default:
			fail("usage: p3-reclaim-walk [-m MIB] [-c CHILDREN] [-r ROUNDS] [-w WARM]");
		}
	}
	if (!mib || !children)
		fail("-m and -c must be positive");
	len = mib << 20;
	pin_to_cpu(0);
	for (r = 0; r < warm + rounds; r++) {
		int report = r >= warm;

		control = map_anon(len);
		if (madvise(control, len, MADV_DONTFORK))
			die("madvise(MADV_DONTFORK)");
		touch(control, len, 1);
		shared = map_anon(len);
		touch(shared, len, 2);
		tree_fork(&tr, children, NULL, serve);

		tc = pageout(control, len, &pages);
		if (report) {
			resultl("control_pageout", mib, "us", tc);
			resultl("control_pages", mib, "pages", pages);
		}
		t = pageout(shared, len, &pages);
		if (report) {
			resultl("shared_pageout", mib, "us", t);
			resultl("shared_pages", mib, "pages", pages);
		}
		if (madvise(shared, len, MADV_DONTNEED))
			die("madvise(MADV_DONTNEED)");
		tree_cmd_all(&tr, 0, children - 1, 'd', 0);
		t = tree_cmd(&tr, children - 1, 'p', 0, &aux);
		if (report) {
			resultl("tree_pageout", mib, "us", t);
			resultl("tree_pages", mib, "pages", aux);
			resultl("tree_minus_control", mib, "us", t - tc);
		}
		tree_end(&tr);
		if (munmap(shared, len) || munmap(control, len))
			die("munmap");
	}
	return 0;
}
