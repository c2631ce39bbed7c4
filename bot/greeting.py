"""Whether a message only greets: a greeting, perhaps who writes and from where, no question.

"Dzień dobry, tu nauczycielka z Janowa. Pozdrawiam!" or an office's formal opening ("uprzejmie
witam w imieniu Urzędu Gminy…") is answered with a greeting that invites the question, not
with a hand-off offer: the words of the introduction (an office, a village, a profession)
otherwise pull it towards entries it does not ask about. So is a message that says it only
greets for now ("to ja się na początek przywitam", "chcę tylko powiedzieć witam"), however long
the introduction around it. Works on folded text.
"""

from __future__ import annotations

import re

from bot.question_form import question_forms

_GREETING = re.compile(r"\b(dzien ?dobry|dobry (wieczor|dzien)|witam|witaj\w*|czesc|hej\w*"
                       r"|siema\w*|elo|szanown\w*|pozdrawia\w*|pozdrowienia|szczesc boze)\b")
# A need or a request ("szukam", "problem", "awaria"), or a letter's matter ("w nawiązaniu do
# pisma", "uprzejmie informuję", "dotyczy"): a greeting around one only opens the message.
_NEEDS = (r"prosimy|prosb\w*|potrzeb\w*|szukam\w*|zglasz\w*|zglos\w*|problem\w*|awari\w*|brak\w*"
          r"|interesuj\w*|dowiedziec|zalatw\w*|wyjasni\w*|podaj\w*"
          r"|nawiazaniu|dotycz\w*|informuj\w*|zawiadam\w*|przesyla\w*|zalacz\w*")
# Words that ask or ask for something, a complaint or a need: with any of them the message is
# more than a greeting.
_ASKING = re.compile(
    r"\b(co|czy|jak\w*|kiedy|gdzie|ile|kto|komu|kogo|czego|dlaczego|czemu|prosz\w*|pyta\w*"
    r"|chce\w*|chcial\w*|chcemy|nie|nic|informacj\w*|wiedziec|pomoc\w*|pomoz\w*|zapyta\w*"
    rf"|poprosz\w*|popros\w*|ciekaw\w*|chodzi|moge|mozecie|{_NEEDS})\b")
MAX_WORDS = 45
# Thanks for an answer, signed off with "pozdrawiam", is thanks, not a greeting; thanks in
# advance ("z góry dziękuję") only opens a message.
_THANKS = re.compile(r"(?<!z gory )\b(dziek\w*|dzieku\w*|podziek\w*)\b")
_SALUTE = r"(dzien ?dobry|dobry wieczor|witam|witac|czesc|hej|siema|elo|pozdrawiam|pozdrowic)"
# The writer says the message is their greeting: "przywitać się", "na początek witam", "mówię
# dzień dobry", "siema na start".
_DECLARED = re.compile(
    r"\bprzywita\w*|\b(sie|tylko|najpierw|poczatek|start|razie)\b.{0,20}\b(witam|witac|pozdrawiam)\b"
    rf"|\b(mowie|powiedziec|powiem|napisac|napisze)\b.{{0,12}}\b{_SALUTE}\b"
    rf"|\b{_SALUTE}\b.{{0,6}}\bna (start|poczatek|dobry poczatek)\b")
_NEED = re.compile(rf"\b(prosz\w* o|chodzi o|nie ma|{_NEEDS})\b")
# "What can you do" belongs to the help entry, not to the greeting.
_ASKS_FOR_HELP = re.compile(
    r"\bco\b.{0,15}\b(umiesz|umie|potrafisz|potrafi|robisz|robi|mozesz|moze|mozna|moge)\b"
    r"|\bo co (mozna|moge|pytac)"
    r"|\bjak (to |ten |ta )?(dziala|korzystac|uzywac|pytac|pisac|obslug\w*)"
    r"|\bnie wiem (co|jak|gdzie|o co)|\bpomoc\b|\bpomoz\w*|\bmenu\b|\bkomend\w*|\bfunkcj\w*"
    r"|\binstrukcj\w*|\bco dalej\b|\bco tu (sie )?robi")


def only_greets(text: str, folded: str) -> bool:
    """True for a message (`text` as written, `folded` as `polish.fold` gives it) that greets
    and asks nothing."""
    return (len(folded.split()) <= MAX_WORDS and "?" not in text
            and _GREETING.search(folded) is not None and _ASKING.search(folded) is None
            and _THANKS.search(folded) is None and not question_forms(folded))


def declares_greeting(text: str, folded: str) -> bool:
    """True for a message that says it is a greeting for now, with no question or need in it
    ("tu Józef z Mykanowa, wnuczka mi pokazała ten czat, to się na początek przywitam")."""
    return ("?" not in text and _DECLARED.search(folded) is not None
            and _NEED.search(folded) is None and _ASKS_FOR_HELP.search(folded) is None
            and not question_forms(folded))
