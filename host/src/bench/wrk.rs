//! The API benchmark's load from a second process: `wrk` (Debian's package),
//! driven by a Lua script that posts a fresh contact each request with the
//! bearer token. Its own report gives the rate, the latency percentiles and
//! the non-2xx count; the server then has both cores to itself but for wrk.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// What one wrk run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct WrkReport {
    /// Requests per second.
    pub rps: f64,
    /// Median latency.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
    /// Requests completed.
    pub requests: u64,
    /// Requests answered other than 2xx/3xx, plus socket errors.
    pub errors: u64,
}

/// True when `wrk` is on the PATH.
pub fn available() -> bool {
    Command::new("wrk")
        .arg("--version")
        .output()
        .is_ok_and(|o| !o.stdout.is_empty() || !o.stderr.is_empty())
}

/// The Lua script: POST with the token, a unique contact per request.
fn script(token: &str) -> String {
    format!(
        r#"local counter = 0
local thread_id = 0
local next_id = 0
function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end
function init(args)
  thread_id = tonumber(wrk.thread:get("thread_id")) or 0
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
function request()
  counter = counter + 1
  local body = '{{"contact":{{"id":"w' .. thread_id .. '-' .. counter .. '"}}}}'
  return wrk.format(nil, nil, nil, body)
end
"#
    )
}

/// Runs wrk against `url` for `seconds` with `connections` and `threads`.
pub fn run(
    url: &str,
    token: &str,
    connections: usize,
    threads: usize,
    seconds: u64,
    workdir: &Path,
) -> anyhow::Result<WrkReport> {
    let script_path = workdir.join("trigger.lua");
    std::fs::write(&script_path, script(token))?;
    let output = Command::new("wrk")
        .arg(format!("-t{threads}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{seconds}s"))
        .arg("--latency")
        .arg("-s")
        .arg(&script_path)
        .arg(url)
        .output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        anyhow::bail!(
            "wrk failed: {}{}",
            text,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    parse(&text)
}

/// Reads wrk's report.
pub fn parse(text: &str) -> anyhow::Result<WrkReport> {
    let mut rps = None;
    let mut p50 = None;
    let mut p99 = None;
    let mut requests = None;
    let mut errors = 0u64;
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", value] => rps = value.parse::<f64>().ok(),
            ["50%", value] => p50 = duration(value),
            ["99%", value] => p99 = duration(value),
            [count, "requests", "in", ..] => requests = count.parse::<u64>().ok(),
            ["Non-2xx", "or", "3xx", "responses:", count] => {
                errors += count.parse::<u64>().unwrap_or(0)
            }
            ["Socket", "errors:", rest @ ..] => {
                errors += rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum::<u64>();
            }
            _ => {}
        }
    }
    match (rps, p50, p99, requests) {
        (Some(rps), Some(p50), Some(p99), Some(requests)) => Ok(WrkReport {
            rps,
            p50,
            p99,
            requests,
            errors,
        }),
        _ => anyhow::bail!("wrk's report was not understood:\n{text}"),
    }
}

/// `812.00us`, `1.23ms`, `2.01s`.
fn duration(text: &str) -> Option<Duration> {
    let (number, unit) = text
        .find(|c: char| c.is_ascii_alphabetic())
        .map(|i| text.split_at(i))?;
    let value: f64 = number.parse().ok()?;
    let micros = match unit {
        "us" => value,
        "ms" => value * 1_000.0,
        "s" => value * 1_000_000.0,
        "m" => value * 60_000_000.0,
        _ => return None,
    };
    Some(Duration::from_nanos((micros * 1_000.0) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "Running 10s test @ http://127.0.0.1:40000/api/v2/workflows/w/execute
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.10ms    2.30ms  40.12ms   80.00%
    Req/Sec     5.25k   300.00     5.80k    70.00%
  Latency Distribution
     50%    5.80ms
     75%    7.00ms
     90%    8.50ms
     99%   14.20ms
  52500 requests in 10.00s, 12.34MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   5249.87
Transfer/sec:      1.23MB
";

    #[test]
    fn reads_rate_percentiles_and_errors() {
        let report = parse(SAMPLE).unwrap();
        assert_eq!(report.rps, 5249.87);
        assert_eq!(report.p50, Duration::from_micros(5_800));
        assert_eq!(report.p99, Duration::from_micros(14_200));
        assert_eq!(report.requests, 52_500);
        assert_eq!(report.errors, 7);
    }

    #[test]
    fn units_and_garbage() {
        assert_eq!(duration("812.00us"), Some(Duration::from_micros(812)));
        assert_eq!(duration("1.50s"), Some(Duration::from_millis(1_500)));
        assert_eq!(duration("fast"), None);
        assert!(parse("nothing useful").is_err());
    }
}
