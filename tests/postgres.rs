//! The archive on PostgreSQL, the backend for an archive several people
//! share: the same ingest and idempotency tests as on SQLite, the same rows
//! as SQLite for the same input, two writers at once, a writer killed
//! mid-ingest, and the README's example queries giving SQLite's answers.
//!
//! `.ci/run` starts a throwaway server (`.ci/postgres.sh`) and sets
//! `JIXIAO_TEST_POSTGRES` (a `postgresql://` URL without a database) and
//! `JIXIAO_REQUIRE_POSTGRES=1`. Elsewhere, without a server, these tests
//! say on stderr that they did not run; to run them on a machine with
//! Debian's postgresql package:
//! `bash -c 'source .ci/postgres.sh && cargo test --test postgres'`.

mod common;

use common::{counts, ingest, jixiao, readme_examples};
use std::collections::HashMap;

/// A new, empty database on the test server, as a URL; `None` when no
/// server is configured (and none is required).
fn fresh_database(name: &str) -> Option<String> {
    let Ok(base) = std::env::var("JIXIAO_TEST_POSTGRES") else {
        assert!(
            std::env::var("JIXIAO_REQUIRE_POSTGRES").is_err(),
            "JIXIAO_REQUIRE_POSTGRES is set but JIXIAO_TEST_POSTGRES is not"
        );
        eprintln!(
            "PostgreSQL tests not run: JIXIAO_TEST_POSTGRES is not set (see tests/postgres.rs)"
        );
        return None;
    };
    let database = format!("jixiao_{}_{name}", std::process::id());
    let mut admin = postgres::Client::connect(&format!("{base}/postgres"), postgres::NoTls)
        .expect("the test server answers");
    // Each statement on its own: a multi-statement batch is one transaction.
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {database}"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {database}"))
        .unwrap();
    Some(format!("{base}/{database}"))
}

fn sqlite(name: &str) -> String {
    let path = std::env::temp_dir().join(format!("jixiao-pg-{}-{name}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path.to_str().unwrap().to_string()
}

const ALL: [&str; 2] = ["corpus", "fixtures/pdf"];

#[test]
fn postgres_ingest_is_idempotent_and_stores_what_sqlite_stores() {
    let Some(db) = fresh_database("twice") else {
        return;
    };
    let (code, first) = ingest(&db, &ALL);
    assert_eq!(code, Some(1), "the bad PDFs are stored with their errors");
    assert_eq!(
        first.lines().filter(|l| l.starts_with("added")).count(),
        common::input_count()
    );
    let once = counts(&db);
    let (_, second) = ingest(&db, &ALL);
    assert!(
        second.lines().all(|l| l.starts_with("unchanged")),
        "{second}"
    );
    assert_eq!(counts(&db), once);
    let lite = sqlite("twice");
    ingest(&lite, &ALL);
    assert_eq!(
        counts(&lite),
        once,
        "PostgreSQL and SQLite store the same rows"
    );
}

#[test]
fn postgres_replaces_a_newer_extraction() {
    let Some(db) = fresh_database("replace") else {
        return;
    };
    common::assert_newer_extraction_replaces(&db);
}

#[test]
fn two_writers_at_once_store_each_document_once() {
    let Some(db) = fresh_database("writers") else {
        return;
    };
    let spawn = || {
        jixiao()
            .args(["archive", "ingest", "--db", &db])
            .args(common::DEPTH)
            .args(ALL)
            .output()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
    });
    for out in [&a, &b] {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.lines().any(|l| l.starts_with("failed")), "{text}");
    }
    let added = |o: &std::process::Output| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| l.starts_with("added"))
            .count()
    };
    assert_eq!(
        added(&a) + added(&b),
        common::input_count(),
        "each document added by one writer"
    );
    let lite = sqlite("writers");
    ingest(&lite, &ALL);
    let pg: HashMap<_, _> = counts(&db).into_iter().collect();
    let reference: HashMap<_, _> = counts(&lite).into_iter().collect();
    // Projects may be linked in another order, never twice.
    assert_eq!(pg["documents"], reference["documents"]);
    assert_eq!(pg["forms"], reference["forms"]);
    assert_eq!(pg["indicators"], reference["indicators"]);
    assert_eq!(pg["findings"], reference["findings"]);
}

