#include "query/snapshot_bm25.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "query/query_rewrite.h"

namespace newsdex::query {
namespace {

// BM25Weight()'s defaults: the weights must equal Xapian's to the last bit,
// so each expression below is evaluated in the order BM25Weight evaluates it.
constexpr double kK1 = 1;
constexpr double kK3 = 1;
constexpr double kB = 0.5;
constexpr double kMinNormLen = 0.5;

// The term weight (inverse document frequency, with the 1.4 floor for terms
// in more than a third of the documents, and the query-frequency factor).
double TermWeight(const Bm25TermStats& s) {
  double tw = (s.doccount - s.termfreq + 0.5) / (s.termfreq + 0.5);
  if (tw < 2) tw = tw * 0.5 + 1;
  double weight = std::log(tw);
  const double wqf = s.wqf;
  weight *= (kK3 + 1) * wqf / (kK3 + wqf);
  return weight * (kK1 + 1);
}

double SumPart(double termweight, double len_factor, Xapian::termcount wdf,
               Xapian::termcount len) {
  const double normlen = std::max(len * len_factor, kMinNormLen);
  const double wdf_double = wdf;
  const double denom = kK1 * (normlen * kB + (1 - kB)) + wdf_double;
  return termweight * (wdf_double / denom);
}

// The most any posting can weigh: the largest wdf in the shortest document
// that can hold it.
double MaxPart(double termweight, double len_factor, const Bm25TermStats& s) {
  const double normlen_lb =
      std::max(std::max(s.wdf_upper_bound, s.doclength_lower_bound) * len_factor, kMinNormLen);
  double denom = kK1 * (normlen_lb * kB + (1 - kB));
  const double wdf_max = s.wdf_upper_bound;
  denom += wdf_max;
  return termweight * (wdf_max / denom);
}

Xapian::Query Rewrite(const Xapian::Query& q, const Xapian::Database& db,
                      const std::shared_ptr<const DocLengths>& lengths, bool* changed);

template <typename T>
void Put(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename T>
void Take(const char*& at, T& value) {
  std::memcpy(&value, at, sizeof value);
  at += sizeof value;
}

// `q` rebuilt with its first `weighted_count` subqueries rewritten and the
// others as they were; `q` itself when none changed.
Xapian::Query RewriteSubqueries(const Xapian::Query& q, size_t weighted_count,
                                const Xapian::Database& db,
                                const std::shared_ptr<const DocLengths>& lengths,
                                bool* changed) {
  std::vector<Xapian::Query> subs;
  bool any = false;
  for (size_t i = 0; i < q.get_num_subqueries(); ++i) {
    const Xapian::Query sub = q.get_subquery(i);
    subs.push_back(i < weighted_count ? Rewrite(sub, db, lengths, &any) : sub);
  }
  if (!any) return q;
  *changed = true;
  return Xapian::Query(q.get_type(), subs.begin(), subs.end());
}

Xapian::Query Rewrite(const Xapian::Query& q, const Xapian::Database& db,
                      const std::shared_ptr<const DocLengths>& lengths, bool* changed) {
  const Xapian::Query::op type = q.get_type();
  if (type != Xapian::Query::LEAF_TERM) {
    // Phrases and NEAR (their weight is their terms', but the terms are the
    // position checks' too), synonyms, wildcards, scaled subqueries (1.4
    // cannot read the scale back), value ranges, posting sources, MatchAll
    // keep Xapian's weighting. Of FILTER and AND_NOT only the first
    // subquery weighs; the others only select.
    if (!internal::Rebuildable(type)) return q;
    const bool first_only = type == Xapian::Query::OP_FILTER || type == Xapian::Query::OP_AND_NOT;
    return RewriteSubqueries(q, first_only ? 1 : q.get_num_subqueries(), db, lengths, changed);
  }
  const std::string term = *q.get_terms_begin();
  Bm25TermStats stats;
  stats.termfreq = db.get_termfreq(term);
  if (stats.termfreq == 0) return q;  // matches nothing either way
  stats.doccount = db.get_doccount();
  stats.average_length = db.get_avlength();
  stats.wdf_upper_bound = db.get_wdf_upper_bound(term);
  stats.doclength_lower_bound = db.get_doclength_lower_bound();
  stats.wqf = q.get_length();
  *changed = true;
  return Xapian::Query((new Bm25TermSource(term, stats, lengths))->release());
}

}  // namespace

Bm25TermSource::Bm25TermSource(std::string term, const Bm25TermStats& stats,
                               std::shared_ptr<const DocLengths> lengths)
    : term_(std::move(term)),
      termfreq_(stats.termfreq),
      lengths_(std::move(lengths)),
      termweight_(TermWeight(stats)),
      len_factor_(stats.average_length != 0 ? 1 / stats.average_length : 0),
      max_weight_(MaxPart(termweight_, len_factor_, stats)) {}

Bm25TermSource::Bm25TermSource(const Bm25TermSource& other)
    : Xapian::PostingSource(),
      term_(other.term_),
      termfreq_(other.termfreq_),
      lengths_(other.lengths_),
      termweight_(other.termweight_),
      len_factor_(other.len_factor_),
      max_weight_(other.max_weight_) {}

void Bm25TermSource::init(const Xapian::Database& db) {
  db_ = db;
  it_ = db.postlist_begin(term_);
  end_ = db.postlist_end(term_);
  started_ = false;
  set_maxweight(max_weight_);
}

// A fresh iterator already stands on the first posting.
void Bm25TermSource::next(double /*min_wt*/) {
  if (started_) {
    ++it_;
  } else {
    started_ = true;
  }
}

void Bm25TermSource::skip_to(Xapian::docid did, double /*min_wt*/) {
  started_ = true;
  it_.skip_to(did);
}

double Bm25TermSource::get_weight() const {
  const Xapian::docid did = *it_;
  const Xapian::termcount len =
      did < lengths_->size() ? (*lengths_)[did] : db_.get_doclength(did);
  return SumPart(termweight_, len_factor_, it_.get_wdf(), len);
}

Bm25TermSource* Bm25TermSource::clone() const { return new Bm25TermSource(*this); }

std::string Bm25TermSource::get_description() const {
  return absl::StrCat("Bm25TermSource(", term_, ")");
}

std::string Bm25TermSource::name() const { return "newsdex.Bm25TermSource"; }

// termfreq, termweight, len_factor and max_weight as their bytes, then the
// term: the copy must weigh exactly as the original.
std::string Bm25TermSource::serialise() const {
  std::string out;
  Put(out, termfreq_);
  Put(out, termweight_);
  Put(out, len_factor_);
  Put(out, max_weight_);
  return out + term_;
}

Bm25TermSource* Bm25TermSource::unserialise_with_registry(const std::string& serialised,
                                                          const Xapian::Registry&) const {
  const size_t fixed = sizeof termfreq_ + 3 * sizeof(double);
  if (serialised.size() < fixed) {
    throw Xapian::SerialisationError("Bm25TermSource: serialised form too short");
  }
  auto source = std::unique_ptr<Bm25TermSource>(new Bm25TermSource(*this));
  const char* at = serialised.data();
  Take(at, source->termfreq_);
  Take(at, source->termweight_);
  Take(at, source->len_factor_);
  Take(at, source->max_weight_);
  source->term_ = serialised.substr(fixed);
  return source.release();
}

void RegisterBm25TermSource(Xapian::Registry& registry,
                            std::shared_ptr<const DocLengths> lengths) {
  const Bm25TermSource prototype("", Bm25TermStats(), std::move(lengths));
  registry.register_posting_source(prototype);
}

Xapian::Query SnapshotBm25(const Xapian::Query& query, const Xapian::Database& db,
                           const std::shared_ptr<const DocLengths>& lengths) {
  bool changed = false;
  return Rewrite(query, db, lengths, &changed);
}

}  // namespace newsdex::query
