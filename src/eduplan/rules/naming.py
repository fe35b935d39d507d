"""Kindergarten names: the name clean-up of the plan, as a check on any name.

A name must not carry the banned words (中国, 中华, 全国, 国际, 世界, 全球), foreign words or
letters, foreign country or place names, one-sided feature words (双语, 艺术, 国学, 私塾…) or
religious connotations; a private kindergarten must not use a public school's name or its
abbreviation. The words are data (``wordlists/*.txt``; settings in ``[naming]`` of
``plan/standards.toml``) so a city can maintain them without touching code.

False positives matter as much as hits: an inspector who is told that 观音山幼儿园 is religious stops
trusting the list. A hit does not count when

- it lies inside an exception phrase of its list (``!佛山``: 佛山 is a city, 仿佛 a word);
- it is directly followed by a place suffix (艺术路, 观音山, 中华街道): a street or a mountain —
  except for foreign brand, method and people words (迪士尼桥 still trades on the brand), and not
  for 村, 社区, 小区 (国际村, 国际小区 are housing developments borrowing the word);
- it lies inside the name of a real division (the GB/T 2260 gazetteer shipped with eduplan and the
  registry's divisions: 观音寺街道, 龙王庙镇), or inside the short name of the institution's own
  township, county or city;
- the word is marked to count only at the end of the proper name (``观$``: 白云观幼儿园 is named after
  a temple, 观澜幼儿园 is not).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from eduplan.plans import standards
from eduplan.plans.checks import clause_text

from .catalogue import INSTITUTION_FIELDS, RuleContext, rule
from .findings import RuleFinding, Severity

#: The check the name rules are (the plan file maps it to its clauses).
CHECK = "rule:KG-NAME"
WORDLIST_DIR = Path(__file__).resolve().parent / "wordlists"
GAZETTEER_DIR = Path(__file__).resolve().parent.parent / "data" / "divisions"

#: Category id → (Chinese, English) label. The word-list categories come from ``[naming]``.
CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "banned": ("禁用词", "banned word"),
    "latin_letters": ("拉丁字母", "Latin letters"),
    "foreign_script": ("外文字符", "foreign script"),
    "foreign_word": ("外文音译词", "foreign word"),
    "foreign_place": ("外国国名地名", "foreign country or place name"),
    "feature": ("片面特色词", "one-sided feature word"),
    "religious": ("宗教色彩词", "religious connotation"),
    "public_name": ("公办学校名称或简称", "public school's name or abbreviation"),
}

PRIVATE_OWNERSHIPS = ("private", "private_nonprofit", "private_forprofit")
OWNERSHIP_CHOICES = ("public", "private")

_CHINESE_DIGITS = "〇零一二三四五六七八九十百"
#: Standard abbreviations of school types in school names (第一中学 → 一中, 附属幼儿园 → 附幼).
_TYPE_ABBREVIATIONS = {
    "高级中学": ("中", "高"),
    "完全中学": ("中",),
    "中学": ("中",),
    "小学": ("小",),
    "幼儿园": ("幼",),
}
_NUMBERED = re.compile(rf"^第([{_CHINESE_DIGITS}]+)(高级中学|完全中学|中学|小学|幼儿园)$")
_ATTACHED = re.compile(r"^(.+)附属(高级中学|中学|小学|幼儿园)$")
_PEOPLES = re.compile(r"^(.{2,}?)(?:[^族]{1,3}族)+$")


class NameCheckError(ValueError):
    """An input the user can correct (an unknown ownership value)."""


# -- data ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WordList:
    """One category's words, words counted only at the end of the proper name, and exceptions.

    An exception line belongs to the word above it (``佛`` then ``!佛山``): it excuses hits of that
    word only, so ``!一中国际`` excuses 中国 in 玉溪一中国际 while 国际 is still caught. Exception lines
    before any word excuse every word of the list."""

    category: str
    words: frozenset[str]
    end_words: frozenset[str]
    exceptions: dict[str, tuple[str, ...]]
    #: word → the standard that names it, from a trailing ``# source: …`` on its line
    sources: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, category: str, text: str) -> WordList:
        words: set[str] = set()
        end_words: set[str] = set()
        exceptions: dict[str, list[str]] = {}
        sources: dict[str, str] = {}
        current = ""
        for raw in text.splitlines():
            body, _, comment = raw.partition("#")
            line = unicodedata.normalize("NFKC", body).strip()
            if not line:
                continue
            source = comment.strip()
            if source.lower().startswith("source:") and not line.startswith("!"):
                sources[line.rstrip("$").strip()] = source[len("source:") :].strip()
            if line.startswith("!"):
                phrase = line[1:].strip()
                if phrase:
                    exceptions.setdefault(current, []).append(phrase)
            elif line.endswith("$"):
                current = line[:-1].strip()
                end_words.add(current)
            else:
                current = line
                words.add(line)
        return cls(
            category,
            frozenset(words),
            frozenset(end_words),
            {w: tuple(e) for w, e in exceptions.items()},
            sources,
        )

    def exceptions_for(self, word: str) -> tuple[str, ...]:
        return self.exceptions.get(word, ()) + self.exceptions.get("", ())

    @classmethod
    def load(cls, category: str, directory: Path = WORDLIST_DIR) -> WordList:
        path = directory / f"{category}.txt"
        if not path.exists():
            raise standards.StandardsError(
                f"{path}: 缺少词表 / the word list for category {category!r} is missing"
            )
        return cls.parse(category, path.read_text(encoding="utf-8"))

    @property
    def pattern(self) -> re.Pattern[str]:
        """Any word of the list: most names match none, and are dismissed by one search."""
        return _alternation(self.words | self.end_words)

    def occurrences(self, text: str) -> Iterator[tuple[int, int, str, bool]]:
        """(start, end, word, only_at_end) for every occurrence, overlapping ones included."""
        if not (self.words or self.end_words) or self.pattern.search(text) is None:
            return
        for word in self.words | self.end_words:
            start = text.find(word)
            while start >= 0:
                yield start, start + len(word), word, word in self.end_words and word not in self.words
                start = text.find(word, start + 1)


@cache
def _alternation(words: frozenset[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)")


@cache
def gazetteer() -> frozenset[str]:
    """Every real division name (counties, cities, townships) shipped with eduplan, GB/T 2260."""
    names: set[str] = set()
    for filename in ("cities.csv", "areas.csv", "streets.csv"):
        path = GAZETTEER_DIR / filename
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                name = unicodedata.normalize("NFKC", row.get("name") or "").strip()
                if len(name) >= 2 and name not in ("市辖区", "县", "省直辖县级行政区划"):
                    names.add(name)
    return frozenset(names)


def normalise(name: str) -> str:
    """NFKC (full-width Ａ → A, compatibility ideographs → unified) without any whitespace."""
    text = unicodedata.normalize("NFKC", name or "")
    return "".join(ch for ch in text if not ch.isspace())


def short_place_name(name: str, suffixes: Sequence[str]) -> str:
    """峨山彝族自治县 → 峨山, 红塔区 → 红塔, 北城街道 → 北城; unchanged if it would leave < 2 chars."""
    text = normalise(name)
    for suffix in sorted(suffixes, key=len, reverse=True):
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            text = text[: -len(suffix)]
            break
    # Autonomous counties carry their peoples' names: 元江哈尼族彝族傣族 → 元江.
    m = _PEOPLES.match(text)
    return m.group(1) if m else text


# -- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    category: str
    word: str
    matches: str = ""

    @property
    def clause(self) -> str:
        """The clauses of the plan in force behind the name rules."""
        return clause_text(CHECK)

    @property
    def label_zh(self) -> str:
        return CATEGORY_LABELS.get(self.category, (self.category, self.category))[0]

    @property
    def label_en(self) -> str:
        return CATEGORY_LABELS.get(self.category, (self.category, self.category))[1]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "category": self.category,
            "word": self.word,
            "clause": self.clause,
            "category_zh": self.label_zh,
            "category_en": self.label_en,
        }
        if self.matches:
            out["matches"] = self.matches
        return out


@dataclass(frozen=True)
class NameVerdict:
    name: str
    ok: bool
    violations: tuple[Violation, ...]
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "ok": self.ok,
            "violations": [v.as_dict() for v in self.violations],
        }
        if self.notes:
            out["notes"] = list(self.notes)
        return out


# -- public school names -------------------------------------------------------------------------


@dataclass
class PublicNameIndex:
    """Every form of the public schools' names a private kindergarten must not use: the full name,
    the name without administrative suffixes (玉溪市第一中学 → 玉溪第一中学) and the usual abbreviations
    (玉溪一中, 红塔一幼, 师大附中). Forms shorter than ``[naming] public_name_min_chars`` are dropped.

    A name that starts with its place (红塔区第一幼儿园) is unmistakable anywhere; a name without a
    place (阳光幼儿园) only identifies a school within its own county, so it is compared with private
    kindergartens of that county only.
    """

    forms: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)
    min_chars: int = 4
    max_chars: int = 0

    def add(
        self, name: str, places: Sequence[str], suffixes: Sequence[str], county: str | None = None
    ) -> None:
        pieces, _ = split_place(name, places, suffixes)
        where = None if pieces else county
        public = normalise(name)
        for form in public_name_forms(name, places, suffixes):
            if len(form) >= self.min_chars:
                entries = self.forms.setdefault(form, [])
                if (public, where) not in entries:
                    entries.append((public, where))
                self.max_chars = max(self.max_chars, len(form))

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[str, Sequence[str]] | tuple[str, Sequence[str], str]]
    ) -> PublicNameIndex:
        """``rows``: (public school name, its division names from the township up[, county code])."""
        cfg = standards.section("naming")
        index = cls(min_chars=int(cfg["public_name_min_chars"]))
        for row in rows:
            name, places, county = (*row, None)[:3]
            index.add(name, places, cfg["division_suffixes"], county)
        return index

    @classmethod
    def from_queryset(cls, queryset: Any) -> PublicNameIndex:
        """From a queryset of public institutions (already scoped by the caller)."""
        rows = queryset.values_list(
            "name", "division__name", "county__name", "county__city__name", "county__code"
        )
        return cls.from_rows((r[0], [p for p in r[1:4] if p], r[4]) for r in rows)

    def find(self, text: str, county: str | None = None) -> list[tuple[str, str]]:
        """Maximal (form, public name) occurrences in the normalised ``text`` of a name in ``county``."""

        def public_of(form: str) -> str | None:
            for public, where in self.forms.get(form, ()):
                if where is None or where == county:
                    return public
            return None

        found: list[tuple[int, int, str, str]] = []
        n = len(text)
        for i in range(n):
            for j in range(min(n, i + self.max_chars), i + self.min_chars - 1, -1):
                public = public_of(text[i:j])
                if public is not None:
                    found.append((i, j, text[i:j], public))
                    break
        maximal = [f for f in found if not any(g[0] <= f[0] and f[1] <= g[1] and g != f for g in found)]
        return [(form, public) for _, _, form, public in maximal]


def split_place(
    name: str, places: Sequence[str], suffixes: Sequence[str]
) -> tuple[list[tuple[str, str]], str]:
    """The leading place names of ``name`` (each as written and short) and the rest:
    玉溪市红塔区第一幼儿园 → [(玉溪市, 玉溪), (红塔区, 红塔)], 第一幼儿园."""
    variants: list[tuple[str, str]] = []
    for place in places:
        p = normalise(place)
        if p:
            variants.append((p, short_place_name(p, suffixes)))
    rest = normalise(name)
    pieces: list[tuple[str, str]] = []
    progress = True
    while progress and rest:
        progress = False
        for long, short in variants:
            for candidate in (long, short):
                if len(candidate) >= 2 and rest.startswith(candidate) and len(rest) > len(candidate):
                    pieces.append((candidate, short))
                    rest = rest[len(candidate) :]
                    progress = True
                    break
            if progress:
                break
    return pieces, rest


def public_name_forms(name: str, places: Sequence[str], suffixes: Sequence[str]) -> set[str]:
    """The forms of a public school's name (see :class:`PublicNameIndex`)."""
    full = normalise(name)
    pieces, rest = split_place(name, places, suffixes)
    cores = {rest}
    m = _NUMBERED.match(rest)
    if m:
        cores |= {m.group(1) + abbr for abbr in _TYPE_ABBREVIATIONS[m.group(2)]}
    m = _ATTACHED.match(rest)
    if m:
        cores.add(m.group(1) + "附" + _TYPE_ABBREVIATIONS[m.group(2)][0])
    forms = {full}
    if not pieces:
        return forms | cores
    prefixes = {
        "".join(p[0] for p in pieces),
        "".join(p[1] for p in pieces),
        pieces[-1][0],
        pieces[-1][1],
        pieces[0][0],
        pieces[0][1],
    }
    return forms | {p + c for p in prefixes for c in cores if p}


