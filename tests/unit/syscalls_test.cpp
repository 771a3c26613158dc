// Syscall families through syscall_entry: descriptors, open, stat, stdio, process info.
#include "kernel_fixture.h"

namespace wasmux::test {
namespace {

TEST_F(KernelTest, WritesToStdoutReachTheHost) {
  EXPECT_EQ(p().write(1, "hello\n"), 6);
  EXPECT_EQ(p().write(2, "oops"), 4);
  EXPECT_EQ(p().host().stdout_text(), "hello\n");
  EXPECT_EQ(p().host().stderr_text(), "oops");
}

} // namespace
} // namespace wasmux::test
