"""``perfxl demo``: the whole job on the bundled examples, into one output folder.

Every step calls the functions its own command calls (``perfxl template``, ``import``,
``check --annotate``, ``fill --suggest``, ``distribute --dry-run``, ``consolidate``), so the
demo shows what the tool really does and breaks when they break. A step that fails is
reported in Chinese and the others still run. Sources under ``examples/`` are only read.

The output folder is built in place after the previous demo output (recognised by its
marker file) has been moved aside; the old one is deleted only once the new one is
complete, and put back if the run is interrupted.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from perfxl.core.findings import SEVERITIES, SEVERITY_LABELS, Finding, FormReadError, format_findings
from perfxl.core.model import Budget, Form, Indicator, Task

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
SEEDS_DIR = "seeds"
# seed text extract → layout; imported forms are named <department>_<year>.xlsx
SEEDS = {"guangdong_huizhou_2022.txt": "guangdong", "shandong_linyi_2021.txt": "shandong"}
CLEAN_EXAMPLE = "guangdong_clean_2023.xlsx"
# in a folder of its own: examples/*.xlsx are all forms (checked, rendered, read as such)
ROSTER_FILE = "roster/示例部门名单.xlsx"
YEAR = 2023  # the clean example's year; the imported Huizhou form (2022) is its 上年 history
DEADLINE = "2023年3月31日"
SENDER = ("jxk@czj.example.gov.cn", "示例市财政局绩效管理科", "0000-1234567")
MARKER = ".perfxl-demo"
README = "说明.txt"

TEMPLATES_DIR = "1_空白模板"
IMPORT_DIR = "2_导入"
CHECK_DIR = "3_校验"
FILL_DIR = "4_指标填充"
DISTRIBUTE_DIR = "5_分发"
SUMMARY_DIR = "6_汇总"
RETURNED_DIR = "回收的申报表"
SUMMARY_FILE = "汇总表.xlsx"

# (部门名称, 部门编码, 表样, 联系人, 邮箱, 抄送): fictitious addresses only. The two seed
# departments are on it so their imported forms pre-fill last year's indicators.
SAMPLE_ROSTER = [
    ("惠州市司法局", "441300001", "广东", "财务科", "sfj-cwk@example.gov.cn", "sfj-bgs@example.gov.cn"),
    ("临沂市司法局", "371300001", "山东", "办公室", "sfj-bgs@example.com", None),
    ("示例市教育局", "999900101", "广东", "李老师", "jyj@example.gov.cn；jyj-cwk@example.gov.cn", None),
    ("示例市民政局", "999900102", "广东", "赵科长", "mzj@example.gov.cn", None),
    ("示例市水务局", "999900103", "广东", "陈工", "swj@example.com", None),
    ("示例市审计局", "999900104", "山东", "王主任", "sjj@example.gov.cn", "sjj-cwk@example.gov.cn"),
]

Progress = Callable[[str], None] | None


class DemoError(Exception):
    """The demo cannot start (Chinese message): nothing was written or replaced."""


class DemoStepError(Exception):
    """A step cannot do its work; the message (Chinese) is shown as the step's failure."""


@dataclass
class Output:
    path: str  # relative to the output folder
    what: str  # what to open it for (Chinese)


@dataclass
class Step:
    title: str
    outputs: list[Output] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one-line results, e.g. counts
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass
class DemoResult:
    outdir: Path
    steps: list[Step]

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)


# --- the steps ------------------------------------------------------------------------

def _templates(out: Path, step: Step) -> None:
    from perfxl.adapters.template import OFFICIAL_TEMPLATES, write_official_templates

    paths = write_official_templates(out / TEMPLATES_DIR, year=YEAR)
    names = {"guangdong": "广东表样", "shandong": "山东表样"}
    # The Shandong form has no 一级/二级 columns, so no lists to pick them from.
    lists = {"guangdong": "，一级/二级指标可从下拉列表选择", "shandong": ""}
    for p in paths:
        layout = OFFICIAL_TEMPLATES[p.name][0]
        step.outputs.append(Output(_rel(p, out), f"{names[layout]}的空白申报表（{YEAR}年度）："
                                   f"浅黄色单元格填写，浅绿色为自动计算的公式{lists[layout]}"))


