#include "indexer/extract_json.h"

#include <nlohmann/json.hpp>

namespace newsdex::indexer {

std::string ExtractionJson(const core::Article& article) {
  // nlohmann::json keeps insertion order only with ordered_json; the documented
  // field order is part of the output's readability.
  nlohmann::ordered_json j;
  j["id"] = article.id;
  j["title"] = article.title;
  j["date"] = article.date ? nlohmann::ordered_json(core::FormatIsoDate(*article.date))
                           : nlohmann::ordered_json(nullptr);
  j["language"] = article.language;
  nlohmann::ordered_json countries = nlohmann::ordered_json::array();
  for (const core::CountryFacet& c : article.countries) {
    countries.push_back(
        {{"code", c.code}, {"name", c.name}, {"mentions", c.mentions}, {"focus", c.focus}});
  }
  j["countries"] = std::move(countries);
  nlohmann::ordered_json actors = nlohmann::ordered_json::array();
  for (const core::ActorFacet& a : article.actors) {
    actors.push_back({{"name", a.name}, {"mentions", a.mentions}, {"country", a.country}});
  }
  j["actors"] = std::move(actors);
  j["dates"] = article.mentioned_dates;
  // Replace invalid UTF-8 (Reuters has a stray Latin-1 byte) instead of throwing.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace newsdex::indexer
