/*
 * beaconing_lanchatd: runs the real lanchatd with the arguments it was given, less
 * "--no-beacon" when a "--beacon-addr" is among them.
 *
 * The shared test harness always adds --no-beacon so that no test broadcasts on the real
 * network by accident. The beacon tests build their own copy of the harness with this
 * program in lanchatd's place: a test that names its destinations (loopback) gets a server
 * that beacons there, and one that forgets still gets a silent server.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef LANCHATD_REAL
#error "LANCHATD_REAL must name the lanchatd binary"
#endif

enum { ARGS_MAX = 128 };

int
main(int argc, char **argv)
{
	char *args[ARGS_MAX];
	bool has_dest = false;
	int n = 0;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--beacon-addr") == 0)
			has_dest = true;
	args[n++] = (char *)LANCHATD_REAL;
	for (int i = 1; i < argc && n < ARGS_MAX - 1; i++)
		if (!has_dest || strcmp(argv[i], "--no-beacon") != 0)
			args[n++] = argv[i];
	args[n] = NULL;
	execv(args[0], args);
	fprintf(stderr, "beaconing_lanchatd: exec %s: %s\n", args[0], strerror(errno));
	return 127;
}
