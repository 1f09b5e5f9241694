// Reads over a cluster (query/cluster_reader.h) against real xapian-tcpsrv
// processes on loopback: 3 shards x 2 replicas of a generated archive answer
// exactly as one index of the same articles (totals, facet counts, hits in
// order, ties compared as sets); a killed replica costs no request; a shard
// with both replicas killed gives partial answers naming it, and full ones
// once a replica is back; Reopen sees new commits on the shards.
// The replicas of a shard serve the same directory here: copying is the
// write side's business (tests/cluster_e2e.sh runs real replication).
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/cluster.h"
#include "gtest/gtest.h"
#include "query/search.h"
#include "query/test_index.h"
#include "tests/testutil.h"

namespace newsdex {
namespace {

using query::SearchRequest;
using query::SearchResponse;
using query::SortOrder;

// A free loopback port (bound, then released for the server to take).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

// An xapian-tcpsrv in its own process group: Kill() ends it and the children
// it forked for open connections, as when a replica's machine stops.
class TcpServer {
 public:
  TcpServer(std::string db, int port) : db_(std::move(db)), port_(port) {}
  ~TcpServer() { Kill(); }
  bool Start() {
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      // Its per-connection "Got exception NetworkError" lines are expected here.
      freopen("/dev/null", "w", stderr);
      freopen("/dev/null", "w", stdout);
      const std::string port = std::to_string(port_);
      execlp("xapian-tcpsrv", "xapian-tcpsrv", "--quiet", "--interface", "127.0.0.1", "--port",
             port.c_str(), db_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    setpgid(pid_, pid_);
    return testing::WaitUntil([&] { return Accepts(port_); }, absl::Seconds(10));
  }
  void Kill() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }
  int port() const { return port_; }

