"""The map benchmark of issue 13: Lithops 3.8.0's own oracle_f/oracle_oss backends against oraclefn, on one emulator.

Runs the same map jobs with each, alternating run by run, against one `oraclefn-cli emulator`:
  plus-one     N calls of x + 1 (N = 100 and 1,000)
  args-1mb     100 calls, each given a 1 MiB bytes argument (returns its length)
  results-1mb  100 calls, each returning 1 MiB of bytes
and prints, for each run, wall time and client CPU (user + system of the client process, from creating the
executor until every result is back and checked; bench/map_clients.py), then each case's medians and the ratios
Lithops / oraclefn.

    bench/lithops_bench.sh [--repeat 3] [--cases plus-one-100 args-1mb] [--bin DIR] [--json FILE]

bench/lithops_bench.sh makes the benchmark's own venv (.venv-bench-lithops: lithops==3.8.0 with the older oci
SDK its deploy_runtime needs, fdk, cloudpickle) and runs this file with it. Both clients run in that venv, and so
do both workers: Lithops' own (its oracle_f entry point under the fdk, bench/lithops_worker.py, which the
emulator's --images maps Lithops' runtime image to) and oraclefn's (the emulator's oraclefn/python image).
Lithops' oci clients reach the emulator through bench/lithops_endpoints.py, a shim of this harness.
Both executors read one configuration (max_workers, runtime_memory, data_limit the same); each client first runs
warm-up jobs, unmeasured, which deploy its runtime and start the emulator's handlers, as a user's second run
finds them. docs/performance.md has the figures.
"""
import argparse
import importlib.metadata
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from invoke_bench import REPOSITORY, find_binaries, finish_report, machine, print_machine  # noqa: E402

LIBRARIES = ("lithops", "oraclefn")
#: case name -> (map_clients.py case, calls)
CASES = {
    "plus-one-100": ("plus-one", 100),
    "plus-one-1000": ("plus-one", 1000),
    "args-1mb": ("args-1mb", 100),
    "results-1mb": ("results-1mb", 100),
}
LITHOPS_VERSION = "3.8.0"
#: Lithops' runtime image, as its oracle_f.runtime; the emulator's --images maps it to Lithops' own worker
LITHOPS_IMAGE = "iad.ocir.io/bench/lithops-runtime:" + LITHOPS_VERSION
RUNTIME_MEMORY_MB = 256


def main():
    args = parse_arguments()
    check_environment()
    binaries = find_binaries(args.bin)
    work = pathlib.Path(tempfile.mkdtemp(prefix="oraclefn-lithops-bench-"))
    report = {"machine": machine(), "command": " ".join(["bench/lithops_bench.sh", *sys.argv[1:]]),
              "max_workers": args.max_workers, "emulator_concurrency": args.concurrency}
    print_machine(report["machine"])

    os.environ["ORACLEFN_CLI"] = str(binaries["oraclefn-cli"])
    from emulator_process import running_emulator  # the conformance tests' way of starting it

    images = write_images(work / "images.json", args.lithops_fork_fix)
    # the budget that gives a 256 MB function `concurrency` calls at once
    flags = ("--images", str(images), "--concurrency-mb", str(args.concurrency * RUNTIME_MEMORY_MB),
             "--idle-timeout", "3600")
    runs = []
    with running_emulator(*flags) as emulator:
        oci_config = emulator.oci_config()
        client = Client(binaries, work, emulator.url, oci_config, args)
        print(f"emulator at {emulator.url}; max_workers {args.max_workers} for both, the emulator runs "
              f"{args.concurrency} calls of each function at once\n", flush=True)
        for library in LIBRARIES:
            for workers in warm_up_steps(args.max_workers):
                warm = client.run(library, "plus-one", workers, f"warm-up-{workers}", max_workers=workers)
                print_run(f"warm-up {workers}", library, warm)
                if "error" in warm:
                    raise SystemExit(f"the {library} warm-up failed; see above")
        for repetition in range(args.repeat):
            # alternating: the library that runs first changes every repetition
            order = LIBRARIES if repetition % 2 == 0 else LIBRARIES[::-1]
            for case in args.cases:
                for library in order:
                    name, calls = CASES[case]
                    result = client.run(library, name, calls, f"{case}-{repetition}")
                    runs.append(dict(case=case, library=library, repetition=repetition, **result))
                    print_run(case, library, result)
    report["runs"] = runs
    report["summary"] = summarize(runs, args.cases)
    print_summary(report["summary"], args.repeat)
    finish_report(report, args.json)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", help="the release build's bin directory (default: swift build -c release --show-bin-path)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each case with each library (default 1)")
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--max-workers", type=int, default=32,
                        help="max_workers of both executors: calls running at once (default 32)")
    parser.add_argument("--concurrency", type=int, default=64,
                        help="calls of one function the emulator runs at once (default 64); above max_workers, as "
                             "Lithops loses an invocation refused with 429 and can run 2 calls over max_workers")
    parser.add_argument("--lithops-fork-fix", action="store_true",
                        help="run Lithops' worker with a fix of its own: its forked JobRunner opens its own "
                             "Object Storage connections (bench/lithops_worker.py; without it, calls that store a "
                             "large result can fail)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds a client may run before it counts as failed")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    if args.repeat < 1 or args.max_workers < 1 or args.concurrency < args.max_workers:
        parser.error("--repeat and --max-workers must be at least 1, and --concurrency at least --max-workers")
    return args