# -- the checker ---------------------------------------------------------------------------------


@dataclass
class NameChecker:
    """The word lists and settings of ``[naming]``, compiled once and applied to many names."""

    lists: tuple[WordList, ...]
    latin_scripts: tuple[str, ...]
    foreign_scripts: tuple[str, ...]
    place_suffixes: tuple[str, ...]
    name_endings: tuple[str, ...]
    division_suffixes: tuple[str, ...]
    places: frozenset[str] = frozenset()
    #: Categories whose hits a place suffix excuses (``[naming] place_suffix_categories``).
    place_suffix_categories: frozenset[str] = frozenset()

    @property
    def longest_place(self) -> int:
        return self._longest_place(self.places)

    @staticmethod
    @cache
    def _longest_place(places: frozenset[str]) -> int:
        return max((len(p) for p in places), default=0)

    @classmethod
    def from_standards(cls, extra_places: Iterable[str] = ()) -> NameChecker:
        cfg = standards.section("naming")
        return cls(
            lists=tuple(WordList.load(c) for c in cfg["wordlists"]),
            latin_scripts=tuple(cfg["latin_scripts"]),
            foreign_scripts=tuple(cfg["foreign_scripts"]),
            place_suffixes=tuple(sorted(cfg["place_suffixes"], key=len, reverse=True)),
            name_endings=tuple(sorted(cfg["name_endings"], key=len, reverse=True)),
            division_suffixes=tuple(cfg["division_suffixes"]),
            places=gazetteer() | frozenset(normalise(p) for p in extra_places if p),
            place_suffix_categories=frozenset(cfg["place_suffix_categories"]),
        )

    def check(
        self,
        name: str,
        *,
        ownership: str | None = None,
        places: Sequence[str] = (),
        public_index: PublicNameIndex | None = None,
        county: str | None = None,
    ) -> NameVerdict:
        """The verdict on one name. ``places`` are the institution's own division names (township,
        county, city): a hit inside their short forms is a place, not a claim. ``county`` (a code)
        lets a private name be compared with the place-less public names of its own county."""
        text = normalise(name)
        local = {short_place_name(p, self.division_suffixes) for p in places if p}
        local |= {normalise(p) for p in places if p}
        local = {p for p in local if len(p) >= 2}
        violations: list[Violation] = []
        seen: set[tuple[str, str]] = set()

        def add(category: str, word: str, matches: str = "") -> None:
            if (category, word) not in seen:
                seen.add((category, word))
                violations.append(Violation(category, word, matches=matches))

        for category, word in self._script_hits(text):
            add(category, word)
        for wordlist in self.lists:
            for start, end, word, only_at_end in sorted(wordlist.occurrences(text)):
                if only_at_end and not self._ends_proper_name(text, end):
                    continue
                suffix_excuses = wordlist.category in self.place_suffix_categories
                if self._excepted(text, start, end, wordlist.exceptions_for(word), local, suffix_excuses):
                    continue
                add(wordlist.category, word)
        if ownership is not None and ownership in PRIVATE_OWNERSHIPS and public_index is not None:
            for form, public in public_index.find(text, county):
                add("public_name", form, matches=public)
        return NameVerdict(name=name, ok=not violations, violations=tuple(violations))

    def _script_hits(self, text: str) -> Iterator[tuple[str, str]]:
        """Runs of letters of foreign scripts: Latin (拉丁字母) and others (外文字符)."""
        run: list[str] = []
        run_category = ""
        for ch in [*text, ""]:
            category = self._script_category(ch) if ch else ""
            if category and category == run_category:
                run.append(ch)
                continue
            if run:
                yield run_category, "".join(run)
            run, run_category = ([ch], category) if category else ([], "")

    def _script_category(self, ch: str) -> str:
        if not unicodedata.category(ch).startswith("L"):
            return ""
        script = unicodedata.name(ch, "")
        if any(script.startswith(p) for p in self.latin_scripts):
            return "latin_letters"
        if any(script.startswith(p) for p in self.foreign_scripts):
            return "foreign_script"
        return ""

    def _ends_proper_name(self, text: str, end: int) -> bool:
        rest = text[end:]
        return not rest or any(rest.startswith(e) for e in self.name_endings)

    def _excepted(
        self,
        text: str,
        start: int,
        end: int,
        exceptions: Sequence[str],
        local: set[str],
        suffix_excuses: bool = True,
    ) -> bool:
        if suffix_excuses and any(text[end:].startswith(s) for s in self.place_suffixes):
            return True
        for phrase in (*exceptions, *local):
            pos = text.find(phrase, max(0, end - len(phrase)))
            while 0 <= pos <= start:
                if pos + len(phrase) >= end:
                    return True
                pos = text.find(phrase, pos + 1)
        return self._inside_place(text, start, end)

    def _inside_place(self, text: str, start: int, end: int) -> bool:
        places = self.places
        longest = self.longest_place
        for a in range(max(0, end - longest), start + 1):
            for b in range(end, min(len(text), a + longest) + 1):
                if text[a:b] in places:
                    return True
        return False


