//! The archive of past evaluations: every document's report stored as typed
//! rows (documents, forms, funds rows, indicators and targets, declaration
//! line items, budget-table rows and amounts, findings, unmapped cells) in
//! SQLite by default or PostgreSQL when several people share one archive.
//!
//! - Each document is ingested in one transaction, so a process killed
//!   mid-ingest leaves every document either whole or absent.
//! - A document is known by the SHA-256 of its bytes: the same bytes again
//!   change nothing; the same bytes read by a newer extractor (a different
//!   report) replace the document's rows at once.
//! - Amounts are stored as the exact decimal text printed, with the money
//!   unit, and as integer fen (分) where that is exact — never as floats.
//! - Forms about the same project are linked across documents and years
//!   (same unit; names compared once year and stage marks are set aside),
//!   and each link keeps its evidence.

#![deny(missing_docs)]

mod db;
mod facts;
pub mod project;

pub use db::{Conn, Dialect, Table, Val};
use facts::{form_facts, measure, money, name_of, plain, text, unit_names};
use jixiao_model::{Form, MoneyUnit};
use jixiao_report::{DocumentReport, FormReport};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// What can go wrong with an archive.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// SQLite refused.
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL refused or could not be reached.
    #[error("PostgreSQL: {}", postgres_message(.0))]
    Postgres(#[from] postgres::Error),
    /// The archive holds something this version cannot use.
    #[error("{0}")]
    Invalid(String),
}

/// What the PostgreSQL server (or the connection to it) said: the server's
/// own message with its detail and hint for an error it reported (database
/// missing, authentication failed, a statement refused in a read-only
/// transaction), else every cause down the chain (host unreachable,
/// connection refused).
fn postgres_message(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut text = format!("{}: {}", db.severity(), db.message());
        if let Some(detail) = db.detail() {
            text += &format!(" ({detail})");
        }
        if let Some(hint) = db.hint() {
            text += &format!("; {hint}");
        }
        return text;
    }
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let said = c.to_string();
        if !text.contains(&said) {
            text += &format!(": {said}");
        }
        cause = c.source();
    }
    text
}

impl ArchiveError {
    /// Another writer committed the same key first (a unique constraint).
    fn is_conflict(&self) -> bool {
        match self {
            ArchiveError::Postgres(e) => {
                e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION)
            }
            ArchiveError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            }
            _ => false,
        }
    }
}

/// The schema this version writes. An archive of an earlier version it can
/// migrate is migrated when opened for writing; a later one is refused
/// rather than half understood.
pub const SCHEMA_VERSION: &str = "5";

/// What turns an archive of one version into the next: version 2 → 3 adds
/// the declarations' fund sources and per-area targets (their tables are
/// created with the others) and each indicator's period; 3 → 4 the hash of
/// what a document says, by which the views count a publication once
/// whatever formats it was ingested in; 4 → 5 the columns that let a
/// finding be read without joins (its document's source, its form's
/// project and kind, its page), after which [`Archive::move_geometry`]
/// moves each PDF's geometry out of `documents.geometry` into `cell_boxes`
/// (created with the other tables) and fills those columns for the rows
/// already stored.
const MIGRATIONS: &[(&str, &str)] = &[
    ("2", "ALTER TABLE indicators ADD COLUMN period TEXT"),
    ("3", "ALTER TABLE documents ADD COLUMN content_sha256 TEXT"),
    (
        "4",
        "ALTER TABLE findings ADD COLUMN source TEXT; \
         ALTER TABLE findings ADD COLUMN project TEXT; \
         ALTER TABLE findings ADD COLUMN form_kind TEXT; \
         ALTER TABLE findings ADD COLUMN page BIGINT",
    ),
];

/// The widest cell a spreadsheet holds (Excel's limit, in UTF-16 units);
/// a longer text is cut in the CSV export (the archive and the JSON report
/// keep it whole).
pub const CSV_CELL_LIMIT: usize = 32_767;