def check_environment():
    """Lithops 3.8.0 with an oci SDK its deploy_runtime works with (before 2.187, whose CreateFunctionDetails
    takes no `image`), and the workers' packages, in this interpreter."""
    try:
        versions = {name: importlib.metadata.version(name) for name in ("lithops", "oci", "fdk", "cloudpickle")}
    except importlib.metadata.PackageNotFoundError as missing:
        raise SystemExit(f"{missing.name} is not installed in {sys.executable}; run bench/lithops_bench.sh, "
                         "which makes the benchmark's venv")
    oci_version = tuple(int(part) for part in versions["oci"].split(".")[:2])
    if versions["lithops"] != LITHOPS_VERSION or oci_version >= (2, 187):
        raise SystemExit(f"this interpreter has lithops {versions['lithops']} and oci {versions['oci']}; the "
                         f"benchmark needs lithops {LITHOPS_VERSION} and oci before 2.187 (run bench/lithops_bench.sh)")
    print("packages: " + ", ".join(f"{name} {version}" for name, version in versions.items()))


def warm_up_steps(max_workers):
    """Jobs of 8, 16, ... up to max_workers calls, each at its own max_workers: each starts at most as many new
    handlers as the one before it left, where starting max_workers Python handlers at once on a loaded 2-core
    machine can pass the emulator's 10 s start timeout (a detached call whose handler never started is then
    only sent again after the function's timeout)."""
    steps, workers = [], min(8, max_workers)
    while workers < max_workers:
        steps.append(workers)
        workers *= 2
    return steps + [max_workers]


def write_images(path, fork_fix):
    """The emulator's image catalog: Lithops' runtime image runs Lithops' own worker under the fdk."""
    command = [str(pathlib.Path(sys.executable).parent / "fdk"), str(HERE / "lithops_worker.py"), "handler"]
    if fork_fix:
        command = ["/usr/bin/env", "OFN_BENCH_LITHOPS_FORK_FIX=1", *command]
    path.write_text(json.dumps({"images": {LITHOPS_IMAGE: command}}))
    return path


