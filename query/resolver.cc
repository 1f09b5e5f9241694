#include "query/resolver.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "core/actor_names.h"
#include "core/country_names.h"
#include "core/data_path.h"
#include "core/language.h"
#include "core/log.h"

namespace newsdex::query {

absl::string_view FacetFieldName(FacetField field) {
  switch (field) {
    case FacetField::kActor: return "actor";
    case FacetField::kCountry: return "country";
    case FacetField::kAbout: return "about";
    case FacetField::kLanguage: return "lang";
    case FacetField::kSource: return "source";
    case FacetField::kDate: return "date";
  }
  return "";
}

bool ParseFacetField(absl::string_view name, FacetField* field) {
  for (FacetField f : {FacetField::kActor, FacetField::kCountry, FacetField::kAbout,
                       FacetField::kLanguage, FacetField::kSource, FacetField::kDate}) {
    if (FacetFieldName(f) == name) {
      *field = f;
      return true;
    }
  }
  return false;
}

core::ValueSlot FacetSlot(FacetField field) {
  switch (field) {
    case FacetField::kActor: return core::ValueSlot::kActors;
    case FacetField::kCountry: return core::ValueSlot::kCountries;
    case FacetField::kAbout: return core::ValueSlot::kFocusCountries;
    case FacetField::kLanguage: return core::ValueSlot::kLanguage;
    case FacetField::kSource: return core::ValueSlot::kSource;
    case FacetField::kDate: return core::ValueSlot::kDate;
  }
  return core::ValueSlot::kDate;
}

bool IsMultiValuedFacet(FacetField field) {
  return field == FacetField::kActor || field == FacetField::kCountry ||
         field == FacetField::kAbout;
}

std::string DefaultFacetResolver::Resolve(FacetField field, absl::string_view text,
                                          core::Analyzer& analyzer) const {
  switch (field) {
    case FacetField::kCountry:
    case FacetField::kAbout:
      // Codes only: "GB" -> "gb". Names need the gazetteer.
      return absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
    case FacetField::kLanguage: {
      std::string lang = core::CanonicalLanguage(text);
      return lang.empty() ? absl::AsciiStrToLower(absl::StripAsciiWhitespace(text)) : lang;
    }
    case FacetField::kActor:
      return analyzer.FoldKey(text);
    case FacetField::kSource:
      return analyzer.SourceKey(text);
    case FacetField::kDate:
      break;
  }
  return std::string(text);
}

std::string DefaultFacetResolver::DisplayName(FacetField field, absl::string_view key) const {
  std::string name(key);
  switch (field) {
    case FacetField::kCountry:
    case FacetField::kAbout:
      return absl::AsciiStrToUpper(key);
    case FacetField::kActor: {
      // "ali khamenei" -> "Ali Khamenei" (ASCII letters only; others kept).
      bool start = true;
      for (char& c : name) {
        if (start) c = absl::ascii_toupper(c);
        start = c == ' ' || c == '-';
      }
      return name;
    }
    default:
      return name;
  }
}

namespace {

// Countries through core::CountryNames, actors through core::ActorNames; the
// default folding for anything they do not know.
class GazetteerFacetResolver : public DefaultFacetResolver {
 public:
  GazetteerFacetResolver(const core::CountryNames* countries,
                         std::unique_ptr<core::ActorNames> actors)
      : countries_(countries), actors_(std::move(actors)) {}

  std::string Resolve(FacetField field, absl::string_view text,
                      core::Analyzer& analyzer) const override {
    if ((field == FacetField::kCountry || field == FacetField::kAbout) && countries_ != nullptr) {
      if (std::optional<std::string> key = countries_->Resolve(text)) return *key;
    }
    if (field == FacetField::kActor && actors_ != nullptr) {
      std::vector<core::ActorId> ids = actors_->Resolve(text, analyzer);
      if (!ids.empty()) {
        std::string key = analyzer.FoldKey(actors_->actor(ids[0]).name);
        if (!key.empty()) return key;
      }
    }
    return DefaultFacetResolver::Resolve(field, text, analyzer);
  }

  std::string DisplayName(FacetField field, absl::string_view key) const override {
    if ((field == FacetField::kCountry || field == FacetField::kAbout) && countries_ != nullptr) {
      std::string name = countries_->DisplayName(key);
      if (!name.empty()) return name;
    }
    if (field == FacetField::kActor && actors_ != nullptr) {
      absl::Span<const core::ActorId> ids = actors_->FindByKey(key);
      if (!ids.empty()) return actors_->actor(ids[0]).name;
    }
    return DefaultFacetResolver::DisplayName(field, key);
  }

 private:
  const core::CountryNames* countries_;  // owned by CountryNames::Default()
  std::unique_ptr<core::ActorNames> actors_;
};

}  // namespace

std::shared_ptr<const FacetResolver> MakeFacetResolver() {
  // Loaded once per process; the gazetteers take a while to read.
  static const std::shared_ptr<const FacetResolver> resolver = [] {
    const core::CountryNames* countries = nullptr;
    if (absl::StatusOr<const core::CountryNames*> c = core::CountryNames::Default(); c.ok()) {
      countries = *c;
    } else {
      NEWSDEX_LOG(WARNING) << "country names unavailable, country filters take codes only: "
                           << c.status().message();
    }
    std::unique_ptr<core::ActorNames> actors;
    if (auto a = core::ActorNames::Load(core::DataDir()); a.ok()) {
      actors = *std::move(a);
    } else {
      NEWSDEX_LOG(WARNING) << "actor names unavailable, actor filters take full names only: "
                           << a.status().message();
    }
    return std::shared_ptr<const FacetResolver>(
        std::make_shared<GazetteerFacetResolver>(countries, std::move(actors)));
  }();
  return resolver;
}

}  // namespace newsdex::query
