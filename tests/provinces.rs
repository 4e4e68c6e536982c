//! Field-level recall on `corpus/provinces/`: every fact of the hand-written
//! expected records (name, year, unit, each funds cell, each indicator with
//! its levels, target, actual, weight and score, group weights, totals,
//! grade) is looked for in what jixiao reads from the form's `.txt`; and the
//! relations the records mark as not holding must be found, while forms
//! whose relations all hold get no error.

use jixiao_extract::{Declaration, Form, MoneyUnit, Num, NumberCell, SelfEvaluation};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The recall below which the test fails (the generic engine's target);
/// raise it as the engine reads more, never lower it.
const MIN_RECALL: f64 = 0.97;

/// The same for declarations.
const MIN_DECLARATION_RECALL: f64 = 0.97;

/// The same for the tables of budget disclosures.
const MIN_BUDGET_RECALL: f64 = 0.97;

/// Text as compared: without whitespace, and without the pinyin readings
/// some sites print after each character (`績(jī)效`), which the records
/// keep as printed and jixiao removes (its `pinyin_readings` repair).
fn squeeze(s: &str) -> String {
    static READING: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = READING.get_or_init(|| {
        regex::Regex::new(r"(\p{Han})[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]").unwrap()
    });
    re.replace_all(s, "$1")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn same_number(expected: &str, got: Option<&Num>) -> bool {
    let Some(got) = got else { return false };
    match jixiao_extract::read_number(expected) {
        NumberCell::Number { value, .. } => value == got.value,
        _ => squeeze(expected) == squeeze(&got.raw),
    }
}

fn same_text(expected: &str, got: Option<&str>) -> bool {
    got.is_some_and(|g| squeeze(expected) == squeeze(g))
}

#[derive(Default)]
struct Tally {
    found: usize,
    total: usize,
    misses: Vec<String>,
}

impl Tally {
    fn fact(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.total += 1;
        if ok {
            self.found += 1;
        } else {
            self.misses.push(what());
        }
    }
}

/// Prints recall per family and in all, with every fact missed, and fails
/// below `min`.
fn report(by_family: &BTreeMap<String, Tally>, min: f64) {
    let (mut found, mut total) = (0, 0);
    for (family, t) in by_family {
        println!(
            "{family:<12} {:>4}/{:<4} {:6.2}%",
            t.found,
            t.total,
            100.0 * t.found as f64 / t.total.max(1) as f64
        );
        for m in &t.misses {
            println!("    missed {m}");
        }
        found += t.found;
        total += t.total;
    }
    let recall = found as f64 / total as f64;
    println!("all          {found:>4}/{total:<4} {:6.2}%", 100.0 * recall);
    assert!(
        recall >= min,
        "recall {:.2}% is below {:.0}%",
        100.0 * recall,
        100.0 * min
    );
}

/// The expected records of self-evaluations (the corpus also holds
/// declarations and budget disclosures, checked by their own tests).
fn forms() -> Vec<PathBuf> {
    forms_of("self_evaluation")
}

/// The expected records of `kind`.
fn forms_of(kind: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("corpus/provinces")
        .expect("corpus/provinces")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".expected.json"))
        .filter(|p| {
            let text = std::fs::read_to_string(p).expect("readable expected record");
            let record: Value = serde_json::from_str(&text).expect("expected record is JSON");
            record["kind"] == kind
        })
        .collect();
    v.sort();
    v
}

fn txt_of(expected: &Path) -> PathBuf {
    PathBuf::from(expected.to_string_lossy().replace(".expected.json", ".txt"))
}

/// The self-evaluation the `.txt` gives (the one with most indicators).
fn record(path: &Path) -> Option<(SelfEvaluation, Vec<jixiao_validate::Finding>)> {
    let doc = jixiao_extract::read_file(path).expect("readable corpus form");
    let findings = jixiao_validate::validate(&doc);
    let (i, f) = doc
        .forms
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match f {
            Form::SelfEvaluation(s) => Some((i, s)),
            _ => None,
        })
        .max_by_key(|(_, s)| s.indicators.len() + s.funds.len())?;
    let own = findings.into_iter().filter(|x| x.form == i).collect();
    Some((f.clone(), own))
}