class Client:
    """Runs bench/map_clients.py for one job: a configuration of its own (its own bucket), the HOME where
    Lithops caches its runtime's metadata, this checkout's oraclefn package and the release library."""

    def __init__(self, binaries, work, url, oci_config, args):
        self.binaries, self.work, self.url, self.oci_config, self.args = binaries, work, url, oci_config, args
        (work / "home").mkdir()

    def run(self, library, case, calls, label, max_workers=None):
        config = self.write_config(library, f"bench-{library}-{label}", max_workers or self.args.max_workers)
        environment = dict(os.environ, HOME=str(self.work / "home"), LITHOPS_CONFIG_FILE=str(config),
                           ORACLEFN_LIBRARY=str(self.binaries["liboraclefn.so"]),
                           PYTHONPATH=os.pathsep.join([str(REPOSITORY / "bindings" / "python"), str(HERE)]))
        command = [sys.executable, str(HERE / "map_clients.py"), library, case, str(calls)]
        try:
            completed = subprocess.run(command, capture_output=True, text=True, env=environment,
                                       timeout=self.args.timeout)
        except subprocess.TimeoutExpired:
            return {"calls": calls, "error": f"still running after {self.args.timeout:.0f} s; stopped"}
        lines = completed.stdout.strip().splitlines()
        if completed.returncode != 0 or not lines:
            output = completed.stderr.strip() or completed.stdout.strip() or f"exit status {completed.returncode}"
            return {"calls": calls, "error": output[-3000:]}
        result = json.loads(lines[-1])
        result["load_average_after"] = round(os.getloadavg()[0], 2)
        return result

    def write_config(self, library, bucket, max_workers):
        """The configuration both executors read (Lithops' sections, endpoints at the emulator); Lithops' names
        its runtime image, oraclefn deploys its default Python runtime. A bucket per run keeps runs apart."""
        oracle = dict(self.oci_config, compartment_id=self.oci_config["tenancy"])
        functions = {"endpoint": self.url, "subnet_id": "ocid1.subnet.oc1..bench",
                     "runtime_memory": RUNTIME_MEMORY_MB, "max_workers": max_workers}
        if library == "lithops":
            functions["runtime"] = LITHOPS_IMAGE
        sections = {
            # data_limit (MiB): Lithops refuses a job whose arguments pass 4 MiB unless it is raised
            "lithops": {"backend": "oracle_f", "storage": "oracle_oss", "log_level": "WARNING",
                        "data_cleaner": False, "data_limit": 256},
            "oracle": oracle, "oracle_f": functions,
            "oracle_oss": {"endpoint": self.url, "storage_bucket": bucket},
        }
        path = self.work / f"{bucket}.yaml"
        path.write_text("".join(f"{name}:\n" + "".join(f"  {key}: {json.dumps(value)}\n" for key, value in keys.items())
                                for name, keys in sections.items()))
        return path


def print_run(case, library, r):
    label = f"{case:<14} {library:<9}"
    if "error" in r:
        print(f"{label} FAILED: {r['error']}", flush=True)
        return
    failed = f"; {r['failed_calls']} calls failed, the first with {r['failure']}" if r["failed_calls"] else ""
    print(f"{label} {r['calls']:>5} calls in {r['seconds']:8.2f} s, client CPU {r['cpu_seconds']:7.2f} s, "
          f"peak RSS {r['max_rss_kb'] / 1024:6.1f} MiB; load average {r['load_average_after']:.2f}{failed}", flush=True)


def summarize(runs, cases):
    """Per case: each library's median wall and CPU seconds over its successful runs, and Lithops / oraclefn."""
    summary = []
    for case in cases:
        row = {"case": case, "calls": CASES[case][1]}
        for library in LIBRARIES:
            done = [r for r in runs if r["case"] == case and r["library"] == library and "error" not in r]
            row[library] = {"runs": len(done), "failed_runs": sum(1 for r in runs if r["case"] == case and
                                                                  r["library"] == library and "error" in r),
                            "failed_calls": sum(r["failed_calls"] for r in done)}
            if done:
                row[library]["seconds"] = statistics.median(r["seconds"] for r in done)
                row[library]["cpu_seconds"] = statistics.median(r["cpu_seconds"] for r in done)
        if all("seconds" in row[library] for library in LIBRARIES):
            oraclefn = row["oraclefn"]
            row["wall_ratio"] = row["lithops"]["seconds"] / oraclefn["seconds"]
            row["cpu_ratio"] = row["lithops"]["cpu_seconds"] / oraclefn["cpu_seconds"] if oraclefn["cpu_seconds"] else None
        summary.append(row)
    return summary


def print_summary(summary, repeat):
    print(f"\nmedians of {repeat} run{'s' if repeat > 1 else ''} (ratio: Lithops / oraclefn)")
    print(f"{'case':<14} {'Lithops wall':>13} {'oraclefn wall':>14} {'ratio':>7}   {'Lithops CPU':>12} "
          f"{'oraclefn CPU':>13} {'ratio':>7}   calls failed (Lithops, oraclefn)")
    for row in summary:
        def cell(library, key):
            value = row[library].get(key)
            return f"{value:.2f} s" if value is not None else "failed"
        wall, cpu = row.get("wall_ratio"), row.get("cpu_ratio")
        print(f"{row['case']:<14} {cell('lithops', 'seconds'):>13} {cell('oraclefn', 'seconds'):>14} "
              f"{(f'{wall:.1f}x' if wall else '-'):>7}   {cell('lithops', 'cpu_seconds'):>12} "
              f"{cell('oraclefn', 'cpu_seconds'):>13} {(f'{cpu:.1f}x' if cpu else '-'):>7}   "
              f"{row['lithops']['failed_calls']}, {row['oraclefn']['failed_calls']}")


if __name__ == "__main__":
    main()
