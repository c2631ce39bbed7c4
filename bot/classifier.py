"""Which entry a message looks like, learnt from the phrasings by a linear classifier.

The lexical ranking asks how well one phrasing covers the message. This asks which entry's
phrasings as a whole the message's stems, pairs of stems and letter pieces look like, with
weights learnt to tell entries apart (a linear support vector machine, one entry against the
rest): "ile kosztuje" weighs for the fees, "kto może" for who may join, although both share
most of their words with their siblings. It learns only from the knowledge's own phrasings.
"""

from __future__ import annotations

import math
import sys
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from itertools import chain, pairwise, repeat
from pathlib import Path
from typing import Any

import numpy as np

from bot import char_grams, question_form
from bot.char_grams import word_pieces
from bot.model_cache import fingerprint, recalled, store
from bot.question_form import question_forms

C = 0.5  # regularisation of the support vector machine
TOLERANCE = 0.01  # when the solver stops (see _train)
MIN_PIECE_PHRASINGS = 2  # a letter piece of one phrasing only is noise, not evidence
# One model per entry: beyond this many entries training takes too long for a start-up, and
# the lexical ranking decides alone.
MAX_ENTRIES = 300
FORMAT = "phrasing-svm-4"  # change when the features or the training change
UNSEEN = -10.0  # the margin of an entry the classifier does not score


def _stem_features(stems: tuple[str, ...], forms: frozenset[str]) -> Counter[str]:
    """Stems, pairs of neighbouring stems and the forms the text is asked in ("ile
    kosztuje", "kto może": mostly stop words, which the stems leave out)."""
    found = Counter(f"w {stem}" for stem in stems)
    found.update(f"f {form}" for form in sorted(forms))  # sorted: a stable cache key
    found.update(f"p {a} {b}" for a, b in pairwise(stems))
    return found


