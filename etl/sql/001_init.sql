-- fundquery store, schema version 1.
-- Money is DECIMAL(18,2) everywhere. ID numbers are never stored: only a keyed
-- hash (HMAC-SHA256, key outside the database) and a masked display form.

CREATE SEQUENCE IF NOT EXISTS batch_seq START 1;
CREATE SEQUENCE IF NOT EXISTS report_seq START 1;
CREATE SEQUENCE IF NOT EXISTS audit_seq START 1;

CREATE TABLE batches (
    batch_id      INTEGER PRIMARY KEY DEFAULT nextval('batch_seq'),
    kind          VARCHAR NOT NULL,
    file_name     VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    uploaded_by   VARCHAR NOT NULL,
    uploaded_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    office        VARCHAR,
    row_count     INTEGER NOT NULL,
    status        VARCHAR NOT NULL CHECK (status IN ('loaded', 'published', 'retracted', 'superseded')),
    replaces      INTEGER,
    published_at  TIMESTAMP,
    published_by  VARCHAR,
    changed_at    TIMESTAMP
);

-- One validation report per upload attempt, loaded or rejected.
CREATE TABLE upload_reports (
    report_id     INTEGER PRIMARY KEY DEFAULT nextval('report_seq'),
    batch_id      INTEGER,
    kind          VARCHAR,
    file_name     VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    status        VARCHAR NOT NULL,
    rows_read     INTEGER,
    error_count   INTEGER NOT NULL,
    warning_count INTEGER NOT NULL,
    findings      JSON,
    created_by    VARCHAR,
    created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Append-only: the code only ever INSERTs here (etl.store.audit).
CREATE TABLE audit_log (
    audit_id  INTEGER PRIMARY KEY DEFAULT nextval('audit_seq'),
    logged_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    actor     VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,
    target    VARCHAR,
    detail    JSON
);

CREATE TABLE funds (
    batch_id       INTEGER NOT NULL,
    row_no         INTEGER NOT NULL,
    fund_code      VARCHAR NOT NULL,
    fund_name      VARCHAR NOT NULL,
    category       VARCHAR,
    department     VARCHAR NOT NULL,
    level          VARCHAR,
    year           INTEGER NOT NULL,
    budget_yuan    DECIMAL(18,2) NOT NULL,
    pays_to        VARCHAR NOT NULL CHECK (pays_to IN ('persons', 'projects')),
    standard_yuan  DECIMAL(18,2),
    ceiling_yuan   DECIMAL(18,2),
    policy_basis   VARCHAR
);

CREATE TABLE disbursements (
    batch_id        INTEGER NOT NULL,
    row_no          INTEGER NOT NULL,
    voucher_no      VARCHAR NOT NULL,
    fund_code       VARCHAR NOT NULL,
    payee           VARCHAR NOT NULL,
    amount_yuan     DECIMAL(18,2) NOT NULL,
    approved_on     DATE NOT NULL,
    disbursed_on    DATE,
    is_by_progress  BOOLEAN NOT NULL DEFAULT false,
    reason          VARCHAR
);

CREATE TABLE payments (
    batch_id        INTEGER NOT NULL,
    row_no          INTEGER NOT NULL,
    fund_code       VARCHAR NOT NULL,
    year            INTEGER NOT NULL,
    period          VARCHAR,
    township        VARCHAR NOT NULL,
    village         VARCHAR NOT NULL,
    village_group   VARCHAR,
    name            VARCHAR NOT NULL,
    id_hash         VARCHAR NOT NULL,
    id_masked       VARCHAR NOT NULL,
    sex             VARCHAR,
    birth_date      DATE,
    household_no    VARCHAR,
    quantity        DECIMAL(18,4),
    standard_yuan   DECIMAL(18,2),
    amount_yuan     DECIMAL(18,2) NOT NULL,
    paid_on         DATE,
    bank_account_masked VARCHAR,
    card_status     VARCHAR CHECK (card_status IN ('待发放', '发放中', '已发放', '退回')),
    voucher_no      VARCHAR
);

CREATE TABLE projects (
    batch_id      INTEGER NOT NULL,
    row_no        INTEGER NOT NULL,
    fund_code     VARCHAR NOT NULL,
    project_name  VARCHAR NOT NULL,
    township      VARCHAR,
    village       VARCHAR,
    contractor    VARCHAR,
    amount_yuan   DECIMAL(18,2) NOT NULL,
    start_on      DATE,
    status        VARCHAR
);

CREATE TABLE budgets (
    batch_id     INTEGER NOT NULL,
    row_no       INTEGER NOT NULL,
    department   VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    category     VARCHAR NOT NULL,
    item         VARCHAR,
    amount_yuan  DECIMAL(18,2) NOT NULL
);

-- One row per agency and 编制类型 (the wide official table is melted on read).
CREATE TABLE agencies (
    batch_id         INTEGER NOT NULL,
    row_no           INTEGER NOT NULL,
    agency_code      VARCHAR,
    agency_name      VARCHAR NOT NULL,
    agency_type      VARCHAR,
    department       VARCHAR,
    staffing_type    VARCHAR NOT NULL,
    quota            INTEGER NOT NULL,
    actual_reported  INTEGER
);

CREATE TABLE staff (
    batch_id       INTEGER NOT NULL,
    row_no         INTEGER NOT NULL,
    agency_code    VARCHAR,
    agency_name    VARCHAR NOT NULL,
    name           VARCHAR NOT NULL,
    id_hash        VARCHAR NOT NULL,
    id_masked      VARCHAR NOT NULL,
    sex            VARCHAR,
    birth_date     DATE,
    staffing_type  VARCHAR NOT NULL,
    post           VARCHAR,
    hired_on       DATE,
    status         VARCHAR
);

-- The resident lookup goes by the keyed hash alone (DESIGN.md §7: the ART
-- index is only used when the WHERE clause has this column alone).
CREATE INDEX payments_id_hash ON payments (id_hash);
CREATE INDEX payments_household ON payments (household_no);
CREATE INDEX staff_id_hash ON staff (id_hash);
