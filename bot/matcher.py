"""Matches a resident's question to a knowledge entry: answer, suggest, or hand off.

Each phrasing of an entry (question, alternates, keywords) is reduced to stems. A question is
scored against every phrasing that shares a stem with it, allowing typos through rapidfuzz
similarity between stems and spellings by ear through a sound key. The score weighs words by
how rare they are across entries (IDF), so "klaster", which every entry mentions, counts less
than "facebook". Words the knowledge base has never seen count against the match: in a short
question they usually mean it is about something else; in a long story they are the story,
so their total weight is capped, and each sentence of the story is also scored on its own.
Among close candidates, the form of the question ("ile kosztuje", "kto może", "jak", "po co")
decides, learnt from how each entry's phrasings are asked.
"""

from __future__ import annotations

import copy
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal, NamedTuple

import numpy as np

from bot.char_grams import CharGrams
from bot.classifier import UNSEEN, classifier_for
from bot.decision import confidence, signals
from bot.greeting import declares_greeting, only_greets
from bot.knowledge import Entry, KnowledgeBase
from bot.language import (
    ACKNOWLEDGING_SYMBOLS,
    detect_language,
    is_foreign_thanks,
    looks_like_gibberish,
    visible_symbols,
)
from bot.normalize import normalizer_for
from bot.polish import fold
from bot.question_form import FORMS, question_forms
from bot.ranking import probabilities
from bot.spelling import Spelling
from bot.typicality import Typicality

Status = Literal["answer", "suggest", "handoff"]

MAX_QUERY_CHARS = 1000  # a resident's long story is matched on its beginning
MAX_QUERY_TOKENS = 40
MAX_SUGGESTIONS = 3
# F-beta below 1 leans on precision: one word of a question ("godzina") covering it all is
# weak evidence unless that word is most of the phrasing too.
F_BETA = 0.7
IDF_FLOOR = 1.0  # keeps common words like "klaster" from weighing nothing
SMALLTALK_ANSWER = 50.0  # small talk's own bar on its probability (moves with `answer`)
# The help text is offered as a "did you mean" when less sure: "potrzebuję pomocy z PESEL" or
# "nie widzę opcji w menu" is about something else more often than about the bot.
HELP_ANSWER = 60.0
UNKNOWN_WORD_WEIGHT = 1.0  # of the weight of the rarest known word
# Unknown words beyond this many share the weight of this many: a story's words
# ("lodówka", "rozmrozi", "Janów") must not outweigh its question.
UNKNOWN_WORDS_AT_FULL_WEIGHT = 2
# Long messages: each sentence is scored on its own too.
_SENTENCE_END = re.compile(r"[.!?;:\n…]+|,\s+(?=(?:a|ale|i|wiec|tylko|czy|jak|gdzie|kiedy|ile|"
                           r"kto|co|prosze|bo)\b)", re.IGNORECASE)
MIN_SPLIT_TOKENS = 5
MAX_SENTENCES = 8
MAX_CANDIDATES = 12  # entries compared per question, best lexical evidence first
CLASSIFIER_CANDIDATES = 3  # and the classifier's best, when the words alone missed them
LENGTH_CAP = 30  # meaningful words; a message's length counts up to this
LONG_TOKENS = 12  # a message this long (in meaningful words) is a story around a question
# Small-talk entries the matcher picks itself for messages that are not questions.
ACKNOWLEDGEMENT_ID = "rozmowa.potwierdzenie"
NOT_UNDERSTOOD_ID = "rozmowa.niezrozumiale"
GREETING_ID = "rozmowa.powitanie"
THANKS_ID = "rozmowa.podziekowanie"
HELP_ID = "rozmowa.pomoc"
# "ok", "👍", "???", "asdf": the bot's reply to these is small talk that answers nothing.
NOT_A_QUESTION = frozenset({ACKNOWLEDGEMENT_ID, NOT_UNDERSTOOD_ID})
# Topics the helpline knows it does not answer (another kind of cooperative, opening hours of
# offices, recommending installers): recognised so that no other entry answers them instead.
OUT_OF_SCOPE_CATEGORY = "poza"
GIBBERISH_MAX_WORDS = 2
# A one-word message ("spotkania", "członkostwo") names a topic rather than asks a question:
# unless one entry is this sure, the bot offers that topic's entries instead of guessing one.
TOPIC_WORD_SURE = 95.0


