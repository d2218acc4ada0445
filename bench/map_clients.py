"""The measured clients of bench/lithops_bench.py: one map job with Lithops or with oraclefn, each in a process of
its own so that its CPU time and peak RSS are its alone. Prints one JSON object: calls, seconds, cpu_seconds
(user + system of this process from creating the executor until every result is back and checked) and
max_rss_kb (the process's peak, start-up included).

    LITHOPS_CONFIG_FILE=FILE python bench/map_clients.py lithops|oraclefn CASE CALLS

The executor finds its configuration where Lithops looks (LITHOPS_CONFIG_FILE), so both clients are the same
program but for the import. The job functions live in this file, which runs as __main__, so both ship them by
value with cloudpickle.
"""
import json
import os
import sys

from clients import Measurement

MIB = 1024 * 1024


def plus_one(x):
    return x + 1


def length(data):
    return len(data)


def megabyte(i):
    return bytes([i % 256]) * MIB


#: case -> (function, its input for call i, its result for call i), as docs/performance.md lists them
CASES = {
    "plus-one": (plus_one, lambda i: i, lambda i: i + 1),
    "args-1mb": (length, megabyte, lambda i: MIB),
    "results-1mb": (megabyte, lambda i: i, megabyte),
}


def run(library, case, calls):
    if library == "lithops":
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from lithops_endpoints import point_lithops_at_configured_endpoints
        import lithops as api

        point_lithops_at_configured_endpoints()
    else:
        import oraclefn as api

    function, make_input, expected = CASES[case]
    inputs = [make_input(i) for i in range(calls)]  # made before the measurement: the job's data
    measurement = Measurement()
    executor = api.FunctionExecutor()
    futures = executor.map(function, inputs)
    # a call that failed gives None here and is counted; every other result must be right
    results = executor.get_result(futures, throw_except=False)
    failed = [i for i, future in enumerate(futures) if future.error]
    result = measurement.stop(calls=calls, failed_calls=len(failed))
    wrong = [i for i, value in enumerate(results) if i not in failed and value != expected(i)]
    if len(results) != calls or wrong:
        raise SystemExit(f"{library} returned {len(results)} results for {case} ({calls} calls), "
                         f"{len(wrong)} of them wrong, e.g. call {wrong[:1]}")
    if failed:
        result["failure"] = _failure(futures[failed[0]])
    return result


def _failure(future):
    """What the first failed call raised, in one line."""
    try:
        future.result()
    except BaseException as error:  # noqa: B902 - whatever the call raised is what is reported
        return f"{type(error).__name__}: {error}"[:300]
    return "unknown"


def main(argv):
    if len(argv) != 3 or argv[0] not in ("lithops", "oraclefn") or argv[1] not in CASES:
        raise SystemExit(__doc__)
    print(json.dumps(run(argv[0], argv[1], int(argv[2]))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
