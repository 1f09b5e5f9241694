#include "indexer/pipeline.h"

#include <algorithm>
#include <cassert>
#include <deque>
#include <map>
#include <optional>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "core/language.h"
#include "core/status_macros.h"
#include "core/xapian_status.h"
#include "indexer/facet_extractor.h"

namespace newsdex::indexer {
namespace {

constexpr size_t kArticlesPerBatch = 64;

struct Batch {
  uint64_t seq = 0;
  std::vector<core::Article> articles;
};

struct BuiltBatch {
  std::vector<absl::StatusOr<BuiltDocument>> docs;
  std::vector<std::string> ids;  // the article id of each of docs (routing)
  std::vector<core::Article> articles;  // kept for extract-only mode
};

// Shared state of one pipeline run.
class Run {
 public:
  Run(const PipelineOptions& options, const ErrorCallback& on_error, bool build_documents)
      : options_(options), on_error_(on_error), build_documents_(build_documents) {}

  void ReportError(const absl::Status& status) {
    absl::MutexLock lock(&error_mu_);
    ++failed_;
    on_error_(status);
  }

  // Reader thread body.
  void ReadAll(const std::vector<std::string>& paths) {
    Batch batch;
    auto flush = [&] {
      if (batch.articles.empty()) return;
      batch.seq = next_seq_++;
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Run* r) { return r->in_.size() < r->max_queue_ || r->aborted_; }, this));
      in_.push_back(std::move(batch));
      batch = Batch();
    };
    absl::Status status = ReadInputs(
        paths, options_.read,
        [&](core::Article article) -> absl::Status {
          if (options_.stop != nullptr && options_.stop->load()) {
            return absl::CancelledError("stopped");
          }
          {
            absl::MutexLock lock(&mu_);
            if (aborted_) return absl::CancelledError("aborted");
          }
          ++read_;
          batch.articles.push_back(std::move(article));
          if (batch.articles.size() >= kArticlesPerBatch) flush();
          return absl::OkStatus();
        },
        [this](const absl::Status& s) { ReportError(s); }, &bytes_);
    flush();
    absl::MutexLock lock(&mu_);
    if (absl::IsCancelled(status)) stopped_ = true;
    reader_done_ = true;
    total_batches_ = next_seq_;
  }

  // Worker thread body.
  void BuildAll() {
    auto analyzer_or = core::Analyzer::Create();
    if (!analyzer_or.ok()) {
      ReportError(analyzer_or.status());
      return;
    }
    core::Analyzer& analyzer = **analyzer_or;
    while (true) {
      Batch batch;
      {
        absl::MutexLock lock(&mu_);
        // Built batches wait for the in-order writer; without this bound a
        // writer slower than the builders let them buffer the whole input
        // (2.4 GB after a minute of a 1M-article run). Batches leave in_ in
        // sequence order, so the one the writer waits for is never held back.
        mu_.Await(absl::Condition(
            +[](Run* r) {
              return r->aborted_ || (r->in_.empty() && r->reader_done_) ||
                     (!r->in_.empty() && r->out_.size() < r->max_built_);
            },
            this));
        if (aborted_ || in_.empty()) return;
        batch = std::move(in_.front());
        in_.pop_front();
      }
      BuiltBatch built;
      for (core::Article& article : batch.articles) {
        ArticleTokens tokens;
        const bool have_tokens = PrepareArticle(&article, options_.extractor, analyzer,
                                                build_documents_ ? &tokens : nullptr);
        if (build_documents_) {
          built.ids.push_back(article.id);
          built.docs.push_back(BuildDocument(article, analyzer, options_.spelling,
                                             have_tokens ? &tokens.title : nullptr,
                                             have_tokens ? &tokens.body : nullptr));
        }
      }
      if (!build_documents_) built.articles = std::move(batch.articles);
      absl::MutexLock lock(&mu_);
      out_.emplace(batch.seq, std::move(built));
    }
  }

  // Writer (calling thread): hands batches to `consume` in input order.
  absl::Status ConsumeInOrder(const std::function<absl::Status(BuiltBatch&)>& consume) {
    uint64_t next = 0;
    absl::Time last_progress = absl::Now();
    while (true) {
      BuiltBatch batch;
      {
        absl::MutexLock lock(&mu_);
        auto ready = [&] {
          return out_.count(next) > 0 || (reader_done_ && next >= total_batches_);
        };
        mu_.Await(absl::Condition(&ready));
        auto it = out_.find(next);
        if (it == out_.end()) return absl::OkStatus();  // all done
        batch = std::move(it->second);
        out_.erase(it);
      }
      ++next;
      absl::Status s = consume(batch);
      if (!s.ok()) {
        absl::MutexLock lock(&mu_);
        aborted_ = true;
        return s;
      }
      if (options_.progress && absl::Now() - last_progress > absl::Milliseconds(250)) {
        last_progress = absl::Now();
        options_.progress(written_, bytes_.load());
      }
    }
  }

  uint64_t written_ = 0;
  PipelineCounts Counts() {
    absl::MutexLock lock(&mu_);
    absl::MutexLock elock(&error_mu_);
    PipelineCounts c;
    c.read = read_;
    c.failed = failed_;
    c.bytes = bytes_.load();
    c.stopped = stopped_;
    return c;
  }
  void Abort() {
    absl::MutexLock lock(&mu_);
    aborted_ = true;
  }

 private:
  const PipelineOptions& options_;
  const ErrorCallback& on_error_;
  const bool build_documents_;
  absl::Mutex error_mu_;
  uint64_t failed_ = 0;
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> read_{0};
  uint64_t next_seq_ = 0;  // reader thread only

  absl::Mutex mu_;
  std::deque<Batch> in_;
  size_t max_queue_ = 8;
  size_t max_built_ = 16;  // built batches waiting for the writer
  std::map<uint64_t, BuiltBatch> out_;
  bool reader_done_ = false;
  bool aborted_ = false;
  bool stopped_ = false;
  uint64_t total_batches_ = 0;
};

