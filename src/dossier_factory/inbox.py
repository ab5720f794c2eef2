"""The demo inbox (three sample clients) and bulk files for volume tests."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from .base import (
    DEMO_YEAR,
    _cn_date,
    _money,
    _out,
    _rand_date,
    demo_companies,
    make_company,
)
from .documents import document_pdf
from .faults import _plain_pdf_bytes
from .images import _id_card_image, _licence_image, _save_image_pdf, licence_scan_jpg
from .pdfs import (
    _articles_lines,
    application_form_pdf,
    balance_sheet_pdf,
    business_licence_pdf,
    generic_pdf,
    income_statement_pdf,
    legal_rep_id_pdf,
    tax_payment_certificate_pdf,
)

# ---------------------------------------------------------------------------
# 10. Demo inbox and bulk files
# ---------------------------------------------------------------------------


def _scan_pdf(img, pdf_path: Path) -> Path:
    return _save_image_pdf(img, _out(pdf_path))


def write_demo_inbox(inbox, seed: int = 2026) -> list[Path]:
    """Three client folders with clerk-style file names plus one file at the root.

    The root file's name starts with the credit code of the first client, to
    exercise routing by credit code.  Returns the paths written.
    """
    inbox = Path(inbox)
    a, b, c = demo_companies(seed)
    y = DEMO_YEAR
    da, db, dc = (inbox / co.short for co in (a, b, c))
    written = [
        business_licence_pdf(a, da / "营业执照.pdf"),
        _scan_pdf(_id_card_image(a), da / "扫描件(3).pdf"),
        balance_sheet_pdf(a, y, da / f"{y}年资产负债表.pdf"),
        income_statement_pdf(a, y, da / f"{y}利润表.pdf"),
        tax_payment_certificate_pdf(a, y, da / f"完税证明{y}.pdf"),
        application_form_pdf(a, da / "担保申请书.pdf", 3_000_000, 12, "流动资金贷款担保"),
        licence_scan_jpg(b, db / "IMG_20261012_093012.jpg", rotate=90),
        _scan_pdf(_id_card_image(b), db / "扫描件(1).pdf"),
        balance_sheet_pdf(b, y, db / f"{y}年资产负债表.pdf"),
        income_statement_pdf(b, y, db / f"{y}利润表.pdf"),
        application_form_pdf(b, db / "担保申请书.pdf", 5_000_000, 24, "设备采购和更新融资担保"),
        # A letter no item of the appendix names: the machine files it and flags it for a person
        # (dossier review), who confirms, corrects its type or withdraws it.
        generic_pdf(db / "情况说明.pdf", f"{b.name}关于近期经营情况的说明",
                    ["致：担保公司", f"我司{b.name}近期生产经营正常，订单饱满，设备运转良好。",
                     "上半年因原材料价格上涨，毛利有所下降，预计下半年将有所回升。", "特此说明。",
                     f"{b.name}（法定代表人：{b.legal_rep}）", _cn_date(date(y + 1, 10, 8))]),
        _scan_pdf(_licence_image(c, noise=True), dc / "营业执照扫描.pdf"),
        legal_rep_id_pdf(c, dc / "法人身份证.pdf"),
        balance_sheet_pdf(c, y, dc / f"资产负债表（{y}年12月）.pdf"),
        balance_sheet_pdf(c, y - 1, dc / f"{y - 1}年资产负债表.pdf"),
        income_statement_pdf(c, y, dc / f"{y}利润表.pdf"),
        tax_payment_certificate_pdf(c, y, dc / f"完税证明{y}.pdf"),
        application_form_pdf(c, dc / "担保申请书.pdf", 2_000_000, 12, "银行承兑汇票担保"),
        # A text PDF of an audit report with a qualified opinion (保留意见): an early-warning signal of
        # 附录五 that the demo reads from the document itself (dossier warnings).
        document_pdf("audit_report", c, dc / f"{y}年度审计报告.pdf", year=y, opinion="qualified"),
        generic_pdf(inbox / f"{a.credit_code}_章程.pdf", f"{a.name}章程", _articles_lines(a), pages=2),
    ]
    # The first client brings everything the appendix asks for a 12-month working-capital
    # guarantee, so the demo shows one complete dossier beside two incomplete ones.
    complete_set = [
        *[(kind, yr, f"{yr}年{name}.pdf") for yr in (y - 2, y - 1) for kind, name in
          (("balance_sheet", "资产负债表"), ("income_statement", "利润表"), ("tax_payment_certificate", "完税证明"))],
        *[(kind, yr, f"{yr}年{name}.pdf") for yr in (y - 2, y - 1, y) for kind, name in
          (("equity_statement", "所有者权益变动表"), ("audit_report", "审计报告"))],
        ("annual_report", y, f"{y}年度报告.pdf"),
        ("sales_report", y, "销量情况.pdf"),
        ("loan_guarantee_schedule", y, "存借款及对外担保情况.pdf"),
        ("officer_roster", y, "董事会成员及财务负责人名单.pdf"),
        ("cash_flow_forecast", y, "现金流量预测.pdf"),
        ("board_resolution", y, "股东会决议.pdf"),
        ("profit_distribution_resolution", y, "利润分配决议.pdf"),
    ]
    for kind, yr, name in complete_set:
        options = {"as_of": date(y + 1, 9, 30)} if kind == "loan_guarantee_schedule" else {}
        written.append(document_pdf(kind, a, da / name, year=yr, **options))
    return written


_BULK_KINDS = ("营业执照", "完税证明", "资产负债表", "利润表", "担保申请书", "公司章程", "说明")


def make_bulk_pdfs(folder, n: int, seed: int = 0, companies=None, start: int = 0) -> list[Path]:
    """``n`` small, distinct, valid one-page text PDFs (hand-written, ~0.1 ms each).

    ``companies``: whose documents they are (default: invented from ``seed``); ``start``: the first
    file number (more files of the same series, distinct from the first ``start``)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    companies = list(companies or [make_company(seed * 1000 + k) for k in range(max(1, min(20, n // 50)))])
    rng = random.Random(f"dossier-bulk:{seed}" + (f":{start}" if start else ""))
    width = max(4, len(str(start + n)))
    paths = []
    for i in range(start, start + n):
        co = companies[i % len(companies)]
        kind = _BULK_KINDS[rng.randrange(len(_BULK_KINDS))]
        day = _rand_date(rng, date(2020, 1, 1), date(2026, 9, 30))
        lines = [f"名称：{co.name}", f"统一社会信用代码：{co.credit_code}",
                 f"法定代表人：{co.legal_rep}", f"文件编号：{seed}-{i:0{width}d}",
                 f"金额：{_money(rng.randrange(10**5, 10**10))}元", f"日期：{_cn_date(day)}"]
        path = folder / f"{i:0{width}d}_{co.short}_{kind}.pdf"
        path.write_bytes(_plain_pdf_bytes(kind, lines))
        paths.append(path)
    return paths
