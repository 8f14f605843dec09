//! The real `oogst serve` on a loopback port, and a small HTTP client that sends exactly
//! the bytes a test writes (so traversal attempts reach the server as they are).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `oogst serve`; stopped when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `oogst serve --port 0` on the site at `root` and waits until it listens.
    pub fn start(root: &std::path::Path, extra: &[&str]) -> Server {
        Server::start_with_env(root, extra, &[])
    }

    /// Like [`Server::start`], with these environment variables set for the server.
    pub fn start_with_env(root: &std::path::Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_oogst"));
        command
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .args(extra)
            .envs(env.iter().copied());
        Server::spawn(command)
    }

    /// Starts `oogst serve --port 0` on the site at `root` in a process that may have at
    /// most `limit` files open (sockets included).
    pub fn start_with_open_files(root: &std::path::Path, limit: usize) -> Server {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!(
                "ulimit -n {limit} && exec \"$0\" serve --port 0 --root \"$1\""
            ))
            .arg(env!("CARGO_BIN_EXE_oogst"))
            .arg(root);
        Server::spawn(command)
    }

    /// Runs `command`, an `oogst serve` that prints its URL, and waits until it listens.
    fn spawn(mut command: Command) -> Server {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("oogst serve starts");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (port_tx, port_rx) = channel();
        for stream in [
            Box::new(child.stdout.take().expect("stdout")) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().expect("stderr")),
        ] {
            let (lines, port_tx) = (lines.clone(), port_tx.clone());
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Some(port) = line
                        .split("http://127.0.0.1:")
                        .nth(1)
                        .and_then(|rest| rest.split('/').next())
                        .and_then(|p| p.parse::<u16>().ok())
                    {
                        let _ = port_tx.send(port);
                    }
                    lines.lock().expect("lines").push(line);
                }
            });
        }
        let port = port_rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("no URL printed: {:?}", lines.lock().expect("lines")));
        Server { child, port, lines }
    }

    /// Everything the server printed so far.
    pub fn output(&self) -> Vec<String> {
        self.lines.lock().expect("lines").clone()
    }

    /// Waits until a printed line contains `text`.
    pub fn wait_for_output(&self, text: &str, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if self.output().iter().any(|l| l.contains(text)) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Response {
        self.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        ))
    }

    /// The path of the stylesheet the home page names (published under its hash).
    pub fn stylesheet(&self) -> String {
        let home = self.get("/").text();
        let link = "rel=\"stylesheet\" href=\"";
        let at = home.find(link).expect("a stylesheet link") + link.len();
        home[at..at + home[at..].find('"').expect("a closing quote")].to_string()
    }

    /// Sends `raw` bytes and reads the whole response.
    pub fn request(&self, raw: &str) -> Response {
        self.request_within(raw, Duration::from_secs(10))
    }

    /// `GET path`, waiting up to `within` for the answer.
    pub fn get_within(&self, path: &str, within: Duration) -> Response {
        self.request_within(
            &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
            within,
        )
    }

    fn request_within(&self, raw: &str, within: Duration) -> Response {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream.set_read_timeout(Some(within)).expect("timeout");
        stream.write_all(raw.as_bytes()).expect("send");
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        Response::parse(&bytes)
    }

    /// Opens a connection that sends half a request and then nothing (a slowloris).
    pub fn stall(&self) -> TcpStream {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .expect("send");
        stream
    }

    /// Opens an event stream.
    pub fn events(&self) -> Events {
        self.events_for("")
    }

    /// Opens an event stream the way a page's reload script does, telling its `query`
    /// (`?version=...&page=...`).
    pub fn events_for(&self, query: &str) -> Events {
        self.try_events_for(query)
            .unwrap_or_else(|missed| panic!("the stream did not open: {missed}"))
    }

    /// Opens an event stream, or tells what came instead of `: connected` (a 503, say).
    pub fn try_events_for(&self, query: &str) -> Result<Events, String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        let request = format!(
            "GET /__oogst/events{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).expect("send");
        let (tx, rx) = channel();
        let reader = stream.try_clone().expect("clone");
        std::thread::spawn(move || {
            let mut event = String::new();
            for line in BufReader::new(reader).lines().map_while(Result::ok) {
                if line.is_empty() {
                    if !event.is_empty() && tx.send(std::mem::take(&mut event)).is_err() {
                        return;
                    }
                } else {
                    event.push_str(&line);
                    event.push('\n');
                }
            }
        });
        let events = Events {
            received: rx,
            _stream: stream,
        };
        events.wait_for(": connected", Duration::from_secs(10))?;
        Ok(events)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An open event stream.
pub struct Events {
    received: Receiver<String>,
    _stream: TcpStream,
}

impl Events {
    /// The next event (block of lines) containing `text`, within `within`.
    pub fn next_matching(&self, text: &str, within: Duration) -> Option<String> {
        self.wait_for(text, within).ok()
    }

    /// The next event containing `text` within `within`, or what came instead and how the
    /// wait ended.
    pub fn wait_for(&self, text: &str, within: Duration) -> Result<String, String> {
        let deadline = Instant::now() + within;
        let mut before = Vec::new();
        let ending = loop {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                break "nothing more came in time";
            };
            match self.received.recv_timeout(left) {
                Ok(event) if event.contains(text) => return Ok(event),
                Ok(event) => before.push(event),
                Err(RecvTimeoutError::Timeout) => break "nothing more came in time",
                Err(RecvTimeoutError::Disconnected) => break "the server closed the stream",
            }
        };
        Err(format!("{ending}; before that it sent {before:?}"))
    }

    /// Every event that arrives within `within`.
    pub fn collect_for(&self, within: Duration) -> Vec<String> {
        let deadline = Instant::now() + within;
        let mut all = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.received.recv_timeout(left) {
                Ok(event) => all.push(event),
                Err(_) => break,
            }
        }
        all
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    fn parse(bytes: &[u8]) -> Response {
        let split = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(bytes.len());
        let head = String::from_utf8_lossy(&bytes[..split]);
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let body = bytes.get(split + 4..).unwrap_or_default().to_vec();
        Response {
            status,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}
