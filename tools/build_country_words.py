#!/usr/bin/env python3
"""Builds newsdex's country words for languages other than English.

Run by hand; the outputs are committed:

    python3 tools/build_country_words.py [--shared ../shared/gazetteers] [--data data]

Reads:
  data/countries.tsv                   our country keys (built by tools/build_gazetteer.py)
  data/country_words_src.tsv (ours)    country names, adjectives, demonyms, city names
                                       and blocking phrases per language, with
                                       inflection shorthands (see its header)
  countries/mledoze_countries.json.gz  ODbL 1.0: country names in French, German,
                                       Spanish, Italian, Portuguese and Dutch; French
                                       demonyms

Writes:
  data/countries_intl.tsv          lang, key spec, names (every inflected form), flags
  data/countries_mledoze_intl.tsv  lang, key, names, flags derived from mledoze (ODbL:
                                   kept separate)

Country display names from ICU (CLDR) are added at run time by core/country_names.cc,
not here. Python 3 standard library only. Output is deterministic.
"""

import argparse
import gzip
import json
import os
import sys

# mledoze translation codes of the languages newsdex reads besides English.
LANGUAGES = {"fra": "fr", "deu": "de", "spa": "es", "ita": "it", "por": "pt", "nld": "nl"}

# Acute, grave and circumflex vowels lose their accent when a suffix moves the
# stress: "francés" -> "francesa", "alemán" -> "alemana", "inglês" -> "inglesa".
UNSTRESS = str.maketrans("áéíóúâêô", "aeiouaeo")


def expand_fr(w):
    """French adjective: masculine, feminine, plurals ("espagnol*")."""
    if w.endswith("e"):
        return [w, w + "s"]
    if w.endswith("s"):
        return [w, w + "e", w + "es"]
    if w.endswith("en"):
        return [w, w + "ne", w + "s", w + "nes"]
    return [w, w + "e", w + "s", w + "es"]


def expand_es(w):
    """Spanish adjective ("español*", "francés*", "israelí*")."""
    if w.endswith("o"):
        return [w, w[:-1] + "a", w + "s", w[:-1] + "as"]
    if w.endswith(("e", "a")):
        return [w, w + "s"]
    if w.endswith(("í", "ú")):
        return [w, w + "es", w + "s"]
    stem = w[:-2] + w[-2:].translate(UNSTRESS)
    return [w, stem + "a", stem + "es", stem + "as"]


def expand_it(w):
    """Italian adjective in -o or -e ("italiano*", "francese*")."""
    if w.endswith("o"):
        return [w, w[:-1] + "a", w[:-1] + "i", w[:-1] + "e"]
    if w.endswith("e"):
        return [w, w[:-1] + "i"]
    raise ValueError(f"Italian shorthand needs -o or -e: {w}")


def expand_pt(w):
    """Portuguese adjective ("brasileiro*", "francês*", "canadense*")."""
    if w.endswith("o"):
        return [w, w[:-1] + "a", w + "s", w[:-1] + "as"]
    if w.endswith(("e", "a")):
        return [w, w + "s"]
    if w.endswith("ês"):
        stem = w[:-2] + "es"
        return [w, stem + "a", stem + "es", stem + "as"]
    raise ValueError(f"Portuguese shorthand needs -o, -e, -a or -ês: {w}")


def expand_de(w):
    """German: an adjective ("spanisch*": every ending) or, capitalised, a
    demonym in -er ("Spanier*": feminine, plurals)."""
    if w[0].isupper():
        return [w, w + "n", w + "in", w + "innen"]
    return [w, w + "e", w + "en", w + "er", w + "es", w + "em"]


EXPANDERS = {"fr": expand_fr, "es": expand_es, "it": expand_it, "pt": expand_pt, "de": expand_de}


def expand(lang, word):
    if not word.endswith("*"):
        return [word]
    if lang not in EXPANDERS:
        raise ValueError(f"no inflection shorthand for language {lang}: {word}")
    stem = word[:-1]
    # A compound ("sud-africain*", "norte-americano*") inflects its last part.
    head, sep, last = stem.rpartition("-")
    return [head + sep + form for form in EXPANDERS[lang](last)]


