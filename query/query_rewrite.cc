#include "query/query_rewrite.h"

#include <vector>

namespace newsdex::query::internal {
namespace {

bool Positional(Xapian::Query::op type) {
  return type == Xapian::Query::OP_PHRASE || type == Xapian::Query::OP_NEAR;
}

// WrapPositional, setting `*found` when `q` holds a phrase or NEAR.
std::optional<Xapian::Query> Wrap(const Xapian::Query& q,
                                  const std::function<Xapian::Query(const Xapian::Query&)>& wrap,
                                  bool* found) {
  if (Positional(q.get_type())) {
    *found = true;
    return wrap(q);
  }
  std::vector<Xapian::Query> subs;
  bool below = false;
  for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
    std::optional<Xapian::Query> sub = Wrap(q.get_subquery(i), wrap, &below);
    if (!sub) return std::nullopt;
    subs.push_back(*std::move(sub));
  }
  if (!below) return q;
  if (!Rebuildable(q.get_type())) return std::nullopt;
  *found = true;
  return Xapian::Query(q.get_type(), subs.begin(), subs.end());
}

// Whether `q` holds a phrase or NEAR; `*reachable` is cleared when one sits
// under an operator that cannot be rebuilt.
bool HasPositional(const Xapian::Query& q, bool* reachable) {
  if (Positional(q.get_type())) return true;
  bool below = false;
  for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
    below = HasPositional(q.get_subquery(i), reachable) || below;
  }
  if (below && !Rebuildable(q.get_type())) *reachable = false;
  return below;
}

}  // namespace

bool Rebuildable(Xapian::Query::op type) {
  switch (type) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_XOR:
      return true;
    default:
      return false;
  }
}

std::optional<Xapian::Query> WrapPositional(
    const Xapian::Query& query, const std::function<Xapian::Query(const Xapian::Query&)>& wrap) {
  bool found = false;
  return Wrap(query, wrap, &found);
}

bool ReachesPositional(const Xapian::Query& query) {
  bool reachable = true;
  HasPositional(query, &reachable);
  return reachable;
}

}  // namespace newsdex::query::internal