@cache
def default_checker() -> NameChecker:
    return NameChecker.from_standards()


def check_name(
    name: str,
    ownership: str | None = None,
    *,
    public_index: PublicNameIndex | None = None,
    places: Sequence[str] = (),
) -> NameVerdict:
    """Check a (proposed) kindergarten name against the naming rules.

    ``ownership`` is ``public`` or ``private`` (or a registry ownership code). For a private name the
    registry's public schools are compared unless ``public_index`` is given; when the registry
    cannot be read, the verdict says so in ``notes`` instead of passing silently.
    """
    if ownership is not None and ownership not in (*OWNERSHIP_CHOICES, *PRIVATE_OWNERSHIPS):
        raise NameCheckError(
            f"性质应为 public 或 private,而不是 {ownership!r} / ownership must be public or private"
        )
    notes: list[str] = []
    if ownership in PRIVATE_OWNERSHIPS and public_index is None:
        public_index, note = _registry_public_index()
        if note:
            notes.append(note)
    verdict = default_checker().check(name, ownership=ownership, places=places, public_index=public_index)
    if notes:
        verdict = NameVerdict(verdict.name, verdict.ok, verdict.violations, tuple(notes))
    return verdict


def _registry_public_index() -> tuple[PublicNameIndex | None, str]:
    from django.db import DatabaseError

    from eduplan.registry.choices import Ownership
    from eduplan.registry.models import Institution

    try:
        queryset = Institution.objects.filter(ownership=Ownership.PUBLIC, closed_on__isnull=True)
        return PublicNameIndex.from_queryset(queryset), ""
    except DatabaseError:
        return None, (
            "无法读取登记册,未与公办学校名称比对 / the registry could not be read: "
            "the name was not compared with public schools' names"
        )


