"""Find the header row of a sheet and map its columns onto a spec, by score.

Real sheets have a title row or two above the header, sometimes a two-level
header (补贴情况 over 面积 / 标准 / 金额), and the agencies' official table
is wide (编制数 / 实有人数 / 超配 / 缺配 under each 编制类型).  The header is
the row (or pair of rows) among the first ``HEAD_ROWS`` that matches most of
a spec's columns.  Each cell is scored against every column of the spec by
the tiers etl.vocabulary declares (exact alias, stem, role); the best column
of the file wins, a tie is reported as ambiguous, never guessed.  Only the
head rows are scored, never a data row.

A clerk's mapping (header as the file shows it -> canonical column, or ""
for "not needed") overrides the scores for those columns.
"""

from __future__ import annotations

import re
from functools import lru_cache

from etl.bycontent import MIN_VALUES, NOTED, fallback, says, what_says
from etl.headermatch import HeaderMatch, WideColumn
from etl.specs import SPECS
from etl.spectypes import Spec
from etl.text import header_key, mask_digits, norm
from etl.vocabulary import EXACT, STEM, roles, stem

HEAD_ROWS = 30
MIN_MATCHED = 2  # fewer matched columns than this is not a header
MAPPED = EXACT  # a column the clerk mapped scores as an exact alias
MAX_HEADER_CHARS = 40  # a longer cell is a title or a note, not a header
_NUMBERLIKE = re.compile(
    r"[\d.,:/+%x()\-]*"
)  # an amount, a date, an ID number: data, never a header
# A note in brackets at the end of a header (a unit is taken out of the key before: etl.text.header_key).
_NOTE = re.compile(r"\([^()]*\)$")
# A cell that only data holds: an ID or account number (6+ digits), a date, an amount with decimals or
# thousands.  A row with one is a data row, never the second row of a two-level header.
_DATA_CELL = re.compile(
    r"\d{6,}[\dXx]?|(19|20)\d{2}[-/年.]\d{1,2}([-/月.]\d{1,2}日?)?([ T]\d{1,2}:\d{2}(:\d{2})?)?"
    r"|[+-]?\d[\d,]*\.\d+元?|\d{1,3}(,\d{3})+(\.\d+)?元?"
)


def leaves_only(top: list[str | None], sub: list[str | None]) -> bool:
    """Whether ``sub`` is the second row of a two-level header: its cells sit only under a group's span
    (其他专项补贴金 over 价格临时补贴 / 取暖补贴), none under a cell of ``top`` that spans both rows.

    A data row has a value under nearly every header cell; this row is empty under all of them.
    """
    filled = [p for p, c in enumerate(sub) if norm(c)]
    at = lambda row, p: norm(row[p]) if p < len(row) else None  # noqa: E731

    def leaf(p: int) -> bool:  # under a span, or under the group title that starts one
        return not at(top, p) or (bool(at(sub, p + 1)) and not at(top, p + 1))

    return bool(filled) and all(leaf(p) for p in filled) and any(not at(top, p) for p in filled)


def looks_like_data(row: list[str | None]) -> bool:
    """Whether a row holds a cell only data holds (an ID number, a date, an amount)."""
    return any(_DATA_CELL.fullmatch((norm(c) or "").replace(" ", "")) for c in row if c)


@lru_cache(maxsize=64)
def _vocabulary(kind: str) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Per column of ``kind``: its aliases' keys and their stems."""
    exact: dict[str, set[str]] = {}
    stems: dict[str, set[str]] = {}
    for col in SPECS[kind].columns:
        keys = {header_key(a) for a in (col.name, *col.aliases)}
        exact[col.name] = keys
        stems[col.name] = {stem(k) for k in keys}
    return exact, stems


@lru_cache(maxsize=16384)
def cell_scores(kind: str, text: str) -> tuple[tuple[str, int], ...]:
    """(canonical column, score) for every column of ``kind`` that a header ``text`` may be."""
    key = header_key(text)
    if not key or len(key) > MAX_HEADER_CHARS or _NUMBERLIKE.fullmatch(key):
        return ()
    stemmed = stem(key)
    # A note in brackets after the header (补助数量（即补助标准的乘数）) says how to fill the column: a role
    # holds for the header with or without it, so the note's words never rule out the header's own
    # (补助标准 inside the note); they may still add a reading (村组（社区）: a village or a 社区).
    bare = _NOTE.sub("", key) or key
    exact, stems = _vocabulary(kind)
    out = []
    # A 是否… header asks a yes/no question (乡镇是否签收, 是否已下发): its words are never the place, the
    # unit, the person or the amount they name, only a yes/no column's (按进度拨付, 是否经济状况核查).
    question = "是否" in key
    for col in SPECS[kind].columns:
        role = 0
        if question and not _yes_no(col):
            pass
        elif ":" not in key:  # 填报单位:县农业农村局: a note above the header, not a header
            role = max(
                (
                    r.score
                    for r in roles(kind, col.name)
                    if r.matches(key, stemmed) or (bare != key and r.matches(bare, stem(bare)))
                ),
                default=0,
            )
        if role > EXACT:  # OUTRANKS: the person a form is about, beside others it names
            score = role
        elif key in exact[col.name]:
            score = EXACT
        elif stemmed in stems[col.name]:
            score = STEM
        else:
            score = role
        if score:
            out.append((col.name, score))
    return tuple(out)


