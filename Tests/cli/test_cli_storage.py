"""`oraclefn storage put|get|ls|rm|mb` against the emulator."""
import hashlib
import os
import pty
import subprocess

from clitest import *  # noqa: F401,F403 (fixtures)
from clitest import one_line_error


def test_make_put_list_get_and_remove(cli, config, bucket, home):
    made = cli("storage", "mb", "-c", config)
    assert made.code == 0, made
    assert made.stdout == f"Made bucket {bucket} in namespace oraclefn\n"
    again = cli("storage", "mb", bucket, "-c", config)
    assert again.code == 1, again
    one_line_error(again, f"making bucket {bucket}", "409", "BucketAlreadyExists")

    data = os.urandom(3 * 1024 * 1024 + 17)
    source = home / "data.bin"
    source.write_bytes(data)
    put = cli("storage", "put", source, "-c", config, "-k", "dir/data.bin")
    assert put.code == 0, put
    assert put.stdout == f"Uploaded {source} to {bucket}/dir/data.bin (3.0 MiB)\n"
    assert "[#" not in put.stderr, "no progress bar when stderr is not a terminal"
    (home / "note.txt").write_text("note")
    assert cli("storage", "put", home / "note.txt", bucket, "-c", config).code == 0

    listed = cli("storage", "ls", bucket, "-c", config, "--json")
    assert listed.code == 0, listed
    assert [(entry["name"], entry["size"]) for entry in listed.json()] == [("dir/data.bin", len(data)), ("note.txt", 4)]
    text = cli("storage", "ls", bucket, "--prefix", "dir/", "-c", config)
    assert text.stdout.splitlines()[0].split() == ["SIZE", "MODIFIED", "NAME"]
    assert text.stdout.splitlines()[1].split()[::2] == [str(len(data)), "dir/data.bin"]
    buckets = cli("storage", "ls", "-c", config, "--json")
    assert bucket in buckets.json()
    as_lithops = cli("storage", "list", bucket, "-c", config, "--json")  # Lithops' spelling of ls
    assert as_lithops.code == 0 and as_lithops.json() == listed.json(), as_lithops

    target = home / "copy.bin"
    got = cli("storage", "get", bucket, "dir/data.bin", "-o", target, "-c", config)
    assert got.code == 0, got
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(data).digest()
    to_stdout = subprocess.run([cli.path, "storage", "get", bucket, "note.txt", "-o", "-", "-c", str(config)],
                               capture_output=True, env=cli.environment(), cwd=home)
    assert (to_stdout.returncode, to_stdout.stdout) == (0, b"note")
    by_name = cli("storage", "get", bucket, "note.txt", "-c", config)
    assert by_name.code == 0 and (home / "note.txt").read_text() == "note"

    removed = cli("storage", "delete", bucket, "note.txt", "-c", config, "--json")  # Lithops' spelling of rm
    assert removed.json() == {"bucket": bucket, "deleted": 1}
    by_prefix = cli("storage", "rm", bucket, "--prefix", "dir/", "-c", config)
    assert by_prefix.stdout == f"Deleted 1 objects from {bucket}\n"
    assert cli("storage", "ls", bucket, "-c", config, "--json").json() == []


def test_what_is_not_there_exits_3_and_leaves_files_alone(cli, config, bucket, home):
    cli("storage", "mb", "-c", config)
    existing = home / "keep.txt"
    existing.write_text("mine")
    missing = cli("storage", "get", bucket, "no/such/object", "-o", existing, "-c", config)
    assert missing.code == 3, missing
    one_line_error(missing, f"downloading {bucket}/no/such/object", "404", "ObjectNotFound")
    assert existing.read_text() == "mine", "a failed download does not touch the file"
    assert cli("storage", "ls", "no-such-bucket", "-c", config).code == 3
    gone = cli("storage", "rm", bucket, "never-there", "-c", config)
    assert gone.code == 3, gone


def test_a_file_that_cannot_be_read_is_a_usage_error(cli, config, home):
    result = cli("storage", "put", home / "absent.bin", "-c", config)
    assert result.code == 2, result
    one_line_error(result, "absent.bin")


def test_no_bucket_and_no_storage_bucket_says_how_to_fix_it(cli, emulator, home):
    result = cli("storage", "put", __file__, "-c", emulator.config_file)
    assert result.code == 2, result
    one_line_error(result, "storage_bucket", "oracle_oss")


def test_a_progress_bar_is_drawn_on_a_terminal(cli, config, bucket, home):
    cli("storage", "mb", "-c", config)
    source = home / "big.bin"
    source.write_bytes(os.urandom(8 * 1024 * 1024))
    controller, terminal = pty.openpty()
    try:
        process = subprocess.run([cli.path, "storage", "put", str(source), "-c", str(config)], stdout=subprocess.PIPE,
                                 stderr=terminal, env=cli.environment(), cwd=home, timeout=120)
        os.close(terminal)
        terminal = None
        drawn = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        if terminal is not None:
            os.close(terminal)
        os.close(controller)
    assert process.returncode == 0
    assert b"uploading big.bin [" in drawn
    assert b"100% 8.0 MiB / 8.0 MiB" in drawn
    assert b"[#" not in process.stdout
