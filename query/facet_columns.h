// Facet columns: an in-memory, read-only snapshot of the facet value slots of
// ONE local database, laid out per docid so a match spy can count facets with
// integer increments instead of the string maps of Xapian::ValueCountMatchSpy
// (the stock spy costs 0.5 us per matching document per facet). It also holds
// every document's length, for ranking without Xapian's per-document length
// lookups (query/snapshot_bm25.h).
//
// The stock-spy path stays the reference and the fallback: columns never work
// on remote shards (a custom MatchSpy cannot run in xapian-tcpsrv) nor on a
// database with several shards (docids interleave).
//
// Freshness: a snapshot is taken at one revision of a glass database. It stays
// valid for later revisions as long as only documents were added (docids
// only grow), which the indexer records: IndexWriter::Commit() increments the
// metadata counter core::kRewritesKey whenever a batch replaced or deleted
// documents. Same uuid + same counter => extend over the new docids; anything
// else => build anew.
//
// Thread safety: FacetColumns is immutable once built and may be shared by any
// number of threads. FacetColumnsCache is thread-safe. FacetColumnCounter is
// used by one Enquire on one thread.
#ifndef NEWSDEX_QUERY_FACET_COLUMNS_H_
#define NEWSDEX_QUERY_FACET_COLUMNS_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <xapian.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "core/schema.h"
#include "query/resolver.h"
#include "query/snapshot_bm25.h"

namespace newsdex::query {

// What identifies the content of a glass database for the columns.
struct DatabaseIdentity {
  std::string uuid;         // Database::get_uuid(); empty for in-memory databases
  Xapian::rev revision = 0;
  std::string rewrites;     // metadata core::kRewritesKey ("" = never rewritten)
  Xapian::docid lastdocid = 0;
  Xapian::doccount doccount = 0;
};

// The identity of `db`, or nullopt when it has no uuid or revision (in-memory,
// remote and multi-shard databases): such a database cannot share snapshots.
// Xapian errors are returned as Status.
absl::StatusOr<std::optional<DatabaseIdentity>> IdentityOf(const Xapian::Database& db);

class FacetColumns {
 public:
  // Reads the facet slots of `db` (a single local database) by value stream,
  // not by document. `cancel`, if given and set, stops the build with
  // kCancelled. Xapian errors come back as Status (kAborted when the database
  // moved on under the reader).
  static absl::StatusOr<std::shared_ptr<const FacetColumns>> Build(
      const Xapian::Database& db, const std::atomic<bool>* cancel = nullptr);

  // A copy of `base` extended over the documents of `db` with docids above
  // base.lastdocid(). REQUIRES: only additions happened since `base` was taken
  // (same uuid and rewrites counter). kFailedPrecondition if the document
  // counts show otherwise (a writer that rewrote without bumping the counter).
  static absl::StatusOr<std::shared_ptr<const FacetColumns>> Extend(
      const FacetColumns& base, const Xapian::Database& db,
      const std::atomic<bool>* cancel = nullptr);

  // The database state this snapshot reflects (uuid/revision empty/0 when the
  // database had none).
  const DatabaseIdentity& identity() const { return identity_; }
  Xapian::docid lastdocid() const { return identity_.lastdocid; }

  // Distinct values of a facet column (all but kDate are listed by key; the
  // kDate column holds "YYYYMMDD").
  const std::vector<std::string>& values(FacetField field) const {
    return columns_[Index(field)].values;
  }
  // Document lengths by docid, 0 where there is no document, for docids up
  // to lastdocid().
  const DocLengths& doc_lengths() const { return doc_lengths_; }

  // Bytes held by the arrays and dictionaries (approximate for the strings).
  size_t MemoryBytes() const;

  // Whether this snapshot answers for a database in state `id`: the same
  // uuid and rewrites counter and a revision at least as new (a snapshot taken
  // later, with only additions since, is a superset).
  bool ValidFor(const DatabaseIdentity& id) const;

 private:
  friend class FacetColumnCounter;
  static constexpr int kColumns = core::kFacetFieldCount;  // one per FacetField
  struct Column {
    bool multi = false;
    std::vector<std::string> values;  // ordinal -> value
    absl::flat_hash_map<std::string, uint32_t> ordinal_of;
    // Per document, codes: ordinal + 1, 0 = no value. Multi-valued: the codes
    // of docid d are codes[offsets[d] .. offsets[d+1]); single-valued:
    // codes[d], offsets unused. The codes sit in the narrowest of codes8/16/32
    // that holds values.size() (`width` bytes; the others are empty): the
    // counter's loops read half or a quarter of the bytes (1M documents: 30
    // instead of 47 bytes per document in the arrays, 58 with vector slack).
    int width = 1;
    std::vector<uint32_t> offsets;
    std::vector<uint8_t> codes8;
    std::vector<uint16_t> codes16;
    std::vector<uint32_t> codes32;
    // kDate only: values[i] parsed once here rather than per search (a
    // histogram over 15k distinct days cost ~4 ms of parsing and formatting).
    std::vector<std::optional<absl::CivilDay>> days;
    // kDate only: the ordinals of the valid days, in date order (sorting 15k
    // days per search cost ~7% of a broad query).
    std::vector<uint32_t> day_order;

