"""Discovery of what the intent taxonomy misses: clusters of the messages of unclassified contacts.

Pure: ids and texts in, clusters out. Method: TF-IDF of word 1-2-grams (English stop words removed, sublinear
term frequency) -> truncated SVD (latent semantic analysis, at most SVD_COMPONENTS dimensions) -> rows scaled to
unit length -> k-means. Unless `n_clusters` is given, k is chosen over K_RANGE by the mean silhouette (cosine) of
the clustering, measured on at most SILHOUETTE_SAMPLE texts; ties go to the smaller k.

Each cluster carries:
- `top_terms`: the terms of highest mean TF-IDF weight over its members (what its messages talk about);
- examples: the members nearest the cluster's centre (most typical first);
- `cohesion`: the mean cosine similarity of its members to the cluster's centre in the reduced space, 0-1
  (1 = every member says the same thing).
Texts without a single counted term (empty, or only stop words) are left out of every cluster and counted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

DISCOVERY_VERSION = "intent-discovery-1/tfidf-w12-svd-kmeans-silhouette"
CLUSTERED = "clustered"
INSUFFICIENT = "insufficient_data"
MIN_TEXTS = 20
MIN_CLUSTER_SHARE_TEXTS = 5  # k is at most (texts / 5): a cluster should have a few members to read
K_RANGE = range(2, 13)
SVD_COMPONENTS = 100
SILHOUETTE_SAMPLE = 3000
TOP_TERMS = 8
EXAMPLES = 5


@dataclass(frozen=True)
class IntentCluster:
    cluster_id: int  # 1 = the largest cluster
    size: int
    top_terms: tuple[str, ...]
    example_ids: tuple[str, ...]
    example_texts: tuple[str, ...]
    cohesion: float
    member_ids: tuple[str, ...]


@dataclass(frozen=True)
class Discovery:
    status: str
    reason: str | None
    n_texts: int
    n_without_terms: int = 0
    k: int = 0
    silhouette: float | None = None
    clusters: tuple[IntentCluster, ...] = ()


def _vectorizer(n_texts: int) -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=(1, 2), stop_words="english", sublinear_tf=True,
                           min_df=2 if n_texts >= 50 else 1, token_pattern=r"(?u)\b[^\W\d_][^\W\d_]+\b")


def _kmeans(points: np.ndarray, k: int, random_state: int) -> np.ndarray:
    return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit_predict(points)


def _choose_k(points: np.ndarray, candidates: Sequence[int], random_state: int) -> tuple[int, np.ndarray, float]:
    best: tuple[int, np.ndarray, float] | None = None
    sample = min(SILHOUETTE_SAMPLE, len(points))
    for k in candidates:
        labels = _kmeans(points, k, random_state)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(points, labels, metric="cosine", sample_size=sample,
                                       random_state=random_state))
        if best is None or score > best[2] + 1e-9:
            best = (k, labels, score)
    if best is None:
        raise ValueError("no clustering with two or more clusters")
    return best


def discover_clusters(ids: Sequence[str], texts: Sequence[str], *, n_clusters: int | None = None,
                      random_state: int = 0) -> Discovery:
    """Cluster the texts (one per id; rows are taken in id order); the largest cluster first."""
    ids = [str(i) for i in ids]
    texts = ["" if t is None else str(t) for t in texts]
    if len(ids) != len(texts):
        raise ValueError(f"{len(ids)} ids and {len(texts)} texts: they must be as many")
    order = sorted(range(len(ids)), key=lambda i: ids[i])  # the same clusters whatever the row order
    ids, texts = [ids[i] for i in order], [texts[i] for i in order]
    if len(texts) < MIN_TEXTS:
        return Discovery(INSUFFICIENT, f"{len(texts)} texts, fewer than the {MIN_TEXTS} needed to cluster",
                         len(texts))
    vectorizer = _vectorizer(len(texts))
    try:
        weights = vectorizer.fit_transform(texts)
    except ValueError:  # not a single term in any text
        return Discovery(INSUFFICIENT, "no text has a word to cluster on", len(texts), n_without_terms=len(texts))
    has_terms = np.asarray(weights.getnnz(axis=1) > 0)
    n_without = int((~has_terms).sum())
    kept = np.flatnonzero(has_terms)
    if len(kept) < MIN_TEXTS:
        return Discovery(INSUFFICIENT, f"{len(kept)} texts with words, fewer than the {MIN_TEXTS} needed to cluster",
                         len(texts), n_without_terms=n_without)
    weights = weights[kept]
    components = min(SVD_COMPONENTS, weights.shape[1] - 1, len(kept) - 1)
    if components >= 2:
        reduced = TruncatedSVD(n_components=components, random_state=random_state).fit_transform(weights)
    else:
        reduced = weights.toarray()
    points = normalize(reduced)
    max_k = max(2, len(kept) // MIN_CLUSTER_SHARE_TEXTS)
    if n_clusters is not None:
        if not 2 <= n_clusters <= len(kept):
            raise ValueError(f"n_clusters {n_clusters} must be between 2 and the {len(kept)} texts with words")
        labels = _kmeans(points, n_clusters, random_state)
        silhouette = float(silhouette_score(points, labels, metric="cosine",
                                            sample_size=min(SILHOUETTE_SAMPLE, len(points)),
                                            random_state=random_state)) if len(set(labels)) > 1 else None
        k = n_clusters
    else:
        candidates = [k for k in K_RANGE if k <= max_k]
        k, labels, silhouette = _choose_k(points, candidates, random_state)

    terms = np.asarray(vectorizer.get_feature_names_out())
    clusters = []
    for label in sorted(set(labels.tolist())):
        members = np.flatnonzero(labels == label)
        centre = points[members].mean(axis=0)
        norm = float(np.linalg.norm(centre))
        unit_centre = centre / norm if norm > 0 else centre
        similarity = points[members] @ unit_centre
        mean_weights = np.asarray(weights[members].mean(axis=0)).ravel()
        top = np.argsort(-mean_weights, kind="stable")[:TOP_TERMS]
        nearest = members[np.lexsort((np.array([ids[kept[m]] for m in members]), -similarity))][:EXAMPLES]
        clusters.append((
            len(members),
            tuple(str(terms[t]) for t in top if mean_weights[t] > 0),
            tuple(ids[kept[m]] for m in nearest),
            tuple(texts[kept[m]] for m in nearest),
            float(np.clip(similarity.mean(), 0.0, 1.0)),
            tuple(sorted(ids[kept[m]] for m in members)),
        ))
    clusters.sort(key=lambda c: (-c[0], c[1]))
    return Discovery(
        status=CLUSTERED, reason=None, n_texts=len(texts), n_without_terms=n_without, k=k, silhouette=silhouette,
        clusters=tuple(IntentCluster(i, *c) for i, c in enumerate(clusters, start=1)),
    )


def input_hash(ids: Sequence[str], texts: Sequence[str]) -> str:
    """A fingerprint of the texts to cluster, independent of row order (16 hex digits)."""
    digest = hashlib.sha256()
    for i, text in sorted(zip((str(i) for i in ids), ("" if t is None else str(t) for t in texts), strict=True)):
        digest.update(f"{i}\x1f{text}\x1e".encode())
    return digest.hexdigest()[:16]