absl::StatusOr<PipelineCounts> RunPipeline(
    const std::vector<std::string>& paths, const PipelineOptions& options,
    const ErrorCallback& on_error, bool build_documents,
    const std::function<absl::Status(BuiltBatch&, Run&)>& consume) {
  Run run(options, on_error, build_documents);
  std::thread reader([&] { run.ReadAll(paths); });
  std::vector<std::thread> workers;
  const int threads = std::max(1, options.threads);
  for (int i = 0; i < threads; ++i) workers.emplace_back([&] { run.BuildAll(); });
  absl::Status status = run.ConsumeInOrder([&](BuiltBatch& b) { return consume(b, run); });
  if (!status.ok()) run.Abort();
  reader.join();
  for (std::thread& t : workers) t.join();
  if (!status.ok()) return status;
  return run.Counts();
}

}  // namespace

bool PrepareArticle(core::Article* article, const FacetExtractor* extractor,
                    core::Analyzer& analyzer, ArticleTokens* tokens) {
  if (article->language.empty()) {
    article->language = core::DetectLanguage(absl::StrCat(article->title, "\n", article->body));
  }
  if (extractor == nullptr) return false;
  extractor->Extract(article, analyzer, tokens);
  return tokens != nullptr;
}

namespace {

// The in-order write of IndexPaths: each built document to `write` with its
// article id, then `commit` once at the end.
absl::StatusOr<PipelineCounts> WriteInOrder(
    const std::vector<std::string>& paths, const PipelineOptions& options,
    const ErrorCallback& on_error,
    const std::function<absl::Status(absl::string_view id, const BuiltDocument&)>& write,
    const std::function<absl::Status()>& commit) {
  NEWSDEX_ASSIGN_OR_RETURN(
      PipelineCounts counts,
      RunPipeline(paths, options, on_error, /*build_documents=*/true,
                  [&](BuiltBatch& batch, Run& run) -> absl::Status {
                    for (size_t i = 0; i < batch.docs.size(); ++i) {
                      if (!batch.docs[i].ok()) {
                        run.ReportError(batch.docs[i].status());
                        continue;
                      }
                      NEWSDEX_RETURN_IF_ERROR(write(batch.ids[i], *batch.docs[i]));
                      ++run.written_;
                    }
                    return absl::OkStatus();
                  }));
  NEWSDEX_RETURN_IF_ERROR(commit());
  return counts;
}

}  // namespace