fn str_of(v: &Value) -> Option<&str> {
    v.as_str()
}

fn header_facts(t: &mut Tally, e: &Value, r: &SelfEvaluation) {
    if let Some(y) = e["year"].as_i64() {
        t.fact(r.year == Some(y as i32), || format!("year {y}"));
    }
    if let Some(u) = str_of(&e["unit"]) {
        let want = if u == "元" {
            MoneyUnit::Yuan
        } else {
            MoneyUnit::WanYuan
        };
        t.fact(r.unit == Some(want), || format!("unit {u}"));
    }
    if let Some(n) = str_of(&e["header"]["project_name"]) {
        t.fact(same_text(n, r.project_name.as_deref()), || {
            format!("project_name {n}")
        });
    }
}

fn funds_facts(t: &mut Tally, e: &Value, r: &SelfEvaluation) {
    let Some(rows) = e["funds"]["rows"].as_array() else {
        return;
    };
    for row in rows {
        let label = row["label"].as_str().unwrap_or("");
        let role = row["role"].as_str().unwrap_or("");
        let got = r.funds.iter().find(|f| {
            f.row.key() == role
                || f.label
                    .as_deref()
                    .is_some_and(|l| squeeze(l) == squeeze(label))
        });
        let Some(cells) = row["cells"].as_object() else {
            continue;
        };
        for (col, v) in cells {
            let Some(v) = v.as_str() else { continue };
            if jixiao_extract::read_number(v) == NumberCell::Empty {
                continue;
            }
            const TYPED: [&str; 8] = [
                "initial_budget",
                "adjusted_budget",
                "executed",
                "received",
                "weight",
                "execution_rate",
                "score",
                "reason",
            ];
            if !TYPED.contains(&col.as_str()) {
                // A column of no typed field: its cells are in `unmapped`.
                continue;
            }
            let value = got.and_then(|g| match col.as_str() {
                "initial_budget" => g.initial_budget.as_ref(),
                "adjusted_budget" => g.adjusted_budget.as_ref(),
                "executed" => g.executed.as_ref(),
                "received" => g.received.as_ref(),
                "weight" => g.weight.as_ref(),
                "execution_rate" => g.execution_rate.as_ref(),
                "score" => g.score.as_ref(),
                _ => None,
            });
            let ok = if col == "reason" {
                got.is_some_and(|g| same_text(v, g.reason.as_deref()))
            } else {
                same_number(v, value)
            };
            t.fact(ok, || format!("funds {label} {col} {v}"));
        }
    }
}

fn indicator_facts(t: &mut Tally, e: &Value, r: &SelfEvaluation) {
    let Some(list) = e["indicators"].as_array() else {
        return;
    };
    let mut used = vec![false; r.indicators.len()];
    for ind in list {
        let Some(name) = ind["name"].as_str() else {
            continue;
        };
        let hit = r
            .indicators
            .iter()
            .enumerate()
            .find(|(i, g)| !used[*i] && same_text(name, g.name.as_deref()));
        t.fact(hit.is_some(), || format!("indicator {name}"));
        // An indicator not found misses each of its facts.
        let g = hit.map(|(i, g)| {
            used[i] = true;
            g
        });
        let text = |k: &str| ind[k].as_str();
        for (k, got) in [
            ("level1", g.and_then(|g| g.level1.as_deref())),
            ("level2", g.and_then(|g| g.level2.as_deref())),
            (
                "target",
                g.and_then(|g| g.target.as_ref()).map(|m| m.text.as_str()),
            ),
            (
                "actual",
                g.and_then(|g| g.actual.as_ref()).map(|m| m.text.as_str()),
            ),
        ] {
            if let Some(v) = text(k) {
                t.fact(same_text(v, got), || {
                    format!("{name} {k} {v} (read {got:?})")
                });
            }
        }
        for (k, got) in [
            ("weight", g.and_then(|g| g.weight.as_ref())),
            ("score", g.and_then(|g| g.score.as_ref())),
        ] {
            if let Some(v) = text(k).filter(|v| jixiao_extract::read_number(v) != NumberCell::Empty)
            {
                t.fact(same_number(v, got), || format!("{name} {k} {v}"));
            }
        }
    }
}

