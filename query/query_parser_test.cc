#include "query/query_parser.h"

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "core/schema.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query/test_index.h"

namespace newsdex::query {
namespace {

using ::testing::HasSubstr;

class QueryParserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto a = core::Analyzer::Create();
    ASSERT_TRUE(a.ok()) << a.status();
    analyzer_ = *std::move(a);
    parser_ = std::make_unique<QueryParser>(*analyzer_, resolver_, "en");
  }
  std::string Describe(absl::string_view q) {
    absl::StatusOr<ParsedQuery> p = parser_->Parse(q);
    if (!p.ok()) return std::string(p.status().ToString());
    return p->query.get_description();
  }

  std::unique_ptr<core::Analyzer> analyzer_;
  DefaultFacetResolver resolver_;
  std::unique_ptr<QueryParser> parser_;
};

// Golden descriptions of parsed queries: each row is checked by hand once; a
// change here is a change of query semantics.
TEST_F(QueryParserTest, BuildsExpectedXapianQueries) {
  struct Case {
    const char* query;
    const char* description;
  };
  const Case kCases[] = {
      {"", "Query(<alldocuments>)"},
      {"Nuclear", "Query(Znuclear)"},
      {"nuclear talks", "Query((Znuclear AND Ztalk))"},
      {"NUCLEAR Talks", "Query((Znuclear AND Ztalk))"},
      {"Téhéran", "Query(Zteheran)"},
      {"Iran's", "Query(Ziran)"},
      {"nuclear OR atomic", "Query((Znuclear OR Zatom))"},
      {"nuclear AND talks", "Query((Znuclear AND Ztalk))"},
      {"a b OR c d", "Query(((Za AND Zb) OR (Zc AND Zd)))"},
      {"nuclear NOT iran", "Query((Znuclear AND_NOT Ziran))"},
      {"nuclear -iran", "Query((Znuclear AND_NOT Ziran))"},
      {"+nuclear -iran -israel", "Query((Znuclear AND_NOT (Ziran OR Zisrael)))"},
      {"-iran", "Query((<alldocuments> AND_NOT Ziran))"},
      {"(iran OR israel) talks", "Query(((Ziran OR Zisrael) AND Ztalk))"},
      {"\"nuclear talks\"",
       "Query(((Znuclear AND Ztalk) FILTER "
       "((Znuclear PHRASE 2 Ztalk) OR (ZSnuclear PHRASE 2 ZStalk))))"},
      {"\xE2\x80\x9Cnuclear talks\xE2\x80\x9D",
       "Query(((Znuclear AND Ztalk) FILTER "
       "((Znuclear PHRASE 2 Ztalk) OR (ZSnuclear PHRASE 2 ZStalk))))"},
      {"U.S.-Iran",
       "Query(((Zus AND Ziran) FILTER "
       "((Zus PHRASE 2 Ziran) OR (ZSus PHRASE 2 ZSiran))))"},
      {"nuclear NEAR talks",
       "Query(((Znuclear AND Ztalk) FILTER "
       "((Znuclear NEAR 12 Ztalk) OR (ZSnuclear NEAR 12 ZStalk))))"},
      {"nuclear NEAR/3 talks",
       "Query(((Znuclear AND Ztalk) FILTER "
       "((Znuclear NEAR 5 Ztalk) OR (ZSnuclear NEAR 5 ZStalk))))"},
      {"nuclear ADJ/2 talks",
       "Query(((Znuclear AND Ztalk) FILTER "
       "((Znuclear PHRASE 4 Ztalk) OR (ZSnuclear PHRASE 4 ZStalk))))"},
      {"title:nuclear", "Query(ZSnuclear)"},
      {"title:\"nuclear talks\"", "Query((ZSnuclear PHRASE 2 ZStalk))"},
      {"title:(iran OR israel)", "Query((ZSiran OR ZSisrael))"},
      {"nucle*", "Query((WILDCARD SYNONYM Znucle OR WILDCARD SYNONYM Znucl))"},
      {"negotiations*", "Query((WILDCARD SYNONYM Znegotiations OR WILDCARD SYNONYM Znegoti))"},
      {"actor:\"Ali Khamenei\"", "Query(XAali khamenei)"},
      {"country:IR nuclear", "Query((Znuclear FILTER Nir))"},
      {"country:(ir OR il)", "Query((Nir OR Nil))"},
      {"about:ir", "Query(XNir)"},
      {"source:\"Reuters Wire\"", "Query(XSreuters-wire)"},
      {"lang:EN", "Query(Len)"},
      {"mentioned:2025-06", "Query(WILDCARD OR XM202506)"},
      {"date:2025-06-01..2025-08-31", "Query((M202506 OR M202507 OR M202508))"},
      {"date:2025-06", "Query(M202506)"},
      {"date:2024-02", "Query(M202402)"},
      {"date:2025", "Query(Y2025)"},
      {"date:..2025-06", "Query(VALUE_LE 0 20250630)"},
      {"date:2025-06..", "Query(VALUE_GE 0 20250601)"},
      {"actor:kham*", "Query(WILDCARD SYNONYM XAkham)"},
      {"10:30 meeting",
       "Query((((Z10 AND Z30) FILTER "
       "((Z10 PHRASE 2 Z30) OR (ZS10 PHRASE 2 ZS30))) AND Zmeet))"},
      {"!!! nuclear", "Query(Znuclear)"},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(Describe(c.query), c.description) << "query: " << c.query;
  }
}

