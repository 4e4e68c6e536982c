//! `jixiao`: reads budget-performance disclosures and reports where their
//! figures do not add up.

use clap::{Parser, Subcommand, ValueEnum};
use jixiao_report::{DocumentReport, Report};
use jixiao_validate::Severity;
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod debug;
mod inputs;
use inputs::Input;

/// The pipeline allocates many small strings (one per cell and key); a
/// thread-caching allocator spends far fewer instructions on them than the
/// system's (measured in `benches/corpus.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXIT_STATUS: &str = "\
Exit status:
  0  every input was read (findings do not change this unless --fail-on is given)
  1  some input could not be read; its error is in the report, the others are reported as usual
  2  usage error, or no input to read
  3  --fail-on was given and a finding at or above that severity was reported
  4  the report could not be written (-o names a path that cannot be written)

A reader of standard output that goes away (`| head`) ends jixiao quietly, with status 0.";

/// Reads the budget-performance disclosures Chinese government units publish
/// (self-evaluations 自评表, declarations 申报表, unit budget tables 预算表 and
/// the prose around them) into typed records and recomputes every total,
/// rate and score at the precision it was printed with.
#[derive(Parser)]
#[command(name = "jixiao", version, about, long_about = None)]
#[command(after_help = EXIT_STATUS)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read and check files or directories; print one JSON report.
    ///
    /// Directories are searched all the way down (see --max-depth) for the files jixiao
    /// reads: .pdf, .txt/.tsv/.csv, .html/.htm, .xlsx/.xls/.ods, .docx (and .doc, to say it
    /// cannot), in any case; hidden files are skipped. `-` reads standard input. The report is
    /// {"documents": [{"source", "forms", "findings", "errors", "unrecognized"}]};
    /// the README documents every field and check id.
    #[command(after_help = EXIT_STATUS)]
    Check {
        /// Files or directories to read.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Write the report to FILE instead of standard output (`-`: standard output).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Exit with status 3 when a finding of this severity or worse is reported.
        #[arg(long, value_enum, value_name = "SEVERITY")]
        fail_on: Option<FailOn>,
        /// User password of encrypted PDFs (one owner password alone needs none).
        #[arg(long, value_name = "PASSWORD")]
        password: Option<String>,
        /// Also read forms with the templates (*.toml) of DIR; one with a shipped
        /// template's id replaces it.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// json: one report; jsonl: one document's report per line; text: one line per
        /// finding (file:line:column  severity  check  project  printed → computed  message),
        /// then the totals; csv: flat tables (the archive's: documents, forms,
        /// findings, unmapped, cell_boxes … as the README lists) joined by their id columns,
        /// one file per table into the directory -o names, or one table with --table.
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// With --format csv: write only this table (to -o FILE, or standard output).
        #[arg(long, value_name = "TABLE")]
        table: Option<String>,
        /// With --format csv: start each file with a UTF-8 byte-order mark (for Excel).
        #[arg(long)]
        bom: bool,
        /// Mask the names of 项目负责人 and 联系人 and the 联系电话 of declarations (and any
        /// mobile number in a cell no field took).
        #[arg(long)]
        redact_contacts: bool,
        #[command(flatten)]
        budgets: Budgets,
        #[command(flatten)]
        search: Search,
    },
    /// List the check ids with what each recomputes.
    Checks,
    /// Print the JSON Schema of the report that `check` writes.
    Schema,
    /// The archive of past evaluations (SQLite by default, PostgreSQL when shared).
    #[command(subcommand)]
    Archive(ArchiveCommand),
    /// Print what one stage made of a file, to see what the readers saw.
    ///
    /// glyphs: a PDF's glyphs (page, x, y, size, advance, text; points);
    /// rules: its painted cells and rules (page, kind, x0, y0, x1, y1);
    /// grid: the rows every reader sees, as tab-separated text on their own
    /// line numbers (blank lines are breaks), which `check -` reads back;
    /// forms: the forms found (lines, kind, template, name, cells taken).
    Debug {
        /// What to print.
        #[arg(value_enum)]
        stage: Stage,
        /// The file.
        file: PathBuf,
        /// User password of an encrypted PDF.
        #[arg(long, value_name = "PASSWORD")]
        password: Option<String>,
        #[command(flatten)]
        budgets: Budgets,
        #[command(flatten)]
        search: Search,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Stage {
    Glyphs,
    Rules,
    Grid,
    Forms,
}

/// How inputs are found and decoded.
#[derive(clap::Args)]
struct Search {
    /// Look at most N directory levels down (1: only the files in a directory given).
    #[arg(long, value_name = "N")]
    max_depth: Option<usize>,
    /// Read text files in this encoding (gbk, gb18030, utf-16le, utf-16be, big5, utf-8 …)
    /// instead of the one found from their bytes.
    #[arg(long, value_name = "ENCODING", value_parser = parse_encoding)]
    encoding: Option<&'static jixiao_extract::Encoding>,
}

impl Search {
    /// The inputs `paths` name, each warning said on stderr; `None` (and a
    /// message) when there is none at all.
    fn inputs(&self, paths: &[PathBuf]) -> Option<Vec<Input>> {
        let found = inputs::find(paths, self.max_depth.unwrap_or(usize::MAX));
        for w in &found.warnings {
            eprintln!("jixiao: warning: {w}");
        }
        if found.inputs.is_empty() {
            eprintln!("jixiao: no input to read");
            return None;
        }
        Some(found.inputs)
    }
}

/// The input budgets a user may set (the others are fixed, see the README).
#[derive(clap::Args)]
struct Budgets {
    /// Refuse files larger than this (bytes, or with K, M or G: 512M, 2G).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "512M")]
    max_file_size: u64,
    /// Refuse text files larger than this (bytes, or with K, M or G).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "32M")]
    max_text_size: u64,
    /// Refuse PDFs of more pages than this.
    #[arg(long, value_name = "N", default_value_t = jixiao_extract::PdfLimits::default().max_pages)]
    max_pages: usize,
}

impl Budgets {
    /// The reading options these budgets, `search` and `password` make.
    fn options(&self, search: &Search, password: Option<String>) -> jixiao_extract::ReadOptions {
        jixiao_extract::ReadOptions {
            password,
            encoding: search.encoding,
            max_file_bytes: Some(self.max_file_size),
            max_text_bytes: Some(self.max_text_size),
            limits: jixiao_extract::PdfLimits {
                max_pages: self.max_pages,
                ..jixiao_extract::PdfLimits::default()
            },
            ..jixiao_extract::ReadOptions::default()
        }
    }
}

/// Where the archive is: a SQLite file, or a postgres:// URL.
#[derive(clap::Args)]
struct DbArg {
    /// SQLite file (created if missing) or postgres://user@host/db URL.
    #[arg(
        long,
        value_name = "FILE_OR_URL",
        env = "JIXIAO_DB",
        default_value = "jixiao.sqlite"
    )]
    db: String,
}