fn total_facts(t: &mut Tally, e: &Value, r: &SelfEvaluation) {
    for g in e["indicator_groups"].as_array().into_iter().flatten() {
        let (Some(name), Some(w)) = (g["level1"].as_str(), g["weight"].as_str()) else {
            continue;
        };
        if g.get("level2").is_some_and(|l| !l.is_null()) || w.contains('-') {
            continue;
        }
        let got = r
            .groups
            .iter()
            .find(|x| x.name == name || squeeze(&x.name) == squeeze(name));
        t.fact(same_number(w, got.and_then(|x| x.weight.as_ref())), || {
            format!("group {name} {w}")
        });
    }
    if let Some(w) = e["total"]["weight"].as_str() {
        t.fact(same_number(w, r.total_weight.as_ref()), || {
            format!("total weight {w}")
        });
    }
    if let Some(s) = e["total"]["score"].as_str() {
        t.fact(same_number(s, r.total_score.as_ref()), || {
            format!("total score {s}")
        });
    }
    if let Some(g) = e["grade"].as_str() {
        t.fact(same_text(g, r.grade.as_deref()), || format!("grade {g}"));
    }
}

#[test]
fn recall_on_other_provinces_forms() {
    let mut by_family: BTreeMap<String, Tally> = BTreeMap::new();
    let paths = forms();
    assert!(
        paths.len() >= 30,
        "{} forms in corpus/provinces",
        paths.len()
    );
    for p in &paths {
        let e: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        let family = e["source"]["family"].as_str().unwrap_or("?").to_string();
        let t = by_family.entry(family).or_default();
        let before = t.misses.len();
        // A form not read at all misses every fact of its record.
        let r = match record(&txt_of(p)) {
            Some((r, _)) => r,
            None => {
                t.misses
                    .push("no self-evaluation read; every fact below is missed".into());
                SelfEvaluation::empty(
                    jixiao_extract::Layout::Modern,
                    jixiao_extract::LineSpan { start: 0, end: 0 },
                )
            }
        };
        header_facts(t, &e, &r);
        funds_facts(t, &e, &r);
        indicator_facts(t, &e, &r);
        total_facts(t, &e, &r);
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        for m in &mut t.misses[before..] {
            *m = format!("{name}: {m}");
        }
    }
    report(&by_family, MIN_RECALL);
}

/// Whether two printed numbers have the same value (`31.00%` and `31.00`).
fn same_value(a: &str, b: &str) -> bool {
    let value = |s: &str| match jixiao_extract::read_number(s) {
        NumberCell::Number { value, .. } => Some(value),
        _ => None,
    };
    value(a).is_some_and(|v| Some(v) == value(b))
}

/// How jixiao answers an expected relation that does not hold.
#[derive(Debug, PartialEq)]
enum Answer {
    /// A finding of the same check with the printed value the record names,
    /// at error or warning.
    Found,
    /// The same, as an info that names what explains the difference
    /// (the printed score is the rule's rounded to its decimals).
    Explained,
    /// A `not_checked` info naming the check: a block the relation is over
    /// was not read whole, so the relation is left unchecked and says why.
    NotChecked,
    Missed,
}

/// The check ids of jixiao that answer a relation id of the records
/// (FORMAT.md names budget relations by what they relate).
fn check_ids(check: &str) -> Vec<&str> {
    match check {
        "row.sum" => vec!["budget.row_sum"],
        "column.sum" => vec!["budget.total", "budget.hierarchy"],
        "code.rollup" => vec!["budget.hierarchy"],
        "balance" => vec!["budget.balance"],
        "cross_table" => vec!["budget.cross_table"],
        "prose.figure" => vec![
            "narrative.figure",
            "narrative.sum",
            "narrative.change",
            "narrative.share",
        ],
        c => vec![c],
    }
}

