// An exception nobody catches: std::terminate, then abort (SIGABRT), natively and on
// wasmux (tests/e2e/cxx.test.mjs).
#include <cstdio>
#include <stdexcept>

int main() {
  std::puts("throwing");
  std::fflush(stdout);
  throw std::runtime_error("nobody catches this");
}