#[test]
fn a_writer_killed_mid_ingest_leaves_postgres_consistent() {
    let Some(db) = fresh_database("kill") else {
        return;
    };
    let lite = sqlite("kill");
    ingest(&lite, &ALL);
    let expected = counts(&lite);
    let mut child = jixiao()
        .args(["archive", "ingest", "--db", &db])
        .args(common::DEPTH)
        .args(ALL)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let committed = || {
        jixiao_archive::Archive::open(&db)
            .ok()
            .and_then(|mut a| a.counts().ok())
            .map(|c| c[0].1)
            .unwrap_or(0)
    };
    let started = std::time::Instant::now();
    while committed() < 4
        && child.try_wait().unwrap().is_none()
        && started.elapsed() < std::time::Duration::from_secs(120)
    {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let mut archive = jixiao_archive::Archive::open(&db).unwrap();
    let partial = archive
        .query(
            "SELECT COUNT(*) AS partial FROM documents d WHERE d.form_count <> \
             (SELECT COUNT(*) FROM forms f WHERE f.document_id = d.id) \
             OR d.finding_count <> (SELECT COUNT(*) FROM findings f WHERE f.document_id = d.id)",
        )
        .unwrap();
    assert_eq!(
        partial.rows[0][0].int(),
        Some(0),
        "a document is stored in part"
    );
    ingest(&db, &ALL);
    assert_eq!(counts(&db), expected);
}

#[test]
fn the_readme_example_queries_give_sqlites_answers_on_postgres() {
    let Some(db) = fresh_database("readme") else {
        return;
    };
    let lite = sqlite("readme");
    ingest(&db, &["corpus"]);
    ingest(&lite, &["corpus"]);
    let mut pg = jixiao_archive::Archive::open(&db).unwrap();
    let mut sq = jixiao_archive::Archive::open(&lite).unwrap();
    let examples = readme_examples();
    assert_eq!(examples.len(), 5);
    for (name, sql) in examples {
        let a = pg.query(&sql).unwrap_or_else(|e| panic!("{name}: {e}"));
        let b = sq.query(&sql).unwrap();
        assert!(!a.rows.is_empty(), "{name}");
        assert_eq!(a.to_text(), b.to_text(), "{name}");
    }
}

/// What the server or the connection said reaches the user: a database
/// that does not exist, a statement refused in the read-only query, a host
/// that does not answer.
#[test]
fn postgres_errors_say_what_the_server_said() {
    let Some(db) = fresh_database("errors") else {
        return;
    };
    let (code, out) = ingest(&db, &["corpus/002_bc93ede7711070ab.txt"]);
    assert_eq!(code, Some(0), "{out}");
    let stderr = |args: &[&str]| {
        let out = jixiao().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let base = std::env::var("JIXIAO_TEST_POSTGRES").unwrap();
    let missing = format!("{base}/jixiao_no_such_database");
    let said = stderr(&["archive", "counts", "--db", &missing]);
    assert!(
        said.contains("database \"jixiao_no_such_database\" does not exist"),
        "{said}"
    );
    let said = stderr(&["archive", "query", "--db", &db, "DELETE FROM documents"]);
    assert!(said.contains("read-only transaction"), "{said}");
    assert_eq!(
        counts(&db)
            .iter()
            .find(|(t, _)| *t == "documents")
            .unwrap()
            .1,
        1
    );
    let said = stderr(&[
        "archive",
        "counts",
        "--db",
        "postgresql://jixiao@127.0.0.1:1/x",
    ]);
    assert!(said.contains("refused"), "{said}");
}

/// An archive of schema version 4 on PostgreSQL (geometry as JSON in
/// `documents.geometry`, findings without source, project, kind or page)
/// is migrated as on SQLite: the boxes become rows of `cell_boxes`, the
/// findings get their columns, and the rows are what a fresh ingest writes.
#[test]
fn postgres_migrates_an_archive_of_version_4() {
    let Some(db) = fresh_database("migrate") else {
        return;
    };
    let pdf = "fixtures/pdf/003_forms.pdf";
    let (code, out) = ingest(&db, &["corpus/002_bc93ede7711070ab.txt", pdf]);
    assert_eq!(code, Some(0), "{out}");
    let mut client = postgres::Client::connect(&db, postgres::NoTls).unwrap();
    let select = |client: &mut postgres::Client| -> (Vec<String>, Vec<String>) {
        let findings = client
            .query(
                "SELECT concat_ws('|', source, project, form_kind, page, line, col, check_id) \
                 FROM findings ORDER BY id",
                &[],
            )
            .unwrap();
        let boxes = client
            .query(
                "SELECT concat_ws('|', document_id, line, page, col, x0, y0, x1, y1) \
                 FROM cell_boxes ORDER BY id",
                &[],
            )
            .unwrap();
        let text = |rows: Vec<postgres::Row>| rows.iter().map(|r| r.get(0)).collect();
        (text(findings), text(boxes))
    };
    let (findings, boxes) = select(&mut client);
    assert!(findings
        .iter()
        .any(|f| f.starts_with(pdf) && f.contains("|1|")));
    let report = common::report_of(pdf);
    let cells: usize = report.geometry.iter().map(|g| g.cells.len()).sum();
    assert_eq!(boxes.len(), cells);
    let geometry = serde_json::to_string(&report.geometry).unwrap();
    client
        .batch_execute(
            "DROP VIEW findings_by_unit_year; DROP VIEW execution_rates; \
             DROP VIEW projects_with_errors; DROP VIEW project_years; DROP VIEW publications; \
             DROP TABLE cell_boxes; ALTER TABLE documents ADD COLUMN geometry TEXT; \
             ALTER TABLE findings DROP COLUMN source; ALTER TABLE findings DROP COLUMN project; \
             ALTER TABLE findings DROP COLUMN form_kind; ALTER TABLE findings DROP COLUMN page; \
             UPDATE meta SET value = '4' WHERE key = 'schema_version'",
        )
        .unwrap();
    client
        .execute(
            "UPDATE documents SET geometry = $1 WHERE source = $2",
            &[&geometry, &pdf],
        )
        .unwrap();
    drop(client);
    // Opening it to write migrates it; the same bytes change nothing.
    let (code, out) = ingest(&db, &[pdf]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("unchanged"), "{out}");
    let mut client = postgres::Client::connect(&db, postgres::NoTls).unwrap();
    let version: String = client
        .query_one("SELECT value FROM meta WHERE key = 'schema_version'", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, jixiao_archive::SCHEMA_VERSION);
    assert_eq!(select(&mut client), (findings, boxes));
    let left: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.columns \
             WHERE table_name = 'documents' AND column_name = 'geometry'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
    // The views were made again.
    assert!(!client
        .query("SELECT * FROM findings_by_unit_year", &[])
        .unwrap()
        .is_empty());
}