def _yes_no(col) -> bool:
    """A column whose values are yes or no: a flag, or an enum stored as 是 / 否."""
    return col.type == "flag" or (col.type == "enum" and set(col.values.values()) <= {"是", "否"})


def _group(spec: Spec, text: str | None) -> str | None:
    """The stored 编制类型 a wide group header names: 行政编制数 -> 行政."""
    if not text or not spec.wide:
        return None
    groups = {header_key(k): v for k, v in spec.wide.groups.items()}
    key = header_key(text)
    if key in groups:
        return groups[key]
    for word in spec.wide.noise:
        key = key.replace(word, "")
    return groups.get(key)


def _measure(spec: Spec, text: str | None) -> str | None:
    if not text or not spec.wide:
        return None
    key = header_key(text)
    for name, aliases in spec.wide.measures.items():
        if key in {header_key(a) for a in aliases}:
            return name
    return None


def _split_wide(spec: Spec, text: str) -> tuple[str, str] | None:
    """A one-row wide header that names group and measure together: 行政编制数 -> (行政, quota)."""
    key = header_key(text)
    for name, aliases in spec.wide.measures.items():
        for alias in sorted(aliases, key=len, reverse=True):
            a = header_key(alias)
            if a in key and a != key:
                group = _group(spec, key.replace(a, "", 1))
                if group:
                    return group, name
    return None


def _cells(
    top: list[str | None], sub: list[str | None] | None, width: int
) -> list[tuple[str | None, str | None, str | None, str | None]]:
    """Each column's top cell, sub cell, the group it is under and its label as the clerk is shown it
    ("上/下" for two rows), with any ID number in it masked (never echoed, even from a header)."""
    cells, parent = [], None
    for pos in range(width):
        t = top[pos] if pos < len(top) else None
        s = sub[pos] if sub and pos < len(sub) else None
        if t:
            parent = t
        elif not s:
            parent = None
        owner = t or (parent if s else None)
        label = f"{owner}/{s}" if owner and s else (s or t)
        cells.append((t, s, owner, mask_digits(label) if label else label))
    return cells


def _written(text: str) -> str:
    """A header as written, up to width and spaces: 已发金额 （元） is 已发金额(元), not 已发金额."""
    return (norm(text) or "").replace(" ", "")


def _wanted(mapping: dict[str, str] | None, labels: list[str | None]):
    """The clerk's mapping as a function of a label: the target of the header the clerk named, else None.

    A header is named as the page shows it; one typed at the command line may differ in width, spaces,
    brackets or a unit, so it is compared by ``header_key`` — but only where no label of the row is the
    header as written (``_written``: full or half width, spaces aside): 已投入帮扶资金(元) names that
    column, not the 已投入帮扶资金 group beside it, whose key is the same once the unit is dropped."""
    shown = {_written(label) for label in labels if label}
    exact = {_written(k): v for k, v in (mapping or {}).items() if _written(k) in shown}
    loose = {header_key(k): v for k, v in (mapping or {}).items() if _written(k) not in shown}

    def target(label: str) -> str | None:
        if _written(label) in exact:
            return exact[_written(label)]
        return (
            None
            if any(header_key(k) == header_key(label) for k in exact)
            else loose.get(header_key(label))
        )

    return target


