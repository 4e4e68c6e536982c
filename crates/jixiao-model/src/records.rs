//! The typed records a document is read into.

use crate::number::{Measure, Num};
use serde::Serialize;

/// Where something is in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 0-based tab-separated column, when one cell is meant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// For a PDF: the page the line is on and the cell's box.
    #[serde(flatten)]
    pub place: Place,
}

impl Location {
    /// A whole line.
    pub fn line(line: usize) -> Self {
        Location {
            line,
            column: None,
            place: Place::default(),
        }
    }
    /// One cell.
    pub fn cell(line: usize, column: usize) -> Self {
        Location {
            line,
            column: Some(column),
            place: Place::default(),
        }
    }
}

/// A span of source lines, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LineSpan {
    /// First line.
    pub start: usize,
    /// Last line.
    pub end: usize,
}

/// Money unit the form's amounts are printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoneyUnit {
    /// 元
    Yuan,
    /// 万元
    WanYuan,
}

/// Where a value that the form itself does not print legibly came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Printed in this form.
    Form,
    /// Printed once for the whole document, or the same in every other form
    /// of the document that prints it legibly.
    Document,
}

/// The two self-evaluation layouts in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// 财政项目支出绩效自评表: funds block, goals, indicator table with 分值/得分.
    Modern,
    /// 项目绩效自我评价: label/value header, indicator groups with 权重/自评分.
    Older,
}

/// Which line of the funds block a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FundsLine {
    /// 年度资金总额
    Total,
    /// 当年财政拨款
    Appropriation,
    /// 上年结转资金
    Carryover,
    /// 其他资金
    Other,
    /// 财政专户管理资金
    SpecialAccount,
    /// 单位资金 / 单位自筹
    UnitFunds,
    /// 中央资金 (a part of the appropriation where one is printed)
    Central,
    /// 省级资金 (a part of the appropriation where one is printed)
    Provincial,
    /// 市县资金 (a part of the appropriation where one is printed)
    Local,
    /// A fund source no template names; its printed label is in `label`.
    Source,
}

/// Every funds row kind with its key in field paths and its usual label.
const FUNDS_LINES: [(FundsLine, &str, &str); 10] = [
    (FundsLine::Total, "total", "年度资金总额"),
    (FundsLine::Appropriation, "appropriation", "当年财政拨款"),
    (FundsLine::Carryover, "carryover", "上年结转资金"),
    (FundsLine::Other, "other", "其他资金"),
    (
        FundsLine::SpecialAccount,
        "special_account",
        "财政专户管理资金",
    ),
    (FundsLine::UnitFunds, "unit_funds", "单位资金"),
    (FundsLine::Central, "central", "中央资金"),
    (FundsLine::Provincial, "provincial", "省级资金"),
    (FundsLine::Local, "local", "市县资金"),
    (FundsLine::Source, "source", "资金来源"),
];

impl FundsLine {
    fn entry(self) -> &'static (FundsLine, &'static str, &'static str) {
        FUNDS_LINES
            .iter()
            .find(|e| e.0 == self)
            .expect("every kind is in FUNDS_LINES")
    }

    /// The usual label of the row (messages use the printed one where the
    /// row has it).
    pub fn label(self) -> &'static str {
        self.entry().2
    }

    /// The key of the row in field paths (`funds.total.executed`).
    pub fn key(self) -> &'static str {
        self.entry().1
    }

    /// The row of a role name of the templates (`total`, `unit_funds` …).
    pub fn from_key(key: &str) -> Option<FundsLine> {
        FUNDS_LINES.iter().find(|e| e.1 == key).map(|e| e.0)
    }

    /// A part of the appropriation, not a source beside it.
    pub fn is_sub_source(self) -> bool {
        matches!(
            self,
            FundsLine::Central | FundsLine::Provincial | FundsLine::Local
        )
    }
}

