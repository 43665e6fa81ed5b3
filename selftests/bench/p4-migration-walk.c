// SPDX-License-Identifier: GPL-2.0
/*
 * P4, migration walk: @mib MiB of anonymous memory written by a parent and
 * shared (CoW, unwritten) with @children children, plus a control region
 * of the same size the parent maps alone (MADV_DONTFORK). Each round moves
 * the control region, then the shared range, to the other NUMA node with
 * the raw move_pages(2) syscall (MPOL_MF_MOVE_ALL, @batch pages per call)
 * and reports both times; the next round moves them back. Every page of
 * the shared range is unmapped from, and remapped into, all 1 + @children
 * processes: the difference is the cost of the wider walk.
 *
 * usage: p4-migration-walk [-m MIB] [-c CHILDREN] [-b BATCH] [-r ROUNDS]
 *                          [-w WARM]
 */
#include "bench.h"
#include "tree.h"

static double serve(long k, char cmd, long arg)
{
	fail("child %ld: unknown command '%c'", k, cmd);
}

int main(int argc, char **argv)
{
	long mib = 256, children = 16, batch = 1024, rounds = 4, warm = 1;
	long r, moved, npages;
	double t0, tc, ts;
	char *shared, *control;
	struct tree tr;
	size_t len;
	int opt, node;

	bench_init("p4");
	while ((opt = getopt(argc, argv, "m:c:b:r:w:")) != -1) {
		switch (opt) {
		case 'm': mib = parse_num(optarg); break;
		case 'c': children = parse_num(optarg); break;
		case 'b': batch = parse_num(optarg); break;
		case 'r': rounds = parse_num(optarg); break;
		case 'w': warm = parse_num(optarg); break;
		default:
			fail("usage: p4-migration-walk [-m MIB] [-c CHILDREN] [-b BATCH] [-r ROUNDS] [-w WARM]");
		}
	}
	if (!mib || !children || !batch)
		fail("-m, -c and -b must be positive");
	len = mib << 20;
	npages = len / page_size;
	pin_to_cpu(0);
	control = map_anon(len);
	if (madvise(control, len, MADV_DONTFORK))
		die("madvise(MADV_DONTFORK)");
	touch(control, len, 1);
	shared = map_anon(len);
	touch(shared, len, 2);
	tree_fork(&tr, children, NULL, serve);
	node = page_node(shared);
	if (page_node(control) != node)
		fail("control and shared regions start on different nodes");
	for (r = 0; r < warm + rounds; r++) {
		node = !node;
		t0 = now_us();
		moved = move_range(control, len, node, batch);
		tc = now_us() - t0;
		if (moved != npages)
			fail("control: %ld of %ld pages moved to node %d",
			     moved, npages, node);
		t0 = now_us();
		moved = move_range(shared, len, node, batch);
		ts = now_us() - t0;
		if (moved != npages)
			fail("shared: %ld of %ld pages moved to node %d",
			     moved, npages, node);
		if (r >= warm) {
			resultl("control_migrate", mib, "us", tc);
			resultl("shared_migrate", mib, "us", ts);
			resultl("shared_minus_control", mib, "us", ts - tc);
		}
	}
	tree_end(&tr);
	return 0;
}
