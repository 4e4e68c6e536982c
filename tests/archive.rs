//! The archive end to end: ingesting is idempotent, a newer extraction
//! replaces a document's rows, a process killed mid-ingest leaves the
//! archive consistent, projects are linked across years, and the README's
//! example queries run (their output is snapshot-tested).

mod common;

use common::{jixiao, readme_examples};
use jixiao_archive::Archive;
use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-archive-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("archive.sqlite")
}

fn ingest(db: &Path, paths: &[&str]) -> (Option<i32>, String) {
    common::ingest(db.to_str().unwrap(), paths)
}

fn counts(db: &Path) -> Vec<(&'static str, i64)> {
    common::counts(db.to_str().unwrap())
}

#[test]
fn ingesting_everything_twice_gives_the_same_rows() {
    let db = scratch("twice");
    let (code, first) = ingest(&db, &["corpus", "fixtures/pdf"]);
    // The bad PDFs are stored with their errors, and make the exit status 1.
    assert_eq!(code, Some(1), "{first}");
    assert_eq!(
        first.lines().filter(|l| l.starts_with("added")).count(),
        common::input_count()
    );
    // As many as `check` reports failed.
    let check = jixiao()
        .args(["check", "corpus", "fixtures/pdf"])
        .args(common::DEPTH)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let failed = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| !d["errors"].as_array().unwrap().is_empty())
        .count();
    assert_eq!(failed, 9, "the nine bad PDFs of fixtures/pdf");
    assert_eq!(
        first.lines().filter(|l| l.contains("unreadable")).count(),
        failed
    );
    let once = counts(&db);
    let (_, second) = ingest(&db, &["corpus", "fixtures/pdf"]);
    assert!(
        second.lines().all(|l| l.starts_with("unchanged")),
        "{second}"
    );
    assert_eq!(counts(&db), once);
    let rows: std::collections::HashMap<_, _> = once.into_iter().collect();
    assert_eq!(rows["documents"] as usize, common::input_count());
    assert!(rows["forms"] > 180 && rows["indicators"] > 1000, "{rows:?}");
    // A PDF keeps where its rows and cells were, and what was repaired.
    let mut archive = Archive::open(db.to_str().unwrap()).unwrap();
    let pdf = archive
        .query(
            "SELECT c.page, c.x0, d.repairs FROM cell_boxes c JOIN documents d \
             ON d.id = c.document_id WHERE d.source = 'fixtures/pdf/xref_lost.pdf' \
             ORDER BY c.line, c.col",
        )
        .unwrap();
    assert_eq!(pdf.rows[0][0].int(), Some(1));
    assert!(pdf.rows[0][1].text().unwrap().parse::<f64>().is_ok());
    assert!(pdf.rows[0][2].text().unwrap().contains("rebuilt"));
    // The same bytes under another name are the same document.
    let copy = db.with_file_name("copy.txt");
    std::fs::copy("corpus/002_bc93ede7711070ab.txt", &copy).unwrap();
    let (_, third) = ingest(&db, &[copy.to_str().unwrap()]);
    assert!(third.starts_with("unchanged"), "{third}");
}

#[test]
fn a_newer_extraction_replaces_the_rows_of_the_same_bytes() {
    let db = scratch("replace");
    common::assert_newer_extraction_replaces(db.to_str().unwrap());
}

