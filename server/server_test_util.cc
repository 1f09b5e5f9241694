#include "server/server_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/analyzer.h"
#include "core/status_macros.h"
#include "indexer/document_builder.h"
#include "indexer/index_writer.h"

namespace newsdex::server::testing {

TempDir::TempDir() {
  const char* base = getenv("TEST_TMPDIR");
  std::string templ = absl::StrCat(base != nullptr && *base ? base : "/tmp", "/newsdexd-test-XXXXXX");
  char* made = mkdtemp(templ.data());
  path_ = made != nullptr ? made : "";
}

TempDir::~TempDir() {
  if (!path_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
}

std::vector<core::Article> MakeArticles(int first, int n) {
  static const char* const kTopics[] = {"oil prices", "nuclear talks", "election results",
                                        "grain exports", "central bank rates"};
  static const char* const kSources[] = {"Reuters", "Example Wire"};
  std::vector<core::Article> out;
  for (int i = first; i < first + n; ++i) {
    core::Article a;
    a.id = absl::StrCat("a", i);
    a.url = absl::StrCat("https://news.example/", i);
    const char* topic = kTopics[i % 5];
    a.title = absl::StrCat("Report ", i, " on ", topic);
    a.body = absl::StrCat("Officials discussed ", topic, " in Tehran on day ", i,
                          ". The statement mentions marker", i,
                          " and analysts expect further talks about ", topic, ".");
    a.source = kSources[i % 2];
    a.language = i % 3 == 0 ? "fr" : "en";
    a.date = absl::CivilDay(2025, 1 + (i % 12), 1 + (i % 28));
    core::CountryFacet iran{"ir", "Iran", 2, true};
    a.countries.push_back(iran);
    if (i % 2 == 0) {
      a.countries.push_back(core::CountryFacet{"gb", "United Kingdom", 1, false});
      a.actors.push_back(core::ActorFacet{"Ali Khamenei", 1, "ir", "Supreme Leader"});
    }
    if (i % 3 == 0) a.countries.push_back(core::CountryFacet{"fr", "France", 1, true});
    a.countries_from_metadata = true;
    a.actors_from_metadata = true;
    a.origin = a.id;
    out.push_back(std::move(a));
  }
  return out;
}

std::string ArticleJsonLine(const core::Article& a) {
  nlohmann::json j = nlohmann::json::object();
  j["id"] = a.id;
  j["url"] = a.url;
  j["title"] = a.title;
  j["body"] = a.body;
  j["source"] = a.source;
  j["lang"] = a.language;
  if (a.date) j["date"] = core::FormatIsoDate(*a.date);
  nlohmann::json countries = nlohmann::json::array();
  for (const core::CountryFacet& c : a.countries) {
    countries.push_back({{"code", c.code}, {"name", c.name}});
  }
  j["countries"] = countries;
  nlohmann::json actors = nlohmann::json::array();
  for (const core::ActorFacet& actor : a.actors) {
    actors.push_back({{"name", actor.name}, {"country", actor.country}, {"role", actor.role}});
  }
  j["actors"] = actors;
  return j.dump();
}

absl::Status WriteArticles(const std::string& path, const std::vector<core::Article>& articles) {
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<core::Analyzer> analyzer, core::Analyzer::Create());
  indexer::WriterOptions options;
  options.fsync = false;
  options.batch_size = 1 << 30;
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<indexer::IndexWriter> writer,
                           indexer::IndexWriter::Open(path, options));
  for (const core::Article& a : articles) {
    NEWSDEX_ASSIGN_OR_RETURN(indexer::BuiltDocument doc,
                             indexer::BuildDocument(a, *analyzer, /*want_spelling=*/true));
    NEWSDEX_RETURN_IF_ERROR(writer->Write(doc));
  }
  return writer->Commit();
}

absl::StatusOr<std::unique_ptr<RunningServer>> RunningServer::Start(ServerOptions options) {
  options.host = "127.0.0.1";
  options.port = 0;
  if (options.access_log.empty()) options.access_log = "off";
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<NewsServer> server, NewsServer::Create(options));
  auto running = std::unique_ptr<RunningServer>(new RunningServer());
  running->server_ = std::move(server);
  NewsServer* raw = running->server_.get();
  running->thread_ = std::thread([raw] { (void)raw->Serve(); });
  return running;
}

RunningServer::~RunningServer() { Stop(); }

void RunningServer::Stop() {
  if (server_ != nullptr) server_->Stop();
  if (thread_.joinable()) thread_.join();
}

namespace {

// True once `response` holds a status line, headers and a Content-Length body.
bool ResponseComplete(const std::string& response) {
  const size_t head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  const std::string head = response.substr(0, head_end);
  size_t length = 0;
  for (absl::string_view line : absl::StrSplit(head, "\r\n")) {
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    if (name == "content-length") {
      if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(colon + 1)), &length)) {
        return false;
      }
    }
  }
  return response.size() >= head_end + 4 + length;
}

}  // namespace

absl::StatusOr<std::string> RawExchange(int port, const std::string& bytes,
                                        absl::Duration timeout, bool half_close) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::UnavailableError("socket() failed");
  timeval tv = absl::ToTimeval(timeout);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return absl::UnavailableError("connect() failed");
  }
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early (e.g. after a 400)
    sent += static_cast<size_t>(n);
  }
  if (half_close) ::shutdown(fd, SHUT_WR);
  std::string response;
  char buf[8192];
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    response.append(buf, static_cast<size_t>(n));
    if (ResponseComplete(response)) break;
  }
  ::close(fd);
  return response;
}

int RawStatus(const std::string& response) {
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return -1;
  int status = -1;
  if (!absl::SimpleAtoi(response.substr(9, 3), &status)) return -1;
  return status;
}

std::string OpenApiPath() { return absl::StrCat(NEWSDEX_SOURCE_DIR, "/docs/openapi.yaml"); }

}  // namespace newsdex::server::testing
