// The real newsdexd binary as a subprocess: --help, start-up errors, the
// listening line, the access log, and graceful shutdown on SIGTERM while a
// request is in flight.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "server/server_test_util.h"

extern char** environ;

namespace newsdex::server {
namespace {

// A running newsdexd with its stdout on a pipe.
struct Daemon {
  pid_t pid = -1;
  int stdout_fd = -1;
  ~Daemon() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    if (stdout_fd >= 0) close(stdout_fd);
  }
  // Waits for the process to exit; returns its exit status or -1.
  int Wait() {
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return -1;
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  bool Running() { return waitpid(pid, nullptr, WNOHANG) == 0; }
  // Reads stdout up to the first newline.
  std::string ReadLine() {
    std::string line;
    char c;
    while (read(stdout_fd, &c, 1) == 1 && c != '\n') line += c;
    return line;
  }
};

std::unique_ptr<Daemon> Spawn(const std::vector<std::string>& args) {
  auto d = std::make_unique<Daemon>();
  int out[2];
  if (pipe(out) != 0) return nullptr;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::vector<char*> argv;
  std::string binary = NEWSDEXD_PATH;
  argv.push_back(binary.data());
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = posix_spawn(&d->pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  d->stdout_fd = out[0];
  if (rc != 0) {
    d->pid = -1;
    return nullptr;
  }
  return d;
}

// Port from "newsdexd: listening on http://127.0.0.1:PORT".
int PortOf(const std::string& line) {
  size_t colon = line.rfind(':');
  int port = -1;
  if (colon == std::string::npos || !absl::SimpleAtoi(line.substr(colon + 1), &port)) return -1;
  return port;
}

// The port (hex, after ':') of an address column of /proc/net/tcp.
int PortOfHexAddress(const std::string& address) {
  int port = -1;
  const size_t colon = address.find(':');
  if (colon == std::string::npos ||
      !absl::SimpleHexAtoi(absl::string_view(address).substr(colon + 1), &port)) {
    return -1;
  }
  return port;
}

// True once the daemon has read everything sent on the loopback connection
// `fd` to its `port`: nothing is left in our send queue (sent and
// acknowledged), and the daemon's end of the connection, found in
// /proc/net/tcp by its two ports, has nothing unread in its receive queue.
bool DaemonHasReadAll(int fd, int port) {
  int unacknowledged = 0;
  if (ioctl(fd, SIOCOUTQ, &unacknowledged) != 0 || unacknowledged != 0) return false;
  sockaddr_in local{};
  socklen_t length = sizeof(local);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) return false;
  const int client_port = ntohs(local.sin_port);
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);  // column names
  while (std::getline(table, line)) {
    // sl local_address rem_address st tx_queue:rx_queue ...
    std::istringstream columns(line);
    std::string slot, local_address, remote_address, state, queues;
    columns >> slot >> local_address >> remote_address >> state >> queues;
    if (PortOfHexAddress(local_address) != port ||
        PortOfHexAddress(remote_address) != client_port) {
      continue;
    }
    const size_t colon = queues.find(':');
    uint32_t unread = 1;
    return colon != std::string::npos &&
           absl::SimpleHexAtoi(absl::string_view(queues).substr(colon + 1), &unread) &&
           unread == 0;
  }
  return false;
}

TEST(NewsdexdTest, HelpDocumentsEveryFlag) {
  std::unique_ptr<Daemon> d = Spawn({"--help"});
  ASSERT_NE(d, nullptr);
  std::string help;
  char buf[4096];
  ssize_t n;
  while ((n = read(d->stdout_fd, buf, sizeof(buf))) > 0) help.append(buf, n);
  EXPECT_EQ(d->Wait(), 0);
  for (const char* flag : {"--db", "--listen", "--threads", "--admin-token", "--admin-token-file",
                           "--cors-origin", "--access-log", "--time-limit-ms", "--max-searches",
                           "--count-beside",
                           "--reopen-interval-ms", "--max-body-bytes", "--data-dir", "--help"}) {
    EXPECT_TRUE(absl::StrContains(help, flag)) << flag;
  }
}

TEST(NewsdexdTest, StartupErrorsExitWithStatus2) {
  testing::TempDir dir;
  struct Case {
    std::vector<std::string> args;
  };
  const Case cases[] = {
      {{}},
      {{"--db", dir.path() + "/missing", "--listen", "127.0.0.1:0"}},
      {{"--db", dir.path(), "--listen", "nonsense"}},
      {{"--db", dir.path(), "--bogus"}},
      {{"--db", dir.path(), "--admin-token-file", dir.path() + "/no-token-file"}},
  };
  for (const Case& c : cases) {
    std::unique_ptr<Daemon> d = Spawn(c.args);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->Wait(), 2) << absl::StrJoin(c.args, " ");
  }
}