def _import(out: Path, step: Step) -> None:
    from perfxl.adapters.import_workbook import import_file, write_import

    for seed, layout in SEEDS.items():
        result = import_file(EXAMPLES / SEEDS_DIR / seed, layout=layout)
        target = out / IMPORT_DIR / f"{result.form.department}_{result.form.year}.xlsx"
        write_import(result, target)
        left = f"，{len(result.unplaced)} 处未能导入" if result.unplaced else ""
        step.notes.append(f"{result.form.department}（{result.form.year}年）：导入完成{left}")
        step.outputs.append(Output(_rel(target, out), f"由公开发布的文本 examples/{SEEDS_DIR}/{seed} 导入的"
                                   f"已填写申报表{left}；“导入说明”工作表列出导入情况"))


def _imported(out: Path) -> list[Path]:
    folder = out / IMPORT_DIR
    forms = sorted(folder.glob("*.xlsx")) if folder.is_dir() else []
    if not forms:
        raise DemoStepError("没有可用的导入结果（第 2 步未完成）")
    return forms


def _check(out: Path, step: Step) -> None:
    from perfxl.adapters.annotate import annotate
    from perfxl.adapters.checking import check_file, unreadable
    from perfxl.core.rules import RuleConfig

    config = RuleConfig()  # the defaults, whatever perfxl.toml lies around: same result everywhere
    listing: list[Finding] = []
    for form in _imported(out):
        findings = check_file(form, config)
        shown = [replace(f, file=_rel(form, out)) for f in findings]
        listing += shown
        if unreadable(findings):
            raise DemoStepError(f"{_rel(form, out)} 无法读取：{findings[0].message}")
        target = out / CHECK_DIR / f"{form.stem}_已标注.xlsx"
        annotate(form, findings, target)
        step.outputs.append(Output(_rel(target, out), f"{_counts(shown)}：打开“校验结果”工作表，点击单元格"
                                   "链接跳到问题所在；有问题的单元格已按级别着色并加批注"))
    listing_file = out / CHECK_DIR / "校验结果.txt"
    text = format_findings(listing)
    _write_text(listing_file, text)
    step.notes.append(text.splitlines()[-1])
    step.outputs.append(Output(_rel(listing_file, out), "全部问题的清单（文件、单元格、规则、级别、说明），"
                               "与 perfxl check 的输出相同"))


def _fill(out: Path, step: Step) -> None:
    from perfxl.adapters.fill_xlsx import fill_form
    from perfxl.adapters.library_xlsx import load_libraries
    from perfxl.adapters.xlsx_reader import read_form
    from perfxl.core.library.fill import FillItem
    from perfxl.core.library.suggest import suggest

    library = load_libraries([])[0]
    log: list[str] = []
    for form_path in _imported(out):
        form = read_form(form_path)
        suggestions = suggest(form, library, n=10)
        target = out / FILL_DIR / f"{form_path.stem}_已填充指标.xlsx"
        log.append(f"{_rel(form_path, out)} → {_rel(target, out)}")
        if not suggestions:
            log.append("  没有找到可推荐的指标。")
            continue
        plan = fill_form(form_path, target, [FillItem(s.indicator, s.target) for s in suggestions]).plan
        for item, row, where in plan.placed:
            log.append(f"  已填入 {item.indicator.id} {item.indicator.name}（{item.value}）→ 第{row}行，{where}")
        for item, why in plan.skipped:
            log.append(f"  已跳过 {item.indicator.id} {item.indicator.name}：{why}")
        step.notes.append(f"{form.department}：填入 {len(plan.placed)} 个指标")
        step.outputs.append(Output(_rel(target, out), f"按部门职能和重点任务从指标库推荐并填入 "
                                   f"{len(plan.placed)} 个三级指标（导入的原表未修改）"))
    log_file = out / FILL_DIR / "填充记录.txt"
    _write_text(log_file, "\n".join(log) + "\n")
    step.outputs.append(Output(_rel(log_file, out), "每个指标填入的位置（行号、类别或职责），与 perfxl fill 的输出相同"))


