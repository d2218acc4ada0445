"""Throughput under faults (issue 16), each case against its fault-free peer in the same run, alternating:

  (1) load throttling: the emulator's own concurrency limit is the only source of 429s (as OCI caps the memory of
      the calls running at once). A job with the default max_workers (300, far above the limit) against the same
      job with max_workers set exactly at the limit (no 429s). Goal: at least 85 % of its throughput.
  (2) random refusals: `429=0.3` against no faults. Goal: at most 2x the fault-free time.
  (3) killed workers: `kill=0.05` against no faults (a killed detached call reports nothing).
  (4) with --full: the whole fault suite, a 10,000-call detached job under 429=0.3,5xx=0.2,kill=0.05,drop=0.02 with
      its client SIGKILLed a third of the way and the job collected by another process; every result checked.

    .venv/bin/python bench/fault_bench.py [--bin DIR] [--calls 2000] [--sleep-ms 50] [--repeat 2] [--cases 1,2,3] [--full]

Jobs run on the native worker (bench/../Tests/conformance/fault_jobs.py); docs/performance.md has the figures.
"""
import argparse
import os
import pathlib
import statistics
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
REPOSITORY = HERE.parent
sys.path.insert(0, str(REPOSITORY / "Tests" / "conformance"))
sys.path.insert(0, str(REPOSITORY / "bindings" / "python"))


def main():
    args = parse_arguments()
    directory = pathlib.Path(args.bin or subprocess.run(
        ["swift", "build", "-c", "release", "--show-bin-path"], cwd=REPOSITORY, check=True, capture_output=True,
        text=True).stdout.strip())
    os.environ["ORACLEFN_LIBRARY"] = str(directory / "liboraclefn.so")
    os.environ["ORACLEFN_CLI"] = str(directory / "oraclefn-cli")
    cases = {int(case) for case in args.cases.split(",")}
    if 1 in cases:
        load_throttling(args, limit=16)
    if 2 in cases:
        against_no_faults(args, "(2) random refusals", "429=0.3,seed=3", goal="at most 2x")
    if 3 in cases:
        against_no_faults(args, "(3) killed workers", "kill=0.05,seed=4", goal="none set; a killed call reports nothing")
    if args.full:
        full_suite()


def load_throttling(args, limit):
    """A job with the default max_workers against the same job with max_workers at the emulator's limit."""
    import fault_jobs
    from emulator_process import running_emulator
    print(f"(1) load throttling: {args.calls} calls of {args.sleep_ms} ms, the emulator runs {limit} at once")
    with running_emulator("--concurrency-mb", str(128 * limit)) as emulator:
        config, function = fault_jobs.deploy(emulator, memory=128)
        data = [f"!sleep {args.sleep_ms} {index}".encode() for index in range(args.calls)]
        timings = {"at the limit": [], "default max_workers": []}
        for _ in range(args.repeat):
            for name, options in (("at the limit", {"max_workers": limit}), ("default max_workers", {})):
                results, seconds, stats = fault_jobs.run(config, function, data, **options)
                check(results, [str(index).encode() for index in range(args.calls)])
                timings[name].append(seconds)
                report(name, args.calls, seconds, stats)
        ratio = statistics.median(timings["at the limit"]) / statistics.median(timings["default max_workers"])
        print(f"    throughput of the default against the limit: {ratio:.0%} (goal: at least 85 %)")


def full_suite():
    """10,000 calls under every fault, the client SIGKILLed a third of the way, the job collected by another."""
    import fault_jobs
    from emulator_process import running_emulator
    count = 10_000
    print(f"(4) the fault suite in full: {count} calls under 429=0.3,5xx=0.2,kill=0.05,drop=0.02, client killed")
    with running_emulator("--faults", "429=0.3,5xx=0.2,kill=0.05,drop=0.02,seed=17") as emulator:
        config, function = fault_jobs.deploy(emulator)
        _, results, seconds = fault_jobs.run_killed_and_attached(emulator, config, function, count, kill_after=count // 3)
        check(results, fault_jobs.inputs(count))
        print(f"    every result delivered once and right, in {seconds:.1f} s ({count / seconds:.1f} calls/s)")


def report(name, calls, seconds, stats):
    print(f"    {name:20} {seconds:7.2f} s  {calls / seconds:7.1f} calls/s  throttles {stats['throttles']:6}"
          f"  lowest window {stats['lowest_concurrency']}")


def against_no_faults(args, title, faults, goal):
    """The same job against an emulator without faults and one with `faults`, alternating; prints the time ratio."""
    import fault_jobs
    from emulator_process import running_emulator
    name = faults.split(",seed=")[0]
    print(f"{title}: {args.calls} calls, {name} against no faults")
    with running_emulator() as clean, running_emulator("--faults", faults) as faulty:
        targets = {"no faults": fault_jobs.deploy(clean), name: fault_jobs.deploy(faulty)}
        data = fault_jobs.inputs(args.calls)
        timings = {label: [] for label in targets}
        for _ in range(args.repeat):
            for label, (config, function) in targets.items():
                results, seconds, stats = fault_jobs.run(config, function, data)
                check(results, data)
                timings[label].append(seconds)
                report(label, args.calls, seconds, stats)
        ratio = statistics.median(timings[name]) / statistics.median(timings["no faults"])
        print(f"    time under {name} against no faults: {ratio:.2f}x (goal: {goal})")


def check(results, expected):
    wrong = [index for index, (got, want) in enumerate(zip(results, expected)) if got != want]
    if len(results) != len(expected) or wrong:
        raise SystemExit(f"wrong results: {len(results)} of {len(expected)}, first wrong {wrong[:5]}: "
                         f"{[results[index] for index in wrong[:3]]}")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", help="directory of liboraclefn.so and oraclefn-cli (default: the release build)")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--sleep-ms", type=int, default=50, help="how long each call of case (1) runs")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--cases", default="1,2,3", help="which of the cases (1), (2), (3) to run, e.g. 3 or 1,2")
    parser.add_argument("--full", action="store_true", help="also run the 10,000-call fault suite")
    return parser.parse_args()


if __name__ == "__main__":
    main()
