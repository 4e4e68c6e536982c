//! The two backends behind one small interface: SQLite (the default, a file
//! that needs no setup) and PostgreSQL (an archive several people share).
//! Statements are written once, in SQL both accept: `$1`, `$2` … numbered
//! in order of first use, `RETURNING id`, TEXT and BIGINT columns.

use crate::ArchiveError;

/// A value bound to a statement or read from a row: an integer or a text,
/// either of which may be NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    /// BIGINT.
    Int(Option<i64>),
    /// TEXT.
    Text(Option<String>),
}

impl Val {
    /// The value as shown in a table: NULL as an empty string.
    pub fn shown(&self) -> String {
        match self {
            Val::Int(Some(i)) => i.to_string(),
            Val::Text(Some(s)) => s.clone(),
            _ => String::new(),
        }
    }

    /// The integer, if this is one.
    pub fn int(&self) -> Option<i64> {
        match self {
            Val::Int(i) => *i,
            Val::Text(Some(s)) => s.parse().ok(),
            Val::Text(None) => None,
        }
    }

    /// The text, if any.
    pub fn text(&self) -> Option<String> {
        match self {
            Val::Text(s) => s.clone(),
            Val::Int(i) => i.map(|i| i.to_string()),
        }
    }
}

impl From<&str> for Val {
    fn from(s: &str) -> Self {
        Val::Text(Some(s.to_string()))
    }
}

impl From<String> for Val {
    fn from(s: String) -> Self {
        Val::Text(Some(s))
    }
}

impl From<Option<String>> for Val {
    fn from(s: Option<String>) -> Self {
        Val::Text(s)
    }
}

impl From<Option<&str>> for Val {
    fn from(s: Option<&str>) -> Self {
        Val::Text(s.map(str::to_string))
    }
}

impl From<i64> for Val {
    fn from(i: i64) -> Self {
        Val::Int(Some(i))
    }
}

impl From<Option<i64>> for Val {
    fn from(i: Option<i64>) -> Self {
        Val::Int(i)
    }
}

/// Which SQL the backend speaks where the two differ (DDL only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// One connection to an archive database.
pub trait Conn {
    /// Which backend this is.
    fn dialect(&self) -> Dialect;
    /// Runs statements separated by `;`, without parameters.
    fn batch(&mut self, sql: &str) -> Result<(), ArchiveError>;
    /// Runs one statement; returns the rows it changed.
    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, ArchiveError>;
    /// Runs one query; returns the column names and the rows.
    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Table, ArchiveError>;
}

/// Rows a query returned, with their column names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows of values, in column order.
    pub rows: Vec<Vec<Val>>,
}

impl Table {
    /// The table as CSV (UTF-8, a header row, NULL as an empty field);
    /// with `bom`, preceded by a byte-order mark, which Excel needs.
    pub fn write_csv(&self, out: &mut dyn std::io::Write, bom: bool) -> Result<(), ArchiveError> {
        let io = |e: std::io::Error| ArchiveError::Invalid(format!("cannot write CSV: {e}"));
        let csv_error = |e: csv::Error| ArchiveError::Invalid(format!("cannot write CSV: {e}"));
        if bom {
            out.write_all("\u{feff}".as_bytes()).map_err(io)?;
        }
        let mut w = csv::Writer::from_writer(out);
        w.write_record(&self.columns).map_err(csv_error)?;
        for row in &self.rows {
            w.write_record(row.iter().map(Val::shown))
                .map_err(csv_error)?;
        }
        w.flush().map_err(io)
    }

    /// The rows as JSON objects keyed by column (integers as numbers,
    /// texts as strings, NULL as null).
    pub fn to_json(&self) -> serde_json::Value {
        let rows = self.rows.iter().map(|r| {
            let object: serde_json::Map<String, serde_json::Value> = self
                .columns
                .iter()
                .zip(r)
                .map(|(c, v)| {
                    let value = match v {
                        Val::Int(Some(i)) => (*i).into(),
                        Val::Text(Some(t)) => t.clone().into(),
                        _ => serde_json::Value::Null,
                    };
                    (c.clone(), value)
                })
                .collect();
            serde_json::Value::Object(object)
        });
        serde_json::Value::Array(rows.collect())
    }

    /// The table as aligned text, for a terminal or a snapshot.
    pub fn to_text(&self) -> String {
        let shown: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(Val::shown).collect())
            .collect();
        use unicode_width::UnicodeWidthStr;
        let width = |k: usize| {
            shown
                .iter()
                .map(|r| r[k].width())
                .chain([self.columns[k].width()])
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..self.columns.len()).map(width).collect();
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.width())))
                .collect();
            padded.join(" | ").trim_end().to_string() + "\n"
        };
        let mut out = line(&self.columns);
        out += &(widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-+-")
            + "\n");
        for r in &shown {
            out += &line(r);
        }
        out
    }
}

