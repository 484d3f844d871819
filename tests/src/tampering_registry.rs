//! A hand-made registry for what a real one cannot do: serve bytes that do not match their digest, lie in
//! `Docker-Content-Digest`, answer 429 with Docker Hub's rate-limit headers, redirect to a CDN, issue tokens.
//! It records every request it gets, so tests can prove what reached it and with which credentials.
//! Opt-in [`Fault`]s make an answer slow, trickling, cut short or without a length.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One canned answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// A request the fixture received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// Method.
    pub method: String,
    /// Path with query.
    pub target: String,
    /// The `Authorization` header, if sent.
    pub authorization: Option<String>,
    /// The body, as far as `Content-Length` says (a token service's form).
    pub body: String,
}

/// A fault injected into the answer for one path (all off by default).
#[derive(Debug, Clone, Default)]
pub struct Fault {
    /// Waits this long after reading the request, before answering.
    pub delay: Option<Duration>,
    /// Sends only this many body bytes, though `Content-Length` announces them all, then closes.
    pub truncate_to: Option<usize>,
    /// Leaves `Content-Length` out: the body ends when the connection closes.
    pub no_content_length: bool,
    /// Sends the body one byte at a time, this long apart.
    pub trickle: Option<Duration>,
}

type Answers = Arc<HashMap<String, Answer>>;
type Faults = Arc<HashMap<String, Fault>>;
type Log = Arc<Mutex<Vec<Received>>>;

/// A running fixture registry.
#[derive(Debug)]
pub struct TamperingRegistry {
    /// `127.0.0.1:<port>`.
    pub authority: String,
    received: Log,
    task: tokio::task::JoinHandle<()>,
}

impl TamperingRegistry {
    /// Binds a port first, for answers that must name their own host (a token realm, a redirect).
    pub async fn bind() -> (TcpListener, String) {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let authority = listener.local_addr().expect("an address").to_string();
        (listener, authority)
    }

    /// Serves `answers` on a new port.
    pub async fn start(answers: HashMap<String, Answer>) -> TamperingRegistry {
        let (listener, _) = Self::bind().await;
        Self::serve(listener, answers)
    }

    /// Serves `answers` by exact path and query, else by path alone; anything else is a 404 envelope. A request that
    /// carries `Authorization` is answered from the key `"AUTHORIZED <path>"` when there is one, so a
    /// challenge and its answer can differ.
    pub fn serve(listener: TcpListener, answers: HashMap<String, Answer>) -> TamperingRegistry {
        Self::serve_with_faults(listener, answers, HashMap::new())
    }

    /// Serves `answers` on a new port, with `faults` by exact path.
    pub async fn start_with_faults(
        answers: HashMap<String, Answer>,
        faults: HashMap<String, Fault>,
    ) -> TamperingRegistry {
        let (listener, _) = Self::bind().await;
        Self::serve_with_faults(listener, answers, faults)
    }

    /// Like [`serve`](Self::serve), with `faults` by exact path (query ignored).
    pub fn serve_with_faults(
        listener: TcpListener,
        answers: HashMap<String, Answer>,
        faults: HashMap<String, Fault>,
    ) -> TamperingRegistry {
        let authority = listener.local_addr().expect("an address").to_string();
        let answers: Answers = Arc::new(answers);
        let faults: Faults = Arc::new(faults);
        let received: Log = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(answer_connection(
                    stream,
                    answers.clone(),
                    faults.clone(),
                    log.clone(),
                ));
            }
        });
        TamperingRegistry {
            authority,
            received,
            task,
        }
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("the log").clone()
    }
}

/// The body of a request whose head is in `request`: what came with the head, then the rest of what
/// `Content-Length` announces (64 KiB at most).
async fn request_body(stream: &mut TcpStream, request: &[u8]) -> String {
    let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") else {
        return String::new();
    };
    let head = String::from_utf8_lossy(&request[..end]);
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())
                .flatten()
        })
        .unwrap_or(0)
        .min(65536);
    let mut body = request[end + 4..].to_vec();
    let mut buffer = [0u8; 4096];
    while body.len() < length {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&buffer[..n]),
        }
    }
    body.truncate(length);
    String::from_utf8_lossy(&body).into_owned()
}

async fn answer_connection(mut stream: TcpStream, answers: Answers, faults: Faults, log: Log) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 65536 {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    let mut words = text.split_whitespace();
    let method = words.next().unwrap_or_default().to_owned();
    let target = words.next().unwrap_or_default().to_owned();
    let path = target.split('?').next().unwrap_or_default().to_owned();
    let authorization = text.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("authorization")
            .then(|| value.trim().to_owned())
    });
    let authorized = authorization
        .as_ref()
        .and_then(|_| answers.get(&format!("AUTHORIZED {path}")));
    let answer = authorized
        .or_else(|| answers.get(&target))
        .or_else(|| answers.get(&path))
        .cloned()
        .unwrap_or_else(|| Answer {
            status: 404,
            headers: vec![("content-type".into(), "application/json".into())],
            body: br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#
                .to_vec(),
        });
    let body = request_body(&mut stream, &request).await;
    log.lock().expect("the log").push(Received {
        method: method.clone(),
        target,
        authorization,
        body,
    });
    let fault = faults.get(&path).cloned().unwrap_or_default();
    if let Some(delay) = fault.delay {
        tokio::time::sleep(delay).await;
    }
    let mut head = format!(
        "HTTP/1.1 {} Fixture\r\nconnection: close\r\n",
        answer.status
    );
    if !fault.no_content_length {
        head.push_str(&format!("content-length: {}\r\n", answer.body.len()));
    }
    for (name, value) in &answer.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes()).await;
    if method != "HEAD" {
        let sent = fault.truncate_to.map_or(answer.body.as_slice(), |n| {
            &answer.body[..n.min(answer.body.len())]
        });
        match fault.trickle {
            Some(pause) => {
                for byte in sent {
                    if stream.write_all(&[*byte]).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(pause).await;
                }
            }
            None => {
                let _ = stream.write_all(sent).await;
            }
        }
    }
    let _ = stream.shutdown().await;
}

impl Drop for TamperingRegistry {
    fn drop(&mut self) {
        self.task.abort();
    }
}