def _distribute(out: Path, step: Step) -> None:
    from perfxl.adapters.mail.api import EML_DIR, FORMS_DIR, DistributionError, distribute
    from perfxl.adapters.mail.compose import ComposeError, Sender

    folder = out / DISTRIBUTE_DIR
    # A copy in the work folder: distribute records where its roster is, and the folder
    # stays usable for perfxl collect / remind wherever it is moved.
    roster = folder / "部门名单.xlsx"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(EXAMPLES / ROSTER_FILE, roster)
    history = out / IMPORT_DIR
    try:
        result = distribute(roster, YEAR, folder, dry_run=True, sender=Sender(*SENDER),
                            history_dir=history if history.is_dir() else None, deadline=DEADLINE)
    except (DistributionError, ComposeError, FormReadError) as exc:
        raise DemoStepError(str(exc)) from None
    emls = result.campaign.eml_files if result.campaign else []
    eml_folder = emls[0].parent if emls else folder / EML_DIR
    step.notes.append(f"{len(result.forms)} 个部门：预填申报表 {len(result.forms)} 份，邮件 {len(emls)} 封（未发送）")
    step.outputs += [
        Output(_rel(roster, out), f"部门名单（{len(result.forms)} 个部门，邮箱均为虚构），即 perfxl roster-template "
                                  f"生成的模板填上部门；复制自 examples/{ROSTER_FILE}"),
        Output(_rel(folder / FORMS_DIR, out), f"发给每个部门的预填申报表（{len(result.forms)} 份）；"
                                          f"{'、'.join(result.with_history) or '无'}已预填上年指标"),
        Output(_rel(eml_folder, out), f"每个部门一封邮件（.eml，{len(emls)} 封，未发送），"
                                                "双击可用 Outlook 或 Foxmail 打开，附件即预填的申报表"),
    ]
    if not emls:
        raise DemoStepError("没有生成邮件")


def _consolidate(out: Path, step: Step) -> None:
    from perfxl.adapters.batch import consolidate
    from perfxl.adapters.template import write_form
    from perfxl.adapters.xlsx_reader import read_form
    from perfxl.core.consolidate import NEEDS_FIX, PASSED, UNREADABLE

    returned = out / SUMMARY_DIR / RETURNED_DIR
    returned.mkdir(parents=True, exist_ok=True)
    imported = sorted((out / IMPORT_DIR).glob("*.xlsx")) if (out / IMPORT_DIR).is_dir() else []
    for form in imported:
        shutil.copyfile(form, returned / form.name)
    clean = read_form(EXAMPLES / CLEAN_EXAMPLE)
    shutil.copyfile(EXAMPLES / CLEAN_EXAMPLE, returned / f"{clean.department}_{clean.year}.xlsx")
    for form in sample_forms():
        write_form(form, returned / f"{form.department}_{form.year}.xlsx")
    # A file damaged on the way (cut off after 4 KB): the summary must still list it.
    damaged = returned / f"示例市审计局_{YEAR}.xlsx"
    damaged.write_bytes((EXAMPLES / CLEAN_EXAMPLE).read_bytes()[:4096])
    result = consolidate([returned], out / SUMMARY_DIR / SUMMARY_FILE)
    c = result.status_counts
    step.notes.append(f"{result.files} 个文件：通过 {c[PASSED]}，需修改 {c[NEEDS_FIX]}，无法读取 {c[UNREADABLE]}")
    step.outputs += [
        Output(_rel(result.output, out), f"汇总表：“汇总”工作表每个部门一行（{result.files} 行，含状态和原因，"
                                         "点击链接打开源文件），另有指标明细、重点任务、问题清单、图表和说明"),
        Output(_rel(returned, out), "参与汇总的各部门申报表：导入的两份、examples 中的正确示例、"
                                    "两份合格的示例部门表、一份有错误的表和一份损坏的文件"),
    ]


