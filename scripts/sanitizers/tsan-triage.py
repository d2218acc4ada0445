"""Reads the ThreadSanitizer logs in a directory (scripts/sanitize.sh thread: one file per process) and fails on every report but one kind: a race on a
Swift task's own async frame (a heap block the task allocator handed out) between two of that task's partial
functions. A task runs its partial functions one at a time; what orders them is the concurrency runtime's
hand-off between threads (a continuation resumed by another thread, an actor or executor switch), which the
runtime built for Linux does not always announce to ThreadSanitizer (docs/sanitizers.md). Any other report,
a race on a class, a global or anything malloc'd elsewhere, is counted as real.

    python3 scripts/sanitizers/tsan-triage.py DIRECTORY
"""
import pathlib
import re
import sys

TASK_ALLOCATOR = "swift::StackAllocator<"
TASK_RUNNER = "swift::runJobInEstablishedExecutorContext"


def is_task_frame_handoff(report):
    location = report.split("Location is", 1)[1].split("\n\n", 1)[0] if "Location is" in report else ""
    if "heap block" not in location or TASK_ALLOCATOR not in location:
        return False
    # both accesses are in partial functions the runtime ran as the task's jobs
    accesses = [block for block in re.split(r"\n\s*\n", report.split("Location is", 1)[0]) if " of size " in block]
    return len(accesses) == 2 and all(TASK_RUNNER in block for block in accesses)


def main(directory):
    text = "".join(path.read_text(encoding="utf-8", errors="replace")
                   for path in sorted(pathlib.Path(directory).iterdir()) if path.is_file())
    reports = [part.split("SUMMARY:", 1)[0] for part in text.split("WARNING: ThreadSanitizer:")[1:]]
    handoffs = [report for report in reports if is_task_frame_handoff(report)]
    real = [report for report in reports if not is_task_frame_handoff(report)]
    print(f"ThreadSanitizer: {len(reports)} reports, {len(handoffs)} on a task's own async frame "
          f"(the runtime's hand-offs), {len(real)} others")
    for report in real:
        print("WARNING: ThreadSanitizer:" + report)
    return 1 if real else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
