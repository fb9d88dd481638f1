//! The connection to a Spark Connect server: every query faultline sends goes
//! through [`Client::rows`], which logs it (`--verbose`) and turns Spark's errors
//! into faultline's. Only `SELECT`s are sent; nothing is written to the cluster.

use spark_connect::row::{Row, Value};
use spark_connect::types::DataType;
use spark_connect::{SparkError, SparkSession};

use super::source::SparkSource;
use crate::error::{Error, Result};

/// A session on one Spark Connect server, for one source.
pub struct Client {
    session: SparkSession,
    source: SparkSource,
    verbose: bool,
    /// Bytes of results received (the Arrow batches' decoded values), for benchmarks.
    received: std::sync::atomic::AtomicU64,
}

/// The tag every faultline query carries, so a Cancel interrupts exactly them.
pub const TAG: &str = "faultline";

impl Client {
    /// Opens a session. An unreachable server is reported by the first query (the
    /// channel connects lazily), which [`Client::check`] sends at once.
    pub fn connect(source: &SparkSource, verbose: bool) -> Result<Client> {
        probe(source)?;
        let session = SparkSession::builder()
            .remote(&source.remote)
            .get_or_create()
            .map_err(|e| spark_error(source, &e))?;
        session.add_tag(TAG).map_err(|e| spark_error(source, &e))?;
        let client = Client {
            session,
            source: source.clone(),
            verbose,
            received: std::sync::atomic::AtomicU64::new(0),
        };
        client.check()?;
        Ok(client)
    }

    fn check(&self) -> Result<()> {
        self.rows("SELECT 1").map(|_| ())
    }

    pub fn source(&self) -> &SparkSource {
        &self.source
    }

    /// Runs one query and returns its rows (always small: aggregates, a page).
    pub fn rows(&self, sql: &str) -> Result<Vec<Row>> {
        if self.verbose {
            eprintln!("faultline: spark sql: {sql}");
        }
        let start = std::time::Instant::now();
        let frame = self
            .session
            .sql(sql)
            .map_err(|e| spark_error(&self.source, &e))?;
        let rows = frame.collect().map_err(|e| spark_error(&self.source, &e))?;
        let bytes: usize = rows.iter().flat_map(|r| r.values()).map(value_bytes).sum();
        self.received
            .fetch_add(bytes as u64, std::sync::atomic::Ordering::Relaxed);
        if self.verbose {
            eprintln!(
                "faultline: spark: {} rows, {bytes} bytes in {:.0} ms",
                rows.len(),
                start.elapsed().as_secs_f64() * 1e3
            );
        }
        Ok(rows)
    }

    /// [`Client::rows`] for a query that always has an answer (a global aggregate,
    /// or an aggregate over rows known to exist): an empty result means the
    /// result stream ended early, and is an error rather than missing numbers.
    pub fn answer(&self, sql: &str) -> Result<Vec<Row>> {
        let start = std::time::Instant::now();
        let rows = self.rows(sql)?;
        if rows.is_empty() {
            return Err(self.error(format!(
                "the result stream ended after {:.0} s without the query's answer. Spark Connect \
                 servers end a result stream after spark.connect.execute.reattachable.senderMaxStreamDuration \
                 (2 minutes by default) and this client does not reattach: raise that limit on the \
                 server (scripts/spark-server.sh sets 1h) or give the cluster more cores",
                start.elapsed().as_secs_f64()
            )));
        }
        Ok(rows)
    }

    /// The columns of the source, with their Spark types.
    pub fn columns(&self, relation: &str) -> Result<Vec<(String, DataType)>> {
        let sql = format!("SELECT * FROM {relation} LIMIT 0");
        if self.verbose {
            eprintln!("faultline: spark schema: {sql}");
        }
        let frame = self
            .session
            .sql(&sql)
            .map_err(|e| spark_error(&self.source, &e))?;
        let schema = frame.schema().map_err(|e| spark_error(&self.source, &e))?;
        match schema {
            DataType::Struct { fields } => {
                Ok(fields.into_iter().map(|f| (f.name, f.data_type)).collect())
            }
            other => Err(self.error(format!("the source's schema is not a table: {other:?}"))),
        }
    }

    /// Interrupts every running faultline query of this session (the window's Cancel).
    pub fn interrupt(&self) {
        // Nothing to interrupt, or the server gone: either way nothing runs.
        if let Err(e) = self.session.interrupt_tag(TAG) {
            eprintln!("faultline: spark: interrupt: {e}");
        }
    }

