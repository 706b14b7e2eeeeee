// The skiff engine in the page: crates/skiff-wasm built for wasm32-wasip1, run with a WASI shim
// (@bjorn3/browser_wasi_shim: the module asks WASI only for the clock, random bytes and stderr).
// One call is JSON in, JSON out (crates/skiff-wasm/src/exports.rs says how memory is passed).
import { ConsoleStdout, OpenFile, File, WASI } from '@bjorn3/browser_wasi_shim';

export async function loadEngine(url) {
  const stderr = ConsoleStdout.lineBuffered((line) => console.warn(`skiff: ${line}`));
  const wasi = new WASI([], [], [new OpenFile(new File([])), stderr, stderr]);
  const response = fetch(url);
  const { instance } = await WebAssembly.instantiateStreaming(response, { wasi_snapshot_preview1: wasi.wasiImport }).catch(
    async () => WebAssembly.instantiate(await (await fetch(url)).arrayBuffer(), { wasi_snapshot_preview1: wasi.wasiImport }),
  );
  wasi.initialize(instance);
  const exports = instance.exports;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  /** Sends one call; returns its `ok` value, or throws its `error`. */
  function call(request) {
    const bytes = encoder.encode(JSON.stringify(request));
    const ptr = exports.skiff_alloc(bytes.length);
    new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
    const packed = exports.skiff_call(ptr, bytes.length);
    const answerPtr = Number(packed >> 32n);
    const answerLen = Number(packed & 0xffffffffn);
    const text = decoder.decode(new Uint8Array(exports.memory.buffer, answerPtr, answerLen));
    exports.skiff_free(answerPtr, answerLen);
    const answer = JSON.parse(text);
    if ('error' in answer) throw new Error(answer.error);
    return answer.ok;
  }
  return { call };
}
