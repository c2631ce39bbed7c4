"""The form of a question: what it asks about, independent of its topic.

Sibling entries share their words ("członkostwo w klastrze") and differ in what is asked:
"ile kosztuje", "kto może", "jak", "po co". The matcher learns from each entry's phrasings how
often it is asked in each form and prefers, among close candidates, the one whose phrasings
have the question's form. Works on folded text (lower case, no diacritics).
"""

from __future__ import annotations

import re
from functools import lru_cache

COST = "cost"
ELIGIBILITY = "eligibility"
PROCEDURE = "procedure"
BENEFIT = "benefit"
DEFINITION = "definition"
TIME = "time"
PLACE = "place"
DIFFERENCE = "difference"
DUTY = "duty"

_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern)) for name, pattern in (
        (COST, r"\bile\b.{0,20}\b(kosztuj|kosztow|placi|plac|zaplac|wynosi|trzeba dac|wylozyc)"
               r"|\bkoszt|\boplat|\bskladk|\bplatn|\bodplatn|\bdarmo|\bbezplat"
               r"|\bwpisow|\bcennik|\bcena\b|\bcen[ey]\b|\bile to\b"),
        (ELIGIBILITY, r"\bkto\b.{0,12}\b(moze|mog|ma prawo|kwalifik|nadaje)|\bdla kogo\b"
                      r"|\bczy\b.{0,40}\b(moze|moga|mozemy|moge|mozna|mogl\w*)\b.{0,25}"
                      r"\b(byc|nalez|zostac|przystap|dolacz|wejsc|wstapic|zapisac|czlonk)"
                      r"|\bwarunk|\bkryteri|\bkwalifik|\bnadaje sie|\bprzyjmujecie\b"),
        (PROCEDURE, r"\bjak\b(?! dlugo| czesto| duz)|\bw jaki sposob|\bco (trzeba|nalezy|musze|"
                    r"musimy|mam) (zrobic|zlozyc|przygotowac)|\bprocedur|\bkrok|\bod czego zaczac"
                    r"|\bjakie dokumenty|\bformalnosc|\bgdzie sie zglosic"),
        (BENEFIT, r"\bpo co\b|\bco (to |mi |nam |mnie |gminie |firmie |mieszkancom )*(da(je|ja|"
                  r"l|)|zyska\w*)\b|\bkorzys|\boplaca|\bwarto\b|\bzysk|\bzalet"
                  r"|\bplus(y|ow)?\b|\bco z tego\b|\bw czym pomoze|\bco mam z|\bsens\b|\bcel\b"),
        (DEFINITION, r"\bczym (jest|sa)\b|\bco to (jest|sa|za|znaczy)\b|\bco to( takiego)?$"
                     r"|\bco oznacza|\bdefinic"
                     r"|\bco znaczy|\bwyjasni\w* (czym|co)|\bpojeci"),
        (TIME, r"\bkiedy\b|\bod kiedy|\bw ktorym roku|\bdata\b|\bdaty\b|\bdzien\b.{0,10}\bgodzin"),
        (PLACE, r"\bgdzie\b|\badres\b|\bw ktorym miejscu"),
        (DIFFERENCE, r"\brozni|\broznic|\bczym sie\b.{0,20}\brozn|\ba (czym|co)\b|\bporowna"),
        (DUTY, r"\bobowiaz|\bmusz\w*\b.{0,20}\b(robic|robi|wypelni|przekaz)|\bczego wymaga"
               r"|\bwymog"),
    )
)
FORMS = tuple(name for name, _ in _FORMS)


@lru_cache(maxsize=20_000)  # the matcher's index asks for every phrasing's forms on a rebuild
def question_forms(folded: str) -> frozenset[str]:
    """The forms a folded question is asked in (often none, sometimes two)."""
    return frozenset(name for name, pattern in _FORMS if pattern.search(folded))