def _match_row(
    spec: Spec,
    top: list[str | None],
    sub: list[str | None] | None,
    mapping: dict[str, str] | None = None,
    below: list[str | None] | None = None,
) -> HeaderMatch:
    width = max(len(top), len(sub or []))
    cells = _cells(top, sub, width)
    # A cell of the second row whose leaves are on the row below (a third level) is a group title: it
    # names its leaves, not a column of its own, and is not scored for one.
    titles = _group_titles(sub, below) if sub and below and not looks_like_data(below) else set()
    wanted = _wanted(mapping, [label for *_, label in cells])
    totals = _group_totals(cells)
    names = {c.name for c in spec.columns}
    labels: list[str | None] = []
    wide: list[WideColumn] = []
    candidates: dict[str, dict[int, int]] = {}
    match = HeaderMatch(spec, (), labels, {}, wide)
    forced: dict[str, int] = {}
    for pos, (t, s, owner, label) in enumerate(cells):
        labels.append(label)
        if not label:
            continue
        if (target := wanted(label)) is not None:
            if target == "":
                match.dropped.append(pos)
                match.mapped[label] = ""
                continue
            if target in names:
                forced[target] = pos
                match.mapped[label] = target
                continue
        if pos in titles:
            continue
        if spec.wide and owner and s and _group(spec, owner) and _measure(spec, s):
            wide.append(WideColumn(pos, _group(spec, owner), _measure(spec, s)))
            continue
        if spec.wide and not s and t and (split := _split_wide(spec, t)):
            wide.append(WideColumn(pos, *split))
            continue
        # The leaf, and the leaf under its group; the top cell too unless it spans the next column
        # (项目 over 类 / 款 / 科目名称 names its whole span, not its first column).
        spans = bool(s and t and pos + 1 < width and pos + 1 < len(sub or []) and sub[pos + 1])
        spans = spans and not (top[pos + 1] if pos + 1 < len(top) else None)
        if pos in totals:  # the group's 小计 leaf is the group: 保障人数 over 小计 is the 保障人数
            alternatives: tuple[list, ...] = ([owner, f"{owner}{s}"], [s])
        elif s:
            alternatives = ([s, f"{owner}{s}" if owner and s else None], [] if spans else [t])
        else:
            alternatives = ([t],)
        for texts in alternatives:
            scored = [x for text in texts if text for x in cell_scores(spec.kind, text)]
            for name, score in scored:
                best = candidates.setdefault(name, {})
                best[pos] = max(best.get(pos, 0), score)
            if scored:
                break
    for total, parts in totals.items():  # its other leaves are its parts, never the group itself
        for best in candidates.values():
            if total in best:
                for part in parts:
                    best.pop(part, None)
    match.mapping_unknown = _not_applied(mapping or {}, match)
    _assign(match, candidates, forced)
    _one_person(match, candidates, forced)
    return match


def _group_totals(cells: list[tuple[str | None, str | None, str | None, str | None]]) -> dict:
    """{the position of a group's 小计 / 合计 leaf: the positions of the group's other leaves}, for a group
    title over leaves with words (qitian-cun-dibao-butie-huizong: 保障人数 over 小计 / 重点保障人数 / 残疾人数,
    领取金额 over 小计 / 家庭补差 / …).  Such a leaf is the group's total, the column that is the group; the
    others are its parts.  A 合计 data row under a one-row header is none: no title spans its 合计, and
    the cells beside it are figures, not leaves."""
    groups: list[list[int]] = []
    for pos, (t, s, owner, _) in enumerate(cells):
        if s and t:
            groups.append([pos])
        elif s and owner and groups and groups[-1][-1] == pos - 1:
            groups[-1].append(pos)
    out: dict[int, list[int]] = {}
    for group in (g for g in groups if len(g) > 1):
        leaves = {p: (cells[p][1] or "").replace(" ", "") for p in group}
        total = [p for p, leaf in leaves.items() if _TOTAL_CELL.fullmatch(leaf)]
        parts = [p for p in group if p not in total]
        if len(total) == 1 and any(_WORDS.search(leaves[p]) for p in parts):
            out[total[0]] = parts
    return out


def _assign(
    match: HeaderMatch, candidates: dict[str, dict[int, int]], forced: dict[str, int]
) -> None:
    """Best column first; a tie between columns of the file for one canonical column is ambiguous."""
    for name, pos in forced.items():
        match.mapping[name] = pos
        match.scores[name] = MAPPED
    taken = set(forced.values()) | set(match.dropped)
    remaining = [c.name for c in match.spec.columns if c.name not in forced]
    while True:
        best: tuple[str, int, list[int]] | None = None
        for name in remaining:
            open_ = {p: s for p, s in candidates.get(name, {}).items() if p not in taken}
            if not open_:
                continue
            top = max(open_.values())
            if best is None or top > best[1]:
                best = (name, top, sorted(p for p, s in open_.items() if s == top))
        if best is None:
            break
        name, top, positions = best
        remaining.remove(name)
        taken.update(positions)
        if len(positions) == 1:
            match.mapping[name] = positions[0]
            match.scores[name] = top
        else:
            match.ambiguous.append((name, tuple(positions)))
    tied = {name for name, _ in match.ambiguous}
    for col in match.spec.columns:  # 应发金额 alone is the amount
        target = col.stands_in_for
        if (
            target
            and col.name in match.mapping
            and target not in match.mapping
            and target not in tied
        ):
            match.mapping[target] = match.mapping.pop(col.name)
            match.scores[target] = match.scores.pop(col.name)


