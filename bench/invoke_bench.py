"""The invocation benchmark of issue 5, in one run on one machine.

Measures invocations per second, client CPU seconds per 1,000 invocations and peak RSS of
  (a) the engine from C (bench/engine_bench.c, linked against liboraclefn.so),
  (b) the engine from Python (oraclefn.Engine),
  (c) the oci Python SDK as Lithops' oracle_f invokes: a new FunctionsInvokeClient per call, 64 threads, detached,
  (d) the oci SDK with one shared FunctionsInvokeClient, 64 threads, detached,
against two local endpoints:
  (1) the fixed 202 responder (oraclefn-bench-responder): every invocation answered 202 at once;
  (2) the emulator (oraclefn-cli emulator) running the native worker (image oraclefn/worker), detached: each
      invocation is a one-call envelope of a small input, which the worker echoes into a status object;
and prints them beside the machine's RSA-2048 signing rate (`openssl speed -multi 2 -seconds 3 rsa2048`, measured
before the clients and after each endpoint's; the highest counts), the ceiling of a client that signs every
invocation, with the ratios between them.

    scripts/build.sh      # or: swift build -c release [--scratch-path DIR]
    .venv/bin/python bench/invoke_bench.py [--bin DIR] [--engine-calls 20000] [--sdk-calls 2000] [--json FILE]

Each client runs in a process of its own and measures itself (bench/clients.py, bench/engine_bench.c): from
submitting until every invocation is accepted, then the engine's job is cancelled. A detached invocation holds
one of the job's max_workers places until its status is seen, and the responder runs nothing, so the engine's
job is given max_workers = its number of calls; against the emulator the worker's statuses free the places as
they come (with a function that reports nothing, such as oraclefn/echo, the emulator's 429s would shrink the
window below the invocations holding places and the job would wait for its call timeout). The engine collects
those statuses while it invokes, and that work is in its figures against the emulator. docs/performance.md has
the figures.
"""
import argparse
import json
import os
import pathlib
import platform
import re
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
REPOSITORY = HERE.parent
sys.path.insert(0, str(REPOSITORY / "Tests" / "conformance"))

CLIENTS = {
    "engine-c": "engine from C",
    "engine-python": "engine from Python",
    "sdk-lithops": "oci SDK, client per call (Lithops)",
    "sdk-shared": "oci SDK, shared client",
}
ENDPOINTS = {"responder": "fixed 202 responder", "emulator": "emulator, native worker"}
BUCKET = "bench"


def main():
    args = parse_arguments()
    binaries = find_binaries(args.bin)
    work = pathlib.Path(tempfile.mkdtemp(prefix="oraclefn-bench-"))
    engine_bench = build_c_client(binaries, work)
    report = {"machine": machine(), "command": " ".join([".venv/bin/python", "bench/invoke_bench.py", *sys.argv[1:]])}
    print_machine(report["machine"])
    signing_rates = [measure_signing_rate()]

    os.environ["ORACLEFN_CLI"] = str(binaries["oraclefn-cli"])
    from emulator_process import running_emulator  # the conformance tests' way of starting it

    results = {}
    with running_emulator(*args.emulator_flags) as emulator, running_responder(binaries) as responder:
        responder_url = responder.url
        oci_config = emulator.oci_config()
        function_id = deploy_noop_function(emulator.url, oci_config)
        for endpoint in args.endpoints:
            functions_url = responder_url if endpoint == "responder" else emulator.url
            config_file = write_config(work / f"{endpoint}.yaml", oci_config, functions_url, emulator.url)
            for client in args.clients:
                command = client_command(client, args, engine_bench, config_file, oci_config, functions_url, function_id,
                                         emulator.url)
                result = run_client(command, binaries, args.timeout)
                results[(endpoint, client)] = result
                print_result(endpoint, client, result)
            signing_rates.append(measure_signing_rate())
    # other work on the machine can only lower a measurement, so the highest is the machine's own rate; a client
    # slowed by that work is then compared with the rate the machine can reach, never flattered
    report["responder"] = responder.usage
    if responder.usage.get("invocations"):
        per_1000 = 1000 * responder.usage["cpu_seconds"] / responder.usage["invocations"]
        print(f"the 202 responder answered {responder.usage['invocations']} invocations with {responder.usage['cpu_seconds']:.1f} "
              f"CPU s ({per_1000:.3f} s per 1000) of the same two cores")
    report["rsa2048_sign_per_s_measured"] = signing_rates
    report["rsa2048_sign_per_s"] = max(signing_rates)
    print(f"RSA-2048 signing rate taken as the ceiling: the highest of the {len(signing_rates)} measurements, "
          f"{report['rsa2048_sign_per_s']:.0f} sign/s")
    report["results"] = [dict(endpoint=e, client=c, **r) for (e, c), r in results.items()]
    report["ratios"] = ratios(results, report["rsa2048_sign_per_s"])
    print_ratios(report["ratios"])
    finish_report(report, args.json)


