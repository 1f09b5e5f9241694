// Fuzzes the Reuters-21578 SGML reader (indexer/reuters_reader.h) through
// indexer::ReadReutersDocuments, which also hands out the <D> labels that
// ReadInputs drops. The input is the file's content, served from memory
// (fuzz_util.h MemoryFile); gzip data is decompressed as for a file.
//
// Checks: reading returns OK; every report is an error naming the file; every
// document has a NEWID as its id, source "Reuters", language "en", an origin
// in this file, text fields and labels in valid UTF-8; and each article
// survives the stored-form round trip. Separately, DecodeSgmlText gives valid
// UTF-8 for any bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "core/article.h"
#include "core/utf8.h"
#include "indexer/input_source.h"
#include "indexer/reader.h"
#include "indexer/reuters_reader.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace newsdex;
  using namespace newsdex::fuzz;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  static MemoryFile* file = new MemoryFile();
  file->Set(input);

  const std::string decoded = indexer::DecodeSgmlText(input);
  NEWSDEX_FUZZ_CHECK(core::utf8::IsValid(decoded), "DecodeSgmlText gave invalid UTF-8");

  auto source = indexer::InputSource::Open(file->path(), nullptr);
  NEWSDEX_FUZZ_CHECK(source.ok(), "cannot open the memory file: " + source.status().ToString());
  auto on_document = [&](indexer::ReutersDocument doc) {
    const core::Article& a = doc.article;
    NEWSDEX_FUZZ_CHECK(!a.id.empty(), "document without id");
    NEWSDEX_FUZZ_CHECK(a.source == "Reuters" && a.language == "en", "source or language");
    NEWSDEX_FUZZ_CHECK(absl::StartsWith(a.origin, file->path() + ":"), "origin " + Quote(a.origin));
    CheckArticleUtf8(a, "reuters article");
    for (const auto* labels : {&doc.places, &doc.people, &doc.topics, &doc.orgs}) {
      for (const std::string& label : *labels) {
        NEWSDEX_FUZZ_CHECK(core::utf8::IsValid(label), "label not valid UTF-8: " + Quote(label));
      }
    }
    CheckStoredRoundTrip(a, "reuters article");
    return absl::OkStatus();
  };
  indexer::ErrorCallback on_error = [&](const absl::Status& status) {
    NEWSDEX_FUZZ_CHECK(!status.ok(), "OK status reported as an error");
    NEWSDEX_FUZZ_CHECK(absl::StrContains(status.message(), file->path()),
                       "report does not name the file: " + status.ToString());
  };
  // Small, so inputs reach the size check.
  const size_t max_document_bytes = 4096;
  const absl::Status status = indexer::ReadReutersDocuments(**source, file->path(),
                                                            max_document_bytes, on_document,
                                                            &on_error);
  NEWSDEX_FUZZ_CHECK(status.ok(), "ReadReutersDocuments failed: " + status.ToString());
  return 0;
}