/// One row of the funds block (项目资金).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FundsRow {
    /// Which row.
    pub row: FundsLine,
    /// Source line.
    pub line: usize,
    /// 年初预算数
    pub initial_budget: Option<Num>,
    /// 全年预算数 / 调整后预算数 / 当年预算数
    pub adjusted_budget: Option<Num>,
    /// 全年执行数 / 预算执行数
    pub executed: Option<Num>,
    /// 分值 / 分数 / 权重 (points available for budget execution)
    pub weight: Option<Num>,
    /// 执行率, in percent (`97.68%` and `97.68` in a `(%)` column both read 97.68)
    pub execution_rate: Option<Num>,
    /// 得分
    pub score: Option<Num>,
    /// The label as printed, where a template read the row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// 到位数, where printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received: Option<Num>,
    /// 原因, where the block has such a column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl FundsRow {
    /// A row of kind `row` at `line` with no value read yet.
    pub fn empty(row: FundsLine, line: usize) -> Self {
        FundsRow {
            row,
            line,
            initial_budget: None,
            adjusted_budget: None,
            executed: None,
            weight: None,
            execution_rate: None,
            score: None,
            label: None,
            received: None,
            reason: None,
        }
    }

    /// The label to name the row by: as printed, else the usual one.
    pub fn name(&self) -> &str {
        self.label.as_deref().unwrap_or(self.row.label())
    }
}

/// 年度总体目标: what was planned and what was done.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Goals {
    /// 预期目标
    pub expected: Option<String>,
    /// 实际完成情况
    pub actual: Option<String>,
    /// Goal text that could not be told apart into expected and actual
    /// (printed without columns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsplit: Option<String>,
}

/// A group of indicators with what its label or row prints for it: a
/// weight in the label (`投入与管理 (36分)`, `产出指标(50分)`), or the sum of
/// its children on a parent row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct IndicatorGroup {
    /// `投入与管理`, `产出指标`
    pub name: String,
    /// The weight printed for the group (36).
    pub weight: Option<Num>,
    /// 1 for a 一级 group, 2 for a 二级 group.
    #[serde(skip_serializing_if = "is_level_one")]
    pub level: u8,
    /// The 一级 group a 二级 group belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// A weight printed as a range (`40-50`), kept as printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_range: Option<String>,
    /// The score printed on the group's own row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<Num>,
    /// The weight printed on the group's own row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_weight: Option<Num>,
}

fn is_level_one(l: &u8) -> bool {
    *l == 1
}

/// One indicator row (三级指标 with its values).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Indicator {
    /// First source line of the indicator.
    pub line: usize,
    /// Every source line its cells came from.
    pub lines: Vec<usize>,
    /// 一级指标 (产出指标 …): the group name.
    pub level1: Option<String>,
    /// 二级指标 (数量指标 …)
    pub level2: Option<String>,
    /// 三级指标 / 指标名称
    pub name: Option<String>,
    /// 指标解释
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// 指标性质, where printed
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nature: Option<String>,
    /// 度量单位 / 计量单位, where printed
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure_unit: Option<String>,
    /// 年度指标值 / 指标值 / 目标值
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Measure>,
    /// 实际完成值 / 完成值
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<Measure>,
    /// 分值 / 权重
    pub weight: Option<Num>,
    /// 得分 / 自评分
    pub score: Option<Num>,
    /// 偏差原因分析及改进措施 / 备注
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deviation_reason: Option<String>,
    /// 指标方向 / 符号, where printed in its own column
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// 权重占比 (percent), where printed
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_share: Option<Num>,
    /// 折算得分, where printed
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighted_score: Option<Num>,
    /// 评分标准, where printed
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criteria: Option<String>,
    /// One target per area, where the form prints a column for each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_area: Vec<AreaTarget>,
    /// The table (or column group) the row stands in: `annual`,
    /// `mid_term`, `long_term`, where the form prints several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
}

/// A grade band printed by the form itself (`90（含）-100分为优秀`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct GradeBand {
    /// The grade.
    pub grade: String,
    /// Lowest score of the band, included.
    #[serde(with = "rust_decimal::serde::str")]
    #[schemars(with = "String")]
    pub min: rust_decimal::Decimal,
    /// Highest score of the band.
    #[serde(with = "rust_decimal::serde::str")]
    #[schemars(with = "String")]
    pub max: rust_decimal::Decimal,
    /// Whether `max` itself belongs to the band (only the top band).
    pub max_included: bool,
}

/// A note printed under a form (`说明：1、依据本项目应实现的绩效目标…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Note {
    /// Where it is printed.
    pub line: usize,
    /// The text as printed, its cells joined by a space.
    pub text: String,
}

/// A header cell pair with no typed field: `项目类别` → `一次性项目`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct HeaderField {
    /// The field name of the template, or the label as printed.
    pub name: String,
    /// The value as printed.
    pub value: String,
    /// Where the value is.
    pub line: usize,
}

/// Scoring rules that a form's family fixes, which the checks apply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Rules {
    /// Quantitative indicators score by completion (met → full weight).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub indicator_rule: bool,
    /// Parent rows print the sum of their children.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub parent_rows_sum: bool,
    /// 折算得分 = 得分 × 权重占比%.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub weighted_score: bool,
    /// The indicator that is the funds score (scored 分值 × the funds
    /// block's 执行率), where the funds block prints no score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funds_score_indicator: Option<usize>,
}

