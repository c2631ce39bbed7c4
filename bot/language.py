"""What a message is written in: Polish, English, Ukrainian, Russian, German, or no language.

The helpline answers in Polish; a message in another language is handed to the coordinator
(who can answer in any language) with one line in the resident's language. Symbols, emoji and
keyboard mashing are not questions at all. Word lists leave out words Polish also has ("i",
"to", "do", "na", "was", "wie", "ich", "sie", "no", "im"), so Polish without diacritics is
not mistaken for English or German.
"""

from __future__ import annotations

import re
import unicodedata

ENGLISH = "en"
UKRAINIAN = "uk"
RUSSIAN = "ru"
GERMAN = "de"

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_POLISH_LETTERS = frozenset("ąćęłńóśźż")
_GERMAN_LETTERS = frozenset("äöüß")
_UKRAINIAN_LETTERS = frozenset("іїєґ")
_RUSSIAN_LETTERS = frozenset("ыэъё")

_ENGLISH_WORDS = frozenset(
    """
    the is are am was been be how what where when who why which can could would should will
    i'm me my you your we our us they their need want help hello hi hey please does did
    have has there this that it of in for with about and or not don't dont english speak
    electricity power cluster energy join member membership cost costs much many price bill
    outage contact phone number office meeting meetings anyone someone somebody here thank
    thanks information info question questions cooperative solar panels grant subsidy get
    know tell any from at an if my our your living live work works working
    """.split()
)
_GERMAN_WORDS = frozenset(
    """
    ist sind wo wann wer warum der das und oder nicht kein keine bitte hallo guten tag morgen
    abend danke strom stromausfall können kann könnte konnen ein eine einen mit sprechen
    deutsch brauche hilfe habe haben mein meine mir mich für fur über uber gibt es wir kosten
    kostet mitglied mitgliedschaft beitreten energie genossenschaft rechnung zu auf auch hier
    jemand frage fragen informationen ihr ihnen dem den des von wohne
    """.split()
)
_UKRAINIAN_WORDS = frozenset(
    """
    що як де мені потрібно потрібна допомога привіт дякую будь ласка світла світло
    електрики електроенергії немає чи можу хочу коли скільки це та але українською
    підкажіть скажіть доброго дня вечора кластер вступити коштує
    """.split()
)
_RUSSIAN_WORDS = frozenset(
    """
    что как где мне нужно нужна помощь привет спасибо пожалуйста свет света электричества
    нет ли можно хочу когда сколько это и но по-русски подскажите скажите добрый день
    вечер кластер вступить стоит
    """.split()
)
# Polish words that tip a mixed message back to Polish ("mam problem, help").
_POLISH_WORDS = frozenset(
    """
    jak czy co gdzie kiedy ile kto jest sa mam nie tak moze prosze dzien dobry klaster klastra
    prad pradu gmina gminy mieszkam jestem chce chcialbym potrzebuje pomocy mozna zeby
    """.split()
)
_FOREIGN_THANKS = frozenset(
    {"thanks", "thank you", "thank you very much", "thanks a lot", "many thanks", "thx",
     "bye", "goodbye", "danke", "danke schön", "danke schon", "vielen dank", "tschüss",
     "спасибо", "спасибо большое", "дякую", "щиро дякую", "дуже дякую", "до свидания",
     "до побачення"}
)

# Emoji that say "ok" or "thanks": a lone one is an acknowledgement, not a question.
ACKNOWLEDGING_SYMBOLS = frozenset("👍👌✅🆗✔🙏🙂😊☺")
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_VOWELS = frozenset("aeiouyąęó")


def detect_language(text: str) -> str | None:
    """"en", "uk", "ru" or "de" for a message in that language; None for Polish or unsure."""
    lowered = text.casefold()
    letters = [ch for ch in lowered if ch.isalpha()]
    if not letters:
        return None
    cyrillic = sum(1 for ch in letters if "CYRILLIC" in unicodedata.name(ch, ""))
    if cyrillic * 2 > len(letters):
        return _cyrillic_language(lowered)
    if any(ch in _POLISH_LETTERS for ch in letters):
        return None
    words = set(_WORD.findall(lowered))
    polish = len(words & _POLISH_WORDS)
    english = len(words & _ENGLISH_WORDS)
    german = len(words & _GERMAN_WORDS)
    if any(ch in _GERMAN_LETTERS for ch in letters):
        german += 1
    best, hits = max(((ENGLISH, english), (GERMAN, german)), key=lambda pair: pair[1])
    # One foreign word is a loanword ("hello", "super"); two that outnumber Polish are a sentence.
    if hits >= 2 and hits > polish and hits * 3 >= len(words):
        return best
    return None


def _cyrillic_language(lowered: str) -> str:
    words = set(_WORD.findall(lowered))
    ukrainian = len(words & _UKRAINIAN_WORDS) + 2 * any(ch in _UKRAINIAN_LETTERS for ch in lowered)
    russian = len(words & _RUSSIAN_WORDS) + 2 * any(ch in _RUSSIAN_LETTERS for ch in lowered)
    # Many Ukrainians live in the region: an undecided Cyrillic message is taken as Ukrainian.
    return RUSSIAN if russian > ukrainian else UKRAINIAN


def is_foreign_thanks(text: str) -> bool:
    """ "thank you", "danke", "дякую": small talk the bot can answer in any language."""
    words = " ".join(_WORD.findall(text.casefold()))
    return words in _FOREIGN_THANKS


def visible_symbols(text: str) -> str:
    """The text without spaces, invisible format characters (zero-width space, joiners) and emoji
    modifiers (skin tones, variation selectors)."""
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf"
                   and not 0x1F3FB <= ord(ch) <= 0x1F3FF and not 0xFE00 <= ord(ch) <= 0xFE0F)


def looks_like_gibberish(word: str) -> bool:
    """Keyboard mashing ("asdf", "qwerty", "sdfgh"), a word without vowels or one syllable
    repeated ("dsdsds"): not a misspelt question word. `word` is folded."""
    if len(word) < 3 or not word.isalpha():
        return False
    if not any(ch in _VOWELS for ch in word) and len(word) >= 4:
        return True
    if len(word) >= 4 and any(word in row for row in _KEYBOARD_ROWS):
        return True
    return len(set(word)) <= 2 and len(word) >= 5
