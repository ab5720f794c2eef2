"""The field vocabulary of the rule files: every field name, how its value is parsed, its Chinese label."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

#: Every field name a rule file may use, and how its value is parsed (see fields.py).
FIELD_KINDS: Mapping[str, str] = MappingProxyType({
    "company_name": "company",
    "credit_code": "uscc",
    "product": "choice",
    "amount": "amount",
    "term_months": "months",
    "application_date": "date",
    "agent": "person",
    "company_type": "text",
    "legal_rep": "person",
    "registered_capital": "amount",
    "established": "date",
    "term_end": "end_date",
    "address": "text",
    "year": "year",
    "org_code": "org_code",
    "valid_until": "end_date",
    "name": "person",
    "id_number": "id_number",
    "audit_firm": "text",
    "opinion": "choice",
    "total_assets": "row",
    "total_liabilities": "row",
    "total_equity": "row",
    "total_liabilities_and_equity": "row",
    "current_assets": "row",
    "current_liabilities": "row",
    "revenue": "row",
    "operating_profit": "row",
    "net_profit": "row",
    "operating_cash_flow": "row",
    "inventory": "row",
    "finance_costs": "row",
    "interest_expense": "row",
    "total_profit": "row",
    "as_of": "date",
    "taxpayer_id": "taxpayer_id",
    "issued": "date",
    "date": "date",
    "seller": "company",
    "buyer": "company",
    "applicant": "company",
    "beneficiary": "company",
})

#: Chinese labels of the fields (change notes, reports, messages).
FIELD_ZH: Mapping[str, str] = MappingProxyType({
    "company_name": "单位名称", "credit_code": "统一社会信用代码", "product": "担保品种",
    "amount": "金额", "term_months": "期限（月）", "application_date": "申请日期", "agent": "经办人",
    "company_type": "类型", "legal_rep": "法定代表人", "registered_capital": "注册资本",
    "established": "成立日期", "term_end": "营业期限截止日", "address": "住所", "year": "年度",
    "org_code": "组织机构代码", "valid_until": "有效期至", "name": "姓名", "id_number": "公民身份号码",
    "audit_firm": "会计师事务所", "opinion": "审计意见类型", "total_assets": "资产总计",
    "total_liabilities": "负债合计", "total_equity": "所有者权益合计",
    "total_liabilities_and_equity": "负债和所有者权益总计", "current_assets": "流动资产合计",
    "current_liabilities": "流动负债合计", "revenue": "营业收入", "operating_profit": "营业利润",
    "net_profit": "净利润", "operating_cash_flow": "经营活动产生的现金流量净额", "inventory": "存货",
    "finance_costs": "财务费用", "interest_expense": "利息费用", "total_profit": "利润总额", "as_of": "截至日期",
    "taxpayer_id": "纳税人识别号", "issued": "填发日期", "date": "日期", "seller": "卖方",
    "buyer": "买方", "applicant": "开证申请人", "beneficiary": "受益人",
})


@dataclass(frozen=True)
class Weighted:
    """A keyword with its weight (classifier)."""

    text: str
    weight: float
