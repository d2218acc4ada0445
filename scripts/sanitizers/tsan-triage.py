"""Reads the ThreadSanitizer logs in a directory (scripts/sanitize.sh thread: one file per process) and fails on
every report but two kinds, both hand-offs of the Swift concurrency runtime for Linux that it does not always
announce to ThreadSanitizer (docs/sanitizers.md):

- a race on a Swift task's own async frame (a heap block the task allocator handed out) between two of that
  task's partial functions, which the runtime runs one at a time;
- a read of a field racing with the write of it that an initializer made (the object's publication), the read
  in a task's job: Swift 6's checking lets an object reach another thread only through a lock, an actor or a
  task, so the read comes after the object was handed over, and the runtime's hand-off is what went unseen.

Any other report, a race between two writes or with a write outside an initializer, on a class, a global or
anything malloc'd, is counted as real.

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
    both = accesses(report)
    return len(both) == 2 and all(TASK_RUNNER in block for block in both)


def accesses(report):
    """The blocks of the two racing accesses (the current one first)."""
    return [block for block in re.split(r"\n\s*\n", report.split("Location is", 1)[0]) if " of size " in block]


def is_initializer(frame):
    # Swift mangles an initializer's name with the suffix fc (fC: the allocating entry point)
    return re.search(r"f[cC](TA|Tm|_)?(\.\d+)? ", frame + " ") is not None


def is_publication(report):
    current, previous = (accesses(report) + ["", ""])[:2]
    if not re.search(r"^\s*Read of size", current, re.M) or "Previous write of size" not in previous:
        return False
    first_frames = re.findall(r"#\d+ (\S+)", previous)[:3]
    return any(is_initializer(frame) for frame in first_frames) and TASK_RUNNER in current


def is_handoff(report):
    return is_task_frame_handoff(report) or is_publication(report)


def main(directory):
    text = "".join(path.read_text(encoding="utf-8", errors="replace")
                   for path in sorted(pathlib.Path(directory).iterdir()) if path.is_file())
    reports = [part.split("SUMMARY:", 1)[0] for part in text.split("WARNING: ThreadSanitizer:")[1:]]
    frames = [report for report in reports if is_task_frame_handoff(report)]
    publications = [report for report in reports if not is_task_frame_handoff(report) and is_publication(report)]
    real = [report for report in reports if not is_handoff(report)]
    print(f"ThreadSanitizer: {len(reports)} reports, {len(frames)} on a task's own async frame and "
          f"{len(publications)} on an object's publication (the runtime's hand-offs), {len(real)} others")
    for report in real:
        print("WARNING: ThreadSanitizer:" + report)
    return 1 if real else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
