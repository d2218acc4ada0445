"""Object names that are path segments of their own ("." and ".."): the client encodes them so that nothing
collapses them between signing and sending, and they round-trip."""
import pytest

import oraclefn


@pytest.mark.parametrize("name", [".", "..", "a/./b", "a/../b"])
def test_dot_segments_are_objects_of_their_own(config, name):
    with oraclefn.Storage(config) as storage:
        storage.create_bucket("dot-names")
        storage.put_object("dot-names", name, b"x" + name.encode())
        assert storage.get_object("dot-names", name) == b"x" + name.encode()
        assert name in storage.list_keys("dot-names")
        storage.delete_object("dot-names", name)
