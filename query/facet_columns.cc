#include "query/facet_columns.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/article.h"
#include "core/log.h"
#include "core/schema.h"
#include "core/status_macros.h"
#include "core/xapian_status.h"

namespace newsdex::query {
namespace {

using core::ValueSlot;

constexpr FacetField kAllFields[] = {FacetField::kActor,    FacetField::kCountry,
                                     FacetField::kAbout,    FacetField::kLanguage,
                                     FacetField::kSource,   FacetField::kDate};

// Checking the cancel flag per document would cost as much as the rest of
// the loop; every 64k documents a cancelled build stops within a few ms.
constexpr uint32_t kCancelCheckMask = (1u << 16) - 1;

// The counter copies this many bytes from every run of multi-valued codes,
// whatever its length (FacetColumnCounter::Flush); every multi-valued codes
// array ends with this much padding so the copy stays inside it.
constexpr size_t kRunBytes = 32;

// Count lanes (FacetColumnCounter::Field) for fields with at most
// kMaxLanedValues values.
constexpr size_t kLanes = 4;
constexpr size_t kMaxLanedValues = 1024;

// Feeds each (docid, value) of `slot` with docid in [first, last] to `add`,
// checking `cancel` every 64k values. Xapian errors come back as Status.
template <typename Add>
absl::Status StreamSlot(const Xapian::Database& db, Xapian::valueno slot, Xapian::docid first,
                        Xapian::docid last, const std::atomic<bool>* cancel, Add&& add) {
  return core::CallXapian("reading facet values", [&]() -> absl::Status {
    Xapian::ValueIterator it = db.valuestream_begin(slot);
    if (first > 1) it.skip_to(first);
    uint32_t n = 0;
    for (; it != db.valuestream_end(slot); ++it) {
      if ((++n & kCancelCheckMask) == 0 && cancel != nullptr &&
          cancel->load(std::memory_order_relaxed)) {
        return absl::CancelledError("facet columns: build cancelled");
      }
      const Xapian::docid did = it.get_docid();
      if (did > last) break;
      add(did, *it);
    }
    return absl::OkStatus();
  });
}

// Calls `fn` on each value of a packed multi-valued slot value, "a|b|c"
// (core::PackValues: sorted, no duplicates), without copying them.
template <typename Fn>
void ForEachPackedValue(const std::string& packed, Fn&& fn) {
  size_t start = 0;
  while (start <= packed.size()) {
    // std::string::find, an inline memchr (Debian's absl::string_view::find
    // is an out-of-line call per value).
    size_t end = packed.find(core::kPackedSeparator, start);
    if (end == std::string::npos) end = packed.size();
    if (end > start) fn(absl::string_view(packed).substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace

absl::StatusOr<std::optional<DatabaseIdentity>> IdentityOf(const Xapian::Database& db) {
  DatabaseIdentity id;
  NEWSDEX_ASSIGN_OR_RETURN(bool single, core::CallXapian("reading database identity", [&] {
                             if (db.size() != 1) return false;
                             id.uuid = db.get_uuid();
                             id.lastdocid = db.get_lastdocid();
                             id.doccount = db.get_doccount();
                             id.rewrites = db.get_metadata(core::kRewritesKey);
                             return true;
                           }));
  if (!single || id.uuid.empty()) return std::optional<DatabaseIdentity>();
  // Only glass (and chert) know their revision; other backends throw, which
  // here just means "no shareable identity".
  std::optional<Xapian::rev> revision = core::RevisionOf(db);
  if (!revision) return std::optional<DatabaseIdentity>();
  id.revision = *revision;
  return std::optional<DatabaseIdentity>(std::move(id));
}

bool FacetColumns::ValidFor(const DatabaseIdentity& id) const {
  return !identity_.uuid.empty() && identity_.uuid == id.uuid &&
         identity_.rewrites == id.rewrites && identity_.revision >= id.revision &&
         identity_.lastdocid >= id.lastdocid;
}

size_t FacetColumns::MemoryBytes() const {
  size_t n = sizeof(*this);
  for (const Column& c : columns_) {
    n += (c.offsets.capacity() + c.codes32.capacity()) * sizeof(uint32_t) +
         c.codes16.capacity() * sizeof(uint16_t) + c.codes8.capacity();
    for (const std::string& v : c.values) n += sizeof(std::string) + v.capacity();
    // The hash map: one slot (key + ordinal + control byte) per bucket.
    n += c.ordinal_of.capacity() * (sizeof(std::string) + sizeof(uint32_t) + 1);
    for (const auto& [key, ord] : c.ordinal_of) n += key.capacity();
  }
  return n + doc_lengths_.capacity() * sizeof(Xapian::termcount);
}

absl::Status FacetColumns::AppendFrom(const Xapian::Database& db, Xapian::docid first,
                                      Xapian::docid last, const std::atomic<bool>* cancel) {
  for (FacetField f : kAllFields) {
    NEWSDEX_RETURN_IF_ERROR(columns_[Index(f)].AppendFrom(db, f, first, last, cancel));
  }
  return AppendDocLengths(db, first, last, cancel);
}

// Read in docid order from the length list, one step each (at 1M documents
// ~50 ms), not by a lookup per document.
absl::Status FacetColumns::AppendDocLengths(const Xapian::Database& db, Xapian::docid first,
                                            Xapian::docid last,
                                            const std::atomic<bool>* cancel) {
  doc_lengths_.resize(static_cast<size_t>(last) + 1, 0);
  return core::CallXapian("reading document lengths", [&]() -> absl::Status {
    Xapian::PostingIterator it = db.postlist_begin("");
    if (first > 1) it.skip_to(first);
    uint32_t n = 0;
    for (; it != db.postlist_end("") && *it <= last; ++it) {
      if ((++n & kCancelCheckMask) == 0 && cancel != nullptr &&
          cancel->load(std::memory_order_relaxed)) {
        return absl::CancelledError("facet columns: build cancelled");
      }
      doc_lengths_[*it] = it.get_doclength();
    }
    return absl::OkStatus();
  });
}

absl::Status FacetColumns::Column::AppendFrom(const Xapian::Database& db, FacetField field,
                                              Xapian::docid first, Xapian::docid last,
                                              const std::atomic<bool>* cancel) {
  multi = IsMultiValuedFacet(field);
  const bool date = field == FacetField::kDate;
  const Xapian::valueno slot = static_cast<Xapian::valueno>(FacetSlot(field));
  // Appended at full width; the column may outgrow its old width.
  std::vector<uint32_t> codes = TakeCodes();
  NEWSDEX_RETURN_IF_ERROR(multi ? AppendPacked(db, slot, first, last, cancel, codes)
                                : AppendSingle(db, slot, date, first, last, cancel, codes));
  PutCodes(std::move(codes));
  if (date) OrderDays();
  return absl::OkStatus();
}

uint32_t FacetColumns::Column::Intern(absl::string_view value, bool date) {
  auto [it, inserted] =
      ordinal_of.try_emplace(std::string(value), static_cast<uint32_t>(values.size()));
  if (inserted) {
    values.emplace_back(value);
    if (date) days.push_back(core::ParseIsoDate(value));
  }
  return it->second;
}

absl::Status FacetColumns::Column::AppendPacked(const Xapian::Database& db, Xapian::valueno slot,
                                                Xapian::docid first, Xapian::docid last,
                                                const std::atomic<bool>* cancel,
                                                std::vector<uint32_t>& codes) {
  // Invariant: offsets[d] is set for every d <= `filled`; offsets[first]
  // (the end of the previous snapshot) already is.
  offsets.resize(static_cast<size_t>(last) + 2, 0);
  Xapian::docid filled = first;
  NEWSDEX_RETURN_IF_ERROR(StreamSlot(
      db, slot, first, last, cancel, [&](Xapian::docid did, const std::string& packed) {
        while (filled < did) offsets[++filled] = static_cast<uint32_t>(codes.size());
        ForEachPackedValue(packed, [&](absl::string_view value) {
          codes.push_back(Intern(value, /*date=*/false) + 1);
        });
      }));
  while (filled < last + 1) offsets[++filled] = static_cast<uint32_t>(codes.size());
  return absl::OkStatus();
}

absl::Status FacetColumns::Column::AppendSingle(const Xapian::Database& db, Xapian::valueno slot,
                                                bool date, Xapian::docid first,
                                                Xapian::docid last,
                                                const std::atomic<bool>* cancel,
                                                std::vector<uint32_t>& codes) {
  codes.resize(static_cast<size_t>(last) + 1, 0);
  return StreamSlot(db, slot, first, last, cancel,
                    [&](Xapian::docid did, const std::string& value) {
                      if (!value.empty()) codes[did] = Intern(value, date) + 1;
                    });
}

void FacetColumns::Column::OrderDays() {
  day_order.clear();
  for (uint32_t i = 0; i < days.size(); ++i) {
    if (days[i]) day_order.push_back(i);
  }
  std::sort(day_order.begin(), day_order.end(),
            [this](uint32_t a, uint32_t b) { return *days[a] < *days[b]; });
}

std::vector<uint32_t> FacetColumns::Column::TakeCodes() {
  // Multi-valued arrays end with padding: offsets.back() is the real end.
  const size_t n = !multi ? codes8.size() + codes16.size() + codes32.size()
                   : offsets.empty() ? 0
                                     : offsets.back();
  std::vector<uint32_t> out;
  if (width == 4) {
    out = std::move(codes32);
    out.resize(n);
  } else if (width == 2) {
    out.assign(codes16.begin(), codes16.begin() + static_cast<ptrdiff_t>(n));
  } else {
    out.assign(codes8.begin(), codes8.begin() + static_cast<ptrdiff_t>(n));
  }
  codes8 = {};
  codes16 = {};
  codes32 = {};
  return out;
}

void FacetColumns::Column::PutCodes(std::vector<uint32_t> codes) {
  // The highest code is values.size().
  width = values.size() <= UINT8_MAX ? 1 : values.size() <= UINT16_MAX ? 2 : 4;
  const size_t n = codes.size() + (multi ? kRunBytes / static_cast<size_t>(width) : 0);
  if (width == 4) {
    codes32 = std::move(codes);
    codes32.resize(n, 0);
    codes32.shrink_to_fit();
  } else if (width == 2) {
    codes16.reserve(n);
    codes16.assign(codes.begin(), codes.end());
    codes16.resize(n, 0);
  } else {
    codes8.reserve(n);
    codes8.assign(codes.begin(), codes.end());
    codes8.resize(n, 0);
  }
}

absl::StatusOr<std::shared_ptr<const FacetColumns>> FacetColumns::Build(
    const Xapian::Database& db, const std::atomic<bool>* cancel) {
  auto columns = std::make_shared<FacetColumns>();
  NEWSDEX_ASSIGN_OR_RETURN(std::optional<DatabaseIdentity> id, IdentityOf(db));
  if (id) {
    columns->identity_ = *std::move(id);
  } else {
    NEWSDEX_RETURN_IF_ERROR(core::CallXapian("reading document count", [&] {
      columns->identity_.lastdocid = db.get_lastdocid();
      columns->identity_.doccount = db.get_doccount();
    }));
  }
  NEWSDEX_RETURN_IF_ERROR(columns->AppendFrom(db, 1, columns->identity_.lastdocid, cancel));
  return std::shared_ptr<const FacetColumns>(std::move(columns));
}

absl::StatusOr<std::shared_ptr<const FacetColumns>> FacetColumns::Extend(
    const FacetColumns& base, const Xapian::Database& db, const std::atomic<bool>* cancel) {
  NEWSDEX_ASSIGN_OR_RETURN(std::optional<DatabaseIdentity> id, IdentityOf(db));
  if (!id || id->uuid != base.identity_.uuid || id->rewrites != base.identity_.rewrites ||
      id->lastdocid < base.lastdocid()) {
    return absl::FailedPreconditionError(
        "facet columns: the database was rewritten since the snapshot; build anew");
  }
  // Only additions: the documents above the old lastdocid are exactly the
  // new ones. A writer that deleted without bumping the counter shows here.
  NEWSDEX_ASSIGN_OR_RETURN(Xapian::doccount added, core::CallXapian("counting new documents", [&] {
                             Xapian::doccount n = 0;
                             Xapian::PostingIterator it = db.postlist_begin("");
                             it.skip_to(base.lastdocid() + 1);
                             for (; it != db.postlist_end(""); ++it) ++n;
                             return n;
                           }));
  if (base.identity_.doccount + added != id->doccount) {
    return absl::FailedPreconditionError(absl::StrCat(
        "facet columns: ", base.identity_.doccount, " documents + ", added, " new != ",
        id->doccount, " (documents deleted without bumping ", core::kRewritesKey, ")"));
  }
  auto columns = std::make_shared<FacetColumns>(base);
  columns->identity_ = *std::move(id);
  NEWSDEX_RETURN_IF_ERROR(
      columns->AppendFrom(db, base.lastdocid() + 1, columns->identity_.lastdocid, cancel));
  return std::shared_ptr<const FacetColumns>(std::move(columns));
}

FacetColumnCounter::FacetColumnCounter(std::shared_ptr<const FacetColumns> columns,
                                       const std::vector<FacetField>& fields)
    : columns_(std::move(columns)), lastdocid_(columns_->lastdocid()) {
  for (FacetField f : fields) {
    const FacetColumns::Column& c = columns_->columns_[FacetColumns::Index(f)];
    const size_t stride = c.values.size() + 1;
    const size_t lanes = stride <= kMaxLanedValues ? kLanes : 1;
    fields_.push_back(Field{f, c.multi, c.width, c.offsets.data(), c.codes(), lanes, stride,
                            std::vector<uint32_t>(lanes * stride, 0)});
    if (!c.multi) continue;
    const size_t gathered = kBlock * kRunBytes / static_cast<size_t>(c.width);
    if (c.width == 1) gathered8_.resize(gathered);
    if (c.width == 2) gathered16_.resize(gathered);
    if (c.width == 4) gathered32_.resize(gathered);
  }
}

namespace {

// Increments counts[lane * stride + code[i]] for code[i] of docs[0..n), the
// lane cycling through kWays lanes (1: no lanes).
template <size_t kWays, typename Code, typename Get>
void Increment(size_t n, const Get& code, size_t stride, uint32_t* counts) {
  size_t i = 0;
  for (; i + kWays <= n; i += kWays) {
    for (size_t l = 0; l < kWays; ++l) ++counts[l * stride + code(i + l)];
  }
  for (; i < n; ++i) ++counts[code(i)];
}

template <size_t kWays, typename Code>
void CountCodes(const Code* codes, const Xapian::docid* docs, size_t n, size_t stride,
                uint32_t* counts) {
  Increment<kWays, Code>(n, [&](size_t i) { return codes[docs[i]]; }, stride, counts);
}

// Copies a fixed kRun codes from every document's run, however long it is,
// then counts the gathered codes in one loop. A loop per document over its
// own run mispredicted its exit about once per document and field (countries:
// 0 to 20+ values, 3 on average) and stalled on the increments' cache misses
// behind each misprediction. The rare longer runs (~3% of documents for
// actors, 0.3% for countries) count their tail directly.
template <size_t kWays, size_t kRun, typename Code>
void CountRuns(const uint32_t* offsets, const Code* codes, const Xapian::docid* docs, size_t n,
               size_t stride, uint32_t* counts, Code* gathered) {
  size_t end = 0;
  for (size_t k = 0; k < n; ++k) {
    const uint32_t begin = offsets[docs[k]];
    const uint32_t size = offsets[docs[k] + 1] - begin;
    // In bounds: the codes end with kRun codes of padding.
    std::memcpy(gathered + end, codes + begin, kRun * sizeof(Code));
    if (size > kRun) {
      for (uint32_t i = kRun; i < size; ++i) ++counts[codes[begin + i]];
    }
    end += std::min<size_t>(size, kRun);
  }
  Increment<kWays, Code>(end, [&](size_t i) { return gathered[i]; }, stride, counts);
}

template <size_t kWays, typename Code>
void CountField(bool multi, const uint32_t* offsets, const Code* codes, const Xapian::docid* docs,
                size_t n, size_t stride, uint32_t* counts, Code* gathered) {
  if (multi) {
    CountRuns<kWays, kRunBytes / sizeof(Code)>(offsets, codes, docs, n, stride,
                                                              counts, gathered);
  } else {
    CountCodes<kWays>(codes, docs, n, stride, counts);
  }
}

template <typename Code>
void CountField(size_t lanes, bool multi, const uint32_t* offsets, const void* codes,
                const Xapian::docid* docs, size_t n, size_t stride, uint32_t* counts,
                Code* gathered) {
  const Code* typed = static_cast<const Code*>(codes);
  if (lanes == kLanes) {
    CountField<kLanes>(multi, offsets, typed, docs, n, stride, counts,
                                           gathered);
  } else {
    CountField<1>(multi, offsets, typed, docs, n, stride, counts, gathered);
  }
}

}  // namespace

void FacetColumnCounter::Flush() const {
  const size_t n = pending_size_;
  pending_size_ = 0;
  if (n == 0) return;
  for (Field& f : fields_) {
    if (f.width == 1) {
      CountField(f.lanes, f.multi, f.offsets, f.codes, pending_, n, f.stride, f.counts.data(),
                 gathered8_.data());
    } else if (f.width == 2) {
      CountField(f.lanes, f.multi, f.offsets, f.codes, pending_, n, f.stride, f.counts.data(),
                 gathered16_.data());
    } else {
      CountField(f.lanes, f.multi, f.offsets, f.codes, pending_, n, f.stride, f.counts.data(),
                 gathered32_.data());
    }
  }
}

std::optional<std::vector<std::string>> ConjunctionTerms(const Xapian::Query& query) {
  std::vector<std::string> terms;
  std::vector<Xapian::Query> stack = {query};
  while (!stack.empty()) {
    const Xapian::Query q = std::move(stack.back());
    stack.pop_back();
    switch (q.get_type()) {
      case Xapian::Query::LEAF_TERM:
        terms.push_back(*q.get_terms_begin());
        break;
      case Xapian::Query::LEAF_MATCH_ALL:
        terms.emplace_back();
        break;
      case Xapian::Query::OP_AND:
      case Xapian::Query::OP_FILTER:
      case Xapian::Query::OP_SCALE_WEIGHT:
        for (size_t i = 0; i < q.get_num_subqueries(); ++i) stack.push_back(q.get_subquery(i));
        break;
      default:
        return std::nullopt;
    }
  }
  if (terms.empty()) return std::nullopt;
  return terms;
}

namespace {

// Leapfrogs the posting lists `its` (at least two, rarest first): feeds every
// docid all of them hold to `counter` (may be null) and returns how many
// there were. Throws Xapian errors.
Xapian::doccount CountAgreeing(std::vector<Xapian::PostingIterator>& its,
                               FacetColumnCounter* counter) {
  const Xapian::PostingIterator end;
  Xapian::doccount n = 0;
  if (its[0] == end) return n;
  Xapian::docid candidate = *its[0];
  for (;;) {
    bool agreed = true;
    for (size_t i = 1; i < its.size(); ++i) {
      its[i].skip_to(candidate);
      if (its[i] == end) return n;
      if (*its[i] != candidate) {
        candidate = *its[i];
        agreed = false;
        break;
      }
    }
    if (agreed) {
      if (counter != nullptr) counter->Add(candidate);
      ++n;
      ++its[0];
    } else {
      its[0].skip_to(candidate);
    }
    if (its[0] == end) return n;
    candidate = *its[0];
  }
}

}  // namespace

absl::StatusOr<Xapian::doccount> CountConjunction(const Xapian::Database& db,
                                                  const std::vector<std::string>& terms,
                                                  FacetColumnCounter* counter) {
  assert(!terms.empty());
  return core::CallXapian("counting facets", [&]() -> Xapian::doccount {
    // Rarest first: it proposes the fewest candidates.
    std::vector<std::pair<Xapian::doccount, std::string>> order;
    for (const std::string& t : terms) {
      order.emplace_back(t.empty() ? db.get_doccount() : db.get_termfreq(t), t);
    }
    std::sort(order.begin(), order.end());
    order.erase(std::unique(order.begin(), order.end()), order.end());
    std::vector<Xapian::PostingIterator> its;
    for (const auto& [freq, t] : order) its.push_back(db.postlist_begin(t));
    if (its.size() > 1) return CountAgreeing(its, counter);
    // One term in one database: its frequency is exact.
    if (counter == nullptr) return order[0].first;
    const Xapian::PostingIterator end;
    Xapian::doccount n = 0;
    for (Xapian::PostingIterator& it = its[0]; it != end; ++it) {
      counter->Add(*it);
      ++n;
    }
    return n;
  });
}

void FacetColumnCounter::MergeFrom(const FacetColumnCounter& other) {
  assert(other.columns_ == columns_ && other.fields_.size() == fields_.size());
  Flush();
  other.Flush();
  for (size_t i = 0; i < fields_.size(); ++i) {
    std::vector<uint32_t>& mine = fields_[i].counts;
    const std::vector<uint32_t>& theirs = other.fields_[i].counts;
    assert(mine.size() == theirs.size());
    for (size_t k = 0; k < mine.size(); ++k) mine[k] += theirs[k];
  }
}

std::vector<std::pair<absl::string_view, uint64_t>> FacetColumnCounter::Counts(
    FacetField field) const {
  Flush();
  std::vector<std::pair<absl::string_view, uint64_t>> out;
  for (const Field& f : fields_) {
    if (f.field != field) continue;
    const std::vector<std::string>& values = columns_->values(field);
    if (f.lanes > 1) {
      for (size_t i = 1; i < f.stride; ++i) {
        const uint64_t n = f.Count(i);
        if (n != 0) out.emplace_back(values[i - 1], n);
      }
      continue;
    }
    // A field with many values (355k actors on 1M documents): sized first,
    // as growing the vector cost as much as the scan.
    const uint32_t* counts = f.counts.data();
    out.reserve(out.size() + static_cast<size_t>(std::count_if(
                                 counts + 1, counts + f.stride, [](uint32_t n) { return n != 0; })));
    for (size_t i = 1; i < f.stride; ++i) {
      if (counts[i] != 0) out.emplace_back(values[i - 1], counts[i]);
    }
  }
  return out;
}

std::vector<std::pair<absl::CivilDay, uint64_t>> FacetColumnCounter::DayCounts() const {
  Flush();
  std::vector<std::pair<absl::CivilDay, uint64_t>> out;
  const FacetColumns::Column& c = columns_->columns_[FacetColumns::Index(FacetField::kDate)];
  for (const Field& f : fields_) {
    if (f.field != FacetField::kDate) continue;
    for (uint32_t ord : c.day_order) {
      const uint64_t n = f.Count(ord + 1);
      if (n == 0) continue;
      // Two spellings of one day would be adjacent: merge them.
      if (!out.empty() && out.back().first == *c.days[ord]) {
        out.back().second += n;
      } else {
        out.emplace_back(*c.days[ord], n);
      }
    }
  }
  return out;
}

FacetColumnsCache& FacetColumnsCache::Global() {
  // Destroyed at exit, which cancels and joins a build still running before
  // Xapian's own statics go away.
  static FacetColumnsCache cache;
  return cache;
}

FacetColumnsCache::FacetColumnsCache() = default;

FacetColumnsCache::~FacetColumnsCache() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cancel_.store(true);
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const FacetColumns> FacetColumnsCache::Find(const DatabaseIdentity& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = latest_.find(id.uuid);
  if (it != latest_.end() && it->second->ValidFor(id)) return it->second;
  return nullptr;
}

bool FacetColumnsCache::CanExtend(const DatabaseIdentity& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = latest_.find(id.uuid);
  if (it == latest_.end()) return false;
  const DatabaseIdentity& have = it->second->identity();
  return have.rewrites == id.rewrites && have.lastdocid <= id.lastdocid;
}

absl::StatusOr<std::shared_ptr<const FacetColumns>> FacetColumnsCache::Make(
    const Xapian::Database& db, const DatabaseIdentity& id,
    std::shared_ptr<const FacetColumns> base) {
  if (base != nullptr && base->identity().rewrites == id.rewrites &&
      base->lastdocid() <= id.lastdocid && base->identity().revision <= id.revision) {
    absl::StatusOr<std::shared_ptr<const FacetColumns>> extended =
        FacetColumns::Extend(*base, db, &cancel_);
    if (extended.ok() || extended.status().code() != absl::StatusCode::kFailedPrecondition) {
      return extended;
    }
    NEWSDEX_LOG(WARNING) << extended.status().message();
  }
  return FacetColumns::Build(db, &cancel_);
}

void FacetColumnsCache::Publish(std::shared_ptr<const FacetColumns> snapshot) {
  // REQUIRES: mu_ held. Keep the newest revision.
  std::shared_ptr<const FacetColumns>& slot = latest_[snapshot->identity().uuid];
  if (slot == nullptr || slot->identity().revision <= snapshot->identity().revision) {
    slot = std::move(snapshot);
  }
}

absl::StatusOr<std::shared_ptr<const FacetColumns>> FacetColumnsCache::GetOrBuild(
    const Xapian::Database& db, const DatabaseIdentity& id) {
  std::shared_ptr<const FacetColumns> base;
  {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      auto it = latest_.find(id.uuid);
      if (it != latest_.end() && it->second->ValidFor(id)) return it->second;
      if (building_.count(id.uuid) == 0) break;
      cv_.wait(lock);
    }
    building_.insert(id.uuid);
    auto it = latest_.find(id.uuid);
    if (it != latest_.end()) base = it->second;
  }
  absl::StatusOr<std::shared_ptr<const FacetColumns>> made = Make(db, id, std::move(base));
  {
    std::lock_guard<std::mutex> lock(mu_);
    building_.erase(id.uuid);
    if (made.ok()) Publish(*made);
  }
  cv_.notify_all();
  return made;
}

void FacetColumnsCache::BuildInBackground(const std::string& path, const DatabaseIdentity& id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_ || building_.count(id.uuid) != 0) return;
    building_.insert(id.uuid);
    jobs_.push_back(Job{path, id.uuid});
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  }
  cv_.notify_all();
}

void FacetColumnsCache::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return stop_ || (jobs_.empty() && building_.empty()); });
}