#[derive(Subcommand)]
enum ArchiveCommand {
    /// Read files or directories and store their records, findings and unmapped cells.
    ///
    /// Each document is stored in one transaction. The same bytes again change nothing;
    /// the same bytes read by a newer jixiao replace their rows. Prints one line per file:
    /// added, unchanged, replaced or failed.
    Ingest {
        /// Files or directories to ingest.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        db: DbArg,
        /// User password of encrypted PDFs.
        #[arg(long, value_name = "PASSWORD")]
        password: Option<String>,
        /// Mask the names of 项目负责人 and 联系人 and the 联系电话 of declarations (and any
        /// mobile number in a cell no field took).
        #[arg(long)]
        redact_contacts: bool,
        #[command(flatten)]
        budgets: Budgets,
        #[command(flatten)]
        search: Search,
    },
    /// A project's declared budgets, executed amounts, rates, scores and findings per year.
    History {
        /// Part of the project's name (full-width forms and spaces do not matter).
        name: String,
        #[command(flatten)]
        db: DbArg,
        /// Print the projects as JSON (amounts as printed and in fen) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run an SQL query (for example on the views the README lists) and print its rows.
    ///
    /// The archive is opened read-only: a statement that would change it fails.
    Query {
        /// The SQL (it may start with a `--` comment); `-` or none: read it from
        /// standard input.
        #[arg(allow_hyphen_values = true, conflicts_with = "file")]
        sql: Option<String>,
        /// Read the SQL from FILE.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        #[command(flatten)]
        db: DbArg,
        /// table: aligned text; csv: for spreadsheets; json: an array of objects.
        #[arg(long, value_enum, default_value = "table")]
        format: QueryFormat,
        /// With --format csv: start with a UTF-8 byte-order mark (for Excel).
        #[arg(long)]
        bom: bool,
    },
    /// Row counts of the archive's tables.
    Counts {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Jsonl,
    Csv,
    Text,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum QueryFormat {
    Table,
    Csv,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
}

/// Advances the progress bar when a file is done, however it ended.
struct Tick<'a>(&'a indicatif::ProgressBar);

impl Drop for Tick<'_> {
    fn drop(&mut self) {
        self.0.inc(1);
    }
}

/// A progress bar on stderr, only for a person watching several files;
/// stdout carries the results.
fn progress_bar(files: usize) -> indicatif::ProgressBar {
    if std::io::stderr().is_terminal() && files > 1 {
        indicatif::ProgressBar::new(files as u64)
    } else {
        indicatif::ProgressBar::hidden()
    }
}

/// Reads and validates one file; a defect in a reader costs that file, not
/// the batch. Returns the report and the bytes read (`None` when the file
/// itself could not be read: missing, a directory, no permission).
fn read_one(
    input: &Input,
    options: &jixiao_extract::ReadOptions,
    redact: bool,
) -> (DocumentReport, Option<Vec<u8>>) {
    let (mut report, bytes) = read_unredacted(input, options);
    if redact {
        report.redact_contacts();
    }
    (report, bytes)
}

fn read_unredacted(
    input: &Input,
    options: &jixiao_extract::ReadOptions,
) -> (DocumentReport, Option<Vec<u8>>) {
    let shown = input.shown();
    let limit = options
        .max_file_bytes
        .unwrap_or(jixiao_extract::MAX_FILE_BYTES);
    let bytes = match input.read(limit) {
        Ok(b) => b,
        Err(e) => return (DocumentReport::new(&shown, Err(e)), None),
    };
    let report = std::panic::catch_unwind(|| {
        DocumentReport::new(
            &shown,
            jixiao_extract::read_bytes_with(&shown, &bytes, options),
        )
    })
    .unwrap_or_else(|_| {
        // Forms are read and checked each under their own guard; what is
        // left to fail here is the file's reading as a whole.
        DocumentReport::failure(
            &shown,
            format!("{shown}: jixiao failed while reading this file (an internal error, not a fault of the file); please report it"),
        )
    });
    (report, Some(bytes))
}

/// Options of `check` that shape its output.
struct Output<'a> {
    /// The file (or directory, for CSV tables) to write; `None`: stdout.
    path: Option<&'a Path>,
    format: Format,
    table: Option<&'a str>,
    bom: bool,
    redact: bool,
}

