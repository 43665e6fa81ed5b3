// SPDX-License-Identifier: GPL-2.0
/*
 * P1, rmap metadata memory: a parent with @vmas faulted anonymous VMAs
 * (one page each, separated by unmapped gaps so that they cannot merge;
 * proven by counting /proc/self/maps lines) forks @children children that
 * each write to a few pages and stay alive. The slab bytes (active objects
 * x object size, from /proc/slabinfo; needs slab_nomerge) of anon_vma,
 * anon_vma_chain, every cache named "cow_context*", maple_node,
 * vm_area_struct and all kmalloc-* caches, before the forks and with every
 * child alive, give KiB per child. Every cache is shrunk first (sysfs
 * "shrink": per-CPU slabs and sheaves flushed), or SLUB would count their
 * free objects as active.
 *
 * Each snapshot follows a one-second pause, so that objects freed after
 * an RCU grace period (maple nodes) are gone; @warm warm-up rounds go
 * unreported.
 *
 * usage: p1-rmap-memory [-v VMAS] [-c CHILDREN] [-p PAGES] [-r ROUNDS]
 *                       [-w WARM]
 */
#include "bench.h"
#include <dirent.h>

enum { ANON_VMA, AVC, COW_CONTEXT, MAPLE, VMA, KMALLOC, NCAT };
static const char *const cat_name[NCAT] = {
	"anon_vma", "anon_vma_chain", "cow_context", "maple_node",
	"vm_area_struct", "kmalloc",
};

/*
 * Flush every cache's per-CPU slabs and sheaves (kmem_cache_shrink), so
 * that /proc/slabinfo's active_objs counts objects really in use.
 */
static void shrink_slabs(void)
{
	DIR *d = opendir("/sys/kernel/slab");
	struct dirent *e;
	char path[512];
	int fd;

	if (!d)
		die("open /sys/kernel/slab");
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 e->d_name);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			continue;	/* aliases and caches without one */
		if (write(fd, "1", 1) != 1)
			die("write %s", path);
		close(fd);
	}
	closedir(d);
}

static void slab_bytes(double *bytes)
{
	char line[512], name[128];
	long active, total, size;
	int c, seen = 0;
	FILE *f;

	/* Let RCU-deferred frees of earlier work happen first. */
	sleep(1);
	shrink_slabs();
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		die("open /proc/slabinfo (root and CONFIG_SLUB_DEBUG needed)");
	memset(bytes, 0, NCAT * sizeof(*bytes));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %ld %ld %ld", name, &active, &total,
			   &size) != 4)
			continue;
		if (!strcmp(name, "anon_vma"))
			c = ANON_VMA;
		else if (!strcmp(name, "anon_vma_chain"))
			c = AVC;
		else if (!strncmp(name, "cow_context", 11))
			c = COW_CONTEXT;
		else if (!strcmp(name, "maple_node"))
			c = MAPLE;
		else if (!strcmp(name, "vm_area_struct"))
			c = VMA;
		else if (!strncmp(name, "kmalloc-", 8))
			c = KMALLOC;
		else
			continue;
		bytes[c] += (double)active * size;
		seen |= 1 << c;
	}
	fclose(f);
	/* The base kernel has no cow_context cache: that one may be absent. */
	if ((seen | 1 << COW_CONTEXT) != (1 << NCAT) - 1)
		fail("/proc/slabinfo lacks anon_vma, anon_vma_chain, maple_node, vm_area_struct or kmalloc-*");
}

int main(int argc, char **argv)
{
	long vmas = 1000, children = 50, pages = 4, rounds = 1, warm = 1;
	long lines, r, i, j;
	size_t stride;
	double s0[NCAT], s1[NCAT];
	char *base;
	int opt;

	bench_init("p1");
	while ((opt = getopt(argc, argv, "v:c:p:r:w:")) != -1) {
		switch (opt) {
		case 'v': vmas = parse_num(optarg); break;
		case 'c': children = parse_num(optarg); break;
		case 'p': pages = parse_num(optarg); break;
		case 'r': rounds = parse_num(optarg); break;
		case 'w': warm = parse_num(optarg); break;
		default:
			fail("usage: p1-rmap-memory [-v VMAS] [-c CHILDREN] [-p PAGES] [-r ROUNDS] [-w WARM]");
		}
	}
	if (!vmas || !children)
		fail("-v and -c must be positive");
	pin_to_cpu(0);
	stride = 2 * page_size;
	lines = count_maps();
	base = map_gapped(vmas, 1);
	lines = count_maps() - lines;
	if (lines < vmas)
		fail("%ld VMAs mapped but /proc/self/maps grew by %ld lines: they merged",
		     vmas, lines);
	resultl("maps_lines_added", vmas, "lines", lines);

	for (r = 0; r < warm + rounds; r++) {
		int ready[2], release[2];
		pid_t *pid = calloc(children, sizeof(*pid));
		char c;

		if (!pid)
			die("calloc");
		if (pipe(ready) || pipe(release))
			die("pipe");
		slab_bytes(s0);
		for (i = 0; i < children; i++) {
			pid[i] = fork();
			if (pid[i] < 0)
				die("fork child %ld", i);
			if (!pid[i]) {
				close(release[1]);
				close(ready[0]);
				for (j = 0; j < pages; j++)
					base[((i * pages + j) % vmas) * stride] = 'w';
				xwrite(ready[1], "r", 1);
				/* EOF when the parent closes its end. */
				if (read(release[0], &c, 1) < 0)
					_exit(1);
				_exit(0);
			}
		}
		for (i = 0; i < children; i++)
			xread(ready[0], &c, 1);
		slab_bytes(s1);
		close(release[1]);
		for (i = 0; i < children; i++)
			wait_child(pid[i]);
		close(release[0]);
		close(ready[0]);
		close(ready[1]);
		free(pid);
		if (r < warm)
			continue;
		for (i = 0; i < NCAT; i++)
			resultl(cat_name[i], vmas, "KiB/child",
				(s1[i] - s0[i]) / children / 1024);
		resultl("rmap_total", vmas, "KiB/child",
			(s1[ANON_VMA] + s1[AVC] + s1[COW_CONTEXT] -
			 s0[ANON_VMA] - s0[AVC] - s0[COW_CONTEXT]) /
			children / 1024);
	}
	return 0;
}