    const void* codes() const {
      return width == 1 ? static_cast<const void*>(codes8.data())
             : width == 2 ? static_cast<const void*>(codes16.data())
                          : static_cast<const void*>(codes32.data());
    }
    // All codes (0 .. offsets.back() or lastdocid + 1), widened to 32 bits;
    // the arrays are emptied.
    std::vector<uint32_t> TakeCodes();
    // Stores `codes` in the narrowest width. Multi-valued codes are followed
    // by padding: the counter copies a fixed number of bytes from each run.
    void PutCodes(std::vector<uint32_t> codes);
    // Reads `field`'s slot for docids [first, last] (see AppendFrom).
    absl::Status AppendFrom(const Xapian::Database& db, FacetField field, Xapian::docid first,
                            Xapian::docid last, const std::atomic<bool>* cancel);
    // The ordinal of `value`, added if new (`date`: parse it into days).
    uint32_t Intern(absl::string_view value, bool date);
    // Appends to `codes` the codes of packed multi-valued slot values.
    absl::Status AppendPacked(const Xapian::Database& db, Xapian::valueno slot,
                              Xapian::docid first, Xapian::docid last,
                              const std::atomic<bool>* cancel, std::vector<uint32_t>& codes);
    // Sets codes[docid] for single-valued slot values.
    absl::Status AppendSingle(const Xapian::Database& db, Xapian::valueno slot, bool date,
                              Xapian::docid first, Xapian::docid last,
                              const std::atomic<bool>* cancel, std::vector<uint32_t>& codes);
    // Rebuilds day_order from days.
    void OrderDays();
  };
  static int Index(FacetField f) { return static_cast<int>(f); }
  absl::Status AppendFrom(const Xapian::Database& db, Xapian::docid first,
                          Xapian::docid last, const std::atomic<bool>* cancel);
  absl::Status AppendDocLengths(const Xapian::Database& db, Xapian::docid first,
                                Xapian::docid last, const std::atomic<bool>* cancel);

  DatabaseIdentity identity_;
  Column columns_[kColumns];
  DocLengths doc_lengths_;
};

// The document lengths of `columns`, sharing ownership of the snapshot.
inline std::shared_ptr<const DocLengths> DocLengthsOf(
    const std::shared_ptr<const FacetColumns>& columns) {
  return std::shared_ptr<const DocLengths>(columns, &columns->doc_lengths());
}

// Counts facets of the matching documents through a snapshot. Local only:
// it reads doc.get_docid() and never the document's values.
// REQUIRES: every document the matcher sees has docid <= columns->lastdocid()
// (the snapshot is ValidFor the database searched); others are ignored.
//
// Docids are queued and counted a block at a time, one field after the other:
// each field's loop then keeps its arrays and counts in cache and has no
// branch that depends on how many values a document has (counting each
// document as it came cost ~33 ns per document for the six facets on 1M
// documents, mostly in mispredicted inner loops and cache misses; see
// FacetColumnCounter::Flush). Counts() and DayCounts() count the queue first.
class FacetColumnCounter : public Xapian::MatchSpy {
 public:
  FacetColumnCounter(std::shared_ptr<const FacetColumns> columns,
                     const std::vector<FacetField>& fields);
  void operator()(const Xapian::Document& doc, double /*wt*/) override { Add(doc.get_docid()); }
  // Counts document `did` (CountConjunction calls it without a matcher).
  // Inline: this is the per-document cost of every facet count.
  void Add(Xapian::docid did) {
    if (did > lastdocid_) return;
    pending_[pending_size_] = did;
    if (++pending_size_ == kBlock) Flush();
  }

  // Adds the counts of `other`, a counter over the same snapshot and fields
  // (one pass counted by two threads, each into its own counter).
  void MergeFrom(const FacetColumnCounter& other);

  // Non-zero counts of `field` (one of the fields given), in no order. The
  // views point into the snapshot, which this counter keeps alive.
  std::vector<std::pair<absl::string_view, uint64_t>> Counts(FacetField field) const;
  // Non-zero counts of the kDate field by day, ascending (values that are no
  // valid date are left out). REQUIRES: kDate was among the fields.
  std::vector<std::pair<absl::CivilDay, uint64_t>> DayCounts() const;