# -- the rule ------------------------------------------------------------------------------------


@rule(
    "KG-NAME",
    severity=Severity.MEDIUM,
    title_zh="幼儿园名称不规范(禁用词、外文、外国地名、片面特色、宗教色彩、民办园冒用公办学校名称)",
    title_en="Non-compliant kindergarten names (banned, foreign, one-sided, religious words; "
    "a private kindergarten using a public school's name)",
    params=(
        "naming.wordlists",
        "naming.place_suffixes",
        "naming.name_endings",
        "naming.public_name_min_chars",
    ),
)
def kindergarten_names(ctx: RuleContext) -> Iterator[RuleFinding]:
    """Every open kindergarten's name, one finding per offending word (rename and
    re-issue the licence). Private names are compared with the public schools in scope."""
    from eduplan.registry.choices import InstitutionKind, Ownership
    from eduplan.registry.models import Division

    kindergartens = ctx.open_institutions().filter(kind=InstitutionKind.KINDERGARTEN)
    rows = list(
        kindergartens.values(*INSTITUTION_FIELDS, "ownership", "division__name", "county__city__name")
    )
    if not rows:
        return
    places = ctx.records(Division).values_list("name", flat=True)
    checker = NameChecker.from_standards(extra_places=places)
    index = None
    if any(r["ownership"] in PRIVATE_OWNERSHIPS for r in rows):
        index = PublicNameIndex.from_queryset(ctx.open_institutions().filter(ownership=Ownership.PUBLIC))
    for row in rows:
        own_places = [p for p in (row["division__name"], row["county__name"], row["county__city__name"]) if p]
        verdict = checker.check(
            row["name"], ownership=row["ownership"], places=own_places, public_index=index
        )
        for v in verdict.violations:
            yield _finding(ctx, row, v)


def _finding(ctx: RuleContext, row: Mapping[str, Any], v: Violation) -> RuleFinding:
    if v.category == "public_name":
        zh = (
            f"民办园名称“{row['name']}”使用公办学校“{v.matches}”的名称或简称“{v.word}”,须更名并换发办学许可证"
        )
        en = (
            f"the private kindergarten's name uses “{v.word}”, the name or abbreviation of the public "
            f"school “{v.matches}”: rename it and re-issue the licence"
        )
    else:
        zh = f"园名“{row['name']}”含{v.label_zh}“{v.word}”,须更名并换发办学许可证"
        en = (
            f"the name contains the {v.label_en} “{v.word}”: rename the kindergarten and re-issue the licence"
        )
    return ctx.at_institution(
        row,
        message_zh=zh,
        message_en=en,
        measured=v.word,
        required=f"名称不得含{v.label_zh} / no {v.label_en}",
        subject=f"{v.label_zh}:{v.word}",
        details=v.as_dict(),
    )
