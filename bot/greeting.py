"""Whether a message only greets: a greeting, perhaps who writes and from where, no question.

"Dzień dobry, tu nauczycielka z Janowa. Pozdrawiam!" or an office's formal opening ("uprzejmie
witam w imieniu Urzędu Gminy…") is answered with a greeting that invites the question, not
with a hand-off offer: the words of the introduction (an office, a village, a profession)
otherwise pull it towards entries it does not ask about. Works on folded text.
"""

from __future__ import annotations

import re

from bot.question_form import question_forms

_GREETING = re.compile(r"\b(dzien dobry|dobry wieczor|witam|witaj\w*|czesc|hej\w*|siema\w*|elo"
                       r"|szanown\w*|pozdrawia\w*|pozdrowienia|szczesc boze)\b")
# Words that ask or ask for something, a complaint or a need: with any of them the message is
# more than a greeting.
_ASKING = re.compile(
    r"\b(co|czy|jak\w*|kiedy|gdzie|ile|kto|komu|kogo|czego|dlaczego|czemu|prosz\w*|prosimy"
    r"|prosb\w*|pyta\w*|chce\w*|chcial\w*|chcemy|potrzeb\w*|szukam\w*|zglasz\w*|zglos\w*"
    r"|problem\w*|nie|nic|informacj\w*|wiedziec|pomoc\w*|pomoz\w*|zapyta\w*|awari\w*|brak\w*"
    r"|poprosz\w*|popros\w*|interesuj\w*|ciekaw\w*|chodzi|moge|mozecie|wyjasni\w*|podaj\w*"
    r"|dowiedziec|zalatw\w*)\b")
MAX_WORDS = 45


def only_greets(text: str, folded: str) -> bool:
    """True for a message (`text` as written, `folded` as `polish.fold` gives it) that greets
    and asks nothing."""
    return (len(folded.split()) <= MAX_WORDS and "?" not in text
            and _GREETING.search(folded) is not None and _ASKING.search(folded) is None
            and not question_forms(folded))
