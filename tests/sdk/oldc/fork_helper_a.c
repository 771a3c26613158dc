/* A static function with the same name as one in fork_helper_b.c, which forks: the fork
   instrumentation must find each by its own name (sdk/callgraph.mjs). */
static int start(void) { return 1; }
int first(void) { return start(); }