def finish_report(report, json_path):
    """Records and prints the load average after the run, and writes the report to `json_path` when given."""
    report["load_average_after"] = os.getloadavg()
    print(f"\nload average after the run: {' '.join(f'{x:.2f}' for x in report['load_average_after'])}")
    if json_path:
        pathlib.Path(json_path).write_text(json.dumps(report, indent=2) + "\n")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", help="the release build's bin directory (default: swift build -c release --show-bin-path)")
    parser.add_argument("--engine-calls", type=int, default=20_000, help="invocations per engine run (default 20000)")
    parser.add_argument("--sdk-calls", type=int, default=2_000, help="invocations per oci SDK run (default 2000)")
    parser.add_argument("--threads", type=int, default=64, help="oci SDK threads, as Lithops' invoke_pool_threads (default 64)")
    parser.add_argument("--endpoints", nargs="+", choices=ENDPOINTS, default=list(ENDPOINTS))
    parser.add_argument("--clients", nargs="+", choices=CLIENTS, default=list(CLIENTS))
    parser.add_argument("--concurrency-mb", type=int, default=8_192,
                        help="the emulator's concurrency budget: a 128 MB function runs budget/128 calls at once "
                             "(default 8192: 64, as many as the oci SDK's threads)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds a client may run before it counts as failed")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    args.emulator_flags = ("--concurrency-mb", str(args.concurrency_mb), "--idle-timeout", "300")
    return args


def find_binaries(bin_dir):
    if bin_dir is None:
        bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=REPOSITORY, check=True,
                                 capture_output=True, text=True).stdout.strip()
    directory = pathlib.Path(bin_dir).resolve()
    binaries = {name: directory / name for name in ("liboraclefn.so", "oraclefn-cli", "oraclefn-fdk", "oraclefn-bench-responder")}
    missing = [str(path) for path in binaries.values() if not path.exists()]
    if missing:
        raise SystemExit(f"not built: {', '.join(missing)}; run swift build -c release (or pass --bin DIR)")
    return binaries


def build_c_client(binaries, work):
    output = work / "engine_bench"
    library = binaries["liboraclefn.so"].parent
    # the program looks for the library's SONAME (liboraclefn.so.<major>) at run time: a link to it beside the program
    dynamic = subprocess.run(["readelf", "-d", str(binaries["liboraclefn.so"])], check=True, capture_output=True, text=True).stdout
    soname = re.search(r"\(SONAME\).*\[(.*)\]", dynamic)
    (work / (soname.group(1) if soname else "liboraclefn.so")).symlink_to(binaries["liboraclefn.so"])
    subprocess.run(["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-pedantic", "-Werror", f"-I{REPOSITORY / 'include'}",
                    str(HERE / "engine_bench.c"), f"-L{library}", "-loraclefn", f"-Wl,-rpath,{work}", "-o", str(output)],
                   check=True)
    return output


