//! Templates as data: how a form family is recognised and which words name
//! its fields, columns and rows. Templates are TOML files; the shipped ones
//! are embedded in the binary, more can be loaded from a directory.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Synonym lists keyed by the field they name, with the matcher that finds
/// them in a label (built on first use).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(from = "BTreeMap<String, Vec<String>>")]
pub struct Vocabulary {
    words: BTreeMap<String, Vec<String>>,
    #[serde(skip)]
    matcher: std::sync::OnceLock<super::words::Matcher>,
}

impl From<BTreeMap<String, Vec<String>>> for Vocabulary {
    fn from(words: BTreeMap<String, Vec<String>>) -> Self {
        Vocabulary {
            words,
            matcher: std::sync::OnceLock::new(),
        }
    }
}

impl Vocabulary {
    /// Field → synonyms.
    pub fn words(&self) -> &BTreeMap<String, Vec<String>> {
        &self.words
    }

    pub(crate) fn matcher(&self) -> &super::words::Matcher {
        self.matcher
            .get_or_init(|| super::words::Matcher::new(&self.words))
    }
}

/// How a form of the family is told from others.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recognise {
    /// Title words: the longest that the form's title contains scores.
    #[serde(default)]
    pub title: Vec<String>,
    /// Words whose presence anywhere in the form adds to the score.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Words that make a short line (one or two cells) the title that opens
    /// a form of this template's kind.
    #[serde(default)]
    pub opens: Vec<String>,
    /// Words that keep such a line from being that title (`报告`: a report
    /// about an evaluation is no form).
    #[serde(default)]
    pub never: Vec<String>,
}

/// The funds block.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundsVocab {
    /// Labels of the block (`项目资金`, `预算执行情况`).
    #[serde(default)]
    pub anchors: Vec<String>,
    /// Column meanings and their header words.
    #[serde(default)]
    pub columns: Vocabulary,
    /// Row roles and their labels; a label no role names is kept as printed.
    #[serde(default)]
    pub rows: Vocabulary,
    /// Labels of row- and column-number rows and columns (行次, 列次).
    #[serde(default)]
    pub numbering: Vec<String>,
    /// The block may print no column header: each row is a label and its
    /// amount (`年度资金总额: | 854`), the amount's column `amount`.
    #[serde(default)]
    pub headerless: bool,
    /// Parts of the block and their labels (`income` → 收入构成): the rows
    /// under a part's label belong to it.
    #[serde(default)]
    pub parts: Vocabulary,
}

/// A table of amounts printed before a form, dividing its money (资金分配表).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationVocab {
    /// Title words of such a table.
    #[serde(default)]
    pub titles: Vec<String>,
}

/// The goals block.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalsVocab {
    /// Labels of the block.
    #[serde(default)]
    pub anchors: Vec<String>,
    /// Sub-labels of the planned goal.
    #[serde(default)]
    pub expected: Vec<String>,
    /// Sub-labels of what was achieved.
    #[serde(default)]
    pub actual: Vec<String>,
    /// The goals a declaration states and their labels (`overall` →
    /// 总体目标, `annual` → 年度目标, `mid_term`, `long_term`).
    #[serde(default)]
    pub kinds: Vocabulary,
}

/// The indicator table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorVocab {
    /// Column meanings and their header words.
    #[serde(default)]
    pub columns: Vocabulary,
    /// Labels of a block cell beside the table (`绩效指标(90分)`).
    #[serde(default)]
    pub block_labels: Vec<String>,
    /// Labels of the total row.
    #[serde(default)]
    pub total: Vec<String>,
    /// How level names end (`指标`): a level cell split by a page break is
    /// told by its first piece not ending so.
    #[serde(default)]
    pub level_ends: Vec<String>,
    /// Words of a level or indicator name that say its values are dates
    /// (时效, 完成时间): a number there that is an Excel date serial is read
    /// as that date, the serial kept as printed.
    #[serde(default)]
    pub date_words: Vec<String>,
    /// A row that prints its levels and a target but no 三级 name is a
    /// target whose name the form leaves blank (not a parent row).
    #[serde(default)]
    pub unnamed_targets: bool,
    /// Lines that open one of several tables of a form (`long_term` →
    /// 长期绩效指标, `annual` → 年度绩效指标): the rows below them belong to it.
    #[serde(default)]
    pub periods: Vocabulary,
    /// Per field of a header cell that spans several columns, the fields of
    /// the columns under it in printed order (`target` → direction · target
    /// · measure_unit).
    #[serde(default)]
    pub spans: BTreeMap<String, Vec<String>>,
}

