// SPDX-License-Identifier: GPL-2.0
/*
 * P8, respawning daemon: a process writes @pages pages (generation 0),
 * then re-forks itself @G times, each parent exiting right after its fork
 * (a daemon that respawns). The last generation never writes those pages,
 * so their folios still belong to generation 0, whose process is long
 * gone. Reports, per G:
 *
 * - slab_per_gen: growth of /proc/meminfo's Slab (slab and large kmalloc
 *   pages) from before the chain to when only the last generation lives
 *   and every other one is reaped, divided by G. Upstream bounds this
 *   with anon_vma reuse; a reverse map that keeps one object per dead
 *   generation grows with G.
 * - gen0_migrate / control_migrate / gen0_over_control: the last
 *   generation moves the generation-0 pages, then as many pages it wrote
 *   itself after its fork (control), to the other NUMA node with
 *   move_pages(2), @rounds times; the rmap walk of a generation-0 folio
 *   starts where the folio was created.
 *
 * A subreaper (this process) reaps the exiting generations.
 *
 * usage: p8-daemon-chain [-g G,G,...] [-p PAGES] [-r ROUNDS] [-w WARM]
 */
#include "bench.h"
#include <sys/prctl.h>

/* Objects freed after an RCU grace period (or by workers): let them go. */
static void settle(void)
{
	usleep(200 * 1000);
}

/* The last generation: report readiness, then migrate on request. */
static void leaf(char *gen0, size_t len, long g, long rounds, long warm,
		 int ready, int go)
{
	char *control = map_anon(len), c;
	double t0, t_gen0, t_ctl;
	long pages = len / page_size, r;
	int node;

	touch(control, len, 3);
	xwrite(ready, "r", 1);
	xread(go, &c, 1);
	node = page_node(gen0);
	if (page_node(control) != node)
		fail("control and generation-0 pages start on different nodes");
	for (r = 0; r < warm + rounds; r++) {
		node = !node;
		t0 = now_us();
		if (move_range(control, len, node, pages) != pages)
			fail("control: not every page moved to node %d", node);
		t_ctl = now_us() - t0;
		t0 = now_us();
		if (move_range(gen0, len, node, pages) != pages)
			fail("generation 0: not every page moved to node %d", node);
		t_gen0 = now_us() - t0;
		if (r >= warm) {
			resultl("control_migrate", g, "us", t_ctl);
			resultl("gen0_migrate", g, "us", t_gen0);
			resultl("gen0_over_control", g, "ratio", t_gen0 / t_ctl);
		}
	}
	xwrite(ready, "d", 1);
	_exit(0);
}

static void chain(long g, long pages, long rounds, long warm)
{
	int ready[2], go[2], st;
	size_t len = pages * page_size;
	double before, after;
	char *gen0, c;
	pid_t pid;
	long k;

	if (pipe(ready) || pipe(go))
		die("pipe");
	settle();
	before = meminfo_slab();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		gen0 = map_anon(len);
		touch(gen0, len, 2);
		for (k = 1; k <= g; k++) {
			pid = fork();
			if (pid < 0)
				die("fork generation %ld", k);
			if (pid)
				_exit(0);	/* the parent exits: respawned */
		}
		leaf(gen0, len, g, rounds, warm, ready[1], go[0]);
	}
	/* Reap the g generations that exited; the leaf is still running. */
	for (k = 0; k < g; k++) {
		if (wait(&st) < 0)
			die("wait (generation %ld)", k);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fail("a generation failed (status 0x%x)", st);
	}
	xread(ready[0], &c, 1);
	settle();
	after = meminfo_slab();
	resultl("slab_per_gen", g, "B", (after - before) / g);
	xwrite(go[1], "g", 1);
	xread(ready[0], &c, 1);
	if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		fail("the last generation failed");
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
}

int main(int argc, char **argv)
{
	long gens[8] = { 100, 1000, 5000 }, pages = 64, rounds = 5, warm = 1;
	int n = 3, opt, i;

	bench_init("p8");
	while ((opt = getopt(argc, argv, "g:p:r:w:")) != -1) {
		switch (opt) {
		case 'g': n = parse_list(optarg, gens, 8); break;
		case 'p': pages = parse_num(optarg); break;
		case 'r': rounds = parse_num(optarg); break;
		case 'w': warm = parse_num(optarg); break;
		default:
			fail("usage: p8-daemon-chain [-g G,G,...] [-p PAGES] [-r ROUNDS] [-w WARM]");
		}
	}
	if (!pages || !rounds)
		fail("-p and -r must be positive");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		die("prctl(PR_SET_CHILD_SUBREAPER)");
	pin_to_cpu(0);
	for (i = 0; i < n; i++)
		chain(gens[i], pages, rounds, warm);
	return 0;
}