class _Block:
    """One kind of feature as TF-IDF columns (log-scaled counts, unit length per text)."""

    def __init__(self, features: Sequence[str], idf: Sequence[float], texts: int,
                 first_column: int) -> None:
        self.columns = {f: first_column + i for i, f in enumerate(features)}
        self.idf = dict(zip(features, idf, strict=True))
        self._idf_by_column = np.array(idf, dtype=float)  # the same, in column order
        self.unseen_idf = math.log(1 + texts) + 1
        self._first_column = first_column

    @classmethod
    def of(cls, texts: Sequence[Counter[str]], min_texts: int, first_column: int) -> _Block:
        """The features of at least `min_texts` of the training texts."""
        frequency = Counter(chain.from_iterable(texts))
        total = len(texts)
        kept = sorted(f for f, n in frequency.items() if n >= min_texts)
        return cls(kept, [math.log((1 + total) / (1 + frequency[f])) + 1 for f in kept], total,
                   first_column)

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """What rebuilds this block (`_Block(features, idf, texts, first column)`)."""
        return {f"{prefix}_features": np.array(list(self.columns), dtype=str),
                f"{prefix}_idf": self._idf_by_column}

    def training_vectors(self, texts: Sequence[Counter[str]]
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The training texts' vectors at once: row, column and value of every entry."""
        every = list(chain.from_iterable(texts))  # each text's features, text after text
        columns = np.fromiter(map(self.columns.get, every, repeat(-1)), dtype=np.intp,
                              count=len(every))
        counts = np.fromiter(chain.from_iterable(t.values() for t in texts), dtype=float,
                             count=len(every))
        rows = np.repeat(np.arange(len(texts)), [len(t) for t in texts])
        known = columns >= 0
        rows, columns, counts = rows[known], columns[known], counts[known]
        values = (1 + np.log(counts)) * self._idf_by_column[columns - self._first_column]
        norms = np.sqrt(np.bincount(rows, values * values, minlength=len(texts)))
        return rows, columns, values / np.where(norms > 0, norms, 1.0)[rows]

    def vector(self, found: Counter[str]) -> list[tuple[int, float]]:
        """A message's vector. Its unknown features count in its length as the rarest known
        ones would: "ile kosztuje bilet do kina" is not as sure a fees question as "ile
        kosztuje", although the model knows only the same two words of both."""
        values, unknown = [], 0.0
        for f, n in found.items():
            weight = 1 + math.log(n)
            if f in self.columns:
                values.append((self.columns[f], weight * self.idf[f]))
            else:
                unknown += (weight * self.unseen_idf) ** 2
        norm = math.sqrt(sum(v * v for _, v in values) + unknown) or 1.0
        return [(column, v / norm) for column, v in values]


def _start_training(rows: np.ndarray, columns: np.ndarray, values: np.ndarray,
                    labels: np.ndarray, width: int) -> Callable[[], dict[str, np.ndarray]]:
    """Train in two threads, each for half of the entries: the solver lets go of the
    interpreter, so both cores work while the caller builds the rest of the index. Returns
    what waits for the model. LIBLINEAR shuffles with C's one `rand()`, so two trainings of
    the same phrasings differ slightly (no answer or suggestion of the tuning sets' 5,936
    questions); the stored model keeps a running bot's answers the same across restarts."""
    # Imported here (a model from the cache needs numpy only), by the caller: an import holds
    # the interpreter anyway.
    import liblinear.liblinearutil  # noqa: F401
    from scipy.sparse import csr_matrix

    matrix = csr_matrix((values, (rows, columns)), shape=(len(labels), width))
    classes = np.unique(labels)
    halves = [classes] if len(classes) < 4 else [classes[0::2], classes[1::2]]
    pool = ThreadPoolExecutor(max_workers=len(halves), thread_name_prefix="classifier")
    parts = [pool.submit(_train, matrix, labels, half) for half in halves]
    pool.shutdown(wait=False)

    def joined() -> dict[str, np.ndarray]:
        models = [part.result() for part in parts]
        return {name: np.concatenate([model[name] for model in models])
                for name in ("classes", "coefficients", "intercepts")}

    return joined


def _train(matrix: Any, labels: np.ndarray, classes: np.ndarray) -> dict[str, np.ndarray]:
    """One entry against the rest, for each of `classes`; the other entries' phrasings are
    all "the rest" (a model for them as one more class is trained and dropped)."""
    from liblinear.liblinearutil import parameter, problem, train

    other = -1
    mine = np.where(np.isin(labels, classes), labels, other).astype(float)
    # -s 1: L2-regularised squared hinge loss, solved in the dual (what scikit-learn's
    # LinearSVC does); -B 1: an intercept, as a feature of constant 1. The stopping tolerance
    # 0.01 gives the answers of scikit-learn's 1e-4 in 0.1 s less on a first start; at
    # LIBLINEAR's own 0.1, two trainings disagreed on 6 of 5,936 tuning questions.
    model = train(problem(mine, matrix), parameter(f"-s 1 -c {C} -B 1 -e {TOLERANCE} -q"))
    return _arrays(model, matrix.shape[1], other)


def _arrays(model: Any, width: int, other: int) -> dict[str, np.ndarray]:
    """A trained liblinear model as arrays: its classes (but `other`), their coefficients
    (class x feature) and intercepts."""
    labels = np.array(model.get_labels(), dtype=np.int64)
    weights_per_class = 1 if len(labels) == 2 else len(labels)
    weights = np.ctypeslib.as_array(model.w, shape=(model.nr_feature + 1, weights_per_class))
    weights = weights.copy()  # the model's memory goes with it
    if weights_per_class == 1:  # two classes: one model, for the first
        weights = np.hstack([weights, -weights])
    coefficients = np.zeros((len(labels), width))
    coefficients[:, :model.nr_feature] = weights[:model.nr_feature].T
    intercepts = weights[model.nr_feature] * model.bias
    kept = labels != other
    order = np.argsort(labels[kept])
    return {"classes": labels[kept][order], "coefficients": coefficients[kept][order],
            "intercepts": intercepts[kept][order]}


_STORED = {"classes", "coefficients", "intercepts", "stems_features", "stems_idf",
           "pieces_features", "pieces_idf"}


@lru_cache(maxsize=1)
def _feature_code() -> bytes:
    """The source that turns phrasings into features and trains: read once per process."""
    return b"".join(Path(module.__file__).read_bytes()
                    for module in (sys.modules[__name__], char_grams, question_form)
                    if module.__file__)


def _inputs_key(stems: Sequence[Sequence[str]], folded: Sequence[str], labels: Sequence[int]
                ) -> str:
    """The model's address: its training phrasings and labels, and the code that turns them
    into features and trains (so a changed feature is never read from an older model)."""
    phrasings = "\n".join(f"{label}\t{' '.join(s)}\t{f}"
                          for s, f, label in zip(stems, folded, labels, strict=True))
    return fingerprint([f"{FORMAT} C={C} {MIN_PIECE_PHRASINGS}".encode(), _feature_code(),
                        phrasings.encode()])


class PhrasingClassifier:
    """Scores every entry (a margin: above 0 means "this one rather than the rest")."""

    def __init__(self, stems: Sequence[Sequence[str]], folded: Sequence[str],
                 labels: Sequence[int], entries: int) -> None:
        """`stems`: each phrasing's stems; `folded`: each phrasing folded; `labels`: each
        phrasing's entry index; `entries`: how many entries there are."""
        self._entries = entries
        self._weights: np.ndarray | None = None
        self._training: Callable[[], dict[str, np.ndarray]] | None = None
        self._lock = threading.Lock()
        if not 2 <= len(set(labels)) <= MAX_ENTRIES:
            return
        # A restart finds the model and the vocabulary by what they are computed from, so
        # it computes no features.
        self._key = _inputs_key(stems, folded, labels)
        stored = recalled(self._key)
        if stored is not None and stored.keys() >= _STORED:
            texts = len(labels)
            self._stems = _Block(stored["stems_features"].tolist(), stored["stems_idf"].tolist(),
                                 texts, 0)
            self._pieces = _Block(stored["pieces_features"].tolist(),
                                  stored["pieces_idf"].tolist(), texts, len(self._stems.columns))
            self._width = len(self._stems.columns) + len(self._pieces.columns)
            self._use(stored)
            return
        stem_found = [_stem_features(tuple(s), question_forms(f))
                      for s, f in zip(stems, folded, strict=True)]
        piece_found = [word_pieces(f.split()) for f in folded]
        self._stems = _Block.of(stem_found, 1, 0)
        self._pieces = _Block.of(piece_found, MIN_PIECE_PHRASINGS, len(self._stems.columns))
        self._width = len(self._stems.columns) + len(self._pieces.columns)
        if not self._width:
            return
        rows, columns, values = (np.concatenate(parts) for parts in zip(
            self._stems.training_vectors(stem_found),
            self._pieces.training_vectors(piece_found), strict=True))
        self._training = _start_training(rows, columns, values,
                                         np.asarray(labels, dtype=np.intp), self._width)

    def wait(self) -> None:
        """Until the model is trained (at once when it came from the cache)."""
        with self._lock:
            if self._training is None:
                return
            model = self._training()
            store(self._key, {**model, **self._stems.arrays("stems"),
                              **self._pieces.arrays("pieces")})
            self._use(model)
            self._training = None

    def _use(self, model: dict[str, np.ndarray]) -> None:
        classes = model["classes"].astype(np.intp)
        # Feature x entry, so that a message's few features select rows.
        weights = np.zeros((self._width, self._entries), dtype=np.float32)
        weights[:, classes] = model["coefficients"].T
        self._intercepts = np.full(self._entries, UNSEEN)
        self._intercepts[classes] = model["intercepts"]
        self._weights = weights

    def margins(self, stems: Sequence[str], folded: str) -> np.ndarray:
        """Each entry's margin for a message (its known stems and its folded text); entries
        the classifier does not score get UNSEEN."""
        if self._training is not None:
            self.wait()
        if self._weights is None:
            return np.full(self._entries, UNSEEN)
        values = [*self._stems.vector(_stem_features(tuple(stems), question_forms(folded))),
                  *self._pieces.vector(word_pieces(folded.split()))]
        if not values:
            return self._intercepts.copy()
        columns = np.fromiter((c for c, _ in values), dtype=np.intp, count=len(values))
        weights = np.fromiter((v for _, v in values), dtype=float, count=len(values))
        return weights @ self._weights[columns] + self._intercepts


@lru_cache(maxsize=4)
def classifier_for(stems: tuple[tuple[str, ...], ...], folded: tuple[str, ...],
                   labels: tuple[int, ...], entries: int) -> PhrasingClassifier:
    """One classifier per set of phrasings: an edit of an answer, a meeting or a file moved
    elsewhere keeps it; training takes most of the index's build time."""
    return PhrasingClassifier(stems, folded, labels, entries)