    /// Bytes of result values received so far.
    pub fn received_bytes(&self) -> u64 {
        self.received.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// An error about this source.
    pub fn error(&self, detail: String) -> Error {
        Error::Spark {
            source_name: self.source.display(),
            remote: self.source.remote.clone(),
            detail,
        }
    }
}

/// Fails fast when nothing listens at the address: the client retries a refused
/// connection with backoff for minutes (as PySpark does), which helps a server
/// that restarts but not a wrong address.
fn probe(source: &SparkSource) -> Result<()> {
    use std::net::{TcpStream, ToSocketAddrs};
    let rest = source.remote.trim_start_matches("sc://");
    let authority = rest.split(['/', ';']).next().unwrap_or_default();
    let address = if authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        authority.to_string()
    } else {
        format!("{authority}:15002")
    };
    let fail = |detail: String| Error::Spark {
        source_name: source.display(),
        remote: source.remote.clone(),
        detail,
    };
    let addrs: Vec<_> = address
        .to_socket_addrs()
        .map_err(|e| fail(format!("cannot resolve {address}: {e}")))?
        .collect();
    let timeout = std::time::Duration::from_secs(10);
    let mut last = None;
    for a in &addrs {
        match TcpStream::connect_timeout(a, timeout) {
            Ok(_) => return Ok(()),
            Err(e) => last = Some(e),
        }
    }
    Err(fail(format!(
        "cannot reach the server (is it running and is the address right?): {}",
        last.map_or_else(|| "no address".to_string(), |e| e.to_string())
    )))
}

/// What a user needs to read in Spark's error: the server unreachable, or Spark's
/// own first line (it names the missing table or column).
fn spark_error(source: &SparkSource, e: &SparkError) -> Error {
    let message = e.to_string();
    let mut first = message
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    // The error class can come twice: "[CLASS] [CLASS] text".
    if let Some((class, rest)) = first.split_once(' ')
        && class.starts_with('[')
        && rest.starts_with(class)
    {
        first = rest.to_string();
    }
    // gRPC UNAVAILABLE (14) or a transport failure: nothing is listening, or the
    // connection dropped.
    let detail = if e.grpc_code == Some(14)
        || first.to_ascii_lowercase().contains("transport error")
        || first.to_ascii_lowercase().contains("connection refused")
    {
        format!("cannot reach the server (is it running and is the address right?): {first}")
    } else if first.is_empty() {
        format!("{e:?}")
    } else {
        format!("Spark rejected the query: {first}")
    };
    Error::Spark {
        source_name: source.display(),
        remote: source.remote.clone(),
        detail,
    }
}

fn value_bytes(v: &Value) -> usize {
    match v {
        Value::String(s) => s.len(),
        Value::Binary(b) => b.len(),
        Value::Decimal { value, .. } => value.len(),
        _ => 8,
    }
}

/// A value as `f64` (numbers and decimals; null as NaN).
pub fn f64_of(v: Option<&Value>) -> f64 {
    match v {
        Some(Value::Decimal { value, .. }) => value.parse().unwrap_or(f64::NAN),
        Some(v) => v.as_f64().unwrap_or(f64::NAN),
        None => f64::NAN,
    }
}

/// A count (null as 0).
pub fn u64_of(v: Option<&Value>) -> u64 {
    match v {
        Some(Value::Decimal { value, .. }) => value.parse().unwrap_or(0),
        Some(v) => v.as_i64().map_or(0, |x| x.max(0) as u64),
        None => 0,
    }
}

/// A large exact integer (a `DECIMAL(38,0)` sum), null as 0.
pub fn u128_of(v: Option<&Value>) -> u128 {
    match v {
        Some(Value::Decimal { value, .. }) => value
            .split('.')
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        Some(v) => v.as_i64().map_or(0, |x| x.max(0) as u128),
        None => 0,
    }
}

/// A value as text; `None` for null.
pub fn text_of(v: Option<&Value>) -> Option<String> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        Some(v) => Some(
            v.as_i64()
                .map(|i| i.to_string())
                .or_else(|| v.as_f64().map(crate::load::encode::number_text))
                .unwrap_or_else(|| format!("{v:?}")),
        ),
    }
}
