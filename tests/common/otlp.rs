//! A loopback OTLP/HTTP trace receiver (127.0.0.1 only) for the tests of the telemetry
//! export: what arrives is decoded with the OTLP protobuf types.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

/// One request as the receiver saw it.
pub(crate) struct Received {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub request: ExportTraceServiceRequest,
}

/// Serves one HTTP/1.1 connection: requests until the client closes it.
fn serve(stream: TcpStream, tx: &mpsc::Sender<Received>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_string();
        let mut headers = Vec::new();
        for _ in 0..100 {
            let mut line = String::new();
            reader.read_line(&mut line)?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let len: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; len.min(8 << 20)];
        reader.read_exact(&mut body)?;
        let request = ExportTraceServiceRequest::decode(body.as_slice())
            .map_err(|e| std::io::Error::other(format!("not OTLP protobuf: {e}")))?;
        let _ = tx.send(Received {
            path,
            headers,
            request,
        });
        writer.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n",
        )?;
    }
}

/// A receiver on 127.0.0.1: its port and what it receives. It serves a bounded number of
/// connections, then its thread ends.
pub(crate) fn receiver() -> (u16, mpsc::Receiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            let Ok(stream) = stream else { continue };
            let tx = tx.clone();
            std::thread::spawn(move || {
                let _ = serve(stream, &tx);
            });
        }
    });
    (port, rx)
}

impl Received {
    /// The spans of the request, in order.
    pub(crate) fn spans(&self) -> impl Iterator<Item = &Span> {
        self.request
            .resource_spans
            .iter()
            .flat_map(|rs| &rs.scope_spans)
            .flat_map(|ss| &ss.spans)
    }
}