absl::StatusOr<PipelineCounts> IndexPaths(const std::vector<std::string>& paths,
                                          IndexWriter& writer,
                                          const PipelineOptions& options,
                                          const ErrorCallback& on_error) {
  return WriteInOrder(
      paths, options, on_error,
      [&](absl::string_view, const BuiltDocument& doc) { return writer.Write(doc); },
      [&] { return writer.Commit(); });
}

absl::StatusOr<PipelineCounts> IndexPaths(const std::vector<std::string>& paths,
                                          ClusterWriter& writer,
                                          const PipelineOptions& options,
                                          const ErrorCallback& on_error) {
  return WriteInOrder(
      paths, options, on_error,
      [&](absl::string_view id, const BuiltDocument& doc) { return writer.Write(id, doc); },
      [&] { return writer.Commit(); });
}

namespace {

// Bounded queues from the in-order router to the shard writer threads. A
// failed writer closes them all, so the router and the other writers stop.
class ShardQueues {
 public:
  explicit ShardQueues(size_t shards) : queues_(shards) {}

  // Waits for room in the shard's queue; returns the first writer error.
  absl::Status Push(size_t shard, std::vector<BuiltDocument> docs) {
    absl::MutexLock lock(&mu_);
    auto room = [&] { return !error_.ok() || queues_[shard].size() < kMaxQueued; };
    mu_.Await(absl::Condition(&room));
    if (!error_.ok()) return error_;
    queues_[shard].push_back(std::move(docs));
    return absl::OkStatus();
  }
  // Waits for work; false when the queue is closed and drained, or on error.
  bool Pop(size_t shard, std::vector<BuiltDocument>* docs) {
    absl::MutexLock lock(&mu_);
    auto ready = [&] { return !error_.ok() || closed_ || !queues_[shard].empty(); };
    mu_.Await(absl::Condition(&ready));
    if (!error_.ok() || queues_[shard].empty()) return false;
    *docs = std::move(queues_[shard].front());
    queues_[shard].pop_front();
    return true;
  }
  void Close() {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }
  void Fail(absl::Status status) {
    absl::MutexLock lock(&mu_);
    if (error_.ok()) error_ = std::move(status);
  }
  // Waits until every writer has called this (or one failed): the point after
  // which all writers' spelling counts are complete and no longer written.
  // Returns the first writer error.
  absl::Status ArriveAndWait() {
    absl::MutexLock lock(&mu_);
    ++arrived_;
    auto all = [&] { return !error_.ok() || arrived_ == queues_.size(); };
    mu_.Await(absl::Condition(&all));
    return error_;
  }
  absl::Status error() {
    absl::MutexLock lock(&mu_);
    return error_;
  }

