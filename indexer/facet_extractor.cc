#include "indexer/facet_extractor.h"

#include <algorithm>

#include "core/status_macros.h"
#include "indexer/actor_extractor.h"
#include "indexer/date_extractor.h"

namespace newsdex::indexer {
namespace {

// A lead longer than this is not searched for the publication date.
constexpr size_t kMaxLeadBytes = 400;
// Datelines are short: "RIO DE JANEIRO, Feb 26 (Reuters) - ".
constexpr size_t kMaxDatelineBytes = 80;

bool IsDatelineWord(absl::string_view word) {
  if (word.size() < 2) return false;
  for (char c : word) {
    if (!(c >= 'A' && c <= 'Z') && c != '.' && c != '\'' && c != '-') return false;
  }
  return true;
}

}  // namespace

size_t BodyDatelineLength(absl::string_view body) {
  const size_t limit = std::min(body.size(), kMaxDatelineBytes);
  static constexpr absl::string_view kSeparators[] = {
      " -- ", " - ", " \xE2\x80\x94 ", " \xE2\x80\x93 ", "\xE2\x80\x94 ", " \xE2\x80\x94"};
  for (size_t pos = 2; pos < limit; ++pos) {
    if (body[pos] == '\n') return 0;
    for (absl::string_view sep : kSeparators) {
      if (body.substr(pos, sep.size()) != sep) continue;
      // The dateline opens with a place in capitals: "PORTLAND, Ore.", "NEW YORK".
      const size_t word_end = body.find_first_of(" ,", 0);
      if (word_end == absl::string_view::npos || word_end > pos) return 0;
      if (!IsDatelineWord(body.substr(0, word_end))) return 0;
      // A place and a date or an agency: "TEHRAN, Aug 24 -", "PARIS (AP) -";
      // a headline in capitals ("FEDERAL RESERVE REPORT - ...") is not one.
      if (body.substr(0, pos).find_first_of(",(") == absl::string_view::npos) return 0;
      return pos + sep.size();
    }
  }
  return 0;
}

FacetExtractor::~FacetExtractor() = default;

absl::StatusOr<std::unique_ptr<FacetExtractor>> FacetExtractor::Load(
    const std::string& data_dir) {
  std::unique_ptr<FacetExtractor> ex(new FacetExtractor());
  NEWSDEX_ASSIGN_OR_RETURN(ex->countries_, CountryExtractor::Load(data_dir));
  NEWSDEX_ASSIGN_OR_RETURN(ex->actors_, ActorExtractor::Load(data_dir));
  return ex;
}

std::vector<TextZone> FacetExtractor::BuildZones(const core::Article& article,
                                                 core::Analyzer& analyzer) {
  std::vector<TextZone> zones;
  zones.reserve(3);
  absl::string_view body = article.body;
  absl::string_view dateline = article.dateline;
  if (dateline.empty()) {
    const size_t n = BodyDatelineLength(body);
    dateline = body.substr(0, n);
    body.remove_prefix(n);
  }
  const std::pair<TextZone::Kind, absl::string_view> parts[] = {
      {TextZone::kTitle, article.title}, {TextZone::kDateline, dateline}, {TextZone::kBody, body}};
  for (const auto& [kind, text] : parts) {
    if (text.empty()) continue;
    TextZone zone;
    zone.kind = kind;
    zone.text = text;
    analyzer.Tokenize(text, &zone.tokens);
    AnalyzeZoneText(&zone);
    zones.push_back(std::move(zone));
  }
  return zones;
}

std::vector<std::string> FacetExtractor::ExplainCountries(const core::Article& article,
                                                          core::Analyzer& analyzer) const {
  return countries_->Explain(BuildZones(article, analyzer), article.date);
}

void FacetExtractor::Extract(core::Article* article, core::Analyzer& analyzer) const {
  const std::vector<TextZone> zones = BuildZones(*article, analyzer);
  const TextZone* dateline = nullptr;
  const TextZone* body = nullptr;
  for (const TextZone& z : zones) {
    if (z.kind == TextZone::kDateline) dateline = &z;
    if (z.kind == TextZone::kBody) body = &z;
  }
  if (!article->date.has_value()) {
    if (dateline != nullptr) article->date = DatelineDate(*dateline, std::nullopt);
    if (!article->date.has_value() && body != nullptr) {
      article->date = FirstFullDate(*body, std::min(body->lead_end, kMaxLeadBytes));
    }
  }
  article->mentioned_dates = MentionedDates(zones, article->date);
  if (!article->countries_from_metadata) {
    article->countries = countries_->Extract(zones, article->date);
  }
  if (!article->actors_from_metadata && actors_ != nullptr) {
    article->actors = actors_->Extract(*article, analyzer);
  }
}

}  // namespace newsdex::indexer
