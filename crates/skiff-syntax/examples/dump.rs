//! Prints the syntax tree of a file: `cargo run -p skiff-syntax --example dump -- FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: dump FILE");
    let text = std::fs::read_to_string(path).expect("readable UTF-8 file");
    print!("{}", skiff_syntax::dump(&skiff_syntax::parse(&text)));
}
