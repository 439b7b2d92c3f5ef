"""MS-OVBA: write a VBA project (``vbaProject.bin``) from module source text.

The project carries source only: ``_VBA_PROJECT`` has version 0xFFFF and no performance
cache, every module stream holds its compressed source at offset 0 (MS-OVBA 2.3.4.1), and
Office compiles the source when it opens the file. Protection records (CMG/DPB/GC) say
"not protected, no password, visible", obfuscated as MS-OVBA 2.4.3 prescribes.

Everything is deterministic: the project id and obfuscation seeds derive from the
project name, so identical input gives identical bytes.
"""

from __future__ import annotations

import hashlib
import struct
import uuid
from dataclasses import dataclass

from perfxl.addin.cfb import CompoundFile

STANDARD, DOCUMENT, CLASS = "standard", "document", "class"

# Base classes of Excel's document modules (VB_Base attribute).
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"

# Only libraries every Office install registers; the MSO path is informational (Office
# resolves a reference by GUID and version) and no user-specific path is written.
REFERENCES = (
    ("stdole", "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
               "C:\\Windows\\System32\\stdole2.tlb#OLE Automation"),
    ("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#"
               "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL#"
               "Microsoft Office 16.0 Object Library"),
)


@dataclass(frozen=True)
class Module:
    name: str
    source: str  # without the Attribute header lines; CRLF or LF line ends
    kind: str = STANDARD
    base: str = ""  # VB_Base for document modules

    def text(self) -> str:
        """The module stream's text: attribute header, then the source with CRLF ends."""
        head = [f'Attribute VB_Name = "{self.name}"']
        if self.kind == DOCUMENT:
            head += [
                f'Attribute VB_Base = "{self.base}"',
                "Attribute VB_GlobalNameSpace = False",
                "Attribute VB_Creatable = False",
                "Attribute VB_PredeclaredId = True",
                "Attribute VB_Exposed = True",
                "Attribute VB_TemplateDerived = False",
                "Attribute VB_Customizable = True",
            ]
        elif self.kind == CLASS:
            head += [
                "Attribute VB_GlobalNameSpace = False",
                "Attribute VB_Creatable = False",
                "Attribute VB_PredeclaredId = False",
                "Attribute VB_Exposed = False",
            ]
        body = self.source.replace("\r\n", "\n").rstrip("\n").split("\n")
        if body == [""]:
            body = []
        return "\r\n".join(head + body) + "\r\n"


# -- compression (MS-OVBA 2.4.1) ------------------------------------------------------------

_CHUNK = 4096