/// Tables, in the order rows depend on each other. `{pk}` is the dialect's
/// auto-numbered key.
const TABLES: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    id {pk},
    sha256 TEXT NOT NULL UNIQUE,
    report_sha256 TEXT NOT NULL,
    content_sha256 TEXT,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit TEXT,
    year BIGINT,
    form_count BIGINT NOT NULL,
    finding_count BIGINT NOT NULL,
    error TEXT,
    repairs TEXT,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS projects (
    id {pk},
    unit TEXT NOT NULL,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (unit, key)
);
CREATE TABLE IF NOT EXISTS forms (
    id {pk},
    document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL,
    kind TEXT NOT NULL,
    line BIGINT NOT NULL,
    title TEXT,
    project_name TEXT,
    project_id BIGINT REFERENCES projects(id),
    link_evidence TEXT,
    unit TEXT,
    department TEXT,
    year BIGINT,
    evaluated_on TEXT,
    sort_year BIGINT,
    money_unit TEXT,
    declared_budget TEXT,
    declared_budget_fen BIGINT,
    adjusted_budget TEXT,
    adjusted_budget_fen BIGINT,
    executed TEXT,
    executed_fen BIGINT,
    execution_rate TEXT,
    total_score TEXT,
    grade TEXT,
    cells_total BIGINT,
    cells_unmapped BIGINT,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS funds_rows (
    id {pk},
    form_id BIGINT NOT NULL REFERENCES forms(id) ON DELETE CASCADE,
    row_kind TEXT NOT NULL,
    line BIGINT NOT NULL,
    initial_budget TEXT,
    initial_budget_fen BIGINT,
    adjusted_budget TEXT,
    adjusted_budget_fen BIGINT,
    executed TEXT,
    executed_fen BIGINT,
    weight TEXT,
    execution_rate TEXT,
    score TEXT
);
CREATE TABLE IF NOT EXISTS indicators (
    id {pk},
    form_id BIGINT NOT NULL REFERENCES forms(id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL,
    kind TEXT NOT NULL,
    line BIGINT NOT NULL,
    level1 TEXT,
    level2 TEXT,
    name TEXT,
    target TEXT,
    actual TEXT,
    weight TEXT,
    score TEXT,
    deviation_reason TEXT,
    period TEXT
);
CREATE TABLE IF NOT EXISTS fund_sources (
    id {pk},
    form_id BIGINT NOT NULL REFERENCES forms(id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL,
    line BIGINT NOT NULL,
    row_kind TEXT NOT NULL,
    label TEXT NOT NULL,
    part TEXT,
    column_key TEXT,
    amount TEXT,
    amount_fen BIGINT,
    printed TEXT
);
CREATE TABLE IF NOT EXISTS area_targets (
    id {pk},
    form_id BIGINT NOT NULL REFERENCES forms(id) ON DELETE CASCADE,
    indicator_ordinal BIGINT NOT NULL,
    area TEXT NOT NULL,
    target TEXT
);
CREATE TABLE IF NOT EXISTS line_items (
    id {pk},
    form_id BIGINT NOT NULL REFERENCES forms(id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL,
    line BIGINT NOT NULL,
    project TEXT,
    content TEXT,
    detail TEXT,
    amount TEXT,
    amount_fen BIGINT,
    unit_price TEXT,
    quantity TEXT,
    remark TEXT
);
CREATE TABLE IF NOT EXISTS budget_rows (
    id {pk},
    form_id BIGINT NOT NULL REFERENCES forms(id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL,
    line BIGINT NOT NULL,
    side TEXT,
    code TEXT,
    name TEXT,
    is_total BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS budget_amounts (
    id {pk},
    budget_row_id BIGINT NOT NULL REFERENCES budget_rows(id) ON DELETE CASCADE,
    column_path TEXT NOT NULL,
    amount TEXT,
    amount_fen BIGINT
);
CREATE TABLE IF NOT EXISTS findings (
    id {pk},
    document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    form_id BIGINT REFERENCES forms(id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL,
    check_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    field TEXT,
    printed TEXT,
    computed TEXT,
    explained_by TEXT,
    line BIGINT,
    col BIGINT,
    message TEXT NOT NULL,
    source TEXT,
    project TEXT,
    form_kind TEXT,
    page BIGINT
);
CREATE TABLE IF NOT EXISTS unmapped (
    id {pk},
    document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    form_id BIGINT REFERENCES forms(id) ON DELETE CASCADE,
    line BIGINT NOT NULL,
    col BIGINT,
    text TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cell_boxes (
    id {pk},
    document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    line BIGINT NOT NULL,
    page BIGINT NOT NULL,
    col BIGINT NOT NULL,
    x0 TEXT NOT NULL,
    y0 TEXT NOT NULL,
    x1 TEXT NOT NULL,
    y1 TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS forms_document ON forms(document_id);
CREATE INDEX IF NOT EXISTS forms_project ON forms(project_id);
CREATE INDEX IF NOT EXISTS forms_kind_year ON forms(kind, year);
CREATE INDEX IF NOT EXISTS funds_rows_form ON funds_rows(form_id);
CREATE INDEX IF NOT EXISTS indicators_form ON indicators(form_id);
CREATE INDEX IF NOT EXISTS line_items_form ON line_items(form_id);
CREATE INDEX IF NOT EXISTS budget_rows_form ON budget_rows(form_id);
CREATE INDEX IF NOT EXISTS budget_rows_code ON budget_rows(code);
CREATE INDEX IF NOT EXISTS budget_amounts_row ON budget_amounts(budget_row_id);
CREATE INDEX IF NOT EXISTS findings_document ON findings(document_id);
CREATE INDEX IF NOT EXISTS findings_form ON findings(form_id);
CREATE INDEX IF NOT EXISTS findings_severity ON findings(severity);
CREATE INDEX IF NOT EXISTS unmapped_document ON unmapped(document_id);
CREATE INDEX IF NOT EXISTS unmapped_form ON unmapped(form_id);
CREATE INDEX IF NOT EXISTS cell_boxes_document ON cell_boxes(document_id, line);
";

/// Views for the common questions (documented in the README). Written in
/// SQL that SQLite and PostgreSQL both run.
pub const VIEWS: &str = "
CREATE INDEX IF NOT EXISTS documents_content ON documents(content_sha256);
DROP VIEW IF EXISTS findings_by_unit_year;
DROP VIEW IF EXISTS execution_rates;
DROP VIEW IF EXISTS projects_with_errors;
DROP VIEW IF EXISTS project_years;
DROP VIEW IF EXISTS publications;
CREATE VIEW publications AS
SELECT d.* FROM documents d
WHERE d.content_sha256 IS NULL
   OR d.id = (SELECT MIN(t.id) FROM documents t WHERE t.content_sha256 = d.content_sha256);
CREATE VIEW findings_by_unit_year AS
SELECT d.unit, d.year, f.severity, f.check_id, COUNT(*) AS findings
FROM findings f JOIN publications d ON d.id = f.document_id
GROUP BY d.unit, d.year, f.severity, f.check_id;
CREATE VIEW execution_rates AS
SELECT p.id AS project_id, p.unit, p.name AS project, fo.year, fo.evaluated_on,
       fo.money_unit, fo.adjusted_budget, fo.executed, fo.execution_rate,
       fo.adjusted_budget_fen, fo.executed_fen, fo.total_score, fo.grade,
       d.source
FROM forms fo
JOIN projects p ON p.id = fo.project_id
JOIN publications d ON d.id = fo.document_id
WHERE fo.kind = 'self_evaluation';
CREATE VIEW projects_with_errors AS
SELECT p.id AS project_id, p.unit, p.name AS project, fo.year, fo.kind,
       COUNT(*) AS errors, d.source
FROM findings f
JOIN forms fo ON fo.id = f.form_id
JOIN projects p ON p.id = fo.project_id
JOIN publications d ON d.id = fo.document_id
WHERE f.severity = 'error'
GROUP BY p.id, p.unit, p.name, fo.year, fo.kind, d.source;
CREATE VIEW project_years AS
SELECT p.id AS project_id, p.unit, p.name AS project, fo.year, fo.kind,
       fo.project_name AS printed_name, fo.link_evidence, fo.money_unit,
       fo.declared_budget, fo.declared_budget_fen,
       fo.adjusted_budget, fo.executed, fo.executed_fen, fo.execution_rate,
       fo.total_score, fo.grade, d.source
FROM forms fo
JOIN projects p ON p.id = fo.project_id
JOIN publications d ON d.id = fo.document_id;
";

/// The tables whose rows an ingest writes, for counting and for the CSV
/// export.
pub const TABLE_NAMES: [&str; 13] = [
    "documents",
    "projects",
    "forms",
    "funds_rows",
    "fund_sources",
    "indicators",
    "area_targets",
    "line_items",
    "budget_rows",
    "budget_amounts",
    "findings",
    "unmapped",
    "cell_boxes",
];

/// What ingesting one document did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It was new.
    Added,
    /// The same bytes with the same report were there: nothing changed.
    Unchanged,
    /// The same bytes were there from another extraction: replaced.
    Replaced,
}

/// An open archive.
pub struct Archive {
    conn: Box<dyn Conn>,
}

/// How a database is named on the command line: a `postgres://` or
/// `postgresql://` URL, or else a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

impl Archive {
    /// Opens (creating if needed) the archive at `db`: a SQLite file, or a
    /// PostgreSQL URL.
    pub fn open(db: &str) -> Result<Self, ArchiveError> {
        let conn: Box<dyn Conn> = if is_postgres_url(db) {
            let client = postgres::Client::connect(db, postgres::NoTls)?;
            Box::new(db::Postgres::new(client))
        } else {
            let c = rusqlite::Connection::open(db)?;
            c.busy_timeout(std::time::Duration::from_secs(30))?;
            // Room for every statement an ingest runs, multi-row inserts
            // of several sizes included, so none is parsed twice.
            c.set_prepared_statement_cache_capacity(256);
            // WAL: a reader never blocks the ingest; a transaction cut off by a
            // killed process is rolled back on the next open.
            c.pragma_update(None, "journal_mode", "WAL")?;
            c.pragma_update(None, "synchronous", "NORMAL")?;
            c.pragma_update(None, "foreign_keys", "ON")?;
            Box::new(db::Sqlite(c))
        };
        let mut archive = Archive { conn };
        archive.init()?;
        Ok(archive)
    }

    /// Opens an existing archive to read it only: nothing is created or
    /// migrated, a missing file is an error (a mistyped `--db` names no
    /// archive), and a statement that would write fails. Works on an
    /// archive the user may not write to.
    pub fn open_read_only(db: &str) -> Result<Self, ArchiveError> {
        let conn: Box<dyn Conn> = if is_postgres_url(db) {
            let mut client = postgres::Client::connect(db, postgres::NoTls)?;
            client.batch_execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")?;
            Box::new(db::Postgres::new(client))
        } else {
            if !std::path::Path::new(db).is_file() {
                return Err(ArchiveError::Invalid(format!(
                    "no archive at {db} (`archive ingest --db {db}` creates one)"
                )));
            }
            use rusqlite::OpenFlags;
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let c = rusqlite::Connection::open_with_flags(db, flags)?;
            c.busy_timeout(std::time::Duration::from_secs(30))?;
            // A WAL archive in a directory the user may not write to cannot
            // get its shared-memory file: read it as a file no one writes.
            let c = match c.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())) {
                Ok(()) => c,
                Err(_) => {
                    let uri = format!("file:{}?immutable=1", uri_path(db));
                    rusqlite::Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)?
                }
            };
            Box::new(db::Sqlite(c))
        };
        let mut archive = Archive { conn };
        let version = archive
            .conn
            .query("SELECT value FROM meta WHERE key = 'schema_version'", &[])
            .map_err(|_| ArchiveError::Invalid(format!("{db} is not a jixiao archive")))?;
        match version.rows.first().and_then(|r| r[0].text()) {
            Some(v) if v == SCHEMA_VERSION => Ok(archive),
            Some(v) => Err(ArchiveError::Invalid(format!(
                "the archive has schema version {v}; this jixiao reads version {SCHEMA_VERSION}: `archive ingest` with it migrates the archive"
            ))),
            None => Err(ArchiveError::Invalid(format!("{db} is not a jixiao archive"))),
        }
    }

    /// Which backend the archive is on.
    pub fn dialect(&self) -> Dialect {
        self.conn.dialect()
    }

    fn init(&mut self) -> Result<(), ArchiveError> {
        // An archive of this version needs no DDL. Running it anyway (its
        // `CREATE INDEX IF NOT EXISTS` locks the tables) while another
        // process ingests made the two wait on each other's locks, and the
        // server aborted that ingest's document as a deadlock.
        if self.current_version()?.as_deref() == Some(SCHEMA_VERSION) {
            return Ok(());
        }
        let pk = match self.dialect() {
            Dialect::Sqlite => "INTEGER PRIMARY KEY",
            Dialect::Postgres => "BIGSERIAL PRIMARY KEY",
        };
        self.begin()?;
        let result = (|| {
            if self.dialect() == Dialect::Postgres {
                // Two first ingests at once must not both create the schema.
                self.conn
                    .batch("SELECT pg_advisory_xact_lock(7385012345)")?;
            }
            self.conn.batch(&TABLES.replace("{pk}", pk))?;
            let version = self
                .conn
                .query("SELECT value FROM meta WHERE key = 'schema_version'", &[])?;
            match version.rows.first().and_then(|r| r[0].text()) {
                None => {
                    self.conn.exec(
                        "INSERT INTO meta (key, value) VALUES ('schema_version', $1)",
                        &[SCHEMA_VERSION.into()],
                    )?;
                }
                Some(v) if v == SCHEMA_VERSION => {}
                Some(v) => {
                    let mut at = v.to_string();
                    while at != SCHEMA_VERSION {
                        let Some(&(_, sql)) = MIGRATIONS.iter().find(|(from, _)| *from == at)
                        else {
                            return Err(ArchiveError::Invalid(format!(
                                "the archive has schema version {v}; this jixiao writes version {SCHEMA_VERSION} and cannot migrate from {at}"
                            )));
                        };
                        self.conn.batch(sql)?;
                        if at == "4" {
                            self.move_geometry()?;
                        }
                        at = (at.parse::<u32>().unwrap_or(0) + 1).to_string();
                    }
                    self.conn.exec(
                        "UPDATE meta SET value = $1 WHERE key = 'schema_version'",
                        &[SCHEMA_VERSION.into()],
                    )?;
                }
            }
            self.conn.batch(VIEWS)
        })();
        self.end(result)
    }

    /// Part of the migration from version 4: every PDF's geometry, kept
    /// as JSON in `documents.geometry` until then, becomes rows of
    /// `cell_boxes`; the findings already stored get their source, project,
    /// form kind and page; and the JSON column goes (with the views that
    /// name it, which are made again after the migration).
    fn move_geometry(&mut self) -> Result<(), ArchiveError> {
        let stored = self.conn.query(
            "SELECT id, geometry FROM documents WHERE geometry IS NOT NULL ORDER BY id",
            &[],
        )?;
        for row in &stored.rows {
            let (Some(id), Some(json)) = (row[0].int(), row[1].text()) else {
                continue;
            };
            let rows: Vec<serde_json::Value> = serde_json::from_str(&json).map_err(|e| {
                ArchiveError::Invalid(format!(
                    "document {id}: its stored geometry is not JSON ({e}), so it cannot be migrated"
                ))
            })?;
            let mut boxes = Vec::new();
            for r in &rows {
                let int = |v: &serde_json::Value| v.as_u64().map(|n| n as i64);
                let (Some(line), Some(page)) = (int(&r["line"]), int(&r["page"])) else {
                    continue;
                };
                for c in r["cells"].as_array().into_iter().flatten() {
                    let b = &c["bbox"];
                    let side = |k: &str| b[k].as_f64().map(point);
                    if let (Some(col), Some(x0), Some(y0), Some(x1), Some(y1)) = (
                        int(&c["column"]),
                        side("x0"),
                        side("y0"),
                        side("x1"),
                        side("y1"),
                    ) {
                        boxes.push(CellRow {
                            line,
                            page,
                            col,
                            bbox: [x0, y0, x1, y1],
                        });
                    }
                }
            }
            insert_cell_boxes(self.conn.as_mut(), id, boxes)?;
        }
        self.conn.batch(
            "UPDATE findings SET \
               source = (SELECT d.source FROM documents d WHERE d.id = findings.document_id), \
               form_kind = (SELECT fo.kind FROM forms fo WHERE fo.id = findings.form_id), \
               project = (SELECT CASE WHEN fo.kind = 'budget_table' THEN fo.title \
                                      ELSE fo.project_name END \
                          FROM forms fo WHERE fo.id = findings.form_id), \
               page = (SELECT MIN(c.page) FROM cell_boxes c \
                       WHERE c.document_id = findings.document_id AND c.line = findings.line); \
             DROP VIEW IF EXISTS findings_by_unit_year; \
             DROP VIEW IF EXISTS execution_rates; \
             DROP VIEW IF EXISTS projects_with_errors; \
             DROP VIEW IF EXISTS project_years; \
             DROP VIEW IF EXISTS publications; \
             ALTER TABLE documents DROP COLUMN geometry",
        )
    }

    /// The schema version the archive records, `None` for a new one (no
    /// `meta` table yet). Reads only: takes no lock a writer waits on.
    fn current_version(&mut self) -> Result<Option<String>, ArchiveError> {
        let exists = match self.dialect() {
            Dialect::Sqlite => self.conn.query(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
                &[],
            )?,
            Dialect::Postgres => self
                .conn
                .query("SELECT 1 FROM pg_tables WHERE tablename = 'meta' AND schemaname = current_schema()", &[])?,
        };
        if exists.rows.is_empty() {
            return Ok(None);
        }
        let version = self
            .conn
            .query("SELECT value FROM meta WHERE key = 'schema_version'", &[])?;
        Ok(version.rows.first().and_then(|r| r[0].text()))
    }

    fn begin(&mut self) -> Result<(), ArchiveError> {
        match self.dialect() {
            // Take the write lock at once, so two writers never deadlock.
            Dialect::Sqlite => self.conn.batch("BEGIN IMMEDIATE"),
            Dialect::Postgres => self.conn.batch("BEGIN"),
        }
    }

    fn end<T>(&mut self, result: Result<T, ArchiveError>) -> Result<T, ArchiveError> {
        match result {
            Ok(v) => {
                self.conn.batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Ingests one document's report, read from `bytes`, in one
    /// transaction.
    pub fn ingest(
        &mut self,
        bytes: &[u8],
        report: &DocumentReport,
    ) -> Result<Outcome, ArchiveError> {
        let sha = hex(&Sha256::digest(bytes));
        // The same bytes under another name are the same document: the
        // name, wherever the report says it (errors name their file), does
        // not count.
        let source = report.source.as_str();
        let mut text = serde_json::to_string(report).map_err(|e| {
            ArchiveError::Invalid(format!("{source}: the report does not serialise: {e}"))
        })?;
        if !source.is_empty() {
            text = text.replace(source, "");
        }
        let report_sha = hex(&Sha256::digest(text.as_bytes()));
        // Two people ingesting the same document into one PostgreSQL archive
        // at once: the second insert waits for the first and then finds the
        // key taken; tried again, it sees the document and changes nothing.
        let mut attempts = 0;
        loop {
            attempts += 1;
            self.begin()?;
            let result = self.ingest_in_transaction(&sha, &report_sha, report);
            match self.end(result) {
                Err(e) if attempts < 3 && e.is_conflict() => continue,
                other => return other,
            }
        }
    }

    fn ingest_in_transaction(
        &mut self,
        sha: &str,
        report_sha: &str,
        report: &DocumentReport,
    ) -> Result<Outcome, ArchiveError> {
        let known = self.conn.query(
            "SELECT id, report_sha256 FROM documents WHERE sha256 = $1",
            &[sha.into()],
        )?;
        let outcome = match known.rows.first() {
            Some(row) if row[1].text().as_deref() == Some(report_sha) => {
                return Ok(Outcome::Unchanged)
            }
            Some(row) => {
                self.conn
                    .exec("DELETE FROM documents WHERE id = $1", &[row[0].clone()])?;
                Outcome::Replaced
            }
            None => Outcome::Added,
        };
        Ingest::new(self.conn.as_mut(), report).run(sha, report_sha)?;
        Ok(outcome)
    }

    /// Runs a query (the views and example queries of the README, or any
    /// other) and returns its rows.
    pub fn query(&mut self, sql: &str) -> Result<Table, ArchiveError> {
        self.conn.query(sql, &[])
    }

    /// Writes one table as CSV (UTF-8, a header row, NULL as an empty
    /// field), rows in the order they were stored; a form's full JSON
    /// record is left out (it is in the JSON report), and a text longer
    /// than a spreadsheet cell holds is cut ([`fit_cell`]). With `bom`, the
    /// file starts with a byte-order mark, which Excel needs to read UTF-8.
    pub fn export_csv(
        &mut self,
        table: &str,
        out: &mut dyn std::io::Write,
        bom: bool,
    ) -> Result<(), ArchiveError> {
        if !TABLE_NAMES.contains(&table) {
            return Err(ArchiveError::Invalid(format!(
                "no table {table}; the tables are {}",
                TABLE_NAMES.join(", ")
            )));
        }
        let all = self
            .conn
            .query(&format!("SELECT * FROM {table} ORDER BY id"), &[])?;
        let keep: Vec<usize> = (0..all.columns.len())
            .filter(|&k| all.columns[k] != "record")
            .collect();
        let shown = Table {
            columns: keep.iter().map(|&k| all.columns[k].clone()).collect(),
            rows: all
                .rows
                .into_iter()
                .map(|r| {
                    keep.iter()
                        .map(|&k| match &r[k] {
                            Val::Text(Some(t)) => Val::Text(Some(fit_cell(t))),
                            v => v.clone(),
                        })
                        .collect()
                })
                .collect(),
        };
        shown.write_csv(out, bom)
    }

    /// Row counts of every table an ingest writes.
    pub fn counts(&mut self) -> Result<Vec<(&'static str, i64)>, ArchiveError> {
        TABLE_NAMES
            .iter()
            .map(|t| {
                let table = self.conn.query(&format!("SELECT COUNT(*) FROM {t}"), &[])?;
                Ok((*t, table.rows[0][0].int().unwrap_or(0)))
            })
            .collect()
    }

    /// Every project whose key or printed name contains `name` (compared
    /// folded: full-width forms and whitespace do not matter), with each
    /// of its forms by year.
    pub fn history(&mut self, name: &str) -> Result<Vec<ProjectHistory>, ArchiveError> {
        let needle = project::fold(name);
        let projects = self.conn.query(
            "SELECT DISTINCT p.id, p.unit, p.name, p.key FROM projects p \
             LEFT JOIN forms fo ON fo.project_id = p.id \
             WHERE p.key LIKE '%' || $1 || '%' OR fo.project_name LIKE '%' || $1 || '%' \
             ORDER BY p.id",
            &[needle.into()],
        )?;
        let mut out = Vec::new();
        for p in &projects.rows {
            let forms = self.conn.query(
                "SELECT fo.id, fo.year, fo.evaluated_on, fo.kind, d.source, fo.project_name, \
                        fo.link_evidence, fo.money_unit, fo.declared_budget, fo.adjusted_budget, \
                        fo.executed, fo.execution_rate, fo.total_score, fo.grade, \
                        fo.declared_budget_fen, fo.adjusted_budget_fen, fo.executed_fen \
                 FROM forms fo JOIN publications d ON d.id = fo.document_id \
                 WHERE fo.project_id = $1 \
                 ORDER BY fo.sort_year, fo.kind, d.source, fo.ordinal",
                &[p[0].clone()],
            )?;
            let mut entries = Vec::new();
            for f in &forms.rows {
                let findings = self.conn.query(
                    "SELECT severity, check_id, message FROM findings \
                     WHERE form_id = $1 ORDER BY ordinal",
                    &[f[0].clone()],
                )?;
                entries.push(HistoryEntry {
                    year: f[1].int(),
                    evaluated_on: f[2].text(),
                    kind: f[3].shown(),
                    source: f[4].shown(),
                    printed_name: f[5].shown(),
                    link_evidence: f[6].shown(),
                    money_unit: f[7].text(),
                    declared_budget: Money::new(f[8].text(), f[14].int()),
                    adjusted_budget: Money::new(f[9].text(), f[15].int()),
                    executed: Money::new(f[10].text(), f[16].int()),
                    execution_rate: f[11].text(),
                    total_score: f[12].text(),
                    grade: f[13].text(),
                    findings: findings
                        .rows
                        .iter()
                        .map(|r| HistoryFinding {
                            severity: r[0].shown(),
                            check: r[1].shown(),
                            message: r[2].shown(),
                        })
                        .collect(),
                });
            }
            // Named as its earliest form prints it (later years' copies
            // are often the garbled ones).
            let name = entries
                .first()
                .map(|e| e.printed_name.clone())
                .unwrap_or_else(|| p[2].shown());
            out.push(ProjectHistory {
                unit: p[1].shown(),
                name,
                key: p[3].shown(),
                entries,
            });
        }
        Ok(out)
    }
}

/// One project across years.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProjectHistory {
    /// Its unit.
    pub unit: String,
    /// The name its earliest form prints.
    pub name: String,
    /// The key its forms are linked by.
    pub key: String,
    /// Its forms, by year.
    pub entries: Vec<HistoryEntry>,
}

/// An amount as printed, and in fen (分) when that is exact.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Money {
    /// The printed value (without thousands separators).
    pub printed: Option<String>,
    /// The same in fen.
    pub fen: Option<i64>,
}

impl Money {
    fn new(printed: Option<String>, fen: Option<i64>) -> Self {
        Money { printed, fen }
    }

    /// The amount in 万元, exactly (`37.13` for 371,300 元).
    pub fn wan_yuan(&self) -> Option<Decimal> {
        self.fen
            .map(|f| (Decimal::from(f) / Decimal::from(1_000_000)).normalize())
    }
}

/// One form of a project's history.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HistoryEntry {
    /// The year the form is for, when it prints one.
    pub year: Option<i64>,
    /// When it was evaluated (older self-evaluations print only this).
    pub evaluated_on: Option<String>,
    /// `self_evaluation` or `declaration`.
    pub kind: String,
    /// The document it is in.
    pub source: String,
    /// The name as printed.
    pub printed_name: String,
    /// Why it is linked to the project.
    pub link_evidence: String,
    /// `yuan` or `wan_yuan`.
    pub money_unit: Option<String>,
    /// Declared 当年预算 (declarations).
    pub declared_budget: Money,
    /// 全年预算数 (self-evaluations).
    pub adjusted_budget: Money,
    /// 全年执行数.
    pub executed: Money,
    /// 执行率, as printed.
    pub execution_rate: Option<String>,
    /// 总分.
    pub total_score: Option<String>,
    /// 评分等级.
    pub grade: Option<String>,
    /// Its findings.
    pub findings: Vec<HistoryFinding>,
}

/// A finding on a form of a project's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HistoryFinding {
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// The check id.
    pub check: String,
    /// What it says.
    pub message: String,
}

impl ProjectHistory {
    /// The history as text, a block per project and a line per form.
    pub fn to_text(&self) -> String {
        let unit_name = |u: &Option<String>| match u.as_deref() {
            Some("wan_yuan") => "万元",
            Some("yuan") => "元",
            _ => "",
        };
        let mut out = format!("{} — {}\n", self.name, self.unit);
        for e in &self.entries {
            let year = match (e.year, &e.evaluated_on) {
                (Some(y), _) => y.to_string(),
                (None, Some(d)) => format!("? (evaluated {d})"),
                (None, None) => "?".to_string(),
            };
            let unit = unit_name(&e.money_unit);
            // Amounts in 元 are also given in 万元, so years compare at a glance.
            let money = |label: &str, v: &Money| match (&v.printed, v.wan_yuan()) {
                (Some(p), Some(w)) if unit == "元" => format!(" {label} {p} 元 (= {w} 万元)"),
                (Some(p), _) => format!(" {label} {p} {unit}"),
                _ => String::new(),
            };
            out += &format!(
                "  {year}  {}{}{}{}{}{}{}  [{}]\n",
                match e.kind.as_str() {
                    "declaration" => "申报",
                    "self_evaluation" => "自评",
                    other => other,
                },
                money("当年预算", &e.declared_budget),
                money("全年预算数", &e.adjusted_budget),
                money("全年执行数", &e.executed),
                e.execution_rate
                    .as_ref()
                    .map(|r| format!(" 执行率 {r}%"))
                    .unwrap_or_default(),
                e.total_score
                    .as_ref()
                    .map(|s| format!(" 总分 {s}"))
                    .unwrap_or_default(),
                e.grade
                    .as_ref()
                    .map(|g| format!(" 等级 {g}"))
                    .unwrap_or_default(),
                e.source,
            );
            out += &format!(
                "      printed as «{}»; {}\n",
                e.printed_name, e.link_evidence
            );
            for f in &e.findings {
                out += &format!("      {} {}: {}\n", f.severity, f.check, f.message);
            }
        }
        out
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes one document's rows.
struct Ingest<'a> {
    conn: &'a mut dyn Conn,
    report: &'a DocumentReport,
}

impl<'a> Ingest<'a> {
    fn new(conn: &'a mut dyn Conn, report: &'a DocumentReport) -> Self {
        Ingest { conn, report }
    }

    /// Inserts rows into `table` (see [`insert_rows`]).
    fn insert_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Vec<Vec<Val>>,
    ) -> Result<(), ArchiveError> {
        insert_rows(self.conn, table, columns, rows)
    }

    fn insert(&mut self, sql: &str, params: &[Val]) -> Result<i64, ArchiveError> {
        let t = self.conn.query(&format!("{sql} RETURNING id"), params)?;
        t.rows
            .first()
            .and_then(|r| r[0].int())
            .ok_or_else(|| ArchiveError::Invalid("an insert returned no id".into()))
    }

    fn run(mut self, sha: &str, report_sha: &str) -> Result<(), ArchiveError> {
        let report = self.report;
        let forms: Vec<&Form> = report.forms.iter().map(|f| &f.form).collect();
        let unit = document_unit(&forms);
        let year = most_common(forms.iter().filter_map(|f| form_facts(f).year));
        let error = (!report.errors.is_empty()).then(|| {
            let messages: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
            messages.join("; ")
        });
        let json = |v: &dyn ErasedJson| v.to_json();
        let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
        let document_id = self.insert(
            "INSERT INTO documents (sha256, report_sha256, content_sha256, source, kind, unit, \
             year, form_count, finding_count, error, repairs, ingested_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            &[
                sha.into(),
                report_sha.into(),
                report
                    .content()
                    .map(|c| hex(&Sha256::digest(c.to_string().as_bytes())))
                    .into(),
                report.source.as_str().into(),
                document_kind(&forms, !report.errors.is_empty()).into(),
                unit.clone().into(),
                year.map(i64::from).into(),
                (forms.len() as i64).into(),
                (report.findings.len() as i64).into(),
                error.into(),
                (!report.repairs.is_empty())
                    .then(|| json(&report.repairs))
                    .into(),
                now.into(),
            ],
        )?;
        let boxes = report
            .geometry
            .iter()
            .flat_map(|g| {
                g.cells.iter().map(move |c| CellRow {
                    line: g.line as i64,
                    page: i64::from(g.page),
                    col: c.column as i64,
                    bbox: [c.bbox.x0, c.bbox.y0, c.bbox.x1, c.bbox.y1].map(point),
                })
            })
            .collect();
        insert_cell_boxes(self.conn, document_id, boxes)?;
        let mut form_ids = Vec::with_capacity(forms.len());
        for (ordinal, form) in report.forms.iter().enumerate() {
            let id = self.form(document_id, ordinal, form, unit.as_deref())?;
            form_ids.push(id);
        }
        // A PDF's row is on one page.
        let pages: HashMap<usize, u32> = report.geometry.iter().map(|g| (g.line, g.page)).collect();
        let rows = report
            .findings
            .iter()
            .enumerate()
            .map(|(ordinal, f)| {
                let facts = forms.get(f.form).map(|form| form_facts(form));
                let project = facts.as_ref().and_then(|x| match x.kind {
                    "budget_table" => x.title,
                    _ => x.project_name,
                });
                vec![
                    document_id.into(),
                    form_ids.get(f.form).copied().into(),
                    (ordinal as i64).into(),
                    f.check.into(),
                    name_of(&f.severity).into(),
                    f.field.as_str().into(),
                    f.printed.clone().into(),
                    f.computed.clone().into(),
                    f.explained_by.as_ref().and_then(name_of).into(),
                    (f.location.line as i64).into(),
                    f.location.column.map(|c| c as i64).into(),
                    f.message.as_str().into(),
                    report.source.as_str().into(),
                    project.filter(|p| !p.trim().is_empty()).into(),
                    facts.as_ref().map(|x| x.kind).into(),
                    pages.get(&f.location.line).map(|&p| i64::from(p)).into(),
                ]
            })
            .collect();
        self.insert_rows(
            "findings",
            &[
                "document_id",
                "form_id",
                "ordinal",
                "check_id",
                "severity",
                "field",
                "printed",
                "computed",
                "explained_by",
                "line",
                "col",
                "message",
                "source",
                "project",
                "form_kind",
                "page",
            ],
            rows,
        )?;
        // Lines no reader recognised belong to the document, not a form.
        let rows = report
            .unrecognized
            .iter()
            .map(|span| {
                let (start, end) = (span.lines.start as i64, span.lines.end as i64);
                vec![
                    document_id.into(),
                    Val::Int(None),
                    start.into(),
                    Val::Int(None),
                    format!("lines {start}–{end} ({} cells)", span.cells).into(),
                    span.reason.as_str().into(),
                ]
            })
            .collect();
        self.insert_rows(
            "unmapped",
            &["document_id", "form_id", "line", "col", "text", "reason"],
            rows,
        )?;
        Ok(())
    }

    fn form(
        &mut self,
        document_id: i64,
        ordinal: usize,
        report: &FormReport,
        unit: Option<&str>,
    ) -> Result<i64, ArchiveError> {
        let form = &report.form;
        let f = form_facts(form);
        let (declared, declared_fen) = money(f.declared, f.unit);
        let (adjusted, adjusted_fen) = money(f.adjusted, f.unit);
        let (executed, executed_fen) = money(f.executed, f.unit);
        let project_name = f.project_name.filter(|n| !n.is_empty());
        // A form whose unit is unknown is linked to no project: the same
        // name in two units' disclosures is two projects.
        let unit_known = unit.is_some_and(|u| !project::unit_key(u).is_empty());
        let link = match project_name {
            Some(name)
                if (f.kind == "self_evaluation" || f.kind == "declaration") && unit_known =>
            {
                Some(self.link(document_id, f.kind, name, unit.unwrap_or(""))?)
            }
            _ => None,
        };
        let unlinked = (project_name.is_some() && !unit_known && link.is_none())
            .then(|| "the unit is unknown, so the form is linked to no project".to_string());
        // The year the form is for, or else the year it was evaluated in.
        let year = f.year.map(i64::from);
        let sort_year = year.or_else(|| f.evaluated_on.and_then(|d| d.get(..4)?.parse().ok()));
        if let (Some((project, _)), Some(name)) = (&link, project_name) {
            self.name_after_earliest(*project, name, sort_year)?;
        }
        let record = serde_json::to_string(report)
            .map_err(|e| ArchiveError::Invalid(format!("a form does not serialise: {e}")))?;
        let id = self.insert(
            "INSERT INTO forms (document_id, ordinal, kind, line, title, project_name, project_id, \
             link_evidence, unit, department, year, evaluated_on, sort_year, money_unit, \
             declared_budget, declared_budget_fen, adjusted_budget, adjusted_budget_fen, executed, \
             executed_fen, execution_rate, total_score, grade, cells_total, cells_unmapped, record) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, $20, $21, $22, $23, $24, $25, $26)",
            &[
                document_id.into(),
                (ordinal as i64).into(),
                f.kind.into(),
                (report.location.line as i64).into(),
                f.title.filter(|t| !t.is_empty()).into(),
                project_name.into(),
                link.as_ref().map(|l| l.0).into(),
                link.map(|l| l.1).or(unlinked).into(),
                f.org.filter(|o| !o.is_empty()).into(),
                f.department.filter(|d| !d.is_empty()).into(),
                year.into(),
                f.evaluated_on.filter(|d| !d.is_empty()).into(),
                sort_year.into(),
                f.unit.as_ref().and_then(name_of).into(),
                declared.into(),
                declared_fen.into(),
                adjusted.into(),
                adjusted_fen.into(),
                executed.into(),
                executed_fen.into(),
                plain(f.execution_rate).into(),
                plain(f.total_score).into(),
                f.grade.filter(|g| !g.is_empty()).into(),
                f.cells.map(|c| c.total as i64).into(),
                f.cells.map(|c| c.unmapped as i64).into(),
                record.into(),
            ],
        )?;
        self.children(document_id, id, form)?;
        Ok(id)
    }

    /// Names the project as a form of an earlier year than all its others
    /// prints it (later copies are the garbled ones), so that the name does
    /// not depend on the order documents were ingested in.
    fn name_after_earliest(
        &mut self,
        project: i64,
        name: &str,
        year: Option<i64>,
    ) -> Result<(), ArchiveError> {
        let Some(year) = year else {
            return Ok(());
        };
        let earliest = self.conn.query(
            "SELECT MIN(sort_year) FROM forms WHERE project_id = $1",
            &[project.into()],
        )?;
        let earliest = earliest.rows.first().and_then(|r| r[0].int());
        if earliest.is_none_or(|e| year < e) {
            self.conn.exec(
                "UPDATE projects SET name = $1 WHERE id = $2",
                &[name.into(), project.into()],
            )?;
        }
        Ok(())
    }

    /// The project a form is about: the unit's project with the same key,
    /// else the most similar long key (unless that project already has a
    /// form of this kind in this document), else a new project. Returns
    /// the project and the evidence of the link.
    fn link(
        &mut self,
        document_id: i64,
        kind: &str,
        name: &str,
        unit: &str,
    ) -> Result<(i64, String), ArchiveError> {
        let key = project::project_key(name);
        let unit = project::unit_key(unit);
        let same = self.conn.query(
            "SELECT id FROM projects WHERE unit = $1 AND key = $2",
            &[unit.clone().into(), key.clone().into()],
        )?;
        if let Some(id) = same.rows.first().and_then(|r| r[0].int()) {
            return Ok((
                id,
                format!("same unit, same name once year/stage marks and full-width forms are set aside («{key}»)"),
            ));
        }
        let candidates = self.conn.query(
            "SELECT id, key FROM projects WHERE unit = $1 ORDER BY id",
            &[unit.clone().into()],
        )?;
        let mut best: Option<(f64, i64, String)> = None;
        for row in &candidates.rows {
            let (Some(id), Some(other)) = (row[0].int(), row[1].text()) else {
                continue;
            };
            let Some(score) = project::similarity(&key, &other) else {
                continue;
            };
            // Names that differ in a number, an ordinal or a place are
            // different projects however alike they read.
            if project::distinct(&key, &other).is_some() {
                continue;
            }
            if score < project::SIMILAR || best.as_ref().is_some_and(|b| b.0 >= score) {
                continue;
            }
            let taken = self.conn.query(
                "SELECT 1 FROM forms WHERE project_id = $1 AND document_id = $2 AND kind = $3",
                &[id.into(), document_id.into(), kind.into()],
            )?;
            if taken.rows.is_empty() {
                best = Some((score, id, other));
            }
        }
        if let Some((score, id, other)) = best {
            return Ok((
                id,
                format!(
                    "same unit, name «{key}» similar to «{other}» ({score:.2}; at least {} needed)",
                    project::SIMILAR
                ),
            ));
        }
        let id = self.insert(
            "INSERT INTO projects (unit, key, name) VALUES ($1, $2, $3)",
            &[unit.into(), key.into(), name.into()],
        )?;
        Ok((id, "first seen here".to_string()))
    }

    fn children(
        &mut self,
        document_id: i64,
        form_id: i64,
        form: &Form,
    ) -> Result<(), ArchiveError> {
        let f = form_facts(form);
        let unit = f.unit;
        match form {
            Form::SelfEvaluation(s) => {
                self.funds_rows(form_id, &s.funds, unit)?;
                let rows = s
                    .indicators
                    .iter()
                    .map(|i| IndicatorRow {
                        kind: "indicator",
                        line: i.line,
                        level1: text(i.level1.as_deref()),
                        level2: text(i.level2.as_deref()),
                        name: text(i.name.as_deref()),
                        target: measure(i.target.as_ref()),
                        actual: measure(i.actual.as_ref()),
                        weight: plain(i.weight.as_ref()),
                        score: plain(i.score.as_ref()),
                        reason: text(i.deviation_reason.as_deref()),
                        period: i.period.as_deref(),
                    })
                    .collect();
                self.indicator_rows(form_id, rows)?;
            }
            Form::Declaration(d) => {
                let rows = d
                    .targets
                    .iter()
                    .map(|t| IndicatorRow {
                        kind: "target",
                        line: t.line,
                        level1: text(t.level1.as_deref()),
                        level2: text(t.level2.as_deref()),
                        name: text(t.name.as_deref()),
                        target: measure(t.value.as_ref()),
                        weight: plain(t.weight.as_ref()),
                        reason: text(t.remark.as_deref()),
                        period: t.period.as_deref(),
                        ..IndicatorRow::default()
                    })
                    .collect();
                self.indicator_rows(form_id, rows)?;
                self.area_targets(form_id, &d.targets)?;
                self.fund_sources(form_id, &d.sources, d.unit.or(unit))?;
                self.line_items(form_id, &d.line_items, unit)?;
            }
            Form::BudgetTable(t) => self.budget_rows(form_id, t)?,
            Form::Narrative(_) => {}
        }
        let rows = f
            .unmapped
            .iter()
            .map(|u| {
                vec![
                    document_id.into(),
                    form_id.into(),
                    (u.line as i64).into(),
                    (u.column as i64).into(),
                    u.text.as_str().into(),
                    u.reason.as_str().into(),
                ]
            })
            .collect();
        self.insert_rows(
            "unmapped",
            &["document_id", "form_id", "line", "col", "text", "reason"],
            rows,
        )
    }

    fn funds_rows(
        &mut self,
        form_id: i64,
        funds: &[jixiao_model::FundsRow],
        unit: Option<MoneyUnit>,
    ) -> Result<(), ArchiveError> {
        let rows = funds
            .iter()
            .map(|row| {
                let (initial, initial_fen) = money(row.initial_budget.as_ref(), unit);
                let (adjusted, adjusted_fen) = money(row.adjusted_budget.as_ref(), unit);
                let (executed, executed_fen) = money(row.executed.as_ref(), unit);
                vec![
                    form_id.into(),
                    name_of(&row.row).into(),
                    (row.line as i64).into(),
                    initial.into(),
                    initial_fen.into(),
                    adjusted.into(),
                    adjusted_fen.into(),
                    executed.into(),
                    executed_fen.into(),
                    plain(row.weight.as_ref()).into(),
                    plain(row.execution_rate.as_ref()).into(),
                    plain(row.score.as_ref()).into(),
                ]
            })
            .collect();
        self.insert_rows(
            "funds_rows",
            &[
                "form_id",
                "row_kind",
                "line",
                "initial_budget",
                "initial_budget_fen",
                "adjusted_budget",
                "adjusted_budget_fen",
                "executed",
                "executed_fen",
                "weight",
                "execution_rate",
                "score",
            ],
            rows,
        )
    }

    fn indicator_rows(
        &mut self,
        form_id: i64,
        rows: Vec<IndicatorRow>,
    ) -> Result<(), ArchiveError> {
        let rows = rows
            .into_iter()
            .enumerate()
            .map(|(ordinal, i)| {
                vec![
                    form_id.into(),
                    (ordinal as i64).into(),
                    i.kind.into(),
                    (i.line as i64).into(),
                    i.level1.into(),
                    i.level2.into(),
                    i.name.into(),
                    i.target.into(),
                    i.actual.into(),
                    i.weight.into(),
                    i.score.into(),
                    i.reason.into(),
                    i.period.into(),
                ]
            })
            .collect();
        self.insert_rows(
            "indicators",
            &[
                "form_id",
                "ordinal",
                "kind",
                "line",
                "level1",
                "level2",
                "name",
                "target",
                "actual",
                "weight",
                "score",
                "deviation_reason",
                "period",
            ],
            rows,
        )
    }

    /// A declaration's funds rows, one row per printed amount (a source
    /// that prints none is kept with no amount).
    fn fund_sources(
        &mut self,
        form_id: i64,
        sources: &[jixiao_model::FundSource],
        unit: Option<MoneyUnit>,
    ) -> Result<(), ArchiveError> {
        let mut rows = Vec::new();
        for (ordinal, s) in sources.iter().enumerate() {
            let head = |column: Option<&str>, amount: Option<&jixiao_model::Num>| {
                let (value, fen) = match amount {
                    Some(n) if n.percent => (plain(Some(n)), None),
                    _ => money(amount, unit),
                };
                vec![
                    form_id.into(),
                    (ordinal as i64).into(),
                    (s.line as i64).into(),
                    name_of(&s.row).into(),
                    s.label.as_str().into(),
                    s.block.clone().into(),
                    column.map(str::to_string).into(),
                    value.into(),
                    fen.into(),
                    amount.map(|n| n.raw.clone()).into(),
                ]
            };
            if s.amounts.is_empty() {
                rows.push(head(None, None));
            }
            for a in &s.amounts {
                rows.push(head(Some(&a.column), Some(&a.value)));
            }
        }
        self.insert_rows(
            "fund_sources",
            &[
                "form_id",
                "ordinal",
                "line",
                "row_kind",
                "label",
                "part",
                "column_key",
                "amount",
                "amount_fen",
                "printed",
            ],
            rows,
        )
    }

    /// The per-area targets of a declaration's indicators.
    fn area_targets(
        &mut self,
        form_id: i64,
        targets: &[jixiao_model::Target],
    ) -> Result<(), ArchiveError> {
        let rows = targets
            .iter()
            .enumerate()
            .flat_map(|(ordinal, t)| {
                t.by_area.iter().map(move |a| {
                    vec![
                        form_id.into(),
                        (ordinal as i64).into(),
                        a.area.as_str().into(),
                        a.value.text.as_str().into(),
                    ]
                })
            })
            .collect();
        self.insert_rows(
            "area_targets",
            &["form_id", "indicator_ordinal", "area", "target"],
            rows,
        )
    }

    fn line_items(
        &mut self,
        form_id: i64,
        items: &[jixiao_model::LineItem],
        unit: Option<MoneyUnit>,
    ) -> Result<(), ArchiveError> {
        let rows = items
            .iter()
            .enumerate()
            .map(|(ordinal, item)| {
                let (amount, amount_fen) = money(item.amount.as_ref(), unit);
                vec![
                    form_id.into(),
                    (ordinal as i64).into(),
                    (item.line as i64).into(),
                    text(item.project.as_deref()).into(),
                    text(item.content.as_deref()).into(),
                    text(item.detail.as_deref()).into(),
                    amount.into(),
                    amount_fen.into(),
                    plain(item.unit_price.as_ref()).into(),
                    plain(item.quantity.as_ref()).into(),
                    text(item.remark.as_deref()).into(),
                ]
            })
            .collect();
        self.insert_rows(
            "line_items",
            &[
                "form_id",
                "ordinal",
                "line",
                "project",
                "content",
                "detail",
                "amount",
                "amount_fen",
                "unit_price",
                "quantity",
                "remark",
            ],
            rows,
        )
    }

    fn budget_rows(
        &mut self,
        form_id: i64,
        t: &jixiao_model::BudgetTable,
    ) -> Result<(), ArchiveError> {
        let mut amounts = Vec::new();
        for (ordinal, row) in t.rows.iter().enumerate() {
            // Each row's id is needed for its amounts: one insert a row.
            let row_id = self.insert(
                "INSERT INTO budget_rows (form_id, ordinal, line, side, code, name, is_total) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    form_id.into(),
                    (ordinal as i64).into(),
                    (row.line as i64).into(),
                    row.side.as_ref().and_then(name_of).into(),
                    text(row.code.as_deref()).into(),
                    text(row.name.as_deref()).into(),
                    i64::from(row.total).into(),
                ],
            )?;
            for (k, amount) in row.amounts.iter().enumerate() {
                let Some(amount) = amount else { continue };
                let (value, fen) = money(Some(amount), t.unit);
                let path = t.columns.get(k).map(|c| c.path.clone()).unwrap_or_default();
                amounts.push(vec![row_id.into(), path.into(), value.into(), fen.into()]);
            }
        }
        self.insert_rows(
            "budget_amounts",
            &["budget_row_id", "column_path", "amount", "amount_fen"],
            amounts,
        )
    }
}

/// One row of `indicators`: a self-evaluation's indicator or a
/// declaration's target.
#[derive(Default)]
struct IndicatorRow<'a> {
    kind: &'static str,
    line: usize,
    level1: Option<&'a str>,
    level2: Option<&'a str>,
    name: Option<&'a str>,
    target: Option<String>,
    actual: Option<String>,
    weight: Option<String>,
    score: Option<String>,
    reason: Option<&'a str>,
    period: Option<&'a str>,
}

/// Inserts rows into `table`, many to a statement (one round trip for
/// hundreds of rows on PostgreSQL), under either backend's limit on
/// parameters.
fn insert_rows(
    conn: &mut dyn Conn,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Val>>,
) -> Result<(), ArchiveError> {
    let per_chunk = (30_000 / columns.len()).max(1);
    for chunk in rows.chunks(per_chunk) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (k, row) in chunk.iter().enumerate() {
            debug_assert_eq!(row.len(), columns.len());
            sql.push_str(if k == 0 { "(" } else { ", (" });
            for c in 0..columns.len() {
                n += 1;
                sql.push_str(&format!("{}${n}", if c == 0 { "" } else { ", " }));
            }
            sql.push(')');
        }
        let params: Vec<Val> = chunk.iter().flatten().cloned().collect();
        conn.exec(&sql, &params)?;
    }
    Ok(())
}

