#include "server/concurrency_limit.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace newsdex::server {
namespace {

TEST(ConcurrencyLimitTest, NeverAdmitsMoreThanItsSlots) {
  ConcurrencyLimit limit(2);
  std::atomic<int> inside{0}, most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        ConcurrencyLimit::Slot slot(&limit);
        const int now = inside.fetch_add(1) + 1;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        inside.fetch_sub(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_LE(most.load(), 2);
  EXPECT_GE(most.load(), 1);
  EXPECT_EQ(inside.load(), 0);
}

TEST(ConcurrencyLimitTest, NoLimitAdmitsEveryone) {
  ConcurrencyLimit limit(0);
  ConcurrencyLimit::Slot a(&limit), b(&limit), c(&limit);  // would block if limited
  EXPECT_EQ(limit.slots(), 0);
}

}  // namespace
}  // namespace newsdex::server
