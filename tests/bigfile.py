"""Large payment files for the fault and load tests (issue 8): written fast, every row valid."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from stdnum.cn import ric

from tests.sheets import FUNDS_HEADER, FUNDS_ROWS, PAY_HEADER, write_xlsx

BIRTH0 = dt.date(1950, 1, 1)
PER_DAY = 400  # people born on each day: sequence numbers 0..399


def person_id(n: int) -> str:
    """Person n's valid ID number: a real region code, a real birth date, a distinct sequence."""
    birth = BIRTH0 + dt.timedelta(days=n // PER_DAY)
    body = f"110105{birth:%Y%m%d}{n % PER_DAY:03d}"
    return body + ric.calc_check_digit(body + "0")


def person_name(n: int) -> str:
    return "王李张刘陈杨黄赵"[n % 8] + "伟芳娜秀英敏静丽"[(n // 8) % 8] + "强磊军洋"[(n // 64) % 4]


def village(k: int) -> str:
    """Village k of 城关镇: 东风村, then 东风1村, 东风2村 …"""
    return "东风村" if k == 0 else f"东风{k}村"


def payments_csv(
    path: Path, rows: int, *, first: int = 0, encoding: str = "utf-8", villages: int = 1
) -> Path:
    """``rows`` payments of F001 (8.5 亩 × 105 = 892.50 each), one person per row from ``first`` on.

    People are spread over ``villages`` villages of 城关镇 (a village's notice lists its own).
    """
    lines = [",".join(PAY_HEADER)]
    for n in range(first, first + rows):
        lines.append(
            f"{n + 1},F001,2024,2024-03,城关镇,{village(n % villages)},3组,{person_name(n)},{person_id(n)},"
            f"H{n:07d},8.5,105,892.50,2024-03-15,已发放"
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def funds_xlsx(path: Path) -> Path:
    return write_xlsx(path, [["2024年专项资金目录"], FUNDS_HEADER, *FUNDS_ROWS])
