"""Map jobs against an emulator that injects faults: what the fault suite (bindings/python/tests/test_faults.py)
and its benchmark (bench/fault_bench.py) share. Jobs run on the native worker (image oraclefn/worker), whose
output is its input, so every result can be checked."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid

#: The function's timeout, and the configuration's runtime_timeout: a call without a status is sent again once
#: this and the engine's 30 s margin have passed, when it can no longer be running.
FUNCTION_TIMEOUT = 5


def deploy(emulator, memory=128, timeout=FUNCTION_TIMEOUT):
    """A bucket, an application and a native-worker function made with the oci SDK; returns (config, function id)
    where config is an oraclefn.Config with that bucket and runtime_timeout."""
    import oci
    import oraclefn
    sdk = emulator.oci_config()
    bucket = "faults-" + uuid.uuid4().hex[:8]
    storage = oci.object_storage.ObjectStorageClient(sdk, service_endpoint=emulator.url)
    storage.create_bucket(storage.get_namespace().data,
                          oci.object_storage.models.CreateBucketDetails(name=bucket, compartment_id=sdk["tenancy"]))
    functions = oci.functions.FunctionsManagementClient(sdk, service_endpoint=emulator.url)
    app = functions.create_application(oci.functions.models.CreateApplicationDetails(
        compartment_id=sdk["tenancy"], display_name="faults-" + uuid.uuid4().hex[:8], subnet_ids=["ocid1.subnet.oc1..faults"])).data
    function = functions.create_function(oci.functions.models.CreateFunctionDetails(
        application_id=app.id, display_name="worker", memory_in_mbs=memory, timeout_in_seconds=timeout,
        source_details=oci.functions.models.CreateContainerImageFunctionSourceDetails(image="oraclefn/worker:1"))).data
    config = oraclefn.load_config(emulator.config_file, oracle_oss={"storage_bucket": bucket},
                                  oracle_f={"runtime_timeout": timeout})
    return config, function.id


def inputs(count, prefix="call"):
    return [f"{prefix}-{index}".encode() for index in range(count)]


def run(config, function, data, **options):
    """Maps `data` and waits: (results as bytes or exceptions, seconds, the job's statistics)."""
    import oraclefn
    started = time.monotonic()
    job = oraclefn.Engine(config).map(function, data, **options)
    results = job.results()
    return results, time.monotonic() - started, job.stats


_CLIENT = textwrap.dedent("""
    import json, sys, time
    import oraclefn
    settings = json.loads(sys.argv[1])
    config = oraclefn.load_config(settings["config_file"], oracle_oss={"storage_bucket": settings["bucket"]},
                                  oracle_f={"runtime_timeout": settings["timeout"]})
    data = [f"{settings['prefix']}-{index}".encode() for index in range(settings["count"])]
    job = oraclefn.Engine(config).map(settings["function"], data, **settings["options"])
    print(job.id, flush=True)
    while job.progress[0] < settings["kill_after"]:
        time.sleep(0.05)
    print("killing myself", flush=True)
    time.sleep(60)
""")


def run_killed_and_attached(emulator, config, function, count, kill_after, prefix="call", **options):
    """Starts a detached job in a client process, SIGKILLs that process once `kill_after` calls have ended, and
    collects the job from this process with Engine.attach: (job id, results, seconds from the start)."""
    import oraclefn
    settings = {"config_file": emulator.config_file, "bucket": config["oracle_oss"]["storage_bucket"],
                "timeout": config["oracle_f"]["runtime_timeout"], "function": function, "count": count,
                "prefix": prefix, "kill_after": kill_after, "options": options}
    started = time.monotonic()
    client = subprocess.Popen([sys.executable, "-c", _CLIENT, json.dumps(settings)], stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ))
    try:
        job_id = client.stdout.readline().strip()
        assert job_id, "the client did not start its job"
        assert client.stdout.readline().strip() == "killing myself", "the client died before its job got far"
    finally:
        client.send_signal(signal.SIGKILL)
        client.wait()
    results = oraclefn.Engine(config).attach(job_id).results()
    return job_id, results, time.monotonic() - started
