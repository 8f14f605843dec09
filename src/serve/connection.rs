//! The preview server's connections: our own accept loop, a thread per connection with
//! its own timeouts, HTTP/1.1 requests read with `httparse` and answers written back.
//!
//! Timeouts are set on each accepted socket, never on the listener: a listener with a
//! receive timeout makes `accept` fail after that long without a new connection, which
//! once stopped the server five seconds after its last visitor.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::http::{self, Answer, Live, Method, Request, Response};

/// A connection that sends or takes nothing for this long is closed, so a stalled client
/// (a slowloris) holds nothing for long, and neither does an idle keep-alive connection.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(5);

/// A request head must have arrived whole this long after its first byte, so a client
/// that trickles a byte now and then cannot keep a connection forever.
const HEAD_DEADLINE: Duration = Duration::from_secs(10);

/// Request heads longer than this are refused (431).
const MAX_HEAD: usize = 64 * 1024;

/// Headers a request may have.
const MAX_HEADERS: usize = 64;

/// Connections served at once; one more is answered 503 at once, so many slow clients
/// cannot make the server take on more than this. Event streams do not count.
pub const MAX_CONNECTIONS: usize = 256;

/// How long the accept loop waits before trying again when the process has no file
/// descriptors or buffers left.
const EXHAUSTED_PAUSE: Duration = Duration::from_millis(100);

/// A trouble of the accept loop is told at most this often.
const REPORT_EVERY: Duration = Duration::from_secs(60);

/// Binds the preview server's listening socket.
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(addr),
        socket2::Type::STREAM,
        None,
    )?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}

/// What an error of `accept` means for the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AcceptFailure {
    /// One connection failed before it was taken (reset, aborted, a network error the
    /// kernel passes on): take the next.
    Passing,
    /// The process ran out of file descriptors or buffers: wait until connections close.
    Exhausted,
    /// The listener itself is broken: the server cannot go on.
    Fatal,
}

impl AcceptFailure {
    fn of(error: &io::Error) -> AcceptFailure {
        use io::ErrorKind::*;
        #[cfg(unix)]
        if let Some(code) = error.raw_os_error() {
            match code {
                libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM => {
                    return AcceptFailure::Exhausted;
                }
                libc::EPROTO | libc::ENOPROTOOPT | libc::EHOSTDOWN | libc::EOPNOTSUPP => {
                    return AcceptFailure::Passing;
                }
                _ => {}
            }
        }
        match error.kind() {
            ConnectionAborted | ConnectionReset | Interrupted | WouldBlock | TimedOut
            | NetworkDown | NetworkUnreachable | HostUnreachable | PermissionDenied => {
                AcceptFailure::Passing
            }
            OutOfMemory => AcceptFailure::Exhausted,
            _ => AcceptFailure::Fatal,
        }
    }
}

/// Accepts connections and serves each on a thread of its own, for as long as the listener
/// works. Returns only when it cannot go on, with the error that stopped it. A shortage
/// of file descriptors is told on the terminal (once a minute at most) and waited out.
pub fn accept(listener: &TcpListener, live: Arc<Live>) -> io::Error {
    let open = Arc::new(AtomicUsize::new(0));
    // Whether the loop is waiting for descriptors, and whether it said so this time.
    let mut exhausted: Option<bool> = None;
    let mut last_report: Option<Instant> = None;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                if exhausted.take() == Some(true) {
                    eprintln!("the preview server accepts new connections again");
                }
                take(stream, &open, &live);
            }
            Err(error) => match AcceptFailure::of(&error) {
                AcceptFailure::Passing => {}
                AcceptFailure::Exhausted => {
                    if exhausted.is_none() {
                        let tell = last_report.is_none_or(|at| at.elapsed() >= REPORT_EVERY);
                        exhausted = Some(tell);
                        if tell {
                            last_report = Some(Instant::now());
                            eprintln!(
                                "the preview server cannot take new connections for now ({error}); \
                                 they wait until open ones close"
                            );
                        }
                    }
                    std::thread::sleep(EXHAUSTED_PAUSE);
                }
                AcceptFailure::Fatal => return error,
            },
        }
    }
}