 private:
  std::string db_;
  int port_;
  pid_t pid_ = 0;
};

constexpr int kShards = 3;
constexpr int kReplicas = 2;

// A generated archive: words from a small vocabulary (so scores tie often),
// six countries, five people, dates over 2024, three sources.
std::vector<core::Article> Archive(int first, int count) {
  static const char* kWords[] = {"oil",    "wheat", "bank",  "rates",  "trade", "talks",
                                 "market", "grain", "steel", "export", "strike", "budget"};
  static const char* kCountries[] = {"us", "gb", "fr", "de", "ir", "cn"};
  static const char* kActors[] = {"Ali Khamenei", "Angela Merkel", "Joe Biden", "Xi Jinping",
                                  "Rishi Sunak"};
  static const char* kSources[] = {"Reuters", "AP", "AFP"};
  std::vector<core::Article> out;
  for (int i = first; i < first + count; ++i) {
    std::string body;
    for (int w = 0; w < 6 + i % 7; ++w) absl::StrAppend(&body, kWords[(i * 7 + w * w) % 12], " ");
    std::vector<std::string> countries = {kCountries[i % 6]};
    if (i % 4 == 0) countries.push_back(absl::StrCat(kCountries[(i / 4) % 6], "*"));
    std::vector<std::string> actors;
    if (i % 3 == 0) actors.push_back(kActors[i % 5]);
    const std::string date = absl::StrCat("2024-", 1 + i % 12 < 10 ? "0" : "", 1 + i % 12, "-",
                                          10 + i % 18);
    out.push_back(query::testing::MakeArticle(absl::StrCat("art-", i),
                                              absl::StrCat(kWords[i % 12], " report ", i), body,
                                              date, countries, actors, "en", kSources[i % 3]));
  }
  return out;
}

std::vector<SearchRequest> Requests() {
  std::vector<SearchRequest> out;
  auto add = [&](std::string q, auto&& set) {
    SearchRequest r;
    r.q = std::move(q);
    r.facets = {"actor", "country", "about", "lang", "source", "date"};
    r.snippets = false;
    set(r);
    out.push_back(std::move(r));
  };
  auto none = [](SearchRequest&) {};
  for (const char* q : {"oil", "wheat bank", "\"trade talks\"", "market OR steel", "grain -oil",
                        "", "report", "budget strike"}) {
    add(q, none);
    add(q, [](SearchRequest& r) { r.sort = SortOrder::kNewest; });
    add(q, [](SearchRequest& r) { r.sort = SortOrder::kOldest; r.offset = 7; });
    add(q, [](SearchRequest& r) { r.countries = {"fr"}; });
    add(q, [](SearchRequest& r) { r.actors = {"Joe Biden", "Xi Jinping"}; r.limit = 20; });
    add(q, [](SearchRequest& r) {
      r.from = absl::CivilDay(2024, 3, 1);
      r.to = absl::CivilDay(2024, 6, 30);
      r.offset = 10;
    });
    add(q, [](SearchRequest& r) { r.about_countries = {"de"}; r.sources = {"AP"}; });
  }
  return out;
}

// The order key of a hit under `sort`: hits with equal keys may come in any
// order (docids, the last tie-break, differ between a cluster and one index).
std::string SortKey(const query::Hit& h, SortOrder sort) {
  std::string key = absl::StrCat(std::llround(h.score * 1e6));
  if (sort == SortOrder::kNewest || sort == SortOrder::kOldest) {
    key = absl::StrCat(h.date ? core::FormatIsoDate(*h.date) : "-", "/", key);
  }
  return key;
}

// Same totals, facets and histogram; hits with the same keys rank by rank,
// and each run of tied hits wholly inside the page holds the same ids (a run
// cut by the page's start or end may hold others of the tie).
void ExpectSameAnswer(const SearchRequest& r, const SearchResponse& one,
                      const SearchResponse& cluster) {
  SCOPED_TRACE(absl::StrCat("q=[", r.q, "] sort=", query::SortOrderName(r.sort), " offset=",
                            r.offset));
  EXPECT_EQ(one.total, cluster.total);
  EXPECT_EQ(one.total_exact, cluster.total_exact);
  ASSERT_EQ(one.facets.size(), cluster.facets.size());
  for (size_t f = 0; f < one.facets.size(); ++f) {
    EXPECT_EQ(one.facets[f].distinct, cluster.facets[f].distinct) << one.facets[f].field;
    ASSERT_EQ(one.facets[f].values.size(), cluster.facets[f].values.size());
    for (size_t v = 0; v < one.facets[f].values.size(); ++v) {
      EXPECT_EQ(one.facets[f].values[v].value, cluster.facets[f].values[v].value);
      EXPECT_EQ(one.facets[f].values[v].count, cluster.facets[f].values[v].count);
    }
  }
  ASSERT_EQ(one.dates.has_value(), cluster.dates.has_value());
  if (one.dates) {
    ASSERT_EQ(one.dates->buckets.size(), cluster.dates->buckets.size());
    for (size_t b = 0; b < one.dates->buckets.size(); ++b) {
      EXPECT_EQ(one.dates->buckets[b].key, cluster.dates->buckets[b].key);
      EXPECT_EQ(one.dates->buckets[b].count, cluster.dates->buckets[b].count);
    }
  }
  EXPECT_FALSE(cluster.partial);
  ASSERT_EQ(one.hits.size(), cluster.hits.size());
  const size_t n = one.hits.size();
  for (size_t i = 0; i < n;) {
    size_t end = i;
    std::set<std::string> a, b;
    while (end < n && SortKey(one.hits[end], r.sort) == SortKey(one.hits[i], r.sort)) {
      EXPECT_EQ(SortKey(one.hits[end], r.sort), SortKey(cluster.hits[end], r.sort)) << end;
      a.insert(one.hits[end].id);
      b.insert(cluster.hits[end].id);
      ++end;
    }
    const bool cut = (i == 0 && r.offset > 0) || (end == n && static_cast<int>(n) == r.limit);
    if (!cut) {
      EXPECT_EQ(a, b) << "tied hits from rank " << i;
    }
    i = end;
  }
}

class ClusterReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (system("command -v xapian-tcpsrv >/dev/null") != 0) {
      GTEST_SKIP() << "xapian-tcpsrv not installed (Debian package xapian-tools)";
    }
    dir_ = std::make_unique<testing::TempDir>("cluster_read");
    articles_ = Archive(0, 300);
    std::vector<std::vector<core::Article>> parts(kShards);
    for (const core::Article& a : articles_) {
      parts[core::ShardOf(a.id, kShards)].push_back(a);
    }
    std::string conf = "newsdex-cluster 1\n";
    for (int s = 0; s < kShards; ++s) {
      const std::string path = absl::StrCat(dir_->path(), "/s", s);
      shard_paths_.push_back(path);
      query::testing::WriteWithIndexer(path, parts[s]);
      absl::StrAppend(&conf, "shard s", s, "\nprimary ", path, "\n");
      for (int r = 0; r < kReplicas; ++r) {
        servers_.push_back(std::make_unique<TcpServer>(path, FreePort()));
        ASSERT_TRUE(servers_.back()->Start()) << "xapian-tcpsrv did not start";
        absl::StrAppend(&conf, "replica tcp://127.0.0.1:", servers_.back()->port(), "\n");
      }
    }
    single_path_ = dir_->path() + "/single";
    query::testing::WriteWithIndexer(single_path_, articles_);
    absl::StatusOr<core::Cluster> cluster = core::ParseCluster(conf, "test.conf", dir_->path());
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *cluster;
  }

