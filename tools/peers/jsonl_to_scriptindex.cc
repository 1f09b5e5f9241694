// jsonl-to-scriptindex: turns the benchmark JSONL into the record format of
// Xapian's scriptindex ("name=value" lines, continuation lines start with "=",
// a blank line ends a record), for tools/peers/scriptindex.idx.
//
//   jsonl-to-scriptindex JSONL [OUT|-]
//
// Fields written: id, title, body, date (YYYYMMDD), country (one line per
// code), actor (one per name). Prints a JSON summary line to stderr.
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/log.h"
#include "tools/peers/peer_common.h"

namespace newsdex::tools {
namespace {

void AppendField(absl::string_view name, absl::string_view value, std::string* out) {
  if (value.empty()) return;
  absl::StrAppend(out, name, "=");
  for (char c : value) {
    if (c == '\r') continue;
    out->push_back(c);
    if (c == '\n') out->push_back('=');
  }
  out->push_back('\n');
}

}  // namespace
}  // namespace newsdex::tools

int main(int argc, char** argv) {
  using newsdex::tools::AppendField;
  if (argc < 2 || argc > 3) {
    NEWSDEX_LOG(ERROR) << "usage: jsonl-to-scriptindex JSONL [OUT|-]";
    return 2;
  }
  const std::string out_path = argc == 3 ? argv[2] : "-";
  FILE* out = out_path == "-" ? stdout : std::fopen(out_path.c_str(), "wb");
  if (out == nullptr) {
    NEWSDEX_LOG(ERROR) << "jsonl-to-scriptindex: " << out_path << ": cannot open for writing";
    return 1;
  }
  uint64_t bytes = 0, bad = 0, docs = 0;
  std::string record;
  const absl::Status status = newsdex::tools::ReadPeerJsonl(
      argv[1],
      [&](newsdex::tools::PeerDoc doc) {
        record.clear();
        AppendField("id", doc.id, &record);
        AppendField("title", doc.title, &record);
        AppendField("body", doc.body, &record);
        AppendField("date", doc.date, &record);
        for (const auto& c : doc.countries) AppendField("country", c, &record);
        for (const auto& a : doc.actors) AppendField("actor", a, &record);
        record.push_back('\n');
        if (std::fwrite(record.data(), 1, record.size(), out) != record.size()) {
          return absl::DataLossError(out_path + ": write failed");
        }
        ++docs;
        return absl::OkStatus();
      },
      &bytes, &bad);
  if (!status.ok()) {
    NEWSDEX_LOG(ERROR) << "jsonl-to-scriptindex: " << status.message();
    return 1;
  }
  if (std::fflush(out) != 0 || (out != stdout && std::fclose(out) != 0)) {
    NEWSDEX_LOG(ERROR) << "jsonl-to-scriptindex: " << out_path << ": write failed";
    return 1;
  }
  std::fprintf(stderr, "{\"tool\":\"jsonl-to-scriptindex\",\"docs\":%llu,\"bad_lines\":%llu}\n",
               static_cast<unsigned long long>(docs), static_cast<unsigned long long>(bad));
  return 0;
}
