// The QA Web Worker: downloads (or reads from the Cache API) the model, the WebAssembly runtime
// and the tokenizer, then tokenizes, runs onnxruntime-web and decodes, so the page never
// freezes. Messages in: {type: "init", config} once, then {type: "ask", id, question, passage}.
// Messages out: progress, ready, answer, input-error, error (see static/qa/widget.mjs).
import {
  buildWindows,
  checkQuestionLength,
  checkTexts,
  decode,
  normalizeSettings,
  padBatch,
  QAInputError,
} from "./decode.mjs";
import { encodePassage, encodeQuestion, specialIds } from "./align.mjs";

const CACHE_NAME = "unfragile-qa-widget-v1";
const BATCH_SIZE = 8; // windows per model run, as generator/qa/evidence.py

let state = null; // {ort, session, tokenizer, special, settings, threads}
let starting = null;

self.onmessage = (event) => {
  const message = event.data;
  if (message.type === "init") {
    if (!starting) {
      starting = start(message.config).catch((error) => {
        starting = null; // a later init (the retry button) tries again
        post({ type: "error", code: error.code ?? "init", message: String(error.message ?? error), url: error.url });
      });
    }
  } else if (message.type === "ask") {
    answer(message).catch((error) => {
      if (error instanceof QAInputError) {
        post({ type: "input-error", id: message.id, code: error.code, message: error.message });
      } else {
        post({ type: "error", id: message.id, code: "inference", message: String(error.message ?? error) });
      }
    });
  }
};

function post(message) {
  self.postMessage(message);
}

class FetchError extends Error {
  constructor(url, detail) {
    super(`Could not download ${new URL(url).pathname.split("/").pop()}: ${detail}`);
    this.code = "fetch";
    this.url = url;
  }
}

async function openCache() {
  try {
    return self.caches ? await self.caches.open(CACHE_NAME) : null;
  } catch {
    return null; // storage disabled (private mode, no secure context): download every time
  }
}

// The cache key carries the file's version (model sha256, runtime version): a new model gets a
// new key, and stale entries of the same file are deleted once the new one is stored.
function cacheKey(file) {
  const url = new URL(file.url);
  url.searchParams.set("v", file.version);
  return url.href;
}