impl Rules {
    /// No rule set.
    pub fn is_default(&self) -> bool {
        *self == Rules::default()
    }
}

/// A block whose cells were not all placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NotReadWhole {
    /// `funds` or `indicators`.
    pub block: String,
    /// Why.
    pub reason: String,
}

/// A cell kept out of the typed fields, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Unmapped {
    /// Source line.
    pub line: usize,
    /// Column.
    pub column: usize,
    /// The cell text.
    pub text: String,
    /// Why it is not in a field.
    pub reason: String,
    /// For a PDF: the page and box of the cell (see [`Location`]).
    #[serde(flatten)]
    pub place: Place,
}

impl Unmapped {
    /// The cell at `line` and `column` holding `text`, kept out for `reason`
    /// (its place on a page is given later, by the report).
    pub fn new(line: usize, column: usize, text: &str, reason: impl Into<String>) -> Self {
        Unmapped {
            line,
            column,
            text: text.to_string(),
            reason: reason.into(),
            place: Place::default(),
        }
    }
}

/// Where a cell read from a PDF is printed: its page and box.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Place {
    /// The 1-based page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The cell's box on that page (points, origin bottom left, rounded
    /// to 0.01).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::geometry::Rect>")]
    pub bbox: Option<crate::geometry::PageBox>,
}

/// A field that the form should print but could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Missing {
    /// Path of the field in this form (`funds.total.initial_budget`).
    pub field: String,
    /// Why it is null.
    pub reason: String,
}

/// Something the reader did to text that was not a clean table: joining a
/// row split across a page, dropping a second text layer ….
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Repair {
    /// The line the repair is about.
    pub line: usize,
    /// What was done.
    pub action: String,
    /// Whether the repair decided which printed numbers are counted (a row
    /// dropped as a duplicate, totals read from an unlabelled line …), so
    /// that sums over this form rest on the reader's judgement.
    pub affects_numbers: bool,
}

/// How many source cells went where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CellCount {
    /// Non-empty cells in the form's lines.
    pub total: usize,
    /// Cells read into fields (labels included).
    pub mapped: usize,
    /// Cells in `unmapped`.
    pub unmapped: usize,
}

/// A self-evaluation (财政项目支出绩效自评表 / 项目绩效自我评价).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SelfEvaluation {
    /// Which layout.
    pub layout: Layout,
    /// Source lines of the form.
    pub lines: LineSpan,
    /// The title as printed, if any.
    pub title: Option<String>,
    /// 项目名称
    pub project_name: Option<String>,
    /// Evaluation year (`(2023 年度)`).
    pub year: Option<i32>,
    /// Where the year came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_source: Option<Source>,
    /// Money unit of the amounts.
    pub unit: Option<MoneyUnit>,
    /// Where the unit came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_source: Option<Source>,
    /// 主管部门
    pub department: Option<String>,
    /// 实施单位
    pub implementing_unit: Option<String>,
    /// 预算单位
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_unit: Option<String>,
    /// The funds block, one entry per printed row.
    pub funds: Vec<FundsRow>,
    /// 年度总体目标
    pub goals: Goals,
    /// Indicator groups: their names and the weights printed with them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<IndicatorGroup>,
    /// Every indicator.
    pub indicators: Vec<Indicator>,
    /// Printed total of the weights (总分 row's 分值 column, 合计 权重).
    pub total_weight: Option<Num>,
    /// 总分 / 自评分合计
    pub total_score: Option<Num>,
    /// 评分等级 / 绩效等级
    pub grade: Option<String>,
    /// Where the grade is printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_at: Option<Location>,
    /// Grade bands printed by the form.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub grade_bands: Vec<GradeBand>,
    /// The template the form was read with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The family of that template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// Header cells with no field of their own, label and value as printed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub header_fields: Vec<HeaderField>,
    /// The notes printed under the form (说明, 注).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// The weight of the funds block printed in its label (`预算执行情况(10分)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funds_weight: Option<Num>,
    /// The weight of all indicators printed in a block label (`绩效指标(90分)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicators_weight: Option<Num>,
    /// The scoring rules of the form's family.
    #[serde(skip_serializing_if = "Rules::is_default")]
    pub rules: Rules,
    /// Blocks the reader did not read whole: relations over them are not
    /// checked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_read_whole: Vec<NotReadWhole>,
    /// Fields that could not be read, with why.
    pub missing: Vec<Missing>,
    /// What the reader had to do to untangle the text.
    pub repairs: Vec<Repair>,
    /// Cells kept out of the fields, with why.
    pub unmapped: Vec<Unmapped>,
    /// Where the source cells went.
    pub cells: CellCount,
}

