"""The timeline and concurrency charts, from per-call stats (no functions run here)."""
import os
import sys

import pytest

from oraclefn import plots

pytest.importorskip("matplotlib")
from matplotlib import image  # noqa: E402


def stats_of(calls, origin=1_000.0):
    """Stats of calls given as (submit, start, end) offsets from `origin`."""
    return [{"host_job_create_tstamp": origin, "host_submit_tstamp": origin + submit,
             "worker_start_tstamp": origin + start, "worker_end_tstamp": origin + end,
             "host_status_done_tstamp": origin + end + 0.1, "host_result_done_tstamp": origin + end + 0.15}
            for submit, start, end in calls]


def colours(path):
    pixels = image.imread(path)
    return {tuple(p) for p in pixels.reshape(-1, pixels.shape[-1])[::5]}


def test_the_timeline_has_a_marker_per_step(tmp_path):
    stats = stats_of([(0.01 * i, 0.1 + 0.02 * i, 0.5 + 0.02 * i) for i in range(50)])
    path = plots.create_timeline(stats, str(tmp_path / "run"))
    assert path == str(tmp_path / "run_timeline.png")
    assert os.path.getsize(path) > 10_000
    assert len(colours(path)) > 10


def test_the_histogram_draws_each_run_and_the_running_count(tmp_path):
    stats = stats_of([(0, i % 5, i % 5 + 2) for i in range(40)])
    path = plots.create_histogram(stats, str(tmp_path / "run"))
    assert path == str(tmp_path / "run_histogram.png")
    assert os.path.getsize(path) > 10_000
    assert len(colours(path)) > 10


def test_function_timings_are_preferred_to_the_worker_s(tmp_path):
    stats = stats_of([(0, 1, 3)])
    stats[0]["worker_func_start_tstamp"] = stats[0]["worker_start_tstamp"] + 0.5
    assert os.path.exists(plots.create_timeline(stats, str(tmp_path / "one")))


def test_concurrency_counts_the_calls_running_at_each_time():
    times, running = plots.concurrency([(0, 10), (0, 5), (5, 10)], samples=11)
    assert times == [float(t) for t in range(11)]
    assert running == [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0]
    assert plots.concurrency([]) == ([], [])


def test_the_default_destination_is_the_plots_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert plots.destination(clock=lambda: 1_795_000_000.7) == os.path.join("plots", "1795000000")
    assert (tmp_path / "plots").is_dir()
    assert plots.destination(str(tmp_path / "deep" / "er" / "job")) == str(tmp_path / "deep" / "er" / "job")
    assert (tmp_path / "deep" / "er").is_dir()


def test_without_matplotlib_the_error_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"pip install 'oraclefn\[plots\]'"):
        plots.create_timeline(stats_of([(0, 1, 2)]), str(tmp_path / "x"))
