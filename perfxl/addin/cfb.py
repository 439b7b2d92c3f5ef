"""A small writer for MS-CFB compound files (version 3, 512-byte sectors).

Enough for ``xl/vbaProject.bin``: nested storages and streams, streams under 4096 bytes in
the mini stream. Output is deterministic (no timestamps, zero CLSIDs), so two builds of the
same project give identical bytes.

Layout: header, FAT sectors, directory sectors, mini FAT sectors, the mini stream, then
the regular streams, each contiguous.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")

_STORAGE, _STREAM, _ROOT = 1, 2, 5
_BLACK = 1


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    sid: int = 0
    start: int = ENDOFCHAIN
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM


def _sort_key(name: str) -> tuple[int, str]:
    # MS-CFB 2.6.4: shorter names first, then a case-insensitive code point comparison.
    return (len(name.encode("utf-16-le")), name.upper())


class CompoundFile:
    """Collect streams by path (``"VBA/dir"``) and serialise them with :meth:`to_bytes`."""

    def __init__(self) -> None:
        self._root = _Entry("Root Entry", _ROOT)

    def add_stream(self, path: str, data: bytes) -> None:
        *dirs, name = path.split("/")
        node = self._root
        for d in dirs:
            node = node.children.setdefault(d, _Entry(d, _STORAGE))
            if node.kind != _STORAGE:
                raise ValueError(f"{d} is a stream, not a storage")
        for part in (*dirs, name):
            if len(part) > 31 or not part:
                raise ValueError(f"bad compound file name: {part!r}")
        node.children[name] = _Entry(name, _STREAM, bytes(data))

    def to_bytes(self) -> bytes:
        entries = self._number()
        small = [e for e in entries if e.kind == _STREAM and len(e.data) < MINI_CUTOFF]
        large = [e for e in entries if e.kind == _STREAM and len(e.data) >= MINI_CUTOFF]

        # Mini stream: each small stream as a chain of 64-byte mini sectors.
        mini_fat: list[int] = []
        mini_data = bytearray()
        for e in small:
            if not e.data:
                e.start = ENDOFCHAIN
                continue
            n = -(-len(e.data) // MINI_SECTOR)
            e.start = len(mini_fat)
            mini_fat.extend(range(e.start + 1, e.start + n))
            mini_fat.append(ENDOFCHAIN)
            mini_data += e.data.ljust(n * MINI_SECTOR, b"\0")

        n_dir = -(-len(entries) // 4)
        n_minifat = -(-len(mini_fat) * 4 // SECTOR)
        n_ministream = -(-len(mini_data) // SECTOR)
        n_large = [-(-len(e.data) // SECTOR) for e in large]
        payload = n_dir + n_minifat + n_ministream + sum(n_large)
        n_fat = 1
        while n_fat * (SECTOR // 4) < payload + n_fat:
            n_fat += 1
        if n_fat > 109:
            raise ValueError("compound file too large for a header-only DIFAT")

        fat: list[int] = [FATSECT] * n_fat
        nxt = n_fat

        def chain(count: int) -> int:
            nonlocal nxt
            if count == 0:
                return ENDOFCHAIN
            start = nxt
            fat.extend(range(start + 1, start + count))
            fat.append(ENDOFCHAIN)
            nxt += count
            return start

        dir_start = chain(n_dir)
        minifat_start = chain(n_minifat)
        self._root.start = chain(n_ministream)
        for e, n in zip(large, n_large):
            e.start = chain(n)
        fat.extend([FREESECT] * (n_fat * (SECTOR // 4) - len(fat)))

        out = bytearray(self._header(n_fat, dir_start, minifat_start, n_minifat))
        out += struct.pack(f"<{len(fat)}I", *fat)
        dir_bytes = b"".join(self._dir_entry(e, len(mini_data)) for e in entries)
        out += dir_bytes + self._unused_entries(-len(entries) % 4)
        mf = struct.pack(f"<{len(mini_fat)}I", *mini_fat)
        out += mf + struct.pack("<I", FREESECT) * ((n_minifat * SECTOR - len(mf)) // 4)
        out += bytes(mini_data).ljust(n_ministream * SECTOR, b"\0")
        for e, n in zip(large, n_large):
            out += e.data.ljust(n * SECTOR, b"\0")
        return bytes(out)

    # -- internals -------------------------------------------------------------------------

    def _number(self) -> list[_Entry]:
        """Assign stream ids in a breadth-first walk and link each storage's children as a
        balanced binary search tree (all black, which every reader accepts)."""
        entries = [self._root]
        queue = [self._root]
        while queue:
            node = queue.pop(0)
            kids = sorted(node.children.values(), key=lambda e: _sort_key(e.name))
            for k in kids:
                k.sid = len(entries)
                entries.append(k)
            node.child = self._link(kids)
            queue.extend(k for k in kids if k.kind == _STORAGE)
        return entries

    def _link(self, kids: list[_Entry]) -> int:
        if not kids:
            return NOSTREAM
        mid = len(kids) // 2
        node = kids[mid]
        node.left = self._link(kids[:mid])
        node.right = self._link(kids[mid + 1:])
        return node.sid

    @staticmethod
    def _header(n_fat: int, dir_start: int, minifat_start: int, n_minifat: int) -> bytes:
        difat = list(range(n_fat)) + [FREESECT] * (109 - n_fat)
        head = struct.pack(
            "<8s16sHHHHH6sIIIIIIIII",
            SIGNATURE, b"\0" * 16, 0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6,
            0,  # directory sectors: must be 0 in version 3
            n_fat, dir_start, 0, MINI_CUTOFF,
            minifat_start if n_minifat else ENDOFCHAIN, n_minifat,
            ENDOFCHAIN, 0,
        )
        return head + struct.pack("<109I", *difat)

    @staticmethod
    def _dir_entry(e: _Entry, mini_size: int) -> bytes:
        name = e.name.encode("utf-16-le") + b"\0\0"
        if e.kind == _ROOT:
            start, size = (e.start if mini_size else ENDOFCHAIN), mini_size
        elif e.kind == _STORAGE:
            start, size = 0, 0
        else:
            start, size = e.start, len(e.data)
        return struct.pack(
            "<64sHBBIII16sIQQIQ",
            name, len(name), e.kind, _BLACK, e.left, e.right, e.child,
            b"\0" * 16, 0, 0, 0, start, size,
        )

    @staticmethod
    def _unused_entries(n: int) -> bytes:
        one = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                          b"\0" * 16, 0, 0, 0, 0, 0)
        return one * n