fn answer(findings: &[jixiao_validate::Finding], rel: &Value) -> Answer {
    let ids = check_ids(rel["check"].as_str().unwrap_or(""));
    let printed = rel["printed"].as_str();
    let same = |f: &&jixiao_validate::Finding| {
        ids.contains(&f.check)
            && match (printed, f.printed.as_deref()) {
                (Some(p), Some(got)) => same_value(p, got),
                _ => true,
            }
    };
    let info = jixiao_validate::Severity::Info;
    if findings.iter().filter(same).any(|f| f.severity != info) {
        Answer::Found
    } else if findings
        .iter()
        .filter(same)
        .any(|f| f.explained_by.is_some())
    {
        Answer::Explained
    } else if findings
        .iter()
        .any(|f| f.check == "not_checked" && ids.iter().any(|c| f.message.contains(c)))
    {
        Answer::NotChecked
    } else {
        Answer::Missed
    }
}

#[test]
fn relations_that_do_not_hold_are_found_and_holding_forms_get_no_error() {
    relations_of(&forms(), |p| record(p).map(|(_, f)| f));
}

#[test]
fn budget_relations_that_do_not_hold_are_found_and_holding_ones_get_no_error() {
    relations_of(&forms_of("budget_document"), |p| {
        let doc = jixiao_extract::read_file(p).ok()?;
        Some(jixiao_validate::validate(&doc))
    });
}

#[test]
fn declaration_relations_that_do_not_hold_are_found_and_holding_ones_get_no_error() {
    relations_of(&forms_of("declaration"), |p| declaration(p).map(|(_, f)| f));
}

/// Every relation the records at `paths` mark as not holding is found in
/// the findings of the form `findings` reads, and no form whose relations
/// all hold gets an error.
fn relations_of(
    paths: &[PathBuf],
    findings_of: impl Fn(&Path) -> Option<Vec<jixiao_validate::Finding>>,
) {
    let mut answers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut false_alarms = Vec::new();
    let mut total = 0;
    for p in paths {
        let e: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let relations = e["relations"].as_array().cloned().unwrap_or_default();
        // A form not read at all finds none of its relations.
        let findings = findings_of(&txt_of(p)).unwrap_or_default();
        let failing: Vec<&Value> = relations.iter().filter(|r| r["holds"] == false).collect();
        for rel in &failing {
            total += 1;
            let a = answer(&findings, rel);
            answers
                .entry(format!("{a:?}"))
                .or_default()
                .push(format!("{name}: {} {}", rel["check"], rel["field"]));
        }
        let undecided = relations.iter().any(|r| r["holds"].is_null());
        if failing.is_empty() && !undecided {
            for f in findings
                .iter()
                .filter(|f| f.severity == jixiao_validate::Severity::Error)
            {
                false_alarms.push(format!("{name}: {} {} {}", f.check, f.field, f.message));
            }
        }
    }
    println!("{total} relations marked as not holding:");
    for (a, list) in &answers {
        println!("  {a}: {}", list.len());
        for l in list {
            println!("    {l}");
        }
    }
    assert!(
        false_alarms.is_empty(),
        "errors on forms whose relations all hold: {false_alarms:#?}"
    );
    let missed = answers.get("Missed").map_or(0, Vec::len);
    assert_eq!(
        missed, 0,
        "{missed} of {total} relations not holding were not found"
    );
    let found = answers.get("Found").map_or(0, Vec::len);
    assert!(
        found * 10 >= total * 9,
        "only {found} of {total} relations not holding found at error or warning"
    );
}

