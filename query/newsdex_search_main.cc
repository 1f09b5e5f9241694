// newsdex-search: searches a newsdex index from the command line. Prints a
// readable table, or with --json exactly the JSON the daemon returns for the
// same request (query::SearchResponseJson). Errors go to stderr with a
// non-zero exit status.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "core/article.h"
#include "query/search.h"

namespace newsdex::query {
namespace {

constexpr char kUsage[] = R"(Usage: newsdex-search --db DIR [options] QUERY...

Searches a newsdex index. QUERY uses the query language of docs/query-syntax.md
(words, "phrases", AND OR NOT, +word -word, (groups), NEAR NEAR/n ADJ ADJ/n,
wildcards nucle*, fields title: actor: country: about: source: lang:
mentioned: date:2025-06..2025-08). Several QUERY arguments are joined by
spaces; an empty query lists every document (useful with filters).

Options (each VALUE may also be given as --flag=VALUE):
  --db DIR            index directory or stub file (required)
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
  std::string db;
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

// Returns 0 when parsed, 2 for bad usage (message printed), -1 for --help.
int ParseFlags(int argc, char** argv, Flags* flags) {
  std::vector<std::string> query_words;
  auto fail = [](const std::string& msg) {
    std::cerr << "newsdex-search: " << msg << "\nTry --help.\n";
    return 2;
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      for (++i; i < argc; ++i) query_words.push_back(argv[i]);
      break;
    }
    if (arg.size() < 2 || arg.compare(0, 2, "--") != 0) {
      query_words.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto boolean = [&](bool* target) {
      if (has_value) return false;
      *target = true;
      return true;
    };
    if (name == "help") return -1;
    if (name == "json") {
      if (!boolean(&flags->json)) return fail("--json takes no value");
      continue;
    }
    if (name == "collapse") {
      if (!boolean(&flags->request.collapse)) return fail("--collapse takes no value");
      continue;
    }
    if (name == "fallback") {
      if (!boolean(&flags->request.fallback_to_words)) return fail("--fallback takes no value");
      continue;
    }
    if (name == "stats") {
      if (!boolean(&flags->stats)) return fail("--stats takes no value");
      continue;
    }
    if (name == "no-highlight") {
      if (has_value) return fail("--no-highlight takes no value");
      flags->request.highlight = false;
      continue;
    }
    static const char* const kValued[] = {"db",     "country", "about",  "actor",  "lang",
                                          "source", "from",    "to",     "sort",   "facets",
                                          "facet-limit", "offset", "limit", "time-limit-ms",
                                          "related", "article"};
    bool known = false;
    for (const char* k : kValued) known |= name == k;
    if (!known) return fail(absl::StrCat("unknown flag --", name));
    if (!has_value) {
      if (i + 1 >= argc) return fail(absl::StrCat("--", name, " needs a value"));
      value = argv[++i];
    }
    SearchRequest& r = flags->request;
    auto int_flag = [&](int* target, int min) {
      int v = 0;
      if (!absl::SimpleAtoi(value, &v) || v < min) return false;
      *target = v;
      return true;
    };
    if (name == "db") {
      flags->db = value;
    } else if (name == "country") {
      r.countries.push_back(value);
    } else if (name == "about") {
      r.about_countries.push_back(value);
    } else if (name == "actor") {
      r.actors.push_back(value);
    } else if (name == "lang") {
      r.languages.push_back(value);
    } else if (name == "source") {
      r.sources.push_back(value);
    } else if (name == "from" || name == "to") {
      std::optional<absl::CivilDay> d = core::ParseIsoDate(value);
      if (!d) return fail(absl::StrCat("--", name, ": cannot parse date \"", value,
                                       "\" (expected YYYY-MM-DD)"));
      (name == "from" ? r.from : r.to) = d;
    } else if (name == "sort") {
      absl::StatusOr<SortOrder> s = ParseSortOrder(value);
      if (!s.ok()) return fail(std::string(s.status().message()));
      r.sort = *s;
    } else if (name == "facets") {
      for (absl::string_view f : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
        r.facets.emplace_back(f);
      }
    } else if (name == "facet-limit") {
      if (!int_flag(&r.facet_limit, 0)) return fail("--facet-limit: expected a number >= 0");
    } else if (name == "offset") {
      if (!int_flag(&r.offset, 0)) return fail("--offset: expected a number >= 0");
    } else if (name == "limit") {
      if (!int_flag(&r.limit, 0)) return fail("--limit: expected a number >= 0");
    } else if (name == "time-limit-ms") {
      int ms = 0;
      if (!int_flag(&ms, 1)) return fail("--time-limit-ms: expected a number >= 1");
      r.time_limit = absl::Milliseconds(ms);
    } else if (name == "related") {
      flags->related = value;
    } else if (name == "article") {
      flags->article = value;
    }
  }
  if (flags->db.empty()) return fail("--db is required");
  flags->request.q = absl::StrJoin(query_words, " ");
  return 0;
}

int Main(int argc, char** argv) {
  Flags flags;
  const int parsed = ParseFlags(argc, argv, &flags);
  if (parsed < 0) {
    std::cout << kUsage;
    return 0;
  }
  if (parsed != 0) return parsed;
  absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(flags.db, SearcherOptions());
  if (!searcher.ok()) {
    std::cerr << "newsdex-search: " << searcher.status().message() << "\n";
    return 1;
  }
  if (flags.stats) {
    absl::StatusOr<IndexStats> s = (*searcher)->Stats();
    if (!s.ok()) {
      std::cerr << "newsdex-search: " << s.status().message() << "\n";
      return 1;
    }
    std::cout << IndexStatsJson(*s) << "\n";
    return 0;
  }
  if (!flags.article.empty()) {
    absl::StatusOr<core::Article> a = (*searcher)->GetArticle(flags.article);
    if (!a.ok()) {
      std::cerr << "newsdex-search: " << a.status().message() << "\n";
      return 1;
    }
    std::cout << ArticleJson(*a) << "\n";
    return 0;
  }
  if (!flags.related.empty()) {
    absl::StatusOr<std::vector<Hit>> hits =
        (*searcher)->Related(flags.related, flags.request.limit);
    if (!hits.ok()) {
      std::cerr << "newsdex-search: " << hits.status().message() << "\n";
      return 1;
    }
    if (flags.json) {
      std::cout << HitsJson(*hits) << "\n";
    } else {
      for (const Hit& h : *hits) {
        std::cout << absl::StrFormat("%3d. %s  %7.3f  %s  [%s]\n", h.rank + 1,
                                     h.date ? core::FormatIsoDate(*h.date) : std::string(10, ' '),
                                     h.score, h.title, h.id);
      }
    }
    return 0;
  }
  absl::StatusOr<SearchResponse> r = (*searcher)->Search(flags.request);
  if (!r.ok()) {
    std::cerr << "newsdex-search: " << r.status().message() << "\n";
    return 1;
  }
  if (flags.json) {
    std::cout << SearchResponseJson(*r) << "\n";
  } else {
    PrintTable(*r);
  }
  return 0;
}

}  // namespace
}  // namespace newsdex::query

int main(int argc, char** argv) { return newsdex::query::Main(argc, argv); }
