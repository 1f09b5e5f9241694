#!/usr/bin/env python3
"""Builds data/org_names.txt: organisation names that are never persons.

Run by hand; the output is committed:

  python3 tools/build_org_names.py [--shared /work/shared] [--data data]

Reads the organisation entries of the Phoenix dictionaries (MIT):
international bodies, NGOs and companies (codes IGO, NGO, MNC) of
Phoenix.International.actors.txt.gz and the groups of
Phoenix.MilNonState.actors.txt, with their synonyms. Keeps names of two or
more words, folded as data/actors.tsv folds names. Leaves out what may name a
person: names the actor dictionary (data/actors.tsv) has as a person or
alias, entries whose comment names an office ("spokesman", "chief"...), and
names of two or three words that start with a given name
(data/given_names*.txt) and hold no organisation word (data/person_cues.tsv,
kind org): Phoenix codes some company officials as the company.

The actor extractor (indexer/actor_extractor.cc) reads the file with the
hand-written org_name rows of data/person_cues.tsv (firms named after people,
party nicknames): a capitalised run that is, or starts with, one of these
names is an organisation.

Python 3 standard library only.
"""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build_actors import fold, open_text, read_phoenix  # noqa: E402

ORG_CODES = ("IGO", "NGO", "MNC")
# Comment words that mark an entry as a person coded as their organisation.
PERSON_COMMENT = re.compile(
    r"spokes|chief|president|director|secretary|head of|leader|minister|ceo|chairman|"
    r"founder|official|commander|envoy|executive", re.I)


def read_list(path):
    with open(path, encoding="utf-8") as f:
        return {line.strip() for line in f if line.strip() and not line.startswith("#")}


def person_keys(actors_tsv):
    keys = set()
    with open(actors_tsv, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            keys.add(fold(cols[0]))
            if len(cols) > 3:
                keys.update(fold(a) for a in cols[3].split("|") if a)
    return keys


def org_words(person_cues):
    words = set()
    with open(person_cues, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) == 2 and cols[0] in ("org", "company_suffix"):
                words.add(cols[1])
    return words


def may_name_person(key, given, org):
    words = key.split()
    return len(words) <= 3 and words[0] in given and not any(w in org for w in words)


def phrase_key(phrase):
    return fold(phrase.replace("\x1a", "").strip().strip("_").replace("_", " "))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default="/work/shared")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "data"))
    args = ap.parse_args()
    actors_dir = os.path.join(args.shared, "gazetteers", "actors")
    persons = person_keys(os.path.join(args.data, "actors.tsv"))
    given = read_list(os.path.join(args.data, "given_names.txt"))
    given |= read_list(os.path.join(args.data, "given_names_intl.txt"))
    org = org_words(os.path.join(args.data, "person_cues.tsv"))

    def is_org(entry):
        codes = [c for c, _ in entry[2]]
        return any(c.startswith(ORG_CODES) for c in codes) and not PERSON_COMMENT.search(entry[3])

    entries = read_phoenix(os.path.join(actors_dir, "Phoenix.International.actors.txt.gz"), is_org)
    entries += read_phoenix(os.path.join(actors_dir, "Phoenix.MilNonState.actors.txt"),
                            lambda e: not PERSON_COMMENT.search(e[3]))
    names = set()
    for phrase, synonyms, _, _ in entries:
        for p in [phrase] + synonyms:
            key = phrase_key(p)
            if len(key.split()) < 2 or key in persons or may_name_person(key, given, org):
                continue
            names.add(key)
    out = os.path.join(args.data, "org_names.txt")
    with open(out, "w", encoding="utf-8") as f:
        f.write("# Organisation names (folded), from the Phoenix dictionaries (MIT);\n")
        f.write("# built by tools/build_org_names.py. See data/README.md.\n")
        for key in sorted(names):
            f.write(key + "\n")
    print(f"{out}: {len(names)} names", file=sys.stderr)


if __name__ == "__main__":
    main()