/// The declaration the `.txt` gives (the one with most targets and sources).
fn declaration(path: &Path) -> Option<(Declaration, Vec<jixiao_validate::Finding>)> {
    let doc = jixiao_extract::read_file(path).expect("readable corpus form");
    let findings = jixiao_validate::validate(&doc);
    let (i, d) = doc
        .forms
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match f {
            Form::Declaration(d) => Some((i, d)),
            _ => None,
        })
        .max_by_key(|(_, d)| d.targets.len() + d.sources.len())?;
    let own = findings.into_iter().filter(|x| x.form == i).collect();
    Some((d.clone(), own))
}

/// The money unit a record names.
fn unit_of(u: &str) -> MoneyUnit {
    if u == "元" {
        MoneyUnit::Yuan
    } else {
        MoneyUnit::WanYuan
    }
}

fn declaration_header_facts(t: &mut Tally, e: &Value, d: &Declaration) {
    if let Some(y) = e["year"].as_i64() {
        t.fact(d.year == Some(y as i32), || format!("year {y}"));
    }
    if let Some(u) = str_of(&e["unit"]) {
        t.fact(d.unit == Some(unit_of(u)), || format!("unit {u}"));
    }
    let Some(header) = e["header"].as_object() else {
        return;
    };
    let bare = |s: &str| squeeze(s).trim_end_matches([':', '：']).to_string();
    for (key, v) in header {
        let Some(v) = v.as_str() else { continue };
        let got = match key.as_str() {
            "project_name" => d.project_name.as_deref(),
            "department" => d.department.as_deref(),
            "implementing_unit" => d.implementing_unit.as_deref(),
            "project_leader" => d.leader.as_deref(),
            "contact" => d.contact.as_deref(),
            // A label the record keeps as printed: the field of that name,
            // or the header field jixiao filed that value under.
            _ => d
                .header_fields
                .iter()
                .find(|h| h.name == *key || bare(&h.name) == bare(key))
                .or_else(|| {
                    d.header_fields
                        .iter()
                        .find(|h| same_text(v, Some(&h.value)))
                })
                .map(|h| h.value.as_str()),
        };
        t.fact(same_text(v, got), || {
            format!("header {key} {v} (read {got:?})")
        });
    }
}

/// The row role a declaration record names, as jixiao's rows name it
/// (市级 and 区级 are both local money; 自有资金 is the unit's own).
fn role_key(role: &str) -> &str {
    match role {
        "city" | "district" => "local",
        "own_funds" => "unit_funds",
        r => r,
    }
}

fn declaration_funds_facts(t: &mut Tally, e: &Value, d: &Declaration) {
    let Some(rows) = e["funds"]["rows"].as_array() else {
        return;
    };
    let mut used = vec![false; d.sources.len()];
    for row in rows {
        let label = row["label"].as_str().unwrap_or("");
        let role = role_key(row["role"].as_str().unwrap_or(""));
        let by_label = d
            .sources
            .iter()
            .enumerate()
            .find(|(i, s)| !used[*i] && squeeze(&s.label) == squeeze(label));
        let by_role = || {
            d.sources
                .iter()
                .enumerate()
                .find(|(i, s)| !used[*i] && s.row.key() == role)
        };
        let got = by_label.or_else(by_role).map(|(i, s)| {
            used[i] = true;
            s
        });
        for (col, v) in row["cells"].as_object().into_iter().flatten() {
            let Some(v) = v.as_str() else { continue };
            if jixiao_extract::read_number(v) == NumberCell::Empty {
                continue;
            }
            let value = got.and_then(|s| {
                s.amounts
                    .iter()
                    .find(|a| a.column == *col)
                    .map(|a| &a.value)
            });
            t.fact(same_number(v, value), || format!("funds {label} {col} {v}"));
        }
    }
}

