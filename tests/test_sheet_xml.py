"""The direct XML reader (the default engine's first try) gives exactly calamine's grids.

Every workbook here is read twice — by ``sheet_xml.workbook_grids`` from the parts the
safety scan kept, and by python-calamine with formula cells dropped as the reader always
did — and the grids are compared cell by cell: keys in order, values and their types,
merged ranges, sheet names and order. A workbook the direct reader declines (raises
Unsupported) must still read the same through ``load_grids``, which then asks calamine.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from perfxl.adapters import sheet_xml
from perfxl.adapters.xlsx_reader import (_calamine_grids, _formula_cells, _put_errors, _sheet_xml,
                                         check_workbook, load_grids)
from perfxl.adapters.template.workbook import write_form, write_template
from tests.conftest import ROOT
from tests.template_forms import generated_form

EXAMPLES = sorted((ROOT / "examples").glob("*.xlsx"))


def _calamine(path: Path, typed_only: bool):
    """What the reader gave before the direct reader: calamine, formula cells dropped."""
    grids = _calamine_grids(path)
    dropped = {}
    if typed_only:
        sheets = _sheet_xml(check_workbook(path))
        for grid in grids:
            cells = _formula_cells(sheets.get(grid.sheet, b""))
            if cells:
                grid.drop(cells)
                dropped[grid.sheet] = cells
    return grids, dropped


def _shape(grids):
    # the row index too: the direct reader builds it as it reads (Grid.from_rows)
    return [(g.sheet, [(k, repr(v), type(v)) for k, v in g.cells.items()], g.merged,
             [(r, g.row_cols(r)) for r in g.rows()]) for g in grids]


def _direct(path: Path, typed_only: bool):
    parts = check_workbook(path)
    grids, sheets, dropped = sheet_xml.workbook_grids(parts, parts.names, typed_only)
    assert sheets == _sheet_xml(parts)
    assert list(sheets) == [g.sheet for g in grids]
    return grids, dropped


def assert_same(path: Path, *, supported: bool = True) -> None:
    """The direct reader gives calamine's grids (or declines, when ``supported`` is False)."""
    for typed_only in (True, False):
        try:
            grids, dropped = _direct(path, typed_only)
        except sheet_xml.Unsupported:
            assert not supported, f"{path.name}: the direct reader declined it"
            assert _shape(load_grids(path, typed_only=typed_only)) == _shape(
                load_grids(path, engine="calamine", typed_only=typed_only))
            continue
        assert supported, f"{path.name}: expected the direct reader to decline it"
        reference, ref_dropped = _calamine(path, typed_only)
        assert _shape(grids) == _shape(reference), path.name
        if typed_only:
            assert dropped == ref_dropped
        _put_errors(reference, _sheet_xml(check_workbook(path)))  # what load_grids adds to either
        assert _shape(load_grids(path, typed_only=typed_only)) == _shape(reference)


# --- workbooks from the repository and from perfxl ------------------------------------------

@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples(path):
    assert_same(path)


@pytest.fixture(scope="module")
def perfxl_workbooks(tmp_path_factory):
    out = tmp_path_factory.mktemp("perfxl")
    paths = []
    for layout in ("guangdong", "shandong"):
        p = out / f"template_{layout}.xlsx"
        write_template(layout, 2025, "某市财政局", p)
        paths.append(p)
        for seed in range(3):
            p = out / f"form_{layout}_{seed}.xlsx"
            write_form(generated_form(seed, layout), p)
            paths.append(p)
    return paths


def test_templates_and_filled_forms(perfxl_workbooks):
    for path in perfxl_workbooks:
        assert_same(path)


# --- openpyxl with the awkward cases -----------------------------------------------------------