impl Output<'_> {
    /// Says what is wrong with these options before any input is read.
    fn usage_error(&self) -> Option<String> {
        match (self.format, self.table, self.path) {
            (Format::Csv, Some(t), _) if !jixiao_archive::TABLE_NAMES.contains(&t) => Some(format!(
                "--table {t}: no such table; the tables are {}",
                jixiao_archive::TABLE_NAMES.join(", ")
            )),
            (Format::Csv, None, None) => Some(
                "--format csv writes one file per table: give -o DIR, or --table NAME for one table"
                    .to_string(),
            ),
            (Format::Json | Format::Jsonl | Format::Text, Some(_), _) => {
                Some("--table needs --format csv".to_string())
            }
            _ => None,
        }
    }
}

/// `println!` through [`emit`].
macro_rules! outln {
    ($($arg:tt)*) => {
        emit(format!("{}\n", format_args!($($arg)*)).as_bytes())
    };
}

/// Writes `bytes` to standard output. A reader that went away (a closed
/// pipe: `| head`) ends the program quietly with status 0, as Unix tools
/// do; any other failure to write ends it with status 4.
fn emit(bytes: &[u8]) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("jixiao: cannot write to standard output: {e}");
        std::process::exit(4);
    }
}

/// Creates the file `path` for output, saying which path could not be
/// written and why.
fn create(path: &Path) -> Result<std::fs::File, String> {
    std::fs::File::create(path)
        .map_err(|e| format!("cannot write the report to {}: {e}", path.display()))
}