# Whose a header says it is: 户主姓名 / 户主身份证号 the household head's, 享受人 / 享受人身份证号 the
# entitled person's, 产权人姓名 the owner's.  Synonyms are one person.
_WHOSE = re.compile(
    r"^(户主|享受人|受益人|享受对象|收款人|领取人|领款人|持卡人|产权人|权利人|所有权人|人员|申请人)"
)
_SAME_PERSON = {"受益人": "享受人", "享受对象": "享受人", "权利人": "产权人", "所有权人": "产权人"}


def _whose(label: str | None) -> str:
    found = _WHOSE.match(header_key(label or ""))
    return _SAME_PERSON.get(found.group(1), found.group(1)) if found else ""


def _named(label: str | None) -> str | None:
    """The person a name header names: whose it says, "" for a plain 姓名, None for another header
    (退役军人, 核对人: a word about someone, not a second person the row names)."""
    return _whose(label) or ("" if header_key(label or "") == "姓名" else None)


def _one_person(
    match: HeaderMatch, candidates: dict[str, dict[int, int]], forced: dict[str, int]
) -> None:
    """A form that names several people (户主, 收款人, 享受人, or a plain 姓名 beside 户主姓名) must give the
    name and the ID number of the same one: 享受人 beside 户主身份证号 is asked, never paired (one person's
    name, another's number).  A plain 身份证号 is the plainly named person's; beside a single name
    (户主姓名 and 身份证号, the common roster) it is that person's."""
    columns = ("name", "id_number")
    if not all(c in match.mapping for c in columns) or all(c in forced for c in columns):
        return
    people = {_named(match.labels[p]) for p in candidates.get("name", {})} - {None}
    name, number = (_whose(match.labels[match.mapping[c]]) for c in columns)
    if len(people) < 2 or name == number:
        return
    taken = {p for c, p in match.mapping.items() if c not in columns}
    for col in columns:
        if col in forced:
            continue
        del match.mapping[col]
        match.scores.pop(col, None)
        match.ambiguous.append((col, tuple(sorted(set(candidates[col]) - taken))))


MAX_DEEPER = 3  # header rows below a two-row header: a title over groups over leaves over levels
_TOTAL_CELL = re.compile(
    r"(合计|小计|总计|共计|累计|总合计):?"
)  # a 合计 row is data's, never header
_WORDS = re.compile(r"[\u4e00-\u9fffA-Za-z]")  # a cell with words in it (not a dash, not a number)
_DIGIT = re.compile(r"\d")
_GROUP_CHARS = 20  # a group's name is short; a title over groups is a sentence


def _spread(row: list[str | None], above_raw: list[str | None], above: list[str | None]) -> list:
    """``row`` with each empty cell that sits inside the span of the cell above it given its left
    neighbour's text (the merged cell covers it): 财政补助资金(万元) over 市级财政 and 区市财政."""
    filled = list(row)
    for p in range(1, len(filled)):
        inside = p < len(above_raw) and above_raw[p] is None and above[p] == above[p - 1]
        if filled[p] is None and inside:
            filled[p] = filled[p - 1]
    return filled


def _spans_leaves(top: list[str | None], sub: list[str | None], p: int) -> bool:
    """Whether the top cell at ``p`` is a title over the next column too, with a leaf under each."""
    cell = lambda row, i: row[i] if i < len(row) else None  # noqa: E731
    return bool(cell(top, p) and not cell(top, p + 1) and cell(sub, p) and cell(sub, p + 1))


def _under_spans(row: list[str | None], above: list[str | None]) -> bool:
    """Whether every filled cell of ``row`` sits inside a span of the row above: under an empty cell (a
    merged cell covers it) or under the first cell of a span (its right neighbour empty).  A data row has
    values under the header's own columns; a leaf row of a merged header has them only under spans."""
    at = lambda p: above[p] if p < len(above) else None  # noqa: E731
    filled = [p for p, c in enumerate(row) if c]
    return all(at(p) is None or (p + 1 < len(row) and at(p + 1) is None) for p in filled)


def _total_row(row: list[str | None]) -> bool:
    """A 合计 / 小计 row under the header, not a header row that has a 小计 column among its leaves
    (shizhi-xiangmu-zhichu-yusuan-pifu: 小计 / 财政拨款 / 纳入财政专户管理的非税收入安排 under 一般公共预算收入安排):
    a total word, and no other cell with words in it."""
    texts = [(c or "").replace(" ", "") for c in row if c]
    if not any(_TOTAL_CELL.fullmatch(t) for t in texts):
        return False
    return not any(_WORDS.search(t) for t in texts if not _TOTAL_CELL.fullmatch(t))