// The hyphen spellings (--admin-token), with values after "=" as well.
TEST(NewsdexdTest, HyphenSpellingsAndInlineValues) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/db";
  ASSERT_TRUE(testing::WriteArticles(db, testing::MakeArticles(0, 5)).ok());
  std::unique_ptr<Daemon> d = Spawn({"--db", db, "--listen=127.0.0.1:0", "--access-log=off",
                                     "--admin-token", "tok", "--threads=2",
                                     "--reopen-interval-ms", "50"});
  ASSERT_NE(d, nullptr);
  const int port = PortOf(d->ReadLine());
  ASSERT_GT(port, 0);
  httplib::Client c("127.0.0.1", port);
  httplib::Result r = c.Delete("/articles/a1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401) << "writes not enabled by --admin-token: " << r->body;
  httplib::Headers auth = {{"Authorization", "Bearer tok"}};
  r = c.Delete("/articles/a1", auth);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  kill(d->pid, SIGTERM);
  EXPECT_EQ(d->Wait(), 0);
}

TEST(NewsdexdTest, SigtermLetsTheInFlightRequestFinish) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/db";
  ASSERT_TRUE(testing::WriteArticles(db, testing::MakeArticles(0, 30)).ok());
  const std::string log = dir.path() + "/access.log";
  const std::string token_file = dir.path() + "/token";
  std::ofstream(token_file) << "tok\n";
  // Underscore spellings on purpose: they must keep working (the hyphen ones
  // are tested in HyphenSpellingsAndInlineValues).
  std::unique_ptr<Daemon> d = Spawn({"--db", db, "--listen", "127.0.0.1:0", "--access_log", log,
                                     "--admin_token_file", token_file, "--threads", "2"});
  ASSERT_NE(d, nullptr);
  const std::string line = d->ReadLine();
  const int port = PortOf(line);
  ASSERT_GT(port, 0) << line;

  // Writes are enabled by the token file.
  {
    httplib::Client c("127.0.0.1", port);
    httplib::Result r = c.Delete("/articles/a1");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
  }

  // A keep-alive connection: one full request, then half of the next.
  httplib::Client probe("127.0.0.1", port);
  ASSERT_TRUE(probe.Get("/health"));
  const std::string first = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string second_head = "GET /search?q=marker7 HTTP/1.1\r\nHost: x\r\n";
  const std::string second_tail = "Connection: close\r\n\r\n";
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(send(fd, first.data(), first.size(), MSG_NOSIGNAL), static_cast<ssize_t>(first.size()));
  std::string response;
  char buf[4096];
  while (!absl::StrContains(response, "\"uptime_seconds\"")) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    ASSERT_GT(n, 0);
    response.append(buf, n);
  }
  ASSERT_EQ(send(fd, second_head.data(), second_head.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(second_head.size()));

  // SIGTERM only once the daemon has read the half request: before that the
  // connection is idle, and a graceful stop rightly closes idle connections.
  ASSERT_TRUE(testing::WaitUntil([&] { return DaemonHasReadAll(fd, port); }))
      << "the daemon did not read the half request";
  ASSERT_EQ(kill(d->pid, SIGTERM), 0);
  // The daemon waits for the unfinished request: still running, and new
  // connections are refused once the listener is closed.
  EXPECT_TRUE(d->Running());
  ASSERT_EQ(send(fd, second_tail.data(), second_tail.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(second_tail.size()));
  response.clear();
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) response.append(buf, n);
  close(fd);
  EXPECT_EQ(testing::RawStatus(response), 200) << response;
  const size_t body_at = response.find("\r\n\r\n");
  ASSERT_NE(body_at, std::string::npos);
  nlohmann::json body = nlohmann::json::parse(response.substr(body_at + 4), nullptr, false);
  ASSERT_TRUE(body.is_object()) << response;
  EXPECT_EQ(body["total"], 1);
  EXPECT_EQ(body["hits"][0]["id"], "a7");

  EXPECT_EQ(d->Wait(), 0);

  // One JSON access-log line per request, with its latency.
  std::ifstream in(log);
  std::string entry;
  int lines = 0, searches = 0;
  while (std::getline(in, entry)) {
    nlohmann::json j = nlohmann::json::parse(entry, nullptr, false);
    ASSERT_TRUE(j.is_object()) << entry;
    EXPECT_TRUE(j["latency_ms"].is_number()) << entry;
    EXPECT_TRUE(j["status"].is_number_integer()) << entry;
    ++lines;
    if (j["route"] == "search") {
      ++searches;
      EXPECT_EQ(j["status"], 200);
    }
  }
  EXPECT_EQ(lines, 4);  // DELETE, 2x /health, /search
  EXPECT_EQ(searches, 1);
}

}  // namespace
}  // namespace newsdex::server