/// The grade.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeVocab {
    /// Labels of the grade cell.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Grades as printed.
    #[serde(default)]
    pub values: Vec<String>,
}

/// Lines under the form: signatures, dates, notes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FooterVocab {
    /// Labels that start a footer line.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Words that start a note under the form (`说明:`, `注:`): the note and
    /// the numbered lines after it (`2、…`) are the form's notes.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Scoring rules the family fixes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// How the funds score follows from the rate: `weight_times_rate`.
    pub funds_rule: Option<String>,
    /// The funds weight the family fixes, when the form does not print it.
    pub funds_weight: Option<String>,
    /// Quantitative indicators score by completion (met → full weight).
    #[serde(default)]
    pub indicator_rule: bool,
    /// Parent rows (`一、产出指标`) print the sum of their children.
    #[serde(default)]
    pub parent_rows_sum: bool,
    /// 折算得分 = 得分 × 权重占比%.
    #[serde(default)]
    pub weighted_score: bool,
    /// Names of the indicator that is the funds score where the funds block
    /// prints none (a rubric row 预算执行率 scored 分值 × 执行率).
    #[serde(default)]
    pub funds_score_row: Vec<String>,
}

/// One template file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Unique id (`national`, `sichuan`).
    pub id: String,
    /// What it reads: `self_evaluation`.
    pub kind: String,
    /// The family of `TEMPLATES.md` it belongs to.
    pub family: String,
    /// One line on what it reads.
    #[serde(default)]
    pub description: String,
    /// A template whose lists this one extends.
    pub extends: Option<String>,
    /// Only a base for others, never chosen for a form.
    #[serde(default, rename = "abstract")]
    pub is_abstract: bool,
    /// The reader: `generic` (default), or `shanghai_modern`, the layout
    /// reader that still reads damaged text layers of that layout (a clean
    /// layer is read by the engine whatever this says).
    pub reader: Option<String>,
    /// Repairs this template turns on for every form it reads, by name
    /// (see [`REPAIRS`]).
    #[serde(default)]
    pub repairs: Vec<String>,
    /// Repairs this template turns on only for a document whose text layer
    /// is damaged (debris such as `\`, `~`, `////` or `<i>` in two cells or
    /// more), by name (see [`REPAIRS`]).
    #[serde(default)]
    pub repairs_when_damaged: Vec<String>,
    /// The layout its forms are reported as: `modern` (default) or `older`.
    pub layout: Option<String>,
    /// Recognition.
    #[serde(default)]
    pub recognise: Recognise,
    /// Header fields and their labels.
    #[serde(default)]
    pub header: HeaderVocab,
    /// Funds block.
    #[serde(default)]
    pub funds: FundsVocab,
    /// Goals.
    #[serde(default)]
    pub goals: GoalsVocab,
    /// An allocation table before the form.
    #[serde(default)]
    pub allocation: AllocationVocab,
    /// Indicator table.
    #[serde(default)]
    pub indicators: IndicatorVocab,
    /// Grade.
    #[serde(default)]
    pub grade: GradeVocab,
    /// Footer.
    #[serde(default)]
    pub footer: FooterVocab,
    /// Scoring rules.
    #[serde(default)]
    pub scoring: Scoring,
}

/// Header fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderVocab {
    /// Field name → labels.
    #[serde(default)]
    pub fields: Vocabulary,
}

/// A template that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The directory or a file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// A file is not a valid template.
    #[error("{path}: not a valid template: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong, with the line where TOML names one.
        message: String,
    },
}

