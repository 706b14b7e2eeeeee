//! The tolerant framing in front of tower-lsp-server: what reaches the library is only ever a
//! well-formed JSON-RPC message, and everything else is answered here and survived.
//!
//! The library's codec ends its input stream at the first message it cannot decode (after
//! answering it), so one bad frame would end the server. Here every frame is read with its
//! `Content-Length`, checked (UTF-8, JSON, a request or response the library can read: a
//! `jsonrpc` of `"2.0"`, an integer or string `id`), and either passed on, re-framed, or
//! answered with the JSON-RPC error: `-32700` (parse error) for a body that is not UTF-8 JSON or
//! a frame without a usable header, `-32600` (invalid request) for JSON that is not a message,
//! with the request's `id` when it has a valid one and `null` otherwise. A lone UTF-16 surrogate
//! escaped in a string (`"\ud800"`) is valid JSON that no Rust string can hold: it is read as
//! U+FFFD, which is one UTF-16 unit too, so the editor's positions after it stay right.
//!
//! Answers of the library and of this layer go to the output whole frames at a time, through
//! one writer, so they never interleave. This module knows framing and JSON-RPC, nothing of LSP.

use serde_json::{Value, json};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};

/// The largest message body read (a `didOpen` of a file at the loader's 64 MiB bound, escaped,
/// fits); a larger one is skipped unread and answered `-32700`.
pub const MAX_BODY_BYTES: usize = 256 << 20;

/// The longest header line kept; a longer one is garbage, skipped.
const MAX_HEADER_LINE: usize = 8 << 10;

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

/// One frame read from a stream.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A body, as many bytes as its `Content-Length` said.
    Body(Vec<u8>),
    /// A header block that cannot be used (no or a bad `Content-Length`, a body too large, a
    /// header line too long): the reason. The stream goes on after it.
    Bad(String),
}

/// Reads the next frame; `None` at the end of the stream (or a stream cut inside a frame).
pub async fn read_frame<R: AsyncBufRead + Unpin>(reader: &mut R, max_body: usize) -> std::io::Result<Option<Frame>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut problem: Option<String> = None;
    let mut seen_any = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = (&mut *reader).take(MAX_HEADER_LINE as u64).read_until(b'\n', &mut line).await?;
        if read == 0 {
            return Ok(None);
        }
        if !line.ends_with(b"\n") {
            // A header line longer than any real one: skip the rest of it.
            problem.get_or_insert_with(|| "a header line is too long".into());
            skip_line(reader).await?;
            seen_any = true;
            continue;
        }
        let text = trim_line_end(&line);
        if text.is_empty() {
            if !seen_any {
                // Blank lines between frames are tolerated.
                continue;
            }
            break;
        }
        seen_any = true;
        // Garbage before a header on the same line (a body without its own frame) is skipped.
        let text = match memfind(text, b"Content-Length:") {
            Some(at) => &text[at..],
            None => text,
        };
        let Some(colon) = text.iter().position(|b| *b == b':') else {
            problem.get_or_insert_with(|| "a header line without `:`".into());
            continue;
        };
        let (name, value) = (&text[..colon], text[colon + 1..].trim_ascii());
        if name.eq_ignore_ascii_case(b"Content-Length") {
            let parsed = std::str::from_utf8(value).ok().and_then(|v| v.parse::<usize>().ok());
            length = Some(parsed.ok_or_else(|| "the `Content-Length` is not a number".to_string()));
        }
    }
    let length = match length {
        Some(Ok(length)) => length,
        Some(Err(reason)) => return Ok(Some(Frame::Bad(reason))),
        None => return Ok(Some(Frame::Bad(problem.unwrap_or_else(|| "no `Content-Length` header".into())))),
    };
    if length > max_body {
        let skipped = tokio::io::copy(&mut (&mut *reader).take(length as u64), &mut tokio::io::sink()).await?;
        if skipped < length as u64 {
            return Ok(None);
        }
        return Ok(Some(Frame::Bad(format!("a message of {length} bytes (at most {max_body})"))));
    }
    let mut body = vec![0; length];
    match reader.read_exact(&mut body).await {
        Ok(_) => Ok(Some(Frame::Body(body))),
        Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
        Err(error) => Err(error),
    }
}

async fn skip_line<R: AsyncBufRead + Unpin>(reader: &mut R) -> std::io::Result<()> {
    loop {
        let buffer = reader.fill_buf().await?;
        if buffer.is_empty() {
            return Ok(());
        }
        match buffer.iter().position(|b| *b == b'\n') {
            Some(at) => {
                reader.consume(at + 1);
                return Ok(());
            }
            None => {
                let n = buffer.len();
                reader.consume(n);
            }
        }
    }
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn memfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A body framed for the wire.
pub fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// What to do with one frame read from the client.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// A message the library can read: this body (lone surrogates already replaced).
    Pass(Vec<u8>),
    /// Not one: this error response goes back to the client.
    Answer(Value),
}

