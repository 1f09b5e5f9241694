// The publication-date filter as a Xapian query, shared by the query parser
// (`date:A..B`) and the search request's from/to.
#ifndef NEWSDEX_QUERY_DATE_QUERY_H_
#define NEWSDEX_QUERY_DATE_QUERY_H_

#include <optional>

#include <xapian.h>

#include "absl/time/civil_time.h"

namespace newsdex::query {

// Documents published in [from, to] (either end may be open; not both).
// A closed range becomes an OR of the fewest year (Y), month (M) and day (D)
// boolean terms that tile it exactly: a filter over posting lists, which the
// matcher leapfrogs. 1M documents: "including year:2018" (4,862 of ~400k
// "including" matches) took 123 ms as OP_VALUE_RANGE, which reads the date
// value of every candidate. Open ranges, and closed ones that would need more
// than kMaxDateTerms terms, stay value ranges over ValueSlot::kDate.
// REQUIRES: from or to set; from <= to when both are.
Xapian::Query DateRangeQuery(std::optional<absl::CivilDay> from,
                             std::optional<absl::CivilDay> to);

inline constexpr int kMaxDateTerms = 200;

}  // namespace newsdex::query

#endif  // NEWSDEX_QUERY_DATE_QUERY_H_