/// Serves one accepted connection on a thread of its own, or answers 503 when too many are
/// open already.
fn take(stream: TcpStream, open: &Arc<AtomicUsize>, live: &Arc<Live>) {
    if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
        open.fetch_sub(1, Ordering::SeqCst);
        refuse(stream);
        return;
    }
    let (counter, live) = (open.clone(), live.clone());
    let spawned = std::thread::Builder::new()
        .name("oogst-connection".into())
        .spawn(move || {
            let _ = converse(stream, &live);
            counter.fetch_sub(1, Ordering::SeqCst);
        });
    if spawned.is_err() {
        // No thread: the stream went with the closure and is closed; mend the count.
        open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Answers a connection the server has no room for, without waiting on the client.
fn refuse(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let busy = Response::text(503, "busy").with_header("Retry-After", "1");
    let _ = write_response(&mut stream, &busy, false, false);
}

/// Serves the requests of one connection until it closes, goes idle, or turns into an
/// event stream.
fn converse(stream: TcpStream, live: &Live) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    stream.set_write_timeout(Some(IDLE_TIMEOUT))?;
    stream.set_nodelay(true)?;
    let Ending::Events(query) = answer_requests(&stream, live)? else {
        return Ok(());
    };
    match live.stream(Box::new(stream), &query) {
        Ok(()) => Ok(()),
        Err(mut writer) => {
            let busy = Response::text(503, "too many open pages");
            write_response(&mut writer, &busy, false, false)
        }
    }
}

/// How a connection's requests end.
enum Ending {
    Closed,
    /// The client asked for the event stream with this query.
    Events(String),
}

/// Answers requests until the connection ends or asks for the event stream. Reads and
/// writes through the one socket: a second descriptor per connection would halve how many
/// the server can hold.
fn answer_requests(stream: &TcpStream, live: &Live) -> io::Result<Ending> {
    let mut reader = BufReader::new(stream);
    let mut writer = stream;
    loop {
        let head = match read_head(&mut reader) {
            Ok(Some(head)) => head,
            Ok(None) | Err(HeadError::Stalled) => return Ok(Ending::Closed),
            Err(HeadError::TooLarge) => {
                let response = Response::text(431, "request head too large");
                write_response(&mut writer, &response, false, false)?;
                return Ok(Ending::Closed);
            }
        };
        let Ok(request) = parse(&head) else {
            let response = Response::text(400, "bad request");
            write_response(&mut writer, &response, false, false)?;
            return Ok(Ending::Closed);
        };
        match http::answer(&request, live) {
            Answer::Events(query) => return Ok(Ending::Events(query)),
            Answer::Page(response) => {
                let keep_alive = request.keep_alive;
                let head_only = request.method == Method::Head;
                write_response(&mut writer, &response, head_only, keep_alive)?;
                if !keep_alive {
                    return Ok(Ending::Closed);
                }
            }
        }
    }
}

/// Why no request head could be read.
#[derive(Debug, PartialEq, Eq)]
enum HeadError {
    TooLarge,
    /// The client stopped or closed half-way, or took longer than [`HEAD_DEADLINE`].
    Stalled,
}

/// Reads one request head, up to and including its blank line; what follows stays in the
/// reader for the next request. `None` when the client closed or stayed idle before a
/// first byte.
fn read_head(reader: &mut impl BufRead) -> Result<Option<Vec<u8>>, HeadError> {
    let mut head = Vec::new();
    let mut started = None;
    loop {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) if head.is_empty() => return Ok(None),
            Err(_) => return Err(HeadError::Stalled),
        };
        if available.is_empty() {
            return if head.is_empty() {
                Ok(None)
            } else {
                Err(HeadError::Stalled)
            };
        }
        let started = *started.get_or_insert_with(Instant::now);
        let scanned = head.len().saturating_sub(2);
        let taken = available.len();
        head.extend_from_slice(available);
        if let Some(end) = head_end(&head[scanned..]) {
            let end = scanned + end;
            if end > MAX_HEAD {
                return Err(HeadError::TooLarge);
            }
            reader.consume(taken - (head.len() - end));
            head.truncate(end);
            return Ok(Some(head));
        }
        reader.consume(taken);
        if head.len() > MAX_HEAD {
            return Err(HeadError::TooLarge);
        }
        if started.elapsed() > HEAD_DEADLINE {
            return Err(HeadError::Stalled);
        }
    }
}

/// Where a head ends in `bytes`: just after its blank line (`\r\n\r\n`, or `\n\n`).
fn head_end(bytes: &[u8]) -> Option<usize> {
    bytes.iter().enumerate().find_map(|(i, &b)| {
        if b != b'\n' {
            return None;
        }
        match bytes.get(i + 1..) {
            Some([b'\n', ..]) => Some(i + 2),
            Some([b'\r', b'\n', ..]) => Some(i + 3),
            _ => None,
        }
    })
}

