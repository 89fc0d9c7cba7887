"""The Dask adapter on a real two-process cluster: same columns, dtypes and values as pandas; one load per worker."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe", reason="dask is not installed (pip install 'lmclassify[dask]')")
distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed (the dask extra)")

from lmclassify import ModelError, default_model, load_model  # noqa: E402
from lmclassify.cache import load_counts  # noqa: E402
from lmclassify.integrations.dask import classify_frame  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def frame(corpus) -> pd.DataFrame:
    sample = corpus[["id", "text"]].head(400).copy()
    sample.loc[sample.index[[3, 50]], "text"] = ["", None]
    sample["score"] = range(len(sample))
    return sample.set_index(pd.RangeIndex(1000, 1000 + len(sample)))


def pandas_result(frame: pd.DataFrame, model=None) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return (model or default_model()).classify_frame(frame)


def test_same_columns_dtypes_and_values_as_pandas(client, frame):
    lazy = classify_frame(dd.from_pandas(frame, npartitions=8))
    computed = lazy.compute()
    reference = pandas_result(frame)
    added = [name for name in reference.columns if name not in frame.columns]
    assert list(lazy.columns) == list(reference.columns)
    assert lazy.dtypes[added].to_dict() == reference.dtypes[added].to_dict()
    assert computed.dtypes[added].to_dict() == reference.dtypes[added].to_dict()
    assert computed.index.tolist() == frame.index.tolist()
    pd.testing.assert_frame_equal(computed[added], reference[added])
    assert computed["label"].isna().sum() == 2


def test_each_worker_process_loads_the_model_once(client, frame):
    classify_frame(dd.from_pandas(frame, npartitions=12)).compute()
    classify_frame(dd.from_pandas(frame, npartitions=6)).compute()
    counts = client.run(load_counts)  # worker address -> that process's load counts
    assert len(counts) == 2
    assert all(worker_counts.get(None, 0) <= 1 for worker_counts in counts.values())
    assert sum(worker_counts.get(None, 0) for worker_counts in counts.values()) >= 1


def test_a_model_file_is_passed_by_path(client, frame, small_model_dir):
    path = small_model_dir / "default.npz"
    reference = pandas_result(frame, load_model(path))
    for model in (str(path), path, load_model(path)):
        computed = classify_frame(dd.from_pandas(frame, npartitions=4), model=model).compute()
        pd.testing.assert_series_equal(computed["confidence"], reference["confidence"])


def test_empty_partitions_keep_the_dtypes(client, frame):
    ddf = dd.from_pandas(frame, npartitions=4)
    only_some = ddf[ddf["score"] < 10]  # three of the four partitions become empty
    computed = classify_frame(only_some).compute()
    reference = pandas_result(frame[frame["score"] < 10])
    assert computed.dtypes.to_dict() == classify_frame(only_some).dtypes.to_dict()
    pd.testing.assert_frame_equal(computed[["label", "confidence"]], reference[["label", "confidence"]])


def test_errors_come_before_any_computation(tmp_path, frame):
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(KeyError, match="'body' not found"):
        classify_frame(ddf, column="body")
    bad = tmp_path / "model.npz"
    bad.write_bytes(b"junk")
    with pytest.raises(ModelError, match=r"model\.npz"):
        classify_frame(ddf, model=bad)
    with pytest.raises(TypeError, match="path"):
        classify_frame(ddf, model=42)


def test_a_gold_label_is_refused_by_name_and_a_prefix_adds_beside_it(client, frame):
    from lmclassify import ColumnError

    gold = frame.assign(label="management")
    with pytest.raises(ColumnError, match=r"\['label'\].*prefix="):
        classify_frame(dd.from_pandas(gold, npartitions=2))
    out = classify_frame(dd.from_pandas(gold, npartitions=2), prefix="predicted_").compute()
    expected = pandas_result(frame)
    assert (out["label"] == "management").all()
    assert out["predicted_label"].tolist() == expected["label"].tolist()
    pd.testing.assert_series_equal(out["predicted_p_leadership"], expected["p_leadership"], check_names=False)
