#include "core/xapian_status.h"

#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace newsdex::core {
namespace {

TEST(CallXapianTest, MapsErrorsAndFlattensStatusOr) {
  absl::StatusOr<int> value = CallXapian("reading", [] { return 7; });
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 7);
  // A callable returning StatusOr<T> gives StatusOr<T>, not StatusOr<StatusOr<T>>.
  absl::StatusOr<int> inner =
      CallXapian("reading", []() -> absl::StatusOr<int> { return absl::NotFoundError("x"); });
  EXPECT_EQ(inner.status().code(), absl::StatusCode::kNotFound);
  absl::Status thrown = CallXapian("searching", []() -> absl::Status {
    throw Xapian::DatabaseModifiedError("The revision being read has been discarded");
  });
  EXPECT_EQ(thrown.code(), absl::StatusCode::kAborted);
  EXPECT_NE(thrown.message().find("searching"), std::string::npos) << thrown;
}

TEST(RetryIfModifiedTest, RetriesOnlyAbortedReadsAndAtMostAsOftenAsAsked) {
  int calls = 0, reopens = 0;
  auto always_aborted = [&]() -> absl::StatusOr<int> {
    ++calls;
    return absl::AbortedError("modified");
  };
  auto reopen = [&] {
    ++reopens;
    return absl::OkStatus();
  };
  EXPECT_EQ(RetryIfModified(2, always_aborted, reopen).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(reopens, 2);

  calls = reopens = 0;
  auto not_found = [&]() -> absl::StatusOr<int> {
    ++calls;
    return absl::NotFoundError("no such article");
  };
  EXPECT_EQ(RetryIfModified(2, not_found, reopen).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(reopens, 0);
}

// A reopen racing a commit can read a reused block as corrupt: retried, and
// judged by the gated attempt, where no commit runs beside it.
TEST(RetryIfModifiedTest, AReopenSeeingCorruptionIsRetriedAndJudgedUnderTheGate) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "retry_corrupt";
  std::filesystem::create_directories(dir);
  int calls = 0, reopens = 0;
  auto aborted_once = [&]() -> absl::StatusOr<int> {
    return ++calls == 1 ? absl::StatusOr<int>(absl::AbortedError("modified")) : 7;
  };
  auto corrupt_while_racing = [&] {
    ++reopens;
    auto writer = CommitGate::TryAcquire(dir.string(), CommitGate::Mode::kExclusive);
    const bool gated = writer.status().code() == absl::StatusCode::kUnavailable;
    return gated ? absl::OkStatus() : absl::DataLossError("Expected block 37 to be level 1");
  };
  absl::StatusOr<int> got = RetryIfModified(2, aborted_once, corrupt_while_racing, dir.string());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, 7);
  EXPECT_EQ(reopens, 3);  // two racing, one gated

  // Corruption that stays under the gate is reported as such.
  calls = 0;
  auto always_corrupt = [] { return absl::DataLossError("Expected block 37 to be level 1"); };
  EXPECT_EQ(RetryIfModified(2, aborted_once, always_corrupt, dir.string()).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(RetryIfModifiedTest, LastAttemptHoldsTheCommitGate) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "retry_gate";
  std::filesystem::create_directories(dir);
  int calls = 0;
  bool gate_held_on_last_call = false;
  auto aborted_until_gated = [&]() -> absl::Status {
    ++calls;
    // While the reader holds the gate shared, a writer cannot take it.
    auto writer = CommitGate::TryAcquire(dir.string(), CommitGate::Mode::kExclusive);
    gate_held_on_last_call = writer.status().code() == absl::StatusCode::kUnavailable;
    return gate_held_on_last_call ? absl::OkStatus() : absl::AbortedError("modified");
  };
  auto reopen = [] { return absl::OkStatus(); };
  EXPECT_TRUE(RetryIfModified(1, aborted_until_gated, reopen, dir.string()).ok());
  EXPECT_EQ(calls, 3);
  EXPECT_TRUE(gate_held_on_last_call);
}

}  // namespace
}  // namespace newsdex::core