 private:
  // 256 docids: the gathered codes of a block (at most kRunBytes per
  // document) stay within 8 KB, well inside L1.
  static constexpr size_t kBlock = 256;
  struct Field {
    FacetField field;
    bool multi;
    int width;                // bytes per code
    const uint32_t* offsets;  // multi-valued only
    const void* codes;        // uint8_t, uint16_t or uint32_t by width
    // Lane l counts code c in counts[l * stride + c]; code 0 absorbs the
    // documents without a value. Several lanes for the small fields, whose
    // few values repeat from one document to the next: with one array every
    // increment waited for the previous one to the same counter.
    size_t lanes;
    size_t stride;  // values + 1
    std::vector<uint32_t> counts;

    uint64_t Count(size_t code) const {
      uint64_t n = 0;
      for (size_t l = 0; l < lanes; ++l) n += counts[l * stride + code];
      return n;
    }
  };

  // Counts the queued docids. Const and the state it changes mutable so the
  // const readers can count what is still queued; the counter is used by one
  // thread.
  void Flush() const;

  std::shared_ptr<const FacetColumns> columns_;
  mutable std::vector<Field> fields_;
  Xapian::docid lastdocid_;
  mutable size_t pending_size_ = 0;
  mutable Xapian::docid pending_[kBlock];
  // The codes of one multi-valued field over a block, gathered by width.
  mutable std::vector<uint8_t> gathered8_;
  mutable std::vector<uint16_t> gathered16_;
  mutable std::vector<uint32_t> gathered32_;
};

// The terms of `query` when it matches exactly the documents that hold all of
// them: a term, MatchAll (the term ""), or OP_AND / OP_FILTER /
// OP_SCALE_WEIGHT over such queries. nullopt for anything else (OR, NOT,
// phrases, value ranges...), which needs the matcher.
std::optional<std::vector<std::string>> ConjunctionTerms(const Xapian::Query& query);

// Feeds every document holding all of `terms` to `counter` by walking their
// posting lists (leapfrogging with skip_to) and returns how many there were.
// The Enquire matcher costs ~90 ns per matching document even with
// BoolWeight and no ranking; the walk ~25 ns (100k-document index, 60k
// matches: 5.5 ms vs 1.4 ms). A null `counter` only counts (the exact total
// of a ranked page that has no facets to count). REQUIRES: terms not empty.
absl::StatusOr<Xapian::doccount> CountConjunction(const Xapian::Database& db,
                                                  const std::vector<std::string>& terms,
                                                  FacetColumnCounter* counter);

// Process-wide snapshots, one per database uuid (the newest), shared by every
// Searcher. A snapshot is never built twice at the same time for one uuid.
class FacetColumnsCache {
 public:
  static FacetColumnsCache& Global();
  FacetColumnsCache();
  ~FacetColumnsCache();  // stops and joins the background builder
  FacetColumnsCache(const FacetColumnsCache&) = delete;
  FacetColumnsCache& operator=(const FacetColumnsCache&) = delete;

  // The cached snapshot valid for `id`, or null. Cheap (one lock).
  std::shared_ptr<const FacetColumns> Find(const DatabaseIdentity& id);

  // Whether the cached snapshot for id.uuid can be extended to `id` (only
  // additions since): a synchronous extension is then cheap.
  bool CanExtend(const DatabaseIdentity& id);

  // A snapshot valid for `id`, built (or extended) on the calling thread with
  // `db` if needed, after waiting for a build of the same uuid in progress.
  // REQUIRES: `db` is a single local database in state `id`.
  absl::StatusOr<std::shared_ptr<const FacetColumns>> GetOrBuild(const Xapian::Database& db,
                                                                 const DatabaseIdentity& id);

  // Queues a build from a fresh handle on `path` unless one is queued or
  // running for id.uuid. Returns at once; Find() answers once it is done.
  void BuildInBackground(const std::string& path, const DatabaseIdentity& id);

  // Tests: waits until no background build is queued or running.
  void WaitIdle();

 private:
  struct Job {
    std::string path;
    std::string uuid;
  };
  // Builds or extends a snapshot for `db` in state `id` from `base` (may be
  // null).
  absl::StatusOr<std::shared_ptr<const FacetColumns>> Make(
      const Xapian::Database& db, const DatabaseIdentity& id,
      std::shared_ptr<const FacetColumns> base);
  void Publish(std::shared_ptr<const FacetColumns> snapshot);
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::shared_ptr<const FacetColumns>> latest_;  // by uuid
  std::set<std::string> building_;  // uuids with a build queued or running
  std::deque<Job> jobs_;
  bool stop_ = false;
  std::atomic<bool> cancel_{false};
  std::thread thread_;  // started on the first background job
};

}  // namespace newsdex::query

#endif  // NEWSDEX_QUERY_FACET_COLUMNS_H_
