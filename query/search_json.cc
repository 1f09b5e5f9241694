// JSON renderings of the query API's results (docs/api.md), written straight
// into a string (query/json_writer.h): one writer per kind of value, shared by
// every body that holds it. Keys keep a fixed order so the output reads well
// and diffs cleanly.
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "query/json_writer.h"
#include "query/search.h"

namespace newsdex::query {
namespace {

void AppendDate(const JsonKey& key, const std::optional<absl::CivilDay>& day,
                JsonObjectWriter& o) {
  if (day) {
    o.String(key, core::FormatIsoDate(*day));
  } else {
    o.Null(key);
  }
}

void AppendCountry(const core::CountryFacet& c, std::string* out) {
  JsonObjectWriter o(out);
  o.String("code", c.code);
  o.String("name", c.name);
  o.Int("mentions", c.mentions);
  o.Bool("focus", c.focus);
  o.Close();
}

// Empty country and role are left out.
void AppendActor(const core::ActorFacet& a, std::string* out) {
  JsonObjectWriter o(out);
  o.String("name", a.name);
  o.Int("mentions", a.mentions);
  if (!a.country.empty()) o.String("country", a.country);
  if (!a.role.empty()) o.String("role", a.role);
  o.Close();
}

void AppendFacetValue(const FacetValue& v, std::string* out) {
  JsonObjectWriter o(out);
  o.String("value", v.value);
  o.String("name", v.name);
  o.Uint("count", v.count);
  o.Close();
}

void AppendDateBucket(const DateBucket& b, std::string* out) {
  JsonObjectWriter o(out);
  o.String("key", b.key);
  o.Uint("count", b.count);
  o.Close();
}

void AppendString(const std::string& s, std::string* out) { AppendJsonString(s, out); }

// The members a hit and a stored article share, in the order both list them.
// `T` is Hit or core::Article; `lang` is its language.
template <typename T>
void AppendListing(const T& a, absl::string_view lang, JsonObjectWriter& o) {
  o.String("id", a.id);
  o.String("title", a.title);
  o.String("url", a.url);
  AppendDate("date", a.date, o);
  o.String("source", a.source);
  o.String("lang", lang);
  AppendJsonArray(a.countries, o.Key("countries"), AppendCountry);
  AppendJsonArray(a.actors, o.Key("actors"), AppendActor);
}

void AppendHit(const Hit& h, std::string* out) {
  JsonObjectWriter o(out);
  AppendListing(h, h.lang, o);
  o.Double("score", h.score);
  o.Uint("rank", h.rank);
  o.String("snippet", h.snippet);
  o.Uint("duplicates", h.duplicates);
  o.Close();
}

void AppendFacetCounts(const std::vector<FacetCounts>& facets, std::string* out) {
  JsonObjectWriter o(out);
  for (const FacetCounts& f : facets) {
    JsonObjectWriter counts(o.EscapedKey(f.field));
    AppendJsonArray(f.values, counts.Key("values"), AppendFacetValue);
    counts.Uint("distinct", f.distinct);
    counts.Bool("disjunctive", f.disjunctive);
    counts.Close();
  }
  o.Close();
}

void AppendDates(const std::optional<DateHistogram>& dates, std::string* out) {
  if (!dates) {
    out->append("null");
    return;
  }
  JsonObjectWriter o(out);
  o.String("bucket", dates->bucket);
  AppendJsonArray(dates->buckets, o.Key("buckets"), AppendDateBucket);
  o.Close();
}

}  // namespace

std::string SearchResponseJson(const SearchResponse& r) {
  std::string out;
  // Enough for a page of ten hits with snippets: one allocation in the common case.
  out.reserve(1024 + r.hits.size() * 1024);
  JsonObjectWriter o(&out);
  o.Uint("total", r.total);
  o.Bool("total_exact", r.total_exact);
  o.Uint("total_lower", r.total_lower);
  o.Uint("total_upper", r.total_upper);
  o.Int("offset", r.offset);
  o.Int("limit", r.limit);
  AppendJsonArray(r.hits, o.Key("hits"), AppendHit);
  AppendFacetCounts(r.facets, o.Key("facets"));
  AppendDates(r.dates, o.Key("dates"));
  o.String("suggestion", r.suggestion);
  o.String("query_warning", r.query_warning);
  o.Bool("timed_out", r.timed_out);
  // Only over a cluster that left shards out: a complete answer reads the
  // same from a cluster and from one index.
  if (r.partial) {
    o.Bool("partial", true);
    AppendJsonArray(r.missing_shards, o.Key("missing_shards"), AppendString);
  }
  o.Double("elapsed_ms", absl::ToDoubleMilliseconds(r.elapsed));
  o.Close();
  return out;
}

std::string HitsJson(const std::vector<Hit>& hits) {
  std::string out;
  JsonObjectWriter o(&out);
  AppendJsonArray(hits, o.Key("hits"), AppendHit);
  o.Close();
  return out;
}

std::string FacetValuesJson(absl::string_view field, const std::vector<FacetValue>& values) {
  std::string out;
  JsonObjectWriter o(&out);
  o.String("field", field);
  AppendJsonArray(values, o.Key("values"), AppendFacetValue);
  o.Close();
  return out;
}

std::string IndexStatsJson(const IndexStats& s) {
  std::string out;
  JsonObjectWriter o(&out);
  o.Uint("documents", s.documents);
  o.String("last_update", s.last_update);
  AppendDate("first_date", s.first_date, o);
  AppendDate("last_date", s.last_date, o);
  JsonObjectWriter facets(o.Key("facet_cardinalities"));
  for (const auto& [field, n] : s.facet_cardinalities) absl::StrAppend(facets.EscapedKey(field), n);
  facets.Close();
  o.Close();
  return out;
}

std::string ArticleJson(const core::Article& a) {
  std::string out;
  JsonObjectWriter o(&out);
  AppendListing(a, a.language, o);
  AppendJsonArray(a.mentioned_dates, o.Key("mentioned_dates"), AppendString);
  o.String("body", a.body);
  o.Close();
  return out;
}

}  // namespace newsdex::query