@dataclass(frozen=True)
class Thresholds:
    """Limits (0-100). `answer` applies to the decision's confidence that the top entry is
    right (bot/decision.py); `margin`, `suggest`, `see_also` and `candidate_floor` to the
    entries' probabilities (bot/ranking.py). Defaults are chosen by cross-validation on
    tests/data/*.yaml (README, "How matching works")."""

    answer: float = 65.0
    margin: float = 20.0  # near-ties (siblings, usually) are offered together
    suggest: float = 10.0
    # A direct answer also offers the entries at least this likely ("see also"): a sibling
    # that may be what was meant is one tap away. Out-of-writer on blind_tune4-6, 1 rather
    # than 2 puts the right entry within reach for 0.1 points more questions (2 rather than
    # 3: 0.2, 3 rather than 10: half a point), with a button under 16% of answers (10% at
    # 2, 7% at 3, 2% at 10); what lies at 1-2% is mostly the answer's sibling.
    see_also: float = 1.0
    candidate_floor: float = 2.0  # below this an entry is not even shown to the coordinator


class _Ranked(NamedTuple):  # a tuple: a long story makes hundreds of them per message
    score: float
    entry: int  # index into the knowledge's entries
    known: float  # share (0-1) of the question's weight the entry's vocabulary covers
    phrasing: float = 0.0  # the best single phrasing's score, before the entry-wide lift
    # mean score of the entry's best three phrasings: several fitting beat a lone fit
    support: float = 0.0


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
        self.normalizer = normalizer_for(knowledge.synonyms)
        self._by_id = {entry.id: index for index, entry in enumerate(self._entries)}
        phrasing_entry: list[int] = []
        phrasing_tokens: list[tuple[str, ...]] = []
        entry_tokens: list[set[str]] = []
        form_counts: list[Counter[str]] = []
        # Every phrasing's stems, folded text and entry, for the classifier.
        classified: list[tuple[tuple[str, ...], str, int]] = []
        for index, entry in enumerate(self._entries):
            seen: set[str] = set()
            forms: Counter[str] = Counter()
            distinct: set[frozenset[str]] = set()  # phrasings that normalize alike score alike
            for text in entry.phrasings:
                # Greetings and "ok" in a question's phrasing are noise; in small talk, the point.
                tokens = tuple(dict.fromkeys(self.normalizer.phrasing_tokens(
                    text, drop_courtesy=not entry.is_smalltalk)))
                folded_text = fold(text)
                forms.update(question_forms(folded_text))
                classified.append((tokens, folded_text, index))
                if tokens and frozenset(tokens) not in distinct:
                    distinct.add(frozenset(tokens))
                    phrasing_entry.append(index)
                    phrasing_tokens.append(tokens)
                    seen.update(tokens)
            entry_tokens.append(seen)
            form_counts.append(forms)
        self._entry_tokens = [frozenset(tokens) for tokens in entry_tokens]
        # First: when the classifier must train, it does so while the rest is built.
        stems, folded, labels = zip(*classified, strict=True) if classified else ((), (), ())
        self._classifier = classifier_for(stems, folded, labels, len(self._entries))
        # How often each entry is asked in each form (0-1).
        self._form_share = [
            {form: counts[form] / max(len(entry.phrasings), 1) for form in FORMS}
            for entry, counts in zip(self._entries, form_counts, strict=True)
        ]

        document_frequency = Counter(t for tokens in entry_tokens for t in tokens)
        total = max(len(self._entries), 1)
        self._idf = {t: math.log(1 + total / df) + IDF_FLOOR
                     for t, df in document_frequency.items()}
        self._unknown_weight = (math.log(1 + total) + IDF_FLOOR) * UNKNOWN_WORD_WEIGHT

        self._spelling = Spelling(self._idf.keys(), self.normalizer.aliases(),
                                  self.normalizer.respellings)
        self._similar = self._spelling.similar
        postings: dict[str, list[int]] = defaultdict(list)
        for index, tokens in enumerate(phrasing_tokens):
            for token in tokens:
                postings[token].append(index)
        self._postings = {token: np.array(found, dtype=np.intp)
                          for token, found in postings.items()}
        self._phrasing_entries = np.array(phrasing_entry, dtype=np.intp)
        self._stem_entries = {token: np.unique(self._phrasing_entries[found])
                              for token, found in self._postings.items()}
        self._phrasing_weight = np.array([sum(self._idf[t] for t in tokens)
                                          for tokens in phrasing_tokens])
        self._typicality = Typicality(
            zip(phrasing_entry, phrasing_tokens, strict=True), len(self._entries))
        self._char_grams = CharGrams(entry.phrasings for entry in self._entries)
        # Words only the known out-of-scope topics use ("regon", "instalator"): one of them
        # in a message says it is probably about something the helpline does not answer.
        in_scope_words = set().union(*(tokens for entry, tokens
                                       in zip(self._entries, entry_tokens, strict=True)
                                       if entry.category != OUT_OF_SCOPE_CATEGORY))
        self._out_of_scope_words = frozenset(
            token for entry, tokens in zip(self._entries, entry_tokens, strict=True)
            if entry.category == OUT_OF_SCOPE_CATEGORY for token in tokens
            if token not in in_scope_words)
        self._max_idf = math.log(1 + total) + IDF_FLOOR
        self._classifier.wait()

    @property
    def _entries(self) -> tuple[Entry, ...]:
        return self.knowledge.entries

    def match(self, text: str) -> MatchResult:
        if not text.strip():
            return MatchResult(text, "handoff", None, 0.0, ())
        text_part = text[:MAX_QUERY_CHARS]
        language = detect_language(text_part)
        if language is not None:
            # The coordinator answers in any language; the helpline itself only in Polish.
            thanks = self._smalltalk(text, THANKS_ID) if is_foreign_thanks(text) else None
            if thanks is not None:
                return replace(thanks, language=language)
            return MatchResult(text, "handoff", None, 0.0, (), language)
        full, content = self.normalizer.readings(text_part)
        tokens = _distinct(full)
        if not tokens:
            return self._not_a_question(text) or MatchResult(text, "handoff", None, 0.0, ())
        candidates, rows, question = self.features(text_part, tokens, content)
        return self.decide(text, tokens, candidates, rows, question)

    def decide(self, text: str, tokens: list[str], candidates: list[int],
               rows: list[list[float]], question: list[float]) -> MatchResult:
        """A message's result from its `features`: the ranker's decision, then the small
        talk that overrides it (keyboard mashing, a greeting). `bench/cv_study.py` calls it
        with features computed once."""
        result = self._decide(text, candidates, rows, question, topic_word=len(tokens) == 1)
        if result.status == "handoff" and _is_gibberish(text, tokens, self._idf):
            return self._smalltalk(text, NOT_UNDERSTOOD_ID) or result
        text_part = text[:MAX_QUERY_CHARS]
        folded = fold(text_part)
        # A greeting that says so is answered as one even when its introduction ("testuję
        # czat przed artykułem o klastrze") looks like a question about something.
        # The help text barely ahead of the greeting is no reason to skip the greeting.
        greeting_may_win = (result.status != "answer"
                            or bool(result.entry and result.entry.id == HELP_ID))
        if declares_greeting(text_part, folded) or (greeting_may_win
                                                    and only_greets(text_part, folded)):
            return self._smalltalk(text, GREETING_ID) or result
        return result

    def features(self, text: str, tokens: list[str], content: list[str] | None
                 ) -> tuple[list[int], list[list[float]], list[float]]:
        """The candidate entries, each one's evidence (ranking.ENTRY_FEATURES) and the
        question's own (ranking.QUESTION_FEATURES)."""
        # "dzień dobry, jak dołączyć?" is about joining; "dzięki wielkie" is thanks: try both.
        # A long story is read without its courtesies only: it is not small talk.
        readings = [tokens]
        if content is not None and (content_tokens := _distinct(content)) != tokens:
            readings = ([content_tokens] if len(tokens) >= LONG_TOKENS
                        else [tokens, content_tokens])
        whole = _best_per_entry(self._rank(reading) for reading in readings)
        # In a long message the question is often one sentence ("…gdzie mam dzwonić?").
        sentences = _best_per_entry(self._rank(s) for s in self._sentences(text))
        shortlist = sorted(whole.keys() | sentences.keys(),
                           key=lambda e: -max(whole[e].score if e in whole else 0.0,
                                              sentences[e].score if e in sentences else 0.0))
        # Each word at its closest known stem (None for a word the knowledge does not know).
        closest = [self._closest(token) for token in tokens]
        evidence = [found for found in closest if found is not None]
        # Unknown words go to the classifier as they are: they lengthen the message's vector
        # without pointing anywhere.
        margins = self._classifier.margins(
            [found[0] if found else token for token, found in zip(tokens, closest, strict=True)],
            fold(text))
        by_margin = np.argsort(-margins)
        # The classifier's favourites are compared too, whatever their words' overlap.
        shortlist = shortlist[:MAX_CANDIDATES]
        shortlist += [e for e in by_margin[:CLASSIFIER_CANDIDATES].tolist()
                      if e not in shortlist and margins[e] > UNSEEN]
        asking = _asking_part(text)
        forms = question_forms(fold(asking))
        fit = {e: max((self._form_share[e][f] for f in forms), default=0.0) for e in shortlist}
        best_fit = max(fit.values(), default=0.0)
        long = 1.0 if len(tokens) >= LONG_TOKENS else 0.0
        typical, lift = self._typicality.posteriors(evidence, shortlist, len(tokens))
        chars = self._char_grams.similarities(text, shortlist)
        asked = self._char_grams.similarities(asking, shortlist) if asking != text else chars
        missed = self._missed(evidence, shortlist)
        nothing = _Ranked(0.0, -1, 0.0, 0.0)
        best_margin = float(margins[by_margin[0]]) if len(margins) else 0.0
        second_margin = (float(margins[by_margin[1]]) if len(margins) > 1
                         else best_margin - 1.0)
        rows = []
        for entry in shortlist:
            margin = float(margins[entry])
            rival = second_margin if margin >= best_margin else best_margin
            whole_e = whole.get(entry, nothing)
            part = sentences.get(entry, whole_e)
            lifted, sentence = whole_e.score / 100.0, max(part.score, whole_e.score) / 100.0
            rows.append([
                lifted, whole_e.phrasing / 100.0, whole_e.known, sentence, fit[entry],
                1.0 if best_fit > 0 and fit[entry] == best_fit else 0.0,
                long * lifted, long * sentence, long * whole_e.known,
                1.0 if self._entries[entry].is_smalltalk else 0.0, typical[entry],
                long * typical[entry], chars[entry], max(chars[entry], asked[entry]),
                missed[entry], long * missed[entry], whole_e.support / 100.0,
                margin, margin - rival,
            ])
        unknown = closest.count(None)
        top_lifted = max((r[0] for r in rows), default=0.0)
        top_known = max((r[2] for r in rows), default=0.0)
        top_phrasing = max((r[1] for r in rows), default=0.0)
        out_of_scope = max((value for stem, value in evidence
                            if stem in self._out_of_scope_words), default=0.0)
        return shortlist, rows, [1.0, long, unknown / len(tokens), top_lifted, top_known,
                                 min(unknown, 3) / 3, top_phrasing, 1.0 if forms else 0.0,
                                 lift, out_of_scope, min(len(tokens), LENGTH_CAP) / LENGTH_CAP,
                                 best_margin]

    def _closest(self, token: str) -> tuple[str, float] | None:
        """The known stem closest to a word, with its similarity (0-1)."""
        similar = self._similar(token)
        if not similar:
            return None
        stem = max(similar, key=similar.__getitem__)
        return stem, similar[stem]

    def _missed(self, evidence: list[tuple[str, float]], entries: list[int]
                ) -> dict[int, float]:
        """For each entry, the rarest word of the message (0-1, by IDF) that the knowledge
        knows but the entry's phrasings never use: "REGON" or "telefon" next to the name of
        another cluster says the question is about something else."""
        found = {}
        for entry in entries:
            vocabulary = self._entry_tokens[entry]
            found[entry] = max((self._idf[stem] * value for stem, value in evidence
                                if stem not in vocabulary), default=0.0) / self._max_idf
        return found

    def _sentences(self, text: str) -> list[list[str]]:
        """Token lists of a long message's sentences."""
        parts = [p for p in _SENTENCE_END.split(text) if p and p.strip()]
        if len(parts) < 2:
            return []
        sentences = []
        for part in parts[:MAX_SENTENCES]:
            full, content = self.normalizer.readings(part)
            sentences.append(_distinct(content if content is not None else full))
        if sum(len(s) for s in sentences) < MIN_SPLIT_TOKENS:
            return []
        return [s for s in sentences if s]

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
        unknown = sum(1 for s in similar if not s)
        if unknown > UNKNOWN_WORDS_AT_FULL_WEIGHT:
            share = UNKNOWN_WORDS_AT_FULL_WEIGHT / unknown
            weights = [w * share if not s else w for w, s in zip(weights, similar, strict=True)]
        query_weight = sum(weights)
        # Known stem -> (question word position, similarity): each phrasing then costs
        # one lookup per word it has.
        hits: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for position, matches in enumerate(similar):
            for token, value in matches.items():
                hits[token].append((position, value))

        # Sums per phrasing as arrays: a common stem ("klastr") reaches most phrasings, and
        # adding over its postings in numpy keeps a long story's cost flat.
        idf, postings = self._idf, self._postings
        size = len(self._phrasing_entries)
        covered = _summed([(postings[token], idf[token] * max(v for _, v in found))
                           for token, found in hits.items()], size)
        # A question word counts once per phrasing, at its best matching stem: words of one
        # known stem are summed at once, the others take their best stem per phrasing.
        recalled = _summed([(postings[token], weights[position] * value)
                            for position, matches in enumerate(similar) if len(matches) == 1
                            for token, value in matches.items()], size)
        for position, matches in enumerate(similar):
            if len(matches) < 2:
                continue  # done above, or a word the knowledge does not know
            scale = weights[position]
            strongest = np.zeros(size)
            for token, value in matches.items():
                index = postings[token]  # no repeats within one posting
                strongest[index] = np.maximum(strongest[index], scale * value)
            recalled += strongest
        touched = np.flatnonzero(covered)
        if not len(touched):
            return []
        precision = covered[touched] / self._phrasing_weight[touched]
        recall = recalled[touched] / query_weight
        beta2 = F_BETA * F_BETA
        scores = 100.0 * (1 + beta2) * precision * recall / (beta2 * precision + recall)
        # Per entry, its best three phrasing scores, best first.
        entries = self._phrasing_entries[touched]
        # Entry, then score from the highest: one float key sorts faster than lexsort.
        order = np.argsort(entries * 1000.0 + (100.0 - scores))
        entries, scores = entries[order], scores[order]
        starts = np.flatnonzero(np.r_[True, entries[1:] != entries[:-1]])
        present = entries[starts]  # each entry once, in index order
        group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(entries)]))
        rank = np.arange(len(entries)) - starts[group]
        keep = rank < 3
        best = np.zeros((len(present), 3))  # each present entry's best three, 0 where fewer
        best[group[keep], rank[keep]] = scores[keep]
        # How much of the question the entry's vocabulary knows, over all its phrasings. Words
        # spread over several phrasings still point to the entry, but only lift it halfway:
        # entries sharing common words must not all tie.
        found = np.zeros((len(self._entries), len(tokens)))  # entry x question word
        cells = [(self._stem_entries[token], position, value)
                 for token, matches in hits.items() for position, value in matches]
        if cells:
            counts = [len(rows) for rows, _, _ in cells]
            np.maximum.at(found, (np.concatenate([rows for rows, _, _ in cells]),
                                  np.repeat([position for _, position, _ in cells], counts)),
                          np.repeat([value for _, _, value in cells], counts))
        known_share = (found @ np.array(weights) / query_weight)[present]
        words_found = np.count_nonzero(found, axis=1)[present]
        phrasing_scores = best[:, 0]
        lifted = np.maximum(phrasing_scores, (phrasing_scores + 100.0 * known_share) / 2)
        final = np.where(words_found >= 2, lifted, phrasing_scores)
        support = (best[:, 0] + best[:, 1] + best[:, 2]) / 3
        ranked = list(map(_Ranked, final.tolist(), present.tolist(), known_share.tolist(),
                          phrasing_scores.tolist(), support.tolist()))
        ranked.sort(key=lambda r: (-r.score, r.entry))
        return ranked

    def _decide(self, text: str, candidates: list[int], rows: list[list[float]],
                question: list[float], topic_word: bool = False) -> MatchResult:
        if not candidates:
            return MatchResult(text, "handoff", None, 0.0, ())
        limits = self.thresholds
        chances, none = probabilities(rows, question)
        order = sorted(range(len(candidates)), key=lambda i: (-chances[i], candidates[i]))
        ranked = [(candidates[i], chances[i]) for i in order]
        entry = self._entries[ranked[0][0]]
        top = 100.0 * ranked[0][1]
        if entry.category == OUT_OF_SCOPE_CATEGORY:
            return MatchResult(text, "handoff", None, round(top, 1),
                               self._suggestions(ranked, limits.candidate_floor))
        runner_up = 100.0 * ranked[1][1] if len(ranked) > 1 else 0.0
        score = round(top, 1)
        if entry.is_smalltalk:
            # Small talk never goes to the coordinator: a plausible greeting is just answered,
            # an extra word and all ("cześć bot").
            own_bar = HELP_ANSWER if entry.id == HELP_ID else SMALLTALK_ANSWER
            bar = own_bar + limits.answer - Thresholds.answer
            sure = top >= bar and top - runner_up >= limits.margin
        else:
            # Learnt from how often the ranker's top entry was right on questions it had not
            # seen: long stories, leads far ahead, half-explained messages (bot/decision.py).
            inputs = signals(ranked[0][1], ranked[1][1] if len(ranked) > 1 else 0.0, none,
                             rows[order[0]], question)
            sure = (100.0 * confidence(inputs) >= limits.answer
                    and top - runner_up >= limits.margin)
        if sure and topic_word and not entry.is_smalltalk and top < TOPIC_WORD_SURE:
            topic = [(e, p) for e, p in ranked if self._entries[e].category == entry.category]
            choices = self._suggestions(topic, 0.0)
            if len(choices) > 1:
                return MatchResult(text, "suggest", None, score, choices)
        if sure:
            # "ok" or "dzięki" needs no "see also".
            others = () if entry.is_smalltalk else self._suggestions(ranked[1:], limits.see_also)
            return MatchResult(text, "answer", entry, score, others)
        if top >= limits.suggest:
            # Near-ties (siblings of one topic, usually) are offered together.
            choices = self._suggestions(ranked, limits.candidate_floor, greeting=True)
            if choices:
                return MatchResult(text, "suggest", None, score, choices)
        return MatchResult(text, "handoff", None, score,
                           self._suggestions(ranked, limits.candidate_floor))

    def _suggestions(self, ranked: list[tuple[int, float]], floor: float, *,
                     greeting: bool = False) -> tuple[Suggestion, ...]:
        # Known out-of-scope topics are never offered. Of small talk the help text is, and the
        # greeting only as a "did you mean" (`greeting`): both say what the helpline answers,
        # but "Dzień dobry!" is no "see also" to an answer nor a choice beside a hand-off.
        picked = [Suggestion(self._entries[e], round(100.0 * p, 1)) for e, p in ranked
                  if 100.0 * p >= floor and self._suggestible(self._entries[e], greeting)]
        return tuple(picked[:MAX_SUGGESTIONS])

    @staticmethod
    def _suggestible(entry: Entry, greeting: bool) -> bool:
        if entry.category == OUT_OF_SCOPE_CATEGORY:
            return False
        if entry.id == GREETING_ID:
            return greeting
        return not entry.is_smalltalk or entry.id == HELP_ID

    def _query_weight(self, token: str, similar: dict[str, float]) -> float:
        if token in self._idf:
            return self._idf[token]
        if similar:
            return self._idf[max(similar, key=similar.__getitem__)]
        return self._unknown_weight