TEST_F(QueryParserTest, ReportsErrorsWithTheirPosition) {
  struct Case {
    const char* query;
    const char* message;
  };
  const Case kCases[] = {
      {"(nuclear talks", "query:1: unbalanced parenthesis"},
      {"nuclear talks)", "query:14: unbalanced parenthesis"},
      {"iran ((a OR b) c", "query:6: unbalanced parenthesis"},
      {"()", "query:1: empty parentheses"},
      {"\"nuclear talks", "query:1: unterminated phrase"},
      {"title: nuclear", "query:1: field title: needs a value"},
      {"nuclear OR", "query:9: OR needs a term on its right"},
      {"OR nuclear", "query:1: OR needs a term on its left"},
      {"AND nuclear", "query:1: AND needs a term on its left"},
      {"nuclear NOT", "query:9: NOT needs a term on its right"},
      {"NEAR talks", "query:1: NEAR/ADJ needs a word on its left"},
      {"nuclear NEAR (a OR b)", "query:9: NEAR/ADJ needs a word on its right"},
      {"nuclear NEAR/x talks", "query:9: bad distance"},
      {"date:2025-13", "query:6: bad date \"2025-13\""},
      {"iran date:2025-02-30", "query:11: bad date"},
      {"date:2025-08..2025-06", "query:6: empty date range"},
      {"date:..", "query:6: bad date"},
      {"mentioned:June", "query:11: bad date"},
      {"!!!", "query:1: no words to search for"},
  };
  for (const Case& c : kCases) {
    absl::StatusOr<ParsedQuery> p = parser_->Parse(c.query);
    ASSERT_FALSE(p.ok()) << "query: " << c.query << " gave " << p->query.get_description();
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << c.query;
    EXPECT_THAT(std::string(p.status().message()), HasSubstr(c.message)) << "query: " << c.query;
  }
}

TEST_F(QueryParserTest, RejectsTooDeepNestingAndTooLongQueries) {
  std::string deep(kMaxQueryDepth + 1, '(');
  deep += "a";
  deep += std::string(kMaxQueryDepth + 1, ')');
  absl::StatusOr<ParsedQuery> p = parser_->Parse(deep);
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("nested deeper"));

  std::string ok_depth(kMaxQueryDepth, '(');
  ok_depth += "a";
  ok_depth += std::string(kMaxQueryDepth, ')');
  EXPECT_TRUE(parser_->Parse(ok_depth).ok());

  std::string longq(kMaxQueryBytes + 1, 'a');
  p = parser_->Parse(longq);
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("too long"));
}