STEPS: list[tuple[str, Callable[[Path, Step], None]]] = [
    ("生成空白模板", _templates),
    ("导入公开发布的申报表文本", _import),
    ("校验并标注", _check),
    ("从指标库推荐并填入指标", _fill),
    ("按部门名单分发（只生成邮件，不发送）", _distribute),
    ("汇总各部门申报表", _consolidate),
]


# --- sample department forms --------------------------------------------------------------

def _budget(basic: float, project: float, fiscal: float | None = None) -> Budget:
    """All money from the budget appropriation; a ``fiscal`` other than the total is a defect."""
    total = round(basic + project, 2)
    return Budget(basic=basic, project=project, fiscal=total if fiscal is None else fiscal, other=0.0,
                  special_fund=0.0, other_development=project, own_level=total, transfer=0.0)


def _indicators(rows: list[tuple[str, str, str, str]]) -> list[Indicator]:
    return [Indicator(level1=a, level2=b, name=c, annual_value=d, period_value=d) for a, b, c, d in rows]


def sample_forms() -> list[Form]:
    """Three returned Guangdong forms of fictitious departments: two correct, and one with
    the defects reviewers send back most (sums that do not add up, task money above the
    project budget, a placeholder target, no satisfaction indicator)."""
    education = Form(
        layout="guangdong", title="市直部门整体预算绩效目标申报表", department="示例市教育局", year=YEAR,
        staff_count=86, sub_units=12, budget=_budget(6850.40, 1230.60), value_columns=2,
        overall_goal="目标1：新增公办学位不少于3000个，推进义务教育优质均衡发展；"
                     "目标2：培训中小学教师不少于5000人次，资助家庭经济困难学生不少于2000人次。",
        tasks=[Task("推进义务教育优质均衡发展", "新建、改扩建公办中小学校，增加公办学位。", 620.00,
                    "新增公办学位不少于3000个。"),
               Task("实施教师队伍建设工程", "开展中小学教师全员培训和骨干教师培养。", 180.00,
                    "培训中小学教师不少于5000人次。"),
               Task("落实学生资助政策", "按时足额发放家庭经济困难学生资助资金。", 350.00,
                    "资助家庭经济困难学生不少于2000人次。")],
        indicators=_indicators([
            ("产出指标", "数量指标", "新增公办学位数", "≥3000个"),
            ("产出指标", "数量指标", "教师培训人次", "≥5000人次"),
            ("产出指标", "数量指标", "资助家庭经济困难学生人次", "≥2000人次"),
            ("产出指标", "质量指标", "新建校舍验收合格率", "≥98%"),
            ("产出指标", "时效指标", "资助资金按时发放率", "≥95%"),
            ("产出指标", "成本指标", "教师人均培训费", "≤800元/人"),
            ("效益指标", "经济效益指标", "减轻困难家庭教育支出", "≥300万元"),
            ("效益指标", "社会效益指标", "义务教育巩固率", "≥99%"),
            ("效益指标", "生态效益指标", "绿色学校创建比例", "≥60%"),
            ("效益指标", "可持续影响指标", "教师培训长效机制", "建立并有效运行"),
            ("满意度指标", "服务对象满意度指标", "学生家长满意度", "≥90%"),
        ]))
    civil = Form(
        layout="guangdong", title="市直部门整体预算绩效目标申报表", department="示例市民政局", year=YEAR,
        staff_count=64, sub_units=5, budget=_budget(3205.30, 1420.00), value_columns=2,
        overall_goal="目标1：建成街道综合养老服务中心不少于5个；目标2：按时足额发放城乡低保金，"
                     "保障困难群众基本生活。",
        tasks=[Task("提升养老服务能力", "建设街道综合养老服务中心，开展居家养老上门服务。", 480.00,
                    "建成街道综合养老服务中心不少于5个。"),
               Task("保障困难群众基本生活", "落实城乡低保和特困人员救助供养。", 900.00,
                    "城乡低保金按时足额发放，保障困难群众不少于8000人。")],
        indicators=_indicators([
            ("产出指标", "数量指标", "建成街道综合养老服务中心数", "≥5个"),
            ("产出指标", "数量指标", "保障困难群众人数", "≥8000人"),
            ("产出指标", "质量指标", "低保对象认定准确率", "≥98%"),
            ("产出指标", "时效指标", "低保金按时发放率", "=100%"),
            ("产出指标", "成本指标", "居家养老上门服务单次补贴", "≤60元/次"),
            ("效益指标", "经济效益指标", "减轻困难家庭生活支出", "≥500万元"),
            ("效益指标", "社会效益指标", "困难群众应保尽保率", "=100%"),
            ("效益指标", "生态效益指标", "养老服务中心节能设施配备率", "≥80%"),
            ("效益指标", "可持续影响指标", "养老服务中心持续运营", "全年正常运行"),
            ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%"),
        ]))
    water = Form(
        layout="guangdong", title="市直部门整体预算绩效目标申报表", department="示例市水务局", year=YEAR,
        staff_count=45, sub_units=3, budget=_budget(2100.00, 800.00, fiscal=2800.00), value_columns=2,
        overall_goal="目标1：完成河道清淤；目标2：保障城乡供水安全。",
        tasks=[Task("推进水环境综合治理", "开展河湖清淤和排水管网改造。", 600.00, "完成河道清淤不少于30公里。"),
               Task("保障城乡供水安全", "实施农村供水工程提质改造。", 300.00, "农村自来水普及率达到98%以上。")],
        indicators=_indicators([
            ("产出指标", "数量指标", "河道清淤长度", "≥30公里"),
            ("产出指标", "质量指标", "供水水质达标率", "≥XX%"),
            ("效益指标", "社会效益指标", "农村自来水普及率", "≥98%"),
        ]))
    return [education, civil, water]


