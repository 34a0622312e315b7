// The QA widget on a model page (templates/partials/qa_widget.html): the UI on the main thread,
// the work in static/qa/worker.mjs. Nothing is downloaded until the visitor starts using the
// widget (focus or click inside it); then a progress bar shows bytes loaded of the total.
//
// Hooks for tests and embedders: data-qa="passage|question|ask|answer|status|retry|progress";
// on the root, data-qa-state (idle, loading, ready, busy, error; data-qa-error names the kind),
// data-qa-threads (WASM threads, once ready), data-qa-ms (the last answer's time in the worker:
// tokenize, run, decode) and data-qa-done (how many questions were settled, answered or
// refused: something to wait on). The answer output carries data-qa-start/data-qa-end (code
// points into the passage) when there is an answer.
import { isBlank } from "./decode.mjs";

// The smallest module using a SIMD instruction (v128.const + i8x16.popcnt), as wasm-feature-detect.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

function hasSimd() {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

class QAWidget {
  constructor(root) {
    this.root = root;
    this.config = JSON.parse(root.dataset.qaConfig);
    const q = (name) => root.querySelector(`[data-qa="${name}"]`);
    this.passage = q("passage");
    this.question = q("question");
    this.ask = q("ask");
    this.answer = q("answer");
    this.status = q("status");
    this.retry = q("retry");
    this.progress = q("progress");
    this.progressText = q("progress-text");
    this.highlight = q("highlight");
    this.form = root.querySelector("form");
    this.worker = null;
    this.pending = null; // the question waiting for the model
    this.nextId = 1;
    this.currentId = 0;
    this.done = 0;

    root.querySelector("[data-qa-live]").hidden = false;
    root.querySelector("[data-qa-nojs]")?.remove();
    this.setState("idle");
    root.dataset.qaDone = "0";
    this.setStatus(`The model (${megabytes(this.totalBytes())}) downloads when you start using this widget.`);
    const start = () => this.start();
    root.addEventListener("focusin", start, { once: true });
    root.addEventListener("pointerdown", start, { once: true });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.retry.addEventListener("click", () => this.restart());
  }

  totalBytes() {
    const c = this.config;
    return c.model.bytes + c.wasm.bytes + c.tokenizer.bytes + c.tokenizerConfig.bytes;
  }

  setState(state, error) {
    this.root.dataset.qaState = state;
    if (error) this.root.dataset.qaError = error;
    else delete this.root.dataset.qaError;
  }

  setStatus(text, isError = false) {
    this.status.textContent = text;
    this.status.classList.toggle("qa-widget-error", isError);
    this.showingInputError = false;
  }

  /** Loading news; it does not replace a message about the visitor's input. */
  setLoadingStatus(text) {
    if (!this.showingInputError) this.setStatus(text);
  }

  inputError(field, text) {
    field.setAttribute("aria-invalid", "true");
    this.setStatus(text, true);
    this.showingInputError = true;
  }

  workerConfig() {
    const c = this.config;
    const abs = (file) => ({ ...file, url: new URL(file.url, document.baseURI).href });
    const cores = navigator.hardwareConcurrency || 1;
    return {
      model: abs(c.model),
      wasm: abs(c.wasm),
      tokenizer: abs(c.tokenizer),
      tokenizerConfig: abs(c.tokenizerConfig),
      ortUrl: new URL(c.ortUrl, document.baseURI).href,
      tokenizersUrl: new URL(c.tokenizersUrl, document.baseURI).href,
      settings: c.settings,
      threads: self.crossOriginIsolated ? Math.min(c.maxThreads ?? 4, cores) : 1,
    };
  }

  start() {
    if (this.worker || this.root.dataset.qaState === "error") return;
    if (!hasSimd()) {
      this.setState("error", "simd");
      this.ask.disabled = true;
      this.setStatus(
        "This browser cannot run the model: its WebAssembly has no SIMD support. " +
          "A current Chrome, Edge, Firefox or Safari can.",
        true,
      );
      return;
    }
    this.setState("loading");
    this.retry.hidden = true;
    this.progress.hidden = false;
    this.progress.max = this.totalBytes();
    this.progress.value = 0;
    this.progressText.textContent = `0 of ${megabytes(this.totalBytes())}`;
    this.setLoadingStatus(`Downloading the model (${megabytes(this.totalBytes())})…`);
    this.worker = new Worker(new URL("./worker.mjs", import.meta.url), { type: "module" });
    this.worker.onmessage = (event) => this.onMessage(event.data);
    this.worker.onerror = (event) => this.fail("worker", `The widget's worker failed: ${event.message ?? "unknown error"}.`);
    this.worker.postMessage({ type: "init", config: this.workerConfig() });
  }

  restart() {
    this.worker?.terminate();
    this.worker = null;
    this.setState("idle");
    this.start();
  }

  fail(kind, text) {
    this.setState("error", kind);
    this.progress.hidden = true;
    this.ask.disabled = false;
    this.setStatus(text, true);
    if (kind === "fetch" || kind === "worker" || kind === "init") {
      this.retry.hidden = false;
    }
  }

  onMessage(m) {
    switch (m.type) {
      case "progress":
        this.progress.value = m.loaded;
        this.progress.max = m.total;
        // the status line (aria-live) is not repeated per chunk; the bar and its text are
        this.progressText.textContent = `${megabytes(m.loaded)} of ${megabytes(m.total)}`;
        break;
      case "loading-runtime":
        this.setLoadingStatus("Starting the model…");
        break;
      case "ready": {
        this.progress.hidden = true;
        this.root.dataset.qaThreads = String(m.threads);
        this.setState("ready");
        const threads = m.threads === 1 ? "1 thread" : `${m.threads} threads`;
        this.setLoadingStatus(`Model ready: it runs in your browser (${threads}).`);
        this.flush();
        break;
      }
      case "answer":
        this.setState("ready");
        this.ask.disabled = false;
        if (m.id === this.currentId) this.show(m);
        this.flush();
        break;
      case "input-error":
        this.setState("ready");
        this.ask.disabled = false;
        if (m.id === this.currentId) {
          this.inputError(m.code === "empty-passage" ? this.passage : this.question, m.message);
          this.settled();
        }
        this.flush();
        break;
      case "error":
        if (m.code === "fetch") {
          this.fail("fetch", `${m.message}. Check your connection and try again.`);
        } else if (m.code === "inference") {
          this.setState("ready");
          this.ask.disabled = false;
          this.setStatus(`The model failed on this input: ${m.message}`, true);
          this.settled();
          this.flush();
        } else {
          this.fail("init", `The model could not start: ${m.message}`);
        }
        break;
      default:
        break;
    }
  }

  submit() {
    const question = this.question.value;
    const passage = this.passage.value;
    this.passage.removeAttribute("aria-invalid");
    this.question.removeAttribute("aria-invalid");
    this.pending = null;
    if (isBlank(passage)) {
      this.inputError(this.passage, "The passage is empty: paste or type a passage to search for the answer.");
      this.passage.focus();
      this.settled();
      return;
    }
    if (isBlank(question)) {
      this.inputError(this.question, "The question is empty: type a question about the passage.");
      this.question.focus();
      this.settled();
      return;
    }
    const ask = { id: this.nextId++, question, passage };
    this.currentId = ask.id;
    this.answer.textContent = "";
    this.highlight.hidden = true;
    const state = this.root.dataset.qaState;
    if (state === "error" && this.root.dataset.qaError === "simd") return;
    if (state === "ready") {
      this.send(ask);
      return;
    }
    this.pending = ask;
    if (state === "idle" || state === "error") this.restart();
    if (state !== "busy") this.setLoadingStatus("The answer comes as soon as the model is loaded…");
  }

  /** Sends the question that waited for the model or for the previous answer. */
  flush() {
    if (this.pending && this.root.dataset.qaState === "ready") {
      const pending = this.pending;
      this.pending = null;
      this.send(pending);
    }
  }

  send(ask) {
    this.setState("busy");
    this.ask.disabled = true;
    this.setStatus("Looking for the answer…");
    this.worker.postMessage({ type: "ask", ...ask });
  }

  settled() {
    this.done += 1;
    this.root.dataset.qaDone = String(this.done);
  }

  show({ result, ms, windows }) {
    this.root.dataset.qaMs = ms.toFixed(2);
    const time = `${Math.round(ms)} ms`;
    const parts = windows > 1 ? `, ${windows} windows` : "";
    if (result.abstained) {
      this.answer.textContent = "no answer";
      delete this.answer.dataset.qaStart;
      delete this.answer.dataset.qaEnd;
      this.setStatus(`No answer: the model abstains (${time}${parts}).`);
      this.highlight.hidden = true;
    } else {
      this.answer.textContent = result.answer;
      this.answer.dataset.qaStart = String(result.start);
      this.answer.dataset.qaEnd = String(result.end);
      this.setStatus(
        `Answered in ${time}${parts}; score ${result.score.toFixed(2)}, ` +
          `no-answer score ${result.null_score.toFixed(2)}.`,
      );
      this.showHighlight(result);
    }
    this.settled();
  }

  showHighlight(result) {
    const text = this.passage.value;
    const chars = Array.from(text); // offsets are code points, JS strings UTF-16
    const mark = document.createElement("mark");
    mark.className = "qa-widget-mark";
    mark.textContent = chars.slice(result.start, result.end).join("");
    this.highlight.replaceChildren(
      document.createTextNode(chars.slice(0, result.start).join("")),
      mark,
      document.createTextNode(chars.slice(result.end).join("")),
    );
    this.highlight.hidden = false;
  }
}

for (const root of document.querySelectorAll("[data-qa-widget]")) {
  new QAWidget(root);
}