 private:
  static constexpr size_t kMaxQueued = 16;  // batches per shard
  absl::Mutex mu_;
  std::vector<std::deque<std::vector<BuiltDocument>>> queues_;
  bool closed_ = false;
  size_t arrived_ = 0;
  absl::Status error_;
};


using SpellingCounts = absl::flat_hash_map<std::string, Xapian::termcount>;

// The shard writers' spelling, when there is no spelling database of its own
// (a cluster's primaries): counted over the whole run by each writer for its
// own documents, then handed to Xapian once per word and run (see the
// header): each word goes, with its count summed over all writers, to the one
// shard ShardOf(word) picks. Compaction merges spelling tables as a union
// (summing a word's counts if several shards had it), so the result is the
// same as adding every word to every shard that saw it, with each word's
// Xapian spelling work (fragment sets, their flush and merge) done once
// instead of once per shard. On BBC, where most words occur in both of two
// shards, that cut ~0.45 of ~6 CPU seconds; the merged index is unchanged.
// Called by writer `shard` once every writer's counts are complete.
void AddShardSpellings(const std::vector<SpellingCounts>& spelling, size_t shard,
                       Xapian::WritableDatabase& db) {
  for (size_t j = 0; j < spelling.size(); ++j) {
    for (const auto& [word, count] : spelling[j]) {
      if (ShardOf(word, spelling.size()) != shard) continue;
      // The first map holding the word adds the sum over all maps.
      bool first = true;
      Xapian::termcount total = count;
      for (size_t k = 0; k < spelling.size(); ++k) {
        if (k == j) continue;
        auto it = spelling[k].find(word);
        if (it == spelling[k].end()) continue;
        if (k < j) first = false;
        total += it->second;
      }
      if (first) db.add_spelling(word, total);
    }
  }
}

// Feeds a spelling database of its own from a thread of its own while the
// pipeline runs. Xapian's add_spelling does its real work (the word's
// fragments) the first time it sees a word since the last commit; adding to a
// word already seen only bumps a counter. So each word is added once, with
// count 1, as soon as it first appears, and Finish() adds the rest of its
// count, which leaves only those cheap increments and the one commit after
// the last document. On Reuters, adding the 44,065 words with their totals
// after the last document cost ~0.8 CPU s on one core while the shard writers
// had finished.
class SpellingFeeder {
 public:
  explicit SpellingFeeder(IndexWriter& writer)
      : writer_(writer), thread_([this] { Run(); }) {}
  // Without Finish() (a failed run), stops the thread and commits nothing.
  ~SpellingFeeder() { (void)Stop(); }

  // Hands over one routed batch's documents' words (each once per document).
  // Waits while the thread is kMaxQueued batches behind.
  void Push(std::vector<std::vector<std::string>> words) {
    absl::MutexLock lock(&mu_);
    auto room = [&] { return queue_.size() < kMaxQueued || !error_.ok(); };
    mu_.Await(absl::Condition(&room));
    if (error_.ok()) queue_.push_back(std::move(words));
  }
  // Adds what is still queued and every word's remaining count, and commits.
  // Returns the first database error. Call once; later calls return the same.
  absl::Status Finish() {
    if (!Stop()) return error_;
    if (!error_.ok()) return error_;
    error_ = core::CallXapian("adding spellings", [&] {
      for (const auto& [word, count] : counts_) {
        if (count > 1) writer_.db().add_spelling(word, count - 1);
      }
    });
    if (error_.ok()) error_ = writer_.Commit();
    return error_;
  }

 private:
  static constexpr size_t kMaxQueued = 32;

  // Lets the thread finish the queue and joins it; false if already stopped.
  bool Stop() {
    {
      absl::MutexLock lock(&mu_);
      if (done_) return false;
      done_ = true;
    }
    thread_.join();
    return true;
  }

  void Run() {
    while (true) {
      std::vector<std::vector<std::string>> batch;
      {
        absl::MutexLock lock(&mu_);
        auto ready = [&] { return !queue_.empty() || done_; };
        mu_.Await(absl::Condition(&ready));
        if (queue_.empty()) return;
        batch = std::move(queue_.front());
        queue_.pop_front();
      }
      absl::Status s = core::CallXapian("adding spellings", [&] {
        for (std::vector<std::string>& doc_words : batch) {
          for (std::string& w : doc_words) {
            auto [it, added] = counts_.try_emplace(std::move(w), 0);
            if (++it->second == 1) writer_.db().add_spelling(it->first, 1);
          }
        }
      });
      if (!s.ok()) {
        absl::MutexLock lock(&mu_);
        error_ = std::move(s);
        queue_.clear();
        return;
      }
    }
  }