# --- the sample roster ----------------------------------------------------------------------

def write_sample_roster(path: str | os.PathLike[str]) -> Path:
    """examples/示例部门名单.xlsx: the blank roster template with the sample departments."""
    from openpyxl import load_workbook

    from perfxl.adapters.atomic import atomic_path
    from perfxl.adapters.roster_xlsx import write_roster_template
    from perfxl.core.roster import SHEET

    with atomic_path(path) as tmp:
        write_roster_template(tmp)
        wb = load_workbook(tmp)
        for row in SAMPLE_ROSTER:
            wb[SHEET].append(list(row))
        wb.save(tmp)
    return Path(path)


# --- running it -----------------------------------------------------------------------------

def run_demo(outdir: str | os.PathLike[str], progress: Progress = None) -> DemoResult:
    """Run every step into ``outdir`` (replacing an earlier demo output there)."""
    outdir = Path(outdir)
    _check_sources()
    _check_target(outdir)
    outdir.parent.mkdir(parents=True, exist_ok=True)
    backup = None
    if outdir.exists():
        backup = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.perfxl-old-", dir=outdir.parent))
        try:
            os.replace(outdir, backup / "old")
        except OSError as exc:
            backup.rmdir()
            raise DemoError(f"无法替换上次演示的输出 {outdir}（{exc.strerror or exc}）：其中的文件可能正在 "
                            "Excel 中打开，请关闭后重试") from None
    try:
        outdir.mkdir()
        (outdir / MARKER).write_text("perfxl demo output: this folder is replaced by the next run\n", "utf-8")
        steps = []
        for i, (title, fn) in enumerate(STEPS, start=1):
            step = Step(title)
            _say(progress, f"[{i}/{len(STEPS)}] {title}……")
            try:
                fn(outdir, step)
            except DemoStepError as exc:
                step.error = str(exc)
            except FormReadError as exc:
                step.error = f"{exc.file}：{exc.message}"
            except Exception as exc:  # one broken step must not hide what the others show
                step.error = f"内部错误（{type(exc).__name__}: {exc}）"
            for note in step.notes:
                _say(progress, f"      {note}")
            if step.error:
                _say(progress, f"      失败：{step.error}（其余步骤继续）")
            steps.append(step)
        result = DemoResult(outdir, steps)
        _write_text(outdir / README, guide_text(result))
    except BaseException:
        shutil.rmtree(outdir, ignore_errors=True)
        if backup is not None:
            os.replace(backup / "old", outdir)
            shutil.rmtree(backup, ignore_errors=True)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
    return result


