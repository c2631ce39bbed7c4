"""Which entry a message looks like, learnt from the phrasings by a linear classifier.

The lexical ranking asks how well one phrasing covers the message. This asks which entry's
phrasings as a whole the message's stems, pairs of stems and letter pieces look like, with
weights learnt to tell entries apart (a linear support vector machine, one entry against the
rest): "ile kosztuje" weighs for the fees, "kto może" for who may join, although both share
most of their words with their siblings. It learns only from the knowledge's own phrasings.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise

import numpy as np

from bot.char_grams import word_pieces
from bot.model_cache import fingerprint, remembered
from bot.question_form import question_forms

C = 0.5  # regularisation of the support vector machine
MIN_PIECE_PHRASINGS = 2  # a letter piece of one phrasing only is noise, not evidence
# One model per entry: beyond this many entries training takes too long for a start-up, and
# the lexical ranking decides alone.
MAX_ENTRIES = 300
FORMAT = "phrasing-svm-2"  # change when the features or the training change
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

    def __init__(self, texts: Sequence[Counter[str]], min_texts: int, first_column: int
                 ) -> None:
        frequency = Counter(f for found in texts for f in found)
        total = len(texts)
        kept = sorted(f for f, n in frequency.items() if n >= min_texts)
        self.columns = {f: first_column + i for i, f in enumerate(kept)}
        self.idf = {f: math.log((1 + total) / (1 + frequency[f])) + 1 for f in kept}
        self.unseen_idf = math.log(1 + total) + 1

    def training_vectors(self, texts: Sequence[Counter[str]]
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The training texts' vectors at once: row, column and value of every entry."""
        rows, columns, counts, idf = [], [], [], []
        for row, found in enumerate(texts):
            for f, n in found.items():
                if (column := self.columns.get(f)) is not None:
                    rows.append(row)
                    columns.append(column)
                    counts.append(n)
                    idf.append(self.idf[f])
        row_of = np.array(rows, dtype=np.intp)
        values = (1 + np.log(np.array(counts, dtype=float))) * np.array(idf)
        norms = np.sqrt(np.bincount(row_of, values * values, minlength=len(texts)))
        return row_of, np.array(columns, dtype=np.intp), values / np.where(
            norms > 0, norms, 1.0)[row_of]

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


def _train(rows: np.ndarray, columns: np.ndarray, values: np.ndarray, labels: np.ndarray,
           width: int) -> dict[str, np.ndarray]:
    # Imported here: a model from the cache needs numpy only, and the import takes ~0.8 s.
    from scipy.sparse import csr_matrix
    from sklearn.svm import LinearSVC

    matrix = csr_matrix((values, (rows, columns)), shape=(len(labels), width))
    model = LinearSVC(C=C, random_state=0).fit(matrix, labels)  # the same data, the same model
    coefficients, intercepts = model.coef_, model.intercept_
    if len(model.classes_) == 2:  # a binary model has one row, for the second class
        coefficients = np.vstack([-coefficients, coefficients])
        intercepts = np.concatenate([-intercepts, intercepts])
    return {"classes": np.asarray(model.classes_, dtype=np.int64),
            "coefficients": coefficients, "intercepts": intercepts}


class PhrasingClassifier:
    """Scores every entry (a margin: above 0 means "this one rather than the rest")."""

    def __init__(self, stems: Sequence[Sequence[str]], folded: Sequence[str],
                 labels: Sequence[int], entries: int) -> None:
        """`stems`: each phrasing's stems; `folded`: each phrasing folded; `labels`: each
        phrasing's entry index; `entries`: how many entries there are."""
        self._entries = entries
        self._weights: np.ndarray | None = None
        if not 2 <= len(set(labels)) <= MAX_ENTRIES:
            return
        stem_found = [_stem_features(tuple(s), question_forms(f))
                      for s, f in zip(stems, folded, strict=True)]
        piece_found = [word_pieces(f.split()) for f in folded]
        self._stems = _Block(stem_found, 1, 0)
        self._pieces = _Block(piece_found, MIN_PIECE_PHRASINGS, len(self._stems.columns))
        width = len(self._stems.columns) + len(self._pieces.columns)
        if not width:
            return
        rows, columns, values = (np.concatenate(parts) for parts in zip(
            self._stems.training_vectors(stem_found),
            self._pieces.training_vectors(piece_found), strict=True))
        labelled = np.asarray(labels, dtype=np.intp)
        key = fingerprint([f"{FORMAT} C={C} width={width}".encode(),
                           *(np.asarray(a, dtype=np.int64).tobytes()
                             for a in (rows, columns, labelled)), values.tobytes()])
        model = remembered(key, lambda: _train(rows, columns, values, labelled, width))
        classes = model["classes"].astype(np.intp)
        coefficients, intercepts = model["coefficients"], model["intercepts"]
        # Feature x entry, so that a message's few features select rows.
        self._weights = np.zeros((width, entries), dtype=np.float32)
        self._weights[:, classes] = coefficients.T
        self._intercepts = np.full(entries, UNSEEN)
        self._intercepts[classes] = intercepts

    def margins(self, stems: Sequence[str], folded: str) -> np.ndarray:
        """Each entry's margin for a message (its known stems and its folded text); entries
        the classifier does not score get UNSEEN."""
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
