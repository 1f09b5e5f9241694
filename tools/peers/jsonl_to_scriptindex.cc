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
#include "core/status_macros.h"
#include "tools/bench/output_file.h"
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

// One scriptindex record: its fields, then the blank line that ends it.
std::string Record(const PeerDoc& doc) {
  std::string record;
  AppendField("id", doc.id, &record);
  AppendField("title", doc.title, &record);
  AppendField("body", doc.body, &record);
  AppendField("date", doc.date, &record);
  for (const auto& c : doc.countries) AppendField("country", c, &record);
  for (const auto& a : doc.actors) AppendField("actor", a, &record);
  record.push_back('\n');
  return record;
}

absl::Status Convert(const std::string& jsonl, const std::string& out_path) {
  NEWSDEX_ASSIGN_OR_RETURN(OutputFile out, OutputFile::Open(out_path));
  uint64_t bytes = 0, bad = 0, docs = 0;
  NEWSDEX_RETURN_IF_ERROR(ReadPeerJsonl(
      jsonl,
      [&](PeerDoc doc) {
        ++docs;
        return out.Write(Record(doc));
      },
      &bytes, &bad));
  NEWSDEX_RETURN_IF_ERROR(out.Close());
  std::fprintf(stderr, "{\"tool\":\"jsonl-to-scriptindex\",\"docs\":%llu,\"bad_lines\":%llu}\n",
               static_cast<unsigned long long>(docs), static_cast<unsigned long long>(bad));
  return absl::OkStatus();
}

}  // namespace
}  // namespace newsdex::tools

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    NEWSDEX_LOG(ERROR) << "usage: jsonl-to-scriptindex JSONL [OUT|-]";
    return 2;
  }
  const absl::Status status = newsdex::tools::Convert(argv[1], argc == 3 ? argv[2] : "-");
  if (!status.ok()) {
    NEWSDEX_LOG(ERROR) << "jsonl-to-scriptindex: " << status.message();
    return 1;
  }
  return 0;
}