impl SelfEvaluation {
    /// A form of `layout` over `lines` with nothing read yet.
    pub fn empty(layout: Layout, lines: LineSpan) -> Self {
        SelfEvaluation {
            layout,
            lines,
            title: None,
            project_name: None,
            year: None,
            year_source: None,
            unit: None,
            unit_source: None,
            department: None,
            implementing_unit: None,
            budget_unit: None,
            funds: Vec::new(),
            goals: Goals::default(),
            groups: Vec::new(),
            indicators: Vec::new(),
            total_weight: None,
            total_score: None,
            grade: None,
            grade_at: None,
            grade_bands: Vec::new(),
            template: None,
            family: None,
            header_fields: Vec::new(),
            notes: Vec::new(),
            funds_weight: None,
            indicators_weight: None,
            rules: Rules::default(),
            not_read_whole: Vec::new(),
            missing: Vec::new(),
            repairs: Vec::new(),
            unmapped: Vec::new(),
            cells: CellCount::default(),
        }
    }

    /// The value of the header field a template names `name`
    /// (`evaluated_on` → 自评时间), if printed.
    pub fn header_field(&self, name: &str) -> Option<&str> {
        self.header_fields
            .iter()
            .find(|h| h.name == name)
            .map(|h| h.value.as_str())
    }

    /// The funds row of that kind, if printed.
    pub fn funds_row(&self, which: FundsLine) -> Option<&FundsRow> {
        self.funds.iter().find(|r| r.row == which)
    }
}

/// 项目类别 of a declaration, from its checkboxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectCategory {
    /// 一次性项目
    OneOff,
    /// 经常性项目
    Recurring,
    /// 中期预算试点项目
    MidTermPilot,
}

/// 项目立项情况, split into its three parts where the text marks them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Approval {
    /// 依据
    pub basis: Option<String>,
    /// 必要性
    pub necessity: Option<String>,
    /// 可行性
    pub feasibility: Option<String>,
    /// Text before the first marker, or all of it when none is printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// 项目资金 of a declaration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DeclarationFunds {
    /// 项目总预算
    pub total_budget: Option<Num>,
    /// 当年预算
    pub annual_budget: Option<Num>,
    /// 财政拨款
    pub appropriation: Option<Num>,
    /// 上级财政拨款
    pub from_higher: Option<Num>,
    /// 本级财政安排
    pub from_same_level: Option<Num>,
    /// 下级财政配套
    pub from_lower: Option<Num>,
    /// 其他资金
    pub other: Option<Num>,
}

/// One performance target (三级目标 with its 目标值).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Target {
    /// Source line.
    pub line: usize,
    /// Every source line its cells came from.
    pub lines: Vec<usize>,
    /// 一级目标 (产出目标, 效果目标, 影响力目标)
    pub level1: Option<String>,
    /// 二级目标 (数量, 质量, 时效, 社会效益 …)
    pub level2: Option<String>,
    /// 三级目标
    pub name: Option<String>,
    /// 目标值
    pub value: Option<Measure>,
    /// 备注
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// 分值, where the form prints one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<Num>,
    /// 指标性质 (正向 / 反向, or the comparator some forms print there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nature: Option<String>,
    /// 计量单位 / 度量单位, where printed in its own column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure_unit: Option<String>,
    /// 指标方向 / 计算符号, where printed in its own column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// 指标解释 / 指标值说明, where printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// One target per area, where the form prints a column for each
    /// (区域目标值 over 新罗区 · 永定区 …); `value` is then empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_area: Vec<AreaTarget>,
    /// `annual`, `mid_term` or `long_term`, where the form prints a table
    /// (or a column group) for each.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
}

/// The target one area is set, in a form that prints a column per area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AreaTarget {
    /// The area as printed in the column header.
    pub area: String,
    /// Its target.
    pub value: Measure,
}

/// A table of amounts printed before a declaration, dividing its money
/// among areas or recipients (资金分配表, 预算安排表).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AllocationTable {
    /// Its title as printed.
    pub title: Option<String>,
    /// Source lines.
    pub lines: LineSpan,
    /// The leaf column headers in printed order; a header under a spanning
    /// one is written `上级/下级`.
    pub columns: Vec<TableColumn>,
    /// The data rows in printed order (小计 and 合计 rows included).
    pub rows: Vec<TableRow>,
    /// The money unit the table prints (`单位:万元`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<MoneyUnit>,
}