def _deepen(
    match: HeaderMatch, head: list[list[str | None]], mapping: dict[str, str] | None = None
) -> HeaderMatch:
    """The header continued over the rows under it that are still header (qingdao-xinnengyuan-zhichu-mingxi:
    a merged title over sellers over 销售车辆数 / 财政补助资金 over 市级 / 区市): rows with no cell under any
    column read into the kind (the spans above cover them), some header text, nothing only data holds.

    Each column not read into the kind is then named by its cells top to bottom, under the header's
    first row when that is one title spanning them ("比亚迪汽车销售/财政补助资金(万元)/市级财政"), from it
    when it names columns ("一般公共预算收入安排/财政拨款"), so the report names every column, not the title
    spanning them; columns read into the kind keep their names.
    """
    last = match.header_rows[-1]
    mapped = set(match.mapping.values()) | {w.position for w in match.wide}
    deeper: list[list[str | None]] = []
    above = list(head[last])
    for r in range(last + 1, min(len(head), last + 1 + MAX_DEEPER)):
        row = list(head[r])
        if (
            not any(row)
            or looks_like_data(row)
            or any(p < len(row) and row[p] for p in mapped)
            or _total_row(row)
            or not _under_spans(row, above)
        ):
            break
        deeper.append(row)
        above = row
    if not deeper:
        return match
    _leave_ties(match, _group_titles(head[last], deeper[0]))
    mapped = set(match.mapping.values()) | {w.position for w in match.wide}
    width = max(len(match.labels), *(len(row) for row in deeper))
    pad = lambda row: list(row) + [None] * (width - len(row))  # noqa: E731
    top = pad(head[match.header_rows[0]])
    above_raw, above = top, _spread(top, [None] * width, [None] * width)
    # A cell of the first row is the path's top when it names a group of columns (一般公共预算收入安排), not
    # when it is a title over them (新能源汽车推广应用示范财政扶持专项资金补助120万元(其中:…): a sentence
    # with figures in it, qingdao-xinnengyuan-zhichu-mingxi).
    grid = [[t if t and len(t) <= _GROUP_CHARS and not _DIGIT.search(t) else None for t in above]]
    for row in (pad(r) for r in [*(head[r] for r in match.header_rows[1:]), *deeper]):
        filled = _spread(row, above_raw, above)
        grid.append(filled)
        above_raw, above = row, filled
    labels = pad(match.labels)
    for p in range(width):
        path = [row[p] for row in grid if row[p]]
        path = [t for k, t in enumerate(path) if k == 0 or t != path[k - 1]]
        if p not in mapped and path:
            labels[p] = mask_digits("/".join(path))
    match.labels = labels
    match.header_rows = (*match.header_rows, *range(last + 1, last + 1 + len(deeper)))
    _apply_deeper(match, mapping, mapped)
    return match


def _apply_deeper(match: HeaderMatch, mapping: dict[str, str] | None, mapped: set[int]) -> None:
    """The clerk's entries that name a column by a path only the deeper rows write (政府直接投资项目/
    本年度计划投资及资金来源/合计 on a four-level 投资项目计划表): applied to it, as ``_match_row`` applies
    the others; the clerk's column wins over one a role found."""
    unknown = {k: v for k, v in (mapping or {}).items() if k in match.mapping_unknown}
    if not unknown:
        return
    wanted = _wanted(unknown, match.labels)
    names = {c.name for c in match.spec.columns}
    for p, label in enumerate(match.labels):
        if p in mapped or p in match.dropped or not label:
            continue
        target = wanted(label)
        if target == "":
            match.dropped.append(p)
            match.mapped[label] = ""
        elif target in names:
            match.mapping[target] = p
            match.scores[target] = MAPPED
            match.mapped[label] = target
            match.ambiguous = [(n, ps) for n, ps in match.ambiguous if n != target]
    match.mapping_unknown = _not_applied(match.mapping_unknown, match)


def _not_applied(entries: dict[str, str], match: HeaderMatch) -> dict[str, str]:
    """The clerk's entries that name no header the match applied (``mapping_unused`` in the report)."""
    found = {header_key(label) for label in match.mapped}
    return {k: v for k, v in entries.items() if header_key(k) not in found}


def _at(row: list[str | None], p: int) -> str | None:
    """The cell at ``p``, or None past the row's end."""
    return row[p] if p < len(row) else None


def _group_titles(row: list[str | None], below: list[str | None]) -> set[int]:
    """The cells of ``row`` that the row under it proves group titles: a cell under it and one under the
    next column, which its span covers (已投入帮扶资金 over 用于帮扶到户资金 / 用于帮扶到村资金 in a 扶贫
    统计表, tests/realfiles fupin-bangfu-zijin-tongji).  A title names its leaves, not a column of its
    own: it leaves a tie with a column of the same words (已投入帮扶资金(元) beside it)."""
    return {
        p
        for p in range(len(row))
        if _at(row, p) and not _at(row, p + 1) and _at(below, p) and _at(below, p + 1)
    }


