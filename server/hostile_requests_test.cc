// Robustness: at least 10,000 random and hostile
// requests over real sockets (garbage bytes, huge headers, invalid UTF-8,
// deep parentheses, oversize query strings and bodies, bad methods, truncated
// requests), after which the daemon still answers /health and serves correct
// results. Deterministic: a fixed seed.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/news_server.h"
#include "server/server_test_util.h"

namespace newsdex::server {
namespace {

using testing::RawExchange;
using testing::RawStatus;

std::string RandomBytes(std::mt19937& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

std::string PercentEncode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

// One hostile request. `kind` picks the family; the rest is random.
std::string HostileRequest(std::mt19937& rng, int kind) {
  const std::string host = "Host: 127.0.0.1\r\n";
  switch (kind) {
    case 0:  // pure garbage
      return RandomBytes(rng, 1 + rng() % 600);
    case 1:  // a request line with garbage in the target
      return absl::StrCat("GET /search?q=", RandomBytes(rng, 1 + rng() % 80), " HTTP/1.1\r\n",
                          host, "\r\n");
    case 2:  // invalid UTF-8, percent-encoded, in every parameter
      return absl::StrCat("GET /search?q=", PercentEncode(RandomBytes(rng, 1 + rng() % 40)),
                          "&actor=", PercentEncode(RandomBytes(rng, 8)), "&facets=",
                          PercentEncode(RandomBytes(rng, 5)), " HTTP/1.1\r\n", host, "\r\n");
    case 3: {  // deep and unbalanced parentheses and operators
      const int depth = 1 + rng() % 3000;
      std::string q;
      for (int i = 0; i < depth; ++i) q += (rng() % 7 == 0) ? "NOT%20" : "(";
      q += "oil";
      if (rng() % 2) q += std::string(depth / 2, ')');
      return absl::StrCat("GET /search?q=", q, " HTTP/1.1\r\n", host, "\r\n");
    }
    case 4:  // one huge header
      return absl::StrCat("GET /health HTTP/1.1\r\n", host, "X-Big: ",
                          std::string(9000 + rng() % 20000, 'h'), "\r\n\r\n");
    case 5: {  // very many headers
      std::string r = absl::StrCat("GET /health HTTP/1.1\r\n", host);
      const int n = 100 + rng() % 400;
      for (int i = 0; i < n; ++i) absl::StrAppend(&r, "X-H", i, ": ", std::string(50, 'v'), "\r\n");
      return r + "\r\n";
    }
    case 6:  // oversize query string
      return absl::StrCat("GET /search?q=", std::string(8000 + rng() % 30000, 'a'),
                          " HTTP/1.1\r\n", host, "\r\n");
    case 7: {  // unknown or odd methods, odd paths, bad versions
      static const char* const kMethods[] = {"BREW", "PUT", "PATCH", "TRACE", "CONNECT",
                                             "get", "", "GET GET", "DELETE", "POST"};
      static const char* const kPaths[] = {"/", "*", "/../../etc/passwd", "/articles/",
                                           "/articles//related", "/facets/", "/search%00",
                                           "/%ZZ", "//search", "/articles/%C0%AF"};
      static const char* const kVersions[] = {"HTTP/1.1", "HTTP/1.0", "HTTP/9.9", "", "HTTP/1.1 x"};
      return absl::StrCat(kMethods[rng() % 10], " ", kPaths[rng() % 10], " ",
                          kVersions[rng() % 5], "\r\n", host, "\r\n");
    }
    case 8: {  // a request cut off anywhere
      std::string full = absl::StrCat("GET /search?q=oil&facets=actor,date&limit=5 HTTP/1.1\r\n",
                                       host, "Accept-Encoding: gzip\r\n\r\n");
      return full.substr(0, rng() % full.size());
    }
    case 9: {  // bodies: lying Content-Length, oversize, chunked garbage
      switch (rng() % 3) {
        case 0:
          return absl::StrCat("POST /articles HTTP/1.1\r\n", host,
                              "Content-Length: 99999999999999999999\r\n\r\nxx");
        case 1:
          return absl::StrCat("POST /search HTTP/1.1\r\n", host, "Content-Length: 5\r\n\r\n",
                              RandomBytes(rng, 5));
        default:
          return absl::StrCat("POST /articles HTTP/1.1\r\n", host,
                              "Transfer-Encoding: chunked\r\n\r\n", RandomBytes(rng, 40));
      }
    }
    case 10:  // valid requests with random parameter values
      return absl::StrCat("GET /search?limit=", static_cast<int>(rng() % 300) - 50, "&offset=",
                          static_cast<int>(rng() % 200000) - 10, "&from=2025-",
                          rng() % 14, "-", rng() % 33, "&sort=", (rng() % 2 ? "newest" : "x"),
                          " HTTP/1.1\r\n", host, "\r\n");
    default:  // NUL bytes and control characters in headers
      return absl::StrCat("GET /health HTTP/1.1\r\n", host, "X-A: ", std::string("\0\x01\x7f", 3),
                          RandomBytes(rng, 20), "\r\n\r\n");
  }
}

TEST(HostileRequestsTest, SurvivesTenThousandHostileRequests) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/db";
  const std::vector<core::Article> articles = testing::MakeArticles(0, 40);
  ASSERT_TRUE(testing::WriteArticles(db, articles).ok());
  ServerOptions options;
  options.db_path = db;
  options.threads = 4;
  options.read_timeout = absl::Seconds(2);
  options.max_body_bytes = 1 << 20;
  options.admin_token = "t";
  absl::StatusOr<std::unique_ptr<testing::RunningServer>> server =
      testing::RunningServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();

  constexpr int kThreads = 4, kPerThread = 2600, kKinds = 12;
  std::atomic<int> answered{0}, server_errors{0}, silent{0};
  std::array<std::atomic<int64_t>, kKinds> slowest_ms{};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(1234 + t);
      for (int i = 0; i < kPerThread; ++i) {
        const int kind = static_cast<int>(rng() % kKinds);
        const std::string request = HostileRequest(rng, kind);
        // Requests that may be incomplete (garbage, odd methods such as a POST
        // without a length, cut-off requests, bodies) end with
        // the client closing its side, so the server sees the end instead of
        // waiting out its read timeout.
        const bool half_close = kind == 0 || kind == 7 || kind == 8 || kind == 9;
        const absl::Time start = absl::Now();
        absl::StatusOr<std::string> response =
            RawExchange(port, request, absl::Seconds(10), half_close);
        const int64_t ms = absl::ToInt64Milliseconds(absl::Now() - start);
        int64_t seen = slowest_ms[kind].load();
        while (ms > seen && !slowest_ms[kind].compare_exchange_weak(seen, ms)) {
        }
        ASSERT_TRUE(response.ok()) << response.status();
        const int status = RawStatus(*response);
        if (status < 0) {
          silent.fetch_add(1);  // the server closed without answering (cut-off requests)
        } else {
          answered.fetch_add(1);
          // 505 answers a request for another HTTP version (HTTP/9.9): a
          // refusal of the client's protocol, not a server failure.
          if (status >= 500 && status != 505) {
            server_errors.fetch_add(1);
            ADD_FAILURE() << "status " << status << " for request of " << request.size()
                          << " bytes: " << response->substr(0, 300);
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::cout << "hostile requests: " << kThreads * kPerThread << " sent, " << answered.load()
            << " answered (none 5xx: " << (server_errors.load() == 0 ? "yes" : "no") << "), "
            << silent.load() << " closed without an answer; slowest exchange per kind (ms):";
  for (int k = 0; k < kKinds; ++k) std::cout << " " << slowest_ms[k].load();
  std::cout << "\n";
  EXPECT_GE(answered.load() + silent.load(), 10000);
  EXPECT_EQ(server_errors.load(), 0);
  EXPECT_GT(answered.load(), 5000);

  // Still healthy, still correct.
  httplib::Client c("127.0.0.1", port);
  httplib::Result health = c.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  httplib::Result search = c.Get("/search?q=marker17");
  ASSERT_TRUE(search);
  ASSERT_EQ(search->status, 200);
  nlohmann::json body = nlohmann::json::parse(search->body);
  EXPECT_EQ(body["total"], 1);
  EXPECT_EQ(body["hits"][0]["id"], "a17");
  EXPECT_EQ(body["hits"][0]["title"], articles[17].title);
}

}  // namespace
}  // namespace newsdex::server
