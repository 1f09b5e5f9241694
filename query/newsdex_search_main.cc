// newsdex-search: searches a newsdex index from the command line. Prints a
// readable table, or with --json exactly the JSON the daemon returns for the
// same request (query::SearchResponseJson). Errors go to stderr with a
// non-zero exit status.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "core/article.h"
#include "core/cluster.h"
#include "core/flags.h"
#include "core/status_macros.h"
#include "query/search.h"

namespace newsdex::query {
namespace {

constexpr char kUsage[] = R"(Usage: newsdex-search --db DIR [options] QUERY...
       newsdex-search --cluster FILE [options] QUERY...

Searches a newsdex index. QUERY uses the query language of docs/query-syntax.md
(words, "phrases", AND OR NOT, +word -word, (groups), NEAR NEAR/n ADJ ADJ/n,
wildcards nucle*, fields title: actor: country: about: source: lang:
mentioned: date:2025-06..2025-08). Several QUERY arguments are joined by
spaces; an empty query lists every document (useful with filters).

Options (each VALUE may also be given as --flag=VALUE):
  --db DIR            index directory or stub file
  --cluster FILE      a cluster file (docs/deployment.md) instead of --db: one
                      replica per shard, another when one does not answer;
                      answers leaving out a shard none of whose replicas
                      answers say so ("partial")
  --country X         filter: mentions country X (code, name or alias);
                      repeatable, values of one filter are ORed
  --about X           filter: is about / reports from country X; repeatable
  --actor Y           filter: mentions person Y (name or alias); repeatable
  --lang L            filter: language (ISO 639-1 or name); repeatable
  --source S          filter: source name; repeatable
  --from YYYY-MM-DD   filter: published on or after this day
  --to YYYY-MM-DD     filter: published on or before this day
  --sort ORDER        relevance (default), newest, oldest, recency
  --facets a,b        count facets: actor,country,about,lang,source,date
  --facet-limit N     values shown per facet (default 10)
  --offset N          skip the first N results (default 0)
  --limit N           results per page (default 10, at most 100; 0 = counts only)
  --collapse          collapse near-identical copies of an article
  --no-highlight      snippets without highlighting
  --fallback          search the words of a query that does not parse
  --time-limit-ms N   stop counting after N ms (counts become estimates)
  --related ID        list articles related to article ID instead of searching
  --article ID        print the stored article ID as JSON
  --stats             print index statistics as JSON
  --json              print the JSON response (as the daemon returns it)
  --help              this text

Exit status: 0 on success, 1 for a search error, 2 for bad usage.
)";

struct Flags {
  bool help = false;  // --help: the usage is printed, there is nothing to run
  std::string db;
  std::string cluster;
  SearchRequest request;
  bool json = false;
  std::string related, article;
  bool stats = false;
};

// Terminal rendering of a snippet: <b> becomes bold (or *...* when not a tty).
std::string RenderSnippet(absl::string_view html, bool tty) {
  return absl::StrReplaceAll(html, {{"<b>", tty ? "\033[1m" : "*"},
                                    {"</b>", tty ? "\033[0m" : "*"},
                                    {"&lt;", "<"},
                                    {"&gt;", ">"},
                                    {"&quot;", "\""},
                                    {"&#39;", "'"},
                                    {"&amp;", "&"}});
}

void PrintTable(const SearchResponse& r) {
  const bool tty = isatty(STDOUT_FILENO) != 0;
  std::cout << absl::StrFormat("%d result%s%s, %.1f ms%s\n", r.total, r.total == 1 ? "" : "s",
                               r.total_exact ? ""
                                             : absl::StrFormat(" (estimate, %d to %d)",
                                                               r.total_lower, r.total_upper),
                               absl::ToDoubleMilliseconds(r.elapsed),
                               r.timed_out ? " (time limit reached)" : "");
  if (!r.query_warning.empty()) std::cout << "warning: " << r.query_warning << "\n";
  if (r.partial) {
    std::cout << "partial: shards not answering: " << absl::StrJoin(r.missing_shards, ", ")
              << "\n";
  }
  if (!r.suggestion.empty()) std::cout << "did you mean: " << r.suggestion << "\n";
  for (const Hit& h : r.hits) {
    std::cout << absl::StrFormat("\n%3d. %s  %-10s  %7.3f  %s\n", h.rank + 1,
                                 h.date ? core::FormatIsoDate(*h.date) : std::string(10, ' '),
                                 h.source, h.score, h.title);
    std::vector<std::string> countries, actors;
    for (const core::CountryFacet& c : h.countries)
      countries.push_back(c.focus ? absl::StrCat(c.code, "*") : c.code);
    for (const core::ActorFacet& a : h.actors) actors.push_back(a.name);
    std::cout << "     id: " << h.id;
    if (!countries.empty()) std::cout << "  countries: " << absl::StrJoin(countries, ",");
    if (!actors.empty()) std::cout << "  actors: " << absl::StrJoin(actors, ", ");
    if (h.duplicates > 0) std::cout << "  +" << h.duplicates << " copies";
    std::cout << "\n";
    if (!h.url.empty()) std::cout << "     " << h.url << "\n";
    if (!h.snippet.empty()) std::cout << "     " << RenderSnippet(h.snippet, tty) << "\n";
  }
  for (const FacetCounts& f : r.facets) {
    std::cout << absl::StrFormat("\n%s (top %d of %d%s):\n", f.field, f.values.size(), f.distinct,
                                 f.disjunctive ? ", without its own filter" : "");
    for (const FacetValue& v : f.values) {
      std::cout << absl::StrFormat("  %8d  %s", v.count, v.value);
      if (v.name != v.value) std::cout << "  (" << v.name << ")";
      std::cout << "\n";
    }
  }
  if (r.dates) {
    std::cout << "\ndates by " << r.dates->bucket << ":\n";
    for (const DateBucket& b : r.dates->buckets) {
      std::cout << absl::StrFormat("  %-10s %8d\n", b.key, b.count);
    }
  }
}

// --from and --to.
core::Flag DateFlag(absl::string_view name, std::optional<absl::CivilDay>* day) {
  return core::CustomFlag(name, [flag = std::string(name), day](absl::string_view value) {
    *day = core::ParseIsoDate(value);
    if (!*day) {
      return absl::InvalidArgumentError(absl::StrCat(
          flag, ": cannot parse date \"", value, "\" (expected YYYY-MM-DD)"));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags f;
  SearchRequest& r = f.request;
  const std::vector<core::Flag> table = {
      core::TextFlag("--db", &f.db),
      core::TextFlag("--cluster", &f.cluster),
      core::RepeatedFlag("--country", &r.countries),
      core::RepeatedFlag("--about", &r.about_countries),
      core::RepeatedFlag("--actor", &r.actors),
      core::RepeatedFlag("--lang", &r.languages),
      core::RepeatedFlag("--source", &r.sources),
      DateFlag("--from", &r.from),
      DateFlag("--to", &r.to),
      core::CustomFlag("--sort",
                       [&r](absl::string_view value) {
                         NEWSDEX_ASSIGN_OR_RETURN(r.sort, ParseSortOrder(value));
                         return absl::OkStatus();
                       }),
      core::CustomFlag("--facets",
                       [&r](absl::string_view value) {
                         for (absl::string_view field :
                              absl::StrSplit(value, ',', absl::SkipWhitespace())) {
                           r.facets.emplace_back(field);
                         }
                         return absl::OkStatus();
                       }),
      core::NumberFlag("--facet-limit", 0, &r.facet_limit),
      core::NumberFlag("--offset", 0, &r.offset),
      core::NumberFlag("--limit", 0, &r.limit),
      core::NumberFlag("--time-limit-ms", 1, std::numeric_limits<int>::max(),
                       [&r](int ms) { r.time_limit = absl::Milliseconds(ms); }),
      core::SwitchFlag("--collapse", &r.collapse),
      core::SwitchFlag("--no-highlight", &r.highlight, false),
      core::SwitchFlag("--fallback", &r.fallback_to_words),
      core::TextFlag("--related", &f.related),
      core::TextFlag("--article", &f.article),
      core::SwitchFlag("--stats", &f.stats),
      core::SwitchFlag("--json", &f.json),
  };
  std::vector<std::string> query_words;
  auto query_word = [&query_words](absl::string_view word) {
    query_words.emplace_back(word);
    return absl::OkStatus();
  };
  core::FlagOptions options;
  options.usage = kUsage;
  options.short_help = false;                // "-h" is a word the query must not contain
  options.dash_words_are_positional = true;  // "-opec" likewise
  NEWSDEX_ASSIGN_OR_RETURN(const core::FlagsParsed parsed,
                           core::ParseFlags(argc, argv, table, query_word, options));
  f.help = parsed == core::FlagsParsed::kHelp;
  if (f.help) return f;
  if (f.db.empty() == f.cluster.empty()) {
    return absl::InvalidArgumentError("give --db DIR or --cluster FILE (see --help)");
  }
  r.q = absl::StrJoin(query_words, " ");
  return f;
}

// --related ID: a numbered list, or the hits as JSON.
absl::Status PrintRelated(Searcher& searcher, const Flags& flags) {
  NEWSDEX_ASSIGN_OR_RETURN(std::vector<Hit> hits,
                           searcher.Related(flags.related, flags.request.limit));
  if (flags.json) {
    std::cout << HitsJson(hits) << "\n";
    return absl::OkStatus();
  }
  for (const Hit& h : hits) {
    std::cout << absl::StrFormat("%3d. %s  %7.3f  %s  [%s]\n", h.rank + 1,
                                 h.date ? core::FormatIsoDate(*h.date) : std::string(10, ' '),
                                 h.score, h.title, h.id);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Searcher>> OpenSearcher(const Flags& flags) {
  if (flags.cluster.empty()) return Searcher::Open(flags.db, SearcherOptions());
  NEWSDEX_ASSIGN_OR_RETURN(core::Cluster cluster, core::ReadClusterFile(flags.cluster));
  return Searcher::OpenCluster(cluster, SearcherOptions());
}

// What the flags ask for: statistics, one article, related articles or a search.
absl::Status Run(const Flags& flags) {
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<Searcher> searcher, OpenSearcher(flags));
  if (flags.stats) {
    NEWSDEX_ASSIGN_OR_RETURN(IndexStats stats, searcher->Stats());
    std::cout << IndexStatsJson(stats) << "\n";
    return absl::OkStatus();
  }
  if (!flags.article.empty()) {
    NEWSDEX_ASSIGN_OR_RETURN(core::Article article, searcher->GetArticle(flags.article));
    std::cout << ArticleJson(article) << "\n";
    return absl::OkStatus();
  }
  if (!flags.related.empty()) return PrintRelated(*searcher, flags);
  NEWSDEX_ASSIGN_OR_RETURN(SearchResponse response, searcher->Search(flags.request));
  if (flags.json) {
    std::cout << SearchResponseJson(response) << "\n";
  } else {
    PrintTable(response);
  }
  return absl::OkStatus();
}

int Main(int argc, char** argv) {
  absl::StatusOr<Flags> flags = ParseFlags(argc, argv);
  if (!flags.ok()) return core::ReportUsageError("newsdex-search", flags.status());
  if (flags->help) return 0;
  if (absl::Status s = Run(*flags); !s.ok()) {
    std::cerr << "newsdex-search: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace newsdex::query

int main(int argc, char** argv) { return newsdex::query::Main(argc, argv); }