# A total paid over the row's parts (发放资金总额 = 发放金额 + 护理费 + … + 补发金额: a 优抚 export).
_TOTAL_PAID = re.compile(r"(总额|总计|合计)$")
# An allowance a total adds to the standard's share (孤老增发, 其他补助1, 补发金额, 护理费: 优抚 exports).
_ADDED_PART = re.compile(r"增发|加发|补发|^其他(补助|补贴)|护理费")


def _base_reckoned(match: HeaderMatch) -> HeaderMatch:
    """A standard and a quantity beside an amount paid that is a total over parts, one of which is written
    as the amount is (省标准 × 发放月数 = 发放金额, then the allowances, and 发放资金总额: a 优抚 export), or
    one of which is an allowance added to the standard's share (标准, 发放月数, 孤老增发, 其他补助1…, 发放资金
    总额: a 义务兵家属优待金 export):
    they reckon that base, not the total, so neither is read (each row's total would be reported
    amount_mismatch against their product); the report names them unused.  Not columns the clerk mapped."""
    if "amount_yuan" not in match.mapping or not {"quantity", "standard_yuan"} <= set(
        match.mapping
    ):
        return match
    if not _TOTAL_PAID.search(header_key(match.labels[match.mapping["amount_yuan"]]) or ""):
        return match
    if set(match.mapped.values()) & {"quantity", "standard_yuan"}:
        return match
    used = set(match.mapping.values())
    base = [
        p
        for p, label in enumerate(match.labels)
        if label
        and p not in used
        and (
            ("amount_yuan", EXACT) in cell_scores(match.spec.kind, label)
            or _ADDED_PART.search(header_key(label))
        )
    ]
    if base:
        for name in ("quantity", "standard_yuan"):
            del match.mapping[name]
            match.scores.pop(name, None)
    return match


_ACTS = ("下达", "分配", "拨付", "分解", "安排", "下拨")


def _same_act(match: HeaderMatch) -> HeaderMatch:
    """Columns that tie for an allocation's amount or date (下达金额 / 分配金额, 下达时间 / 分配时间) are
    the act the recipient's header names (下达区划名称: a 下达 tracker whose regions then 分配 on,
    zhida-zhuanxiang-xiada-dengji-zhuizong): the one tied column naming the same act is taken."""
    if match.spec.kind != "allocations" or "recipient" not in match.mapping:
        return match
    recipient = match.labels[match.mapping["recipient"]] or ""
    act = next((a for a in _ACTS if a in recipient), None)
    if act is None:
        return match
    left = []
    for name, tied in match.ambiguous:
        hits = [p for p in tied if act in (match.labels[p] or "")]
        if len(hits) == 1 and name not in match.mapping:
            match.mapping[name] = hits[0]
        else:
            left.append((name, tied))
    match.ambiguous = left
    return match


def _by_values(match: HeaderMatch, head: list[list[str | None]], chosen: set[str]) -> HeaderMatch:
    """A required column the header left unfound (or one required when present), taken from the one
    column whose header means nothing to the kind and whose cells say what it is (etl/bycontent.py:
    所属街 of township names, 公民号 of valid ID numbers).  Not a column the clerk mapped or marked not
    needed, nor one the chosen values fill."""
    tied = {name for name, _ in match.ambiguous}
    found = match.found | chosen | tied
    wanted = [
        (c, what)
        for c in match.spec.columns
        if (c.required or c.required_if_present)
        and c.name not in found
        and (what := what_says(match.spec.kind, c.name))
    ]
    rows = [r for r in head[match.data_start :] if any(r) and not _total_row(r)]
    # the columns nothing takes (HeaderMatch.unused) whose header means nothing to the kind
    free = [p for p in match.unused if not cell_scores(match.spec.kind, match.labels[p])]
    for col, what in wanted:
        hits = [p for p in free if says([r[p] if p < len(r) else None for r in rows], what)]
        if len(hits) == 1:
            match.mapping[col.name] = hits[0]
            match.by_values[col.name] = col.name
            free.remove(hits[0])
    return _fallbacks(_noted(_filled(match, rows), rows, chosen), rows, chosen)


