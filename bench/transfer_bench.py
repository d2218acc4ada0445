"""Large transfers (issue 16): one object (1 GiB by default) up and down against one emulator, with oraclefn from
Python (bindings/python/tests/transfer_client.py), from C (bindings/c/tests/transfer.c) and with the oci SDK, each
transfer in a process of its own that measures itself: peak RSS (VmHWM), MB/s and CPU seconds. Every download is
checked against the source's SHA-256. Prints the figures side by side with ratios to the oci SDK's.

    scripts/build.sh            # release build (or: swift build -c release [--scratch-path DIR])
    .venv/bin/python bench/transfer_bench.py [--bin DIR] [--size-mib 1024] [--repeat 2] [--json FILE]

docs/performance.md ("Large transfers") has the figures.
"""
import argparse
import hashlib
import json
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
REPOSITORY = HERE.parent
PYTHON_CLIENT = REPOSITORY / "bindings" / "python" / "tests" / "transfer_client.py"
C_SOURCE = REPOSITORY / "bindings" / "c" / "tests" / "transfer.c"
sys.path.insert(0, str(REPOSITORY / "Tests" / "conformance"))
sys.path.insert(0, str(REPOSITORY / "bindings" / "python"))
sys.path.insert(0, str(PYTHON_CLIENT.parent))
from transfer_client import peak_rss_kb, sha256  # noqa: E402
BUCKET = "transfer-bench"
#: how the oci SDK reads a streamed GetObject answer
SDK_CHUNK = 1 << 20

#: (label, direction, command tail after the client's program): the transfers measured, in order
CLIENTS = [
    ("oraclefn Python upload_file", "up", "py", "upload_file"),
    ("oraclefn Python put_object(file)", "up", "py", "put_object"),
    ("oraclefn C ofn_storage_put_file", "up", "c", "put"),
    ("oci SDK UploadManager.upload_file", "up", "sdk", "sdk-put"),
    ("oraclefn Python download_file", "down", "py", "download_file"),
    ("oraclefn Python get_object(stream=True)", "down", "py", "get_object"),
    ("oraclefn C ofn_storage_get_file", "down", "c", "get"),
    ("oci SDK get_object, streamed", "down", "sdk", "sdk-get"),
]


def main():
    args = parse_arguments()
    directory = pathlib.Path(args.bin or subprocess.run(
        ["swift", "build", "-c", "release", "--show-bin-path"], cwd=REPOSITORY, check=True, capture_output=True,
        text=True).stdout.strip()).resolve()
    # the clients load this checkout's package and library
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPOSITORY / "bindings" / "python"), os.environ.get("PYTHONPATH")]))
    os.environ["ORACLEFN_LIBRARY"] = str(directory / "liboraclefn.so")
    os.environ["ORACLEFN_CLI"] = str(directory / "oraclefn-cli")
    from emulator_process import running_emulator
    import oraclefn

    size = args.size_mib << 20
    with tempfile.TemporaryDirectory(prefix="oraclefn-transfer-bench-") as work, running_emulator() as emulator:
        c_client = build_c_client(directory, pathlib.Path(work))
        source = pathlib.Path(work) / "source"
        digest = write_random(source, size)
        oraclefn.Storage(oraclefn.load_config(emulator.config_file)).create_bucket(BUCKET)
        sdk_config = json.dumps(emulator.oci_config())
        runs = {label: [] for label, *_ in CLIENTS}
        for repeat in range(args.repeat):
            for label, direction, kind, mode in CLIENTS:
                key = "%s-%s" % (kind, "up" if kind == "sdk" else upload_mode(kind, mode))
                path = source if direction == "up" else pathlib.Path(work) / "back"
                figures = run_client(kind, emulator, sdk_config, c_client, key, path, mode)
                if direction == "down":
                    if sha256(path) != digest:
                        raise SystemExit("%s wrote bytes that differ from the source" % label)
                    path.unlink()
                runs[label].append(figures)
                print("  %-42s run %d: %6.1f MB/s, %5.2f CPU-s, peak %5.1f MiB" % (
                    label, repeat + 1, size / figures["seconds"] / 1e6, figures["cpu_seconds"],
                    figures["max_rss_kb"] / 1024), flush=True)
    report(runs, size, args.json)


