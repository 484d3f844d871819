//! A hand-made registry for what a real one cannot do: serve bytes that do not match their digest, lie in
//! `Docker-Content-Digest`, or answer 429 with Docker Hub's rate-limit headers.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

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

/// A running fixture registry.
#[derive(Debug)]
pub struct TamperingRegistry {
    /// `127.0.0.1:<port>`.
    pub authority: String,
    task: tokio::task::JoinHandle<()>,
}

impl TamperingRegistry {
    /// Serves `answers` by exact path (`/v2/...`, query ignored); anything else is a 404 envelope.
    pub async fn start(answers: HashMap<String, Answer>) -> TamperingRegistry {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let authority = listener.local_addr().expect("an address").to_string();
        let answers = Arc::new(answers);
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let answers = answers.clone();
                tokio::spawn(async move {
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
                    let path = words
                        .next()
                        .unwrap_or_default()
                        .split('?')
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    let answer = answers.get(&path).cloned().unwrap_or_else(|| Answer {
                        status: 404,
                        headers: vec![("content-type".into(), "application/json".into())],
                        body: br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#.to_vec(),
                    });
                    let mut head = format!(
                        "HTTP/1.1 {} Fixture\r\nconnection: close\r\ncontent-length: {}\r\n",
                        answer.status,
                        answer.body.len()
                    );
                    for (name, value) in &answer.headers {
                        head.push_str(&format!("{name}: {value}\r\n"));
                    }
                    head.push_str("\r\n");
                    let _ = stream.write_all(head.as_bytes()).await;
                    if method != "HEAD" {
                        let _ = stream.write_all(&answer.body).await;
                    }
                    let _ = stream.shutdown().await;
                });
            }
        });
        TamperingRegistry { authority, task }
    }
}

impl Drop for TamperingRegistry {
    fn drop(&mut self) {
        self.task.abort();
    }
}