/// A leaf column header of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TableColumn {
    /// Source column.
    pub column: usize,
    /// Its header path as printed, levels joined by `/`.
    pub header: String,
}

/// One data row of a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TableRow {
    /// Source line.
    pub line: usize,
    /// Its non-empty cells.
    pub cells: Vec<TableCell>,
}

/// One cell of a [`TableRow`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TableCell {
    /// Source column.
    pub column: usize,
    /// The header of its column, if the table prints one there.
    pub header: Option<String>,
    /// The text as printed.
    pub text: String,
    /// The number it prints, if it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<Num>,
}

/// One row of a declaration's funds block: a fund source (or a total, or
/// a line of 收入构成 / 支出构成) and its amounts, by column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FundSource {
    /// Source line.
    pub line: usize,
    /// What the row is (`source` for a label no template names).
    pub row: FundsLine,
    /// The label as printed.
    pub label: String,
    /// The column of the label: blocks printed side by side (项目资金总额
    /// beside 年度资金申请总额) are told apart by it.
    pub column: usize,
    /// The part of the block the row stands in (`income` for 收入构成,
    /// `expenditure` for 支出构成), where the block has parts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block: Option<String>,
    /// The amounts printed on the row, by column meaning (`amount`,
    /// `share`, `annual`, `mid_term` …), in printed order.
    pub amounts: Vec<ColumnAmount>,
}

/// One amount of a [`FundSource`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ColumnAmount {
    /// The column's meaning (`amount` where the block prints one column).
    pub column: String,
    /// The number, its cell text kept whole in `raw` (`854万(…)`).
    pub value: Num,
}

/// One line of 项目构成分解.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LineItem {
    /// Source line.
    pub line: usize,
    /// 项目名称
    pub project: Option<String>,
    /// 项目内容
    pub content: Option<String>,
    /// 项目明细
    pub detail: Option<String>,
    /// 明细金额
    pub amount: Option<Num>,
    /// 单价
    pub unit_price: Option<Num>,
    /// 依据 of the unit price
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_basis: Option<String>,
    /// 数量
    pub quantity: Option<Num>,
    /// 依据 of the quantity
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity_basis: Option<String>,
    /// 备注
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
}

/// The three stages a safeguard may apply to: `true` marked ✓/√, `false`
/// marked ×, `null` printed without a mark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Stages {
    /// 立项和计划阶段
    pub planning: Option<bool>,
    /// 实施阶段
    pub implementation: Option<bool>,
    /// 收尾和完成阶段
    pub completion: Option<bool>,
}

/// One row of 制度保障.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Safeguard {
    /// Source line.
    pub line: usize,
    /// 项目管理制度, 预算管理制度, 财务管理制度 …
    pub category: Option<String>,
    /// 文件名称
    pub document: Option<String>,
    /// 具体措施
    pub measures: Option<String>,
    /// 保障阶段
    pub stages: Stages,
}

/// An amount printed a second time in the same declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AmountCopy {
    /// The label it is printed with (项目总预算, 当年预算 …).
    pub field: String,
    /// The second printing.
    pub amount: Num,
}