/// One row of `cell_boxes`: where a PDF prints a cell (points, rounded to
/// 0.01, as decimal text).
struct CellRow {
    line: i64,
    page: i64,
    col: i64,
    bbox: [String; 4],
}

fn insert_cell_boxes(
    conn: &mut dyn Conn,
    document_id: i64,
    boxes: Vec<CellRow>,
) -> Result<(), ArchiveError> {
    let rows = boxes
        .into_iter()
        .map(|b| {
            let [x0, y0, x1, y1] = b.bbox;
            vec![
                document_id.into(),
                b.line.into(),
                b.page.into(),
                b.col.into(),
                x0.into(),
                y0.into(),
                x1.into(),
                y1.into(),
            ]
        })
        .collect();
    insert_rows(
        conn,
        "cell_boxes",
        &["document_id", "line", "page", "col", "x0", "y0", "x1", "y1"],
        rows,
    )
}

/// A coordinate in points rounded to 0.01, as the shortest decimal text
/// (`31.18`, `595`, `12.5`).
fn point(v: f64) -> String {
    let hundredths = (v * 100.0).round() as i64;
    let d = Decimal::new(hundredths, 2).normalize();
    if d.is_zero() {
        "0".to_string()
    } else {
        d.to_string()
    }
}

/// A text as a spreadsheet cell holds it: whole when it fits
/// [`CSV_CELL_LIMIT`], else cut there, ending with a marker that says how
/// long it is and where it is whole.
pub fn fit_cell(text: &str) -> String {
    let units = text.encode_utf16().count();
    if units <= CSV_CELL_LIMIT {
        return text.to_string();
    }
    let marker = format!(
        " … [cut: {} characters in all; the whole text is in the JSON report]",
        text.chars().count()
    );
    let room = CSV_CELL_LIMIT - marker.encode_utf16().count();
    let mut used = 0;
    let mut out = String::new();
    for ch in text.chars() {
        used += ch.len_utf16();
        if used > room {
            break;
        }
        out.push(ch);
    }
    out + &marker
}

