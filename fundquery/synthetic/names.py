"""Chinese names of people, places and contractors for the synthetic county.

Surnames and given names come from Faker's zh_CN lists (weighted as Faker
weights them); two-character given names are composed from the same
characters, as most names of people born after 1960 have two.  Every name is
GB2312, so the GBK csv files can hold it.
"""

from __future__ import annotations

import random

from faker.providers.person.zh_CN import Provider as _FakerPerson

COUNTY = "清溪县"
PROVINCE = "湖北省"

_SURNAMES = list(_FakerPerson.last_names.keys())
_SURNAME_WEIGHTS = list(_FakerPerson.last_names.values())
_MALE = list(_FakerPerson.first_names_male)
_FEMALE = list(_FakerPerson.first_names_female)
# Generation characters (字辈) often first in a two-character given name.
_MALE_FIRST = list("建国志文明海德永春家小子宏立新世俊金玉振学正红")
_FEMALE_FIRST = list("秀桂玉春美丽海小晓雪金凤红丹慧淑")


class NameMaker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self._surnames = rng.choices(_SURNAMES, _SURNAME_WEIGHTS, k=4096)
        self._i = 0

    def person(self, sex: str) -> str:
        rng = self.rng
        self._i = (self._i + 1) % len(self._surnames)
        surname = self._surnames[self._i] if rng.random() < 0.97 else rng.choice(_SURNAMES)
        singles, firsts = (_MALE, _MALE_FIRST) if sex == "男" else (_FEMALE, _FEMALE_FIRST)
        given = rng.choice(singles)
        if len(given) == 1 and rng.random() < 0.55:
            given = rng.choice(firsts) + given
        return surname + given


# Townships in the order a smaller county keeps them: the seat first, then a
# 乡 early so that even two townships include a town and a rural 乡.
TOWNSHIPS = (
    "城关镇",
    "坪坝乡",
    "石桥镇",
    "河口镇",
    "花园乡",
    "马坪镇",
    "龙泉镇",
    "孙桥乡",
    "三阳镇",
    "杨集镇",
    "新市乡",
    "永兴镇",
    "白果乡",
    "双河镇",
    "长岭乡",
)

_VILLAGE_STEMS = (
    "东风 红星 新华 胜利 联合 团结 光明 和平 建设 前进 长岭 黄土 杨湾 柳林 石门 桥头 "
    "大堰 松林 枫树 白果 青龙 金星 双河 三岔 五里 七星 八角 九龙 高庙 陈家 王家 李家 "
    "张湾 刘冲 周岗 吴垸 徐店 孙畈 马岭 朱湾 胡集 郭河 何庄 罗店 梁山 宋湾 郑岗 谢家 "
    "韩冲 唐湾 冯庙 董岭 程集 曹家 彭湾 曾店 肖港 田湾 袁冲 邓家 许岗 傅湾 沈家 杜湾 "
    "黄岭 林场 新河 新建 先锋 红旗 友谊 太平 永安 兴隆 丰收 幸福 群力 河东 河西 桃园 "
    "杏花 竹林 茶园 花果 牌楼 石板 土门 凉亭 塔湾 龙王 凤凰 观音 岩口 坪上 槐树 清泉"
).split()
_COMMUNITY_STEMS = "城东 城西 城南 城北 中心 河街 新街 老街 车站 工农".split()


def villages(rng: random.Random, township: str, n_villages: int, n_communities: int) -> list[str]:
    """Distinct village (村) and community (社区) names for one township."""
    stems = rng.sample(_VILLAGE_STEMS, min(n_villages, len(_VILLAGE_STEMS)))
    while len(stems) < n_villages:  # a very large township: number the rest
        stems.append(f"{_VILLAGE_STEMS[len(stems) % len(_VILLAGE_STEMS)]}{len(stems)}")
    prefix = township[:2]
    communities = [
        (_COMMUNITY_STEMS[i] if i < len(_COMMUNITY_STEMS) else f"{prefix}{i}") + "社区"
        for i in range(n_communities)
    ]
    if township != TOWNSHIPS[0]:
        communities = [
            f"{prefix}{('街', '新区', '河街', '东', '西')[i % 5]}社区" for i in range(n_communities)
        ]
    return communities + [s + "村" for s in stems]


_FIRM_STEMS = "宏达 鑫源 恒泰 华兴 通达 永盛 楚天 荆楚 清江 佳禾 兴业 长城 振华 天成 鸿运 金石 瑞丰 诚信".split()
_FIRM_KINDS = (
    "建筑工程有限公司",
    "水利水电工程有限公司",
    "路桥工程有限公司",
    "建设有限公司",
    "园林绿化工程有限公司",
)


def contractor(rng: random.Random, village: str | None, kind_hint: int) -> str:
    """Who carries out a project: a village committee for small village works, else a firm."""
    if village and village.endswith("村") and rng.random() < 0.45:
        return f"{village}村民委员会"
    return f"{COUNTY[:2]}{rng.choice(_FIRM_STEMS)}{_FIRM_KINDS[kind_hint % len(_FIRM_KINDS)]}"