def _filled(match: HeaderMatch, rows: list[list[str | None]]) -> HeaderMatch:
    """A column taken for a canonical column but empty on every row (an HR export's 职务, filled under 职位
    instead) gives way to the best other column the kind also reads as that column that has values,
    when there is one best; reported.  Not a column the clerk mapped; not with fewer than MIN_VALUES rows
    (an empty template says nothing)."""
    if len([r for r in rows if any(r)]) < MIN_VALUES:
        return match
    forced = {p for label in match.mapped for p in _positions(match, label)}
    cells = lambda p: [r[p] if p < len(r) else None for r in rows]  # noqa: E731
    has = lambda p: sum(1 for v in cells(p) if norm(v)) >= MIN_VALUES  # noqa: E731
    for name, pos in list(match.mapping.items()):
        if pos in forced or any(norm(v) for v in cells(pos)):
            continue
        scored = {
            p: dict(cell_scores(match.spec.kind, match.labels[p])).get(name, 0)
            for p in match.unused
            if p not in forced and has(p)
        }
        scored = {p: score for p, score in scored.items() if score}
        if not scored:
            continue
        best = max(scored.values())
        top = [p for p, score in scored.items() if score == best]
        if len(top) == 1:
            match.instead[name] = match.labels[pos] or ""
            match.mapping[name] = top[0]
            match.scores[name] = best
    return match


def _noted(match: HeaderMatch, rows: list[list[str | None]], chosen: set[str]) -> HeaderMatch:
    """A required column still unfound, taken from the one column nothing took whose note in brackets
    names it and whose values are what the note says (etl/bycontent.py NOTED).  A column that only
    tied for another column (村 in its note: a village's name or code) is settled by its values too: it
    leaves that tie, and a tie left with one column is that column's."""
    tied = {name for name, _ in match.ambiguous}
    open_ = [*match.unused, *(p for _, ps in match.ambiguous for p in ps)]
    taken: dict[str, int] = {}
    for col in match.spec.columns:
        rule = NOTED.get(col.name)
        if rule is None or not (col.required or col.required_if_present):
            continue
        if col.name in match.found | chosen | tied:
            continue
        hits = []
        for p in open_:
            note = _NOTE.search(header_key(match.labels[p]))
            column = [r[p] if p < len(r) else None for r in rows]
            if note and rule.words.search(note.group(0)[1:-1]) and says(column, rule.what):
                hits.append(p)
        if len(hits) == 1 and hits[0] not in taken.values():
            taken[col.name] = hits[0]
    for name, pos in taken.items():
        match.mapping[name] = pos
        match.by_values[name] = name
        match.fallback[name] = ""
    if taken:
        _leave_ties(match, set(taken.values()))
    return match


def _leave_ties(match: HeaderMatch, gone: set[int]) -> None:
    """Take the positions ``gone`` out of every tie: a tie left with one column is that column's, one
    left with none is no question."""
    left = []
    for name, positions in match.ambiguous:
        rest = tuple(p for p in positions if p not in gone)
        if len(rest) > 1:
            left.append((name, rest))
        elif rest and name not in match.mapping:
            match.mapping[name] = rest[0]
    match.ambiguous = left


def _fallbacks(match: HeaderMatch, rows: list[list[str | None]], chosen: set[str]) -> HeaderMatch:
    """A required column still unfound, taken from the one column whose header is the kind's fallback word
    for it and whose values say so (etl/bycontent.py FALLBACKS: 部门名称 as the agency of an agency list
    with no 单位名称), whether nothing took that column or an optional column of the kind did (the
    department in charge): the row's own unit comes before the one above it.  Not a column the clerk
    mapped or marked not needed; reported as ``column_by_values``, naming what it was read as."""
    tied = {name for name, _ in match.ambiguous}
    required = {c.name for c in match.spec.columns if c.required or c.required_if_present}
    forced = {p for label, target in match.mapped.items() for p in _positions(match, label)}
    owner = {p: name for name, p in match.mapping.items()}
    for col in match.spec.columns:
        rule = fallback(match.spec.kind, col.name)
        if rule is None or col.name not in required or col.name in match.found | chosen | tied:
            continue
        hits = [
            p
            for p, label in enumerate(match.labels)
            if label
            and p not in forced
            and p not in match.dropped
            and owner.get(p) not in required
            and rule.words.search(header_key(label))
            and says([r[p] if p < len(r) else None for r in rows], rule.what, rule.unique)
        ]
        if len(hits) != 1:
            continue
        was = owner.pop(hits[0], None)
        if was is not None:
            del match.mapping[was]
            match.scores.pop(was, None)
        match.mapping[col.name] = hits[0]
        owner[hits[0]] = col.name
        match.by_values[col.name] = col.name
        match.fallback[col.name] = was or ""
    return match


def _positions(match: HeaderMatch, label: str) -> list[int]:
    return [p for p, written in enumerate(match.labels) if written == label]


def header_at(
    head: list[list[str | None]], row: int, kind: str, mapping: dict[str, str] | None = None
) -> HeaderMatch:
    """The header a clerk says is row ``row`` of ``head`` (0-based), however few of its cells the kind's
    words name: what the upload page shows for the clerk to map when ``detect`` found no header."""
    match = _match_row(SPECS[kind], head[row], None, mapping)
    match.header_rows = (row,)
    return match