def upload_mode(kind, mode):
    """The upload whose object a download of this client reads back."""
    return {"py": "upload_file", "c": "put"}[kind] if mode in ("download_file", "get_object", "get") else mode


def build_c_client(directory, work):
    """bindings/c/tests/transfer.c linked against the library in `directory`, found by its SONAME in `work`."""
    library = directory / "liboraclefn.so"
    soname = subprocess.run(["readelf", "-d", library], check=True, capture_output=True, text=True).stdout
    soname = soname.split("Library soname: [", 1)[1].split("]", 1)[0]
    (work / soname).symlink_to(library)
    program = work / "transfer"
    subprocess.run(["gcc", "-std=c99", "-O2", "-I", REPOSITORY / "include", C_SOURCE, "-L", directory, "-loraclefn",
                    "-Wl,-rpath," + str(work), "-o", program], check=True)
    return program


def run_client(kind, emulator, sdk_config, c_client, key, path, mode):
    if kind == "py":
        command = [sys.executable, PYTHON_CLIENT, emulator.config_file, BUCKET, key, path, mode]
    elif kind == "c":
        command = [c_client, emulator.config_file, BUCKET, key, path, mode]
    else:
        command = [sys.executable, __file__, mode, sdk_config, emulator.url, key, path]
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise SystemExit("%s failed:\n%s%s" % (" ".join(map(str, command)), done.stdout, done.stderr))
    return json.loads(done.stdout)


def report(runs, size, json_file):
    """The best run of each client (the machine is shared: other work only slows a run down)."""
    best = {label: min(figures, key=lambda f: f["seconds"]) for label, figures in runs.items()}
    peers = {"up": best["oci SDK UploadManager.upload_file"], "down": best["oci SDK get_object, streamed"]}
    print("\n%d MiB, best of %d runs each" % (size >> 20, len(next(iter(runs.values())))))
    print("| client | MB/s | CPU s | peak RSS | x SDK MB/s | x SDK CPU | x SDK RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, direction, *_ in CLIENTS:
        f, peer = best[label], peers[direction]
        print("| %s | %.0f | %.2f | %.1f MiB | %.2f | %.2f | %.2f |" % (
            label, size / f["seconds"] / 1e6, f["cpu_seconds"], f["max_rss_kb"] / 1024,
            peer["seconds"] / f["seconds"], f["cpu_seconds"] / peer["cpu_seconds"], f["max_rss_kb"] / peer["max_rss_kb"]))
    if json_file:
        pathlib.Path(json_file).write_text(json.dumps({"size": size, "runs": runs}, indent=2))


def write_random(path, size):
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        for _ in range(0, size, 1 << 20):
            block = os.urandom(min(1 << 20, size - f.tell()))
            digest.update(block)
            f.write(block)
    return digest.hexdigest()


# -- the oci SDK client, run as `transfer_bench.py sdk-put|sdk-get OCI_CONFIG_JSON ENDPOINT KEY FILE` ---------------

def sdk_client(mode, oci_config, endpoint, key, path):
    import oci

    client = oci.object_storage.ObjectStorageClient(json.loads(oci_config), service_endpoint=endpoint)
    namespace = client.get_namespace().data
    before, rss_before = resource.getrusage(resource.RUSAGE_SELF), peak_rss_kb()
    started = time.monotonic()
    if mode == "sdk-put":
        oci.object_storage.UploadManager(client).upload_file(namespace, BUCKET, key, path)
    else:
        answer = client.get_object(namespace, BUCKET, key)
        with open(path, "wb") as f:
            for chunk in answer.data.raw.stream(SDK_CHUNK, decode_content=False):
                f.write(chunk)
    seconds = time.monotonic() - started
    after, rss_after = resource.getrusage(resource.RUSAGE_SELF), peak_rss_kb()
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(json.dumps({"bytes": os.path.getsize(path), "seconds": round(seconds, 4), "cpu_seconds": round(cpu, 4),
                      "rss_before_kb": rss_before, "max_rss_kb": rss_after}))


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", help="the release build's bin directory (default: swift build -c release --show-bin-path)")
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", help="write every run's figures to this file")
    return parser.parse_args()


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] in ("sdk-put", "sdk-get"):
        sdk_client(*sys.argv[1:])
    else:
        main()