  IndexWriter& writer_;
  SpellingCounts counts_;  // the thread's until it ends, then Finish()'s
  absl::Mutex mu_;
  std::deque<std::vector<std::vector<std::string>>> queue_;
  bool done_ = false;
  absl::Status error_;
  std::thread thread_;  // last: starts once the members above exist
};

// Writer thread `i` of IndexPathsSharded. `spelling` holds one map per shard
// to count into, or is empty when a SpellingFeeder has the words.
void WriteShard(size_t i, IndexWriter& writer, ShardQueues& queues,
                std::vector<SpellingCounts>& spelling,
                const std::function<absl::Status(size_t, absl::Status)>& named) {
  std::vector<BuiltDocument> docs;
  while (queues.Pop(i, &docs)) {
    for (const BuiltDocument& doc : docs) {
      absl::Status s = writer.Write(doc);
      if (!s.ok()) {
        queues.Fail(named(i, std::move(s)));
        return;
      }
      if (!spelling.empty()) {
        for (const std::string& w : doc.spelling_words) ++spelling[i][w];
      }
    }
  }
  absl::Status s;
  if (!spelling.empty()) {
    // After this, the maps are only read, by every writer.
    if (!queues.ArriveAndWait().ok()) return;
    // In this thread, so the shards' last commits run in parallel too.
    s = core::CallXapian("adding spellings",
                         [&] { AddShardSpellings(spelling, i, writer.db()); });
  }
  if (s.ok()) s = writer.Commit();
  if (!s.ok()) queues.Fail(named(i, std::move(s)));
}

}  // namespace

absl::StatusOr<PipelineCounts> IndexPathsSharded(const std::vector<std::string>& paths,
                                                 const std::vector<IndexWriter*>& shards,
                                                 const PipelineOptions& options,
                                                 const ErrorCallback& on_error,
                                                 const ShardErrorNamer& name_error,
                                                 IndexWriter* spelling_writer) {
  assert(!shards.empty());
  auto named = [&name_error](size_t shard, absl::Status s) {
    return name_error ? name_error(shard, s) : s;
  };
  ShardQueues queues(shards.size());
  // Either one map per shard writer, or (with a spelling database) a feeder
  // thread that the router hands each batch's words to.
  std::vector<SpellingCounts> shard_spelling(spelling_writer ? 0 : shards.size());
  std::optional<SpellingFeeder> feeder;
  if (spelling_writer != nullptr) feeder.emplace(*spelling_writer);
  std::vector<std::thread> writers;
  for (size_t i = 0; i < shards.size(); ++i) {
    writers.emplace_back([&, i] { WriteShard(i, *shards[i], queues, shard_spelling, named); });
  }
  absl::StatusOr<PipelineCounts> counts =
      RunPipeline(paths, options, on_error, /*build_documents=*/true,
                  [&](BuiltBatch& batch, Run& run) -> absl::Status {
                    std::vector<std::vector<BuiltDocument>> routed(shards.size());
                    std::vector<std::vector<std::string>> words;
                    for (size_t d = 0; d < batch.docs.size(); ++d) {
                      auto& doc = batch.docs[d];
                      if (!doc.ok()) {
                        run.ReportError(doc.status());
                        continue;
                      }
                      // The shards (spelling off) do not read them.
                      if (feeder) words.push_back(std::move(doc->spelling_words));
                      routed[ShardOf(batch.ids[d], shards.size())].push_back(
                          std::move(doc).value());
                      ++run.written_;
                    }
                    if (feeder) feeder->Push(std::move(words));
                    for (size_t i = 0; i < routed.size(); ++i) {
                      if (routed[i].empty()) continue;
                      NEWSDEX_RETURN_IF_ERROR(queues.Push(i, std::move(routed[i])));
                    }
                    return absl::OkStatus();
                  });
  if (!counts.ok()) queues.Fail(counts.status());  // the writers stop without committing
  queues.Close();
  if (counts.ok() && feeder) {
    // Every document is built: the last increments and the commit run while
    // the shard writers still drain their queues.
    absl::Status s = feeder->Finish();
    if (!s.ok()) queues.Fail(std::move(s));
  }
  for (std::thread& t : writers) t.join();
  if (!counts.ok()) return counts.status();
  NEWSDEX_RETURN_IF_ERROR(queues.error());
  return counts;
}

absl::StatusOr<PipelineCounts> ExtractPaths(
    const std::vector<std::string>& paths, const PipelineOptions& options,
    const ErrorCallback& on_error,
    const std::function<void(const core::Article&)>& on_article) {
  return RunPipeline(paths, options, on_error, /*build_documents=*/false,
                     [&](BuiltBatch& batch, Run& run) -> absl::Status {
                       for (const core::Article& a : batch.articles) {
                         on_article(a);
                         ++run.written_;
                       }
                       return absl::OkStatus();
                     });
}

}  // namespace newsdex::indexer