  TcpServer& Server(int shard, int replica) { return *servers_[shard * kReplicas + replica]; }

  std::unique_ptr<query::Searcher> OpenCluster(
      absl::Duration down_for = absl::Seconds(10),
      std::shared_ptr<query::ClusterHealth> health = nullptr) {
    query::ClusterReadOptions read;
    read.down_for = down_for;
    read.health = std::move(health);
    absl::StatusOr<std::unique_ptr<query::Searcher>> s =
        query::Searcher::OpenCluster(cluster_, query::SearcherOptions(), read);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *std::move(s) : nullptr;
  }

  std::unique_ptr<testing::TempDir> dir_;
  std::vector<core::Article> articles_;
  std::vector<std::string> shard_paths_;
  std::string single_path_;
  std::vector<std::unique_ptr<TcpServer>> servers_;
  core::Cluster cluster_;
};

TEST_F(ClusterReadTest, AnswersAsOneIndex) {
  absl::StatusOr<std::unique_ptr<query::Searcher>> one =
      query::Searcher::Open(single_path_, query::SearcherOptions());
  ASSERT_TRUE(one.ok()) << one.status();
  std::unique_ptr<query::Searcher> cluster = OpenCluster();
  ASSERT_NE(cluster, nullptr);
  const std::vector<SearchRequest> requests = Requests();
  ASSERT_GE(requests.size(), 50u);
  uint64_t hits_seen = 0;
  for (const SearchRequest& r : requests) {
    absl::StatusOr<SearchResponse> a = (*one)->Search(r);
    absl::StatusOr<SearchResponse> b = cluster->Search(r);
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_TRUE(b.ok()) << b.status();
    ExpectSameAnswer(r, *a, *b);
    hits_seen += a->hits.size();
  }
  EXPECT_GT(hits_seen, 300u);  // the table is not answered by empty pages (420 hits)
  absl::StatusOr<core::Article> article = cluster->GetArticle("art-17");
  ASSERT_TRUE(article.ok()) << article.status();
  EXPECT_EQ(article->title, articles_[17].title);
  absl::StatusOr<std::vector<query::FacetValue>> values = cluster->FacetValues("country", "", 10);
  absl::StatusOr<std::vector<query::FacetValue>> values_one =
      (*one)->FacetValues("country", "", 10);
  ASSERT_TRUE(values.ok() && values_one.ok());
  ASSERT_EQ(values->size(), values_one->size());
  for (size_t i = 0; i < values->size(); ++i) EXPECT_EQ((*values)[i].count, (*values_one)[i].count);
  absl::StatusOr<query::IndexStats> stats = cluster->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->documents, articles_.size());
}

TEST_F(ClusterReadTest, KilledReplicaLosesNoRequest) {
  std::unique_ptr<query::Searcher> cluster = OpenCluster();
  ASSERT_NE(cluster, nullptr);
  SearchRequest r;
  r.q = "oil";
  r.facets = {"country"};
  absl::StatusOr<SearchResponse> before = cluster->Search(r);
  ASSERT_TRUE(before.ok()) << before.status();
  // Kill the replica of s1 in use (first_replica 0: the first one).
  ASSERT_EQ(cluster->cluster()->States()[1].endpoint,
            absl::StrCat("tcp://127.0.0.1:", Server(1, 0).port()));
  absl::Time t = absl::Now();
  ASSERT_TRUE(cluster->Search(r).ok());
  const absl::Duration usual = absl::Now() - t;
  Server(1, 0).Kill();
  for (int i = 0; i < 20; ++i) {
    t = absl::Now();
    absl::StatusOr<SearchResponse> after = cluster->Search(r);
    // For docs/benchmarks.md: what the failover adds to the request.
    if (i == 0) {
      RecordProperty("failover_ms", absl::StrCat(absl::ToDoubleMilliseconds(absl::Now() - t),
                                                 " vs ", absl::ToDoubleMilliseconds(usual)));
    }
    ASSERT_TRUE(after.ok()) << "request " << i << ": " << after.status();
    EXPECT_FALSE(after->partial);
    EXPECT_EQ(after->total, before->total);
  }
  const std::vector<query::ShardState> states = cluster->cluster()->States();
  EXPECT_EQ(states[1].endpoint, absl::StrCat("tcp://127.0.0.1:", Server(1, 1).port()));
  EXPECT_EQ(states[1].replicas_down, 1u);
  EXPECT_EQ(states[1].failovers, 1u);
  EXPECT_EQ(states[0].replicas_down, 0u);
  // Every other call fails over too.
  Server(2, 0).Kill();
  EXPECT_TRUE(cluster->GetArticle("art-5").ok());
  Server(0, 0).Kill();
  EXPECT_TRUE(cluster->FacetValues("actor", "", 5).ok());
  EXPECT_TRUE(cluster->Stats().ok());
}