/// The shipped templates, embedded at build time.
const BUILTIN: &[(&str, &str)] = &[
    (
        "base.toml",
        include_str!("../../../../templates/self_evaluation/base.toml"),
    ),
    (
        "national.toml",
        include_str!("../../../../templates/self_evaluation/national.toml"),
    ),
    (
        "poverty.toml",
        include_str!("../../../../templates/self_evaluation/poverty.toml"),
    ),
    (
        "sichuan.toml",
        include_str!("../../../../templates/self_evaluation/sichuan.toml"),
    ),
    (
        "county.toml",
        include_str!("../../../../templates/self_evaluation/county.toml"),
    ),
    (
        "rubric.toml",
        include_str!("../../../../templates/self_evaluation/rubric.toml"),
    ),
    (
        "hebei.toml",
        include_str!("../../../../templates/self_evaluation/hebei.toml"),
    ),
    (
        "transfer.toml",
        include_str!("../../../../templates/self_evaluation/transfer.toml"),
    ),
    (
        "department.toml",
        include_str!("../../../../templates/self_evaluation/department.toml"),
    ),
    (
        "shanghai_modern.toml",
        include_str!("../../../../templates/self_evaluation/shanghai_modern.toml"),
    ),
    (
        "shanghai_older.toml",
        include_str!("../../../../templates/self_evaluation/shanghai_older.toml"),
    ),
    (
        "declaration/base.toml",
        include_str!("../../../../templates/declaration/base.toml"),
    ),
    (
        "declaration/national.toml",
        include_str!("../../../../templates/declaration/national.toml"),
    ),
    (
        "declaration/sources.toml",
        include_str!("../../../../templates/declaration/sources.toml"),
    ),
    (
        "declaration/two_totals.toml",
        include_str!("../../../../templates/declaration/two_totals.toml"),
    ),
    (
        "declaration/transfer.toml",
        include_str!("../../../../templates/declaration/transfer.toml"),
    ),
    (
        "declaration/long_term.toml",
        include_str!("../../../../templates/declaration/long_term.toml"),
    ),
    (
        "declaration/department.toml",
        include_str!("../../../../templates/declaration/department.toml"),
    ),
];

/// A set of templates with every `extends` resolved.
#[derive(Debug, Clone)]
pub struct Templates {
    list: Vec<Template>,
    /// The recognition hints of each kind's templates, indexed on first use.
    hints: std::sync::OnceLock<Vec<(String, super::HintIndex)>>,
    /// Every kind's title words, indexed on first use.
    titles: std::sync::OnceLock<super::TitleIndex>,
}

/// The repairs a template may turn on, and what each does.
pub const REPAIRS: &[(&str, &str)] = &[
    (
        "name_in_level1",
        "in a table whose 一级 cells print their group's weight (`效果目标 (15分)`), a 一级 cell with no weight beside an empty name cell is the indicator's name, printed one column left",
    ),
    (
        "rows_split_at_break",
        "a row right after a page break that prints text but no number and no level continues the indicator above it: each text is appended to that indicator's field of the same column",
    ),
    (
        "page_order",
        "a page whose first row is the form's total or grade row, with indicator rows (two plain numbers side by side) after it, was extracted bottom-up: its rows are read in reverse",
    ),
    (
        "debris",
        "in the funds block and the indicator table, a cell of debris no form prints (`\\`, `~`, `////`, `<i>`), or, in a damaged text layer, of letters without any Chinese, is left out as garbled; a row garbled in half its cells or more is left out whole",
    ),
    (
        "second_layer",
        "an indicator row that repeats its neighbour (the same weight and score beside a garbled value, the same name, or the weight and score again on the continuation line of the row above) is a copy from a second text layer and is left out, each cell with why; its value cells that close the brackets the row above left open complete that row's values",
    ),
    (
        "level_fragments",
        "text in a 一级 or 二级 column between indicator rows is a fragment of a merged level cell, gathered with the fragments around it until they spell a level name (read by the `shanghai_modern` reader)",
    ),
];

