// Status propagation macros. Debian 12's Abseil (20220623) ships none, so we
// define the two we need. Both evaluate their argument exactly once.
#ifndef NEWSDEX_CORE_STATUS_MACROS_H_
#define NEWSDEX_CORE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define NEWSDEX_STATUS_CONCAT_INNER_(a, b) a##b
#define NEWSDEX_STATUS_CONCAT_(a, b) NEWSDEX_STATUS_CONCAT_INNER_(a, b)

// Returns from the current function if `expr` (an absl::Status) is not OK.
#define NEWSDEX_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::absl::Status newsdex_status_ = (expr);           \
    if (!newsdex_status_.ok()) return newsdex_status_; \
  } while (0)

// `lhs` = value of `rexpr` (an absl::StatusOr<T>), or returns its status.
#define NEWSDEX_ASSIGN_OR_RETURN(lhs, rexpr)                                   \
  NEWSDEX_ASSIGN_OR_RETURN_IMPL_(NEWSDEX_STATUS_CONCAT_(newsdex_or_, __LINE__), \
                                 lhs, rexpr)
#define NEWSDEX_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                   \
  if (!tmp.ok()) return std::move(tmp).status();        \
  lhs = std::move(tmp).value()

#endif  // NEWSDEX_CORE_STATUS_MACROS_H_
