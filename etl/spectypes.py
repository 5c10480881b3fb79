"""What a dataset kind's spec is made of: its ``Column``s, the ``WideGroup`` of a wide layout, the ``Spec``.

The specs themselves, one per kind, are declared in etl/specs.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl import labels
from etl.vocabulary import Enum

# Column types understood by etl.clean ("month": a pay month, stored as its first day).  "id_number" expands into id_hash,
# id_masked, sex and birth_date when stored.
TYPES = (
    "text",
    "code",
    "int",
    "year",
    "amount",
    "decimal",
    "date",
    "month",
    "id_number",
    "flag",
    "enum",
)


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...]
    type: str = "text"
    required: bool = False
    label_en: str = (
        ""  # from etl/labels.py (label_zh is the first alias: the header the template writes)
    )
    note_zh: str = ""  # explanation for the template's notes sheet
    example: str = ""
    enum: Enum | None = None  # an enum column's vocabulary (etl/vocabulary.py)
    stored: bool = True  # False: read for a check only (应发金额 beside 实发金额)
    stands_in_for: str = ""  # read as this column when the file has no column for it
    # shown in open data and on public pages once published (off unless declared)
    public: bool = False
    # enum: the table CHECKs the stored values (agencies and staff were made without)
    check: bool = True
    # Holds a personal number by design and is stored masked (一卡通号): the rule
    # personal_data_in_text (etl.personal) scans every other text and code column.
    personal: bool = False
    # Not required (a file may lack the column: the table stores NULL), but a file that has the column
    # must fill it in every row (value_required, as for a required column).  ``absent_zh``/``absent_en``
    # is the one warning a file without it gets ({n}: its rows, {header}: the column's name), and
    # ``needed_without`` a column each row must then fill instead (a voucher with no date at all says
    # nothing about any delay).  Issue 14: the 直达资金 system's 支付凭证 have no 审核签字日期.
    required_if_present: bool = False
    absent_zh: str = ""
    absent_en: str = ""
    needed_without: str = ""
    # A free-text column whose values say what it is (a 资金级次 names a level: 中央, 省级 …): a pattern
    # some value must match, and the words a message names.  A column taken by its header whose every
    # value is unlike it is another thing under the same header (资金来源 = who gave the money):
    # not loaded, with one warning (etl.validate).  None: any value.
    looks_like: tuple[str, str] | None = None

    @property
    def values(self) -> dict[str, str]:
        """Enum: written form -> stored form."""
        return self.enum.values if self.enum else {}

    @property
    def accepted(self) -> tuple[str, ...]:
        """Enum: the values named in messages, in words."""
        return self.enum.accepted if self.enum else ()

    def __post_init__(self) -> None:
        if not self.label_en:
            object.__setattr__(self, "label_en", labels.label(self.name).en)

    @property
    def label_zh(self) -> str:
        return self.aliases[0]

    @property
    def accepted_words(self) -> tuple[str, ...]:
        """The enum's values as a message names them: declared, else the first written form of each."""
        if self.accepted:
            return self.accepted
        first: dict[str, str] = {}
        for written, stored in self.values.items():
            first.setdefault(stored, written)
        return tuple(first.values())


@dataclass(frozen=True)
class WideGroup:
    """A wide layout: under each group header, one column per measure.

    The agencies' official 各单位编制与人员配备表 puts 编制数/实有人数/超配/缺配
    under each 编制类型; the reader melts it into one row per agency and type.
    """

    group_column: str  # canonical column that receives the group header
    groups: dict[str, str]  # group header as written -> stored value
    measures: dict[str, tuple[str, ...]]  # canonical column -> aliases under the group
    noise: tuple[str, ...] = ()  # words taken out of a group header before it is looked up


@dataclass(frozen=True)
class OpenData:
    """How a kind's published rows are offered to the public (open data, API, the reviewer's preview).

    Which columns are shown is declared on each ``Column`` (``public=True``); this says the rest.
    """

    order_by: str  # SQL ORDER BY over the source's columns
    filters: dict[str, str] = field(default_factory=dict)  # request arg -> "int" | "text"
    name: str = ""  # the dataset's name in /opendata/<name>.csv; the kind's by default
    title_zh: str = ""  # the spec's title by default
    title_en: str = ""
    source: str = ""  # the view read; public_<table> by default
    masked: tuple[
        str, ...
    ] = ()  # public columns shown masked (mask_name): <name>_masked in the source
    labels: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # column -> (zh, en) narrower labels
    # The public columns' order in downloads when it is not the spec's: kept as published before.
    column_order: tuple[str, ...] = ()
    total: str | None = None  # the amount the reviewer's preview sums
    group_by: str = ""  # what the preview's totals group by


@dataclass(frozen=True)
class Spec:
    kind: str
    title_zh: str
    title_en: str
    table: str
    columns: tuple[Column, ...]
    wide: WideGroup | None = None
    open_data: OpenData | None = None  # None: never public (every register from another department)
    register: bool = (
        False  # another department's register: uploaded by inspectors and admins, never published
    )
    year_from: str = (
        ""  # the column a row's year is read from (the lake's year partition); none: by county only
    )
    uploaders: tuple[str, ...] = ("finance",)  # roles that may upload the kind
    # The column the year is read from when ``year_from`` is empty in a row (a voucher with no approval
    # date belongs to the year it was disbursed): the lake's year partition is year(coalesce(...)).
    year_else: str = ""
    # The table has ``id_key`` (etl.idnum.LOOKUP_KEY_SQL), indexed in place of the 64-character hash
    # (etl/sql/025_lookup_key.sql, 027_staff_id_key.sql): payments, staff and every register, whose
    # lookups by person go by key and then keep the rows whose hash is the person's.
    lookup_key: bool = False

    @property
    def public_columns(self) -> tuple[Column, ...]:
        """The columns the public sees: declared ``public`` on a kind that has open data (never a register).

        An ID number or a bank account is never among them, whatever a spec says (DESIGN.md §5).
        """
        if self.open_data is None or self.register:
            return ()
        shown = [
            c
            for c in self.columns
            if c.public and c.stored and c.type != "id_number" and c.name != "bank_account"
        ]
        order = self.open_data.column_order
        if order:
            shown.sort(key=lambda c: order.index(c.name) if c.name in order else len(order))
        return tuple(shown)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    @property
    def expected(self) -> tuple[Column, ...]:
        """The required columns and those required when present (a roster's 身份证号): what says a file is
        of this kind when its header is ranked against another kind's."""
        return tuple(c for c in self.columns if c.required or c.required_if_present)
