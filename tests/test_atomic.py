"""atomic_path: outputs replace their target whole, with ordinary file permissions."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from perfxl.adapters import atomic
from perfxl.adapters.atomic import atomic_path

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_target_is_replaced_whole_and_no_temporary_file_stays(tmp_path):
    target = tmp_path / "汇总.xlsx"
    target.write_bytes(b"old")
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
        assert target.read_bytes() == b"old"  # not touched until the writing is done
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.xlsx"]


def test_a_failed_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "汇总.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.xlsx"]


@posix_only
def test_a_new_file_gets_the_permissions_the_umask_allows(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "_UMASK", 0o027)
    target = tmp_path / "新.xlsx"
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"x")
    assert _mode(target) == 0o640  # not mkstemp's 0600: colleagues in the group can read it


@posix_only
def test_a_replaced_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "汇总.xlsx"
    target.write_bytes(b"old")
    os.chmod(target, 0o664)
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert _mode(target) == 0o664


@posix_only
def test_the_umask_is_read_without_changing_it():
    before = os.umask(0o077)
    try:
        assert atomic._umask() == 0o077
        assert os.umask(0o077) == 0o077
    finally:
        os.umask(before)


@posix_only
def test_a_read_only_file_is_replaced_and_stays_read_only(tmp_path):
    target = tmp_path / "汇总.xlsx"
    target.write_bytes(b"old")
    os.chmod(target, 0o444)
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert _mode(target) == 0o444
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.xlsx"]


def test_the_mode_is_set_after_the_data_is_synced(tmp_path, monkeypatch):
    # A read-only mode set first would make the fsync's open fail for anyone but root.
    calls = []
    real_fsync, real_chmod = os.fsync, os.chmod
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "chmod", lambda p, m: (calls.append("chmod"), real_chmod(p, m))[1])
    with atomic_path(tmp_path / "a.xlsx") as tmp:
        tmp.write_bytes(b"x")
    assert calls == ["fsync", "chmod"]
