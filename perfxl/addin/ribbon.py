"""The ribbon: the button registry (``perfxl.excel.buttons``) → customUI14 XML.

Every button's ``onAction`` is the one generic VBA callback (``CALLBACK``), which passes
the control id to the Python dispatcher (``perfxl.excel.dispatch``). A control id must
have a handler in ``perfxl.excel.handlers`` and a handler must have a button: the build
refuses a mismatch and tests check it.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from perfxl.excel.buttons import BUTTONS, GROUPS, TAB_LABEL, Button

NS = "http://schemas.microsoft.com/office/2009/07/customui"
CALLBACK = "perfxl_ribbon.PerfxlOnAction"
TAB_ID = "px_tab"


def custom_ui_xml(selected: tuple[Button, ...] = BUTTONS) -> bytes:
    """customUI14 XML for ``selected`` buttons, grouped in ``GROUPS`` order."""
    ids = [b.id for b in selected]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate control id in the ribbon registry")
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f'<customUI xmlns="{NS}">',
        "  <ribbon>",
        "    <tabs>",
        f"      <tab id={quoteattr(TAB_ID)} label={quoteattr(TAB_LABEL)}>",
    ]
    for g in GROUPS:
        members = [b for b in selected if b.group == g.id]
        if not members:
            continue
        lines.append(f"        <group id={quoteattr(g.id)} label={quoteattr(g.label)}>")
        for b in members:
            lines.append(
                f"          <button id={quoteattr(b.id)} label={quoteattr(b.label)}"
                f" size={quoteattr('large' if b.large else 'normal')}"
                f" imageMso={quoteattr(b.image)} screentip={quoteattr(b.screentip)}"
                f" supertip={quoteattr(b.supertip)} onAction={quoteattr(CALLBACK)}/>"
            )
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(lines).encode("utf-8")