/// A value stored as its JSON text (repairs).
trait ErasedJson {
    fn to_json(&self) -> String;
}

impl<T: serde::Serialize> ErasedJson for T {
    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

fn most_common<T: std::hash::Hash + Eq + Clone>(items: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: Vec<(T, usize)> = Vec::new();
    let mut index: HashMap<T, usize> = HashMap::new();
    for item in items {
        match index.get(&item) {
            Some(&k) => counts[k].1 += 1,
            None => {
                index.insert(item.clone(), counts.len());
                counts.push((item, 1));
            }
        }
    }
    // The most frequent; of equals, the first seen.
    let best = counts.iter().map(|c| c.1).max()?;
    counts.into_iter().find(|c| c.1 == best).map(|c| c.0)
}

/// The unit a document is from: the name its forms print most often as
/// 实施单位 or 预算单位 (glyphs garbled in some copies do not outvote the
/// clean ones), or the 预算单位 its prose names.
fn document_unit(forms: &[&Form]) -> Option<String> {
    let named = forms
        .iter()
        .flat_map(|f| unit_names(f))
        .map(project::unit_key)
        .filter(|n| !n.is_empty());
    most_common(named)
}

/// What a document is, from its forms.
fn document_kind(forms: &[&Form], failed: bool) -> &'static str {
    let has = |k: &str| forms.iter().any(|f| form_facts(f).kind == k);
    if forms.is_empty() {
        if failed {
            "unreadable"
        } else {
            "empty"
        }
    } else if has("budget_table") || has("narrative") {
        "budget_disclosure"
    } else if has("declaration") && has("self_evaluation") {
        "mixed"
    } else if has("declaration") {
        "declarations"
    } else {
        "self_evaluations"
    }
}

