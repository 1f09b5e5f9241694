#!/usr/bin/env python3
"""Gives the peers the countries newsdex extracted, so a country: filter asks
every engine the same question.

  newsdex-index --extract-only --format jsonl CORPUS | peer_countries.py CORPUS > PEER_CORPUS

A generated corpus carries no countries: without them Lucene++, FTS5 and
scriptindex answer every country-filtered query with nothing at once, while
newsdex filters by what it extracted. Writes CORPUS with a "countries" list
of codes on each line that has none, taken from the extraction on stdin (one
line per article, in corpus order; the ids must agree line by line).
"""
import json
import sys


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.stdout
    with open(sys.argv[1], encoding="utf-8") as corpus:
        number = 0
        for number, line in enumerate(corpus, start=1):
            extracted = sys.stdin.readline()
            if not extracted:
                print(f"peer_countries.py: the extraction ends before corpus line {number}",
                      file=sys.stderr)
                return 1
            doc = json.loads(line)
            facets = json.loads(extracted)
            if facets.get("id") != doc.get("id"):
                print(f"peer_countries.py: line {number}: corpus id {doc.get('id')!r} but "
                      f"extracted id {facets.get('id')!r}", file=sys.stderr)
                return 1
            if "countries" not in doc:
                doc["countries"] = [c["code"] for c in facets.get("countries", [])]
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
        if sys.stdin.readline():
            print(f"peer_countries.py: the extraction has more lines than the corpus ({number})",
                  file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