/// Every document in the archive is whole: its forms and findings are all
/// there, the database is intact and no row points nowhere.
fn assert_consistent(db: &Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let dangling: i64 = c
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(dangling, 0);
    let partial: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM documents d WHERE d.form_count <> \
             (SELECT COUNT(*) FROM forms f WHERE f.document_id = d.id) \
             OR d.finding_count <> (SELECT COUNT(*) FROM findings f WHERE f.document_id = d.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(partial, 0, "a document is stored in part");
}

/// Documents committed so far, read beside the running ingest (WAL lets a
/// reader in while the writer works); `None` until the archive exists.
fn committed(db: &Path) -> Option<i64> {
    let c = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .ok()?;
    c.query_row("SELECT COUNT(*) FROM documents", [], |r| r.get(0))
        .ok()
}

#[test]
fn a_process_killed_mid_ingest_leaves_a_consistent_archive() {
    let clean = scratch("kill-clean");
    ingest(&clean, &["corpus", "fixtures/pdf"]);
    let expected = counts(&clean);
    let total = expected[0].1;
    let mut partial = 0;
    // Kill as soon as this many documents are committed: the next one is
    // being read or written.
    for after in [1, 4, 10, 20, 30] {
        let db = scratch(&format!("kill-{after}"));
        let mut child = jixiao()
            .args(["archive", "ingest", "--db", db.to_str().unwrap()])
            .args(common::DEPTH)
            .args(["corpus", "fixtures/pdf"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while committed(&db).unwrap_or(0) < after
            && child.try_wait().unwrap().is_none()
            && started.elapsed() < std::time::Duration::from_secs(120)
        {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        // SIGKILL: no destructor, no rollback, no flush.
        child.kill().unwrap();
        child.wait().unwrap();
        let left = committed(&db).unwrap_or(0);
        if left < total {
            partial += 1;
            assert_consistent(&db);
        }
        ingest(&db, &["corpus", "fixtures/pdf"]);
        assert_consistent(&db);
        assert_eq!(counts(&db), expected, "after a kill at {left} documents");
    }
    assert!(partial > 0, "no kill landed while the ingest was running");
}

fn corpus_archive(name: &str) -> PathBuf {
    let db = scratch(name);
    let (code, out) = ingest(&db, &["corpus"]);
    assert_eq!(code, Some(0), "{out}");
    db
}

#[test]
fn history_follows_projects_across_years() {
    let db = corpus_archive("history");
    let run = |name: &str| {
        let out = jixiao()
            .args(["archive", "history", name, "--db", db.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}");
        String::from_utf8(out.stdout).unwrap()
    };
    let books = run("电子书包项目第五阶段");
    // Declared in 2020, evaluated in 2021 in the older layout.
    assert!(
        books.contains("2020  申报 当年预算 4177600 元 (= 417.76 万元)"),
        "{books}"
    );
    assert!(books.contains("? (evaluated 2021-06-16)  自评"), "{books}");
    let recording = run("云录播的课堂");
    // The 2024 form prints 课堂数学评价 for 课堂教学评价: linked by similarity.
    assert!(recording.contains("similar to"), "{recording}");
    assert!(
        recording.contains("2020  申报 当年预算 371300 元"),
        "{recording}"
    );
    assert!(
        recording.contains("2024  自评 全年预算数 13.00 万元"),
        "{recording}"
    );
    // 2023 and 2024 self-evaluations of one project, the second named
    // 转型实践项目(第二年).
    let pens = run("智慧纸笔");
    assert!(
        pens.contains("2023  自评") && pens.contains("2024  自评"),
        "{pens}"
    );
    let training = run("教师培训");
    assert!(training.contains("2020  申报") && training.contains("2024  自评"));
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("archive_history", format!("{books}\n{recording}\n{training}"));
    });
    // The same as JSON, for scripts: amounts as printed and in fen.
    let out = jixiao()
        .args([
            "archive",
            "history",
            "教师培训",
            "--json",
            "--db",
            db.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entries = json[0]["entries"].as_array().unwrap();
    assert_eq!(entries[0]["year"], 2020);
    assert_eq!(entries[0]["declared_budget"]["fen"], 237_000_000);
    assert_eq!(entries[1]["executed"]["printed"], "292.20");
    assert_eq!(entries[1]["findings"][0]["check"], "funds.rate");
    // A name nobody printed is an error, not an empty success.
    let none = jixiao()
        .args([
            "archive",
            "history",
            "不存在的项目",
            "--db",
            db.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(1));
}

#[test]
fn the_readme_example_queries_run_and_match_their_snapshots() {
    let db = corpus_archive("readme");
    let mut archive = Archive::open(db.to_str().unwrap()).unwrap();
    let examples = readme_examples();
    assert_eq!(examples.len(), 5);
    for (name, sql) in examples {
        let table = archive
            .query(&sql)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!table.rows.is_empty(), "{name} gives no rows on the corpus");
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("archive_{name}"), table.to_text());
        });
    }
}

/// A project is named as its earliest form prints it, whatever order the
/// documents come in (the later copies are the garbled ones).
#[test]
fn project_names_do_not_depend_on_ingest_order() {
    let names = |order: [&str; 2], name: &str| {
        let db = scratch(name);
        for file in order {
            ingest(&db, &[file]);
        }
        let mut archive = Archive::open(db.to_str().unwrap()).unwrap();
        let t = archive
            .query("SELECT name FROM projects ORDER BY name")
            .unwrap();
        t.rows.iter().map(|r| r[0].shown()).collect::<Vec<_>>()
    };
    let (a, b) = (
        "corpus/000_c6e6c36143672e6e.txt",
        "corpus/001_c2baf747aff8c518.txt",
    );
    let forward = names([a, b], "order-ab");
    assert_eq!(forward, names([b, a], "order-ba"));
    assert!(forward.contains(
        &"基于云录播的课堂教学评价系统(整体解决方案购买34所)区级平台(2020运维)".to_string()
    ));
}

/// `archive query` gives the same rows as aligned text, CSV (for
/// spreadsheets, with an optional BOM) and JSON.
#[test]
fn a_query_prints_as_a_table_csv_or_json() {
    let db = corpus_archive("query-formats");
    let sql = "SELECT project, year, execution_rate FROM execution_rates ORDER BY project";
    let run = |extra: &[&str]| {
        let out = jixiao()
            .args(["archive", "query", sql, "--db", db.to_str().unwrap()])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let table = run(&[]);
    let rows = table.lines().count() - 2;
    assert!(rows > 10, "{table}");
    let csv = run(&["--format", "csv", "--bom"]);
    let body = csv.strip_prefix('\u{feff}').expect("a BOM");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["project", "year", "execution_rate"]
    );
    assert_eq!(reader.records().count(), rows);
    let json: serde_json::Value = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), rows);
    assert!(list[0]["year"].is_i64() && list[0]["execution_rate"].is_string());
}