def _awkward_openpyxl(path: Path, *, dates: bool = False) -> Path:
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表 & <一>"
    rows = [
        ["部门名称", "  前后空格  ", "换行\n第二行", "\r\n回车", "a & b < c > d \"e\" 'f'"],
        [1e-05, 12345678901234567890, -0.0, 3.0, 2.5],
        [True, False, "   ", "\u3000", "_x0041_ 与 _x005F_x0041_"],
        ["=1+1", "=\"文本\"&A1", 7, "😀 表情", "\t制表"],
        [0, -12.75, 1e20, "1E-05", "0012"],
    ]
    for row in rows:
        ws.append(row)
    ws["F1"] = CellRichText(["普通", TextBlock(InlineFont(b=True), " 加粗 "), "尾"])
    ws.merge_cells("A7:C8")
    ws.merge_cells("E7:E9")
    ws["A10"] = 1.5
    ws["A10"].number_format = "0.00\"万元\""
    ws["B10"] = 2
    ws["B10"].number_format = "#,##0.00_ "
    if dates:
        ws["C10"] = datetime(2024, 3, 5)
        ws["D10"] = 3  # calamine reads [Red] as a colour; the direct reader, wary of its d, declines
        ws["D10"].number_format = "#,##0.00_ ;[Red]\\-#,##0.00\\ "
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "h"
    hidden.sheet_state = "hidden"
    very = wb.create_sheet("深度隐藏")
    very["B2"] = 42
    very.sheet_state = "veryHidden"
    wb.create_sheet("空表")
    wb.save(path)
    return path


def test_openpyxl_awkward_cells(tmp_path):
    assert_same(_awkward_openpyxl(tmp_path / "awkward.xlsx"))


def test_a_date_is_left_to_calamine(tmp_path):
    assert_same(_awkward_openpyxl(tmp_path / "dates.xlsx", dates=True), supported=False)


# --- raw XML: what writers other than openpyxl produce, and what the reader declines --------

NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')


PLAIN_STYLES = '<cellXfs><xf numFmtId="0"/></cellXfs>'


