/* cmd_query.c - placeholder replaced below */
#include "cli.h"
const char cmd_query_usage[] = "usage: customs query\n";
int cmd_query(int argc, char **argv) { (void)argc; (void)argv; return 2; }