/// The allocation table, row by row in printed order, each cell by its
/// column's header.
fn allocation_facts(t: &mut Tally, e: &Value, d: &Declaration) {
    let Some(rows) = e["allocation"]["rows"].as_array() else {
        return;
    };
    let read = d.allocation.as_ref().map_or(&[][..], |a| &a.rows[..]);
    for (i, row) in rows.iter().enumerate() {
        for (col, v) in row["cells"].as_object().into_iter().flatten() {
            let Some(v) = v.as_str() else { continue };
            let got = read.get(i).and_then(|r| {
                r.cells
                    .iter()
                    .find(|c| {
                        c.header
                            .as_deref()
                            .is_some_and(|h| squeeze(h) == squeeze(col))
                    })
                    .map(|c| c.text.as_str())
            });
            t.fact(same_text(v, got), || {
                format!("allocation row {i} {col} {v} (read {got:?})")
            });
        }
    }
}

fn declaration_goal_facts(t: &mut Tally, e: &Value, d: &Declaration) {
    for (k, got) in [
        ("overall", d.overall_goal.as_deref()),
        ("annual", d.annual_goal.as_deref()),
        ("mid_term", d.mid_term_goal.as_deref()),
        ("long_term", d.long_term_goal.as_deref()),
    ] {
        if let Some(v) = e["goals"][k].as_str() {
            t.fact(same_text(v, got), || format!("goal {k} {v} (read {got:?})"));
        }
    }
}

fn declaration_target_facts(t: &mut Tally, e: &Value, d: &Declaration) {
    let Some(list) = e["indicators"].as_array() else {
        return;
    };
    let mut used = vec![false; d.targets.len()];
    for ind in list {
        // A row that prints no 三级 name is found by its levels and target.
        let unnamed = |g: &jixiao_extract::Target| {
            g.name.is_none()
                && ["level1", "level2"]
                    .iter()
                    .zip([&g.level1, &g.level2])
                    .all(|(k, v)| {
                        ind[*k]
                            .as_str()
                            .is_none_or(|want| same_text(want, v.as_deref()))
                    })
                && ind["target"]
                    .as_str()
                    .is_none_or(|want| same_text(want, g.value.as_ref().map(|m| m.text.as_str())))
        };
        let name = ind["name"].as_str().unwrap_or("(no name)");
        let hit = d.targets.iter().enumerate().find(|(i, g)| {
            !used[*i]
                && match ind["name"].as_str() {
                    Some(n) => same_text(n, g.name.as_deref()),
                    None => unnamed(g),
                }
        });
        t.fact(hit.is_some(), || format!("indicator {name}"));
        let g = hit.map(|(i, g)| {
            used[i] = true;
            g
        });
        let extra = &ind["extra"];
        for (k, want, got) in [
            (
                "level1",
                ind["level1"].as_str(),
                g.and_then(|g| g.level1.as_deref()),
            ),
            (
                "level2",
                ind["level2"].as_str(),
                g.and_then(|g| g.level2.as_deref()),
            ),
            (
                "target",
                ind["target"].as_str(),
                g.and_then(|g| g.value.as_ref()).map(|m| m.text.as_str()),
            ),
            (
                "unit",
                extra["unit"].as_str(),
                g.and_then(|g| g.measure_unit.as_deref()),
            ),
            (
                "nature",
                extra["nature"].as_str(),
                g.and_then(|g| g.nature.as_deref()),
            ),
            (
                "direction",
                extra["direction"].as_str(),
                g.and_then(|g| g.direction.as_deref()),
            ),
            (
                "note",
                extra["note"].as_str(),
                g.and_then(|g| g.remark.as_deref()),
            ),
            (
                "explanation",
                extra["explanation"].as_str(),
                g.and_then(|g| g.explanation.as_deref()),
            ),
        ] {
            if let Some(v) = want {
                t.fact(same_text(v, got), || {
                    format!("{name} {k} {v} (read {got:?})")
                });
            }
        }
        if let Some(want) = ind["period"].as_str() {
            let got = g.and_then(|g| g.period.as_deref());
            t.fact(got == Some(want), || {
                format!("{name} period {want} (read {got:?})")
            });
        }
        for (area, v) in ind["targets_by_area"].as_object().into_iter().flatten() {
            let Some(v) = v.as_str() else { continue };
            let got = g.and_then(|g| {
                g.by_area
                    .iter()
                    .find(|a| squeeze(&a.area) == squeeze(area))
                    .map(|a| a.value.text.as_str())
            });
            t.fact(same_text(v, got), || {
                format!("{name} {area} {v} (read {got:?})")
            });
        }
        if let Some(w) = extra["weight"]
            .as_str()
            .filter(|v| jixiao_extract::read_number(v) != NumberCell::Empty)
        {
            let got = g.and_then(|g| g.weight.as_ref());
            t.fact(same_number(w, got), || format!("{name} weight {w}"));
        }
    }
    for grp in e["indicator_groups"].as_array().into_iter().flatten() {
        let (Some(name), Some(w)) = (grp["level1"].as_str(), grp["weight"].as_str()) else {
            continue;
        };
        let got = d.groups.iter().find(|x| squeeze(&x.name) == squeeze(name));
        let ok = got.is_some_and(|x| {
            x.weight_range.as_deref() == Some(w) || same_number(w, x.weight.as_ref())
        });
        t.fact(ok, || format!("group {name} {w}"));
    }
}