def raw_xlsx(path: Path, body: str, *, sst: str | None = None, styles: str | None = None,
             sheets: list[tuple[str, str, str | None]] | None = None, tail: str = "") -> Path:
    """A workbook whose XML is written by hand: ``body`` is the first sheet's <sheetData>
    content (``tail`` follows it), ``sheets`` adds (name, body, state) sheets."""
    sheets = [("S", body, None)] + (sheets or [])
    rels = ['<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/styles" Target="styles.xml"/>']
    entries = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        for i, (name, data, state) in enumerate(sheets, 1):
            st = f' state="{state}"' if state else ""
            entries.append(f'<sheet name="{name}" sheetId="{i}"{st} r:id="rId{i}"/>')
            rels.append(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/'
                        f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>')
            z.writestr(f"xl/worksheets/sheet{i}.xml", data if data.startswith("<") and "sheetData" in data
                       else f'<worksheet {NS}><sheetData>{data}</sheetData>{tail if i == 1 else ""}</worksheet>')
        if sst is not None:
            rels.append('<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/'
                        '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
            z.writestr("xl/sharedStrings.xml", f"<sst {NS}>{sst}</sst>")
        z.writestr("xl/styles.xml", f"<styleSheet {NS}>{styles or PLAIN_STYLES}</styleSheet>")
        z.writestr("xl/workbook.xml", f'<workbook {NS}><sheets>{"".join(entries)}</sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships">' + "".join(rels) + "</Relationships>")
    return path


def _row(*cells: str, r: int = 1) -> str:
    return f'<row r="{r}">' + "".join(cells) + "</row>"


def _inline(ref: str, inner: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is>{inner}</is></c>'


P = ' xml:space="preserve"'
SUPPORTED = {
    "entities": (_row('<c r="A1" t="s"><v>0</v></c>', _inline("B1", "<t>x&amp;y&lt;&#x4E2D;&#20013;&quot;</t>")),
                 "<si><t>a&amp;b&gt;&#x1F600;&apos;</t></si>"),
    "rich_and_phonetic": (_row('<c r="A1" t="s"><v>0</v></c>', '<c r="B1" t="s"><v>1</v></c>',
                               '<c r="C1" t="s"><v>2</v></c>'),
                          f'<si><r><t>ab</t></r><r><rPr><b/><rFont val="宋体"/></rPr><t{P}> cd </t></r>'
                          '<rPh sb="0" eb="1"><t>フリ</t></rPh><phoneticPr fontId="1"/></si>'
                          '<si><t>plain</t><rPh sb="0" eb="1"><t>PH</t></rPh></si>'
                          '<si><rPh sb="0" eb="1"><t>PH</t></rPh><t>after</t></si>'),
    "x_escapes": (_row('<c r="A1" t="s"><v>0</v></c>', _inline("B1", "<t>x_x000D_y_x0041__x005f_x0041__x00e9_</t>"),
                       _inline("C1", "<t> _x0020_a </t>")), "<si><t>a_x000d_b</t></si>"),
    "white_space": (_row(_inline("A1", "<t>  lead trail  </t>"), _inline("B1", f"<t{P}>  kept  </t>"),
                         _inline("C1", "<t>a\r\nb\rc</t>"), _inline("D1", "<t>\u3000全角\u3000</t>"),
                         _inline("E1", "<t> x&#x20; </t>"), _inline("F1", "<t>&#10;a</t>"),
                         _inline("G1", "<t>   </t>"), _inline("H1", f"<t{P}>   </t>"),
                         _inline("I1", "<t>\xa0nb\xa0</t>"), '<c r="J1" t="s"><v>0</v></c>',
                         _inline("K1", "<t>\u3000</t>"), _inline("L1", "<t>\xa0 \u2003</t>")),
                    f"<si><t xml:space='preserve'> s </t></si>"),
    "inline_runs": (_row(_inline("A1", "<r><t> a </t></r><r><t>b</t></r><rPh><t>P</t></rPh>"),
                         _inline("B1", "<t>x</t><t>y</t>"), _inline("C1", ""), '<c r="D1" t="inlineStr"><v>vv</v></c>',
                         _inline("E1", "<t/>"), '<c r="F1" t="inlineStr"></c>'), None),
    "types": (_row('<c r="A1" t="str"><v> s &amp; t </v></c>', '<c r="B1" t="b"><v>1</v></c>',
                   '<c r="C1" t="b"><v>0</v></c>', '<c r="D1" t="e"><v>#N/A</v></c>',
                   '<c r="E1" t="e"><v>#DIV/0!</v></c>', '<c r="F1" t="n"><v>7</v></c>'), None),
    "numbers": (_row('<c r="A1"><v>1E-05</v></c>', '<c r="B1" t="n"><v/></c>', '<c r="C1"><v>2.0</v></c>',
                     '<c r="D1"><v>-0</v></c>', '<c r="E1"><v>1e20</v></c>', '<c r="F1"><v>.5</v></c>',
                     '<c r="G1"><v>5.</v></c>', '<c r="H1"><v>+3</v></c>', '<c r="I1"><v></v></c>',
                     '<c r="J1"><v>1e5000</v></c>', '<c r="K1"><v>00012</v></c>',
                     '<c r="L1"><v>12345678901234567890</v></c>', '<c r="M1" s="0"><v>0.1</v></c>'), None),
    "formulas": (_row('<c r="A1"><f>1+1</f><v>2</v></c>', '<c r="B1" t="str"><f>"a"</f><v>a</v></c>',
                      '<c r="C1"><f>1+1</f><v/></c>', '<c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
                      '<c r="E1"><f t="shared" ref="E1:E2" si="0">A1</f><v>3</v></c>')
                 + _row('<c r="E2"><f t="shared" si="0"/><v>4</v></c>', '<c r="F2"><v>5</v></c>', r=2), None),
    "attributes_written_otherwise": (_row('<c t="inlineStr" r="A1"><is><t>t first</t></is></c>',
                                          "<c r='B1' t='s'><v>0</v></c>", '<c r="C1" s="0" cm="1"><v>3</v></c>',
                                          '<c  r = "D1" ><v>4</v></c>'), "<si><t>quoted</t></si>"),
    "empty_cells_and_rows": ('<row r="1"><c r="A1" s="0"/><c r="B1" t="n" /></row><row r="2"/>'
                             + _row('<c r="C3"/>', '<c r="D3"><v>1</v></c>', '<c r="E3" t="s"/>', r=3), "<si><t>z</t></si>"),
    "merged": (_row('<c r="A1"><v>1</v></c>'),
               None, '<mergeCells count="3"><mergeCell ref="C3:D4"/><mergeCell ref="A1"/>'
                     '<mergeCell ref="B1:B2"/></mergeCells>'),
    "date_style_on_text": (_row('<c r="A1" s="1" t="s"><v>0</v></c>', '<c r="B1" s="2"><v>45000</v></c>'),
                           "<si><t>文本</t></si>",
                           None, '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.00&quot;万元&quot;"/>'
                                 '</numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/>'
                                 '<xf numFmtId="164"/></cellXfs>'),
    "empty_sheet_data": ("", None),
}
DECLINED = {
    "date_builtin": (_row('<c r="A1" s="1"><v>45000</v></c>'), None, None,
                     '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'),
    "date_custom": (_row('<c r="A1" s="1"><v>45000.5</v></c>'), None, None,
                    '<numFmts count="1"><numFmt numFmtId="170" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/>'
                    '</numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="170"/></cellXfs>'),
    "time_delta": (_row('<c r="A1" s="1"><v>1.5</v></c>'), None, None,
                   '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="46"/></cellXfs>'),
    "t_d": (_row('<c r="A1" t="d"><v>2024-01-02T03:04:05</v></c>'), None),
    "cdata": (_row(_inline("A1", "<t><![CDATA[a<b]]></t>")), None),
    "comment": (_row(_inline("A1", "<t>a<!-- x -->b</t>")), None),
    "no_address": ('<row r="1"><c t="inlineStr"><is><t>a</t></is></c><c><v>6</v></c></row>', None),
    "lower_case_address": (_row('<c r="b2" t="inlineStr"><is><t>low</t></is></c>'), None),
    "out_of_order": (_row('<c r="B1"><v>1</v></c>', '<c r="A1"><v>2</v></c>'), None),
    "twice": (_row('<c r="A1"><v>1</v></c>', '<c r="A1"><v>2</v></c>'), None),
    "text_in_a_number": (_row('<c r="A1"><v> 1</v></c>'), None),
    "nan": (_row('<c r="A1"><v>nan</v></c>'), None),
    "unknown_entity": (_row(_inline("A1", "<t>a&amp;b&#x1;</t>")), None),
    "surrogate_escape": (_row(_inline("A1", "<t>_xD83D__xDE00_</t>")), None),
    "boolean_word": (_row('<c r="A1" t="b"><v>true</v></c>'), None),
    "shared_string_missing": (_row('<c r="A1" t="s"><v>5</v></c>'), "<si><t>only</t></si>"),
    "prefixed": ('<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
                 '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>pre</x:t></x:is></x:c></x:row>'
                 '</x:sheetData></x:worksheet>', None),
    "closing_tag_with_space": (_row('<c r="A1"><v>1</v></c >'), None),
    "cell_without_attributes": ('<row r="1"><c ><v>1</v></c></row>', None),
    "row_0": (_row(_inline("A0", "<t>零行</t>"), '<c r="B0"><v>5</v></c>', r=0)
              + _row('<c r="A1"><v>1</v></c>'), None),
    "merge_in_row_0": (_row('<c r="A1"><v>1</v></c>'), None, '<mergeCells><mergeCell ref="A0:B1"/></mergeCells>'),
}


def _build(tmp_path: Path, name: str, case: tuple) -> Path:
    body, sst, tail, styles = (*case, None, None)[:4]
    return raw_xlsx(tmp_path / f"{name}.xlsx", body, sst=sst, tail=tail or "", styles=styles)


@pytest.mark.parametrize("name", sorted(SUPPORTED))
def test_raw_xml_read_directly(tmp_path, name):
    assert_same(_build(tmp_path, name, SUPPORTED[name]))


@pytest.mark.parametrize("name", sorted(DECLINED))
def test_raw_xml_left_to_calamine(tmp_path, name):
    path = _build(tmp_path, name, DECLINED[name])
    with pytest.raises(sheet_xml.Unsupported):
        _direct(path, True)
    try:
        reference = _shape(load_grids(path, engine="calamine"))
    except Exception:  # noqa: BLE001 — calamine refuses some of them: then so does auto
        reference = None
    if reference is not None:
        assert _shape(load_grids(path)) == reference


def test_sheets_hidden_named_with_entities(tmp_path):
    path = raw_xlsx(tmp_path / "sheets.xlsx", _row('<c r="A1"><v>1</v></c>'), sheets=[
        ("A&amp;B", _row('<c r="A1"><v>2</v></c>'), "hidden"),
        ("V&#x4E2D;", _row('<c r="A1"><v>3</v></c>'), "veryHidden")])
    assert_same(path)
    assert [g.sheet for g in load_grids(path)] == ["S", "A&B", "V中"]


def test_a_chartsheet_is_left_to_calamine(tmp_path):
    path = raw_xlsx(tmp_path / "chart.xlsx", _row('<c r="A1"><v>1</v></c>'))
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/chartsheets/sheet9.xml", '<chartsheet xmlns="http://schemas.openxmlformats.org/'
                                                 'spreadsheetml/2006/main"/>')
    data = {}
    with zipfile.ZipFile(path) as z:
        for n in z.namelist():
            data[n] = z.read(n)
    data["xl/workbook.xml"] = data["xl/workbook.xml"].replace(
        b"</sheets>", b'<sheet name="C" sheetId="9" r:id="rId9"/></sheets>')
    data["xl/_rels/workbook.xml.rels"] = data["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/'
                             b'2006/relationships/chartsheet" Target="chartsheets/sheet9.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w") as z:
        for n, b in data.items():
            z.writestr(n, b)
    assert_same(path, supported=False)


def test_date_letters_decide_only_which_formats_are_left_to_calamine():
    for code in ("0.00", "#,##0.00_ ", "0.00\"万元\"", "General", "0%", "@"):
        assert not sheet_xml._may_be_date(code.encode())
    for code in ("yyyy-mm-dd", "[h]:mm", "h:mm AM/PM", "m/d", "[Red]0.00", "[$-804]aaaa"):
        assert sheet_xml._may_be_date(code.encode())


@pytest.mark.libreoffice
def test_libreoffice_saved(tmp_path, perfxl_workbooks):
    from perfxl.adapters.libreoffice import convert

    sources = [_awkward_openpyxl(tmp_path / "awkward.xlsx"), *EXAMPLES, perfxl_workbooks[1], perfxl_workbooks[5]]
    for path in convert(sources, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo"):
        assert_same(path)


def test_white_space_only_cells_never_reach_a_grid(tmp_path):
    """The parsers rely on a Grid holding no blank cell (``Grid.from_rows``): a cell of
    white space only, however it is written, is left out, and so is a row of nothing else."""
    blanks = [" ", "\u3000", "\n", "\t \u3000", "\xa0", "\r\n"]
    sst = "".join(f"<si><t{P}>{b}</t></si>" for b in blanks)
    row1 = [_inline(f"{col}1", f"<t{P}>{b}</t>") for col, b in zip("ABCDEF", blanks)]
    row2 = [f'<c r="{col}2" t="s"><v>{i}</v></c>' for col, i in zip("ABCDEF", range(len(blanks)))]
    row3 = [f'<c r="{col}3" t="str"><v>{b}</v></c>' for col, b in zip("ABCDEF", blanks)]
    row4 = [_inline("A4", "<t>&#10;&#9;&#x3000;</t>"), _inline("B4", "<t>_x0020__x000a_</t>"),
            _inline("C4", "<r><t xml:space='preserve'> </t></r><r><t>\u3000</t></r>"),
            _inline("D4", "<t>实</t>")]
    path = raw_xlsx(tmp_path / "blanks.xlsx", _row(*row1) + _row(*row2, r=2) + _row(*row3, r=3)
                    + _row(*row4, r=4), sst=sst)
    (grid,), _ = _direct(path, True)
    assert grid.cells == {(4, 4): "实"}
    assert grid.rows() == [4] and grid.row_cols(4) == [4]
    assert_same(path)