/// An archive written with another schema version is refused with a clear
/// message, not read half-understood.
#[test]
fn an_archive_of_another_schema_version_is_refused() {
    let db = scratch("version");
    drop(Archive::open(db.to_str().unwrap()).unwrap());
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute(
        "UPDATE meta SET value = '0' WHERE key = 'schema_version'",
        [],
    )
    .unwrap();
    drop(c);
    let message = match Archive::open(db.to_str().unwrap()) {
        Ok(_) => panic!("opened"),
        Err(e) => e.to_string(),
    };
    assert!(message.contains("schema version 0"), "{message}");
    assert!(
        message.contains(jixiao_archive::SCHEMA_VERSION),
        "{message}"
    );
}

/// Two people ingesting into one SQLite file at once: writers take turns
/// (each document's transaction takes the write lock), every document is
/// stored once, and nothing fails.
#[test]
fn two_writers_at_once_share_a_sqlite_archive() {
    let db = scratch("writers");
    let db_text = db.to_str().unwrap().to_string();
    let spawn = || {
        jixiao()
            .args([
                "archive",
                "ingest",
                "--db",
                &db_text,
                "--max-depth",
                "1",
                "corpus",
                "fixtures/pdf",
            ])
            .output()
            .unwrap()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().unwrap(), b.join().unwrap())
    });
    let added = |o: &std::process::Output| {
        let text = String::from_utf8_lossy(&o.stdout).to_string();
        assert!(!text.lines().any(|l| l.starts_with("failed")), "{text}");
        text.lines().filter(|l| l.starts_with("added")).count()
    };
    assert_eq!(added(&a) + added(&b), common::input_count());
    let clean = scratch("writers-clean");
    ingest(&clean, &["corpus", "fixtures/pdf"]);
    let (x, y): (
        std::collections::HashMap<_, _>,
        std::collections::HashMap<_, _>,
    ) = (
        counts(&db).into_iter().collect(),
        counts(&clean).into_iter().collect(),
    );
    for table in ["documents", "forms", "indicators", "findings", "unmapped"] {
        assert_eq!(x[table], y[table], "{table}");
    }
}

