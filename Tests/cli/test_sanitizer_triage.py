"""scripts/sanitizers/tsan-triage.py, which decides whether a ThreadSanitizer run (scripts/sanitize.sh thread)
passes: only the runtime's hand-offs are let through (races on a task's own async frame between two of its partial
functions, and a task's read of a field against the write its initializer made)."""
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

# Shortened from a real run: a driver made on one thread, read by the task it started on another.
PUBLICATION = f"""==================
WARNING: ThreadSanitizer: data race (pid=5816)
  Read of size 8 at 0x7268000b83d0 by thread T32:
    #0 $s8OFEngine9JobDriverC4postyyAC5EventOF /work/Sources/OFEngine/Job/JobDriver.swift:84:9
    #1 $s8OFEngine9JobDriverC16startPreparation33_9AA6EA195E61A3B22648DD64AE952369LLyyFyyYacfU_TY2_ /work/Sources/OFEngine/Job/JobDriver.swift:150:22
    #2 {RUNNER}

  Previous write of size 8 at 0x7268000b83d0 by thread T17:
    #0 $s8OFEngine9JobDriverC4spec8services10onProgressAcA0B4SpecV_AA0B8ServicesVyAA0bG0VYbcSgtcfc /work/Sources/OFEngine/Job/JobDriver.swift:46:41
    #1 $s8OFEngine9JobDriverC4spec8services10onProgressAcA0B4SpecV_AA0B8ServicesVyAA0bG0VYbcSgtcfC /work/Sources/OFEngine/Job/JobDriver.swift
    #2 {RUNNER}

  Location is heap block of size 1520 at 0x7268000b8200 allocated by thread T17:
    #0 malloc tsan_interceptors_posix.cpp:686:5
    #1 swift_slowAlloc <null> (libswiftCore.so+0x46fa6e)

SUMMARY: ThreadSanitizer: data race /work/Sources/OFEngine/Job/JobDriver.swift:84:9
==================
"""

# The same field written again later, outside an initializer: a real race.
WRITE_AFTER_INIT = PUBLICATION.replace("JobDriverC4spec8services10onProgressAcA0B4SpecV_AA0B8ServicesVyAA0bG0VYbcSgtcf",
                                       "JobDriverC5resetyyF")

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
    tmp_path.mkdir(exist_ok=True)
    for index, log in enumerate(logs):
        (tmp_path / f"tsan.{index}").write_text(log)
    return subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True)


def test_a_run_with_only_task_frame_handoffs_passes(tmp_path):
    done = triage(tmp_path, TASK_FRAME, TASK_FRAME)
    assert done.returncode == 0, done.stdout
    assert "2 reports, 2 on a task's own async frame and 0 on an object's publication" in done.stdout


def test_any_other_race_fails_the_run_and_is_printed(tmp_path):
    done = triage(tmp_path, TASK_FRAME, CLASS_FIELD)
    assert done.returncode == 1
    assert "2 reports, 1 on a task's own async frame and 0 on an object's publication (the runtime's hand-offs), 1 others" in done.stdout
    assert "EngineJobTests.swift:224:53" in done.stdout and "ServiceClient.swift" not in done.stdout


def test_a_task_frame_touched_outside_the_tasks_jobs_is_a_real_race(tmp_path):
    assert FRAME_FROM_A_THREAD != TASK_FRAME
    assert triage(tmp_path, FRAME_FROM_A_THREAD).returncode == 1


def test_a_tasks_read_against_the_initializers_write_passes_and_a_later_write_does_not(tmp_path):
    done = triage(tmp_path, PUBLICATION)
    assert done.returncode == 0, done.stdout
    assert "1 reports, 0 on a task's own async frame and 1 on an object's publication" in done.stdout
    assert WRITE_AFTER_INIT != PUBLICATION
    assert triage(tmp_path / "later", WRITE_AFTER_INIT).returncode == 1


def test_no_reports_pass(tmp_path):
    done = triage(tmp_path)
    assert done.returncode == 0 and "0 reports" in done.stdout
