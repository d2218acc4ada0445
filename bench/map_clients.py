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


#: case -> (function, inputs for N calls, check of the results), as docs/performance.md lists them
CASES = {
    "plus-one": (plus_one, lambda n: list(range(n)), lambda results, n: results == [x + 1 for x in range(n)]),
    "args-1mb": (length, lambda n: [megabyte(i) for i in range(n)], lambda results, n: results == [MIB] * n),
    "results-1mb": (megabyte, lambda n: list(range(n)), lambda results, n: results == [megabyte(i) for i in range(n)]),
}


def run(library, case, calls):
    if library == "lithops":
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from lithops_endpoints import point_lithops_at_configured_endpoints
        import lithops as api

        point_lithops_at_configured_endpoints()
    else:
        import oraclefn as api

    function, make_inputs, check = CASES[case]
    inputs = make_inputs(calls)  # made before the measurement: the job's data, not the client's work
    measurement = Measurement()
    executor = api.FunctionExecutor()
    futures = executor.map(function, inputs)
    results = executor.get_result(futures)
    result = measurement.stop(calls=calls)
    if not check(results, calls):
        raise SystemExit(f"{library} returned wrong results for {case} ({calls} calls): "
                         f"{repr(results)[:200]}")
    return result


def main(argv):
    if len(argv) != 3 or argv[0] not in ("lithops", "oraclefn") or argv[1] not in CASES:
        raise SystemExit(__doc__)
    print(json.dumps(run(argv[0], argv[1], int(argv[2]))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
