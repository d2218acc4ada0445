"""scripts/sanitizers/tsan-triage.py, which decides whether a ThreadSanitizer run (scripts/sanitize.sh thread)
passes: only races on a task's own async frame between two of its partial functions are let through."""
import pathlib
import subprocess
import sys

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "sanitizers" / "tsan-triage.py"

RUNNER = "swift::runJobInEstablishedExecutorContext(swift::Job*) crtstuff.c (libswift_Concurrency.so+0x71e5f)"

# Shortened from a real run: a continuation resumed by the curl thread; the two accesses are partial functions of
# one task and the memory is that task's frame.
TASK_FRAME = f"""==================
WARNING: ThreadSanitizer: data race (pid=31061)
  Write of size 8 at 0x72a00001c038 by thread T3:
    #0 $s10OFServices13ServiceClientC4send___TY3_ /work/Sources/OFServices/ServiceClient.swift:35:43
    #1 {RUNNER}

  Previous read of size 8 at 0x72a00001c038 by thread T1:
    #0 $s11OFTransport16RetryingExecutorC7execute_TY2_ /work/Sources/OFTransport/RetryingExecutor.swift:59:17
    #1 {RUNNER}

  Location is heap block of size 15000 at 0x72a00001c000 allocated by thread T1:
    #0 malloc tsan_interceptors_posix.cpp:686:5
    #1 swift::StackAllocator<984ul, &(swift::TaskAllocatorSlabMetadata), swift::TaskAllocatorConfiguration>::alloc(unsigned long) crtstuff.c
    #2 {RUNNER}

SUMMARY: ThreadSanitizer: data race /work/Sources/OFServices/ServiceClient.swift:35:43
==================
"""

# A field of a class written by one thread and read by another with nothing between them.
CLASS_FIELD = """==================
WARNING: ThreadSanitizer: data race (pid=13749)
  Read of size 1 at 0x720800035bf8 by thread T96:
    #0 $s13OFEngineTests10ThreadWaitC6resultSbyYaF /work/Tests/OFEngineTests/EngineJobTests.swift:224:53
    #1 $s10Foundation6ThreadC4mainyyF <null> (libFoundation.so+0x3795f8)

  Previous write of size 1 at 0x720800035bf8 by thread T90:
    #0 $s13OFEngineTests10ThreadWaitC_7timeout /work/Tests/OFEngineTests/EngineJobTests.swift:214:27
    #1 $s10Foundation6ThreadC4mainyyF <null> (libFoundation.so+0x3795f8)

  Location is heap block of size 25 at 0x720800035be0 allocated by thread T1:
    #0 malloc tsan_interceptors_posix.cpp:686:5
    #1 swift_slowAlloc <null> (libswiftCore.so+0x46fa6e)

SUMMARY: ThreadSanitizer: data race /work/Tests/OFEngineTests/EngineJobTests.swift:224:53
==================
"""

# A task's frame memory, but one access is on a thread of its own: not the runtime's hand-off.
FRAME_FROM_A_THREAD = TASK_FRAME.replace(f"#0 $s11OFTransport16RetryingExecutorC7execute_TY2_ /work/Sources/OFTransport/RetryingExecutor.swift:59:17\n    #1 {RUNNER}",
                                         "#0 curl_thread_main /work/Sources/OFTransport/CurlThread.swift:10:1\n    #1 start_thread")


def triage(tmp_path, *logs):
    for index, log in enumerate(logs):
        (tmp_path / f"tsan.{index}").write_text(log)
    return subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True)


def test_a_run_with_only_task_frame_handoffs_passes(tmp_path):
    done = triage(tmp_path, TASK_FRAME, TASK_FRAME)
    assert done.returncode == 0, done.stdout
    assert "2 reports, 2 on a task's own async frame" in done.stdout


def test_any_other_race_fails_the_run_and_is_printed(tmp_path):
    done = triage(tmp_path, TASK_FRAME, CLASS_FIELD)
    assert done.returncode == 1
    assert "2 reports, 1 on a task's own async frame (the runtime's hand-offs), 1 others" in done.stdout
    assert "EngineJobTests.swift:224:53" in done.stdout and "ServiceClient.swift" not in done.stdout


def test_a_task_frame_touched_outside_the_tasks_jobs_is_a_real_race(tmp_path):
    assert FRAME_FROM_A_THREAD != TASK_FRAME
    assert triage(tmp_path, FRAME_FROM_A_THREAD).returncode == 1


def test_no_reports_pass(tmp_path):
    done = triage(tmp_path)
    assert done.returncode == 0 and "0 reports" in done.stdout
