/* Which server binary a group of tests starts: built once per group with its LANCHATD_PATH. */
#include "harness.h"

#ifndef LANCHATD_PATH
#error "LANCHATD_PATH must name the lanchatd binary under test"
#endif

const char *const th_lanchatd_path = LANCHATD_PATH;
