#include "server/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace newsdex::server {
namespace {

std::string TempPath(absl::string_view name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return absl::StrCat(dir != nullptr ? dir : "/tmp", "/", name, "-", ::getpid());
}

TEST(AccessLogTest, LineIsOneJsonObjectWithEveryField) {
  AccessLogEntry e;
  e.time = absl::FromUnixMillis(1764158400123);
  e.method = "GET";
  e.target = "/search?q=\"quoted\"\x01\xFF";
  e.route = "search";
  e.status = 200;
  e.bytes = 1234;
  e.latency = absl::Microseconds(2500);
  e.remote = "127.0.0.1";
  const std::string line = FormatAccessLogLine(e);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  const nlohmann::ordered_json j = nlohmann::ordered_json::parse(line, nullptr, false);
  ASSERT_TRUE(j.is_object()) << line;
  EXPECT_EQ(j["ts"], "2025-11-26T12:00:00.123Z");
  EXPECT_EQ(j["method"], "GET");
  EXPECT_EQ(j["target"], "/search?q=\"quoted\"\x01\xEF\xBF\xBD");
  EXPECT_EQ(j["route"], "search");
  EXPECT_EQ(j["status"], 200);
  EXPECT_EQ(j["bytes"], 1234);
  EXPECT_EQ(j["latency_ms"], 2.5);
  EXPECT_EQ(j["remote"], "127.0.0.1");
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"ts", "method", "target", "route", "status", "bytes",
                                            "latency_ms", "remote"}));
}

TEST(AccessLogTest, EveryLineFromManyThreadsIsWrittenWholeByDestruction) {
  const std::string path = TempPath("access_log_test");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  constexpr int kThreads = 4, kLines = 5000;
  {
    // A long interval and a small flush size: both the size trigger and the
    // final flush in the destructor are exercised.
    AccessLog log(fd, /*owns_fd=*/true, absl::Hours(1), /*flush_bytes=*/4096);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&log, t] {
        for (int i = 0; i < kLines; ++i) {
          log.Append(absl::StrCat("{\"t\":", t, ",\"i\":", i, "}\n"));
        }
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(log.dropped_lines(), 0u);
  }
  std::ifstream in(path);
  std::vector<int> next(kThreads, 0);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object()) << line;
    const int t = j["t"];
    // Lines of one thread keep their order.
    EXPECT_EQ(j["i"], next[t]) << line;
    next[t] = static_cast<int>(j["i"]) + 1;
    ++lines;
  }
  EXPECT_EQ(lines, kThreads * kLines);
  ::unlink(path.c_str());
}

TEST(AccessLogTest, DropsLinesBeyondTheBufferCapInsteadOfGrowing) {
  const std::string path = TempPath("access_log_cap_test");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  {
    AccessLog log(fd, /*owns_fd=*/true, absl::Hours(1), /*flush_bytes=*/1 << 20,
                  /*max_buffer_bytes=*/10);
    log.Append("12345\n");
    log.Append("67890\n");  // would make 12 bytes
    EXPECT_EQ(log.dropped_lines(), 1u);
    log.Flush();
  }
  std::ifstream in(path);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all, "12345\n");
  ::unlink(path.c_str());
}

TEST(AccessLogTest, LinesLongerThanAWriteChunkStayWhole) {
  const std::string path = TempPath("access_log_long_test");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  const std::string a = "short\n", b = std::string(10000, 'x') + "\n", c = "end\n";
  {
    AccessLog log(fd, /*owns_fd=*/true, absl::Hours(1));
    log.Append(a);
    log.Append(b);
    log.Append(c);
  }
  std::ifstream in(path);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all, a + b + c);
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace newsdex::server
