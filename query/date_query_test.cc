#include "query/date_query.h"

#include <random>
#include <set>
#include <string>

#include "absl/strings/numbers.h"
#include "core/article.h"
#include "core/schema.h"
#include "gtest/gtest.h"

namespace newsdex::query {
namespace {

using absl::CivilDay;

// The days a Y/M/D term stands for.
std::vector<CivilDay> DaysOf(const std::string& term) {
  const std::string y = core::BooleanTerm(core::FieldId::kYear, "");
  const std::string m = core::BooleanTerm(core::FieldId::kMonth, "");
  const std::string d = core::BooleanTerm(core::FieldId::kDay, "");
  int n = 0;
  std::vector<CivilDay> out;
  auto value = [&](const std::string& prefix) { return term.substr(prefix.size()); };
  // Day terms first: their prefix may share a first letter with no other.
  if (term.rfind(d, 0) == 0 && value(d).size() == 8) {
    std::optional<CivilDay> day = core::ParseIsoDate(value(d));
    if (day) out.push_back(*day);
  } else if (term.rfind(m, 0) == 0 && value(m).size() == 6 && absl::SimpleAtoi(value(m), &n)) {
    for (CivilDay day(n / 100, n % 100, 1); day.month() == n % 100; ++day) out.push_back(day);
  } else if (term.rfind(y, 0) == 0 && value(y).size() == 4 && absl::SimpleAtoi(value(y), &n)) {
    for (CivilDay day(n, 1, 1); day.year() == n; ++day) out.push_back(day);
  }
  return out;
}

TEST(DateRangeQueryTest, TilesClosedRangesExactlyWithoutOverlap) {
  std::mt19937 rng(11);
  for (int round = 0; round < 500; ++round) {
    const CivilDay from = CivilDay(1985, 1, 1) + static_cast<int>(rng() % 15000);
    const CivilDay to = from + static_cast<int>(rng() % (round % 2 ? 40 : 4000));
    const Xapian::Query q = DateRangeQuery(from, to);
    SCOPED_TRACE(q.get_description());
    ASSERT_NE(q.get_type(), Xapian::Query::OP_VALUE_RANGE);
    std::multiset<CivilDay> covered;
    int terms = 0;
    for (auto it = q.get_unique_terms_begin(); it != q.get_unique_terms_end(); ++it, ++terms) {
      const std::vector<CivilDay> days = DaysOf(*it);
      ASSERT_FALSE(days.empty()) << *it;
      covered.insert(days.begin(), days.end());
    }
    EXPECT_LE(terms, kMaxDateTerms);
    ASSERT_EQ(covered.size(), static_cast<size_t>(to - from + 1));
    EXPECT_EQ(*covered.begin(), from);
    EXPECT_EQ(*covered.rbegin(), to);
    EXPECT_EQ(std::set<CivilDay>(covered.begin(), covered.end()).size(), covered.size());
  }
}

TEST(DateRangeQueryTest, UsesTheLargestUnits) {
  EXPECT_EQ(DateRangeQuery(CivilDay(2018, 1, 1), CivilDay(2018, 12, 31)).get_description(),
            Xapian::Query(core::BooleanTerm(core::FieldId::kYear, "2018")).get_description());
  EXPECT_EQ(DateRangeQuery(CivilDay(2024, 2, 1), CivilDay(2024, 2, 29)).get_description(),
            Xapian::Query(core::BooleanTerm(core::FieldId::kMonth, "202402")).get_description());
  // 2024-12-30 .. 2026-02-02: 2 days, a year, a month, 2 days.
  const Xapian::Query q = DateRangeQuery(CivilDay(2024, 12, 30), CivilDay(2026, 2, 2));
  EXPECT_EQ(std::distance(q.get_unique_terms_begin(), q.get_unique_terms_end()), 6);
}

TEST(DateRangeQueryTest, OpenAndVeryLongRangesStayValueRanges) {
  EXPECT_EQ(DateRangeQuery(CivilDay(2020, 5, 5), std::nullopt).get_type(),
            Xapian::Query::OP_VALUE_GE);
  EXPECT_EQ(DateRangeQuery(std::nullopt, CivilDay(2020, 5, 5)).get_type(),
            Xapian::Query::OP_VALUE_LE);
  EXPECT_EQ(DateRangeQuery(CivilDay(1000, 1, 2), CivilDay(3000, 1, 1)).get_type(),
            Xapian::Query::OP_VALUE_RANGE);
}

}  // namespace
}  // namespace newsdex::query
