"""Statistics for the coordinator: what residents ask, what the bot could not answer."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.knowledge import SMALLTALK_CATEGORY
from bot.meetings import WARSAW
from bot.normalize import Normalizer
from bot.plural import DAYS, HOURS, count
from bot.polish import fold
from bot.question_log import LoggedQuestion, QuestionLog
from bot.tickets import TicketDesk

SAME_QUESTION_SCORE = 85.0  # token_sort_ratio of normalized texts: "the same question"
# Replies that are not questions: counted apart, never as "no answer" (the log also holds
# messages from before small talk knew them, so the words themselves are recognised too).
ACKNOWLEDGEMENTS = frozenset({
    "ok", "okej", "oki", "okay", "k", "kk", "tak", "nie", "no", "aha", "acha", "jasne",
    "dobrze", "dobra", "super", "spoko", "xd", "xdd", "hmm", "hm", "dzieki", "dziekuje",
    "dziekuje bardzo", "ok dzieki", "ok dziekuje", "tak dziekuje", "rozumiem", "thx",
})
_NOT_WORDS = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class UnansweredGroup:
    example: str  # the most recent wording
    count: int
    last_asked: dt.datetime
    wordings: tuple[str, ...]


@dataclass(frozen=True)
class Day:
    day: dt.date
    questions: int
    answered: int


@dataclass(frozen=True)
class Stats:
    days: int
    questions: int
    answered: int
    suggested: int
    no_answer: int
    direct: int
    handed_off: int
    helped: int
    not_helped: int
    top_entries: list[tuple[str, int]]
    unanswered: list[UnansweredGroup]
    median_reply: dt.timedelta | None
    open_tickets: int
    daily: list[Day]
    small_talk: int = 0  # "ok", "dzięki", "👍": not questions, left out of every count above
    answers_rated_up: int = 0  # the coordinator's answers the resident rated 👍
    answers_rated_down: int = 0

    @property
    def answer_rating_text(self) -> str:
        """The residents' ratings of the coordinator's answers, e.g. "👍 3 · 👎 1"."""
        if not self.answers_rated_up + self.answers_rated_down:
            return "brak ocen"
        return f"👍 {self.answers_rated_up} · 👎 {self.answers_rated_down}"

    def share(self, part: int) -> float:
        return part / self.questions if self.questions else 0.0

    @property
    def helped_rate(self) -> float | None:
        rated = self.helped + self.not_helped
        return self.helped / rated if rated else None


def is_small_talk(question: LoggedQuestion) -> bool:
    """An acknowledgement, a greeting or a lone emoji rather than a question: answered by a
    small-talk entry (rozmowa.*), or words like "ok", "tak", "xD", or no letters at all."""
    if question.entry_id and question.entry_id.startswith(f"{SMALLTALK_CATEGORY}."):
        return True
    if question.text is None:
        return False
    words = _NOT_WORDS.sub(" ", fold(question.text)).strip()
    return not words or words in ACKNOWLEDGEMENTS


def is_unanswered(question: LoggedQuestion) -> bool:
    """The bot had no answer, or its answer did not help."""
    return (question.status in ("handoff", "direct") or question.handed_off
            or question.feedback == "not_helped")


def group_unanswered(questions: Sequence[LoggedQuestion], normalizer: Normalizer
                     ) -> list[UnansweredGroup]:
    """Near-identical wordings together, most frequent first."""
    groups: list[tuple[str, list[LoggedQuestion]]] = []
    for question in questions:
        if not question.text or not is_unanswered(question):
            continue
        key = normalizer.key(question.text) or question.text.casefold()
        for group_key, members in groups:
            if fuzz.token_sort_ratio(key, group_key) >= SAME_QUESTION_SCORE:
                members.append(question)
                break
        else:
            groups.append((key, [question]))
    result = []
    for _, members in groups:
        latest = max(members, key=lambda q: q.asked_at)
        wordings = tuple(dict.fromkeys(q.text for q in members if q.text))
        result.append(UnansweredGroup(latest.text or "", len(members), latest.asked_at, wordings))
    return sorted(result, key=lambda g: (-g.count, -g.last_asked.timestamp()))


def compute_stats(log: QuestionLog, desk: TicketDesk, normalizer: Normalizer,
                  now: dt.datetime, days: int) -> Stats:
    since = now - dt.timedelta(days=days)
    logged = log.since(since)
    questions = [q for q in logged if not is_small_talk(q)]
    status = Counter(q.status for q in questions)
    reply_times = desk.reply_times_since(since)
    rated_up, rated_down = desk.ratings_since(since)
    return Stats(
        days=days,
        questions=len(questions),
        answered=status["answer"],
        suggested=status["suggest"],
        no_answer=status["handoff"],
        direct=status["direct"],
        handed_off=sum(q.handed_off for q in questions),
        helped=sum(q.feedback == "helped" for q in questions),
        not_helped=sum(q.feedback == "not_helped" for q in questions),
        top_entries=Counter(q.entry_id for q in questions
                            if q.status == "answer" and q.entry_id).most_common(10),
        unanswered=group_unanswered(questions, normalizer),
        median_reply=statistics.median(reply_times) if reply_times else None,
        open_tickets=len(desk.open_tickets()),
        daily=_daily(questions, since, now),
        small_talk=len(logged) - len(questions),
        answers_rated_up=rated_up,
        answers_rated_down=rated_down,
    )


def _daily(questions: Sequence[LoggedQuestion], since: dt.datetime, now: dt.datetime
           ) -> list[Day]:
    first, last = since.astimezone(WARSAW).date(), now.astimezone(WARSAW).date()
    totals: Counter[dt.date] = Counter()
    answered: Counter[dt.date] = Counter()
    for question in questions:
        day = question.asked_at.astimezone(WARSAW).date()
        totals[day] += 1
        answered[day] += question.status == "answer"
    span = (last - first).days
    return [Day(d, totals[d], answered[d])
            for d in (first + dt.timedelta(days=i) for i in range(1, span + 1))]


NO_REPLIES = "brak odpowiedzi"


def duration_text(delta: dt.timedelta | None) -> str:
    """E.g. "25 min", "3 godziny 5 min", "2 dni"; "brak odpowiedzi" when there was none."""
    if delta is None:
        return NO_REPLIES
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return count(hours, HOURS) + (f" {rest} min" if rest else "")
    return count(minutes // (24 * 60), DAYS)
