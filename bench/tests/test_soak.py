"""The soak's own pieces that need no servers: its --mix option and the split of a worker's memory."""

import argparse
import os

import pytest

from bench import soak


def test_a_mix_names_known_kinds_with_weights_and_a_bare_kind_weighs_one():
    assert soak.parse_mix("browse=3, purchase") == {"browse": 3, "purchase": 1}
    assert set(soak.parse_mix(",".join(soak.MIX))) == set(soak.MIX)


@pytest.mark.parametrize("text", ["browse=1,nonsense=2", "", "browse=0"])
def test_an_unknown_kind_or_an_empty_mix_is_refused(text):
    with pytest.raises(argparse.ArgumentTypeError):
        soak.parse_mix(text)


def test_the_memory_map_splits_a_process_resident_memory_by_kind_of_mapping():
    kinds = soak.memory_map(os.getpid())

    rss_mb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS:")) / 1024
    assert {"heap", "anon", "file"} <= set(kinds)
    assert kinds["file"] > 0 and kinds["anon"] > 0  # the interpreter's own mapping; Python's object arenas
    assert sum(kinds.values()) == pytest.approx(rss_mb, rel=0.05)