/// Writes the report as CSV tables, through an archive in memory (so the
/// tables and their columns are the archive's).
fn write_csv(documents: &[DocumentReport], bytes: &[Vec<u8>], out: &Output) -> Result<(), String> {
    let mut archive = jixiao_archive::Archive::open(":memory:").map_err(|e| e.to_string())?;
    for (report, bytes) in documents.iter().zip(bytes) {
        archive
            .ingest(bytes, report)
            .map_err(|e| format!("{}: {e}", report.source))?;
    }
    let mut export = |table: &str, w: &mut dyn std::io::Write| {
        archive
            .export_csv(table, w, out.bom)
            .map_err(|e| e.to_string())
    };
    match (out.table, out.path) {
        (Some(table), Some(path)) => export(table, &mut create(path)?),
        (Some(table), None) => {
            let mut buffer = Vec::new();
            export(table, &mut buffer)?;
            emit(&buffer);
            Ok(())
        }
        (None, Some(dir)) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create the directory {}: {e}", dir.display()))?;
            for table in jixiao_archive::TABLE_NAMES {
                export(table, &mut create(&dir.join(format!("{table}.csv")))?)?;
            }
            Ok(())
        }
        // Refused by `usage_error` before anything was read.
        (None, None) => Err("--format csv needs -o DIR or --table NAME".to_string()),
    }
}

/// Writes the report as JSON, JSON lines or text.
fn write_json(report: &Report, out: &Output) -> Result<(), String> {
    let text = match out.format {
        Format::Json => report.to_json() + "\n",
        Format::Text => report.to_text(),
        _ => {
            let mut lines = String::new();
            for d in &report.documents {
                lines += &serde_json::to_string(d).unwrap_or_default();
                lines.push('\n');
            }
            lines
        }
    };
    match out.path {
        Some(path) => {
            use std::io::Write;
            create(path)?
                .write_all(text.as_bytes())
                .map_err(|e| format!("cannot write the report to {}: {e}", path.display()))
        }
        None => {
            emit(text.as_bytes());
            Ok(())
        }
    }
}

fn check(
    paths: &[PathBuf],
    output: Output,
    fail_on: Option<FailOn>,
    options: jixiao_extract::ReadOptions,
    search: &Search,
    templates: Option<&std::path::Path>,
) -> ExitCode {
    if let Some(e) = output.usage_error() {
        eprintln!("jixiao: {e}");
        return ExitCode::from(2);
    }
    let templates = match templates
        .map(jixiao_extract::Templates::with_dir)
        .transpose()
    {
        Ok(t) => t.map(std::sync::Arc::new),
        Err(e) => {
            eprintln!("jixiao: {e}");
            return ExitCode::from(2);
        }
    };
    let options = jixiao_extract::ReadOptions {
        templates,
        ..options
    };
    let Some(files) = search.inputs(paths) else {
        return ExitCode::from(2);
    };
    let progress = progress_bar(files.len());
    let read: Vec<(DocumentReport, Vec<u8>)> = files
        .par_iter()
        .map(|f| {
            let _tick = Tick(&progress);
            let (report, bytes) = read_one(f, &options, output.redact);
            // Only CSV needs the bytes: its tables come through an archive,
            // where a document is known by its hash. Each input is a
            // document of its own there, so its name goes in too.
            let keep = if output.format == Format::Csv {
                let mut identity = report.source.as_bytes().to_vec();
                identity.push(0);
                identity.extend(bytes.unwrap_or_default());
                identity
            } else {
                Vec::new()
            };
            (report, keep)
        })
        .collect();
    progress.finish_and_clear();
    let (documents, bytes): (Vec<DocumentReport>, Vec<Vec<u8>>) = read.into_iter().unzip();
    let report = Report { documents };
    let written = match output.format {
        Format::Csv => write_csv(&report.documents, &bytes, &output),
        Format::Json | Format::Jsonl | Format::Text => write_json(&report, &output),
    };
    if std::io::stderr().is_terminal() {
        eprintln!("jixiao: {}", report.totals());
    }
    if let Err(e) = written {
        eprintln!("jixiao: {e}");
        return ExitCode::from(4);
    }
    for doc in report.documents.iter().filter(|d| d.failed()) {
        for e in &doc.errors {
            eprintln!("jixiao: {}", e.message);
        }
    }
    if report.documents.iter().any(DocumentReport::failed) {
        return ExitCode::from(1);
    }
    let threshold = fail_on.map(|f| match f {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    });
    match (threshold, report.worst()) {
        (Some(t), Some(w)) if w >= t => ExitCode::from(3),
        _ => ExitCode::SUCCESS,
    }
}

fn open_archive(db: &str) -> Result<jixiao_archive::Archive, ExitCode> {
    jixiao_archive::Archive::open(db).map_err(|e| {
        eprintln!("jixiao: cannot open the archive {db}: {e}");
        ExitCode::from(1)
    })
}

