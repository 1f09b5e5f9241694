#include "core/article.h"

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/schema.h"

namespace newsdex::core {

std::string FormatIsoDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string FormatCompactDate(absl::CivilDay day) {
  return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
}

std::optional<absl::CivilDay> ParseIsoDate(absl::string_view text) {
  std::string digits;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    digits = absl::StrCat(text.substr(0, 4), text.substr(5, 2), text.substr(8, 2));
  } else if (text.size() == 8) {
    digits = std::string(text);
  } else {
    return std::nullopt;
  }
  for (char c : digits) {
    if (!absl::ascii_isdigit(c)) return std::nullopt;
  }
  int y = 0, m = 0, d = 0;
  if (!absl::SimpleAtoi(digits.substr(0, 4), &y) ||
      !absl::SimpleAtoi(digits.substr(4, 2), &m) ||
      !absl::SimpleAtoi(digits.substr(6, 2), &d))
    return std::nullopt;
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) return std::nullopt;
  return day;
}

std::string EncodeDocData(const Article& a) {
  nlohmann::json j;
  j["v"] = kDocDataVersion;
  j["id"] = a.id;
  if (!a.url.empty()) j["url"] = a.url;
  j["title"] = a.title;
  if (a.date) j["date"] = FormatIsoDate(*a.date);
  if (!a.source.empty()) j["source"] = a.source;
  if (!a.language.empty()) j["lang"] = a.language;
  auto& countries = j["countries"] = nlohmann::json::array();
  for (const CountryFacet& c : a.countries) {
    countries.push_back({{"code", c.code}, {"name", c.name},
                         {"mentions", c.mentions}, {"focus", c.focus}});
  }
  auto& actors = j["actors"] = nlohmann::json::array();
  for (const ActorFacet& p : a.actors) {
    nlohmann::json o = {{"name", p.name}, {"mentions", p.mentions}};
    if (!p.country.empty()) o["country"] = p.country;
    if (!p.role.empty()) o["role"] = p.role;
    actors.push_back(std::move(o));
  }
  if (!a.mentioned_dates.empty()) j["dates"] = a.mentioned_dates;
  // Invalid UTF-8 must never reach here (readers repair it), but do not throw
  // if it does: replace it.
  std::string out = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // The body follows the metadata raw, after one newline (a compact JSON dump
  // never contains a raw newline): reading a hit's metadata then costs no
  // parse of the body, which measured as the largest cost of a top-10 query.
  out.push_back('\n');
  out += a.body;
  return out;
}

absl::StatusOr<Article> DecodeDocData(absl::string_view data) {
  const size_t newline = data.find('\n');
  if (newline == absl::string_view::npos) {
    return absl::DataLossError("document data has no metadata line");
  }
  const absl::string_view meta = data.substr(0, newline);
  nlohmann::json j = nlohmann::json::parse(meta.begin(), meta.end(), nullptr,
                                           /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::DataLossError("document data is not a JSON object");
  }
  auto version = j.find("v");
  if (version == j.end() || !version->is_number_integer() ||
      version->get<int>() != kDocDataVersion) {
    return absl::DataLossError(
        absl::StrCat("document data has unknown version; expected ", kDocDataVersion));
  }
  auto str = [&](const char* key) -> std::string {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  Article a;
  a.id = str("id");
  a.url = str("url");
  a.title = str("title");
  a.source = str("source");
  a.language = str("lang");
  a.body = std::string(data.substr(newline + 1));
  if (std::string d = str("date"); !d.empty()) a.date = ParseIsoDate(d);
  if (auto it = j.find("countries"); it != j.end() && it->is_array()) {
    for (const auto& c : *it) {
      if (!c.is_object()) continue;
      CountryFacet f;
      f.code = c.value("code", "");
      f.name = c.value("name", "");
      f.mentions = c.value("mentions", 0);
      f.focus = c.value("focus", false);
      a.countries.push_back(std::move(f));
    }
  }
  if (auto it = j.find("actors"); it != j.end() && it->is_array()) {
    for (const auto& p : *it) {
      if (!p.is_object()) continue;
      ActorFacet f;
      f.name = p.value("name", "");
      f.mentions = p.value("mentions", 0);
      f.country = p.value("country", "");
      f.role = p.value("role", "");
      a.actors.push_back(std::move(f));
    }
  }
  if (auto it = j.find("dates"); it != j.end() && it->is_array()) {
    for (const auto& d : *it) {
      if (d.is_string()) a.mentioned_dates.push_back(d.get<std::string>());
    }
  }
  return a;
}

}  // namespace newsdex::core
