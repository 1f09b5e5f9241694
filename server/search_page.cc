#include "server/search_page.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "core/analyzer.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "server/html.h"
#include "server/request_params.h"
#include "server/templates.h"
#include "server/web_assets.h"

namespace newsdex::server {
namespace {

using query::FacetField;

// The facets of the sidebar, in its order. Facets with a `find_label` have a
// box that adds a value by name (suggested as you type from /facets/{field}).
struct FacetSpec {
  FacetField field;
  absl::string_view heading;
  absl::string_view find_label;
};
constexpr FacetSpec kPageFacets[] = {
    {FacetField::kAbout, "About", ""},
    {FacetField::kCountry, "Mentions", "Add a country"},
    {FacetField::kActor, "People", "Add a person"},
    {FacetField::kLanguage, "Language", ""},
    {FacetField::kSource, "Source", ""},
};

const int kDefaultLimit = query::SearchRequest().limit;
// More bars than this and the timeline shows only the non-empty buckets
// (a year histogram over a stray date in year 1 would otherwise draw 2,000).
constexpr size_t kMaxTimelineBars = 200;
// Chips per kind under a hit.
constexpr size_t kMaxChips = 4;

constexpr absl::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::vector<std::string> query::SearchRequest::*FilterMember(FacetField field) {
  switch (field) {
    case FacetField::kActor: return &query::SearchRequest::actors;
    case FacetField::kCountry: return &query::SearchRequest::countries;
    case FacetField::kAbout: return &query::SearchRequest::about_countries;
    case FacetField::kLanguage: return &query::SearchRequest::languages;
    case FacetField::kSource:
    case FacetField::kDate: break;
  }
  return &query::SearchRequest::sources;
}

// "1,234,567".
std::string WithCommas(uint64_t n) {
  std::string digits = absl::StrCat(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Articles(uint64_t n) {
  return absl::StrCat(WithCommas(n), n == 1 ? " article" : " articles");
}

std::string DayText(absl::CivilDay day) {
  return absl::StrCat(day.day(), " ", kMonths[day.month() - 1], " ", day.year());
}

// This thread's analyzer, for resolving filter values as the search does;
// null if ICU cannot make one (values are then compared as typed).
core::Analyzer* ThreadAnalyzer() {
  thread_local std::unique_ptr<core::Analyzer> analyzer = [] {
    absl::StatusOr<std::unique_ptr<core::Analyzer>> made = core::Analyzer::Create();
    if (!made.ok()) NEWSDEX_LOG(ERROR) << "search page: " << made.status();
    return made.ok() ? *std::move(made) : nullptr;
  }();
  return analyzer.get();
}

std::string ResolveKey(const query::FacetResolver& resolver, FacetField field,
                       absl::string_view value) {
  core::Analyzer* analyzer = ThreadAnalyzer();
  return analyzer == nullptr ? std::string(value) : resolver.Resolve(field, value, *analyzer);
}

// ---------------------------------------------------------------------------
// The page's state and the links that change it.

struct Filter {
  FacetField field;
  std::string value;  // as the URL spells it
  std::string key;    // the stored key it resolves to
};

struct PageState {
  std::string q;
  std::vector<Filter> filters;  // in kPageFacets order, then URL order
  std::optional<absl::CivilDay> from, to;
  query::SortOrder sort = query::SortOrder::kRelevance;
  bool collapse = false;
  int limit = kDefaultLimit;
  int offset = 0;

  // The index of the filter on `field` resolving to `key`, or -1.
  int Find(FacetField field, absl::string_view key) const {
    for (size_t i = 0; i < filters.size(); ++i) {
      if (filters[i].field == field && filters[i].key == key) return static_cast<int>(i);
    }
    return -1;
  }
};

PageState StateOf(const query::SearchRequest& request, const query::FacetResolver& resolver) {
  PageState state;
  state.q = request.q;
  for (const FacetSpec& spec : kPageFacets) {
    for (const std::string& value : request.*FilterMember(spec.field)) {
      state.filters.push_back({spec.field, value, ResolveKey(resolver, spec.field, value)});
    }
  }
  state.from = request.from;
  state.to = request.to;
  state.sort = request.sort;
  state.collapse = request.collapse;
  state.limit = request.limit;
  state.offset = request.offset;
  return state;
}

// Which parts of the state a URL or form keeps.
enum Part : unsigned {
  kQuery = 1,
  kFilters = 2,
  kDates = 4,
  kSort = 8,
  kCollapse = 16,
  kLimit = 32,
  kOffset = 64,
  kAllParts = 127,
};

using Param = std::pair<absl::string_view, std::string>;

// The URL parameters of the parts of `state` in `parts`, leaving out the
// filter at index `skip_filter`; defaults are left out.
std::vector<Param> ParamsOf(const PageState& state, unsigned parts, int skip_filter = -1) {
  std::vector<Param> params;
  if ((parts & kQuery) && !state.q.empty()) params.emplace_back("q", state.q);
  for (size_t i = 0; (parts & kFilters) && i < state.filters.size(); ++i) {
    if (static_cast<int>(i) == skip_filter) continue;
    params.emplace_back(query::FacetFieldName(state.filters[i].field), state.filters[i].value);
  }
  if ((parts & kDates) && state.from) params.emplace_back("from", core::FormatIsoDate(*state.from));
  if ((parts & kDates) && state.to) params.emplace_back("to", core::FormatIsoDate(*state.to));
  if ((parts & kSort) && state.sort != query::SortOrder::kRelevance) {
    params.emplace_back("sort", query::SortOrderName(state.sort));
  }
  if ((parts & kCollapse) && state.collapse) params.emplace_back("collapse", "1");
  if ((parts & kLimit) && state.limit != kDefaultLimit) {
    params.emplace_back("limit", absl::StrCat(state.limit));
  }
  if ((parts & kOffset) && state.offset > 0) {
    params.emplace_back("offset", absl::StrCat(state.offset));
  }
  return params;
}

// Appends "name=value" to a page address ("/", "/?q=a"), both percent-encoded.
void AppendParam(std::string* href, absl::string_view name, absl::string_view value) {
  href->push_back(href->find('?') == std::string::npos ? '?' : '&');
  html::AppendUrlEncoded(name, href);
  href->push_back('=');
  html::AppendUrlEncoded(value, href);
}

std::string Href(const PageState& state, unsigned parts, int skip_filter = -1) {
  std::string href = "/";
  for (const auto& [name, value] : ParamsOf(state, parts, skip_filter)) {
    AppendParam(&href, name, value);
  }
  return href;
}

// The links of one page: the current state with one change each. A change
// of what is searched drops the offset (back to the first page). The bases
// are built once: a page has a few hundred links.
class Links {
 public:
  explicit Links(const PageState& state)
      : state_(state),
        base_(Href(state, kAllParts & ~kOffset)),
        undated_(Href(state, kAllParts & ~kOffset & ~kDates)) {}

  // Adds `value` to the filters on `field`, or removes the filter resolving
  // to `key` when there is one (facet values and chips toggle).
  std::string ToggleFilter(FacetField field, absl::string_view value, absl::string_view key) const {
    const int index = state_.Find(field, key);
    if (index >= 0) return RemoveFilter(index);
    std::string href = base_;
    AppendParam(&href, query::FacetFieldName(field), value);
    return href;
  }
  bool Selected(FacetField field, absl::string_view key) const {
    return state_.Find(field, key) >= 0;
  }
  std::string RemoveFilter(int index) const { return Href(state_, kAllParts & ~kOffset, index); }
  std::string Dates(absl::CivilDay from, absl::CivilDay to) const {
    std::string href = undated_;
    AppendParam(&href, "from", core::FormatIsoDate(from));
    AppendParam(&href, "to", core::FormatIsoDate(to));
    return href;
  }
  const std::string& Undated() const { return undated_; }
  std::string Offset(int offset) const {
    std::string href = base_;
    if (offset > 0) AppendParam(&href, "offset", absl::StrCat(offset));
    return href;
  }
  std::string Sort(query::SortOrder sort) const {
    PageState changed = state_;
    changed.sort = sort;
    return Href(changed, kAllParts & ~kOffset);
  }
  std::string Collapse(bool collapse) const {
    PageState changed = state_;
    changed.collapse = collapse;
    return Href(changed, kAllParts & ~kOffset);
  }
  std::string Query(absl::string_view q) const {
    PageState changed = state_;
    changed.q = std::string(q);
    return Href(changed, kAllParts & ~kOffset);
  }
  // Everything but the filters and dates.
  std::string Unfiltered() const { return Href(state_, kQuery | kSort | kCollapse | kLimit); }

 private:
  const PageState& state_;
  const std::string base_;     // without the offset
  const std::string undated_;  // without the offset and the dates
};

// Hidden form fields keeping `parts` of the state (list `name` of the view).
void AddHiddenFields(const PageState& state, unsigned parts, absl::string_view name, View& view) {
  const std::vector<Param> params = ParamsOf(state, parts);
  view.ReserveItems(name, params.size());
  for (const auto& [param, value] : params) {
    View field = view.AddItem(name);
    field.Set("name", param);
    field.Set("value", value);
  }
}

// ---------------------------------------------------------------------------
// The layout around every page.

// Sets what layout.mustache reads besides the body: the title, the search box
// and the versioned addresses of the static files.
void AddLayout(absl::string_view title, const PageState* state, View& view) {
  view.Set("page_title",
           title.empty() ? std::string("newsdex") : absl::StrCat(title, " – newsdex"));
  struct Asset {
    absl::string_view file;
    absl::string_view key;
  };
  static constexpr Asset kAssets[] = {{"static/app.css", "css_version"},
                                      {"static/app.js", "js_version"},
                                      {"static/favicon.svg", "icon_version"}};
  for (const Asset& asset : kAssets) {
    const WebAsset* found = FindWebAsset(asset.file);
    view.Set(asset.key, found == nullptr ? absl::string_view() : found->version);
  }
  if (state == nullptr) return;
  view.Set("q", state->q);
  // A new query keeps the filters, dates, sort and collapse (they show as
  // removable chips), and starts on the first page.
  AddHiddenFields(*state, kAllParts & ~kQuery & ~kOffset, "form_keep", view);
}

// Renders `body` with `view`, then the layout around it.
absl::StatusOr<std::string> RenderInLayout(Template body, View& view) {
  std::string content;
  NEWSDEX_RETURN_IF_ERROR(Render(body, view, &content));
  view.Set("content", content);
  std::string page;
  page.reserve(content.size() + 4096);
  NEWSDEX_RETURN_IF_ERROR(Render(Template::kLayout, view, &page));
  return page;
}

// ---------------------------------------------------------------------------
// The search page, part by part.

void AddSummary(const PageState& state, const Links& links, const query::SearchResponse& response,
                View& page) {
  if (!state.q.empty()) page.Set("heading_q", state.q);
  const std::string total =
      absl::StrCat(response.total_exact ? "" : "about ", Articles(response.total));
  page.Set("total_text", total);
  if (!response.hits.empty()) {
    page.SetBool("has_hits", true);
    page.Set("first_hit", WithCommas(response.offset + 1));
    page.Set("last_hit", WithCommas(response.offset + response.hits.size()));
    page.SetInt("ol_start", response.offset + 1);
  } else {
    page.SetBool("no_hits", true);
  }
  if (!response.suggestion.empty() && response.suggestion != state.q) {
    page.Set("suggestion", response.suggestion);
    page.Set("suggestion_href", links.Query(response.suggestion));
  }
  if (!response.query_warning.empty()) page.Set("query_warning", response.query_warning);
  if (response.timed_out) page.SetBool("timed_out", true);
}

std::string FilterLabel(const query::FacetResolver& resolver, const Filter& filter) {
  absl::string_view heading;
  for (const FacetSpec& spec : kPageFacets) {
    if (spec.field == filter.field) heading = spec.heading;
  }
  const std::string name =
      filter.key.empty() ? filter.value : resolver.DisplayName(filter.field, filter.key);
  return absl::StrCat(heading, ": ", name);
}

// The removable chips of the active filters and dates, and "clear all".
void AddActiveFilters(const PageState& state, const Links& links,
                      const query::FacetResolver& resolver, View& page) {
  page.ReserveItems("active", state.filters.size() + 1);
  for (size_t i = 0; i < state.filters.size(); ++i) {
    View chip = page.AddItem("active");
    chip.Set("active_label", FilterLabel(resolver, state.filters[i]));
    chip.Set("active_href", links.RemoveFilter(static_cast<int>(i)));
  }
  if (state.from || state.to) {
    View chip = page.AddItem("active");
    const std::string from = state.from ? DayText(*state.from) : "…";
    const std::string to = state.to ? DayText(*state.to) : "…";
    chip.Set("active_label", absl::StrCat("Published: ", from, " – ", to));
    chip.Set("active_href", links.Undated());
  }
  if (!state.filters.empty() || state.from || state.to) {
    page.SetBool("has_active", true);
    page.Set("clear_href", links.Unfiltered());
  }
}

// Sort links and the collapse toggle.
void AddTools(const PageState& state, const Links& links, View& page) {
  static constexpr std::pair<query::SortOrder, absl::string_view> kSorts[] = {
      {query::SortOrder::kRelevance, "Relevance"},
      {query::SortOrder::kNewest, "Newest"},
      {query::SortOrder::kOldest, "Oldest"}};
  page.ReserveItems("sorts", std::size(kSorts));
  for (const auto& [sort, label] : kSorts) {
    View item = page.AddItem("sorts");
    item.Set("sort_label", label);
    item.Set("sort_href", links.Sort(sort));
    item.SetBool("sort_on", state.sort == sort);
  }
  page.Set("collapse_href", links.Collapse(!state.collapse));
  page.Set("collapse_label", state.collapse ? "Show every copy" : "Collapse wire copies");
  page.SetBool("collapse_on", state.collapse);
}

// ---------------------------------------------------------------------------
// The timeline: one SVG bar per bucket of the date histogram, each a link
// narrowing the dates to its bucket.

enum class Unit { kYear, kMonth, kDay };

// The first day of the bucket `key` ("1987", "1987-03", "1987-03-02").
std::optional<absl::CivilDay> BucketStart(absl::string_view key, Unit unit) {
  switch (unit) {
    case Unit::kYear: {
      absl::CivilYear year;
      if (!absl::ParseCivilTime(key, &year)) return std::nullopt;
      return absl::CivilDay(year);
    }
    case Unit::kMonth: {
      absl::CivilMonth month;
      if (!absl::ParseCivilTime(key, &month)) return std::nullopt;
      return absl::CivilDay(month);
    }
    case Unit::kDay: {
      absl::CivilDay day;
      if (!absl::ParseCivilTime(key, &day)) return std::nullopt;
      return day;
    }
  }
  return std::nullopt;
}

absl::CivilDay NextStart(absl::CivilDay start, Unit unit) {
  switch (unit) {
    case Unit::kYear: return absl::CivilDay(absl::CivilYear(start) + 1);
    case Unit::kMonth: return absl::CivilDay(absl::CivilMonth(start) + 1);
    case Unit::kDay: break;
  }
  return start + 1;
}

std::string BucketLabel(absl::CivilDay start, Unit unit) {
  switch (unit) {
    case Unit::kYear: return absl::StrCat(start.year());
    case Unit::kMonth: return absl::StrCat(kMonths[start.month() - 1], " ", start.year());
    case Unit::kDay: break;
  }
  return DayText(start);
}

struct Bar {
  absl::CivilDay start;
  uint64_t count = 0;
};

// The histogram's buckets in order, with the empty ones between them filled
// in (when there are at most kMaxTimelineBars), so bars stand on a time axis.
std::vector<Bar> TimelineBars(const query::DateHistogram& dates, Unit unit) {
  std::vector<Bar> bars;
  for (const query::DateBucket& bucket : dates.buckets) {
    std::optional<absl::CivilDay> start = BucketStart(bucket.key, unit);
    if (start) bars.push_back({*start, bucket.count});
  }
  if (bars.size() < 2) return bars;
  std::vector<Bar> filled;
  for (absl::CivilDay day = bars.front().start; day <= bars.back().start;
       day = NextStart(day, unit)) {
    if (filled.size() == kMaxTimelineBars) return bars;
    filled.push_back({day, 0});
  }
  size_t next = 0;
  for (Bar& slot : filled) {
    if (next < bars.size() && bars[next].start == slot.start) slot.count = bars[next++].count;
  }
  return filled;
}

void AddTimeline(const PageState& state, const Links& links, const query::SearchResponse& response,
                 View& page) {
  if (!response.dates || response.dates->buckets.empty()) return;
  const Unit unit = response.dates->bucket == "year"    ? Unit::kYear
                    : response.dates->bucket == "month" ? Unit::kMonth
                                                        : Unit::kDay;
  const std::vector<Bar> bars = TimelineBars(*response.dates, unit);
  if (bars.empty()) return;
  uint64_t max_count = 1;
  for (const Bar& bar : bars) max_count = std::max(max_count, bar.count);
  // viewBox units: each bar gets a 10-wide slot and is 8 wide; 60 high.
  View timeline = page.Object("timeline");
  timeline.Set("unit", response.dates->bucket);
  timeline.SetInt("view_width", static_cast<int64_t>(bars.size()) * 10);
  timeline.Set("first_label", BucketLabel(bars.front().start, unit));
  timeline.Set("last_label", BucketLabel(bars.back().start, unit));
  timeline.ReserveItems("bars", bars.size());
  for (size_t i = 0; i < bars.size(); ++i) {
    View item = timeline.AddItem("bars");
    item.SetInt("bar_x", static_cast<int64_t>(i) * 10 + 1);
    item.SetBool("bar_linked", bars[i].count > 0);
    if (bars[i].count == 0) continue;
    const int64_t height = std::max<int64_t>(2, bars[i].count * 58 / max_count);
    item.SetInt("bar_y", 60 - height);
    item.SetInt("bar_h", height);
    // The histogram counted within the current dates, so the bar's range is
    // cut to them and the narrowed page's total is the bar's count.
    absl::CivilDay from = bars[i].start;
    absl::CivilDay to = NextStart(from, unit) - 1;
    if (state.from) from = std::max(from, *state.from);
    if (state.to) to = std::min(to, *state.to);
    item.Set("bar_href", links.Dates(from, to));
    item.Set("bar_label",
             absl::StrCat(BucketLabel(bars[i].start, unit), ": ", Articles(bars[i].count)));
  }
}

// ---------------------------------------------------------------------------
// Hits and facets.

std::string ArticleHref(absl::string_view id) {
  std::string href = "/article/";
  html::AppendUrlEncoded(id, &href);
  return href;
}

void AddChip(FacetField field, absl::string_view kind, absl::string_view value,
             absl::string_view key, absl::string_view name, const Links& links, View& hit) {
  View chip = hit.AddItem("hit_chips");
  chip.Set("chip_kind", kind);
  chip.Set("chip_name", name);
  chip.Set("chip_href", links.ToggleFilter(field, value, key));
  chip.SetBool("chip_on", links.Selected(field, key));
}

void AddHit(const query::Hit& hit, const PageState& state, const Links& links,
            const query::FacetResolver& resolver, View& page) {
  View item = page.AddItem("hits");
  item.Set("hit_href", ArticleHref(hit.id));
  item.Set("hit_title", hit.title.empty() ? absl::StrCat("(untitled: ", hit.id, ")") : hit.title);
  if (hit.date) {
    item.Set("hit_date", core::FormatIsoDate(*hit.date));
    item.Set("hit_date_text", DayText(*hit.date));
  }
  if (!hit.source.empty()) item.Set("hit_source", hit.source);
  if (!hit.lang.empty()) item.Set("hit_lang", hit.lang);
  item.Set("hit_snippet", hit.snippet);
  if (hit.duplicates > 0) {
    item.Set("hit_copies", absl::StrCat("+", WithCommas(hit.duplicates),
                                        hit.duplicates == 1 ? " copy" : " copies"));
  }
  item.ReserveItems("hit_chips", std::min(hit.countries.size(), kMaxChips) +
                                     std::min(hit.actors.size(), kMaxChips));
  for (size_t i = 0; i < hit.countries.size() && i < kMaxChips; ++i) {
    const core::CountryFacet& country = hit.countries[i];
    AddChip(FacetField::kCountry, "country", country.code, country.code, country.name, links, item);
  }
  bool actor_filters = false;
  for (const Filter& filter : state.filters) actor_filters |= filter.field == FacetField::kActor;
  for (size_t i = 0; i < hit.actors.size() && i < kMaxChips; ++i) {
    const std::string& name = hit.actors[i].name;
    // Resolved only when needed to tell whether the chip is selected.
    const std::string key =
        actor_filters ? ResolveKey(resolver, FacetField::kActor, name) : std::string();
    AddChip(FacetField::kActor, "person", name, key, name, links, item);
  }
  item.SetBool("hit_has_chips", !hit.countries.empty() || !hit.actors.empty());
}

void AddFacetValue(absl::string_view href, absl::string_view name, absl::string_view count, bool on,
                   View& group) {
  View item = group.AddItem("facet_values");
  item.Set("fv_href", href);
  item.Set("fv_name", name);
  item.Set("fv_count", count);
  item.SetBool("fv_on", on);
}

void AddFacet(const FacetSpec& spec, const PageState& state, const Links& links,
              const query::SearchResponse& response, const query::FacetResolver& resolver,
              View& page) {
  const absl::string_view name = query::FacetFieldName(spec.field);
  const query::FacetCounts* counts = nullptr;
  for (const query::FacetCounts& c : response.facets) {
    if (c.field == name) counts = &c;
  }
  std::vector<const Filter*> selected;
  for (const Filter& filter : state.filters) {
    if (filter.field == spec.field) selected.push_back(&filter);
  }
  if ((counts == nullptr || counts->values.empty()) && selected.empty()) return;
  View group = page.AddItem("facets");
  group.Set("facet_param", name);
  group.Set("facet_heading", spec.heading);
  group.SetBool("facet_any_of", !selected.empty());
  if (!spec.find_label.empty()) group.Set("facet_find", spec.find_label);
  group.ReserveItems("facet_values",
                     (counts == nullptr ? 0 : counts->values.size()) + selected.size());
  // A reference, not a copy: `shown` points into these values after the loop.
  static const std::vector<query::FacetValue> kNoValues;
  const std::vector<query::FacetValue>& values = counts == nullptr ? kNoValues : counts->values;
  std::vector<absl::string_view> shown;
  for (const query::FacetValue& value : values) {
    shown.push_back(value.value);
    AddFacetValue(links.ToggleFilter(spec.field, value.value, value.value), value.name,
                  WithCommas(value.count), state.Find(spec.field, value.value) >= 0, group);
  }
  // A selected value outside the top values still shows, to be removable.
  for (const Filter* filter : selected) {
    if (std::find(shown.begin(), shown.end(), filter->key) != shown.end()) continue;
    AddFacetValue(
        links.ToggleFilter(spec.field, filter->value, filter->key),
        filter->key.empty() ? filter->value : resolver.DisplayName(spec.field, filter->key), "",
        true, group);
  }
  if (counts != nullptr && counts->distinct > counts->values.size()) {
    group.Set("facet_more",
              absl::StrCat("Top ", counts->values.size(), " of ", WithCommas(counts->distinct)));
  }
}

void AddPaging(const Links& links, const query::SearchResponse& response, View& page) {
  const int limit = std::max(1, response.limit);
  if (response.offset > 0) {
    page.Set("prev_href", links.Offset(std::max(0, response.offset - limit)));
  }
  const uint64_t next = static_cast<uint64_t>(response.offset) + limit;
  const uint64_t upper = response.total_exact ? response.total : response.total_upper;
  if (response.hits.size() == static_cast<size_t>(limit) && next < upper &&
      next <= static_cast<uint64_t>(kMaxOffset)) {
    page.Set("next_href", links.Offset(static_cast<int>(next)));
  }
  const uint64_t pages = (response.total + limit - 1) / limit;
  if (pages > 1) {
    page.Set("page_text", absl::StrCat("Page ", WithCommas(response.offset / limit + 1), " of ",
                                       response.total_exact ? "" : "about ", WithCommas(pages)));
  }
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& PageSecurityHeaders() {
  static const auto* headers = new std::vector<std::pair<std::string, std::string>>{
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "same-origin"},
  };
  return *headers;
}

absl::StatusOr<query::SearchRequest> ParsePageParams(const QueryParams& params,
                                                     absl::Duration time_limit) {
  QueryParams filled;
  for (const auto& [name, value] : params) {
    if (!value.empty()) filled.emplace(name, value);
  }
  NEWSDEX_ASSIGN_OR_RETURN(query::SearchRequest request, ParseSearchParams(filled, time_limit));
  request.facets = {"about", "country", "actor", "lang", "source", "date"};
  request.fallback_to_words = true;
  return request;
}

absl::StatusOr<std::string> RenderSearchPage(const query::SearchRequest& request,
                                             const query::SearchResponse& response,
                                             const query::FacetResolver& resolver) {
  const PageState state = StateOf(request, resolver);
  const Links links(state);
  View page;
  AddLayout(state.q, &state, page);
  page.SetBool("noindex", true);
  AddSummary(state, links, response, page);
  AddActiveFilters(state, links, resolver, page);
  AddTools(state, links, page);
  AddTimeline(state, links, response, page);
  page.ReserveItems("hits", response.hits.size());
  for (const query::Hit& hit : response.hits) AddHit(hit, state, links, resolver, page);
  page.ReserveItems("facets", std::size(kPageFacets));
  for (const FacetSpec& spec : kPageFacets) {
    AddFacet(spec, state, links, response, resolver, page);
  }
  AddHiddenFields(state, kAllParts & ~kOffset, "find_keep", page);
  AddHiddenFields(state, kAllParts & ~kOffset & ~kDates, "dates_keep", page);
  if (state.from) page.Set("from_value", core::FormatIsoDate(*state.from));
  if (state.to) page.Set("to_value", core::FormatIsoDate(*state.to));
  AddPaging(links, response, page);
  return RenderInLayout(Template::kSearch, page);
}

namespace {

// A link to the search page filtered on one value.
std::string FilterHref(FacetField field, absl::string_view value) {
  std::string href = "/";
  AppendParam(&href, query::FacetFieldName(field), value);
  return href;
}

void AddLink(absl::string_view list, absl::string_view href, absl::string_view text,
             absl::string_view note, View& page) {
  View item = page.AddItem(list);
  item.Set("link_href", href);
  item.Set("link_text", text);
  if (!note.empty()) item.Set("link_note", note);
}

// The article's facets as links to searches for each value.
void AddArticleFacets(const core::Article& article, View& page) {
  page.ReserveItems("about", article.countries.size());
  page.ReserveItems("mentions", article.countries.size());
  page.ReserveItems("people", article.actors.size());
  page.ReserveItems("mentioned", article.mentioned_dates.size());
  for (const core::CountryFacet& country : article.countries) {
    const std::string& name = country.name.empty() ? country.code : country.name;
    if (country.focus)
      AddLink("about", FilterHref(FacetField::kAbout, country.code), name, "", page);
    AddLink("mentions", FilterHref(FacetField::kCountry, country.code), name,
            country.mentions > 0 ? absl::StrCat("×", country.mentions) : "", page);
  }
  for (const core::ActorFacet& actor : article.actors) {
    std::string note = actor.role;
    if (!actor.country.empty()) absl::StrAppend(&note, note.empty() ? "" : ", ", actor.country);
    AddLink("people", FilterHref(FacetField::kActor, actor.name), actor.name, note, page);
  }
  for (const core::MentionedDate& date : article.mentioned_dates) {
    std::string href = "/";
    AppendParam(&href, "q", absl::StrCat("mentioned:", date));
    AddLink("mentioned", href, date, "", page);
  }
  page.SetBool("has_about", std::any_of(article.countries.begin(), article.countries.end(),
                                        [](const core::CountryFacet& c) { return c.focus; }));
  page.SetBool("has_mentions", !article.countries.empty());
  page.SetBool("has_people", !article.actors.empty());
  page.SetBool("has_mentioned", !article.mentioned_dates.empty());
}

// The body's paragraphs. Readers keep one paragraph per line, except that
// Reuters SGML bodies are hard-wrapped and mark a paragraph by indenting its
// first line: when some line is indented, lines are joined up to the next
// indented or blank one.
void AddParagraphs(absl::string_view body, View& page) {
  const std::vector<absl::string_view> lines = absl::StrSplit(body, '\n');
  const bool indented = std::any_of(lines.begin(), lines.end(), [](absl::string_view line) {
    return !line.empty() && (line[0] == ' ' || line[0] == '\t');
  });
  page.ReserveItems("paragraphs", lines.size());
  std::string paragraph;
  for (absl::string_view line : lines) {
    const absl::string_view text = absl::StripAsciiWhitespace(line);
    const bool starts = !indented || text.empty() || line[0] == ' ' || line[0] == '\t';
    if (starts && !paragraph.empty()) {
      page.AddItem("paragraphs").Set("text", paragraph);
      paragraph.clear();
    }
    if (text.empty()) continue;
    if (!paragraph.empty()) paragraph.push_back(' ');
    paragraph.append(text.data(), text.size());
  }
  if (!paragraph.empty()) page.AddItem("paragraphs").Set("text", paragraph);
}

}  // namespace

absl::StatusOr<std::string> RenderArticlePage(const core::Article& article,
                                              const std::vector<query::Hit>& related) {
  View page;
  const std::string title =
      article.title.empty() ? absl::StrCat("(untitled: ", article.id, ")") : article.title;
  AddLayout(title, nullptr, page);
  page.Set("canonical", ArticleHref(article.id));
  page.Set("article_title", title);
  if (article.date) {
    page.Set("article_date", core::FormatIsoDate(*article.date));
    page.Set("article_date_text", DayText(*article.date));
    std::string href = "/";
    AppendParam(&href, "from", core::FormatIsoDate(*article.date));
    AppendParam(&href, "to", core::FormatIsoDate(*article.date));
    page.Set("article_date_href", href);
  }
  if (!article.source.empty()) {
    page.Set("article_source", article.source);
    page.Set("article_source_href", FilterHref(FacetField::kSource, article.source));
  }
  if (!article.language.empty()) {
    page.Set("article_lang", article.language);
    page.Set("article_lang_href", FilterHref(FacetField::kLanguage, article.language));
  }
  // Only http(s) addresses become links; anything else (javascript:, data:)
  // is shown as inert text.
  const std::string external = html::SafeExternalUrl(article.url);
  if (!external.empty()) page.Set("article_url", external);
  if (external.empty() && !article.url.empty()) page.Set("article_url_text", article.url);
  page.Set("article_id", article.id);
  AddParagraphs(article.body, page);
  AddArticleFacets(article, page);
  page.ReserveItems("related", related.size());
  for (size_t i = 0; i < related.size() && i < static_cast<size_t>(kRelatedOnArticlePage); ++i) {
    const query::Hit& hit = related[i];
    AddLink("related", ArticleHref(hit.id),
            hit.title.empty() ? absl::StrCat("(untitled: ", hit.id, ")") : hit.title,
            hit.date ? DayText(*hit.date) : "", page);
  }
  page.SetBool("has_related", !related.empty());
  return RenderInLayout(Template::kArticle, page);
}

std::string RenderErrorPage(int status, absl::string_view message) {
  View page;
  const std::string heading = status == 404   ? "Not found"
                              : status == 400 ? "This request cannot be answered"
                              : status == 503 ? "The archive is unavailable"
                                              : "Something went wrong";
  AddLayout(heading, nullptr, page);
  page.SetBool("noindex", true);
  page.Set("error_heading", heading);
  page.Set("error_message", message);
  page.SetInt("error_status", status);
  absl::StatusOr<std::string> rendered = RenderInLayout(Template::kError, page);
  if (rendered.ok()) return *std::move(rendered);
  NEWSDEX_LOG(ERROR) << "error page: " << rendered.status();
  return absl::StrCat("<!DOCTYPE html><title>", status, "</title><h1>", html::Escape(heading),
                      "</h1><p>", html::Escape(message), "</p>");
}

}  // namespace newsdex::server
