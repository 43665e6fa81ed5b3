// SPDX-License-Identifier: GPL-2.0
/*
 * P5, wide tree: for each N of @list, a parent with N faulted anonymous
 * VMAs of @pages pages (unmapped gaps between them) forks N children;
 * child k unmaps every VMA but VMA k. For @samples VMAs k spread over the
 * tree, it reports:
 *   parent_pageout   MADV_PAGEOUT of VMA k's pages by the parent. Those
 *                    folios are mapped by the parent and child k, and
 *                    reclaim skips folios mapped more than once, so this
 *                    pages out nothing (parent_pages shows it);
 *   walk_pageout     the parent drops VMA k's pages (MADV_DONTNEED; its
 *                    VMA stays), then child k pages them out: each folio,
 *                    allocated by the parent, is found in one of N
 *                    children;
 *   control_pageout  the same number of pages the parent maps alone
 *                    (MADV_DONTFORK), paged out by the parent, in the same
 *                    round.
 * walk_pageout of VMA k and parent_pageout of VMA k+1 use different VMAs
 * (a paged-out range cannot be measured again).
 *
 * The first @warm samples of each N go unreported.
 *
 * usage: p5-wide-tree [-n N,N,...] [-p PAGES] [-s SAMPLES] [-w WARM]
 */
#include "bench.h"
#include <sys/resource.h>
#include "tree.h"

static char *base;
static long nvma, pages;

static size_t stride(void)
{
	return (pages + 1) * page_size;
}

/* Child k keeps VMA k only. */
static void keep_one(long k)
{
	char *vk = base + k * stride();

	if (k && munmap(base, vk - base))
		die("child %ld: munmap below its VMA", k);
	if (k + 1 < nvma &&
	    munmap(vk + stride(), (nvma - k - 1) * stride()))
		die("child %ld: munmap above its VMA", k);
}

static double serve(long k, char cmd, long arg)
{
	long out;
	double t;

	if (cmd != 'p')
		fail("child %ld: unknown command '%c'", k, cmd);
	t = pageout(base + k * stride(), pages * page_size, &out);
	tree_aux = out;
	return t;
}

static void raise_nofile(long need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		die("getrlimit");
	if ((long)rl.rlim_max < need)
		rl.rlim_max = need;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit(RLIMIT_NOFILE, %ld)", need);
}

int main(int argc, char **argv)
{
	long list[16], samples = 16, warm = 1, s, k, i, out;
	double t, aux, tc;
	struct tree tr;
	size_t len;
	char *control;
	int opt, nl;

	bench_init("p5");
	pages = 16;
	nl = parse_list("100,1000", list, 16);
	while ((opt = getopt(argc, argv, "n:p:s:w:")) != -1) {
		switch (opt) {
		case 'n': nl = parse_list(optarg, list, 16); break;
		case 'p': pages = parse_num(optarg); break;
		case 's': samples = parse_num(optarg); break;
		case 'w': warm = parse_num(optarg); break;
		default:
			fail("usage: p5-wide-tree [-n N,N,...] [-p PAGES] [-s SAMPLES] [-w WARM]");
		}
	}
	if (!pages || !samples)
		fail("-p and -s must be positive");
	pin_to_cpu(0);
	len = pages * page_size;
	for (i = 0; i < nl; i++) {
		long lines = count_maps(), ns = warm + samples;

		nvma = list[i];
		if (nvma < 2)
			fail("N must be 2 or more");
		if (2 * ns > nvma)
			fail("N=%ld is too small for %ld samples", nvma, ns);
		raise_nofile(nvma + 64);
		base = map_gapped(nvma, pages);
		if (count_maps() - lines < nvma)
			fail("%ld VMAs merged", nvma);
		control = map_gapped(ns, pages);
		for (s = 0; s < ns; s++)
			if (madvise(control + s * stride(), len, MADV_DONTFORK))
				die("madvise(MADV_DONTFORK)");
		tree_fork(&tr, nvma, keep_one, serve);
		for (s = 0; s < ns; s++) {
			/* VMA k (walk) and k + 1 (parent), spread over N. */
			k = s * nvma / ns;
			if (k > nvma - 2)
				k = nvma - 2;
			tc = pageout(control + s * stride(), len, &out);
			if (s >= warm) {
				resultl("control_pageout", nvma, "us", tc);
				resultl("control_pages", nvma, "pages", out);
			}
			t = pageout(base + (k + 1) * stride(), len, &out);
			if (s >= warm) {
				resultl("parent_pageout", nvma, "us", t);
				resultl("parent_pages", nvma, "pages", out);
			}
			if (madvise(base + k * stride(), len, MADV_DONTNEED))
				die("madvise(MADV_DONTNEED)");
			t = tree_cmd(&tr, k, 'p', 0, &aux);
			if (s >= warm) {
				resultl("walk_pageout", nvma, "us", t);
				resultl("walk_pages", nvma, "pages", aux);
				resultl("walk_minus_control", nvma, "us",
					t - tc);
			}
		}
		tree_end(&tr);
		if (munmap(base, nvma * stride()) ||
		    munmap(control, ns * stride()))
			die("munmap");
	}
	return 0;
}