TEST_F(ClusterReadTest, ShardWithoutReplicasIsPartialUntilOneReturns) {
  // A short down mark: recovery is the behaviour under test, and it is timed.
  std::unique_ptr<query::Searcher> cluster = OpenCluster(absl::Milliseconds(200));
  ASSERT_NE(cluster, nullptr);
  SearchRequest r;
  r.facets = {"source"};
  absl::StatusOr<SearchResponse> full = cluster->Search(r);
  ASSERT_TRUE(full.ok()) << full.status();
  Server(2, 0).Kill();
  Server(2, 1).Kill();
  absl::StatusOr<SearchResponse> partial = cluster->Search(r);
  ASSERT_TRUE(partial.ok()) << partial.status();
  EXPECT_TRUE(partial->partial);
  EXPECT_EQ(partial->missing_shards, std::vector<std::string>{"s2"});
  EXPECT_LT(partial->total, full->total);
  const std::string json = query::SearchResponseJson(*partial);
  EXPECT_NE(json.find("\"partial\":true,\"missing_shards\":[\"s2\"]"), std::string::npos) << json;
  EXPECT_EQ(query::SearchResponseJson(*full).find("partial"), std::string::npos);
  // An article of the missing shard is unavailable, not absent.
  std::string on_s2;
  for (const core::Article& a : articles_) {
    if (core::ShardOf(a.id, kShards) == 2) on_s2 = a.id;
  }
  EXPECT_EQ(cluster->GetArticle(on_s2).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(cluster->GetArticle("no-such-id").status().code(), absl::StatusCode::kNotFound);

  TcpServer back(shard_paths_[2], Server(2, 1).port());
  ASSERT_TRUE(back.Start());
  EXPECT_TRUE(testing::WaitUntil(
      [&] {
        absl::StatusOr<SearchResponse> s = cluster->Search(r);
        return s.ok() && !s->partial && s->total == full->total;
      },
      absl::Seconds(10), absl::Milliseconds(20)));
  EXPECT_TRUE(cluster->GetArticle(on_s2).ok());
}

TEST_F(ClusterReadTest, ShardDownForOneReaderIsDownForAllThatShareHealth) {
  // The daemon answers /health from whichever serving thread takes it; that
  // thread's reader may not have tried the dead shard yet.
  auto health = std::make_shared<query::ClusterHealth>(cluster_);
  std::unique_ptr<query::Searcher> a = OpenCluster(absl::Seconds(10), health);
  std::unique_ptr<query::Searcher> b = OpenCluster(absl::Seconds(10), health);
  ASSERT_TRUE(a != nullptr && b != nullptr);
  EXPECT_TRUE(b->cluster()->States()[2].up);
  Server(2, 0).Kill();
  Server(2, 1).Kill();
  SearchRequest r;
  r.q = "oil";
  absl::StatusOr<SearchResponse> partial = a->Search(r);
  ASSERT_TRUE(partial.ok()) << partial.status();
  ASSERT_TRUE(partial->partial);
  const std::vector<query::ShardState> states = b->cluster()->States();
  EXPECT_FALSE(states[2].up);
  EXPECT_EQ(states[2].replicas_down, 2u);
  EXPECT_TRUE(states[0].up);
  EXPECT_TRUE(states[1].up);
}

TEST_F(ClusterReadTest, NoShardAnsweringIsUnavailable) {
  for (auto& s : servers_) s->Kill();
  absl::StatusOr<std::unique_ptr<query::Searcher>> s =
      query::Searcher::OpenCluster(cluster_, query::SearcherOptions());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(s.status().message().find("shard s0"), std::string::npos) << s.status();
}

TEST_F(ClusterReadTest, ReopenSeesNewCommits) {
  std::unique_ptr<query::Searcher> cluster = OpenCluster();
  ASSERT_NE(cluster, nullptr);
  SearchRequest r;
  absl::StatusOr<SearchResponse> before = cluster->Search(r);
  ASSERT_TRUE(before.ok()) << before.status();
  std::vector<core::Article> more = Archive(1000, 30);
  std::vector<std::vector<core::Article>> parts(kShards);
  for (const core::Article& a : more) parts[core::ShardOf(a.id, kShards)].push_back(a);
  for (int s = 0; s < kShards; ++s) query::testing::WriteWithIndexer(shard_paths_[s], parts[s]);
  absl::StatusOr<bool> reopened = cluster->Reopen();
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  absl::StatusOr<SearchResponse> after = cluster->Search(r);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->total, before->total + more.size());
}

}  // namespace
}  // namespace newsdex
