"""One streamed transfer between a file and Object Storage through oraclefn.Storage, measured, in a process of its
own: the Python counterpart of bindings/c/tests/transfer.c, used by test_transfer_memory.py and by
bench/transfer_bench.py.

    python transfer_client.py CONFIG BUCKET KEY FILE upload_file|put_object|download_file|get_object

put_object sends the open file; get_object reads the object with stream=True in STREAM_BLOCK reads and writes
them to FILE. Prints one JSON object: bytes, seconds, cpu_seconds, rss_before_kb (peak RSS once the package is
loaded and the Storage made) and max_rss_kb (the peak after the transfer). The peak is VmHWM from
/proc/self/status, this process's own: ru_maxrss carries the parent's peak across exec.
"""
import hashlib
import json
import os
import resource
import shutil
import sys
import time

MODES = ("upload_file", "put_object", "download_file", "get_object")


def sha256(path):
    """The file's SHA-256, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def peak_rss_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def transfer(storage, bucket, key, path, mode):
    if mode == "upload_file":
        storage.upload_file(path, bucket, key)
    elif mode == "put_object":
        with open(path, "rb") as f:
            storage.put_object(bucket, key, f)
    elif mode == "download_file":
        storage.download_file(bucket, key, path)
    else:
        from oraclefn.storage import STREAM_BLOCK
        with open(path, "wb") as f:
            shutil.copyfileobj(storage.get_object(bucket, key, stream=True), f, STREAM_BLOCK)


def main(config, bucket, key, path, mode):
    if mode not in MODES:
        raise SystemExit("mode must be one of %s, not %r" % (", ".join(MODES), mode))
    import oraclefn
    storage = oraclefn.Storage(oraclefn.load_config(config))
    before, rss_before = resource.getrusage(resource.RUSAGE_SELF), peak_rss_kb()
    started = time.monotonic()
    transfer(storage, bucket, key, path, mode)
    seconds = time.monotonic() - started
    after, rss_after = resource.getrusage(resource.RUSAGE_SELF), peak_rss_kb()
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(json.dumps({"bytes": os.path.getsize(path), "seconds": round(seconds, 4), "cpu_seconds": round(cpu, 4),
                      "rss_before_kb": rss_before, "max_rss_kb": rss_after}))


if __name__ == "__main__":
    if len(sys.argv) != 6:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
