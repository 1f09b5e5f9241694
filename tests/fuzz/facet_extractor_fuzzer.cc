// Fuzzes the facet extractors (indexer/facet_extractor.h: countries, actors,
// dates) with the real gazetteers of data/ over arbitrary text. Articles reach
// extraction as valid UTF-8 (the readers repair encodings, the daemon's JSON
// parser rejects bad bytes), so the input's bytes are repaired the same way
// first (core::utf8::Repair).
//
// Input: title, dateline and language as length-prefixed strings, a flag and
// a publication date, the rest is the body (FuzzedDataProvider).
//
// Checks: the tokens handed back are exactly analyzer.Tokenize of title and
// body; countries are sorted by a unique non-empty key with a name and a
// mention count >= 0; actors have a non-empty name; mentioned dates are
// "YYYY", "YYYY-MM" or "YYYY-MM-DD", sorted; every string is valid UTF-8;
// BodyDatelineLength stays inside the body; and the article survives the
// stored-form round trip.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "core/analyzer.h"
#include "core/article.h"
#include "core/utf8.h"
#include "indexer/facet_extractor.h"
#include "tests/fuzz/fuzz_util.h"

namespace newsdex::fuzz {
namespace {

struct Extraction {
  std::unique_ptr<indexer::FacetExtractor> extractor;
  std::unique_ptr<core::Analyzer> analyzer;
};

Extraction& GetExtraction() {
  static Extraction* e = [] {
    auto* x = new Extraction;
    auto loaded = indexer::FacetExtractor::Load();
    NEWSDEX_FUZZ_CHECK(loaded.ok(), "gazetteers: " + loaded.status().ToString());
    x->extractor = *std::move(loaded);
    x->analyzer = core::Analyzer::Create().value();
    return x;
  }();
  return *e;
}

bool SameTokens(const std::vector<core::Token>& a, const std::vector<core::Token>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].term != b[i].term || a[i].begin != b[i].begin || a[i].end != b[i].end) return false;
  }
  return true;
}

bool IsDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

// "YYYY", "YYYY-MM" or "YYYY-MM-DD" (digits in place; not a calendar check).
bool IsMentionedDate(absl::string_view d) {
  if (d.size() != 4 && d.size() != 7 && d.size() != 10) return false;
  if (!IsDigits(d.substr(0, 4))) return false;
  if (d.size() >= 7 && (d[4] != '-' || !IsDigits(d.substr(5, 2)))) return false;
  if (d.size() == 10 && (d[7] != '-' || !IsDigits(d.substr(8, 2)))) return false;
  return true;
}

}  // namespace
}  // namespace newsdex::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  newsdex::fuzz::GetExtraction();  // gazetteers load once, before the clock starts
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace newsdex;
  using namespace newsdex::fuzz;
  Extraction& e = GetExtraction();
  FuzzedDataProvider in(data, size);

  core::Article a;
  a.title = core::utf8::Repair(in.ConsumeRandomLengthString(300));
  a.dateline = core::utf8::Repair(in.ConsumeRandomLengthString(80));
  a.language = core::utf8::Repair(in.ConsumeRandomLengthString(3));
  if (in.ConsumeBool()) {
    a.date = absl::CivilDay(in.ConsumeIntegralInRange(1900, 2100), in.ConsumeIntegralInRange(1, 12),
                            in.ConsumeIntegralInRange(1, 28));
  }
  a.body = core::utf8::Repair(in.ConsumeRemainingBytesAsString());
  a.id = "fuzz";

  NEWSDEX_FUZZ_CHECK(indexer::BodyDatelineLength(a.body) <= a.body.size(),
                     "BodyDatelineLength past the body");

  indexer::ArticleTokens tokens;
  e.extractor->Extract(&a, *e.analyzer, &tokens);

  std::vector<core::Token> expected;
  e.analyzer->Tokenize(a.title, &expected);
  NEWSDEX_FUZZ_CHECK(SameTokens(tokens.title, expected), "title tokens differ from Tokenize");
  expected.clear();
  e.analyzer->Tokenize(a.body, &expected);
  NEWSDEX_FUZZ_CHECK(SameTokens(tokens.body, expected), "body tokens differ from Tokenize");

  for (size_t i = 0; i < a.countries.size(); ++i) {
    const core::CountryFacet& c = a.countries[i];
    NEWSDEX_FUZZ_CHECK(!c.code.empty() && !c.name.empty(), "country without key or name");
    NEWSDEX_FUZZ_CHECK(c.mentions >= 0, "negative country mentions");
    NEWSDEX_FUZZ_CHECK(i == 0 || a.countries[i - 1].code < c.code,
                       "countries not sorted by unique key at " + Quote(c.code));
  }
  for (const core::ActorFacet& p : a.actors) {
    NEWSDEX_FUZZ_CHECK(!p.name.empty(), "actor without a name");
    NEWSDEX_FUZZ_CHECK(p.mentions >= 0, "negative actor mentions");
  }
  for (size_t i = 0; i < a.mentioned_dates.size(); ++i) {
    NEWSDEX_FUZZ_CHECK(IsMentionedDate(a.mentioned_dates[i]),
                       "mentioned date " + Quote(a.mentioned_dates[i]));
    NEWSDEX_FUZZ_CHECK(i == 0 || a.mentioned_dates[i - 1] <= a.mentioned_dates[i],
                       "mentioned dates not sorted");
  }
  CheckArticleUtf8(a, "extracted article");
  CheckStoredRoundTrip(a, "extracted article");
  return 0;
}
