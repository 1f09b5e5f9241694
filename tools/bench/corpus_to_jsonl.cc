// corpus-to-jsonl: converts the shared Reuters-21578 and/or BBC corpora into
// JSON Lines (id, title, body, date, source, language) so the peer engines and
// newsdex can index exactly the same records. A Reuters dateline is put back at
// the start of the body ("TOKYO, March 3 - ..."), as the wire printed it.
//
//   corpus-to-jsonl [--corpus reuters|bbc|all] [--shared DIR] [--out FILE|-]
//
// Prints one JSON summary line to stderr. Exit status 0, or 1 on error.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "tools/bench/corpus_reader.h"
#include "tools/bench/output_file.h"

#ifndef NEWSDEX_SHARED_DIR
#define NEWSDEX_SHARED_DIR "../shared"
#endif

ABSL_FLAG(std::string, corpus, "reuters", "reuters, bbc or all");
ABSL_FLAG(std::string, shared, NEWSDEX_SHARED_DIR, "the shared/ directory");
ABSL_FLAG(std::string, out, "-", "output file, or - for standard output");

namespace newsdex::tools {
namespace {

// One record of the benchmark JSONL.
std::string JsonLine(const SourceArticle& a) {
  std::string line = "{\"id\":";
  AppendJsonString(a.id, &line);
  line += ",\"title\":";
  AppendJsonString(a.title, &line);
  line += ",\"body\":";
  AppendJsonString(a.dateline.empty() ? a.body : absl::StrCat(a.dateline, " ", a.body), &line);
  if (!a.date.empty()) {
    line += ",\"date\":";
    AppendJsonString(a.date, &line);
  }
  line += ",\"source\":";
  AppendJsonString(a.source, &line);
  line += ",\"language\":\"en\"}\n";
  return line;
}

absl::Status Convert(const std::string& corpus, const std::string& out_path) {
  NEWSDEX_ASSIGN_OR_RETURN(OutputFile out, OutputFile::Open(out_path));
  uint64_t docs = 0, skipped = 0, bytes = 0;
  absl::Status written;
  NEWSDEX_RETURN_IF_ERROR(ReadSharedCorpora(
      absl::GetFlag(FLAGS_shared), corpus != "bbc", corpus != "reuters", [&](SourceArticle a) {
        if (a.title.empty() && a.body.empty()) {
          ++skipped;
          return;
        }
        const std::string line = JsonLine(a);
        if (written.ok()) written = out.Write(line);
        bytes += line.size();
        ++docs;
      }));
  NEWSDEX_RETURN_IF_ERROR(written);
  NEWSDEX_RETURN_IF_ERROR(out.Close());
  std::fprintf(stderr,
               "{\"tool\":\"corpus-to-jsonl\",\"docs\":%llu,\"skipped_empty\":%llu,\"bytes\":%llu}\n",
               static_cast<unsigned long long>(docs), static_cast<unsigned long long>(skipped),
               static_cast<unsigned long long>(bytes));
  return absl::OkStatus();
}

}  // namespace
}  // namespace newsdex::tools

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("corpus-to-jsonl [--corpus reuters|bbc|all] [--shared DIR] [--out FILE]");
  absl::ParseCommandLine(argc, argv);
  const std::string corpus = absl::GetFlag(FLAGS_corpus);
  if (corpus != "reuters" && corpus != "bbc" && corpus != "all") {
    NEWSDEX_LOG(ERROR) << "corpus-to-jsonl: --corpus: expected reuters, bbc or all, got \"" << corpus << "\"";
    return 2;
  }
  const absl::Status status = newsdex::tools::Convert(corpus, absl::GetFlag(FLAGS_out));
  if (!status.ok()) {
    NEWSDEX_LOG(ERROR) << "corpus-to-jsonl: " << status.message();
    return 1;
  }
  return 0;
}
