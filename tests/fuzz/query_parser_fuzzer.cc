// Fuzzes query::QueryParser (query/query_parser.h) with the gazetteer-backed
// resolver newsdexd uses, on any bytes (the parser promises never to crash).
//
// Checks: Parse either succeeds or returns kInvalidArgument naming a column
// ("query:<n>: ..."); a query over kMaxQueryBytes is refused; the word ranges
// lie inside the text; every term, stem and highlight is valid UTF-8 (the
// analyzer drops invalid bytes); the Xapian query survives serialise() and
// unserialise() unchanged (what the parallel counting thread relies on);
// ParseAsWords never fails and gives the same round trip.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <xapian.h>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "core/analyzer.h"
#include "core/utf8.h"
#include "query/query_parser.h"
#include "query/resolver.h"
#include "tests/fuzz/fuzz_util.h"

namespace newsdex::fuzz {
namespace {

struct Parsers {
  std::unique_ptr<core::Analyzer> analyzer;
  std::shared_ptr<const query::FacetResolver> resolver;
  std::unique_ptr<query::QueryParser> english;
  std::unique_ptr<query::QueryParser> unstemmed;
};

Parsers& GetParsers() {
  static Parsers* parsers = [] {
    auto* p = new Parsers;
    p->analyzer = core::Analyzer::Create().value();
    p->resolver = query::MakeFacetResolver();
    p->english = std::make_unique<query::QueryParser>(*p->analyzer, *p->resolver, "en");
    p->unstemmed = std::make_unique<query::QueryParser>(*p->analyzer, *p->resolver, "none");
    return p;
  }();
  return *parsers;
}

void CheckSerialiseRoundTrip(const Xapian::Query& q, absl::string_view text) {
  const std::string description = q.get_description();
  const Xapian::Query back = Xapian::Query::unserialise(q.serialise());
  NEWSDEX_FUZZ_CHECK(back.get_description() == description,
                     "query of " + Quote(text) + " changed through serialise(): " +
                         description + " -> " + back.get_description());
}

void CheckParsed(const query::ParsedQuery& p, absl::string_view text) {
  for (const query::ParsedQuery::Word& w : p.words) {
    NEWSDEX_FUZZ_CHECK(w.begin <= w.end && w.end <= text.size(),
                       "word range outside the query " + Quote(text));
    NEWSDEX_FUZZ_CHECK(core::utf8::IsValid(w.normalized) && core::utf8::IsValid(w.term),
                       "word not valid UTF-8 in " + Quote(text));
  }
  for (const auto& phrase : p.highlight_phrases) {
    for (const std::string& stem : phrase) {
      NEWSDEX_FUZZ_CHECK(core::utf8::IsValid(stem), "highlight stem " + Quote(stem));
    }
  }
  for (const std::string& prefix : p.highlight_prefixes) {
    NEWSDEX_FUZZ_CHECK(core::utf8::IsValid(prefix), "highlight prefix " + Quote(prefix));
  }
  CheckSerialiseRoundTrip(p.query, text);
}

}  // namespace
}  // namespace newsdex::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  newsdex::fuzz::GetParsers();  // gazetteers load once, before the clock starts
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace newsdex;
  using namespace newsdex::fuzz;
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  Parsers& parsers = GetParsers();
  // Mostly English stemming; inputs whose length is a multiple of 5 also run
  // unstemmed.
  query::QueryParser& parser = size % 5 == 0 ? *parsers.unstemmed : *parsers.english;

  absl::StatusOr<query::ParsedQuery> parsed = parser.Parse(text);
  if (parsed.ok()) {
    NEWSDEX_FUZZ_CHECK(size <= query::kMaxQueryBytes, "over-long query accepted");
    CheckParsed(*parsed, text);
  } else {
    NEWSDEX_FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument,
                       "Parse failed with " + parsed.status().ToString());
    NEWSDEX_FUZZ_CHECK(absl::StartsWith(parsed.status().message(), "query"),
                       "error does not name the query: " + parsed.status().ToString());
  }
  CheckParsed(parser.ParseAsWords(text), text);
  return 0;
}