/// A path that cannot be read at all is reported and not stored; two empty
/// files under different names are one (unreadable) document.
#[test]
fn missing_files_are_not_documents_and_names_do_not_count() {
    let db = scratch("missing");
    let dir = db.parent().unwrap();
    let (a, b) = (dir.join("a.txt"), dir.join("b.txt"));
    std::fs::write(&a, "").unwrap();
    std::fs::write(&b, "").unwrap();
    let missing = dir.join("nowhere.txt");
    let (code, out) = ingest(
        &db,
        &[
            missing.to_str().unwrap(),
            a.to_str().unwrap(),
            b.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(1));
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("failed") && lines[0].contains("nowhere.txt"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("added") && lines[1].contains("unreadable"),
        "{out}"
    );
    assert!(lines[2].starts_with("unchanged"), "{out}");
    let rows: std::collections::HashMap<_, _> = counts(&db).into_iter().collect();
    assert_eq!(rows["documents"], 1);
}

/// An archive of an earlier schema version (2, before declarations of
/// other provinces had fund sources and per-area targets, and before a
/// PDF's cell boxes had their own table) is migrated when opened: its rows
/// stay, the new tables and columns appear, the geometry kept as JSON
/// becomes rows of `cell_boxes`, the findings already stored get their
/// source, project, kind and page, and the new fields of a declaration are
/// stored.
#[test]
fn an_archive_of_the_previous_schema_version_is_migrated() {
    let db = scratch("migrate");
    let pdf = "fixtures/pdf/003_forms.pdf";
    let (code, out) = ingest(&db, &["corpus/002_bc93ede7711070ab.txt", pdf]);
    assert_eq!(code, Some(0), "{out}");
    // The geometry as version 4 stored it: the report's, as JSON.
    let report = common::report_of(pdf);
    let geometry = serde_json::to_string(&report.geometry).unwrap();
    let cells: usize = report.geometry.iter().map(|g| g.cells.len()).sum();
    assert!(cells > 100, "{cells}");
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch(
        "DROP VIEW findings_by_unit_year; DROP VIEW execution_rates; \
         DROP VIEW projects_with_errors; DROP VIEW project_years; DROP VIEW publications; \
         DROP INDEX documents_content; ALTER TABLE documents DROP COLUMN content_sha256; \
         DROP TABLE fund_sources; DROP TABLE area_targets; \
         ALTER TABLE indicators DROP COLUMN period; \
         DROP TABLE cell_boxes; ALTER TABLE documents ADD COLUMN geometry TEXT; \
         ALTER TABLE findings DROP COLUMN source; ALTER TABLE findings DROP COLUMN project; \
         ALTER TABLE findings DROP COLUMN form_kind; ALTER TABLE findings DROP COLUMN page; \
         UPDATE meta SET value = '2' WHERE key = 'schema_version';",
    )
    .unwrap();
    c.execute(
        "UPDATE documents SET geometry = ?1 WHERE source = ?2",
        [geometry.as_str(), pdf],
    )
    .unwrap();
    let before: i64 = c
        .query_row("SELECT count(*) FROM indicators", [], |r| r.get(0))
        .unwrap();
    let findings_before: i64 = c
        .query_row("SELECT count(*) FROM findings", [], |r| r.get(0))
        .unwrap();
    drop(c);
    let (code, out) = ingest(&db, &["corpus/provinces/fujian_decl-transfer_02.txt"]);
    assert_eq!(code, Some(0), "{out}");
    let c = rusqlite::Connection::open(&db).unwrap();
    let one = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    let version: String = c
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(version, jixiao_archive::SCHEMA_VERSION);
    // The old rows are there, the declaration's new ones beside them.
    assert!(one("SELECT count(*) FROM indicators") > before);
    // 资金总额 30, 其中:财政拨款 30, 其他资金 (no amount).
    assert_eq!(one("SELECT count(*) FROM fund_sources"), 3);
    assert_eq!(
        one("SELECT amount_fen FROM fund_sources WHERE row_kind = 'total'"),
        30 * 10_000 * 100
    );
    // Two indicators with a target for each of seven areas.
    assert_eq!(one("SELECT count(*) FROM area_targets"), 14);
    assert_eq!(
        one("SELECT count(*) FROM area_targets WHERE area = '上杭县' AND target = '1'"),
        1
    );
    // The PDF's geometry moved into cell_boxes, a row per cell, boxes
    // rounded to 0.01; the JSON column is gone.
    assert_eq!(one("SELECT count(*) FROM cell_boxes"), cells as i64);
    let first = &report.geometry[0];
    let (line, page, col, x0): (i64, i64, i64, String) = c
        .query_row(
            "SELECT line, page, col, x0 FROM cell_boxes ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (line, page, col),
        (
            first.line as i64,
            i64::from(first.page),
            first.cells[0].column as i64
        )
    );
    let x: f64 = x0.parse().unwrap();
    assert!((x - first.cells[0].bbox.x0).abs() <= 0.005, "{x0}");
    assert!(x0.split('.').nth(1).is_none_or(|d| d.len() <= 2), "{x0}");
    assert_eq!(
        one("SELECT count(*) FROM pragma_table_info('documents') WHERE name = 'geometry'"),
        0
    );
    // The findings stored before read without joins now.
    assert_eq!(
        one("SELECT count(*) FROM findings WHERE source IS NULL"),
        0,
        "{findings_before} findings before"
    );
    let (source, project, kind, page): (String, String, String, i64) = c
        .query_row(
            "SELECT source, project, form_kind, page FROM findings \
             WHERE check_id = 'funds.rate' AND printed = '97.68'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (source.as_str(), kind.as_str(), page),
        (pdf, "self_evaluation", 1)
    );
    assert!(!project.is_empty());
    // What the migration filled in is what a fresh ingest writes.
    let fresh = scratch("migrate-fresh");
    ingest(&fresh, &["corpus/002_bc93ede7711070ab.txt", pdf]);
    let f = rusqlite::Connection::open(&fresh).unwrap();
    let rows = |c: &rusqlite::Connection, sql: &str| -> Vec<Vec<Option<String>>> {
        let mut st = c.prepare(sql).unwrap();
        let n = st.column_count();
        st.query_map([], |r| {
            (0..n)
                .map(|k| r.get::<_, rusqlite::types::Value>(k))
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap()
        .map(|r| {
            r.unwrap()
                .into_iter()
                .map(|v| match v {
                    rusqlite::types::Value::Null => None,
                    rusqlite::types::Value::Integer(i) => Some(i.to_string()),
                    rusqlite::types::Value::Text(t) => Some(t),
                    other => Some(format!("{other:?}")),
                })
                .collect()
        })
        .collect()
    };
    let findings = "SELECT source, project, form_kind, page, line, col, check_id FROM findings \
                    WHERE source IN ('corpus/002_bc93ede7711070ab.txt', 'fixtures/pdf/003_forms.pdf') \
                    ORDER BY source, ordinal";
    assert_eq!(rows(&c, findings), rows(&f, findings));
    let boxes = "SELECT line, page, col, x0, y0, x1, y1 FROM cell_boxes ORDER BY id";
    assert_eq!(rows(&c, boxes), rows(&f, boxes));
}

/// Projects across the provinces: the same name in two provinces' units is
/// two projects, and two names of one unit that differ only in a year are
/// two projects however alike they read; the Minhang projects the history
/// test follows are still linked (that test runs on the same rules).
#[test]
fn near_identical_names_of_the_provinces_are_held_apart() {
    let db = scratch("apart");
    let dir = db.parent().unwrap().join("forms");
    std::fs::create_dir_all(&dir).unwrap();
    let form = std::fs::read_to_string("corpus/provinces/hunan_decl-national_01.txt").unwrap();
    std::fs::write(dir.join("a.txt"), &form).unwrap();
    // The same unit's form of the next year's project: one digit differs.
    let next = form.replace(
        "岳阳县2022年高标准农田建设项目",
        "岳阳县2023年高标准农田建设项目",
    );
    assert_ne!(next, form);
    std::fs::write(dir.join("b.txt"), &next).unwrap();
    let dir_text = dir.to_str().unwrap().to_string();
    let (code, out) = ingest(
        &db,
        &[
            &dir_text,
            "corpus/provinces/anhui_transfer_01.txt",
            "corpus/provinces/neimenggu_transfer_01.txt",
        ],
    );
    assert_eq!(code, Some(0), "{out}");
    let c = rusqlite::Connection::open(&db).unwrap();
    let projects = |pattern: &str| -> Vec<Option<i64>> {
        let mut st = c
            .prepare("SELECT project_id FROM forms WHERE project_name LIKE ?1 ORDER BY id")
            .unwrap();
        st.query_map([pattern], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let fields = projects("岳阳县20%高标准农田建设项目");
    assert_eq!(fields.len(), 2);
    assert_ne!(fields[0], fields[1], "two years' projects linked");
    let jobs = projects("就业补助资金");
    assert_eq!(jobs.len(), 2);
    assert!(
        jobs[0].is_none() || jobs[0] != jobs[1],
        "one name in two provinces linked: {jobs:?}"
    );
}

#[test]
fn twenty_processes_creating_one_new_archive_all_succeed() {
    let db = scratch("twenty");
    let children: Vec<_> = (0..20)
        .map(|_| {
            jixiao()
                .args(["archive", "counts", "--db"])
                .arg(&db)
                .env_remove("JIXIAO_DB")
                .output()
        })
        .collect();
    // `counts` opens read-only and so must not create; creation is ingest's.
    assert!(children
        .iter()
        .all(|c| c.as_ref().unwrap().status.code() == Some(1)));
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(20));
    let threads: Vec<_> = (0..20)
        .map(|_| {
            let (db, barrier) = (db.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let out = jixiao()
                    .args(["archive", "ingest", "--db"])
                    .arg(&db)
                    .arg("corpus/002_bc93ede7711070ab.txt")
                    .output()
                    .unwrap();
                (
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr).to_string(),
                )
            })
        })
        .collect();
    for t in threads {
        let (code, err) = t.join().unwrap();
        assert_eq!(code, Some(0), "{err}");
    }
    let documents = counts(&db).into_iter().find(|(t, _)| *t == "documents");
    assert_eq!(documents, Some(("documents", 1)));
}

#[test]
fn an_archive_is_read_without_writing_it() {
    let db = scratch("readonly");
    let (code, _) = ingest(&db, &["corpus/002_bc93ede7711070ab.txt"]);
    assert_eq!(code, Some(0));
    let delete = jixiao()
        .args(["archive", "query", "--db"])
        .arg(&db)
        .arg("DELETE FROM documents")
        .output()
        .unwrap();
    assert_eq!(delete.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&delete.stderr).contains("readonly"));
    assert_eq!(
        counts(&db)
            .iter()
            .find(|(t, _)| *t == "documents")
            .unwrap()
            .1,
        1
    );
    let missing = db.with_file_name("mistyped.sqlite");
    let out = jixiao()
        .args(["archive", "counts", "--db"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no archive at"));
    assert!(!missing.exists());
}

/// The README's SQL blocks, pasted as they are printed (starting with their
/// `-- example:` comment), run through the command line as an argument,
/// with `--file` and on standard input, and give the rows the library gives.
#[test]
fn the_readme_sql_blocks_run_as_printed_on_the_command_line() {
    let db = corpus_archive("readme-cli");
    let mut archive = Archive::open(db.to_str().unwrap()).unwrap();
    let file = db.with_file_name("query.sql");
    for (name, sql) in readme_examples() {
        let expected = archive.query(&sql).unwrap().to_text();
        let as_argument = jixiao()
            .args(["archive", "query", "--db"])
            .arg(&db)
            .arg(&sql)
            .output()
            .unwrap();
        assert_eq!(
            as_argument.status.code(),
            Some(0),
            "{name}: {as_argument:?}"
        );
        assert_eq!(
            String::from_utf8_lossy(&as_argument.stdout),
            expected,
            "{name}"
        );
        std::fs::write(&file, &sql).unwrap();
        let from_file = jixiao()
            .args(["archive", "query", "--db"])
            .arg(&db)
            .arg("--file")
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&from_file.stdout),
            expected,
            "{name}"
        );
        let from_stdin = jixiao()
            .args(["archive", "query", "--db"])
            .arg(&db)
            .stdin(std::fs::File::open(&file).unwrap())
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&from_stdin.stdout),
            expected,
            "{name}"
        );
    }
}