def matcher_for(knowledge: KnowledgeBase, thresholds: Thresholds | None = None) -> Matcher:
    """The matcher of a knowledge base, built once per content the matcher reads (each
    entry's id, category and phrasings, and the synonyms): a reload that changed nothing, an
    edited answer, a meeting moved, a second channel or a desk page reuses the index instead
    of rebuilding it (most of a second)."""
    read = tuple((e.id, e.category, e.phrasings) for e in knowledge.entries)
    matcher = copy.copy(_matcher_of(read, knowledge.synonyms, thresholds))
    # The entries it returns, and the categories and meetings the channels read, are this
    # knowledge's own.
    matcher.knowledge = knowledge
    return matcher


@lru_cache(maxsize=4)
def _matcher_of(read: tuple[tuple[str, str, tuple[str, ...]], ...],
                synonyms: tuple[tuple[str, ...], ...], thresholds: Thresholds | None
                ) -> Matcher:
    entries = tuple(Entry(entry_id, category, phrasings[0], "", alternates=phrasings[1:])
                    for entry_id, category, phrasings in read)
    return Matcher(KnowledgeBase(categories=(), entries=entries, synonyms=synonyms),
                   thresholds)


def _asking_part(text: str) -> str:
    """The sentences with a question mark, when a longer message has any: "kiedy", "jak" in
    the story around them say nothing about what is asked."""
    asking = re.findall(r"[^.!?…\n]*\?", text)
    return " ".join(asking) if asking else text


def _best_per_entry(rankings: Iterable[list[_Ranked]]) -> dict[int, _Ranked]:
    best: dict[int, _Ranked] = {}
    for ranking in rankings:
        for ranked in ranking:
            if ranked.entry not in best or ranked.score > best[ranked.entry].score:
                best[ranked.entry] = ranked
    return best


def _is_gibberish(text: str, tokens: list[str], known: dict[str, float]) -> bool:
    words = fold(text).split()
    return (0 < len(words) <= GIBBERISH_MAX_WORDS and not any(t in known for t in tokens)
            and all(looks_like_gibberish(w) for w in words))


def _summed(added: list[tuple[np.ndarray, float]], size: int) -> np.ndarray:
    """Per phrasing, the sum of the values added to it: each (postings, value) adds its value
    to every phrasing of its postings (one bincount instead of one addition per stem)."""
    if not added:
        return np.zeros(size)
    return np.bincount(np.concatenate([found for found, _ in added]),
                       np.repeat([value for _, value in added], [len(found) for found, _ in added]),
                       minlength=size)


def _distinct(tokens: list[str]) -> list[str]:
    return list(dict.fromkeys(tokens))[:MAX_QUERY_TOKENS]
