"""A function for the conformance tests, run by the real fdk-python through the emulator's image config.

The JSON body says what to do: {"action": "info"} (the default) answers with what the handler saw,
"raise" raises an exception, "sleep" sleeps for "seconds" first. The config COLD_START_SECONDS makes loading the module take that long.
"""
import io
import json
import os
import time

from fdk import response

# stands for the imports and set-up a real function does once per container
time.sleep(float(os.environ.get("COLD_START_SECONDS", "0")))


def handler(ctx, data: io.BytesIO = None):
    raw = data.getvalue() if data is not None else b""
    request = json.loads(raw) if raw else {}
    action = request.get("action", "info")
    print(f"func.py: {action} for call {ctx.CallID()}")
    if action == "raise":
        raise ValueError(request.get("message", "asked to fail"))
    if action == "sleep":
        time.sleep(float(request["seconds"]))
    answer = {
        "action": action,
        "pid": os.getpid(),
        "callId": ctx.CallID(),
        "deadline": ctx.Deadline(),
        "fnId": ctx.FnID(),
        "appId": ctx.AppID(),
        "memory": os.environ.get("FN_MEMORY"),
        "greeting": ctx.Config().get("GREETING"),
        "headers": {name: value for name, value in ctx.Headers().items() if isinstance(value, str)},
        "echo": request.get("echo"),
    }
    return response.Response(
        ctx, response_data=json.dumps(answer), headers={"Content-Type": "application/json", "X-Handled-By": "func.py"}
    )
