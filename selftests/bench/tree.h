/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A parent and children that sit waiting for commands: the process trees
 * of the walk benchmarks (P3, P4, P5). Each child has its own command
 * pipe; every command is acknowledged on one shared pipe.
 */
#ifndef COWCTX_BENCH_TREE_H
#define COWCTX_BENCH_TREE_H

#include "bench.h"

struct tree {
	long n;
	pid_t *pid;
	int *cmd;		/* write end of each child's command pipe */
	int ack;		/* read end of the acknowledgement pipe */
	double *shm;		/* two result slots per child */
};

/* A second result a child's serve() may set (e.g. pages paged out). */
static double tree_aux;

/*
 * Fork @n children, one after the other: child k first runs @init(k) (if
 * not NULL) and the parent waits for that before forking the next one (so
 * that children which shrink themselves never coexist unshrunk); then it runs @serve(k, command, arg) for every
 * command byte received (with a long argument after it) until 'q' or EOF,
 * then exits; @serve's return value goes to the child's first result slot,
 * tree_aux to its second.
 */
static inline void tree_fork(struct tree *t, long n, void (*init)(long k),
			     double (*serve)(long k, char cmd, long arg))
{
	int ack[2], p[2];
	long k, j;

	t->n = n;
	t->pid = calloc(n, sizeof(*t->pid));
	t->cmd = calloc(n, sizeof(*t->cmd));
	t->shm = map_shared(2 * n * sizeof(*t->shm));
	if (!t->pid || !t->cmd)
		die("calloc");
	if (pipe(ack))
		die("pipe");
	t->ack = ack[0];
	for (k = 0; k < n; k++) {
		if (pipe(p))
			die("pipe");
		t->pid[k] = fork();
		if (t->pid[k] < 0)
			die("fork child %ld", k);
		if (!t->pid[k]) {
			struct { char c; long arg; } m;

			close(p[1]);
			close(ack[0]);
			for (j = 0; j < k; j++)
				close(t->cmd[j]);
			if (init) {
				init(k);
				xwrite(ack[1], "i", 1);
			}
			while (read(p[0], &m, sizeof(m)) == sizeof(m) &&
			       m.c != 'q') {
				tree_aux = 0;
				t->shm[2 * k] = serve(k, m.c, m.arg);
				t->shm[2 * k + 1] = tree_aux;
				xwrite(ack[1], "a", 1);
			}
			_exit(0);
		}
		close(p[0]);
		t->cmd[k] = p[1];
		if (init) {
			char a;

			xread(ack[0], &a, 1);
		}
	}
	close(ack[1]);
}

/*
 * Send @c/@arg to child @k and wait for its acknowledgement; returns its
 * first result, *@aux (if not NULL) its second.
 */
static inline double tree_cmd(struct tree *t, long k, char c, long arg,
			      double *aux)
{
	struct { char c; long arg; } m;
	char a;

	memset(&m, 0, sizeof(m));
	m.c = c;
	m.arg = arg;
	xwrite(t->cmd[k], &m, sizeof(m));
	xread(t->ack, &a, 1);
	if (aux)
		*aux = t->shm[2 * k + 1];
	return t->shm[2 * k];
}

/* Send @c/@arg to children [from, to) at once, then wait for all. */
static inline void tree_cmd_all(struct tree *t, long from, long to, char c,
				long arg)
{
	struct { char c; long arg; } m;
	long k;
	char a;

	memset(&m, 0, sizeof(m));
	m.c = c;
	m.arg = arg;
	for (k = from; k < to; k++)
		xwrite(t->cmd[k], &m, sizeof(m));
	for (k = from; k < to; k++)
		xread(t->ack, &a, 1);
}

static inline void tree_end(struct tree *t)
{
	long k;

	for (k = 0; k < t->n; k++)
		close(t->cmd[k]);
	for (k = 0; k < t->n; k++)
		wait_child(t->pid[k]);
	close(t->ack);
	munmap(t->shm, 2 * t->n * sizeof(*t->shm));
	free(t->pid);
	free(t->cmd);
}

#endif
