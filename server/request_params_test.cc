#include "server/request_params.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "core/utf8.h"

namespace newsdex::server {
namespace {

QueryParams Params(std::initializer_list<std::pair<const char*, const char*>> list) {
  QueryParams p;
  for (const auto& [k, v] : list) p.emplace(k, v);
  return p;
}

TEST(RequestParamsTest, ParsesEveryParameter) {
  absl::StatusOr<query::SearchRequest> r = ParseSearchParams(
      Params({{"q", "oil AND iran"},
              {"actor", "Ali Khamenei"},
              {"actor", "Hassan Rouhani"},
              {"country", "ir"},
              {"about", "gb"},
              {"lang", "en"},
              {"source", "Reuters"},
              {"from", "2025-01-02"},
              {"to", "2025-03-04"},
              {"facets", "actor,country"},
              {"facets", "date"},
              {"facet_limit", "20"},
              {"sort", "newest"},
              {"offset", "30"},
              {"limit", "15"},
              {"highlight", "false"},
              {"collapse", "true"},
              {"_", "12345"}}),
      absl::Milliseconds(250));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->q, "oil AND iran");
  EXPECT_EQ(r->actors, (std::vector<std::string>{"Ali Khamenei", "Hassan Rouhani"}));
  EXPECT_EQ(r->countries, std::vector<std::string>{"ir"});
  EXPECT_EQ(r->about_countries, std::vector<std::string>{"gb"});
  EXPECT_EQ(r->languages, std::vector<std::string>{"en"});
  EXPECT_EQ(r->sources, std::vector<std::string>{"Reuters"});
  EXPECT_EQ(r->from, absl::CivilDay(2025, 1, 2));
  EXPECT_EQ(r->to, absl::CivilDay(2025, 3, 4));
  EXPECT_EQ(r->facets, (std::vector<std::string>{"actor", "country", "date"}));
  EXPECT_EQ(r->facet_limit, 20);
  EXPECT_EQ(r->sort, query::SortOrder::kNewest);
  EXPECT_EQ(r->offset, 30);
  EXPECT_EQ(r->limit, 15);
  EXPECT_FALSE(r->highlight);
  EXPECT_TRUE(r->collapse);
  EXPECT_EQ(r->time_limit, absl::Milliseconds(250));
}

TEST(RequestParamsTest, DefaultsWithoutParameters) {
  absl::StatusOr<query::SearchRequest> r = ParseSearchParams({}, absl::Seconds(1));
  ASSERT_TRUE(r.ok()) << r.status();
  const query::SearchRequest defaults;
  EXPECT_EQ(r->q, "");
  EXPECT_EQ(r->limit, defaults.limit);
  EXPECT_EQ(r->offset, 0);
  EXPECT_TRUE(r->facets.empty());
}

TEST(RequestParamsTest, RejectsBadInputNamingTheParameter) {
  const std::string long_q(kMaxQueryBytes + 1, 'a');
  const std::string deep_q = std::string(kMaxParenDepth + 1, '(') + "x" +
                             std::string(kMaxParenDepth + 1, ')');
  struct Case {
    QueryParams params;
    const char* parameter;
  };
  const Case cases[] = {
      {Params({{"limit", "101"}}), "limit"},
      {Params({{"limit", "-1"}}), "limit"},
      {Params({{"limit", "ten"}}), "limit"},
      {Params({{"limit", "99999999999999999999"}}), "limit"},
      {Params({{"limit", "5"}, {"limit", "6"}}), "limit"},
      {Params({{"offset", "-3"}}), "offset"},
      {Params({{"offset", "100001"}}), "offset"},
      {Params({{"facet_limit", "0"}}), "facet_limit"},
      {Params({{"from", "2025-02-30"}}), "from"},
      {Params({{"to", "yesterday"}}), "to"},
      {Params({{"from", "2025-05-01"}, {"to", "2025-04-01"}}), "from"},
      {Params({{"sort", "random"}}), "sort"},
      {Params({{"facets", "actor,planet"}}), "facets"},
      {Params({{"highlight", "maybe"}}), "highlight"},
      {Params({{"collapse", ""}}), "collapse"},
      {Params({{"actor", ""}}), "actor"},
      {Params({{"country", std::string(kMaxFilterValueBytes + 1, 'x').c_str()}}), "country"},
      {Params({{"qq", "typo"}}), "qq"},
      {Params({{"q", "\xff\xfe"}}), "q"},
      {Params({{"q", "\xc0\xaf"}}), "q"},          // overlong '/'
      {Params({{"q", "\xed\xa0\x80"}}), "q"},      // surrogate
      {Params({{"source", "abc\xe2\x82"}}), "source"},  // truncated sequence
      {Params({{"q", long_q.c_str()}}), "q"},
      {Params({{"q", deep_q.c_str()}}), "q"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<query::SearchRequest> r = ParseSearchParams(c.params, absl::Seconds(1));
    std::string shown;
    for (const auto& [k, v] : c.params) shown += k + "=" + v.substr(0, 20) + " ";
    ASSERT_FALSE(r.ok()) << shown;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << shown;
    EXPECT_EQ(ParameterOf(r.status()), c.parameter) << shown << r.status();
    EXPECT_EQ(HttpStatusFor(r.status()), 400);
  }
}

TEST(RequestParamsTest, AcceptsQuotedParenthesesAndValidUtf8) {
  const std::string q = "\"" + std::string(100, '(') + "\" Khāmeneī 東京 \xF0\x9F\x98\x80";
  absl::StatusOr<query::SearchRequest> r =
      ParseSearchParams(Params({{"q", q.c_str()}}), absl::Seconds(1));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->q, q);
}

TEST(RequestParamsTest, TooManyFilterValuesIsAnError) {
  QueryParams p;
  for (int i = 0; i <= kMaxFilterValues; ++i) p.emplace("actor", absl::StrCat("x", i));
  absl::StatusOr<query::SearchRequest> r = ParseSearchParams(p, absl::Seconds(1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(ParameterOf(r.status()), "actor");
}

TEST(RequestParamsTest, RelatedAndFacetParameters) {
  EXPECT_EQ(*ParseRelatedParams({}), 10);
  EXPECT_EQ(*ParseRelatedParams(Params({{"limit", "3"}})), 3);
  EXPECT_EQ(ParameterOf(ParseRelatedParams(Params({{"limit", "0"}})).status()), "limit");
  EXPECT_EQ(ParameterOf(ParseRelatedParams(Params({{"q", "x"}})).status()), "q");

  absl::StatusOr<FacetValuesParams> f = ParseFacetValuesParams(Params({{"prefix", "Kham"}}));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->prefix, "Kham");
  EXPECT_EQ(f->limit, 10);
  EXPECT_EQ(ParameterOf(ParseFacetValuesParams(Params({{"limit", "1001"}})).status()), "limit");
  EXPECT_EQ(ParameterOf(RejectParams(Params({{"x", "1"}}))), "x");
  EXPECT_TRUE(RejectParams(Params({{"_", "1"}})).ok());
}

// Parameters are checked with core::utf8::IsValid; what it accepts is what the
// daemon accepts.
TEST(RequestParamsTest, Utf8Validation) {
  struct Case {
    const char* text;
    bool valid;
  };
  const Case cases[] = {
      {"", true},           {"plain", true},         {"\xc3\xa9", true},
      {"\xe2\x82\xac", true}, {"\xf4\x8f\xbf\xbf", true}, {"\xf4\x90\x80\x80", false},
      {"\x80", false},      {"\xc1\xbf", false},     {"\xe0\x80\xaf", false},
      {"\xf0\x80\x80\xaf", false}, {"\xc3", false},  {"\xf8\x88\x80\x80\x80", false},
  };
  for (const Case& c : cases) EXPECT_EQ(core::utf8::IsValid(c.text), c.valid) << c.text;
}

TEST(RequestParamsTest, StatusMappingAndErrorBody) {
  struct Case {
    absl::Status status;
    int http;
  };
  const Case cases[] = {
      {absl::InvalidArgumentError("x"), 400},   {absl::UnauthenticatedError("x"), 401},
      {absl::PermissionDeniedError("x"), 403},  {absl::NotFoundError("x"), 404},
      {absl::ResourceExhaustedError("x"), 413}, {absl::UnavailableError("x"), 503},
      {absl::AbortedError("x"), 503},           {absl::DataLossError("x"), 500},
      {absl::InternalError("x"), 500},
  };
  for (const Case& c : cases) EXPECT_EQ(HttpStatusFor(c.status), c.http) << c.status;

  nlohmann::json body = nlohmann::json::parse(ErrorJson("invalid_parameter", "bad \xff", "limit"));
  EXPECT_EQ(body["error"], "invalid_parameter");
  EXPECT_EQ(body["parameter"], "limit");
  EXPECT_TRUE(body["detail"].is_string());
  EXPECT_FALSE(nlohmann::json::parse(ErrorJson("not_found", "x")).contains("parameter"));
}

}  // namespace
}  // namespace newsdex::server
