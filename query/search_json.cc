// JSON renderings of the query API's results (docs/api.md). Keys keep a fixed
// order (nlohmann::ordered_json) so the output reads well and diffs cleanly.
#include <nlohmann/json.hpp>

#include "absl/time/time.h"
#include "absl/strings/str_cat.h"
#include "query/json_writer.h"
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

Json ValuesJson(const std::vector<FacetValue>& values) {
  Json out = Json::array();
  for (const FacetValue& v : values) {
    out.push_back(Json{{"value", v.value}, {"name", v.name}, {"count", v.count}});
  }
  return out;
}

// The hot-path renderings (a /search answer per request) write text
// directly (query/json_writer.h); the rest build nlohmann trees.
void AppendUint(uint64_t v, std::string* out) { absl::StrAppend(out, v); }

void AppendBool(bool v, std::string* out) { out->append(v ? "true" : "false"); }

void AppendDate(const std::optional<absl::CivilDay>& day, std::string* out) {
  if (day) {
    AppendJsonString(core::FormatIsoDate(*day), out);
  } else {
    out->append("null");
  }
}

// Appends `items` as a JSON array, each written by `write(item, out)`.
template <typename T, typename Write>
void AppendArray(const std::vector<T>& items, std::string* out, Write&& write) {
  out->push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out->push_back(',');
    write(items[i], out);
  }
  out->push_back(']');
}

void AppendHit(const Hit& h, std::string* out) {
  out->append("{\"id\":");
  AppendJsonString(h.id, out);
  out->append(",\"title\":");
  AppendJsonString(h.title, out);
  out->append(",\"url\":");
  AppendJsonString(h.url, out);
  out->append(",\"date\":");
  AppendDate(h.date, out);
  out->append(",\"source\":");
  AppendJsonString(h.source, out);
  out->append(",\"lang\":");
  AppendJsonString(h.lang, out);
  out->append(",\"countries\":");
  AppendArray(h.countries, out, [](const core::CountryFacet& c, std::string* out) {
    out->append("{\"code\":");
    AppendJsonString(c.code, out);
    out->append(",\"name\":");
    AppendJsonString(c.name, out);
    out->append(",\"mentions\":");
    absl::StrAppend(out, c.mentions);
    out->append(",\"focus\":");
    AppendBool(c.focus, out);
    out->push_back('}');
  });
  out->append(",\"actors\":");
  AppendArray(h.actors, out, [](const core::ActorFacet& a, std::string* out) {
    out->append("{\"name\":");
    AppendJsonString(a.name, out);
    out->append(",\"mentions\":");
    absl::StrAppend(out, a.mentions);
    if (!a.country.empty()) {
      out->append(",\"country\":");
      AppendJsonString(a.country, out);
    }
    if (!a.role.empty()) {
      out->append(",\"role\":");
      AppendJsonString(a.role, out);
    }
    out->push_back('}');
  });
  out->append(",\"score\":");
  AppendJsonDouble(h.score, out);
  out->append(",\"rank\":");
  AppendUint(h.rank, out);
  out->append(",\"snippet\":");
  AppendJsonString(h.snippet, out);
  out->append(",\"duplicates\":");
  AppendUint(h.duplicates, out);
  out->push_back('}');
}

}  // namespace

std::string SearchResponseJson(const SearchResponse& r) {
  std::string out;
  // Enough for a page of ten hits with snippets: one allocation in the common case.
  out.reserve(1024 + r.hits.size() * 1024);
  out.append("{\"total\":");
  AppendUint(r.total, &out);
  out.append(",\"total_exact\":");
  AppendBool(r.total_exact, &out);
  out.append(",\"total_lower\":");
  AppendUint(r.total_lower, &out);
  out.append(",\"total_upper\":");
  AppendUint(r.total_upper, &out);
  out.append(",\"offset\":");
  absl::StrAppend(&out, r.offset);
  out.append(",\"limit\":");
  absl::StrAppend(&out, r.limit);
  out.append(",\"hits\":");
  AppendArray(r.hits, &out, AppendHit);
  out.append(",\"facets\":{");
  for (size_t i = 0; i < r.facets.size(); ++i) {
    const FacetCounts& f = r.facets[i];
    if (i > 0) out.push_back(',');
    AppendJsonString(f.field, &out);
    out.append(":{\"values\":");
    AppendArray(f.values, &out, [](const FacetValue& v, std::string* out) {
      out->append("{\"value\":");
      AppendJsonString(v.value, out);
      out->append(",\"name\":");
      AppendJsonString(v.name, out);
      out->append(",\"count\":");
      AppendUint(v.count, out);
      out->push_back('}');
    });
    out.append(",\"distinct\":");
    AppendUint(f.distinct, &out);
    out.append(",\"disjunctive\":");
    AppendBool(f.disjunctive, &out);
    out.push_back('}');
  }
  out.append("},\"dates\":");
  if (r.dates) {
    out.append("{\"bucket\":");
    AppendJsonString(r.dates->bucket, &out);
    out.append(",\"buckets\":");
    AppendArray(r.dates->buckets, &out, [](const DateBucket& b, std::string* out) {
      out->append("{\"key\":");
      AppendJsonString(b.key, out);
      out->append(",\"count\":");
      AppendUint(b.count, out);
      out->push_back('}');
    });
    out.push_back('}');
  } else {
    out.append("null");
  }
  out.append(",\"suggestion\":");
  AppendJsonString(r.suggestion, &out);
  out.append(",\"query_warning\":");
  AppendJsonString(r.query_warning, &out);
  out.append(",\"timed_out\":");
  AppendBool(r.timed_out, &out);
  out.append(",\"elapsed_ms\":");
  AppendJsonDouble(absl::ToDoubleMilliseconds(r.elapsed), &out);
  out.push_back('}');
  return out;
}

std::string HitsJson(const std::vector<Hit>& hits) {
  std::string out = "{\"hits\":";
  AppendArray(hits, &out, AppendHit);
  out.push_back('}');
  return out;
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