/// A path that is no archive is an error for every command but `ingest`
/// (which creates one), and is left as it was.
#[test]
fn only_ingest_creates_an_archive() {
    let db = scratch("not-an-archive");
    std::fs::write(&db, "项目名称\t不是档案\n").unwrap();
    for args in [
        vec!["archive", "counts"],
        vec!["archive", "history", "项目"],
        vec!["archive", "query", "SELECT 1"],
    ] {
        let out = jixiao().args(&args).arg("--db").arg(&db).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("not a jixiao archive"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(&db).unwrap(),
        "项目名称\t不是档案\n"
    );
}

/// A PDF and the text extracted from it say the same: the archive keeps
/// both files, and its views count the publication once.
#[test]
fn a_document_and_its_twin_in_another_format_are_one_publication() {
    let db = scratch("twins");
    let (code, out) = ingest(&db, &["fixtures/pdf/004_form.txt"]);
    assert_eq!(code, Some(0), "{out}");
    let c = || rusqlite::Connection::open(&db).unwrap();
    let one = |sql: &str| -> i64 { c().query_row(sql, [], |r| r.get(0)).unwrap() };
    let rates = one("SELECT count(*) FROM execution_rates");
    let years = one("SELECT count(*) FROM project_years");
    assert!(rates > 0 && years > 0);
    // The PDF, and its text saved as Excel's "Unicode text" would.
    let utf16 = db.with_file_name("004_form.utf-16le.txt");
    let text = std::fs::read_to_string("fixtures/pdf/004_form.txt").unwrap();
    let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    std::fs::write(&utf16, bytes).unwrap();
    let (code, out) = ingest(&db, &["fixtures/pdf/004_form.pdf", utf16.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(one("SELECT count(*) FROM documents"), 3);
    assert_eq!(
        one("SELECT count(DISTINCT content_sha256) FROM documents"),
        1,
        "the three files say the same"
    );
    assert_eq!(one("SELECT count(*) FROM execution_rates"), rates);
    assert_eq!(one("SELECT count(*) FROM project_years"), years);
    // A document that says something else is a publication of its own.
    let (code, out) = ingest(&db, &["corpus/002_bc93ede7711070ab.txt"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(one("SELECT count(*) FROM project_years") > years);
}
