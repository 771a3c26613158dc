#include <gtest/gtest.h>

#include "base/result.h"

using namespace wasmux;

TEST(Result, CarriesValueOrError) {
  Result<int> ok(5);
  Result<int> bad(Errno::enoent);
  EXPECT_FALSE(ok.is_error());
  EXPECT_EQ(ok.value(), 5);
  EXPECT_TRUE(bad.is_error());
  EXPECT_EQ(bad.error(), Errno::enoent);
}