def guide_text(result: DemoResult) -> str:
    """The numbered list of outputs (Chinese), as printed and saved as 说明.txt. Paths are
    relative to the output folder, so the text does not depend on where it was written."""
    lines = ["perfxl 演示：部门整体预算绩效目标申报表的全流程", "",
             "以下路径都相对于演示输出文件夹（即 说明.txt 所在的文件夹）；examples/ 指 perfxl 源码中的示例文件夹。", ""]
    for i, step in enumerate(result.steps, start=1):
        status = "" if step.ok else f"（未完成：{step.error}）"
        lines.append(f"{i}. {step.title}{status}")
        for note in step.notes:
            lines.append(f"   {note}")
        for o in step.outputs:
            if not step.ok and not (result.outdir / o.path).exists():
                continue  # a failed step lists only what it did write
            lines.append(f"   {o.path}")
            lines.append(f"      {o.what}")
        lines.append("")
    lines.append(f"{len(result.steps) + 1}. 本说明：{README}")
    lines.append("   可以删除整个文件夹；再次运行 perfxl demo 会替换其中的全部内容。")
    if not result.ok:
        failed = "、".join(f"第 {i} 步" for i, s in enumerate(result.steps, 1) if not s.ok)
        lines += ["", f"注意：{failed}未完成，原因见上。"]
    return "\n".join(lines) + "\n"


def _check_sources() -> None:
    missing = [p for p in (EXAMPLES / CLEAN_EXAMPLE, EXAMPLES / ROSTER_FILE,
                           *(EXAMPLES / SEEDS_DIR / s for s in SEEDS)) if not p.is_file()]
    if missing:
        raise DemoError(f"找不到示例文件 {'、'.join(str(p) for p in missing)}："
                        "perfxl demo 需要 perfxl 源码中的 examples 文件夹（请在源码目录中安装 perfxl）")


def _check_target(outdir: Path) -> None:
    if outdir.exists() and not outdir.is_dir():
        raise DemoError(f"{outdir} 是一个文件，请指定一个文件夹")
    if outdir.is_dir() and any(outdir.iterdir()) and not (outdir / MARKER).is_file():
        raise DemoError(f"文件夹 {outdir} 已存在且不是 perfxl demo 的输出；为免覆盖其中的文件，"
                        "请指定一个新的或空的文件夹")
    examples = EXAMPLES.resolve()
    target = outdir.resolve()
    if target == examples or examples in target.parents:
        raise DemoError("输出文件夹不能放在 examples 文件夹中（示例文件不能被修改）")


def _counts(findings: list[Finding]) -> str:
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
    return "，".join(f"{SEVERITY_LABELS[s]} {counts[s]} 个" for s in SEVERITIES)


def _rel(path: Path, base: Path) -> str:
    return Path(path).relative_to(base).as_posix()


def _write_text(path: Path, text: str) -> None:
    from perfxl.adapters.atomic import atomic_path

    with atomic_path(path) as tmp:
        tmp.write_text(text, "utf-8")


def _say(progress: Progress, text: str) -> None:
    if progress:
        progress(text)
