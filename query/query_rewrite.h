// Rewrites of a Xapian query tree: which operators can be rebuilt around
// changed subqueries (also for query/snapshot_bm25.h), and restrictions put
// inside its position checks. Private to query/.
//
// Xapian 1.4 checks a phrase's or NEAR's positions lazily: under an AND (or
// FILTER) only for documents that match the whole AND, but under an OR the
// phrase, asked for its next match, checks the positions of every candidate
// until one matches. A default-field phrase is an OR of a body and a title
// phrase (query_parser.cc), so a filter or docid range ANDed around it does
// not limit the position checks; wrapping each phrase in the restriction does.
#ifndef NEWSDEX_QUERY_QUERY_REWRITE_H_
#define NEWSDEX_QUERY_QUERY_REWRITE_H_

#include <functional>
#include <optional>

#include <xapian.h>

namespace newsdex::query::internal {

// Whether `type` has no parameter (AND, OR, AND_NOT, FILTER, AND_MAYBE and
// XOR), so a query of it can be rebuilt from changed subqueries alone: 1.4
// cannot read back the parameters of the others.
bool Rebuildable(Xapian::Query::op type);

// `query` with each phrase and NEAR P replaced by wrap(P); `query` itself when
// it has none. nullopt when one sits under an operator that is not
// Rebuildable.
std::optional<Xapian::Query> WrapPositional(
    const Xapian::Query& query, const std::function<Xapian::Query(const Xapian::Query&)>& wrap);

// Whether WrapPositional(query, ...) succeeds: no phrase or NEAR sits under
// an operator it cannot rebuild.
bool ReachesPositional(const Xapian::Query& query);

}  // namespace newsdex::query::internal

#endif  // NEWSDEX_QUERY_QUERY_REWRITE_H_
