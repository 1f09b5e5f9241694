#!/usr/bin/env python3
"""Builds newsdex's country and place gazetteers from the shared reference data.

Run by hand; the outputs are committed:

    python3 tools/build_gazetteer.py [--shared ../shared/gazetteers] [--out data]

Reads (see /work/shared/gazetteers/README.md for each source and its license):
  countries/iso_3166-1.json          LGPL-2.1+   canonical codes, names
  countries/cldr41_main_en.xml.gz    Unicode     English names, short/variant forms
  countries/geonames_countryInfo.tsv CC BY 4.0   capitals
  countries/mledoze_countries.json.gz ODbL 1.0   official names, alt spellings, demonyms
  places/geonames_cities15000.txt.gz CC BY 4.0   cities -> country
  places/geonames_admin1CodesASCII.tsv CC BY 4.0 US/Canadian/Australian states
  names/ssa_us_given_names_1880_2024.tsv.gz  public domain  (marks cities named like people)
  data/country_extra.tsv (ours)      read only to learn the historical keys

Writes:
  data/countries.tsv          key, display name, alpha-3, historical flag, aliases
  data/countries_mledoze.tsv  key, aliases derived from mledoze (ODbL: kept separate)
  data/places.tsv             place name, country key, population, kind

Python 3 standard library only. Output is sorted and deterministic.
"""

import argparse
import gzip
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

# Cities at or above this population may be matched anywhere in the text; smaller
# ones (down to GeoNames' 15,000) only in a dateline ("GREENWICH, Conn.").
CITY_MIN_POPULATION = 100_000
# A city below this population whose one-word name is a common US given name
# (SSA, >= GIVEN_NAME_MIN_BIRTHS births) is kind N: "George" (South Africa) is
# far more often George Shultz. Such cities count only in datelines.
PERSON_CITY_MAX_POPULATION = 1_000_000
GIVEN_NAME_MIN_BIRTHS = 10_000
# Cities this large would also get their Latin-script alternate names. Off (0):
# on Reuters dev they cost more precision than they gain ("Lion" for Lyon);
# English exonyms we need ("Geneva", "Cologne") are in data/country_extra.tsv.
ALTERNATES_MIN_POPULATION = 0
# GeoNames feature codes that are not a place a dateline or a story would name.
SKIP_FEATURES = {"PPLX", "PPLH", "PPLW", "PPLQ", "PPLCH", "PPLR", "PPLF"}
STATE_COUNTRIES = {"US", "CA", "AU"}
# Two- and three-letter codes that are safe to read as country names.
CODE_WHITELIST = {"US", "USA", "UK", "UAE", "DRC", "PRC", "ROK", "DPRK"}
# Alternative spellings that are everyday words of a language we read: German
# writes its nouns with a capital, and "Mann" (a man; also an English surname)
# read as the Isle of Man in "Ein Mann wurde verletzt". The island keeps its
# other names.
ALT_SPELLING_COMMON_WORDS = {"Mann"}


def clean_alias(name):
    """Returns a usable alias or None: drops inverted ISO forms and parentheses."""
    name = name.strip()
    if not name or ", " in name or "(" in name:
        return None
    return name


def read_iso(shared):
    with open(os.path.join(shared, "countries/iso_3166-1.json"), encoding="utf-8") as f:
        rows = json.load(f)["3166-1"]
    out = {}
    for r in rows:
        key = r["alpha_2"].lower()
        display = r.get("common_name") or r["name"]
        aliases = [r["name"], r.get("common_name", ""), r.get("official_name", "")]
        out[key] = {"name": display, "alpha3": r["alpha_3"], "aliases": aliases}
    return out


def read_cldr(shared, countries):
    with gzip.open(os.path.join(shared, "countries/cldr41_main_en.xml.gz")) as f:
        tree = ET.parse(f)
    for t in tree.iter("territory"):
        code = t.get("type", "")
        if not re.fullmatch(r"[A-Z]{2}", code):
            continue  # regions such as 150 Europe
        key = code.lower()
        if key not in countries or key in ("un", "eu", "ez"):
            continue
        text = t.text or ""
        countries[key]["aliases"].append(text)
        # CLDR's plain English name is the best display name ("Turkey", "Iran").
        if t.get("alt") is None and clean_alias(text) and " - " not in text:
            countries[key]["name"] = text


def read_capitals(shared, countries):
    path = os.path.join(shared, "countries/geonames_countryInfo.tsv")
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            key = cols[0].lower()
            if key in countries and cols[5]:
                countries[key]["aliases"].append(cols[5])


def read_historical(extra_path):
    rows = []
    with open(extra_path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[0] == "country" and len(cols) >= 5:
                rows.append(cols[1:5])
    return rows


def dedupe(names, taken=None):
    out, seen = [], set()
    for n in names:
        n = clean_alias(n or "")
        if not n:
            continue
        k = n.lower()
        if k in seen or (taken is not None and k in taken):
            continue
        seen.add(k)
        out.append(n)
    return out


def ascii_only(s):
    return all(ord(c) < 128 for c in s)


def plural(demonym):
    if demonym.endswith(("an", "i", "er")):
        return demonym + "s"
    return None


def read_mledoze(shared, countries, taken):
    with gzip.open(os.path.join(shared, "countries/mledoze_countries.json.gz")) as f:
        rows = json.load(f)
    # Independent states first: a demonym shared with a territory ("American": US
    # and MP) belongs to the state.
    rows.sort(key=lambda r: (not r.get("independent", False), r["cca2"]))
    out = {}
    claimed = set(taken)
    for r in rows:
        key = r["cca2"].lower()
        if key not in countries:
            continue
        names = [r["name"]["common"], r["name"]["official"]]
        for alt in r.get("altSpellings", []):
            if (len(alt) <= 3 and alt not in CODE_WHITELIST) or alt in ALT_SPELLING_COMMON_WORDS:
                continue
            if ascii_only(alt):
                names.append(alt)
        dem = r.get("demonyms", {}).get("eng", {})
        for d in (dem.get("m"), dem.get("f")):
            if d:
                names.append(d)
                p = plural(d)
                if p:
                    names.append(p)
        names.extend(r.get("capital", []))
        kept = []
        for n in dedupe(names):
            if n.lower() in claimed:
                continue
            claimed.add(n.lower())
            kept.append(n)
        if kept:
            out[key] = kept
    return out


def read_given_names(shared):
    names = set()
    with gzip.open(os.path.join(shared, "names/ssa_us_given_names_1880_2024.tsv.gz"), "rt",
                   encoding="utf-8") as f:
        next(f)
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) >= 3 and int(c[2]) >= GIVEN_NAME_MIN_BIRTHS:
                names.add(c[0].lower())
    return names


