// SPDX-License-Identifier: GPL-2.0
/*
 * P7, deep chain: a root writes @pages pages, then forks a chain @depth
 * processes deep (each level forks the next); every level writes @write
 * pages of its own in the same VMA, so each level has folios of its own.
 * The root's @pages folios stay shared by all 1 + @depth processes. Each
 * round the root moves a control region it maps alone (MADV_DONTFORK),
 * then its shared pages, to the other NUMA node with move_pages(2)
 * (MPOL_MF_MOVE_ALL): the rmap walk of every shared folio starts at the
 * root and spans the whole chain.
 *
 * usage: p7-deep-chain [-d DEPTH] [-p PAGES] [-W WRITE] [-r ROUNDS] [-w WARM]
 */
#include "bench.h"

int main(int argc, char **argv)
{
	long depth = 64, pages = 256, wr = 4, rounds = 5, warm = 1, r, lvl;
	int ready[2], release[2], opt, node;
	double t0, tc, ts;
	char *shared, *control, c;
	size_t len;
	pid_t pid;

	bench_init("p7");
	while ((opt = getopt(argc, argv, "d:p:W:r:w:")) != -1) {
		switch (opt) {
		case 'd': depth = parse_num(optarg); break;
		case 'p': pages = parse_num(optarg); break;
		case 'W': wr = parse_num(optarg); break;
		case 'r': rounds = parse_num(optarg); break;
		case 'w': warm = parse_num(optarg); break;
		default:
			fail("usage: p7-deep-chain [-d DEPTH] [-p PAGES] [-W WRITE] [-r ROUNDS] [-w WARM]");
		}
	}
	if (!depth || !pages)
		fail("-d and -p must be positive");
	pin_to_cpu(0);
	len = pages * page_size;
	control = map_anon(len);
	if (madvise(control, len, MADV_DONTFORK))
		die("madvise(MADV_DONTFORK)");
	touch(control, len, 1);
	shared = map_anon(len + depth * wr * page_size);
	touch(shared, len, 2);
	if (pipe(ready) || pipe(release))
		die("pipe");

	/* Level lvl forks level lvl + 1, writes, and waits for it. */
	for (lvl = 0; lvl < depth; lvl++) {
		pid = fork();
		if (pid < 0)
			die("fork level %ld", lvl + 1);
		if (pid) {
			if (lvl == 0)
				break;
			close(ready[1]);
			wait_child(pid);
			_exit(0);
		}
		close(release[1]);
		close(ready[0]);
		touch(shared + len + lvl * wr * page_size, wr * page_size,
		      (int)lvl);
	}
	if (lvl == depth) {
		/* The deepest level. */
		xwrite(ready[1], "r", 1);
		if (read(release[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(release[0]);
	xread(ready[0], &c, 1);
	node = page_node(shared);
	if (page_node(control) != node)
		fail("control and shared pages start on different nodes");
	for (r = 0; r < warm + rounds; r++) {
		node = !node;
		t0 = now_us();
		if (move_range(control, len, node, pages) != pages)
			fail("control: not every page moved to node %d", node);
		tc = now_us() - t0;
		t0 = now_us();
		if (move_range(shared, len, node, pages) != pages)
			fail("shared: not every page moved to node %d", node);
		ts = now_us() - t0;
		if (r >= warm) {
			resultl("control_migrate", depth, "us", tc);
			resultl("shared_migrate", depth, "us", ts);
			resultl("shared_minus_control", depth, "us", ts - tc);
		}
	}
	close(release[1]);
	wait_child(pid);
	return 0;
}