def machine():
    model = next((line.split(":", 1)[1].strip() for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    openssl = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    return {"cpu": model, "cores": os.cpu_count(), "kernel": platform.release(), "python": platform.python_version(),
            "openssl": openssl, "load_average_before": os.getloadavg()}


def print_machine(m):
    print(f"machine: {m['cpu']}, {m['cores']} cores, Linux {m['kernel']}, Python {m['python']}, {m['openssl']}")
    print(f"load average before the run: {' '.join(f'{x:.2f}' for x in m['load_average_before'])}")


def measure_signing_rate():
    """sign/s of `openssl speed -multi 2 -seconds 3 rsa2048`, read from the column its header names; printed."""
    text = subprocess.run(["openssl", "speed", "-multi", "2", "-seconds", "3", "rsa2048"], check=True,
                          capture_output=True, text=True).stdout
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("rsa 2048 bits") or line.startswith("rsa  2048 bits"):
            header = next(h for h in reversed(lines[:number]) if "sign/s" in h).split()
            rate = float(line.split()[3:][header.index("sign/s")])
            print(f"RSA-2048 signing, openssl speed -multi 2: {rate:.0f} sign/s (load average {os.getloadavg()[0]:.2f})\n",
                  flush=True)
            return rate
    raise SystemExit(f"openssl speed printed no rsa 2048 line:\n{text}")


class running_responder:
    """Starts oraclefn-bench-responder on a free port; yields itself (its `url`); stops it after and records in
    `usage` how many invocations it answered and the CPU time it took for them, its share of the two cores."""

    def __init__(self, binaries):
        self.command = [str(binaries["oraclefn-bench-responder"])]
        self.usage = {}

    def __enter__(self):
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, text=True)
        first = self.process.stdout.readline().strip()
        if not first.startswith("listening on "):
            self.process.kill()
            raise SystemExit(f"the 202 responder did not start; it printed {first!r}")
        self.url = first.split()[-1]
        return self

    def __exit__(self, *_):
        self.process.terminate()
        last = self.process.stdout.read().strip().splitlines()
        _, _, usage = os.wait4(self.process.pid, 0)
        self.process.returncode = 0  # reaped above
        invocations = int(last[-1].split()[-1]) if last and last[-1].startswith("invocations: ") else 0
        self.usage = {"invocations": invocations, "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3)}


def deploy_noop_function(emulator_url, oci_config):
    """An application, a 128 MB function running the native worker, and the bucket the jobs keep their objects in."""
    import oci

    models = oci.functions.models
    management = oci.functions.FunctionsManagementClient(oci_config, service_endpoint=emulator_url)
    application = management.create_application(models.CreateApplicationDetails(
        compartment_id=oci_config["tenancy"], display_name="bench", subnet_ids=["ocid1.subnet.oc1..bench"])).data
    function = management.create_function(models.CreateFunctionDetails(
        application_id=application.id, display_name="noop", memory_in_mbs=128,
        source_details=models.CreateContainerImageFunctionSourceDetails(image="oraclefn/worker:latest"))).data
    storage = oci.object_storage.ObjectStorageClient(oci_config, service_endpoint=emulator_url)
    storage.create_bucket(storage.get_namespace().data, oci.object_storage.models.CreateBucketDetails(
        name=BUCKET, compartment_id=oci_config["tenancy"]))
    return function.id


def write_config(path, oci_config, functions_url, storage_url):
    """A Lithops configuration for the emulator's key, Functions at `functions_url`, Object Storage at the emulator."""
    path.write_text(
        "lithops:\n  backend: oracle_f\n  storage: oracle_oss\n  log_level: WARNING\n"
        "oracle:\n" + "".join(f"  {key}: {value}\n" for key, value in oci_config.items())
        + f"  compartment_id: {oci_config['tenancy']}\n"
        f"oracle_f:\n  endpoint: {functions_url}\n  subnet_id: ocid1.subnet.oc1..bench\n"
        f"oracle_oss:\n  endpoint: {storage_url}\n  storage_bucket: {BUCKET}\n")
    return path


def client_command(client, args, engine_bench, config_file, oci_config, functions_url, function_id, storage_url):
    # every invocation may be in flight at once: no status ever frees a place (see the module's doc)
    options = json.dumps({"max_workers": args.engine_calls, "bucket": BUCKET})
    python = [sys.executable, str(HERE / "clients.py")]
    if client == "engine-c":
        return [str(engine_bench), str(config_file), function_id, str(args.engine_calls), options]
    if client == "engine-python":
        return [*python, "engine", str(config_file), function_id, str(args.engine_calls), options]
    return [*python, client, json.dumps(oci_config), functions_url, function_id, str(args.sdk_calls), str(args.threads),
            storage_url]


def run_client(command, binaries, timeout):
    environment = dict(os.environ, ORACLEFN_LIBRARY=str(binaries["liboraclefn.so"]),
                       PYTHONPATH=str(REPOSITORY / "bindings" / "python"))
    try:
        completed = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"still running after {timeout:.0f} s; stopped"}
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        return {"error": (completed.stderr.strip() or completed.stdout.strip() or f"exit status {completed.returncode}")[-2000:]}
    result = json.loads(lines[-1])
    result["load_average_after"] = round(os.getloadavg()[0], 2)
    result["per_second"] = result["accepted"] / result["seconds"]
    result["cpu_per_1000"] = 1000 * result["cpu_seconds"] / max(1, result["accepted"])
    return result


def print_result(endpoint, client, r):
    label = f"{ENDPOINTS[endpoint]:<26} {CLIENTS[client]:<36}"
    if "error" in r:
        print(f"{label} FAILED: {r['error']}", flush=True)
        return
    refused = (f"{r['throttles']} throttled (429)"
               + (f", {r['circuit_open']} failed by the SDK's open circuit breaker" if r.get("circuit_open") else "")
               + (f", {r['errors']} other errors" if r.get("errors") else ""))
    print(f"{label} {r['accepted']:>6} accepted in {r['seconds']:7.2f} s = {r['per_second']:8.1f} inv/s, "
          f"{r['cpu_per_1000']:6.3f} CPU s per 1000, peak RSS {r['max_rss_kb'] / 1024:6.1f} MiB; {refused}; "
          f"load average {r['load_average_after']:.2f}", flush=True)


def ratios(results, sign_rate):
    out = []
    for (endpoint, client), r in results.items():
        if not client.startswith("engine") or "error" in r:
            continue
        row = {"endpoint": endpoint, "client": client, "of_signing_rate": r["per_second"] / sign_rate}
        for peer in ("sdk-lithops", "sdk-shared"):
            other = results.get((endpoint, peer))
            if other and "error" not in other and other["per_second"] > 0:
                row[f"vs_{peer}"] = r["per_second"] / other["per_second"]
                row[f"cpu_vs_{peer}"] = other["cpu_per_1000"] / r["cpu_per_1000"] if r["cpu_per_1000"] > 0 else None
        out.append(row)
    return out


def print_ratios(rows):
    print("\nratios (invocations per second; CPU per invocation as the peer's over the engine's):")
    for row in rows:
        parts = [f"{100 * row['of_signing_rate']:.0f} % of the RSA-2048 signing rate"]
        for peer in ("sdk-lithops", "sdk-shared"):
            if f"vs_{peer}" in row:
                parts.append(f"{row[f'vs_{peer}']:.1f}x {CLIENTS[peer]} ({row[f'cpu_vs_{peer}']:.1f}x less CPU)")
        print(f"  {CLIENTS[row['client']]}, {ENDPOINTS[row['endpoint']]}: " + "; ".join(parts))


if __name__ == "__main__":
    main()