TEST_F(QueryParserTest, RecordsWordsAndHighlightsOfPositivePartsOnly) {
  absl::StatusOr<ParsedQuery> p =
      parser_->Parse("Nuclear \"peace talks\" -iran nucle* country:il");
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->words.size(), 1u);  // the phrase, negated and field words are not spell-checked
  EXPECT_EQ(p->words[0].begin, 0u);
  EXPECT_EQ(p->words[0].end, 7u);
  EXPECT_EQ(p->words[0].normalized, "nuclear");
  EXPECT_EQ(p->words[0].term, "Znuclear");
  std::vector<std::vector<std::string>> expected = {{"nuclear"}, {"peac", "talk"}};
  EXPECT_EQ(p->highlight_phrases, expected);
  EXPECT_EQ(p->highlight_prefixes, std::vector<std::string>{"nucle"});
  EXPECT_FALSE(p->boolean_only);
  absl::StatusOr<ParsedQuery> b = parser_->Parse("country:il date:2025");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->boolean_only);
}

TEST_F(QueryParserTest, FallbackTreatsEverythingAsWords) {
  ParsedQuery p = parser_->ParseAsWords("(nuclear AND \"talks");
  EXPECT_EQ(p.query.get_description(), "Query((Znuclear AND Ztalk))");
  EXPECT_EQ(parser_->ParseAsWords("   ").query.get_description(), "Query(<alldocuments>)");
  EXPECT_EQ(parser_->ParseAsWords("!!").query.get_description(), "Query()");
}

// The index before schema version 2 also kept the title's positions on the
// default field's terms (Z); version 2 keeps them on the title field (ZS) only.
// Rebuilds that layout from a current document: every ZS position again on Z,
// adding no wdf.
Xapian::Document WithTitlePositionsOnDefaultField(Xapian::Document doc) {
  const std::string title_prefix = core::FreeTextTerm(core::FieldId::kTitle, "");
  std::vector<std::pair<std::string, std::vector<Xapian::termpos>>> title;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    const std::string term = *it;
    if (!absl::StartsWith(term, title_prefix)) continue;
    std::vector<Xapian::termpos> positions(it.positionlist_begin(), it.positionlist_end());
    title.emplace_back(core::FreeTextTerm(core::FieldId::kText, term.substr(title_prefix.size())),
                       std::move(positions));
  }
  for (const auto& [term, positions] : title) {
    for (Xapian::termpos p : positions) doc.add_posting(term, p, 0);
  }
  return doc;
}

std::vector<std::pair<Xapian::docid, double>> Ranked(const Xapian::Database& db,
                                                     const Xapian::Query& q) {
  Xapian::Enquire enquire(db);
  enquire.set_query(q);
  std::vector<std::pair<Xapian::docid, double>> out;
  const Xapian::MSet mset = enquire.get_mset(0, 100);
  for (auto it = mset.begin(); it != mset.end(); ++it) out.emplace_back(*it, it.get_weight());
  return out;
}