void FacetColumnsCache::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
    if (stop_) return;
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    // A fresh handle sees the newest revision, which is what the Searchers
    // asking will have reopened to by the time the build is done. A commit
    // landing during a long build can make the reader's revision go away
    // (kAborted): start again from the newer one.
    std::shared_ptr<const FacetColumns> made;
    absl::Status status;
    for (int attempt = 0; attempt < 3 && made == nullptr; ++attempt) {
      absl::StatusOr<Xapian::Database> db =
          core::CallXapian(absl::StrCat("opening ", job.path),
                           [&] { return Xapian::Database(job.path); });
      if (!db.ok()) {
        status = db.status();
        break;
      }
      absl::StatusOr<std::optional<DatabaseIdentity>> id = IdentityOf(*db);
      if (!id.ok() || !*id || (*id)->uuid != job.uuid) {
        status = id.ok() ? absl::FailedPreconditionError(absl::StrCat(
                               job.path, ": not the database asked for (another uuid)"))
                         : id.status();
        break;
      }
      std::shared_ptr<const FacetColumns> base;
      {
        std::lock_guard<std::mutex> l(mu_);
        auto it = latest_.find(job.uuid);
        if (it != latest_.end()) base = it->second;
      }
      if (base != nullptr && base->ValidFor(**id)) break;  // nothing new
      absl::StatusOr<std::shared_ptr<const FacetColumns>> r = Make(*db, **id, base);
      if (r.ok()) {
        made = *std::move(r);
      } else {
        status = r.status();
        if (status.code() != absl::StatusCode::kAborted) break;
      }
    }
    if (made == nullptr && !status.ok() && status.code() != absl::StatusCode::kCancelled) {
      NEWSDEX_LOG(WARNING) << "facet columns for " << job.path << ": " << status.message()
                           << " (facets are counted with the stock spies)";
    }
    lock.lock();
    building_.erase(job.uuid);
    if (made != nullptr) Publish(std::move(made));
    cv_.notify_all();
  }
}

}  // namespace newsdex::query
