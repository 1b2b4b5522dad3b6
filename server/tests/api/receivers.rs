//! Real receivers on loopback for the channels' tests: an SMTP server speaking just enough of
//! RFC 5321 for one client (no TLS, no AUTH), and an HTTP endpoint standing in for an SMS
//! gateway. Each keeps what arrived.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message as the SMTP receiver got it.
#[derive(Clone, Debug)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// Headers and body as sent (`DATA`), dot-stuffing removed.
    pub data: String,
}

impl Mail {
    /// A header's value (first occurrence, unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut out: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(v) = out.as_mut()
                && (line.starts_with(' ') || line.starts_with('\t'))
            {
                v.push_str(line.trim_start());
                continue;
            }
            if out.is_some() {
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case(name)
            {
                out = Some(v.trim().to_string());
            }
        }
        out
    }

    /// The body, decoded from base64 or quoted-printable as its header says.
    pub fn text(&self) -> String {
        let body = self.data.split_once("\r\n\r\n").map(|x| x.1).unwrap_or("");
        let encoding = self
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let bytes = match encoding.as_str() {
            "base64" => base64_decode(body),
            "quoted-printable" => quoted_printable_decode(body),
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let Some(v) = ABC.iter().position(|&a| a == c) else {
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn quoted_printable_decode(s: &str) -> Vec<u8> {
    let s = s.replace("=\r\n", "");
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

pub struct SmtpReceiver {
    pub addr: SocketAddr,
    pub mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpReceiver {
    pub async fn start() -> SmtpReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mails: Arc<Mutex<Vec<Mail>>> = Arc::default();
        let kept = mails.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read);
                    let _ = write.write_all(b"220 linju-test ESMTP\r\n").await;
                    let (mut from, mut to) = (String::new(), Vec::new());
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                            break;
                        }
                        let upper = line.to_ascii_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") {
                            b"250-linju-test\r\n250 8BITMIME\r\n"
                        } else if upper.starts_with("HELO")
                            || upper.starts_with("NOOP")
                            || upper.starts_with("RSET")
                        {
                            b"250 OK\r\n"
                        } else if upper.starts_with("MAIL FROM:") {
                            from = line[10..].trim().to_string();
                            b"250 OK\r\n"
                        } else if upper.starts_with("RCPT TO:") {
                            to.push(line[8..].trim().to_string());
                            b"250 OK\r\n"
                        } else if upper.starts_with("DATA") {
                            let _ = write.write_all(b"354 go ahead\r\n").await;
                            let mut data = String::new();
                            loop {
                                line.clear();
                                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                                    return;
                                }
                                if line == ".\r\n" {
                                    break;
                                }
                                data.push_str(line.strip_prefix('.').unwrap_or(&line));
                            }
                            kept.lock().unwrap().push(Mail {
                                from: from.clone(),
                                to: std::mem::take(&mut to),
                                data,
                            });
                            b"250 OK queued\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"502 not implemented\r\n"
                        };
                        if write.write_all(reply).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        SmtpReceiver { addr, mails }
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}

/// One request the SMS gateway got.
#[derive(Clone, Debug)]
pub struct Sms {
    pub authorization: Option<String>,
    pub idempotency_key: Option<String>,
    pub body: serde_json::Value,
}

pub struct SmsGatewayReceiver {
    pub url: String,
    pub received: Arc<Mutex<Vec<Sms>>>,
}

impl SmsGatewayReceiver {
    pub async fn start() -> SmsGatewayReceiver {
        Self::start_answering_after(std::time::Duration::ZERO).await
    }

    /// A gateway that keeps each request as it arrives and answers `delay` later (a slow
    /// provider: the process test kills a sender while it waits).
    pub async fn start_answering_after(delay: std::time::Duration) -> SmsGatewayReceiver {
        use axum::http::HeaderMap;
        let received: Arc<Mutex<Vec<Sms>>> = Arc::default();
        let kept = received.clone();
        let app = axum::Router::new().route(
            "/sms/send",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let kept = kept.clone();
                async move {
                    let get = |n: &str| {
                        headers
                            .get(n)
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_string)
                    };
                    kept.lock().unwrap().push(Sms {
                        authorization: get("authorization"),
                        idempotency_key: get("idempotency-key"),
                        body: serde_json::from_str(&body)
                            .unwrap_or(serde_json::Value::String(body)),
                    });
                    tokio::time::sleep(delay).await;
                    r#"{"code":0}"#
                }
            }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        SmsGatewayReceiver {
            url: format!("http://{addr}/sms/send"),
            received,
        }
    }

    pub fn received(&self) -> Vec<Sms> {
        self.received.lock().unwrap().clone()
    }
}