/// A performance-target declaration (财政项目支出绩效目标申报表), its three
/// parts (项目总体情况, 绩效目标, 制度保障) joined by 项目名称.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Declaration {
    /// From the first line of the first part to the last line of the last.
    pub lines: LineSpan,
    /// Each part's lines: overview, targets, safeguards (as printed).
    pub parts: Vec<LineSpan>,
    /// 项目名称
    pub project_name: Option<String>,
    /// Budget year (`（ 2020 年）`).
    pub year: Option<i32>,
    /// 金额单位
    pub unit: Option<MoneyUnit>,
    /// 项目类别
    pub category: Option<ProjectCategory>,
    /// 项目负责人
    pub leader: Option<String>,
    /// 联系人
    pub contact: Option<String>,
    /// 联系电话
    pub phone: Option<String>,
    /// 起始日期
    pub start_date: Option<String>,
    /// 结束日期
    pub end_date: Option<String>,
    /// 项目概况
    pub overview: Option<String>,
    /// 项目立项情况
    pub approval: Approval,
    /// 项目资金
    pub funds: DeclarationFunds,
    /// 项目相关资源投入和制度建设情况
    pub resources: Option<String>,
    /// 项目总目标
    pub overall_goal: Option<String>,
    /// 年度绩效目标
    pub annual_goal: Option<String>,
    /// 需要说明的其他问题
    pub other_issues: Option<String>,
    /// 主体活动(作业、任务)和对应产生的详细描述
    pub activities: Option<String>,
    /// 绩效目标: the target tree, one entry per 三级目标.
    pub targets: Vec<Target>,
    /// 项目构成分解
    pub line_items: Vec<LineItem>,
    /// 金额合计
    pub items_total: Option<Num>,
    /// 制度保障
    pub safeguards: Vec<Safeguard>,
    /// Amounts of 项目资金 printed a second time (a table in one cell and
    /// its flattened copy beside it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<AmountCopy>,
    /// Fields that could not be read, with why.
    pub missing: Vec<Missing>,
    /// What the reader had to do to untangle the text.
    pub repairs: Vec<Repair>,
    /// Cells kept out of the fields, with why.
    pub unmapped: Vec<Unmapped>,
    /// Where the source cells went.
    pub cells: CellCount,
    /// The template the form was read with, where the generic engine read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The family of that template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// The title as printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// 主管部门
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// 实施单位
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implementing_unit: Option<String>,
    /// Header cells with no field of their own, label and value as printed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub header_fields: Vec<HeaderField>,
    /// 资金情况 as the engine reads it: every printed row, an open list.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<FundSource>,
    /// 中期目标
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mid_term_goal: Option<String>,
    /// 长期目标
    #[serde(skip_serializing_if = "Option::is_none")]
    pub long_term_goal: Option<String>,
    /// Indicator groups with printed weights or weight ranges.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<IndicatorGroup>,
    /// The weight of all indicators printed in a block label (`绩效指标(90分)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicators_weight: Option<Num>,
    /// Blocks the reader did not read whole: relations over them are not
    /// checked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_read_whole: Vec<NotReadWhole>,
    /// The allocation table printed before the form, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocation: Option<AllocationTable>,
}

impl Declaration {
    /// A declaration over `lines` (its parts' lines in `parts`) with nothing
    /// read yet.
    pub fn empty(lines: LineSpan, parts: Vec<LineSpan>) -> Self {
        Declaration {
            lines,
            parts,
            project_name: None,
            year: None,
            unit: None,
            category: None,
            leader: None,
            contact: None,
            phone: None,
            start_date: None,
            end_date: None,
            overview: None,
            approval: Approval::default(),
            funds: DeclarationFunds::default(),
            resources: None,
            overall_goal: None,
            annual_goal: None,
            other_issues: None,
            activities: None,
            targets: Vec::new(),
            line_items: Vec::new(),
            items_total: None,
            safeguards: Vec::new(),
            copies: Vec::new(),
            missing: Vec::new(),
            repairs: Vec::new(),
            unmapped: Vec::new(),
            cells: CellCount::default(),
            template: None,
            family: None,
            title: None,
            department: None,
            implementing_unit: None,
            header_fields: Vec::new(),
            sources: Vec::new(),
            mid_term_goal: None,
            long_term_goal: None,
            groups: Vec::new(),
            indicators_weight: None,
            not_read_whole: Vec::new(),
            allocation: None,
        }
    }
}

/// Which unit budget table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BudgetTableKind {
    /// 财务收支预算总表
    RevenueExpenditure,
    /// 收入预算总表
    Revenue,
    /// 支出预算总表
    Expenditure,
    /// 财政拨款收支预算总表
    Appropriation,
    /// 一般公共预算支出功能分类预算表
    GeneralPublicFunctional,
    /// 政府性基金预算支出功能分类预算表
    GovernmentFundFunctional,
    /// 一般公共预算基本支出经济分类预算表
    BasicEconomic,
    /// “三公”经费和机关运行经费预算表
    ThreePublic,
    /// 国有资本经营预算支出表
    StateCapital,
    /// A table of amounts whose rows carry 类/款/项 subject codes, under a
    /// title that names none of the kinds above.
    Other,
}

/// A header cell and the header cells below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct HeaderNode {
    /// Its text, without whitespace.
    pub label: String,
    /// Source line.
    pub line: usize,
    /// First column it spans.
    pub column: usize,
    /// First column after its span.
    pub span_end: usize,
    /// The header cells under it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<HeaderNode>,
}

/// An amount column of a budget table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AmountColumn {
    /// Source column.
    pub column: usize,
    /// Its own header (`人员经费`).
    pub name: String,
    /// Its header path (`本年支出/预算数/基本支出/人员经费`).
    pub path: String,
}

