#!/usr/bin/env python3
"""Builds newsdex's actor data files from the shared gazetteers.

Run by hand; the outputs are committed:

  python3 tools/build_actors.py [--shared /work/shared] [--out data]

Writes (see data/README.md, sections "Actors" and following):
  actors.tsv              persons: canonical name, country, role, aliases, periods
                          (Phoenix dictionaries, MIT, + project seed TSV)
  given_names.txt         US given names (SSA, public domain)
  given_names_intl.txt    international given names (Winkelmann/Michael, GFDL 1.2+)
  actor_places.txt        country / demonym / city words that are never person
                          names (Phoenix MIT + GeoNames CC BY 4.0)
person_cues.tsv is hand-written by the project and not generated here.

Python 3 standard library only.
"""

import argparse
import collections
import gzip
import json
import os
import re
import sys
import unicodedata

# Words dropped from the front of dictionary phrases: titles and honorifics
# (project-authored list; see also data/person_cues.tsv).
LEADING_TITLES = set("""
ayatollah grand hojatolislam hojatoleslam hojjatoleslam sayyed sayed seyed seyyed sheikh sheik shaikh
president vice prime minister secretary general gen lt col maj capt adm admiral colonel major
captain lieutenant field marshal marshal brigadier commander chief deputy former acting interim
foreign defense defence finance interior state of the us u.s. mr mrs ms dr prof professor
king queen prince princess emir amir sultan crown his her royal highness majesty excellency
sir lord lady dame baron baroness rev reverend father pope cardinal archbishop bishop imam
mullah mufti rabbi sen senator rep representative gov governor mayor judge justice chairman
ambassador envoy speaker premier chancellor haji hajji hadji al-haj alhaj mawlawi maulvi mullah
mohtaram shah president-elect govenor vice-president ex-president
""".split())
# Aliases holding one of these words name an office or a group, not the person.
NON_NAME_ALIAS_WORDS = {"administration", "government", "cabinet", "regime", "office",
                        "camp", "supporters", "forces", "family", "loyalists", "aides"}
NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "3d", "2d", "3rd", "2nd"}
PARTICLES = {"al", "el", "bin", "ibn", "abu", "van", "von", "der", "den", "de", "du", "da",
             "di", "del", "della", "la", "le", "dos", "das", "ter", "ten", "zu", "y", "bint"}

ROLE_NAMES = {
    "GOV": "government", "MIL": "military", "OPP": "opposition", "REB": "rebel",
    "ELI": "elite", "LEG": "legislature", "JUD": "judiciary", "BUS": "business",
    "MED": "media", "COP": "police", "SPY": "intelligence", "PTY": "party",
    "INS": "insurgent", "LAB": "labour", "EDU": "education", "HLH": "health",
    "AGR": "agriculture", "ENV": "environment", "REL": "religion", "HRI": "human rights",
    "DEV": "development", "CVL": "civilian", "UAF": "armed group", "NGO": "ngo",
    "IGO": "international organisation", "CRM": "criminal", "SEP": "separatist",
    "REF": "refugee", "MOD": "moderate", "RAD": "radical",
}
EXTRA_COUNTRIES = {"SUN": "su", "DDR": "dd", "KSV": "xk", "YUG": "yu", "CSK": "cs",
                   "ZAR": "cd", "ROM": "ro", "TMP": "tl", "BUR": "mm"}