/// The request a head asks for.
fn parse(head: &[u8]) -> Result<Request, ()> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(()),
    }
    let (Some(method), Some(target), Some(version)) = (parsed.method, parsed.path, parsed.version)
    else {
        return Err(());
    };
    let header = |name: &'static str| {
        parsed
            .headers
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
    };
    let connection: Vec<String> = header("connection").collect();
    let says = |word: &str| {
        connection
            .iter()
            .any(|v| v.split(',').any(|t| t.trim() == word))
    };
    // A body is never read: a request that has one ends its connection after the answer.
    let has_body = header("transfer-encoding").next().is_some()
        || header("content-length").any(|v| v.trim() != "0");
    let keep_alive = !has_body && version == 1 && !says("close");
    Ok(Request {
        method: Method::of(method),
        target: target.to_string(),
        keep_alive,
    })
}

/// Writes `response`, without its body for a HEAD request.
fn write_response(
    writer: &mut impl Write,
    response: &Response,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\n",
        response.status,
        reason(response.status),
        response.body.len()
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    writer.write_all(head.as_bytes())?;
    if !head_only {
        writer.write_all(&response.body)?;
    }
    writer.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_end_at_their_blank_line_and_leave_the_next_request() {
        let mut reader =
            BufReader::new(&b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\n\n"[..]);
        assert_eq!(
            read_head(&mut reader),
            Ok(Some(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec()))
        );
        assert_eq!(
            read_head(&mut reader),
            Ok(Some(b"GET /b HTTP/1.1\n\n".to_vec()))
        );
        assert_eq!(read_head(&mut reader), Ok(None));
        let mut half = BufReader::new(&b"GET / HTTP/1.1\r\nHost"[..]);
        assert_eq!(read_head(&mut half), Err(HeadError::Stalled));
        let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        let mut huge = BufReader::new(huge.as_bytes());
        assert!(
            read_head(&mut huge) == Err(HeadError::TooLarge),
            "a long head is refused"
        );
    }

    #[test]
    fn a_head_split_over_reads_is_found() {
        // A reader that hands out three bytes at a time, as a slow client sends them.
        let text = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        let mut reader = BufReader::with_capacity(3, &text[..]);
        assert_eq!(read_head(&mut reader), Ok(Some(text.to_vec())));
    }

    #[test]
    fn requests_keep_their_connection_as_http_says() {
        let request = |head: &str| parse(head.as_bytes());
        let get = request("GET /a?b HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        assert_eq!(get.method, Method::Get);
        assert_eq!(get.target, "/a?b");
        assert!(get.keep_alive);
        assert!(
            !request("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n")
                .unwrap()
                .keep_alive
        );
        assert!(!request("GET / HTTP/1.0\r\n\r\n").unwrap().keep_alive);
        let post = request("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n").unwrap();
        assert_eq!(post.method, Method::Other);
        assert!(
            !post.keep_alive,
            "a body that is not read ends the connection"
        );
        assert_eq!(
            request("HEAD / HTTP/1.1\r\n\r\n").unwrap().method,
            Method::Head
        );
        assert!(request("\u{0}\u{1}NOT HTTP AT ALL\r\n\r\n").is_err());
    }

    #[test]
    fn accept_errors_are_told_apart() {
        let os = io::Error::from_raw_os_error;
        assert_eq!(
            AcceptFailure::of(&os(libc::EMFILE)),
            AcceptFailure::Exhausted
        );
        assert_eq!(
            AcceptFailure::of(&os(libc::ENFILE)),
            AcceptFailure::Exhausted
        );
        assert_eq!(
            AcceptFailure::of(&os(libc::ECONNABORTED)),
            AcceptFailure::Passing
        );
        assert_eq!(AcceptFailure::of(&os(libc::EAGAIN)), AcceptFailure::Passing);
        assert_eq!(AcceptFailure::of(&os(libc::EPROTO)), AcceptFailure::Passing);
        assert_eq!(AcceptFailure::of(&os(libc::EINVAL)), AcceptFailure::Fatal);
        assert_eq!(AcceptFailure::of(&os(libc::EBADF)), AcceptFailure::Fatal);
    }

    #[test]
    fn the_accept_loop_returns_when_its_listener_is_broken() {
        let listener = listen("127.0.0.1:0".parse().unwrap()).unwrap();
        // A listening socket shut down makes every accept fail with EINVAL on Linux.
        socket2::SockRef::from(&listener)
            .shutdown(std::net::Shutdown::Both)
            .unwrap();
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let error = accept(&listener, Arc::new(Live::default()));
            let _ = done.send(error.kind());
        });
        let kind = finished.recv_timeout(Duration::from_secs(5));
        assert!(kind.is_ok(), "the loop ends instead of spinning or waiting");
    }
}