#[test]
fn recall_on_other_provinces_declarations() {
    let mut by_family: BTreeMap<String, Tally> = BTreeMap::new();
    let paths = forms_of("declaration");
    assert!(paths.len() >= 19, "{} declarations", paths.len());
    for p in &paths {
        let e: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        let family = e["source"]["family"].as_str().unwrap_or("?").to_string();
        let t = by_family.entry(family).or_default();
        let before = t.misses.len();
        let lines = jixiao_extract::LineSpan { start: 0, end: 0 };
        let d = match declaration(&txt_of(p)) {
            Some((d, _)) => d,
            None => {
                t.misses
                    .push("no declaration read; every fact below is missed".into());
                Declaration::empty(lines, Vec::new())
            }
        };
        declaration_header_facts(t, &e, &d);
        declaration_funds_facts(t, &e, &d);
        declaration_goal_facts(t, &e, &d);
        declaration_target_facts(t, &e, &d);
        allocation_facts(t, &e, &d);
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        for m in &mut t.misses[before..] {
            *m = format!("{name}: {m}");
        }
    }
    report(&by_family, MIN_DECLARATION_RECALL);
}

/// Field-level recall on the budget disclosures: each table found by its
/// title, its unit, and every printed cell of every row (found by its name
/// or code) under the column of that header.
#[test]
fn recall_on_other_provinces_budget_disclosures() {
    let mut t = Tally::default();
    let paths = forms_of("budget_document");
    assert!(paths.len() >= 6, "{} budget disclosures", paths.len());
    for p in &paths {
        let e: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        let doc = jixiao_extract::read_file(&txt_of(p)).expect("readable corpus excerpt");
        let tables: Vec<&jixiao_extract::BudgetTable> = doc
            .forms
            .iter()
            .filter_map(|f| match f {
                Form::BudgetTable(b) => Some(b),
                _ => None,
            })
            .collect();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let before = t.misses.len();
        for want in e["tables"].as_array().into_iter().flatten() {
            budget_table_facts(&mut t, want, &tables);
        }
        for m in &mut t.misses[before..] {
            *m = format!("{name}: {m}");
        }
    }
    report(
        &BTreeMap::from([("budget tables".to_string(), t)]),
        MIN_BUDGET_RECALL,
    );
}