def open_text(path):
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def fold(text):
    """Lowercase, accents removed, '.' and "'" removed, '-' and '_' to space."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = t.replace("'", "").replace("\u2019", "").replace(".", " ")
    t = re.sub(r"[^0-9a-z\u0080-\uffff]+", " ", t)
    return " ".join(t.split())


def title_word(w):
    """'BAKER' -> 'Baker', 'MCNAMARA' -> 'McNamara', "O'NEILL" -> "O'Neill"."""
    lw = w.lower()
    if lw in PARTICLES:
        return lw
    parts = re.split(r"([-'])", lw)
    out = []
    for p in parts:
        if p in ("-", "'") or not p:
            out.append(p)
            continue
        if len(p) > 2 and p.startswith("mc"):
            out.append("Mc" + p[2].upper() + p[3:])
        else:
            out.append(p[0].upper() + p[1:])
    return "".join(out)


def clean_phrase(phrase):
    """Phoenix phrase -> list of display words with titles and suffixes removed."""
    phrase = phrase.replace("\x1a", "").strip().strip("_")
    words = [w for w in phrase.replace("_", " ").split() if w]
    while words and words[0].lower().rstrip(".") in LEADING_TITLES:
        words.pop(0)
    while words and words[-1].lower() in NAME_SUFFIXES:
        words.pop()
    # Drop dangling particles at the ends.
    while words and words[-1].lower() in PARTICLES:
        words.pop()
    out = [title_word(w) for w in words]
    # A roman numeral after the first word is a regnal number: "Carl XVI
    # Gustaf", "Juan Carlos I" is left alone ("I" is too often the pronoun).
    return out[:1] + [w.upper() if is_regnal_numeral(w) else w for w in out[1:]]


def is_regnal_numeral(word):
    """'Ii' to 'Xxxix', 'V', 'X': the numerals indexer/internal/name_tokens.cc reads."""
    return bool(re.fullmatch(r"X{0,3}(IX|IV|V?I{0,3})", word.upper())) and word.upper() not in ("", "I")


def parse_codes(text):
    """'[IRNGOV 811013-890803][IRNELI]' -> [('IRNGOV', '811013-890803'), ...]."""
    return re.findall(r"\[([^\]\s]*)\s*([^\]]*)\]", text)


def expand_date(d):
    d = d.strip()
    if not d.isdigit():
        return None
    if len(d) == 6:
        yy = int(d[:2])
        d = ("20" if yy <= 30 else "19") + d
    if len(d) != 8:
        return None
    return d


def parse_restriction(r):
    """'811013-890803' / '>19890604' / '<900101' / '' -> (from, to) or None."""
    r = r.strip()
    if not r:
        return None
    if r.startswith(">"):
        return (expand_date(r[1:]) or "", "")
    if r.startswith("<"):
        return ("", expand_date(r[1:]) or "")
    if "-" in r:
        a, b = r.split("-", 1)
        a, b = expand_date(a), expand_date(b)
        if a is None or b is None:
            return None
        return (a, b)
    return None


def read_phoenix(path, person_filter):
    """Yields (primary_phrase, [synonyms], [(code, restriction)]) per entry."""
    entries = []
    cur = None
    with open_text(path) as f:
        for raw in f:
            line = raw.replace("\x1a", "").rstrip("\n")
            body, _, comment = line.partition("#")
            if not body.strip():
                continue
            if line.startswith("\t") or line.startswith(" ") and body.strip().startswith("["):
                if cur is not None:
                    cur[2].extend(parse_codes(body))
                continue
            s = body.strip()
            if s.startswith("+"):
                if cur is not None:
                    cur[1].append(s[1:].split("[")[0].strip())
                    cur[2].extend(parse_codes(s))
                continue
            if s.startswith("[") and cur is not None:
                cur[2].extend(parse_codes(s))
                continue
            phrase = s.split("[")[0].strip().split("\t")[0].strip()
            cur = [phrase, [], parse_codes(s), comment]
            entries.append(cur)
    return [e for e in entries if person_filter(e)]


def looks_like_person(words, given):
    if len(words) < 2 or len(words) > 5:
        return False
    if any(not re.match(r"^[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f.'-]*$", w) for w in words):
        return False
    return True


class Actor:
    def __init__(self, name, country, role):
        self.name = name
        self.country = country
        self.role = role
        self.aliases = []  # display strings
        self.periods = []  # (from, to)

    def add_alias(self, words):
        a = " ".join(words)
        if a and fold(a) != fold(self.name) and fold(a) not in {fold(x) for x in self.aliases}:
            self.aliases.append(a)


def code_country(code, alpha3):
    c3 = code[:3]
    if c3 in ("IGO", "NGO", "MNC", "KNT"):
        return ""
    if c3 in EXTRA_COUNTRIES:
        return EXTRA_COUNTRIES[c3]
    return alpha3.get(c3, "")


def code_role(code):
    if code.startswith(("IGO", "NGO", "MNC")):
        sub = code[3:6]
        return {"IGO": "international organisation", "NGO": "ngo", "MNC": "business"}[code[:3]] \
            if not sub else ROLE_NAMES.get(code[:3], "")
    sub = code[3:6]
    return ROLE_NAMES.get(sub, "")


def build_actors(shared, given):
    iso = json.load(open(os.path.join(shared, "gazetteers/countries/iso_3166-1.json")))
    alpha3 = {c["alpha_3"]: c["alpha_2"].lower() for c in iso["3166-1"]}
    actors = []
    adir = os.path.join(shared, "gazetteers/actors")

    def countries_filter(e):
        return "CountryInfo" in e[3] and not e[2] == [] or "CountryInfo" in e[3]

    def dated_filter(e):
        return any(parse_restriction(r) for _, r in e[2])

    sources = [
        (os.path.join(adir, "Phoenix.Countries.actors.txt.gz"), countries_filter),
        (os.path.join(adir, "Phoenix.International.actors.txt.gz"), dated_filter),
        (os.path.join(adir, "Phoenix.MilNonState.actors.txt"), dated_filter),
    ]
    for path, flt in sources:
        for phrase, syns, codes, _ in read_phoenix(path, flt):
            words = clean_phrase(phrase)
            if not looks_like_person(words, given):
                continue
            codes = [(c, r) for c, r in codes if c and c[:3] != "KNT"]
            if not codes and "Countries" not in path:
                continue
            if any(c[:3] == "KNT" for c, _ in codes):
                continue
            # Country: most frequent country among codes; role: of the latest dated code.
            cc = collections.Counter(code_country(c, alpha3) for c, _ in codes)
            cc.pop("", None)
            country = cc.most_common(1)[0][0] if cc else ""
            dated = []
            for c, r in codes:
                p = parse_restriction(r)
                if p is not None:
                    dated.append((p[1] or "99999999", c, p))
            role = ""
            non_eli = [d for d in dated if d[1][3:6] != "ELI"]
            if non_eli or dated:
                role = code_role(max(non_eli or dated)[1])
            elif codes:
                role = code_role(codes[0][0])
            # Canonical names drop middle initials ("Paul A. Volcker" -> "Paul
            # Volcker"); the full form stays an alias.
            short = [w for i, w in enumerate(words)
                     if i in (0, len(words) - 1) or not re.match(r"^[A-Za-z]\.?$", w)]
            a = Actor(" ".join(short), country, role)
            a.add_alias(words)
            for s in syns:
                sw = clean_phrase(s)
                if any(w.lower() in NON_NAME_ALIAS_WORDS for w in sw):
                    continue
                if sw and all(re.match(r"^[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f.'-]*$", w) for w in sw):
                    a.add_alias(sw)
            for _, c, p in dated:
                if c[3:6] != "ELI":
                    a.periods.append(p)
            actors.append(a)

    # Merge Phoenix duplicates: same folded name and country.
    merged = {}
    order = []
    for a in actors:
        key = (fold(a.name), a.country)
        if key in merged:
            m = merged[key]
            for al in a.aliases:
                m.add_alias(al.split())
            m.periods.extend(a.periods)
            if not m.role:
                m.role = a.role
        else:
            merged[key] = a
            order.append(key)
    actors = [merged[k] for k in order]

    # Seeds: the shared project seed (current leaders), then this directory's
    # own (names as other languages write them; see merge_seed).
    merge_seed(actors, os.path.join(adir, "project_current_actors_seed.tsv"))
    merge_seed(actors, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "actors_seed_intl.tsv"))
    return actors


def merge_seed(actors, seed_path):
    """Merges a seed TSV into `actors`: a row joins the Phoenix entry sharing a
    full (two or more word) alias, whose name it takes, else adds an actor."""
    by_alias = collections.defaultdict(list)
    for a in actors:
        for n in [a.name] + a.aliases:
            f = fold(n)
            if " " in f:
                by_alias[f].append(a)
    seed_by_name = {}
    with open(seed_path, encoding="utf-8") as f:
        header = None
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if header is None:
                header = cols
                continue
            row = dict(zip(header, cols + [""] * (len(header) - len(cols))))
            name = row["canonical_name"].strip()
            aliases = [x.strip() for x in row["aliases"].split("|") if x.strip()]
            start = row["start"].strip().replace("-", "")
            end = row["end"].strip().replace("-", "")
            start = (start + "01")[:8] if len(start) == 6 else start
            end = (end + "31")[:8] if len(end) == 6 else end
            a = seed_by_name.get(name)
            if a is None:
                target = None
                for n in [name] + aliases:
                    hits = by_alias.get(fold(n))
                    if hits:
                        target = hits[0]
                        break
                if target is not None:
                    old = target.name
                    target.name = name
                    target.add_alias(old.split())
                    target.aliases = [x for x in target.aliases if fold(x) != fold(name)]
                    target.country = row["country_iso2"].strip().lower() or target.country
                    target.role = row["office"].strip() or target.role
                    a = target
                else:
                    a = Actor(name, row["country_iso2"].strip().lower(), row["office"].strip())
                    actors.append(a)
                seed_by_name[name] = a
            for al in aliases:
                a.add_alias(al.split())
            a.periods.append((start, end))


def format_periods(periods):
    seen = []
    for p in sorted(set(periods)):
        seen.append("%s-%s" % p)
    return "|".join(seen)


def load_ssa(shared, min_births):
    out = set()
    with open_text(os.path.join(shared, "gazetteers/names/ssa_us_given_names_1880_2024.tsv.gz")) as f:
        next(f)
        totals = collections.Counter()
        for line in f:
            cols = line.rstrip("\n").split("\t")
            totals[cols[0]] += int(cols[2])
    for n, t in totals.items():
        if t >= min_births and n.isalpha():
            out.add(n.lower())
    return out


def load_winkelmann(shared):
    out = set()
    with open_text(os.path.join(shared, "gazetteers/names/winkelmann_firstnames.csv.gz")) as f:
        next(f)
        for line in f:
            name = line.split(";", 1)[0].strip()
            # Compound entries ("Jean+Pierre") and abbreviations are skipped.
            if not name or "+" in name or "." in name or " " in name:
                continue
            out.add(fold(name).replace(" ", "-"))
    return out


def load_places(shared):
    """Country-level Phoenix phrases (names, demonyms, cities) and GeoNames cities."""
    words = set()
    path = os.path.join(shared, "gazetteers/actors/Phoenix.Countries.actors.txt.gz")
    in_country = False
    with open_text(path) as f:
        for raw in f:
            line = raw.replace("\x1a", "").rstrip("\n")
            body = line.split("#")[0]
            s = body.strip()
            if not s:
                continue
            if s.startswith("+"):
                if in_country:
                    words.add(fold(s[1:].split("[")[0].replace("_", " ")))
                continue
            if line.startswith("\t") or s.startswith("["):
                continue
            codes = parse_codes(s)
            in_country = bool(codes) and all(len(c) == 3 for c, _ in codes)
            if in_country:
                words.add(fold(s.split("[")[0].replace("_", " ")))
    with open_text(os.path.join(shared, "gazetteers/places/geonames_cities15000.txt.gz")) as f:
        for line in f:
            cols = line.split("\t")
            pop = int(cols[14] or 0)
            for n in (cols[1], cols[2]):
                fn = fold(n)
                if " " in fn or pop >= 100000 or cols[7] == "PPLC":
                    words.add(fn)
    with open_text(os.path.join(shared, "gazetteers/places/geonames_admin1CodesASCII.tsv")) as f:
        for line in f:
            if line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) > 2:
                words.add(fold(cols[2]))
    words.discard("")
    return words


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "shared"))
    ap.add_argument("--out", default=os.path.join(here, "..", "data"))
    ap.add_argument("--ssa_min_births", type=int, default=2000)
    args = ap.parse_args()

    ssa = load_ssa(args.shared, args.ssa_min_births)
    intl = load_winkelmann(args.shared) - ssa
    actors = build_actors(args.shared, ssa | intl)

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "actors.tsv"), "w", encoding="utf-8") as f:
        f.write("# newsdex actors. Built by tools/build_actors.py from the PETRARCH2/Phoenix actor\n")
        f.write("# dictionaries (MIT, Open Event Data Alliance) and the project seed; see data/README.md.\n")
        f.write("# name\tcountry\trole\taliases\tperiods (YYYYMMDD-YYYYMMDD, open ends empty)\n")
        for a in actors:
            aliases = "|".join(a.aliases)
            f.write("\t".join([a.name, a.country, a.role, aliases, format_periods(a.periods)]) + "\n")
    with open(os.path.join(args.out, "given_names.txt"), "w", encoding="utf-8") as f:
        f.write("# US given names with >= %d births 1880-2024 (SSA, public domain).\n" % args.ssa_min_births)
        for n in sorted(ssa):
            f.write(n + "\n")
    with open(os.path.join(args.out, "given_names_intl.txt"), "w", encoding="utf-8") as f:
        f.write("# International given names, folded. Derived from the firstname database of\n")
        f.write("# Joerg Michael, updated by Matthias Winkelmann (github.com/MatthiasWinkelmann/\n")
        f.write("# firstname-database). License: GNU Free Documentation License 1.2 or later.\n")
        for n in sorted(intl):
            f.write(n + "\n")
    places = load_places(args.shared)
    with open(os.path.join(args.out, "actor_places.txt"), "w", encoding="utf-8") as f:
        f.write("# Place words that are never person names, folded. Derived from the PETRARCH2\n")
        f.write("# Phoenix country dictionary (MIT) and GeoNames cities15000 / admin1 names\n")
        f.write("# (CC BY 4.0, GeoNames, geonames.org).\n")
        for w in sorted(places):
            f.write(w + "\n")
    print("actors %d, given names %d + %d intl, place words %d" %
          (len(actors), len(ssa), len(intl), len(places)), file=sys.stderr)


if __name__ == "__main__":
    main()