def _copy_token_params(offset_in_chunk: int) -> tuple[int, int]:
    """Bit count of the offset field and maximum match length at this chunk position."""
    bits = max((offset_in_chunk - 1).bit_length(), 4)
    return bits, (0xFFFF >> bits) + 3


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    pos, n = 0, len(chunk)
    heads: dict[bytes, list[int]] = {}
    while pos < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            bits, max_len = _copy_token_params(pos)
            best_len, best_off = 0, 0
            if pos + 3 <= n:
                limit = min(max_len, n - pos)
                for cand in reversed(heads.get(chunk[pos:pos + 3], ())):
                    length = 3
                    while length < limit and chunk[cand + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if length == limit:
                            break
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                step = best_len
            else:
                out.append(chunk[pos])
                step = 1
            for p in range(pos, min(pos + step, n - 2)):
                heads.setdefault(chunk[p:p + 3], []).append(p)
            pos += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        chunk = data[start:start + _CHUNK]
        packed = _compress_chunk(chunk)
        if len(packed) <= _CHUNK - 2:
            out += struct.pack("<H", 0xB000 | (len(packed) + 2 - 3)) + packed
            continue
        # Incompressible: a raw chunk is always 4096 bytes (MS-OVBA 2.4.1.3.10 pads it).
        out += struct.pack("<H", 0x3FFF) + chunk.ljust(_CHUNK, b"\0")
    return bytes(out)


def decompress(data: bytes) -> bytes:
    if not data or data[0] != 1:
        raise ValueError("not a compressed container (signature byte != 1)")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0b111 != 0b011:
            raise ValueError(f"bad chunk signature at {pos}")
        end = pos + size
        pos += 2
        chunk_start = len(out)
        if not header & 0x8000:
            out += data[pos:pos + _CHUNK]
            pos += _CHUNK
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if flags & (1 << bit):
                    token = struct.unpack_from("<H", data, pos)[0]
                    pos += 2
                    bits, _ = _copy_token_params(len(out) - chunk_start)
                    length = (token & (0xFFFF >> bits)) + 3
                    offset = (token >> (16 - bits)) + 1
                    src = len(out) - offset
                    for i in range(length):
                        out.append(out[src + i])
                else:
                    out.append(data[pos])
                    pos += 1
    return bytes(out)


# -- PROJECT stream obfuscation (MS-OVBA 2.4.3) ---------------------------------------------

def obfuscate(data: bytes, project_id: str, seed: int) -> str:
    """Data Encryption of CMG/DPB/GC values; ``seed`` and the ignored bytes are fixed so
    the output is reproducible."""
    proj_key = sum(project_id.encode("ascii")) & 0xFF
    version = 2
    out = [seed, seed ^ version, seed ^ proj_key]
    unenc1, enc1, enc2 = proj_key, out[2], out[1]

    def push(byte: int) -> None:
        nonlocal unenc1, enc1, enc2
        enc = (byte ^ ((enc2 + unenc1) & 0xFF)) & 0xFF
        out.append(enc)
        enc2, enc1, unenc1 = enc1, enc, byte

    for _ in range((seed & 6) // 2):
        push(0)
    for b in struct.pack("<I", len(data)) + data:
        push(b)
    return bytes(out).hex().upper()


def deobfuscate(text: str) -> bytes:
    raw = bytes.fromhex(text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    if seed ^ version_enc != 2:
        raise ValueError("bad obfuscation version")
    proj_key = seed ^ key_enc
    unenc1, enc1, enc2 = proj_key, key_enc, version_enc
    plain = []
    for enc in raw[3:]:
        byte = enc ^ ((enc2 + unenc1) & 0xFF)
        plain.append(byte)
        enc2, enc1, unenc1 = enc1, enc, byte
    skip = (seed & 6) // 2
    length = struct.unpack("<I", bytes(plain[skip:skip + 4]))[0]
    return bytes(plain[skip + 4:skip + 4 + length])


# -- the project ----------------------------------------------------------------------------

class VBAProject:
    """Modules in a fixed order → ``vbaProject.bin`` bytes."""

    def __init__(self, name: str = "VBAProject", codepage: int = 1252) -> None:
        if not name.isascii() or not name.replace("_", "").isalnum():
            raise ValueError(f"project name must be an ASCII identifier: {name!r}")
        self.name = name
        self.codepage = codepage
        self.modules: list[Module] = []

    @property
    def encoding(self) -> str:
        return f"cp{self.codepage}"

    def add(self, module: Module) -> None:
        if any(m.name.lower() == module.name.lower() for m in self.modules):
            raise ValueError(f"duplicate VBA module {module.name}")
        if not module.name.isascii() or len(module.name) > 31:
            raise ValueError(f"VBA module names must be short ASCII identifiers: {module.name!r}")
        module.text().encode(self.encoding)  # fail early on text the codepage cannot hold
        self.modules.append(module)

    def project_id(self) -> str:
        return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"perfxl:{self.name}")).upper() + "}"

    def _seed(self, tag: str) -> int:
        return hashlib.sha256(f"{self.name}:{tag}".encode()).digest()[0]

    def project_stream(self) -> bytes:
        pid = self.project_id()
        lines = [f'ID="{pid}"']
        for m in self.modules:
            if m.kind == DOCUMENT:
                lines.append(f"Document={m.name}/&H00000000")
            elif m.kind == CLASS:
                lines.append(f"Class={m.name}")
            else:
                lines.append(f"Module={m.name}")
        lines += [
            f'Name="{self.name}"',
            'HelpContextID="0"',
            'VersionCompatible32="393222000"',
            f'CMG="{obfuscate(bytes(4), pid, self._seed("CMG"))}"',
            f'DPB="{obfuscate(bytes(1), pid, self._seed("DPB"))}"',
            f'GC="{obfuscate(bytes([0xFF]), pid, self._seed("GC"))}"',
            "",
            "[Host Extender Info]",
            "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
            "",
        ]
        return "\r\n".join(lines).encode(self.encoding) + b"\r\n"

    def projectwm_stream(self) -> bytes:
        out = bytearray()
        for m in self.modules:
            out += m.name.encode(self.encoding) + b"\0"
            out += m.name.encode("utf-16-le") + b"\0\0"
        return bytes(out + b"\0\0")

    def dir_stream(self) -> bytes:
        """The uncompressed ``dir`` stream (MS-OVBA 2.3.4.2)."""
        enc = self.encoding
        d = bytearray()

        def rec(rid: int, payload: bytes) -> None:
            d.extend(struct.pack("<HI", rid, len(payload)) + payload)

        def rec_u(rid: int, text: str, uid: int) -> None:
            rec(rid, text.encode(enc))
            rec(uid, text.encode("utf-16-le"))

        rec(0x0001, struct.pack("<I", 1))          # SYSKIND: Win32
        rec(0x0002, struct.pack("<I", 0x0409))     # LCID
        rec(0x0014, struct.pack("<I", 0x0409))     # LCIDINVOKE
        rec(0x0003, struct.pack("<H", self.codepage))
        rec(0x0004, self.name.encode(enc))
        rec_u(0x0005, "", 0x0040)                  # DOCSTRING
        rec_u(0x0006, "", 0x003D)                  # HELPFILEPATH (two copies)
        rec(0x0007, struct.pack("<I", 0))          # HELPCONTEXT
        rec(0x0008, struct.pack("<I", 0))          # LIBFLAGS
        d += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # VERSION: reserved size 4, major, minor
        rec_u(0x000C, "", 0x003C)                  # CONSTANTS
        for ref_name, libid in REFERENCES:
            rec_u(0x0016, ref_name, 0x003E)        # REFERENCENAME
            lib = libid.encode(enc)
            body = struct.pack("<I", len(lib)) + lib + struct.pack("<IH", 0, 0)
            rec(0x000D, body)                      # REFERENCEREGISTERED
        rec(0x000F, struct.pack("<H", len(self.modules)))
        rec(0x0013, struct.pack("<H", 0xFFFF))     # PROJECTCOOKIE
        for m in self.modules:
            rec(0x0019, m.name.encode(enc))        # MODULENAME
            rec(0x0047, m.name.encode("utf-16-le"))  # MODULENAMEUNICODE
            rec_u(0x001A, m.name, 0x0032)          # MODULESTREAMNAME
            rec_u(0x001C, "", 0x0048)              # MODULEDOCSTRING
            rec(0x0031, struct.pack("<I", 0))      # MODULEOFFSET: source starts the stream
            rec(0x001E, struct.pack("<I", 0))      # MODULEHELPCONTEXT
            rec(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
            rec(0x0021 if m.kind == STANDARD else 0x0022, b"")  # MODULETYPE
            rec(0x002B, b"")                       # module terminator
        rec(0x0010, b"")                           # dir terminator
        return bytes(d)

    def to_bytes(self, dir_stream: bytes | None = None) -> bytes:
        """Serialise; ``dir_stream`` overrides the compressed dir (tests corrupt it)."""
        cf = CompoundFile()
        cf.add_stream("PROJECT", self.project_stream())
        cf.add_stream("PROJECTwm", self.projectwm_stream())
        # Reserved 0x61CC, version 0xFFFF (no p-code), reserved 0x00, reserved 0x0003 (Excel).
        cf.add_stream("VBA/_VBA_PROJECT", b"\xcc\x61\xff\xff\x00\x03\x00")
        cf.add_stream("VBA/dir", dir_stream if dir_stream is not None else compress(self.dir_stream()))
        for m in self.modules:
            cf.add_stream(f"VBA/{m.name}", compress(m.text().encode(self.encoding)))
        return cf.to_bytes()