fn archive(command: ArchiveCommand) -> ExitCode {
    match command {
        ArchiveCommand::Ingest {
            paths,
            db,
            password,
            redact_contacts,
            budgets,
            search,
        } => {
            let Some(files) = search.inputs(&paths) else {
                return ExitCode::from(2);
            };
            let mut archive = match open_archive(&db.db) {
                Ok(a) => a,
                Err(code) => return code,
            };
            let options = budgets.options(&search, password);
            let mut failed = false;
            let mut totals = jixiao_report::Totals::default();
            let progress = progress_bar(files.len());
            // Read a batch in parallel, then write it document by document.
            for batch in files.chunks(rayon::current_num_threads().max(1) * 2) {
                let _ticks: Vec<Tick> = batch.iter().map(|_| Tick(&progress)).collect();
                let read: Vec<(DocumentReport, Option<Vec<u8>>)> = batch
                    .par_iter()
                    .map(|f| read_one(f, &options, redact_contacts))
                    .collect();
                let (reports, bytes): (Vec<_>, Vec<_>) = read.into_iter().unzip();
                let batch = Report { documents: reports };
                totals.add(&batch.totals());
                let read = batch.documents.into_iter().zip(bytes);
                for (report, bytes) in read {
                    failed |= report.failed();
                    // A file that could not be read at all (missing, no
                    // permission) is no document: nothing to store.
                    let Some(bytes) = bytes else {
                        let why = report.errors.first().map(|e| e.message.as_str());
                        outln!("failed\t{}\t{}", report.source, why.unwrap_or(""));
                        continue;
                    };
                    match archive.ingest(&bytes, &report) {
                        Ok(outcome) => outln!(
                            "{}\t{}\t{} forms\t{} findings{}",
                            match outcome {
                                jixiao_archive::Outcome::Added => "added",
                                jixiao_archive::Outcome::Unchanged => "unchanged",
                                jixiao_archive::Outcome::Replaced => "replaced",
                            },
                            report.source,
                            report.forms.len(),
                            report.findings.len(),
                            if report.failed() {
                                "\tunreadable (stored with its error)"
                            } else {
                                ""
                            }
                        ),
                        Err(e) => {
                            failed = true;
                            outln!("failed\t{}\t{e}", report.source);
                        }
                    }
                }
            }
            progress.finish_and_clear();
            if std::io::stderr().is_terminal() {
                eprintln!("jixiao: {totals}");
            }
            if failed {
                eprintln!("jixiao: some files could not be read or stored; see the lines above");
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        ArchiveCommand::History { name, db, json } => with_archive(&db.db, |archive| {
            let projects = archive.history(&name)?;
            if projects.is_empty() {
                eprintln!("jixiao: no project in {} is named like «{name}»", db.db);
                return Ok(ExitCode::from(1));
            }
            if json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&projects).unwrap_or_default()
                );
            } else {
                for p in projects {
                    outln!("{}", p.to_text());
                }
            }
            Ok(ExitCode::SUCCESS)
        }),
        ArchiveCommand::Query {
            sql,
            file,
            db,
            format,
            bom,
        } => {
            let sql = match query_text(sql, file.as_deref()) {
                Ok(sql) => sql,
                Err(e) => {
                    eprintln!("jixiao: {e}");
                    return ExitCode::from(2);
                }
            };
            with_archive(&db.db, |archive| {
                let table = archive.query(&sql)?;
                match format {
                    QueryFormat::Table => emit(table.to_text().as_bytes()),
                    QueryFormat::Csv => {
                        let mut buffer = Vec::new();
                        table.write_csv(&mut buffer, bom)?;
                        emit(&buffer);
                    }
                    QueryFormat::Json => outln!(
                        "{}",
                        serde_json::to_string_pretty(&table.to_json()).unwrap_or_default()
                    ),
                }
                Ok(ExitCode::SUCCESS)
            })
        }
        ArchiveCommand::Counts { db } => with_archive(&db.db, |archive| {
            for (table, n) in archive.counts()? {
                outln!("{table:15} {n}");
            }
            Ok(ExitCode::SUCCESS)
        }),
    }
}

/// Opens the archive to read it only and runs `f` on it; an error of either
/// is said on stderr and exits 1.
fn with_archive(
    db: &str,
    f: impl FnOnce(&mut jixiao_archive::Archive) -> Result<ExitCode, jixiao_archive::ArchiveError>,
) -> ExitCode {
    let mut archive = match jixiao_archive::Archive::open_read_only(db) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("jixiao: cannot open the archive {db}: {e}");
            return ExitCode::from(1);
        }
    };
    f(&mut archive).unwrap_or_else(|e| {
        eprintln!("jixiao: {e}");
        ExitCode::from(1)
    })
}

