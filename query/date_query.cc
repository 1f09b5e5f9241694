#include "query/date_query.h"

#include <string>
#include <vector>

#include "core/article.h"
#include "core/schema.h"

namespace newsdex::query {
namespace {

using core::FieldId;

absl::CivilDay LastDayOfMonth(absl::CivilDay d) {
  return absl::CivilDay(absl::CivilMonth(d) + 1) - 1;
}

}  // namespace

Xapian::Query DateRangeQuery(std::optional<absl::CivilDay> from,
                             std::optional<absl::CivilDay> to) {
  const Xapian::valueno slot = static_cast<Xapian::valueno>(core::ValueSlot::kDate);
  if (!from) return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, core::FormatCompactDate(*to));
  if (!to) return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, core::FormatCompactDate(*from));
  // Tile [from, to] greedily from the left with the largest unit that starts
  // at the current day and ends inside the range.
  std::vector<std::string> terms;
  for (absl::CivilDay d = *from; d <= *to;) {
    if (static_cast<int>(terms.size()) == kMaxDateTerms) {
      return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, core::FormatCompactDate(*from),
                           core::FormatCompactDate(*to));
    }
    const std::string day = core::FormatCompactDate(d);
    const absl::CivilDay year_end(d.year(), 12, 31);
    if (d.month() == 1 && d.day() == 1 && year_end <= *to) {
      terms.push_back(core::BooleanTerm(FieldId::kYear, day.substr(0, 4)));
      d = year_end + 1;
    } else if (d.day() == 1 && LastDayOfMonth(d) <= *to) {
      terms.push_back(core::BooleanTerm(FieldId::kMonth, day.substr(0, 6)));
      d = LastDayOfMonth(d) + 1;
    } else {
      terms.push_back(core::BooleanTerm(FieldId::kDay, day));
      d += 1;
    }
  }
  if (terms.size() == 1) return Xapian::Query(terms[0]);
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

}  // namespace newsdex::query
