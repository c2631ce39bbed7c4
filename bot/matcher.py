"""Matches a resident's question to a knowledge entry: answer, suggest, or hand off.

Each phrasing of an entry (question, alternates, keywords) is reduced to stems. A question is
scored against every phrasing that shares a stem with it, allowing typos through rapidfuzz
similarity between stems. The score weighs words by how rare they are across entries (IDF), so
"klaster", which every entry mentions, counts less than "facebook". Words the knowledge base
has never seen count fully against the match: they usually mean the question is about
something else.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from bot.knowledge import Entry, KnowledgeBase
from bot.language import (
    ACKNOWLEDGING_SYMBOLS,
    detect_language,
    is_foreign_thanks,
    looks_like_gibberish,
    visible_symbols,
)
from bot.normalize import Normalizer
from bot.polish import fold

Status = Literal["answer", "suggest", "handoff"]

MAX_QUERY_CHARS = 1000  # a resident's long story is matched on its beginning
MAX_QUERY_TOKENS = 40
MAX_SUGGESTIONS = 3
FUZZY_MIN_LENGTH = 4  # shorter stems must match exactly: "kosz" is not "koszt"
FUZZY_CUTOFF = 80.0
FUZZY_LIMIT = 5
# F-beta below 1 leans on precision: one word of a question ("godzina") covering it all is
# weak evidence unless that word is most of the phrasing too.
F_BETA = 0.7
MIN_KNOWN_SHARE = 0.55
RESPELLED_SIMILARITY = 0.9  # "dołonczyć" typed for "dołączyć"
IDF_FLOOR = 1.0  # keeps common words like "klaster" from weighing nothing
SMALLTALK_EASING = 20.0
SMALLTALK_KNOWN_SHARE = 0.5  # small talk is answered this far below the answer threshold
UNKNOWN_WORD_WEIGHT = 1.0  # of the weight of the rarest known word
SIMILARITY_CACHE_SIZE = 4096
# Small-talk entries the matcher picks itself for messages that are not questions.
ACKNOWLEDGEMENT_ID = "rozmowa.potwierdzenie"
NOT_UNDERSTOOD_ID = "rozmowa.niezrozumiale"
THANKS_ID = "rozmowa.podziekowanie"
GIBBERISH_MAX_WORDS = 2


@dataclass(frozen=True)
class Thresholds:
    """Score limits (0-100). Defaults are tuned on tests/data/dev.yaml and holdout.yaml."""

    answer: float = 70.0
    margin: float = 3.0
    suggest: float = 40.0
    candidate_floor: float = 25.0  # below this an entry is not even shown to the coordinator


@dataclass(frozen=True)
class _Ranked:
    score: float
    entry: int  # index into the knowledge's entries
    known: float  # share (0-1) of the question's weight the entry's vocabulary covers


@dataclass(frozen=True)
class Suggestion:
    entry: Entry
    score: float


@dataclass(frozen=True)
class MatchResult:
    query: str
    status: Status
    entry: Entry | None
    score: float
    suggestions: tuple[Suggestion, ...]
    # "en", "uk", "ru" or "de" for a message in that language (handed off, or answered when it
    # is thanks); None for Polish.
    language: str | None = None


class Matcher:
    """Precomputes an index of the knowledge base; `match` is then cheap per question."""

    def __init__(self, knowledge: KnowledgeBase, thresholds: Thresholds | None = None) -> None:
        self.knowledge = knowledge
        self.thresholds = thresholds or Thresholds()
        self.normalizer = Normalizer(knowledge.synonyms)
        self._entries = knowledge.entries
        self._phrasing_entry: list[int] = []
        self._phrasing_tokens: list[tuple[str, ...]] = []
        entry_tokens: list[set[str]] = []
        for index, entry in enumerate(self._entries):
            seen: set[str] = set()
            distinct: set[frozenset[str]] = set()  # phrasings that normalize alike score alike
            for text in entry.phrasings:
                # Greetings and "ok" in a question's phrasing are noise; in small talk, the point.
                tokens = tuple(dict.fromkeys(self.normalizer.tokens(
                    text, drop_courtesy=not entry.is_smalltalk)))
                if tokens and frozenset(tokens) not in distinct:
                    distinct.add(frozenset(tokens))
                    self._phrasing_entry.append(index)
                    self._phrasing_tokens.append(tokens)
                    seen.update(tokens)
            entry_tokens.append(seen)
        self._entry_tokens = [frozenset(tokens) for tokens in entry_tokens]

        document_frequency = Counter(t for tokens in entry_tokens for t in tokens)
        total = max(len(self._entries), 1)
        self._idf = {t: math.log(1 + total / df) + IDF_FLOOR
                     for t, df in document_frequency.items()}
        self._unknown_weight = (math.log(1 + total) + IDF_FLOOR) * UNKNOWN_WORD_WEIGHT

        # fuzz.ratio >= 80 needs the shorter stem to be at least 2/3 of the longer one, so a
        # word is only compared with stems of a compatible length.
        self._stems_by_length: dict[int, list[str]] = defaultdict(list)
        for stem in sorted(self._idf):
            if len(stem) >= FUZZY_MIN_LENGTH:
                self._stems_by_length[len(stem)].append(stem)
        self._postings: dict[str, list[int]] = defaultdict(list)
        for index, tokens in enumerate(self._phrasing_tokens):
            for token in tokens:
                self._postings[token].append(index)
        self._phrasing_weight = [sum(self._idf[t] for t in tokens)
                                 for tokens in self._phrasing_tokens]
        self._similar_cache: dict[str, dict[str, float]] = {}
        self._by_id = {entry.id: index for index, entry in enumerate(self._entries)}

    def match(self, text: str) -> MatchResult:
        if not text.strip():
            return MatchResult(text, "handoff", None, 0.0, ())
        language = detect_language(text[:MAX_QUERY_CHARS])
        if language is not None:
            # The coordinator answers in any language; the helpline itself only in Polish.
            thanks = self._smalltalk(text, THANKS_ID) if is_foreign_thanks(text) else None
            if thanks is not None:
                return MatchResult(**{**thanks.__dict__, "language": language})
            return MatchResult(text, "handoff", None, 0.0, (), language)
        full, content = self.normalizer.readings(text[:MAX_QUERY_CHARS])
        tokens = _distinct(full)
        if not tokens:
            return self._not_a_question(text) or MatchResult(text, "handoff", None, 0.0, ())
        ranked = self._rank(tokens)
        # "dzień dobry, jak dołączyć?" is about joining; "dzięki wielkie" is thanks: try both.
        if content is not None and (content_tokens := _distinct(content)) != tokens:
            without_courtesy = self._rank(content_tokens)
            if without_courtesy and (not ranked or without_courtesy[0].score > ranked[0].score):
                ranked = without_courtesy
        result = self._decide(text, ranked)
        if result.status == "handoff" and _is_gibberish(text, tokens, self._idf):
            return self._smalltalk(text, NOT_UNDERSTOOD_ID) or result
        return result

    def _not_a_question(self, text: str) -> MatchResult | None:
        """"👍", "???", "a w i z", a zero-width space: nothing to match, but a reply is due."""
        symbols = visible_symbols(text)
        if symbols and not fold(text) and set(symbols) <= ACKNOWLEDGING_SYMBOLS:
            return self._smalltalk(text, ACKNOWLEDGEMENT_ID)
        return self._smalltalk(text, NOT_UNDERSTOOD_ID)

    def _smalltalk(self, text: str, entry_id: str) -> MatchResult | None:
        index = self._by_id.get(entry_id)
        if index is None:  # a knowledge base without this small talk hands such messages off
            return None
        return MatchResult(text, "answer", self._entries[index], 100.0, ())

    def _rank(self, tokens: list[str]) -> list[_Ranked]:
        """(score, entry index) for every entry sharing a word with the question, best first."""
        similar = [self._similar(t) for t in tokens]
        weights = [self._query_weight(t, s) for t, s in zip(tokens, similar, strict=True)]
        query_weight = sum(weights)
        # Known stem -> (question word position, similarity): each phrasing then costs
        # one lookup per word it has.
        hits: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for position, matches in enumerate(similar):
            for token, value in matches.items():
                hits[token].append((position, value))
        candidates: set[int] = set()
        for token in hits:
            candidates.update(self._postings[token])

        best: dict[int, float] = {}
        idf = self._idf
        for index in candidates:  # the hot loop: plain comparisons, no builtins
            found: dict[int, float] = {}
            covered = 0.0
            for token in self._phrasing_tokens[index]:
                token_hits = hits.get(token)
                if token_hits is None:
                    continue
                top = 0.0
                for position, value in token_hits:
                    if value > top:
                        top = value
                    if value > found.get(position, 0.0):
                        found[position] = value
                covered += idf[token] * top
            recall = sum(weights[p] * v for p, v in found.items()) / query_weight
            score = 100.0 * _f_measure(covered / self._phrasing_weight[index], recall)
            entry = self._phrasing_entry[index]
            if score > best.get(entry, 0.0):
                best[entry] = score
        # How much of the question the entry's vocabulary knows, over all its phrasings. Words
        # spread over several phrasings still point to the entry, but only lift it halfway:
        # entries sharing common words must not all tie.
        ranked: list[_Ranked] = []
        for entry, phrasing_score in best.items():
            found = [0.0] * len(tokens)
            for token in hits.keys() & self._entry_tokens[entry]:
                for position, value in hits[token]:
                    found[position] = max(found[position], value)
            known = sum(w * f for w, f in zip(weights, found, strict=True)) / query_weight
            score = phrasing_score
            if sum(1 for f in found if f > 0) >= 2:
                score = max(phrasing_score, (phrasing_score + 100.0 * known) / 2)
            ranked.append(_Ranked(score, entry, known))
        ranked.sort(key=lambda r: (-r.score, r.entry))
        return ranked

    def _decide(self, text: str, ranked: list[_Ranked]) -> MatchResult:
        limits = self.thresholds
        if not ranked:
            return MatchResult(text, "handoff", None, 0.0, ())
        top = ranked[0]
        entry = self._entries[top.entry]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        score = round(top.score, 1)
        clear_lead = top.score - runner_up >= limits.margin
        if entry.is_smalltalk:
            # Small talk never goes to the coordinator: a plausible greeting is just answered,
            # an extra word and all ("cześć bot").
            sure = (top.score >= limits.answer - SMALLTALK_EASING and clear_lead
                    and top.known >= SMALLTALK_KNOWN_SHARE)
        else:
            # Words the knowledge has never seen usually mean the question is about something
            # else ("przepis na pierogi" is not about regulations): then only suggest.
            sure = (top.score >= limits.answer and clear_lead
                    and top.known >= MIN_KNOWN_SHARE)
        if sure:
            # "ok" or "dzięki" needs no "see also".
            others = () if entry.is_smalltalk else self._suggestions(ranked[1:], limits.suggest)
            return MatchResult(text, "answer", entry, score, others)
        if top.score >= limits.suggest:
            choices = self._suggestions(ranked, limits.suggest)
            if choices:
                return MatchResult(text, "suggest", None, score, choices)
            if entry.is_smalltalk and top.known >= SMALLTALK_KNOWN_SHARE:
                return MatchResult(text, "answer", entry, score, ())
        return MatchResult(text, "handoff", None, score,
                           self._suggestions(ranked, limits.candidate_floor))

    def _suggestions(self, ranked: list[_Ranked], floor: float) -> tuple[Suggestion, ...]:
        # Small talk is answered when it is clearly meant, never offered as a "did you mean".
        picked = [Suggestion(self._entries[r.entry], round(r.score, 1)) for r in ranked
                  if r.score >= floor and not self._entries[r.entry].is_smalltalk]
        return tuple(picked[:MAX_SUGGESTIONS])

    def _similar(self, token: str) -> dict[str, float]:
        """Known stems close to `token`, with a similarity of 0-1 (1 for the same stem)."""
        cached = self._similar_cache.get(token)
        if cached is not None:
            return cached
        found: dict[str, float] = {}
        known = token in self._idf
        if len(token) >= FUZZY_MIN_LENGTH:
            length = len(token)
            nearby = [stem for size in range(math.ceil(length * 2 / 3), length * 3 // 2 + 1)
                      for stem in self._stems_by_length.get(size, ())]
            for choice, value, _ in process.extract(
                token, nearby, scorer=fuzz.ratio,
                score_cutoff=FUZZY_CUTOFF, limit=FUZZY_LIMIT,
            ):
                # A word the knowledge uses is taken as written: it is only bridged to other
                # forms of itself ("spotk"/"spotkan"), not to look-alikes ("spoldzieln" is
                # not "spoldzielc"). Unknown words may be typos of anything close.
                if known and not (choice.startswith(token) or token.startswith(choice)):
                    continue
                found[choice] = (value / 100.0) ** 2  # a near miss is weaker evidence
        if known:
            found[token] = 1.0
        else:
            for respelled in self.normalizer.respellings(token):
                if respelled in self._idf:
                    found[respelled] = max(found.get(respelled, 0.0), RESPELLED_SIMILARITY)
        if len(self._similar_cache) >= SIMILARITY_CACHE_SIZE:
            self._similar_cache.clear()
        self._similar_cache[token] = found
        return found

    def _query_weight(self, token: str, similar: dict[str, float]) -> float:
        if token in self._idf:
            return self._idf[token]
        if similar:
            return self._idf[max(similar, key=similar.__getitem__)]
        return self._unknown_weight


def _is_gibberish(text: str, tokens: list[str], known: dict[str, float]) -> bool:
    words = fold(text).split()
    return (0 < len(words) <= GIBBERISH_MAX_WORDS and not any(t in known for t in tokens)
            and all(looks_like_gibberish(w) for w in words))


def _distinct(tokens: list[str]) -> list[str]:
    return list(dict.fromkeys(tokens))[:MAX_QUERY_TOKENS]


def _f_measure(precision: float, recall: float) -> float:
    if precision <= 0 or recall <= 0:
        return 0.0
    beta2 = F_BETA * F_BETA
    return (1 + beta2) * precision * recall / (beta2 * precision + recall)