/// The side of a two-sided table (收入 | 支出).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// 收入
    Revenue,
    /// 支出
    Expenditure,
}

/// One row of a budget table (one side of it, in a two-sided table).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct BudgetRow {
    /// Source line.
    pub line: usize,
    /// Side, in a two-sided table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side: Option<Side>,
    /// Full classification code (`2050801`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// 类
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// 款
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// 项
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// The row's name (科目名称, 项目, 合计 …).
    pub name: Option<String>,
    /// A 合计/总计 row.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub total: bool,
    /// One entry per amount column of its side, in column order; `null`
    /// where nothing is printed.
    pub amounts: Vec<Option<Num>>,
}

/// A unit budget table (单位预算表).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct BudgetTable {
    /// Which table.
    pub table: BudgetTableKind,
    /// Its title as printed.
    pub title: Option<String>,
    /// Source lines.
    pub lines: LineSpan,
    /// 单位
    pub unit: Option<MoneyUnit>,
    /// The header tree.
    pub header: Vec<HeaderNode>,
    /// Amount columns (the header's leaves), in column order.
    pub columns: Vec<AmountColumn>,
    /// Data rows in source order.
    pub rows: Vec<BudgetRow>,
    /// A statement printed instead of data (`2020年本单位无政府性基金预算`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// Why the table was not read whole, if it was not: its relations are
    /// then not checked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_read_whole: Vec<NotReadWhole>,
    /// Fields that could not be read, with why.
    pub missing: Vec<Missing>,
    /// What the reader had to do to untangle the text.
    pub repairs: Vec<Repair>,
    /// Cells kept out of the fields, with why.
    pub unmapped: Vec<Unmapped>,
    /// Where the source cells went.
    pub cells: CellCount,
}

impl BudgetTable {
    /// The amount columns a row of `side` has, in the order of its `amounts`.
    pub fn columns_of(&self, side: Option<Side>) -> Vec<&AmountColumn> {
        self.columns
            .iter()
            .filter(|c| {
                side.is_none()
                    || c.path
                        .split('/')
                        .next()
                        .is_some_and(|root| side_matches(root, side))
            })
            .collect()
    }
}

fn side_matches(root: &str, side: Option<Side>) -> bool {
    match side {
        Some(Side::Revenue) => root.ends_with("收入"),
        Some(Side::Expenditure) => root.ends_with("支出") && !root.contains("预算支出"),
        None => true,
    }
}

/// A heading of the prose and its paragraphs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NarrativeSection {
    /// Line of the heading (or of the first paragraph).
    pub line: usize,
    /// The heading, without its `#` marks.
    pub heading: Option<String>,
    /// The paragraphs under it.
    pub paragraphs: Vec<Paragraph>,
}

/// One paragraph of prose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Paragraph {
    /// Source line.
    pub line: usize,
    /// Its text.
    pub text: String,
}

/// A figure the prose states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NarrativeFigure {
    /// Source line.
    pub line: usize,
    /// What it is a figure of, as worded (`基本支出预算`, `“教师进修”科目`).
    pub subject: String,
    /// The amount.
    pub amount: Num,
    /// Its unit (the prose states 万元).
    pub unit: MoneyUnit,
    /// The year it is compared with, if any (`比2019年预算`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared_year: Option<i32>,
    /// The change against that year, signed (`减少38.45万元` → -38.45; `持平` → 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Num>,
    /// The change in percent, signed (`下降0.7%` → -0.7).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_percent: Option<Num>,
    /// The sentence it stands in.
    pub text: String,
    /// The share of a whole the text gives it (`占基本支出预算18.76%`), in
    /// percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<Num>,
    /// What that share is of, as worded (`基本支出预算`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_of: Option<String>,
    /// The figures the text gives as its parts (`…元。其中:` and one line
    /// per part below), by their place in `figures`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<usize>,
}

/// The prose of a budget disclosure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Narrative {
    /// Source lines.
    pub lines: LineSpan,
    /// Sections in order.
    pub sections: Vec<NarrativeSection>,
    /// Every figure stated, in order.
    pub figures: Vec<NarrativeFigure>,
    /// The number of projects with performance targets it states (`项目共22个`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_count: Option<Num>,
    /// Cells kept out of the fields, with why.
    pub unmapped: Vec<Unmapped>,
    /// Where the source cells went.
    pub cells: CellCount,
}