/// The repairs a template names: each must be one of [`REPAIRS`].
fn check_repairs(path: &str, t: &Template) -> Result<(), TemplateError> {
    let mut named = t.repairs.iter().chain(&t.repairs_when_damaged);
    let Some(r) = named.find(|r| !REPAIRS.iter().any(|(n, _)| n == r)) else {
        return Ok(());
    };
    let known: Vec<&str> = REPAIRS.iter().map(|(n, _)| *n).collect();
    Err(TemplateError::Invalid {
        path: path.to_string(),
        message: format!("unknown repair `{r}` (known: {})", known.join(", ")),
    })
}

fn parse(path: &str, text: &str) -> Result<Template, TemplateError> {
    let t: Template = toml::from_str(text).map_err(|e| TemplateError::Invalid {
        path: path.to_string(),
        message: e.to_string().trim().replace('\n', " "),
    })?;
    check_repairs(path, &t)?;
    match t.layout.as_deref() {
        None | Some("modern" | "older") => Ok(t),
        Some(other) => Err(TemplateError::Invalid {
            path: path.to_string(),
            message: format!("unknown layout `{other}` (known: modern, older)"),
        }),
    }
}

fn append(into: &mut BTreeMap<String, Vec<String>>, from: &BTreeMap<String, Vec<String>>) {
    for (k, v) in from {
        let list = into.entry(k.clone()).or_default();
        list.extend(
            v.iter()
                .filter(|w| !list.contains(w))
                .cloned()
                .collect::<Vec<_>>(),
        );
    }
}

fn extend_list(into: &mut Vec<String>, from: &[String]) {
    for w in from {
        if !into.contains(w) {
            into.push(w.clone());
        }
    }
}

/// `child`'s lists appended to `base`'s; `child`'s scalars win.
fn merge(base: &Template, child: &Template) -> Template {
    let mut t = child.clone();
    if t.layout.is_none() {
        t.layout = base.layout.clone();
    }
    let lists = |c: &mut Vec<String>, b: &[String]| {
        let mut out = b.to_vec();
        extend_list(&mut out, c);
        *c = out;
    };
    // A flag a base turns on stays on: a family cannot forget it.
    t.funds.headerless |= base.funds.headerless;
    t.indicators.unnamed_targets |= base.indicators.unnamed_targets;
    lists(&mut t.recognise.hints, &base.recognise.hints);
    lists(&mut t.recognise.opens, &base.recognise.opens);
    lists(&mut t.recognise.never, &base.recognise.never);
    lists(&mut t.funds.anchors, &base.funds.anchors);
    lists(&mut t.funds.numbering, &base.funds.numbering);
    lists(&mut t.goals.anchors, &base.goals.anchors);
    lists(&mut t.allocation.titles, &base.allocation.titles);
    lists(&mut t.goals.expected, &base.goals.expected);
    lists(&mut t.goals.actual, &base.goals.actual);
    lists(
        &mut t.indicators.block_labels,
        &base.indicators.block_labels,
    );
    lists(&mut t.indicators.total, &base.indicators.total);
    lists(&mut t.indicators.level_ends, &base.indicators.level_ends);
    lists(&mut t.indicators.date_words, &base.indicators.date_words);
    for (field, under) in &base.indicators.spans {
        t.indicators
            .spans
            .entry(field.clone())
            .or_insert_with(|| under.clone());
    }
    lists(&mut t.grade.labels, &base.grade.labels);
    lists(&mut t.grade.values, &base.grade.values);
    lists(&mut t.footer.labels, &base.footer.labels);
    lists(&mut t.footer.notes, &base.footer.notes);
    lists(&mut t.repairs, &base.repairs);
    lists(&mut t.repairs_when_damaged, &base.repairs_when_damaged);
    for (into, from) in [
        (&mut t.header.fields, &base.header.fields),
        (&mut t.funds.columns, &base.funds.columns),
        (&mut t.funds.rows, &base.funds.rows),
        (&mut t.funds.parts, &base.funds.parts),
        (&mut t.goals.kinds, &base.goals.kinds),
        (&mut t.indicators.periods, &base.indicators.periods),
        (&mut t.indicators.columns, &base.indicators.columns),
    ] {
        let mut out = from.words().clone();
        append(&mut out, into.words());
        *into = Vocabulary::from(out);
    }
    t
}

