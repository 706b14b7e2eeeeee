//! The language server against a client that breaks the protocol, over the real pipes: every
//! malformed message is answered with the JSON-RPC error and the server goes on; the exit
//! status says whether the client shut it down properly; a lone `\r` ends a line.

mod common;

use common::lsp::{Server, initialize, open, uri};
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn workspace(name: &str) -> PathBuf {
    let dir = common::fresh_dir(&format!("skiff-lsp-protocol-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("skiff.toml"), "").unwrap();
    dir.canonicalize().unwrap()
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Each broken message, the error code it gets, and the `id` of the answer.
fn malformed() -> Vec<(&'static str, Vec<u8>, i64, Value)> {
    vec![
        ("a framed body that is not JSON", frame(b"this is not json"), -32700, Value::Null),
        ("invalid UTF-8", frame(b"{\"jsonrpc\":\"2.0\",\"id\":41,\"method\":\"\xff\xfe\"}"), -32700, Value::Null),
        ("a float id", frame(br#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#), -32600, Value::Null),
        ("an object id", frame(br#"{"jsonrpc":"2.0","id":{"n":1},"method":"shutdown"}"#), -32600, Value::Null),
        ("no jsonrpc", frame(br#"{"id":42,"method":"textDocument/hover","params":{}}"#), -32600, json!(42)),
        ("a wrong jsonrpc", frame(br#"{"jsonrpc":"1.0","id":43,"method":"shutdown"}"#), -32600, json!(43)),
        ("a batch", frame(br#"[{"jsonrpc":"2.0","id":44,"method":"shutdown"}]"#), -32600, Value::Null),
        ("a header without Content-Length", b"Content-Type: x\r\n\r\n".to_vec(), -32700, Value::Null),
        ("a bad Content-Length", b"Content-Length: -3\r\n\r\n".to_vec(), -32700, Value::Null),
        // Well-formed, but not what the method takes: the library's own -32602, and it goes on.
        (
            "params of the wrong type",
            frame(br#"{"jsonrpc":"2.0","id":45,"method":"textDocument/hover","params":5}"#),
            -32602,
            json!(45),
        ),
    ]
}

/// The next error answer, past the server's own requests and notifications.
fn error_answer(server: &mut Server) -> Value {
    loop {
        let message = server.next();
        if message.get("error").is_some() {
            return message;
        }
    }
}

/// After every kind of malformed message, the error answer comes and the next real request is
/// answered too; at the end `shutdown` and `exit` end the server with status 0.
#[test]
fn malformed_messages_are_answered_and_survived() {
    let root = workspace("malformed");
    let mut server = Server::start();
    initialize(&mut server, &root);
    for (what, bytes, code, id) in malformed() {
        server.send_raw(&bytes);
        let answer = error_answer(&mut server);
        assert_eq!(answer["error"]["code"], code, "{what}: {answer}");
        assert_eq!(answer["id"], id, "{what}: {answer}");
        let symbols = server.result("workspace/symbol", json!({"query": ""}));
        assert!(symbols.is_array() || symbols.is_null(), "{what}: the server answers after it: {symbols}");
    }
    // A notification with parameters it cannot use has no answer, and ends nothing.
    server.send_raw(&frame(br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"x":1}}"#));
    server.result("workspace/symbol", json!({"query": ""}));
    server.shut_down();
}

/// A lone surrogate (`\ud800`) in `didOpen` and `didChange` text is read as U+FFFD, one UTF-16
/// unit as the editor counts it: the document stays in step, and the server answers.
#[test]
fn lone_surrogates_in_documents_keep_the_text_in_step() {
    let root = workspace("surrogate");
    let main = uri(&root.join("main.skiff"));
    let mut server = Server::start();
    initialize(&mut server, &root);
    let text =
        "task t() -> File {\n  image: \"ghcr.io/acme/train:1.4\"\n  env { NOTE: \"a\\ud800b\", MODE: fast }\n}\n";
    let open = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{main}","languageId":"skiff","version":1,"text":"{}"}}}}}}"#,
        text.replace('\n', "\\n").replace('"', "\\\"").replace("\\\\ud800", "\\ud800")
    );
    assert!(open.contains(r#"a\ud800b"#), "{open}");
    server.send_raw(&frame(open.as_bytes()));
    let diagnostics = server.diagnostics(&main, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "bare-name");
    assert_eq!(diagnostics[0]["range"]["start"], json!({"line": 2, "character": 27}));
    // An edit after the surrogate, on its line: `b` becomes a lone low surrogate and `c`.
    let change = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{main}","version":2}},"contentChanges":[{{"range":{{"start":{{"line":2,"character":17}},"end":{{"line":2,"character":18}}}},"text":"\udc00c"}}]}}}}"#
    );
    server.send_raw(&frame(change.as_bytes()));
    let diagnostics = server.diagnostics(&main, 2);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({"line": 2, "character": 28}),
        "one unit longer, as in the editor"
    );
    server.shut_down();
}

/// `exit` without `shutdown`, before or after `initialize`, ends the server with status 1; so
/// does the end of the input without `shutdown`.
#[test]
fn exit_without_shutdown_is_status_one() {
    let root = workspace("exit");
    let mut server = Server::start();
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit().code(), Some(1), "exit before initialize");

    let mut server = Server::start();
    initialize(&mut server, &root);
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit().code(), Some(1), "exit without shutdown");

    // `shutdown` refused before `initialize` does not count.
    let mut server = Server::start();
    let refused = server.request("shutdown", Value::Null);
    assert!(refused.get("error").is_some(), "{refused}");
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit().code(), Some(1), "exit after a refused shutdown");

    let mut child = Command::new(env!("CARGO_BIN_EXE_skiff"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&frame(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#)).unwrap();
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(1), "the input closed without shutdown");
}

/// A lone `\r` ends a line, as LSP says: diagnostics are on the line the editor shows, and an
/// incremental edit at a position after one lands where the editor made it.
#[test]
fn a_lone_carriage_return_ends_a_line() {
    let root = workspace("cr");
    let main = uri(&root.join("main.skiff"));
    let mut server = Server::start();
    initialize(&mut server, &root);
    let text = "task t() -> File {\r  image: \"ghcr.io/acme/train:1.4\"\r\n  env { GREETING: \"é\", MODE: fast }\r}\r";
    open(&mut server, &main, text);
    let diagnostics = server.diagnostics(&main, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let range = &diagnostics[0]["range"];
    assert_eq!(range, &json!({"start": {"line": 2, "character": 29}, "end": {"line": 2, "character": 33}}));
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": main, "version": 2},
            "contentChanges": [{"range": range, "text": "\"fast\""}],
        }),
    );
    assert_eq!(server.diagnostics(&main, 2), Vec::<Value>::new(), "the edit fixed the right place");
    let symbols = server.result("textDocument/documentSymbol", json!({"textDocument": {"uri": main}}));
    assert_eq!(symbols[0]["range"]["end"], json!({"line": 3, "character": 1}), "{symbols}");
    server.shut_down();
}