async function sha256Hex(buffer) {
  if (!self.crypto?.subtle) return null;
  const digest = await self.crypto.subtle.digest("SHA-256", buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Files in order; reports cumulative bytes over the build-time total (Content-Length may be gzip's). */
async function loadFiles(files, total) {
  const cache = await openCache();
  let done = 0;
  const buffers = [];
  const report = (extra, cached) => post({ type: "progress", loaded: done + extra, total, cached });
  for (const file of files) {
    const key = cacheKey(file);
    const hit = cache ? await cache.match(key) : undefined;
    let buffer;
    if (hit) {
      buffer = await hit.arrayBuffer();
      done += buffer.byteLength;
      report(0, true);
    } else {
      buffer = await download(file, (loaded) => report(loaded, false));
      if (file.sha256) {
        const actual = await sha256Hex(buffer);
        if (actual !== null && actual !== file.sha256) {
          throw new FetchError(file.url, "the file is corrupt (its sha256 does not match the build's)");
        }
      }
      done += buffer.byteLength;
      report(0, false);
      if (cache) await store(cache, file, key, buffer);
    }
    buffers.push(buffer);
  }
  return buffers;
}

async function download(file, onProgress) {
  let response;
  try {
    response = await fetch(file.url);
  } catch (error) {
    throw new FetchError(file.url, `network error (${error.message})`);
  }
  if (!response.ok) throw new FetchError(file.url, `HTTP ${response.status}`);
  if (!response.body) return response.arrayBuffer();
  const reader = response.body.getReader();
  const chunks = [];
  let loaded = 0;
  for (;;) {
    let step;
    try {
      step = await reader.read();
    } catch (error) {
      throw new FetchError(file.url, `download interrupted (${error.message})`);
    }
    if (step.done) break;
    chunks.push(step.value);
    loaded += step.value.byteLength;
    onProgress(loaded);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes.buffer;
}

async function store(cache, file, key, buffer) {
  try {
    const path = new URL(file.url).pathname;
    for (const old of await cache.keys()) {
      if (new URL(old.url).pathname === path && old.url !== key) await cache.delete(old);
    }
    await cache.put(key, new Response(buffer, { headers: { "Content-Type": file.type ?? "application/octet-stream" } }));
  } catch {
    // quota exceeded or storage disabled: the widget still works, it just downloads next time
  }
}

async function start(config) {
  const settings = normalizeSettings(config.settings);
  const files = [config.model, config.wasm, config.tokenizer, config.tokenizerConfig];
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  const [modelBuffer, wasmBuffer, tokenizerBuffer, tokenizerConfigBuffer] = await loadFiles(files, total);
  post({ type: "loading-runtime" });
  const [ort, { Tokenizer }] = await Promise.all([import(config.ortUrl), import(config.tokenizersUrl)]);
  const decoder = new TextDecoder();
  const tokenizer = new Tokenizer(
    JSON.parse(decoder.decode(tokenizerBuffer)),
    JSON.parse(decoder.decode(tokenizerConfigBuffer)),
  );
  const threads = self.crossOriginIsolated ? Math.max(1, config.threads ?? 1) : 1;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.wasmBinary = new Uint8Array(wasmBuffer);
  ort.env.logLevel = "error";
  const session = await ort.InferenceSession.create(new Uint8Array(modelBuffer), {
    executionProviders: ["wasm"],
    graphOptimizationLevel: "all",
    // Worker threads sleep between runs instead of spinning: a page should not burn CPU (and
    // battery) while the visitor reads the answer.
    extra: { session: { "intra_op.allow_spinning": "0" } },
  });
  state = { ort, session, tokenizer, special: specialIds(tokenizer), settings, threads };
  post({ type: "ready", threads });
}

async function answer({ id, question, passage }) {
  if (starting) await starting;
  if (!state) throw new Error("the model is not loaded");
  const { ort, session, tokenizer, special, settings } = state;
  checkTexts(question, passage);
  const began = performance.now();
  const questionIds = encodeQuestion(tokenizer, question);
  checkQuestionLength(questionIds, settings);
  const encoded = encodePassage(tokenizer, passage);
  if (encoded.ids.length === 0) {
    throw new QAInputError("empty-passage", "The passage has no words the model can read.");
  }
  const windows = buildWindows(questionIds, encoded.ids, special, settings);
  // Windows go through the model in batches (dynamic padding), like the Python pipeline: one
  // batch for most passages, bounded memory for very long ones.
  const starts = [];
  const ends = [];
  for (let lo = 0; lo < windows.length; lo += BATCH_SIZE) {
    const chunk = windows.slice(lo, lo + BATCH_SIZE);
    const batch = padBatch(chunk, special.pad);
    const shape = [batch.batch, batch.seqLen];
    const tensors = {
      input_ids: batch.inputIds,
      attention_mask: batch.attentionMask,
      token_type_ids: batch.tokenTypeIds,
    };
    const feeds = {};
    for (const name of session.inputNames) feeds[name] = new ort.Tensor("int64", tensors[name], shape);
    const outputs = await session.run(feeds);
    for (let b = 0; b < chunk.length; b += 1) {
      const row = [b * batch.seqLen, (b + 1) * batch.seqLen];
      starts.push(outputs.start_logits.data.slice(...row));
      ends.push(outputs.end_logits.data.slice(...row));
    }
  }
  const result = decode(windows, starts, ends, encoded.offsets, passage, settings);
  post({ type: "answer", id, result, windows: windows.length, ms: performance.now() - began });
}
