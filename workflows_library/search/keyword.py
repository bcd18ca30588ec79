"""BM25 over weighted card fields; reports which fields matched so results can explain themselves.

`shares` puts a card's score on a scale that means the same for every query: the part of the query's
information (its words weighted by rarity) the card matches. Words no card has count at full rarity, so
a request in other words than the cards' gets small shares however its generic words ('video', 'clip')
happen to match."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

FIELD_WEIGHTS = {
    "title": 3.0,
    "tasks": 2.5,
    "tags": 2.0,
    "id": 1.5,
    "category": 1.0,
    "description": 1.0,
    "inputs": 0.25,  # input descriptions are mostly generic words ('video to trim', 'the clip')
    "models": 0.5,
}
STOPWORDS = frozenset(
    "a an and are as at be by can for from i in into is it me my of on or so the this that to with "
    "want need please make some get use using your you our we".split()
)
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")


def stem(token: str) -> str:
    """Crude suffix stripping: enough to match 'videos'/'video', 'upscaling'/'upscale'."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("es", ""), ("s", ""), ("ed", ""), ("e", "")):
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            return token[: -len(suffix)] + keep
    return token


def tokenize(text: str) -> list[str]:
    return [stem(t) for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS]


@dataclass(frozen=True)
class KeywordMatch:
    score: float
    fields: tuple[str, ...]


@dataclass
class KeywordIndex:
    """Inverted index: term -> {doc: weighted term frequency}, plus which fields each term hit."""

    k1: float = 1.2
    b: float = 0.75
    _postings: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    _term_fields: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    _lengths: dict[str, float] = field(default_factory=dict)
    _norm_cache: dict[str, float] | None = None

    @classmethod
    def build(cls, documents: dict[str, dict[str, str]]) -> KeywordIndex:
        index = cls()
        for doc_id, fields in documents.items():
            index.add(doc_id, fields)
        return index

    def add(self, doc_id: str, fields: dict[str, str]) -> None:
        weighted: Counter[str] = Counter()
        length = 0.0
        for name, text in fields.items():
            weight = FIELD_WEIGHTS.get(name, 1.0)
            for term in tokenize(text):
                weighted[term] += weight
                length += weight
                self._term_fields[(term, doc_id)].add(name)
        for term, tf in weighted.items():
            self._postings[term][doc_id] = tf
        self._lengths[doc_id] = length
        self._norm_cache = None

    def _norms(self) -> dict[str, float]:
        """BM25 length normalisation per document, computed once per index state."""
        if self._norm_cache is None:
            avg_len = sum(self._lengths.values()) / len(self._lengths)
            self._norm_cache = {
                doc_id: self.k1 * (1 - self.b + self.b * length / avg_len)
                for doc_id, length in self._lengths.items()
            }
        return self._norm_cache

    def _idf(self, term: str) -> float:
        """BM25's idf; a word no card has gets the highest (document frequency 0)."""
        frequency = len(self._postings.get(term) or ())
        return math.log(1 + (len(self._lengths) - frequency + 0.5) / (frequency + 0.5))

    def scores(self, query: str) -> dict[str, float]:
        if not self._lengths:
            return {}
        norms = self._norms()
        scores: dict[str, float] = defaultdict(float)
        for term in set(tokenize(query)):
            postings = self._postings.get(term)
            if not postings:
                continue
            boost = self._idf(term) * (self.k1 + 1)
            for doc_id, tf in postings.items():
                scores[doc_id] += boost * tf / (tf + norms[doc_id])
        return scores

    def shares(self, query: str, rarity_power: float = 1.0) -> dict[str, float]:
        """Scores as a part (0..1) of BM25's bound for the query (every word matched with unbounded term
        frequency): comparable across queries, unlike raw BM25.

        `rarity_power` above 1 weighs each word by its idf raised to that power, so rare words (names such as
        'mochi', 'sdxl') carry the share and common ones ('video', 'clip') barely move it; 1 is plain BM25."""
        if not self._lengths:
            return {}
        norms = self._norms()
        weights = {term: self._idf(term) ** rarity_power * (self.k1 + 1) for term in set(tokenize(query))}
        bound = sum(weights.values())
        if not bound:
            return {}
        shares: dict[str, float] = defaultdict(float)
        for term, weight in weights.items():
            for doc_id, tf in (self._postings.get(term) or {}).items():
                shares[doc_id] += weight * tf / (tf + norms[doc_id]) / bound
        return dict(shares)

    def matched_fields(self, query: str, doc_id: str) -> tuple[str, ...]:
        """Which fields of one document the query's terms hit (asked only for the hits shown)."""
        fields: set[str] = set()
        for term in set(tokenize(query)):
            fields |= self._term_fields.get((term, doc_id), set())
        order = list(FIELD_WEIGHTS)
        return tuple(sorted(fields, key=lambda f: order.index(f) if f in order else 99))

    def search(self, query: str) -> dict[str, KeywordMatch]:
        return {
            doc_id: KeywordMatch(score, self.matched_fields(query, doc_id))
            for doc_id, score in self.scores(query).items()
        }
