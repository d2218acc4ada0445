"""Lithops 3.8.0's own Oracle Functions worker, as the emulator runs it for bench/lithops_bench.py.

Lithops' runtime image runs `fdk handler/entry_point.py handler` (lithops/serverless/backends/oracle_f); the
benchmark maps its runtime image to `fdk bench/lithops_worker.py handler` with the emulator's --images, which is
that same handler once bench/lithops_endpoints.py has pointed Lithops' oci clients at the `endpoint` of the
configuration each call carries (the emulator's), as the image's clients would reach Oracle's.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lithops_endpoints import point_lithops_at_configured_endpoints  # noqa: E402

point_lithops_at_configured_endpoints()

from lithops.serverless.backends.oracle_f.entry_point import handler  # noqa: E402,F401

if os.environ.get("OFN_BENCH_LITHOPS_FORK_FIX") == "1":
    # Only with lithops_bench.py --lithops-fork-fix. Lithops' handler forks the JobRunner, which stores a large
    # result through the handler's Object Storage client, on the pooled connection it inherited, while the
    # handler writes the call's .init object on that same connection: the two requests' bytes interleave and
    # the server answers 400. With this, a forked child drops the connections it inherited and opens its own.
    import gc

    import requests

    def _drop_inherited_connections():
        for session in [obj for obj in gc.get_objects() if isinstance(obj, requests.Session)]:
            session.close()  # closes the child's copies of the sockets only

    os.register_at_fork(after_in_child=_drop_inherited_connections)