def sheet_rank(match: HeaderMatch, head: list[list[str | None]]) -> tuple:
    """How well a sheet's header fits, rows first: a workbook's blank template sheet, or another sheet of
    the same system's export with no rows (家庭成员 beside 员工主表, tests/realfiles), loses to a sheet with
    rows under its header, whatever their scores; between sheets both with rows, or both without, the
    better header wins."""
    has_rows = any(any(cell for cell in row) for row in head[match.data_start :])
    return (has_rows, match.score)


def detect(
    head: list[list[str | None]],
    kind: str | None = None,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> HeaderMatch | None:
    """Best header in the first rows of a sheet, for one kind or (None) any kind, with the runner-up kind.

    The clerk's mapping and the values chosen at upload name columns of the kind: a kind that lacks one
    of them is not the file's kind (a 三公经费 table with 类别 chosen is a budget, not a fund catalogue).

    Another department's register (deaths, payroll) is never guessed: it is loaded by inspectors who
    name its kind, and a clerk's roster that looks like one must not be taken for it (nor refused as it).
    """
    specs = [SPECS[kind]] if kind else [s for s in SPECS.values() if not s.register]
    chosen = {c for c, v in (values or {}).items() if v}
    per_kind: list[HeaderMatch] = []
    for spec in specs:
        best: HeaderMatch | None = None
        for r in range(min(len(head), HEAD_ROWS)):
            single = _match_row(spec, head[r], None, mapping)
            single.header_rows = (r,)
            options = [single]
            if r + 1 < len(head) and not looks_like_data(head[r + 1]):
                below = head[r + 2] if r + 2 < len(head) else None
                double = _match_row(spec, head[r], head[r + 1], mapping, below)
                double.header_rows = (r, r + 1)
                # A title row above a header is not the top of a two-level header: the
                # top row must match something itself, by name rather than by a role's guess.
                sure = single.wide or any(score >= STEM for score in single.scores.values())
                # or a cell it matches spans both rows (nothing under it: 帮扶单位 / 贫困村 beside a group
                # over its leaves, tests/realfiles fupin-bangfu-zijin-tongji): a title spans columns, and
                # the header under it has a cell under each of them.
                sure = sure or any(not _at(head[r + 1], p) for p in single.mapping.values())
                # The clerk's mapping names two-level headers as "上/下": more of it applied says two rows.
                # As many columns either way: two rows when the clerk's mapping says so, or when a
                # column is found by its second-row cell (项目 over 科目名称) at no fewer points.
                leaves = head[r + 1]
                by_leaf = any(
                    p < len(leaves) and leaves[p] and cell_scores(spec.kind, leaves[p])
                    for p in double.mapping.values()
                )
                # A top cell spanning leaves (2016年预算数 over 小计 / 其中…) is a group's title: read as
                # one row it would name a column by its title and leave the leaves beside it unnamed.
                titled = any(_spans_leaves(head[r], leaves, p) for p in single.mapping.values())
                wins = double.score[2] > single.score[2] or (
                    double.score[2] == single.score[2]
                    and (
                        titled
                        or len(double.mapped) > len(single.mapped)
                        or (
                            (by_leaf or leaves_only(head[r], leaves))
                            and not single.mapped
                            and double.points >= single.points
                        )
                    )
                )
                if sure and wins:
                    options = [double]
            for m in options:
                if m.score[2] >= MIN_MATCHED and (best is None or m.score > best.score):
                    best = m
        if best is not None:
            best = _by_values(_deepen(best, head, mapping), head, chosen)
            per_kind.append(_base_reckoned(_same_act(best)))
    if not per_kind:
        return None
    # A clerk's mapping and chosen values name the kind's columns: a kind that lacks one of them is not
    # the file's kind.
    targets = {t for t in (mapping or {}).values() if t} | chosen
    fits = lambda m: targets <= {c.name for c in m.spec.columns}  # noqa: E731

    def complete(m: HeaderMatch) -> tuple[bool, int]:
        """(nothing required missing, required found) once the chosen values fill their columns."""
        missing = [c for c in m.missing if c.name not in chosen]
        return (not missing, m.expected_found(chosen))

    ranked = sorted(per_kind, key=lambda m: (fits(m), complete(m), m.score), reverse=True)
    best = ranked[0]
    if len(ranked) > 1:
        best.runner_up, best.runner_up_score = ranked[1].spec.kind, ranked[1].score
        other = ranked[1]
        by_values = complete(best) != complete(other) and best.score[:2] == other.score[:2]
        if fits(best) != fits(other) or by_values:
            best.runner_up_score = None  # the mapping or the chosen values decided it: not a tie
    return best