def read_source(path):
    """Rows (lang, key spec, [names], flags) of the hand-written source."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 3:
                sys.exit(f"{path}:{line_no}: expected lang, key spec, words[, flags]")
            lang, spec, words = cols[0], cols[1], cols[2]
            flags = cols[3] if len(cols) > 3 else ""
            names = []
            for w in words.split("|"):
                w = w.strip()
                if not w:
                    continue
                try:
                    names.extend(expand(lang, w))
                except ValueError as e:
                    sys.exit(f"{path}:{line_no}: {e}")
            rows.append((lang, spec, names, flags))
    return rows


def plural_fr(word):
    return word if word.endswith(("s", "x")) else word + "s"


def read_keys(path):
    """The country keys of data/countries.tsv."""
    with open(path, encoding="utf-8") as f:
        return {line.split("\t", 1)[0] for line in f if line.strip() and not line.startswith("#")}


def read_mledoze(shared, keys, taken):
    """Per language, key -> (names, adjectives): translated common and official
    names; French demonyms in lower case with their plurals. Skips entries that
    are no country of ours (Kosovo has no ISO code) and what the hand-written
    rows of that language already hold."""
    with gzip.open(os.path.join(shared, "countries/mledoze_countries.json.gz")) as f:
        rows = json.load(f)
    # Independent states first: a name or demonym shared with a territory
    # ("Français": France and French Southern Territories) belongs to the state.
    rows.sort(key=lambda r: (not r.get("independent", False), r["cca2"]))
    out = {}
    for r in rows:
        key = r["cca2"].lower()
        if key not in keys:
            continue
        for code, lang in LANGUAGES.items():
            t = r.get("translations", {}).get(code)
            claimed = taken.setdefault(lang, set())
            names, adjectives = [], []
            for n in (t["common"], t["official"]) if t else ():
                if n and "(" not in n and "," not in n and n.lower() not in claimed:
                    claimed.add(n.lower())
                    names.append(n)
            if code == "fra":
                dem = r.get("demonyms", {}).get("fra", {})
                for d in (dem.get("m"), dem.get("f")):
                    # Compound demonyms of small territories ("antiguaise et
                    # barbudien", "saint-pierrais, miquelonais") are no word
                    # that news writes.
                    if not d or " " in d or "," in d:
                        continue
                    for form in (d.lower(), plural_fr(d.lower())):
                        if form not in claimed:
                            claimed.add(form)
                            adjectives.append(form)
            if names or adjectives:
                out.setdefault(lang, {})[key] = (names, adjectives)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(repo, "..", "shared", "gazetteers"))
    ap.add_argument("--data", default=os.path.join(repo, "data"))
    args = ap.parse_args()

    rows = read_source(os.path.join(args.data, "country_words_src.tsv"))
    taken = {}
    with open(os.path.join(args.data, "countries_intl.tsv"), "w", encoding="utf-8") as f:
        f.write("# Country names, adjectives, demonyms, cities and blocking phrases in languages "
                "other than English.\n# Generated by tools/build_country_words.py from "
                "data/country_words_src.tsv (written by the newsdex project). Do not edit.\n"
                "# lang\tkey spec\tnames\tflags (as in data/country_extra.tsv; C = a city)\n")
        for lang, spec, names, flags in rows:
            taken.setdefault(lang, set()).update(n.lower() for n in names)
            f.write("\t".join([lang, spec, "|".join(names), flags]) + "\n")

    keys = read_keys(os.path.join(args.data, "countries.tsv"))
    mledoze = read_mledoze(args.shared, keys, taken)
    count = 0
    with open(os.path.join(args.data, "countries_mledoze_intl.tsv"), "w", encoding="utf-8") as f:
        f.write("# Country names in French, German, Spanish, Italian, Portuguese and Dutch and "
                "French demonyms, derived from mledoze/countries\n# (commit 5e9f370050f8, "
                "https://github.com/mledoze/countries), licensed under the Open Database "
                "License 1.0.\n# This file is a derived database and is itself available "
                "under ODbL 1.0. Generated by tools/build_country_words.py.\n"
                "# lang\tkey\tnames\tflags\n")
        for lang in sorted(mledoze):
            for key in sorted(mledoze[lang]):
                names, adjectives = mledoze[lang][key]
                if names:
                    f.write("\t".join([lang, key, "|".join(names), ""]) + "\n")
                    count += 1
                if adjectives:
                    f.write("\t".join([lang, key, "|".join(adjectives), "X"]) + "\n")
                    count += 1
    print(f"hand-written rows: {len(rows)}, mledoze rows: {count}", file=sys.stderr)


if __name__ == "__main__":
    main()