/// Checks one frame from the client.
pub fn check(frame: Frame) -> Verdict {
    let mut body = match frame {
        Frame::Body(body) => body,
        Frame::Bad(reason) => {
            return Verdict::Answer(error(Value::Null, PARSE_ERROR, &format!("parse error: {reason}")));
        }
    };
    if let Err(e) = std::str::from_utf8(&body) {
        let at = e.valid_up_to();
        return Verdict::Answer(error(Value::Null, PARSE_ERROR, &format!("parse error: not UTF-8 (byte {at})")));
    }
    replace_lone_surrogates(&mut body);
    if serde_json::from_slice::<Request>(&body).is_ok() || serde_json::from_slice::<Response>(&body).is_ok() {
        return Verdict::Pass(body);
    }
    match serde_json::from_slice::<Value>(&body) {
        Err(e) => Verdict::Answer(error(Value::Null, PARSE_ERROR, &format!("parse error: {e}"))),
        Ok(value) => {
            let id = value.get("id").filter(|id| id.is_i64() || id.is_string()).cloned().unwrap_or(Value::Null);
            let reason = invalid_reason(&value);
            Verdict::Answer(error(id, INVALID_REQUEST, &format!("invalid request: {reason}")))
        }
    }
}

/// Why a JSON value is not a JSON-RPC message, in words.
fn invalid_reason(value: &Value) -> &'static str {
    let Some(object) = value.as_object() else { return "a message is a JSON object (batches are not part of LSP)" };
    match object.get("jsonrpc") {
        None => return "no `jsonrpc` member",
        Some(v) if v != "2.0" => return "`jsonrpc` must be \"2.0\"",
        Some(_) => {}
    }
    match object.get("id") {
        Some(id) if !(id.is_i64() || id.is_string() || id.is_null()) => "an `id` is an integer or a string",
        _ => "neither a request, a notification nor a response",
    }
}

