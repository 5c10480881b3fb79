"""The demo county's residents' messages: the seed county's 62, all answered (seeds/002, fourth article:
31 answered directly, 25 transferred to departments, 1 to the discipline commission, 5 otherwise).

    for m in messages(2024, townships, departments, seed=20070101): ...

Plans only (no store): ``fundquery demo`` sends each through the desk's own workflow.  The desk
is the county's 政务公开办; a message handled "directly" or "otherwise" is answered by it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

DESK = "县政务公开办"
DISCIPLINE = "县纪委监委"
# (handling, how many) in the seed county's year
SEED_HANDLING = (("direct", 31), ("transferred", 25), ("discipline", 1), ("other", 5))
QUESTIONS = (
    ("咨询", "补贴发放", "今年的耕地地力保护补贴什么时候发到一卡通？"),
    ("咨询", "政策咨询", "家里老人满八十岁了，高龄津贴怎么申请？"),
    ("投诉", "补贴发放", "村里公示的低保名单里有人家里条件很好，请核实。"),
    ("建议", "其他", "希望查询点的触摸屏能放大字体。"),
    ("咨询", "资金拨付", "村道硬化的钱拨到乡镇了吗？"),
    ("投诉", "项目资金", "项目公示的金额和实际施工不符。"),
    ("举报", "补贴发放", "有人冒领已去世老人的补贴。"),
)


@dataclass(frozen=True)
class PlannedMessage:
    message_type: str
    category: str
    township: str
    body: str
    handling: str
    department: str
    received_at: dt.datetime
    answered_at: dt.datetime
    name: str | None  # a complaint or a report leaves a name and a phone for the answer
    phone: str | None


def messages(
    year: int, townships: list[str], departments: list[str], seed: int = 20070101
) -> list[PlannedMessage]:
    """The year's 62 messages, spread over working hours of the year, each answered within 3 days."""
    rng = random.Random(f"messages-{seed}")
    planned = []
    for handling, count in SEED_HANDLING:
        for _ in range(count):
            kind, category, body = rng.choice(QUESTIONS)
            if handling == "discipline":
                kind, category, body = QUESTIONS[-1]
            department = {
                "direct": DESK,
                "other": DESK,
                "discipline": DISCIPLINE,
            }.get(handling) or rng.choice(departments)
            day = dt.date(year, 1, 2) + dt.timedelta(days=rng.randrange(330))
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            received = dt.datetime.combine(day, dt.time(9 + rng.randrange(7), rng.randrange(60)))
            contact = kind in ("投诉", "举报")
            planned.append(
                PlannedMessage(
                    kind,
                    category,
                    rng.choice(townships),
                    body,
                    handling,
                    department,
                    received,
                    received + dt.timedelta(hours=2 + rng.randrange(20)),
                    "村民" if contact else None,
                    f"139{rng.randrange(10**8):08d}" if contact else None,
                )
            )
    return sorted(planned, key=lambda m: m.received_at)