def read_places(shared, countries):
    best = {}  # (name, key) -> (population, kind)
    given = read_given_names(shared)

    def add(name, key, pop, kind):
        if not name or key not in countries:
            return
        rank = {"S": 4, "C": 3, "P": 2, "N": 1, "D": 0}
        cur = best.get((name, key))
        if cur is None or (rank[kind], pop) > (rank[cur[1]], cur[0]):
            best[(name, key)] = (pop, kind)

    with gzip.open(os.path.join(shared, "places/geonames_cities15000.txt.gz"), "rt",
                   encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) < 15 or c[6] != "P" or c[7] in SKIP_FEATURES:
                continue
            key = c[8].lower()
            pop = int(c[14] or 0)
            if c[7] == "PPLC":
                kind = "C"
            elif pop >= CITY_MIN_POPULATION:
                kind = "P"
                if pop < PERSON_CITY_MAX_POPULATION and c[2].lower() in given:
                    kind = "N"
            else:
                kind = "D"
            names = {c[1], c[2]}
            if ALTERNATES_MIN_POPULATION and pop >= ALTERNATES_MIN_POPULATION and kind in ("C", "P"):
                for alt in c[3].split(","):
                    if (len(alt) >= 4 and ascii_only(alt) and alt[0].isupper()
                            and not alt.isupper() and not any(ch.isdigit() for ch in alt)):
                        names.add(alt)
            for n in names:
                add(n, key, pop, kind)
    with open(os.path.join(shared, "places/geonames_admin1CodesASCII.tsv"),
              encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            c = line.rstrip("\n").split("\t")
            cc = c[0].split(".")[0]
            if cc in STATE_COUNTRIES:
                add(c[2], cc.lower(), 0, "S")
    return best


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(repo, "..", "shared", "gazetteers"))
    ap.add_argument("--out", default=os.path.join(repo, "data"))
    args = ap.parse_args()

    countries = read_iso(args.shared)
    read_cldr(args.shared, countries)
    read_capitals(args.shared, countries)
    historical = read_historical(os.path.join(args.out, "country_extra.tsv"))

    header = ("# newsdex countries. Generated by tools/build_gazetteer.py from ISO 3166-1 "
              "(iso-codes, LGPL-2.1+), Unicode CLDR 41 and GeoNames countryInfo (CC BY 4.0). "
              "Do not edit: edit data/country_extra.tsv or the tool.\n"
              "# key\tname\talpha3\thistorical\taliases\n")
    taken = set()
    lines = []
    for key in sorted(countries):
        c = countries[key]
        aliases = dedupe([c["name"]] + c["aliases"])
        taken.update(a.lower() for a in aliases)
        lines.append("\t".join([key, c["name"], c["alpha3"], "0", "|".join(aliases)]))
    for key, name, alpha3, flag in historical:
        lines.append("\t".join([key, name, alpha3, "1" if flag == "historical" else "0", ""]))
    with open(os.path.join(args.out, "countries.tsv"), "w", encoding="utf-8") as f:
        f.write(header + "\n".join(lines) + "\n")

    mledoze = read_mledoze(args.shared, countries, taken)
    with open(os.path.join(args.out, "countries_mledoze.tsv"), "w", encoding="utf-8") as f:
        f.write("# Country aliases (official names, alternative spellings, English demonyms, "
                "capitals) derived from mledoze/countries\n# (commit 5e9f370050f8, "
                "https://github.com/mledoze/countries), licensed under the Open Database "
                "License 1.0.\n# This file is a derived database and is itself available "
                "under ODbL 1.0. Generated by tools/build_gazetteer.py.\n"
                "# key\taliases\n")
        for key in sorted(mledoze):
            f.write(key + "\t" + "|".join(mledoze[key]) + "\n")

    places = read_places(args.shared, countries)
    with open(os.path.join(args.out, "places.tsv"), "w", encoding="utf-8") as f:
        f.write("# newsdex places. Generated by tools/build_gazetteer.py from GeoNames "
                "cities15000 and admin1CodesASCII (CC BY 4.0, https://www.geonames.org/).\n"
                "# kind: C capital, P city >= 100k, N city >= 100k named like a person (datelines "
                "only), D city 15k-100k (datelines only), S state/province (US, CA, AU)\n# name\tkey\tpopulation\tkind\n")
        for (name, key), (pop, kind) in sorted(places.items()):
            f.write(f"{name}\t{key}\t{pop}\t{kind}\n")
    print(f"countries: {len(lines)}, mledoze alias rows: {len(mledoze)}, "
          f"places: {len(places)}", file=sys.stderr)


if __name__ == "__main__":
    main()