fn budget_table_facts(t: &mut Tally, want: &Value, tables: &[&jixiao_extract::BudgetTable]) {
    let title = want["title"].as_str().unwrap_or("");
    let got = tables.iter().find(|b| {
        b.title.as_deref().is_some_and(|x| {
            squeeze(x).contains(&squeeze(title)) || squeeze(title).contains(&squeeze(x))
        })
    });
    t.fact(got.is_some(), || format!("table {title}"));
    if let Some(u) = want["unit"].as_str() {
        t.fact(got.is_some_and(|b| b.unit == Some(unit_of(u))), || {
            format!("{title} unit {u}")
        });
    }
    let mut used = vec![false; got.map_or(0, |b| b.rows.len())];
    // Rows the record gives no name (both sides of a two-sided table on one
    // line, a table of one row): the k-th of them is the k-th line read.
    let lines: Vec<usize> = got.map_or(Vec::new(), |b| {
        let mut l: Vec<usize> = b.rows.iter().map(|r| r.line).collect();
        l.dedup();
        l
    });
    let mut unnamed = 0;
    for row in want["rows"].as_array().into_iter().flatten() {
        let name = row["name"].as_str();
        let code = row["code"].as_str();
        if name.is_none() && code.is_none() {
            let line = lines.get(unnamed).copied();
            unnamed += 1;
            let on_line: Vec<&jixiao_extract::BudgetRow> = got.map_or(Vec::new(), |b| {
                b.rows.iter().filter(|r| Some(r.line) == line).collect()
            });
            t.fact(!on_line.is_empty(), || {
                format!("{title} unnamed row {unnamed}")
            });
            for (col, v) in row["cells"].as_object().into_iter().flatten() {
                let Some(v) = v.as_str() else { continue };
                if jixiao_extract::read_number(v) == NumberCell::Empty {
                    continue;
                }
                let found = on_line.iter().any(|r| {
                    same_text(v, r.name.as_deref())
                        || got.is_some_and(|b| {
                            let cols = b.columns_of(r.side);
                            cols.iter()
                                .position(|c| squeeze(&c.path) == squeeze(col))
                                .and_then(|i| r.amounts.get(i)?.as_ref())
                                .is_some_and(|n| same_number(v, Some(n)))
                        })
                });
                t.fact(found, || format!("{title} unnamed row {unnamed} {col} {v}"));
            }
            continue;
        }
        let hit = got.and_then(|b| {
            b.rows.iter().enumerate().find(|(i, r)| {
                !used[*i]
                    && match (code, name) {
                        (Some(c), _) if r.code.as_deref() == Some(c) => true,
                        (_, Some(n)) => same_text(n, r.name.as_deref()),
                        _ => false,
                    }
            })
        });
        let label = name.or(code).unwrap_or("(row)");
        t.fact(hit.is_some(), || format!("{title} row {label}"));
        let r = hit.map(|(i, r)| {
            used[i] = true;
            r
        });
        for (col, v) in row["cells"].as_object().into_iter().flatten() {
            let Some(v) = v.as_str() else { continue };
            if jixiao_extract::read_number(v) == NumberCell::Empty {
                continue;
            }
            let value = got.zip(r).and_then(|(b, r)| {
                let cols = b.columns_of(r.side);
                let i = cols.iter().position(|c| {
                    squeeze(&c.path) == squeeze(col)
                        || squeeze(&c.name) == squeeze(col)
                        || squeeze(&c.path).ends_with(&squeeze(col))
                })?;
                r.amounts.get(i)?.as_ref()
            });
            t.fact(same_number(v, value), || {
                format!("{title} {label} {col} {v}")
            });
        }
    }
}

/// The prose printed under a province's table is read as prose and held
/// against the table: as published, it agrees; one figure altered, exactly
/// that figure is an error.
#[test]
fn prose_under_a_table_is_held_against_it() {
    let text = std::fs::read_to_string("corpus/provinces/anhui_budget_01.txt").unwrap();
    let checks = |t: &str| -> Vec<(&'static str, Option<String>)> {
        let doc = jixiao_extract::read_document(t);
        assert!(doc.forms.iter().any(|f| f.as_narrative().is_some()));
        jixiao_validate::validate(&doc)
            .into_iter()
            .map(|f| (f.check, f.printed))
            .collect()
    };
    assert_eq!(checks(&text), vec![]);
    let altered = text.replace("预算为328.7万元", "预算为329.7万元");
    assert_ne!(altered, text);
    assert_eq!(
        checks(&altered),
        vec![("narrative.figure", Some("329.7".to_string()))]
    );
}
