"""The one-to-one assignment of a run of overlapping mentions: gold and predicted spans paired
so as to maximise, in this order, the pairs a scheme calls correct, the matched pairs, then a
tie-break preferring same boundaries, then same label, then the larger overlap (IoU).

Only overlapping pairs get a weight (found by bisection on the sorted starts, so a run of n
spans costs O(n log n), not an n-by-m matrix). Where no span overlaps more than two of the
other side and the overlaps form no cycle (a chain, e.g. every prediction straddling two gold
spans), the best matching is an exact dynamic programme along each chain; otherwise
``max_weight_assignment`` on the weights (the Jonker-Volgenant solver of the ``lap`` package).
The weights make every scheme's counts (its correct pairs, then the matched pairs) the same for
every best assignment, whichever of equals the solver returns.

>>> S = lambda s, e, l: (s, e, l, None)
>>> best_pairs([S(0, 5, "PER"), S(6, 9, "ORG")], [S(0, 5, "ORG"), S(6, 9, "ORG")],
...            lambda same_bounds, same_label: same_bounds and same_label)
[(0, 0), (1, 1)]
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import lap
import numpy as np


def enough_overlap(g, p, min_overlap: float) -> bool:
    """nervaluate 1.2.1's test: the overlap of spans ``g`` (gold) and ``p`` is at least
    ``min_overlap`` percent of the gold span (the same float expression, so the boundary cases
    agree)."""
    return (min(g[1], p[1]) - max(g[0], p[0])) / (g[1] - g[0]) * 100.0 >= min_overlap


def span_order(span) -> tuple:
    """The order spans are sorted in before they are assigned (start, end, label, entity), so a
    result never depends on the order of the predictions."""
    return span[0], span[1], span[2], span[3] or ""


def best_pairs(golds: list, preds: list, is_correct, min_overlap: float = 0.0) -> list[tuple[int, int]]:
    """One-to-one pairs of overlapping spans maximising, in order: pairs ``is_correct`` calls
    correct, matched pairs, then same boundaries, same label, IoU (a tie-break below 1).
    Both lists sorted by ``span_order``; ``is_correct(same_bounds, same_label)`` is a scheme's
    test (``Scheme.is_correct``). Spans overlapping less than ``min_overlap`` percent of the
    gold span never pair.
    """
    m = min(len(golds), len(preds))
    matched_weight = m + 1                        # > any total of tie-breaks (each < 1)
    correct_weight = m * (matched_weight + 1) + 1  # > any total of matched weights and tie-breaks
    edges = []  # (weight, gold index, pred index)
    for i, j in overlapping_pairs(golds, preds):
        gs, ge, gl, _ = golds[i]
        ps, pe, pl, _ = preds[j]
        if min_overlap and not enough_overlap((gs, ge), (ps, pe), min_overlap):
            continue
        same_bounds, same_label = gs == ps and ge == pe, gl == pl
        iou = (min(ge, pe) - max(gs, ps)) / (max(ge, pe) - min(gs, ps))
        edges.append((correct_weight * bool(is_correct(same_bounds, same_label))
                      + matched_weight + (4 * same_bounds + 2 * same_label + iou) / 8, i, j))
    if not edges:
        return []
    if len(golds) == 1 or len(preds) == 1:
        # one side has a single span: the best pair is a max (the first among equals)
        best = max(edges, key=lambda t: (t[0], -t[1], -t[2]))
        return [(best[1], best[2])]
    paths = chains(edges, len(golds))
    if paths is not None:
        return sorted(pair for path in paths for pair in best_on_chain(path))
    return dense_assignment(edges, len(golds), len(preds))


def overlapping_pairs(golds: list, preds: list) -> list[tuple[int, int]]:
    """``(i, j)`` of every gold and predicted span that overlap; both lists sorted by start.

    Two spans overlap exactly when one starts inside the other, so each pair is found once
    from the later-starting side (a gold span wins ties of start)."""
    gold_starts = [g[0] for g in golds]
    pred_starts = [p[0] for p in preds]
    pairs = []
    for i, g in enumerate(golds):  # predictions starting inside gold i (or with it)
        for j in range(bisect_left(pred_starts, g[0]), bisect_left(pred_starts, g[1])):
            pairs.append((i, j))
    for j, p in enumerate(preds):  # gold spans starting strictly inside prediction j
        for i in range(bisect_right(gold_starts, p[0]), bisect_left(gold_starts, p[1])):
            pairs.append((i, j))
    return pairs


def chains(edges: list, n_gold: int) -> list[list] | None:
    """The edges as chains (paths, each edge list in path order) when no node touches more
    than two edges and there is no cycle; else None. Nodes: gold ``i``, prediction ``n_gold + j``."""
    touching: dict[int, list] = {}
    for edge in edges:
        for node in (edge[1], n_gold + edge[2]):
            at = touching.setdefault(node, [])
            if len(at) == 2:
                return None
            at.append(edge)
    paths, used = [], set()
    for node in sorted(touching):  # walk each path from one of its two ends
        if len(touching[node]) != 1 or id(touching[node][0]) in used:
            continue
        chain, edge = [], touching[node][0]
        while edge is not None:
            used.add(id(edge))
            chain.append(edge)
            ends = (edge[1], n_gold + edge[2])
            node = ends[1] if node == ends[0] else ends[0]  # step to the edge's other end
            edge = next((e for e in touching[node] if id(e) not in used), None)
        paths.append(chain)
    if len(used) != len(edges):  # the edges left over form cycles
        return None
    return paths


def best_on_chain(chain: list) -> list[tuple[int, int]]:
    """Heaviest set of edges of a path no two of which share a node (consecutive edges do).

    ``best[k]``: the best total over the first k edges; taking edge k excludes edge k - 1.
    Among equal totals, the earlier edge is kept."""
    best = [0.0, chain[0][0]]
    for k in range(1, len(chain)):
        best.append(max(best[k], best[k - 1] + chain[k][0]))
    pairs, k = [], len(chain)
    while k > 0:
        if k >= 2 and best[k] == best[k - 1]:  # edge k - 1 (0-based) is not needed
            k -= 1
        else:
            pairs.append((chain[k - 1][1], chain[k - 1][2]))
            k -= 2
    return pairs


def dense_assignment(edges: list, n_gold: int, n_pred: int) -> list[tuple[int, int]]:
    """The heaviest one-to-one pairs of ``(weight, gold index, pred index)`` edges, by
    ``max_weight_assignment`` on the full weight matrix (cycles, spans overlapping many)."""
    weights = np.zeros((n_gold, n_pred))
    for w, i, j in edges:
        weights[i, j] = w
    rows, cols = max_weight_assignment(weights)
    return [(int(i), int(j)) for i, j in zip(rows, cols) if weights[i, j] > 0]


def max_weight_assignment(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, cols)`` of a one-to-one assignment with the largest total weight, every row or
    every column assigned (whichever side is smaller), rows ascending: the contract of
    ``scipy.optimize.linear_sum_assignment(weights, maximize=True)``, which the tests use as the
    oracle. Solved by ``lap.lapjv`` (Jonker-Volgenant) on the square matrix of costs
    ``-weights`` padded with zeros: a padded row or column costs the same whatever it is paired
    with, so the padding never changes which real pairs are best.

    >>> max_weight_assignment(np.array([[1.0, 5.0, 0.0], [4.0, 1.0, 0.0]]))
    (array([0, 1]), array([1, 0]))
    """
    n, m = weights.shape
    if not n or not m:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    cost = np.zeros((max(n, m),) * 2)
    cost[:n, :m] = -weights
    _, column_of_row, _ = lap.lapjv(cost)
    rows = np.arange(n)
    cols = column_of_row[:n].astype(np.intp)
    real = cols < m
    return rows[real], cols[real]


