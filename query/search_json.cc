// JSON renderings of the query API's results (docs/api.md). Keys keep a fixed
// order (nlohmann::ordered_json) so the output reads well and diffs cleanly.
#include <nlohmann/json.hpp>

#include "absl/time/time.h"
#include "query/search.h"

namespace newsdex::query {
namespace {

using Json = nlohmann::ordered_json;

std::string Dump(const Json& j) {
  // Stored text is valid UTF-8 (readers repair it); never throw if not.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json DateJson(const std::optional<absl::CivilDay>& d) {
  return d ? Json(core::FormatIsoDate(*d)) : Json(nullptr);
}

Json CountriesJson(const std::vector<core::CountryFacet>& countries) {
  Json out = Json::array();
  for (const core::CountryFacet& c : countries) {
    out.push_back(Json{{"code", c.code}, {"name", c.name}, {"mentions", c.mentions},
                       {"focus", c.focus}});
  }
  return out;
}

Json ActorsJson(const std::vector<core::ActorFacet>& actors) {
  Json out = Json::array();
  for (const core::ActorFacet& a : actors) {
    Json o{{"name", a.name}, {"mentions", a.mentions}};
    if (!a.country.empty()) o["country"] = a.country;
    if (!a.role.empty()) o["role"] = a.role;
    out.push_back(std::move(o));
  }
  return out;
}

Json HitJson(const Hit& h) {
  return Json{{"id", h.id},
              {"title", h.title},
              {"url", h.url},
              {"date", DateJson(h.date)},
              {"source", h.source},
              {"lang", h.lang},
              {"countries", CountriesJson(h.countries)},
              {"actors", ActorsJson(h.actors)},
              {"score", h.score},
              {"rank", h.rank},
              {"snippet", h.snippet},
              {"duplicates", h.duplicates}};
}

Json ValuesJson(const std::vector<FacetValue>& values) {
  Json out = Json::array();
  for (const FacetValue& v : values) {
    out.push_back(Json{{"value", v.value}, {"name", v.name}, {"count", v.count}});
  }
  return out;
}

}  // namespace

std::string SearchResponseJson(const SearchResponse& r) {
  Json j;
  j["total"] = r.total;
  j["total_exact"] = r.total_exact;
  j["total_lower"] = r.total_lower;
  j["total_upper"] = r.total_upper;
  j["offset"] = r.offset;
  j["limit"] = r.limit;
  Json hits = Json::array();
  for (const Hit& h : r.hits) hits.push_back(HitJson(h));
  j["hits"] = std::move(hits);
  Json facets = Json::object();
  for (const FacetCounts& f : r.facets) {
    facets[f.field] = Json{{"values", ValuesJson(f.values)},
                           {"distinct", f.distinct},
                           {"disjunctive", f.disjunctive}};
  }
  j["facets"] = std::move(facets);
  if (r.dates) {
    Json buckets = Json::array();
    for (const DateBucket& b : r.dates->buckets) {
      buckets.push_back(Json{{"key", b.key}, {"count", b.count}});
    }
    j["dates"] = Json{{"bucket", r.dates->bucket}, {"buckets", std::move(buckets)}};
  } else {
    j["dates"] = nullptr;
  }
  j["suggestion"] = r.suggestion;
  j["query_warning"] = r.query_warning;
  j["timed_out"] = r.timed_out;
  j["elapsed_ms"] = absl::ToDoubleMilliseconds(r.elapsed);
  return Dump(j);
}

std::string HitsJson(const std::vector<Hit>& hits) {
  Json arr = Json::array();
  for (const Hit& h : hits) arr.push_back(HitJson(h));
  return Dump(Json{{"hits", std::move(arr)}});
}

std::string FacetValuesJson(absl::string_view field, const std::vector<FacetValue>& values) {
  return Dump(Json{{"field", std::string(field)}, {"values", ValuesJson(values)}});
}

std::string IndexStatsJson(const IndexStats& s) {
  Json facets = Json::object();
  for (const auto& [field, n] : s.facet_cardinalities) facets[field] = n;
  return Dump(Json{{"documents", s.documents},
                   {"last_update", s.last_update},
                   {"first_date", DateJson(s.first_date)},
                   {"last_date", DateJson(s.last_date)},
                   {"facet_cardinalities", std::move(facets)}});
}

std::string ArticleJson(const core::Article& a) {
  Json mentioned = Json::array();
  for (const std::string& d : a.mentioned_dates) mentioned.push_back(d);
  return Dump(Json{{"id", a.id},
                   {"title", a.title},
                   {"url", a.url},
                   {"date", DateJson(a.date)},
                   {"source", a.source},
                   {"lang", a.language},
                   {"countries", CountriesJson(a.countries)},
                   {"actors", ActorsJson(a.actors)},
                   {"mentioned_dates", std::move(mentioned)},
                   {"body", a.body}});
}

}  // namespace newsdex::query
