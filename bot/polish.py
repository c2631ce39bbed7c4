"""Polish language data for matching: folding, stop words and a light suffix stemmer.

Everything here works on folded text (lower case, no diacritics), because residents type
without Polish letters as often as with them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that NFKD does not decompose into base + combining mark.
_EXTRA_FOLDS = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "ø": "o", "đ": "d", "æ": "ae"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
# Combining marks (of the Basic Multilingual Plane): what NFKD splits off a letter. One regex
# instead of a test per character: folding is most of the cost of loading the knowledge.
_COMBINING = re.compile("[" + "".join(
    re.escape(chr(c)) for c in range(0x10000) if unicodedata.combining(chr(c))) + "]")

# Function words that carry no meaning for choosing an FAQ entry. Question words that do
# (kto, kiedy, gdzie, ile) are kept, and so are "może" and "mój": "kto może należeć" is not
# "kto należy", and "Mój Prąd" is a subsidy programme. Tense ("byly", "bedzie") is kept too:
# it separates past meetings from upcoming ones.
STOP_WORDS = frozenset(
    """
    a aby ach akurat albo ale ani az bardzo bez bo by byc ci cie co cos czegos czy czyli
    dlaczego dlatego
    czym dla do go i ich im ja jak jaka jaki jakie jakich jakiej jakim jakis jakas jakies
    jakiegos je jego jej jest jestem jestes juz ktora ktore ktorego ktorej ktory ktorych
    ktorym ktos ku lub ma mam mamy mi mna mnie mu my na nad nam nas nasz nasza nasze
    naszego naszej naszym nie niech niz no o od oraz po pod przez przy sa sie siebie sobie
    ta taka taki takie takiego takze tam te tego tej ten to toba tobie tu tutaj ty
    tych tylko tym u w was wam wasz wasza wasze waszej waszym we wlasnie wlasciwie wy z za
    ze zeby zas chce chcialbym chcialabym chcialem prosze pan pani panstwo jeszcze
    tez teraz czemu niby wiec powiedz powiedzcie podaj podajcie wiedziec dowiedziec
    interesuje znaczy generalnie ogolnie troche eee yyy hmm
    """.split()
)

# Greetings and courtesy: dropped when the message also asks something else, so that
# "dzien dobry, jak dolaczyc do klastra" is matched on its question, not its greeting.
COURTESY_WORDS = frozenset(
    """
    dzien dobry dobranoc wieczor czesc witam witaj witajcie hej hejka siema siemka halo
    elo dziekuje dzieki dziekujemy dziekuja pozdrawiam pozdrowienia serdecznie uprzejmie
    """.split()
) | frozenset(
    # Acknowledgements: alone they are small talk ("ok", "tak"), before a question noise.
    """
    ok okej oki okey okay tak dobrze dobra jasne spoko rozumiem aha acha zgoda super fajnie
    swietnie ekstra git przyjalem przyjelam kumam
    """.split()
)

# Inflectional endings, longest first. Removing them maps most inflected forms of a word to
# one stem ("klastrze", "klastra" -> "klastr"); the rest is left to fuzzy token matching.
_SUFFIXES = tuple(
    sorted(
        """
        owaniami owaniach owaniem owania owanie owaniu owanych owanej owany owana owane
        eniami eniach aniami aniach eniem aniem enia ania enie anie eniu aniu owskiego
        owskiej owskich owskim owskie owska owski iejszy iejsza iejsze ejszy ejsza ejsze
        ujemy ujecie ujesz uja uje owac owal owala owali owalo ywac iwac ilismy alismy
        ilem ylem alem ilam ylam alam ilas alas iego iemu ich imi ymi ych ego emu iej ej
        ym im iach iami iom iow ami ach om ow owi owie ie em iem ia iu ii ij ji esz emy
        ecie isz ymy imy icie ycie ac ic yc al ala ali alo il ila ili ilo yl yla yli ylo
        a e i o u y
        """.split(),
        key=len,
        reverse=True,
    )
)
_MIN_STEM = 3
# The same endings by length, longest first: a word has one ending of each length, so looking
# each length up once finds the longest known one (instead of trying all ~150 in turn).
_SUFFIXES_BY_LENGTH = tuple(
    (size, frozenset(s for s in _SUFFIXES if len(s) == size))
    for size in sorted({len(s) for s in _SUFFIXES}, reverse=True)
)
_VOWELS = frozenset("aeiouy")


def fold(text: str) -> str:
    """Lower-case, strip diacritics (ł too) and turn everything but letters and digits to spaces."""
    # Loading folds every phrasing in several passes, and a message is folded by several
    # stages: remember recent short texts (bounded: long messages are folded afresh).
    return _fold_short(text) if len(text) <= _FOLD_CACHED_CHARS else _fold(text)


_FOLD_CACHED_CHARS = 600


@lru_cache(maxsize=16384)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    text = text.translate(_EXTRA_FOLDS).casefold()
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _NON_WORD.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Strip the longest known inflectional ending, keeping a stem of at least three letters."""
    if word.isdigit():
        return word
    if word.endswith("rze") and len(word) > 5:
        word = word[:-2]  # locative r -> rz: "klastrze" is "klastr"
    else:
        for size, endings in _SUFFIXES_BY_LENGTH:
            if len(word) - size >= _MIN_STEM and word[-size:] in endings:
                word = word[:-size]
                break
    # Fleeting e: "klaster"/"klastra", "członek"/"członka", "rachunek"/"rachunku".
    if len(word) >= 5 and word[-2] == "e" and word[-1] not in _VOWELS:
        word = word[:-2] + word[-1]
    return word


_NASAL_SPELLINGS = (("on", "a"), ("om", "a"), ("en", "e"), ("em", "e"))


def nasal_respellings(word: str) -> list[str]:
    """Readings of a word whose "ą"/"ę" were typed as they sound: "dolonczyc" -> "dolaczyc"."""
    variants = []
    for spoken, letter in _NASAL_SPELLINGS:
        if spoken in word:
            variants.append(word.replace(spoken, letter))
    return variants


# Spellings that sound alike: "morze"/"może", "pszystąpienie"/"przystąpienie", "kturzy"/"którzy",
# "chaos"/"haos", "klasterr". Applied to stems, both the knowledge's and a question's.
_SOUND_ALIKE = (("rz", "z"), ("sz", "z"), ("ch", "h"), ("u", "o"))
_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)
def sound_key(word: str) -> str:
    """One spelling for words that sound the same, so typing by ear still finds them."""
    for spelled, sound in _SOUND_ALIKE:
        word = word.replace(spelled, sound)
    return _DOUBLED.sub(r"\1", word)