/// The SQL of `archive query`: the argument, the file `--file` names, or
/// standard input (`-`, or no argument).
fn query_text(sql: Option<String>, file: Option<&Path>) -> Result<String, String> {
    use std::io::Read;
    if let Some(path) = file {
        return std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the SQL in {}: {e}", path.display()));
    }
    match sql {
        Some(sql) if sql != "-" => Ok(sql),
        _ => {
            if std::io::stdin().is_terminal() {
                return Err(
                    "give the SQL as an argument, with --file FILE, or on standard input"
                        .to_string(),
                );
            }
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| format!("cannot read the SQL on standard input: {e}"))?;
            Ok(text)
        }
    }
}

/// An encoding by any of its WHATWG labels (`gbk`, `gb18030`, `utf-16le`, `big5` …).
fn parse_encoding(label: &str) -> Result<&'static jixiao_extract::Encoding, String> {
    jixiao_extract::Encoding::for_label(label.trim().as_bytes())
        .ok_or_else(|| format!("`{label}` is no encoding jixiao knows (gbk, gb18030, utf-16le, utf-16be, big5, utf-8 …)"))
}

/// A size in bytes: `1048576`, `512K`, `512M`, `2G` (binary multiples).
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, shift) = match t.char_indices().last() {
        Some((i, 'K' | 'k')) => (&t[..i], 10),
        Some((i, 'M' | 'm')) => (&t[..i], 20),
        Some((i, 'G' | 'g')) => (&t[..i], 30),
        _ => (t, 0),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size (bytes, or a number with K, M or G)"))?;
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// `jixiao debug STAGE FILE`.
fn debug(stage: Stage, file: &Path, options: &jixiao_extract::ReadOptions) -> ExitCode {
    let input = Input::File(file.to_path_buf());
    let shown = input.shown();
    let grid = input
        .read(
            options
                .max_file_bytes
                .unwrap_or(jixiao_extract::MAX_FILE_BYTES),
        )
        .and_then(|bytes| jixiao_extract::read_grid(&shown, &bytes, options));
    let grid = match grid {
        Ok(g) => g,
        Err(e) => {
            eprintln!("jixiao: {e}");
            return ExitCode::from(1);
        }
    };
    if matches!(stage, Stage::Glyphs | Stage::Rules) && grid.pages.is_empty() {
        eprintln!("jixiao: {shown}: not a PDF: only a PDF has glyphs and rules");
        return ExitCode::from(2);
    }
    let text = match stage {
        Stage::Glyphs => debug::glyphs(&grid.pages),
        Stage::Rules => debug::rules(&grid.pages),
        Stage::Grid => debug::grid(&grid.rows),
        Stage::Forms => {
            let doc = jixiao_extract::read_rows_document_with(
                grid.rows,
                options
                    .templates
                    .as_deref()
                    .unwrap_or_else(|| jixiao_extract::Templates::builtin()),
            );
            debug::forms(&doc)
        }
    };
    emit(text.as_bytes());
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    // A reader that panics (pdf-extract does on some fonts) is caught per
    // file and reported as that file's error; its message is in the report,
    // so the default hook's backtrace on stderr would only alarm.
    std::panic::set_hook(Box::new(|_| {}));
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            paths,
            output,
            fail_on,
            password,
            templates,
            format,
            table,
            bom,
            redact_contacts,
            budgets,
            search,
        } => check(
            &paths,
            Output {
                path: output.as_deref().filter(|p| p.as_os_str() != "-"),
                format,
                table: table.as_deref(),
                bom,
                redact: redact_contacts,
            },
            fail_on,
            budgets.options(&search, password),
            &search,
            templates.as_deref(),
        ),
        Command::Archive(command) => archive(command),
        Command::Debug {
            stage,
            file,
            password,
            budgets,
            search,
        } => debug(stage, &file, &budgets.options(&search, password)),
        Command::Schema => {
            outln!(
                "{}",
                serde_json::to_string_pretty(&jixiao_report::schema()).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Command::Checks => {
            for (id, what) in jixiao_validate::CHECKS {
                outln!("{id:30} {what}");
            }
            ExitCode::SUCCESS
        }
    }
}