impl Narrative {
    /// Prose over `lines` with nothing read in it.
    pub fn empty(lines: LineSpan) -> Self {
        Narrative {
            lines,
            sections: Vec::new(),
            figures: Vec::new(),
            project_count: None,
            unmapped: Vec::new(),
            cells: CellCount::default(),
        }
    }
}

/// One form of a document.
// A document holds a few dozen forms at most; boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Form {
    /// 财政项目支出绩效自评表 / 项目绩效自我评价
    SelfEvaluation(SelfEvaluation),
    /// 财政项目支出绩效目标申报表
    Declaration(Declaration),
    /// 单位预算表
    BudgetTable(BudgetTable),
    /// 预算编制说明, 其他相关情况说明 …
    Narrative(Narrative),
}

impl Form {
    /// First source line of the form.
    pub fn line(&self) -> usize {
        match self {
            Form::SelfEvaluation(s) => s.lines.start,
            Form::Declaration(d) => d.lines.start,
            Form::BudgetTable(t) => t.lines.start,
            Form::Narrative(n) => n.lines.start,
        }
    }

    /// The source lines the form covers.
    pub fn lines(&self) -> LineSpan {
        match self {
            Form::SelfEvaluation(s) => s.lines,
            Form::Declaration(d) => d.lines,
            Form::BudgetTable(t) => t.lines,
            Form::Narrative(n) => n.lines,
        }
    }

    /// How its cells were accounted for.
    pub fn cells(&self) -> CellCount {
        match self {
            Form::SelfEvaluation(s) => s.cells,
            Form::Declaration(d) => d.cells,
            Form::BudgetTable(t) => t.cells,
            Form::Narrative(n) => n.cells,
        }
    }

    /// The self-evaluation, if the form is one.
    pub fn as_self_evaluation(&self) -> Option<&SelfEvaluation> {
        match self {
            Form::SelfEvaluation(s) => Some(s),
            _ => None,
        }
    }

    /// The declaration, if the form is one.
    pub fn as_declaration(&self) -> Option<&Declaration> {
        match self {
            Form::Declaration(d) => Some(d),
            _ => None,
        }
    }

    /// The budget table, if the form is one.
    pub fn as_budget_table(&self) -> Option<&BudgetTable> {
        match self {
            Form::BudgetTable(t) => Some(t),
            _ => None,
        }
    }

    /// The prose, if the form is prose.
    pub fn as_narrative(&self) -> Option<&Narrative> {
        match self {
            Form::Narrative(n) => Some(n),
            _ => None,
        }
    }

    /// Cells kept out of its fields.
    pub fn unmapped(&self) -> &[Unmapped] {
        match self {
            Form::SelfEvaluation(s) => &s.unmapped,
            Form::Declaration(d) => &d.unmapped,
            Form::BudgetTable(t) => &t.unmapped,
            Form::Narrative(n) => &n.unmapped,
        }
    }

    /// The cells kept out of its fields, to be added to (their places).
    pub fn unmapped_mut(&mut self) -> &mut Vec<Unmapped> {
        match self {
            Form::SelfEvaluation(s) => &mut s.unmapped,
            Form::Declaration(d) => &mut d.unmapped,
            Form::BudgetTable(t) => &mut t.unmapped,
            Form::Narrative(n) => &mut n.unmapped,
        }
    }
}

/// Lines of a document that no reader of this version recognises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Unrecognized {
    /// The lines.
    pub lines: LineSpan,
    /// Non-empty cells in them.
    pub cells: usize,
    /// Why they were not read.
    pub reason: String,
}

/// A whole source document.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Document {
    /// Forms in source order.
    pub forms: Vec<Form>,
    /// Stretches of lines that belong to no recognised form.
    pub unrecognized: Vec<Unrecognized>,
    /// Cells that print a number beyond what the checks compute with: the
    /// relations of the forms holding them are not checked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub out_of_range: Vec<Unmapped>,
    /// For a PDF: where each row (`line`) is on its page, cell by cell.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub geometry: Vec<crate::geometry::RowGeometry>,
    /// For a spreadsheet, a Word file or an HTML page: where each row
    /// (`line`) came from (sheet, table or text, source row) and each
    /// cell's source column, span and stored value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<crate::origin::RowOrigin>,
    /// What had to be repaired to read the file at all (a PDF's lost
    /// cross-reference table), so a reader knows the text is recovered.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub repairs: Vec<String>,
    /// For a text file: the encoding its bytes were read in (`UTF-8`,
    /// `GBK`, `UTF-16LE with BOM` …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}