fn error(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

/// Rewrites every `\uXXXX` escape of an unpaired UTF-16 surrogate inside a JSON string to
/// `\uFFFD`, in place (the same length): serde_json refuses them, and dropping the message would
/// leave the server's copy of the document behind the editor's.
fn replace_lone_surrogates(body: &mut [u8]) {
    let hex4 = |bytes: &[u8]| -> Option<u32> {
        let digits = std::str::from_utf8(bytes.get(..4)?).ok()?;
        u32::from_str_radix(digits, 16).ok()
    };
    let high = |unit: u32| (0xD800..0xDC00).contains(&unit);
    let low = |unit: u32| (0xDC00..0xE000).contains(&unit);
    let (mut i, mut in_string) = (0, false);
    while i < body.len() {
        match body[i] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                if body.get(i + 1) == Some(&b'u')
                    && let Some(unit) = hex4(&body[i + 2..])
                {
                    let paired =
                        high(unit) && body.get(i + 6..i + 8) == Some(b"\\u") && hex4(&body[i + 8..]).is_some_and(low);
                    if paired {
                        i += 12;
                        continue;
                    }
                    if high(unit) || low(unit) {
                        body[i + 2..i + 6].copy_from_slice(b"FFFD");
                    }
                    i += 6;
                    continue;
                }
                // Any other escape: the escaped byte is not a quote that ends the string.
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

/// Reads the client's frames from `input`: well-formed messages go on to the library through
/// `library`, answers to the others to `answers`. Returns at the end of the input, or when the
/// library stops reading.
pub async fn read_client<I, L>(input: I, mut library: L, answers: mpsc::Sender<Vec<u8>>)
where
    I: AsyncRead + Unpin,
    L: AsyncWrite + Unpin,
{
    let mut input = tokio::io::BufReader::with_capacity(1 << 16, input);
    loop {
        let frame = match read_frame(&mut input, MAX_BODY_BYTES).await {
            Ok(Some(frame)) => frame,
            Ok(None) => return,
            Err(error) => {
                log!("skiff lsp: cannot read the input: {error}");
                return;
            }
        };
        match check(frame) {
            Verdict::Pass(body) => {
                let message = framed(&body);
                if library.write_all(&message).await.is_err() || library.flush().await.is_err() {
                    return;
                }
            }
            Verdict::Answer(answer) => {
                log!("skiff lsp: answered a malformed message: {}", answer["error"]["message"]);
                if answers.send(framed(answer.to_string().as_bytes())).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Passes the library's output on to `answers` whole frames at a time.
pub async fn relay_library<R: AsyncRead + Unpin>(output: R, answers: mpsc::Sender<Vec<u8>>) {
    let mut output = tokio::io::BufReader::with_capacity(1 << 16, output);
    while let Ok(Some(Frame::Body(body))) = read_frame(&mut output, usize::MAX).await {
        if answers.send(framed(&body)).await.is_err() {
            return;
        }
    }
}

/// Writes every frame to the client until all senders are gone or the output is closed.
pub async fn write_client<O: AsyncWrite>(output: O, mut frames: mpsc::Receiver<Vec<u8>>) {
    let mut output = std::pin::pin!(output);
    while let Some(frame) = frames.recv().await {
        if output.write_all(&frame).await.is_err() || output.flush().await.is_err() {
            // The client is gone; keep draining so senders never block on a full channel.
            while frames.recv().await.is_some() {}
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> Vec<Frame> {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let mut reader = tokio::io::BufReader::new(bytes);
            let mut frames = Vec::new();
            while let Some(frame) = read_frame(&mut reader, 1024).await.unwrap() {
                frames.push(frame);
            }
            frames
        })
    }

    fn answer(body: &[u8]) -> Value {
        match check(Frame::Body(body.to_vec())) {
            Verdict::Answer(answer) => answer,
            Verdict::Pass(body) => panic!("passed: {}", String::from_utf8_lossy(&body)),
        }
    }

    #[test]
    fn frames_are_read_and_garbage_between_them_is_survived() {
        let good = br#"{"jsonrpc":"2.0","method":"x"}"#;
        let mut stream = Vec::new();
        stream.extend(framed(good));
        stream.extend(b"garbage\r\n\r\n");
        stream.extend(b"Content-Length: twelve\r\n\r\n");
        stream.extend(b"Content-Length: 1025\r\n\r\n");
        stream.extend(vec![b' '; 1025]);
        stream.extend(
            b"{\"half\": 1}Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}",
        );
        stream.extend(vec![b'x'; MAX_HEADER_LINE * 2]);
        stream.extend(b"\n\n");
        stream.extend(framed(good));
        let frames = read_all(&stream);
        let kinds: Vec<&str> =
            frames.iter().map(|f| if matches!(f, Frame::Body(_)) { "body" } else { "bad" }).collect();
        assert_eq!(kinds, ["body", "bad", "bad", "bad", "body", "bad", "body"], "{frames:?}");
        assert_eq!(frames[4], Frame::Body(b"{}".to_vec()));
        assert_eq!(frames[6], Frame::Body(good.to_vec()));
    }

    #[test]
    fn a_stream_cut_inside_a_frame_ends_it() {
        assert_eq!(read_all(b"Content-Length: 10\r\n\r\n{}"), []);
        assert_eq!(read_all(b"Content-Len"), []);
    }

    #[test]
    fn malformed_messages_get_the_json_rpc_error() {
        // (body, code, id)
        let cases: [(&[u8], i64, Value); 9] = [
            (b"not json", PARSE_ERROR, Value::Null),
            (b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\xff\"}", PARSE_ERROR, Value::Null),
            (br#"{"jsonrpc":"2.0","id":1.5,"method":"hover"}"#, INVALID_REQUEST, Value::Null),
            (br#"{"jsonrpc":"2.0","id":{"a":1},"method":"hover"}"#, INVALID_REQUEST, Value::Null),
            (br#"{"id":7,"method":"hover"}"#, INVALID_REQUEST, json!(7)),
            (br#"{"jsonrpc":"1.0","id":"s","method":"hover"}"#, INVALID_REQUEST, json!("s")),
            (br#"[{"jsonrpc":"2.0","id":1,"method":"hover"}]"#, INVALID_REQUEST, Value::Null),
            (br#"{"jsonrpc":"2.0","id":18446744073709551615,"method":"x"}"#, INVALID_REQUEST, Value::Null),
            (b"", PARSE_ERROR, Value::Null),
        ];
        for (body, code, id) in cases {
            let answer = answer(body);
            assert_eq!(answer["error"]["code"], code, "{}: {answer}", String::from_utf8_lossy(body));
            assert_eq!(answer["id"], id, "{}: {answer}", String::from_utf8_lossy(body));
            assert_eq!(answer["jsonrpc"], "2.0");
        }
        assert_eq!(
            check(Frame::Bad("why".into())),
            Verdict::Answer(error(Value::Null, PARSE_ERROR, "parse error: why"))
        );
    }

    #[test]
    fn lone_surrogates_become_replacement_characters_and_pairs_stay() {
        let body = br#"{"jsonrpc":"2.0","method":"m","params":{"t":"a\ud800b\udc00\\ud800\ud83d\ude00\uD800"}}"#;
        let Verdict::Pass(passed) = check(Frame::Body(body.to_vec())) else { panic!("refused") };
        let value: Value = serde_json::from_slice(&passed).unwrap();
        assert_eq!(value["params"]["t"], "a\u{FFFD}b\u{FFFD}\\ud800😀\u{FFFD}");
        // Outside strings nothing is touched (and a valid message passes unchanged).
        let fine = br#"{"jsonrpc":"2.0","id":"\ud83d\ude00","result":null}"#;
        assert_eq!(check(Frame::Body(fine.to_vec())), Verdict::Pass(fine.to_vec()));
    }
}
