// fork from C++: the post-link step instruments a module that also carries wasm exception
// handling (try/catch) with Asyncify. The child throws and catches before it exits; the
// parent catches after the child is reaped. Output compared with g++'s by tests/e2e/cxx.test.mjs.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

[[gnu::noinline]] static void fail(const std::string& who) { throw std::runtime_error(who + " threw"); }

static int child(int n) {
  std::vector<std::string> seen;
  for (int i = 0; i < n; ++i) {
    try {
      fail("child " + std::to_string(i));
    } catch (const std::exception& e) {
      seen.push_back(e.what());
    }
  }
  std::cout << "child caught " << seen.size() << ", last: " << seen.back() << std::endl;
  return static_cast<int>(seen.size());
}

int main() {
  std::cout << "before fork" << std::endl;
  pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    return 1;
  }
  if (pid == 0) _exit(child(3));
  int status = 0;
  waitpid(pid, &status, 0);
  try {
    fail("parent");
  } catch (const std::runtime_error& e) {
    std::cout << "parent: child exited " << WEXITSTATUS(status) << ", then caught: " << e.what() << std::endl;
  }
  return 0;
}
