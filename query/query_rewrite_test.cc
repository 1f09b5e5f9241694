#include "query/query_rewrite.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/schema.h"
#include "gtest/gtest.h"
#include "query/test_index.h"

namespace newsdex::query::internal {
namespace {

Xapian::Query Term(const char* word) {
  return Xapian::Query(core::FreeTextTerm(core::FieldId::kText, word));
}

Xapian::Query Op(Xapian::Query::op op, const Xapian::Query& a, const Xapian::Query& b) {
  return Xapian::Query(op, a, b);
}

// Phrases and NEAR are reached under operators without parameters, and not
// under one whose parameter cannot be read back.
TEST(QueryRewriteTest, ReachesPositionalUnderPlainOperatorsOnly) {
  const Xapian::Query a = Term("pa"), b = Term("pb");
  const Xapian::Query phrase = Op(Xapian::Query::OP_PHRASE, a, b);
  const Xapian::Query near = Op(Xapian::Query::OP_NEAR, a, b);
  EXPECT_TRUE(ReachesPositional(a));
  EXPECT_TRUE(ReachesPositional(phrase));
  EXPECT_TRUE(ReachesPositional(Op(Xapian::Query::OP_FILTER, Op(Xapian::Query::OP_AND, a, b),
                                   Op(Xapian::Query::OP_OR, phrase, near))));
  EXPECT_TRUE(ReachesPositional(
      Op(Xapian::Query::OP_AND_NOT, a, Op(Xapian::Query::OP_OR, phrase, b))));
  EXPECT_FALSE(ReachesPositional(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, phrase, 2.0)));
  EXPECT_FALSE(ReachesPositional(
      Op(Xapian::Query::OP_OR, a, Op(Xapian::Query::OP_ELITE_SET, phrase, near))));
  // Under such an operator without positions below it, nothing to reach.
  EXPECT_TRUE(ReachesPositional(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, a, 2.0)));
}

TEST(QueryRewriteTest, WrapsEachPhraseAndNearItReaches) {
  const Xapian::Query a = Term("pa"), b = Term("pb"), mark = Term("mark");
  const auto wrap = [&](const Xapian::Query& p) { return Op(Xapian::Query::OP_AND, p, mark); };
  const Xapian::Query plain = Op(Xapian::Query::OP_OR, a, b);
  ASSERT_TRUE(WrapPositional(plain, wrap).has_value());
  EXPECT_EQ(WrapPositional(plain, wrap)->get_description(), plain.get_description());

  const Xapian::Query phrase = Op(Xapian::Query::OP_PHRASE, a, b);
  const Xapian::Query near = Op(Xapian::Query::OP_NEAR, b, a);
  const std::optional<Xapian::Query> wrapped =
      WrapPositional(Op(Xapian::Query::OP_AND_MAYBE, a, Op(Xapian::Query::OP_OR, phrase, near)),
                     wrap);
  ASSERT_TRUE(wrapped.has_value());
  EXPECT_EQ(wrapped->get_description(),
            Op(Xapian::Query::OP_AND_MAYBE, a,
               Op(Xapian::Query::OP_OR, wrap(phrase), wrap(near)))
                .get_description());
  EXPECT_FALSE(
      WrapPositional(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, phrase, 2.0), wrap).has_value());
}

// A filter put inside the phrases as well as around the query (as
// SearchFilters::Apply does) selects the same documents with the same weights.
TEST(QueryRewriteTest, FilterInsidePhrasesLeavesEveryWeightUnchanged) {
  std::mt19937 rng(11);
  const std::vector<std::string> vocab = {"pa", "pb", "pc", "pd"};
  const std::vector<std::string> codes = {"ir", "us", "gb"};
  auto words = [&](int n) {
    std::vector<std::string> w;
    for (int i = 0; i < n; ++i) w.push_back(vocab[rng() % vocab.size()]);
    return absl::StrJoin(w, " ");
  };
  std::vector<core::Article> articles;
  for (int i = 0; i < 500; ++i) {
    articles.push_back(testing::MakeArticle(absl::StrCat("a", i), words(2), words(3 + i % 7), "",
                                            {codes[rng() % codes.size()]}));
  }
  Xapian::WritableDatabase db = testing::BuildIndex(articles);
  const Xapian::Database& reader = db;
  const Xapian::Query title_phrase(
      Xapian::Query::OP_PHRASE,
      Xapian::Query(core::FreeTextTerm(core::FieldId::kTitle, "pa")),
      Xapian::Query(core::FreeTextTerm(core::FieldId::kTitle, "pb")));
  const std::vector<Xapian::Query> queries = {
      Op(Xapian::Query::OP_PHRASE, Term("pa"), Term("pb")),
      // The parser's default-field phrase: body or title.
      Op(Xapian::Query::OP_OR, Op(Xapian::Query::OP_PHRASE, Term("pa"), Term("pb")),
         title_phrase),
      Op(Xapian::Query::OP_AND_MAYBE, Op(Xapian::Query::OP_NEAR, Term("pc"), Term("pd")),
         Term("pa")),
  };
  const Xapian::Query filter(core::BooleanTerm(core::FieldId::kCountry, "ir"));
  ASSERT_GT(reader.get_termfreq(*filter.get_terms_begin()), 0u);
  int compared = 0;
  for (const Xapian::Query& query : queries) {
    const std::optional<Xapian::Query> inside = WrapPositional(query, [&](const Xapian::Query& p) {
      return Op(Xapian::Query::OP_FILTER, p, filter);
    });
    ASSERT_TRUE(inside.has_value());
    Xapian::Enquire around(reader), both(reader);
    around.set_query(Op(Xapian::Query::OP_FILTER, query, filter));
    both.set_query(Op(Xapian::Query::OP_FILTER, *inside, filter));
    const Xapian::MSet want = around.get_mset(0, reader.get_doccount());
    const Xapian::MSet got = both.get_mset(0, reader.get_doccount());
    ASSERT_GT(want.size(), 10u) << query.get_description();
    ASSERT_EQ(got.size(), want.size()) << query.get_description();
    for (Xapian::doccount i = 0; i < want.size(); ++i) {
      EXPECT_EQ(*got[i], *want[i]) << query.get_description() << " rank " << i;
      EXPECT_EQ(got[i].get_weight(), want[i].get_weight()) << query.get_description();
      ++compared;
    }
  }
  EXPECT_GT(compared, 50);
}

}  // namespace
}  // namespace newsdex::query::internal
