/* Calls through function pointers of another type than the function's, as old C makes
   them (bash keeps cleanups as `int (*)()` and calls them with one argument): a function
   returning nothing, one taking fewer arguments, one returning int called as void. A
   native ABI makes these work; wasmux's post-link step adapts them
   (sdk/indirect_adapters.mjs). Prints the same natively and under wasmux. */
#include <stdio.h>

typedef int Function();

static int calls;
static void no_arguments(void) { calls++; puts("no_arguments"); }
static void one_argument(char *s) { calls++; printf("one_argument %s\n", s); }
static int two_arguments(int a, int b) { calls++; return a + b; }

static Function *cleanups[] = {(Function *)no_arguments, (Function *)one_argument};

int main(void) {
  for (int i = 0; i < 2; i++) (*cleanups[i])("x", 7);
  int (*three)(int, int, int) = (int (*)(int, int, int))two_arguments;
  printf("%d\n", three(2, 3, 4));
  void (*ignored)(int, int) = (void (*)(int, int))two_arguments;
  ignored(1, 1);
  printf("calls %d\n", calls);
  return 0;
}
