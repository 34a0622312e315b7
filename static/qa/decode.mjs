// Extractive QA decoding (SQuAD v2), exactly as docs/qa-decoding.md describes it.
//
// Pure functions, no DOM and no I/O: the Web Worker (static/qa/worker.mjs) and the Node tests
// (tests/js/) import this same file. Token offsets are Unicode code points, end exclusive, like
// the Python side (generator/qa/); helpers below convert to and from JS (UTF-16) string indices.

/** Decoding settings, with the defaults of docs/qa-decoding.md. */
export const DEFAULT_SETTINGS = Object.freeze({
  maxLength: 384,
  docStride: 128,
  maxAnswerTokens: 30,
  maxQuestionTokens: 64,
  nullThreshold: 0.0,
});

/** An input the visitor can fix (empty passage, empty or too long question). */
export class QAInputError extends Error {
  /**
   * @param {"empty-passage" | "empty-question" | "question-too-long"} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = "QAInputError";
    this.code = code;
  }
}

/** Settings from a partial object (snake_case as in the Python JSON, or camelCase). */
export function normalizeSettings(raw = {}) {
  const pick = (camel, snake) => raw[camel] ?? raw[snake] ?? DEFAULT_SETTINGS[camel];
  return {
    maxLength: pick("maxLength", "max_length"),
    docStride: pick("docStride", "doc_stride"),
    maxAnswerTokens: pick("maxAnswerTokens", "max_answer_tokens"),
    maxQuestionTokens: pick("maxQuestionTokens", "max_question_tokens"),
    nullThreshold: pick("nullThreshold", "null_threshold"),
  };
}

/** Whether a text is empty once whitespace is stripped (Python's ``str.strip``). */
export function isBlank(text) {
  return text.trim().length === 0;
}

/** Step 1's checks that need no tokenizer. Throws QAInputError. */
export function checkTexts(question, passage) {
  if (isBlank(passage)) {
    throw new QAInputError("empty-passage", "The passage is empty: paste or type a passage.");
  }
  if (isBlank(question)) {
    throw new QAInputError("empty-question", "The question is empty: type a question.");
  }
}

/** Step 1's length check on the question's tokens. Throws QAInputError. */
export function checkQuestionLength(questionIds, settings) {
  if (questionIds.length === 0) {
    throw new QAInputError("empty-question", "The question has no words the model can read.");
  }
  if (questionIds.length > settings.maxQuestionTokens) {
    throw new QAInputError(
      "question-too-long",
      `The question is too long: ${questionIds.length} tokens, at most ${settings.maxQuestionTokens}.`,
    );
  }
}

/**
 * Step 2: windows over the passage tokens.
 *
 * @param {number[]} questionIds question token ids, no special tokens
 * @param {number[]} passageIds passage token ids, no special tokens
 * @param {{cls: number, sep: number}} special
 * @param {object} settings normalized settings
 * @returns {{inputIds: number[], tokenTypeIds: number[], attentionMask: number[],
 *            passageStart: number, passageEnd: number, contextStart: number}[]}
 *   passageStart/passageEnd: the window's passage tokens [start, end); contextStart: index in
 *   inputIds of the first passage token.
 */
export function buildWindows(questionIds, passageIds, special, settings) {
  const width = settings.maxLength - questionIds.length - 3;
  const step = width - settings.docStride;
  if (width <= 0 || step <= 0) {
    throw new Error(
      `settings leave no room for the passage: max_length ${settings.maxLength}, ` +
        `question ${questionIds.length} tokens, doc_stride ${settings.docStride}`,
    );
  }
  const n = passageIds.length;
  const windows = [];
  for (let k = 0; ; k += 1) {
    const start = k * step;
    const end = Math.min(start + width, n);
    const inputIds = [special.cls, ...questionIds, special.sep, ...passageIds.slice(start, end), special.sep];
    const firstSegment = questionIds.length + 2; // [CLS] question [SEP]
    const tokenTypeIds = inputIds.map((_, i) => (i < firstSegment ? 0 : 1));
    windows.push({
      inputIds,
      tokenTypeIds,
      attentionMask: inputIds.map(() => 1),
      passageStart: start,
      passageEnd: end,
      contextStart: firstSegment,
    });
    if (end >= n) break;
  }
  return windows;
}

/**
 * Dynamic padding: one batch padded with [PAD] (type 0, mask 0) to the longest window.
 * Returns BigInt64Arrays ready for int64 tensors of shape [batch, seqLen].
 */
export function padBatch(windows, padId = 0) {
  const batch = windows.length;
  const seqLen = Math.max(...windows.map((w) => w.inputIds.length));
  const inputIds = new BigInt64Array(batch * seqLen).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(batch * seqLen);
  const tokenTypeIds = new BigInt64Array(batch * seqLen);
  windows.forEach((w, b) => {
    for (let i = 0; i < w.inputIds.length; i += 1) {
      inputIds[b * seqLen + i] = BigInt(w.inputIds[i]);
      attentionMask[b * seqLen + i] = BigInt(w.attentionMask[i]);
      tokenTypeIds[b * seqLen + i] = BigInt(w.tokenTypeIds[i]);
    }
  });
  return { batch, seqLen, inputIds, attentionMask, tokenTypeIds };
}

// Logits are float32 values (read from a Float32Array); sums and the threshold comparison are
// done in float64, JavaScript's number, which is what generator/qa/decoding.py does too.
/**
 * Steps 4 to 7: the answer from per-window logits.
 *
 * @param {ReturnType<typeof buildWindows>} windows
 * @param {ArrayLike<number>[]} startLogits one array per window (at least the window's length)
 * @param {ArrayLike<number>[]} endLogits
 * @param {[number, number][]} offsets code-point offsets of every passage token
 * @param {string} passage the original passage
 * @param {object} settings normalized settings
 */
export function decode(windows, startLogits, endLogits, offsets, passage, settings) {
  let nullScore = Infinity;
  let best = null; // {score, window, s, e} with s/e passage-token indices
  windows.forEach((w, k) => {
    const start = startLogits[k];
    const end = endLogits[k];
    const windowNull = start[0] + end[0];
    if (windowNull < nullScore) nullScore = windowNull;
    const count = w.passageEnd - w.passageStart;
    for (let s = 0; s < count; s += 1) {
      const sLogit = start[w.contextStart + s];
      const last = Math.min(count - 1, s + settings.maxAnswerTokens - 1);
      for (let e = s; e <= last; e += 1) {
        const score = sLogit + end[w.contextStart + e];
        if (best === null || score > best.score) {
          best = { score, window: k, s: w.passageStart + s, e: w.passageStart + e };
        }
      }
    }
  });
  const abstained = best === null || nullScore - best.score > settings.nullThreshold;
  const result = {
    answer: "",
    start: null,
    end: null,
    score: best === null ? null : best.score,
    null_score: nullScore,
    abstained,
  };
  if (!abstained) {
    result.start = offsets[best.s][0];
    result.end = offsets[best.e][1];
    result.answer = sliceCodePoints(passage, result.start, result.end);
    result.window = best.window;
    result.start_token = best.s;
    result.end_token = best.e;
  }
  return result;
}

/** ``passage[start:end]`` with code-point indices, as Python slices a str. */
export function sliceCodePoints(text, start, end) {
  return Array.from(text).slice(start, end).join("");
}

/** UTF-16 index in ``text`` of code-point index ``cp`` (for highlighting in the page). */
export function codePointToUtf16(text, cp) {
  let units = 0;
  let count = 0;
  for (const ch of text) {
    if (count === cp) return units;
    units += ch.length;
    count += 1;
  }
  return units;
}