/// SQLite through rusqlite (the library is built in).
pub struct Sqlite(pub rusqlite::Connection);

fn sqlite_params(params: &[Val]) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value;
    params
        .iter()
        .map(|p| match p {
            Val::Int(Some(i)) => Value::Integer(*i),
            Val::Text(Some(s)) => Value::Text(s.clone()),
            _ => Value::Null,
        })
        .collect()
}

impl Conn for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn batch(&mut self, sql: &str) -> Result<(), ArchiveError> {
        Ok(self.0.execute_batch(sql)?)
    }

    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, ArchiveError> {
        let mut st = self.0.prepare_cached(sql)?;
        Ok(st.execute(rusqlite::params_from_iter(sqlite_params(params)))? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Table, ArchiveError> {
        use rusqlite::types::ValueRef;
        let mut st = self.0.prepare_cached(sql)?;
        let columns: Vec<String> = st.column_names().iter().map(|c| c.to_string()).collect();
        let n = columns.len();
        let mut rows = Vec::new();
        let mut it = st.query(rusqlite::params_from_iter(sqlite_params(params)))?;
        while let Some(row) = it.next()? {
            let mut values = Vec::with_capacity(n);
            for k in 0..n {
                values.push(match row.get_ref(k)? {
                    ValueRef::Null => Val::Text(None),
                    ValueRef::Integer(i) => Val::Int(Some(i)),
                    ValueRef::Real(f) => Val::Text(Some(f.to_string())),
                    ValueRef::Text(t) => Val::Text(Some(String::from_utf8_lossy(t).into_owned())),
                    ValueRef::Blob(b) => Val::Text(Some(format!("{} bytes", b.len()))),
                });
            }
            rows.push(values);
        }
        Ok(Table { columns, rows })
    }
}

/// PostgreSQL through the synchronous `postgres` client, each statement
/// prepared once per connection (a row costs one round trip, not two).
pub struct Postgres {
    client: postgres::Client,
    prepared: std::collections::HashMap<String, postgres::Statement>,
}

impl Postgres {
    /// Wraps a connected client.
    pub fn new(client: postgres::Client) -> Self {
        Postgres {
            client,
            prepared: std::collections::HashMap::new(),
        }
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, ArchiveError> {
        if let Some(st) = self.prepared.get(sql) {
            return Ok(st.clone());
        }
        let st = self.client.prepare(sql)?;
        self.prepared.insert(sql.to_string(), st.clone());
        Ok(st)
    }
}

fn pg_params(params: &[Val]) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
    params
        .iter()
        .map(|p| -> Box<dyn postgres::types::ToSql + Sync> {
            match p {
                Val::Int(i) => Box::new(*i),
                Val::Text(s) => Box::new(s.clone()),
            }
        })
        .collect()
}

impl Conn for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn batch(&mut self, sql: &str) -> Result<(), ArchiveError> {
        Ok(self.client.batch_execute(sql)?)
    }

    fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, ArchiveError> {
        let boxed = pg_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            boxed.iter().map(|b| b.as_ref()).collect();
        let statement = self.statement(sql)?;
        Ok(self.client.execute(&statement, &refs)?)
    }

    fn query(&mut self, sql: &str, params: &[Val]) -> Result<Table, ArchiveError> {
        use postgres::types::Type;
        let boxed = pg_params(params);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            boxed.iter().map(|b| b.as_ref()).collect();
        let statement = self.statement(sql)?;
        let columns: Vec<String> = statement
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        let mut rows = Vec::new();
        for row in self.client.query(&statement, &refs)? {
            let mut values = Vec::with_capacity(columns.len());
            for (k, column) in row.columns().iter().enumerate() {
                let t = column.type_();
                values.push(if *t == Type::INT8 {
                    Val::Int(row.try_get::<_, Option<i64>>(k)?)
                } else if *t == Type::INT4 {
                    Val::Int(row.try_get::<_, Option<i32>>(k)?.map(i64::from))
                } else if *t == Type::INT2 {
                    Val::Int(row.try_get::<_, Option<i16>>(k)?.map(i64::from))
                } else if *t == Type::BOOL {
                    Val::Int(row.try_get::<_, Option<bool>>(k)?.map(i64::from))
                } else {
                    Val::Text(row.try_get::<_, Option<String>>(k)?)
                });
            }
            rows.push(values);
        }
        Ok(Table { columns, rows })
    }
}