impl Templates {
    /// The shipped templates.
    pub fn builtin() -> &'static Templates {
        static BUILT: std::sync::OnceLock<Templates> = std::sync::OnceLock::new();
        BUILT.get_or_init(|| {
            let files = BUILTIN
                .iter()
                .map(|(name, text)| parse(name, text).expect("a shipped template parses"))
                .collect();
            Templates::resolve(files).expect("the shipped templates resolve")
        })
    }

    /// The shipped templates and every `*.toml` of `dir`; a template of
    /// `dir` with a shipped template's id replaces it.
    pub fn with_dir(dir: &Path) -> Result<Templates, TemplateError> {
        let io = |source| TemplateError::Io {
            path: dir.display().to_string(),
            source,
        };
        let mut files: Vec<Template> = BUILTIN
            .iter()
            .map(|(name, text)| parse(name, text))
            .collect::<Result<_, _>>()?;
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("toml"))
            })
            .collect();
        paths.sort();
        for p in paths {
            let shown = p.display().to_string();
            let text = std::fs::read_to_string(&p).map_err(|source| TemplateError::Io {
                path: shown.clone(),
                source,
            })?;
            let t = parse(&shown, &text)?;
            files.retain(|f| f.id != t.id);
            files.push(t);
        }
        Templates::resolve(files)
    }

    fn resolve(files: Vec<Template>) -> Result<Templates, TemplateError> {
        let by_id = |id: &str| files.iter().find(|t| t.id == id);
        let mut list = Vec::with_capacity(files.len());
        for t in &files {
            let mut chain = vec![t];
            while let Some(parent) = chain.last().and_then(|c| c.extends.as_deref()) {
                let p = by_id(parent).ok_or_else(|| TemplateError::Invalid {
                    path: format!("template {}", t.id),
                    message: format!("extends `{parent}`, which no template defines"),
                })?;
                if chain.iter().any(|c| c.id == p.id) {
                    return Err(TemplateError::Invalid {
                        path: format!("template {}", t.id),
                        message: format!("`extends` loops back to `{}`", p.id),
                    });
                }
                chain.push(p);
            }
            let mut merged = chain.pop().cloned().unwrap_or_default();
            while let Some(c) = chain.pop() {
                merged = merge(&merged, c);
            }
            list.push(merged);
        }
        Ok(Templates {
            list,
            hints: std::sync::OnceLock::new(),
            titles: std::sync::OnceLock::new(),
        })
    }

    /// The kinds the templates read, in the order first named.
    fn kinds(&self) -> Vec<&str> {
        let mut kinds: Vec<&str> = Vec::new();
        for t in &self.list {
            if !kinds.contains(&t.kind.as_str()) {
                kinds.push(&t.kind);
            }
        }
        kinds
    }

    /// Every recognition hint of the templates of `kind`, indexed.
    pub(crate) fn hints(&self, kind: &str) -> Option<&super::HintIndex> {
        let all = self.hints.get_or_init(|| {
            self.kinds()
                .into_iter()
                .map(|k| {
                    let hints = self.of_kind(k).flat_map(|t| t.recognise.hints.iter());
                    (k.to_string(), super::HintIndex::new(hints))
                })
                .collect()
        });
        all.iter().find(|(k, _)| k == kind).map(|(_, h)| h)
    }

    /// The title words of every kind, indexed.
    pub(crate) fn titles(&self) -> &super::TitleIndex {
        self.titles.get_or_init(|| {
            let kinds = self.kinds().into_iter().map(|k| {
                let of = || self.list.iter().filter(move |t| t.kind == k);
                let opens: Vec<String> = of().flat_map(|t| t.recognise.opens.clone()).collect();
                let never: Vec<String> = of().flat_map(|t| t.recognise.never.clone()).collect();
                (k.to_string(), opens, never)
            });
            super::TitleIndex::new(kinds.collect())
        })
    }

    /// The templates a form can be read with, of `kind`.
    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Template> + 'a {
        self.list
            .iter()
            .filter(move |t| t.kind == kind && !t.is_abstract)
    }

    /// The template with that id.
    pub fn get(&self, id: &str) -> Option<&Template> {
        self.list.iter().find(|t| t.id == id)
    }
}
