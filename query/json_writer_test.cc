#include "query/json_writer.h"
#include "query/search.h"

#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "absl/time/time.h"

namespace newsdex::query {
namespace {

using Json = nlohmann::ordered_json;

std::string Quoted(absl::string_view text) {
  std::string out;
  AppendJsonString(text, &out);
  return out;
}

// What nlohmann writes for a string, invalid UTF-8 replaced (the other JSON
// bodies of query/search_json.cc are written that way).
std::string NlohmannQuoted(absl::string_view text) {
  return Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

TEST(JsonWriterTest, StringsEscapeLikeNlohmann) {
  static const char* const kCases[] = {
      "",
      "plain ascii",
      "quote \" backslash \\ slash /",
      "controls \b\f\n\r\t \x01\x1f \x7f",
      "Zürich – 東京 😀",
      "<b>bold</b> &amp;",
      // Ill-formed UTF-8: lone continuation, truncated sequences, overlong,
      // surrogate, above U+10FFFF, bad byte inside a sequence, F5..FF.
      "a\x80z",
      "a\xC3",
      "a\xE6\x9D",
      "a\xE6\x9Dz",
      "\xC0\xAF",
      "\xE0\x80\x80",
      "\xED\xA0\x80",
      "\xF4\x90\x80\x80",
      "\xF0\x9F\x98",
      "\xF0\x9F\x98z\xF0\x9F\x98\x80",
      "\xF5\xFF\xFE",
      "\xE2\x28\xA1",
  };
  for (const char* c : kCases) {
    const std::string got = Quoted(c);
    EXPECT_EQ(got, NlohmannQuoted(c)) << "input: " << NlohmannQuoted(c);
    EXPECT_FALSE(Json::parse(got, nullptr, false).is_discarded()) << got;
  }
  std::string with_nul("a\0b", 3);
  EXPECT_EQ(Quoted(with_nul), "\"a\\u0000b\"");
}

TEST(JsonWriterTest, DoublesReadBackExactlyAndStayFloats) {
  static const double kCases[] = {0.0, 1.0, -2.0, 0.1, 12.345678901234567, 1e-7, 3.5e21,
                                  std::numeric_limits<double>::max(),
                                  std::numeric_limits<double>::denorm_min()};
  for (double d : kCases) {
    std::string out;
    AppendJsonDouble(d, &out);
    const Json j = Json::parse(out, nullptr, false);
    ASSERT_TRUE(j.is_number_float()) << out;
    EXPECT_EQ(j.get<double>(), d) << out;
  }
  std::string out;
  AppendJsonDouble(std::nan(""), &out);
  AppendJsonDouble(std::numeric_limits<double>::infinity(), &out);
  EXPECT_EQ(out, "nullnull");
}

Hit MakeHit(int rank) {
  Hit h;
  h.id = "id-" + std::to_string(rank);
  h.title = "Title \"quoted\" \xE6\x9D\xB1";
  h.url = rank % 2 ? "https://example.com/a?b=1&c=2" : "";
  if (rank % 2) h.date = absl::CivilDay(2025, 6, 14);
  h.source = "reuters";
  h.lang = "en";
  h.countries = {{"gb", "United Kingdom", 3, true}, {"ir", "Iran", 1, false}};
  h.actors = {{"Ali Khamenei", 2, "ir", "leader"}, {"Someone", 1, "", ""}};
  h.score = 7.25 / (rank + 1);
  h.rank = static_cast<uint64_t>(rank);
  h.snippet = "before <b>word</b> after\n\x01 bad \xFF byte";
  h.duplicates = static_cast<uint64_t>(rank);
  return h;
}

TEST(JsonWriterTest, SearchResponseIsCanonicalJsonWithTheDocumentedKeys) {
  SearchResponse full;
  full.total = 12345;
  full.total_exact = true;
  full.total_lower = 12000;
  full.total_upper = 13000;
  full.offset = 20;
  full.limit = 10;
  for (int i = 0; i < 3; ++i) full.hits.push_back(MakeHit(i));
  full.facets.push_back({"country", {{"gb", "United Kingdom", 40}, {"us", "United States", 7}},
                         143, true});
  full.facets.push_back({"actor", {}, 0, false});
  full.dates = DateHistogram{"month", {{"2025-05", 3}, {"2025-06", 9}}};
  full.suggestion = "did you mean";
  full.query_warning = "query:3: unbalanced parenthesis";
  full.timed_out = true;
  full.elapsed = absl::Microseconds(1234);

  SearchResponse empty;  // no hits, no facets, no dates, zero elapsed

  SearchResponse whole_ms;  // an integral double
  whole_ms.elapsed = absl::Milliseconds(3);
  whole_ms.hits.push_back(MakeHit(1));
  whole_ms.hits[0].score = 2;

  auto keys = [](const Json& o) {
    std::vector<std::string> k;
    for (auto it = o.begin(); it != o.end(); ++it) k.push_back(it.key());
    return k;
  };
  for (const SearchResponse* r : {&full, &empty, &whole_ms}) {
    const std::string text = SearchResponseJson(*r);
    const Json j = Json::parse(text, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << text;
    // nlohmann writes back exactly this text: compact, valid, nothing lost
    // (doubles print the same shortest way in both).
    EXPECT_EQ(j.dump(-1, ' ', false, Json::error_handler_t::replace), text);
    EXPECT_EQ(keys(j), (std::vector<std::string>{"total", "total_exact", "total_lower",
                                                 "total_upper", "offset", "limit", "hits",
                                                 "facets", "dates", "suggestion",
                                                 "query_warning", "timed_out", "elapsed_ms"}));
    EXPECT_EQ(j["total"].get<uint64_t>(), r->total);
    EXPECT_EQ(j["hits"].size(), r->hits.size());
    EXPECT_TRUE(j["elapsed_ms"].is_number_float());
    for (size_t i = 0; i < r->hits.size(); ++i) {
      const Json& h = j["hits"][i];
      EXPECT_EQ(keys(h), (std::vector<std::string>{"id", "title", "url", "date", "source", "lang",
                                                   "countries", "actors", "score", "rank",
                                                   "snippet", "duplicates"}));
      EXPECT_EQ(h["title"].get<std::string>(), r->hits[i].title);
      EXPECT_EQ(h["score"].get<double>(), r->hits[i].score);
      EXPECT_TRUE(h["score"].is_number_float());
      EXPECT_EQ(h["countries"].size(), r->hits[i].countries.size());
      EXPECT_EQ(keys(h["actors"][1]), (std::vector<std::string>{"name", "mentions"}))
          << "empty country and role are left out";
    }
  }
  const Json f = Json::parse(SearchResponseJson(full));
  EXPECT_EQ(f["facets"]["country"]["distinct"].get<uint64_t>(), 143u);
  EXPECT_EQ(f["facets"]["country"]["values"][0]["name"].get<std::string>(), "United Kingdom");
  EXPECT_EQ(f["dates"]["buckets"][1]["count"].get<uint64_t>(), 9u);
  EXPECT_TRUE(Json::parse(SearchResponseJson(empty))["dates"].is_null());
  // Related articles use the same hit rendering.
  const Json hits = Json::parse(HitsJson(full.hits));
  EXPECT_EQ(hits["hits"], Json::parse(SearchResponseJson(full))["hits"]);
  EXPECT_EQ(keys(hits), (std::vector<std::string>{"hits"}));
}

}  // namespace
}  // namespace newsdex::query
