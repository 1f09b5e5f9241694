// Fuzzes the stored-article decoder (core/article.h DecodeStoredArticle): the
// metadata record of value slot kMetadata and, when that is empty, the older
// JSON document data (layout version 2). A damaged database must give an
// error (kDataLoss), never a crash.
//
// Input: the metadata record up to the first "\n--\n", the document data after
// it (no separator: all metadata, empty data).
//
// Checks: a failure is kDataLoss; a decoded article encodes and decodes again
// to the same stored fields; and, the other way, an article built from the
// input's bytes (strings, counts, a date) survives EncodeStoredArticle ->
// DecodeStoredArticle unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "core/article.h"
#include "tests/fuzz/fuzz_util.h"

namespace newsdex::fuzz {
namespace {

// An article whose every stored field comes from `in`.
core::Article ArticleFrom(FuzzedDataProvider& in) {
  core::Article a;
  a.id = in.ConsumeRandomLengthString(64);
  a.url = in.ConsumeRandomLengthString(64);
  a.title = in.ConsumeRandomLengthString(64);
  a.source = in.ConsumeRandomLengthString(16);
  a.language = in.ConsumeRandomLengthString(4);
  if (in.ConsumeBool()) {
    // FormatCompactDate writes 4-digit years; years outside 0..9999 are not
    // dates any reader produces.
    a.date = absl::CivilDay(in.ConsumeIntegralInRange(0, 9999), in.ConsumeIntegralInRange(1, 12),
                            in.ConsumeIntegralInRange(1, 28));
  }
  for (int i = in.ConsumeIntegralInRange(0, 4); i > 0; --i) {
    core::CountryFacet c;
    c.code = in.ConsumeRandomLengthString(4);
    c.name = in.ConsumeRandomLengthString(16);
    c.mentions = in.ConsumeIntegral<int>();
    c.focus = in.ConsumeBool();
    a.countries.push_back(c);
  }
  for (int i = in.ConsumeIntegralInRange(0, 4); i > 0; --i) {
    core::ActorFacet p;
    p.name = in.ConsumeRandomLengthString(16);
    p.mentions = in.ConsumeIntegral<int>();
    p.country = in.ConsumeRandomLengthString(4);
    p.role = in.ConsumeRandomLengthString(16);
    a.actors.push_back(p);
  }
  for (int i = in.ConsumeIntegralInRange(0, 4); i > 0; --i) {
    a.mentioned_dates.push_back(in.ConsumeRandomLengthString(10));
  }
  a.body = in.ConsumeRemainingBytesAsString();
  return a;
}

}  // namespace
}  // namespace newsdex::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace newsdex;
  using namespace newsdex::fuzz;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t sep = input.find("\n--\n");
  const absl::string_view metadata = input.substr(0, sep);
  const absl::string_view doc_data =
      sep == absl::string_view::npos ? absl::string_view() : input.substr(sep + 4);

  absl::StatusOr<core::Article> decoded = core::DecodeStoredArticle(metadata, doc_data);
  if (decoded.ok()) {
    CheckStoredRoundTrip(*decoded, "decoded article");
  } else {
    NEWSDEX_FUZZ_CHECK(decoded.status().code() == absl::StatusCode::kDataLoss,
                       "decode failed with " + decoded.status().ToString());
  }

  FuzzedDataProvider provider(data, size);
  CheckStoredRoundTrip(ArticleFrom(provider), "built article");
  return 0;
}
