#include "core/commit_gate.h"

#include <atomic>
#include <filesystem>
#include <thread>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace newsdex::core {
namespace {

std::string TempDbDir() {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) /
      ("gate_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

TEST(CommitGateTest, ReadersShareAndAWriterWaitsForThem) {
  const std::string db = TempDbDir();
  auto reader1 = CommitGate::Acquire(db, CommitGate::Mode::kShared);
  auto reader2 = CommitGate::Acquire(db, CommitGate::Mode::kShared);
  ASSERT_TRUE(reader1.ok()) << reader1.status();
  ASSERT_TRUE(reader2.ok()) << reader2.status();  // shared with reader1: no wait

  std::atomic<bool> writer_in{false};
  absl::Notification started;
  std::thread writer([&] {
    started.Notify();
    auto gate = CommitGate::Acquire(db, CommitGate::Mode::kExclusive);
    ASSERT_TRUE(gate.ok()) << gate.status();
    writer_in = true;
  });
  started.WaitForNotification();
  *reader1 = std::move(*reader2);  // releases reader1's hold; reader2's is still held
  EXPECT_FALSE(writer_in.load());
  reader1 = absl::UnknownError("released");  // releases the last shared hold
  writer.join();
  EXPECT_TRUE(writer_in.load());
}

TEST(CommitGateTest, NoGateForWhatIsNotADirectory) {
  EXPECT_EQ(CommitGate::Acquire("/nonexistent/db", CommitGate::Mode::kShared).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CommitGate::Acquire("tcp:host:1234", CommitGate::Mode::kShared).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace newsdex::core
