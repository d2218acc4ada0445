"""The measured clients of bench/invoke_bench.py, each run in a process of its own so that its CPU time and
peak RSS are its alone. Each prints one JSON object: calls, accepted, throttles, errors, seconds, cpu_seconds
(user + system of this process over the measured interval) and max_rss_kb (the process's peak).

    python bench/clients.py engine CONFIG FUNCTION CALLS OPTIONS_JSON
    python bench/clients.py sdk-lithops|sdk-shared OCI_CONFIG_JSON ENDPOINT FUNCTION CALLS THREADS STORAGE_URL
"""
import concurrent.futures
import json
import resource
import sys
import time

#: stats are read this often while waiting; the error it adds is at most one period
POLL_SECONDS = 0.01
GIVE_UP_SECONDS = 600


class Measurement:
    """Wall time and this process's CPU time from its creation to stop()."""

    def __init__(self):
        self.started = time.monotonic()
        self.cpu_started = self._cpu()

    @staticmethod
    def _cpu():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def stop(self, **counts):
        seconds, cpu = time.monotonic() - self.started, self._cpu() - self.cpu_started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return dict(counts, seconds=round(seconds, 4), cpu_seconds=round(cpu, 4), max_rss_kb=peak)


def engine(config, function, calls, options):
    """oraclefn.Engine(config).map(...): one detached job, measured until every invocation is accepted."""
    import oraclefn

    engine = oraclefn.Engine(config)
    inputs = [b"bench-%d" % i for i in range(calls)]
    measurement = Measurement()
    job = engine.map(function, inputs, **json.loads(options))
    while True:
        stats = job.stats
        if stats["accepted"] >= calls:
            break
        if job.done or time.monotonic() - measurement.started > GIVE_UP_SECONDS:
            raise SystemExit("the job ended or stalled with %d of %d invocations accepted: %s" % (stats["accepted"], calls, stats))
        time.sleep(POLL_SECONDS)
    result = measurement.stop(calls=calls, accepted=stats["accepted"], throttles=stats["throttles"], errors=0)
    job.cancel()
    job.wait()
    return result


def sdk(oci_config, endpoint, function, calls, threads, storage_url, shared):
    """The oci SDK, detached invocations from `threads` threads: a new FunctionsInvokeClient per call as Lithops'
    oracle_f backend makes one (reading the key file each time), or one client shared by every thread. Each body
    is a one-call envelope, so a worker does for it what it does for the engine's."""
    import circuitbreaker  # the oci SDK's circuit breaker
    import oci

    config = json.loads(oci_config)
    body = json.dumps(envelope(storage_url))

    def new_client():
        return oci.functions.FunctionsInvokeClient(config, service_endpoint=endpoint)

    shared_client = new_client() if shared else None

    def invoke(_):
        client = shared_client or new_client()
        try:
            return client.invoke_function(function, invoke_function_body=body, fn_invoke_type="detached").status
        except oci.exceptions.ServiceError as error:
            return error.status
        except circuitbreaker.CircuitBreakerError:
            # after 10 refusals in a row the SDK fails its calls at once for 30 s, sending nothing
            return "circuit open"

    measurement = Measurement()
    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        statuses = list(pool.map(invoke, range(calls)))
    accepted, throttles, circuit_open = statuses.count(202), statuses.count(429), statuses.count("circuit open")
    return measurement.stop(calls=calls, accepted=accepted, throttles=throttles, circuit_open=circuit_open,
                            errors=calls - accepted - throttles - circuit_open)


def envelope(storage_url):
    """An envelope as the engine sends for one small input (docs/protocol.md), so both send the same bytes and a
    worker stores the same status for each."""
    return {"oraclefn": 1, "job_id": "0123456789abcdef", "mode": "detached",
            "calls": [{"call_id": "00000", "input": {"inline": "YmVuY2gtMA=="}}],
            "storage": {"endpoint": storage_url, "namespace": "oraclefn", "bucket": "bench",
                        "prefix": "oraclefn.jobs/0123456789abcdef/"},
            "output_inline_limit": 65536, "submitted": time.time()}


def main(argv):
    if len(argv) == 5 and argv[0] == "engine":
        result = engine(argv[1], argv[2], int(argv[3]), argv[4])
    elif len(argv) == 7 and argv[0] in ("sdk-lithops", "sdk-shared"):
        result = sdk(argv[1], argv[2], argv[3], int(argv[4]), int(argv[5]), argv[6], shared=argv[0] == "sdk-shared")
    else:
        raise SystemExit(__doc__)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