// Phrase, NEAR and ADJ queries of the default field answer on the current
// layout exactly what the plain positional query answered on the old one
// (same documents, same weights), in the title, in the body and not across.
TEST_F(QueryParserTest, PositionalQueriesMatchTitleAndBodyAsWithTitlePositionsOnBothFields) {
  const std::vector<core::Article> articles = {
      testing::MakeArticle("1", "Nuclear talks resume", "Diplomats met in Vienna."),
      testing::MakeArticle("2", "Vienna meeting", "The nuclear talks resume today in Vienna."),
      testing::MakeArticle("3", "Iran nuclear", "Talks resume in Geneva."),
      testing::MakeArticle("4", "Talks on nuclear plans", "A nuclear plant and more talks."),
      testing::MakeArticle("5", "U.S.-Iran talks", "Officials met; nuclear issues stayed open."),
      testing::MakeArticle("6", "Markets", "Shares rose. Nuclear stocks fell; talks later."),
  };
  Xapian::WritableDatabase current = testing::BuildIndex(articles);
  Xapian::WritableDatabase old("", Xapian::DB_BACKEND_INMEMORY);
  for (Xapian::docid d = 1; d <= current.get_lastdocid(); ++d) {
    old.add_document(WithTitlePositionsOnDefaultField(current.get_document(d)));
  }
  using Q = Xapian::Query;
  auto terms = [](std::initializer_list<const char*> t) {
    return std::vector<std::string>(t.begin(), t.end());
  };
  auto positional = [](Q::op op, const std::vector<std::string>& t, Xapian::termcount window) {
    return Q(op, t.begin(), t.end(), window);
  };
  struct Case {
    const char* query;
    Q old_query;  // what the parser built for the old layout
  };
  const std::vector<Case> kCases = {
      {"\"nuclear talks\"", positional(Q::OP_PHRASE, terms({"Znuclear", "Ztalk"}), 2)},
      {"\"talks resume\"", positional(Q::OP_PHRASE, terms({"Ztalk", "Zresum"}), 2)},
      {"nuclear NEAR/2 talks", positional(Q::OP_NEAR, terms({"Znuclear", "Ztalk"}), 4)},
      {"talks ADJ/3 nuclear", positional(Q::OP_PHRASE, terms({"Ztalk", "Znuclear"}), 5)},
      {"nuclear NEAR talks", positional(Q::OP_NEAR, terms({"Znuclear", "Ztalk"}), 12)},
      {"U.S.-Iran", positional(Q::OP_PHRASE, terms({"Zus", "Ziran"}), 2)},
      {"title:nuclear NEAR/2 talks", positional(Q::OP_NEAR, terms({"ZSnuclear", "Ztalk"}), 4)},
      {"\"nuclear talks\" vienna",
       Q(Q::OP_AND, positional(Q::OP_PHRASE, terms({"Znuclear", "Ztalk"}), 2), Q("Zvienna"))},
  };
  for (const Case& c : kCases) {
    absl::StatusOr<ParsedQuery> p = parser_->Parse(c.query);
    ASSERT_TRUE(p.ok()) << c.query << ": " << p.status();
    const auto want = Ranked(old, c.old_query);
    const auto got = Ranked(current, p->query);
    EXPECT_FALSE(want.empty()) << c.query << " matches something";
    ASSERT_EQ(got.size(), want.size()) << c.query;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].first, want[i].first) << c.query << " rank " << i;
      EXPECT_NEAR(got[i].second, want[i].second, 1e-9) << c.query << " rank " << i;
    }
  }
  // Not across the title/body boundary: "Iran nuclear" + "Talks resume...".
  absl::StatusOr<ParsedQuery> across = parser_->Parse("\"nuclear talks resume\"");
  ASSERT_TRUE(across.ok());
  for (const auto& [docid, weight] : Ranked(current, across->query)) EXPECT_NE(docid, 3u);
  // A window wider than the gap between title and body still pairs a title
  // word with a title word or a body word with a body word only (the old
  // layout's positions let "NEAR/200" pair the two; docs/query-syntax.md).
  absl::StatusOr<ParsedQuery> wide = parser_->Parse("iran NEAR/200 resume");
  ASSERT_TRUE(wide.ok());
  EXPECT_TRUE(Ranked(current, wide->query).empty());
}