/// A file path as the path of a `file:` URI (`%`, `?` and `#` escaped).
fn uri_path(path: &str) -> String {
    path.replace('%', "%25")
        .replace('?', "%3f")
        .replace('#', "%23")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_are_rounded_to_hundredths_of_a_point() {
        assert_eq!(point(31.18000030517578), "31.18");
        assert_eq!(point(595.0), "595");
        assert_eq!(point(12.4999), "12.5");
        assert_eq!(point(-0.001), "0");
        assert_eq!(point(-3.456), "-3.46");
    }

    #[test]
    fn a_cell_is_cut_to_what_a_spreadsheet_holds() {
        let short = "执行率".repeat(100);
        assert_eq!(fit_cell(&short), short);
        let exact = "a".repeat(CSV_CELL_LIMIT);
        assert_eq!(fit_cell(&exact), exact);
        // Characters beyond the basic plane take two UTF-16 units, as a
        // spreadsheet counts them.
        let wide = "𠀀".repeat(20_000);
        let cut = fit_cell(&wide);
        assert!(cut.encode_utf16().count() <= CSV_CELL_LIMIT);
        assert!(cut.encode_utf16().count() > CSV_CELL_LIMIT - 2);
        assert!(
            cut.ends_with("[cut: 20000 characters in all; the whole text is in the JSON report]")
        );
        assert!(wide.starts_with(cut.split(" … ").next().unwrap()));
    }

    #[test]
    fn the_most_frequent_unit_name_wins() {
        let doc = jixiao_extract::read_document(
            "财政项目支出绩效自评表\n(2023 年度)\n项目名称\t甲\n主管部门\t某局\t实施单位\t上海事市闵行区教育学院\n\
             财政项目支出绩效自评表\n(2023 年度)\n项目名称\t乙\n主管部门\t某局\t实施单位\t上海市闵行区教育学院\n\
             财政项目支出绩效自评表\n(2023 年度)\n项目名称\t丙\n主管部门\t某局\t实施单位\t上海市 闵行区教育学院\n",
        );
        let forms: Vec<&Form> = doc.forms.iter().collect();
        assert_eq!(forms.len(), 3);
        assert_eq!(
            document_unit(&forms).as_deref(),
            Some("上海市闵行区教育学院")
        );
    }
}