#: totals of two assignments closer than this are taken as tied (weights are similarities, at
#: most 1, and the solver's rounding errors are many orders of magnitude smaller)
TIE = 1e-9


def tied_alternative(weights: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> bool:
    """Whether another assignment, of a total within ``TIE`` of the best assignment
    ``(rows, cols)``'s (``max_weight_assignment``'s), differs from it in a pair of positive
    weight (weights are at least 0). False proves that every best assignment has the pairs of
    positive weight ``(rows, cols)`` has, whichever of equals a solver returns.

    Such an alternative drops one of those pairs (adding a positive pair while keeping them all
    would only drop pairs of weight 0: a better assignment). So the best one solved again with
    each of them ``2 * TIE`` lighter keeps them all unless an alternative drops one within
    ``TIE``: it is then better by ``TIE`` at least. (An alternative within ``2 * TIE`` per pair
    dropped may also be found: a false alarm costs only time.)
    """
    kept = weights[rows, cols] > 0
    if not kept.any():
        return False
    lighter = weights.copy()
    lighter[rows[kept], cols[kept]] -= 2 * TIE
    again_rows, again_cols = max_weight_assignment(lighter)
    again = set(zip(again_rows.tolist(), again_cols.tolist()))
    return not all(pair in again for pair in zip(rows[kept].tolist(), cols[kept].tolist()))