// A mention is stored at its own precision; a period finds the mentions of
// its days and months too.
TEST_F(QueryParserTest, MentionedPeriodsFindFinerMentions) {
  std::vector<core::Article> articles = {
      testing::MakeArticle("day", "a", "b"), testing::MakeArticle("month", "a", "b"),
      testing::MakeArticle("year", "a", "b"), testing::MakeArticle("other", "a", "b")};
  articles[0].mentioned_dates = {"2025-06-14"};
  articles[1].mentioned_dates = {"2025-06"};
  articles[2].mentioned_dates = {"2025"};
  articles[3].mentioned_dates = {"2024-06-14", "2026"};
  Xapian::WritableDatabase db = testing::BuildIndex(articles);
  auto matches = [&](const char* q) {
    absl::StatusOr<ParsedQuery> p = parser_->Parse(q);
    EXPECT_TRUE(p.ok()) << q << ": " << p.status();
    std::vector<Xapian::docid> out;
    if (!p.ok()) return out;
    for (const auto& [docid, weight] : Ranked(db, p->query)) out.push_back(docid);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(matches("mentioned:2025"), (std::vector<Xapian::docid>{1, 2, 3}));
  EXPECT_EQ(matches("mentioned:2025-06"), (std::vector<Xapian::docid>{1, 2}));
  EXPECT_EQ(matches("mentioned:2025-06-14"), (std::vector<Xapian::docid>{1}));
  EXPECT_EQ(matches("mentioned:2024"), (std::vector<Xapian::docid>{4}));
  EXPECT_TRUE(matches("mentioned:2025-07").empty());
}

// Thousands of random strings: the parser returns a query or
// kInvalidArgument, never crashes, and every query it returns runs.
TEST_F(QueryParserTest, FuzzNeverCrashes) {
  Xapian::WritableDatabase db = testing::BuildIndex(
      {testing::MakeArticle("1", "Nuclear talks", "Iran and Israel talk about nuclear peace.",
                            "2025-06-01", {"ir*", "il"}, {"Ali Khamenei"})});
  Xapian::Enquire enquire(db);
  std::mt19937 rng(12345);
  const std::vector<std::string> pieces = {
      "(",  ")",    "\"",   "-",     "+",     "*",      "AND",   "OR",  "NOT",   "NEAR",
      "NEAR/2", "ADJ/0", "ADJ",  "title:", "actor:", "date:", "country:", "about:", "lang:",
      "source:", "mentioned:", "id:", "url:", "foo:", "..",  "2025",  "2025-06", "2025-13-40",
      "nuclear", "iran", "Téhéran", "日本語", "\xE2\x80\x9C", "\xE2\x80\x9D", " ", " ", " ",
      "\t", ":", "/", "**", "NEAR/99999", "U.S.", "l'été", "\xff", "\xc3", "\xe2\x80", "\x00"};
  int ok = 0, errors = 0;
  for (int i = 0; i < 6000; ++i) {
    std::string q;
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) {
      switch (rng() % 4) {
        case 0: {  // random bytes, including invalid UTF-8
          const int len = static_cast<int>(rng() % 4);
          for (int b = 0; b < len; ++b) q.push_back(static_cast<char>(rng() % 256));
          break;
        }
        default:
          q += pieces[rng() % pieces.size()];
      }
    }
    if (i % 500 == 0) {  // deep nesting, sometimes unbalanced
      const int depth = static_cast<int>(rng() % 200);
      q = std::string(static_cast<size_t>(depth), '(') + q +
          std::string(static_cast<size_t>(depth - static_cast<int>(rng() % 2)), ')');
    }
    absl::StatusOr<ParsedQuery> p = parser_->Parse(q);
    if (p.ok()) {
      ++ok;
      enquire.set_query(p->query);
      (void)enquire.get_mset(0, 10);  // throws (failing the test) if Xapian rejects it
    } else {
      ++errors;
      ASSERT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << p.status();
      ASSERT_TRUE(absl::StartsWith(p.status().message(), "query:")) << p.status();
    }
    ParsedQuery w = parser_->ParseAsWords(q);
    enquire.set_query(w.query);
    (void)enquire.get_mset(0, 10);
  }
  // Both outcomes are exercised.
  EXPECT_GT(ok, 500);
  EXPECT_GT(errors, 500);
}

// "Iran's enrichment" reaches "Iranian enrichment" only if the English
// stemmer maps both words to one stem: check what it says and that search
// follows it.
TEST_F(QueryParserTest, PossessiveAndAdjectiveFollowTheStemmer) {
  absl::StatusOr<ParsedQuery> p = parser_->Parse("Iran's enrichment");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->query.get_description(), "Query((Ziran AND Zenrich))");
  const bool same_stem = analyzer_->Stem("iranian", "en") == analyzer_->Stem("iran", "en");
  EXPECT_FALSE(same_stem) << "Snowball english: iranian -> " << analyzer_->Stem("iranian", "en");
  Xapian::WritableDatabase db = testing::BuildIndex({
      testing::MakeArticle("a", "Iran's enrichment", "Centrifuges enriched uranium."),
      testing::MakeArticle("b", "Iranian enrichment", "Enriching uranium."),
      testing::MakeArticle("c", "Iran enriches uranium", "Enrichment went on."),
  });
  Xapian::Enquire enquire(db);
  enquire.set_query(p->query);
  Xapian::MSet m = enquire.get_mset(0, 10);
  std::vector<Xapian::docid> ids(m.begin(), m.end());
  std::vector<Xapian::docid> expected = same_stem ? std::vector<Xapian::docid>{1, 2, 3}
                                                  : std::vector<Xapian::docid>{1, 3};
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, expected);
}

}  // namespace
}  // namespace newsdex::query
