// Unit tests of static/qa/decode.mjs (docs/qa-decoding.md) with hand-made logits.
// Run: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  buildWindows,
  checkQuestionLength,
  checkTexts,
  codePointToUtf16,
  decode,
  normalizeSettings,
  padBatch,
  QAInputError,
  sliceCodePoints,
} from "../../static/qa/decode.mjs";

const special = { cls: 101, sep: 102, pad: 0 };
const small = normalizeSettings({ max_length: 12, doc_stride: 2, max_answer_tokens: 3, max_question_tokens: 4 });

test("settings accept snake_case and fill defaults", () => {
  assert.deepEqual(normalizeSettings({}), {
    maxLength: 384,
    docStride: 128,
    maxAnswerTokens: 30,
    maxQuestionTokens: 64,
    nullThreshold: 0,
  });
  assert.equal(normalizeSettings({ null_threshold: 1.5 }).nullThreshold, 1.5);
});

test("windows: width, stride, stop after the window reaching the last token", () => {
  const passage = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const windows = buildWindows([11, 12, 13], passage, special, small);
  // W = 12 - 3 - 3 = 6, step W - stride = 4: [0, 6) and [4, 10)
  assert.deepEqual(
    windows.map((w) => [w.passageStart, w.passageEnd]),
    [
      [0, 6],
      [4, 10],
    ],
  );
  assert.deepEqual(windows[0].inputIds, [101, 11, 12, 13, 102, 1, 2, 3, 4, 5, 6, 102]);
  assert.deepEqual(windows[0].tokenTypeIds, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual(windows[1].inputIds, [101, 11, 12, 13, 102, 5, 6, 7, 8, 9, 10, 102]);
  assert.equal(windows[0].contextStart, 5);
  assert.ok(windows.every((w) => w.attentionMask.every((m) => m === 1)));
});

test("windows: a passage that fits gives one window; an exact fit does not add one", () => {
  assert.equal(buildWindows([11], [1, 2, 3], special, small).length, 1);
  const exact = buildWindows([11, 12, 13], [1, 2, 3, 4, 5, 6], special, small);
  assert.equal(exact.length, 1);
  assert.equal(exact[0].passageEnd, 6);
  const one_more = buildWindows([11, 12, 13], [1, 2, 3, 4, 5, 6, 7], special, small);
  assert.deepEqual(
    one_more.map((w) => [w.passageStart, w.passageEnd]),
    [
      [0, 6],
      [4, 7],
    ],
  );
});

test("padBatch pads ids with [PAD], type 0, mask 0 to the longest window", () => {
  const windows = buildWindows([11, 12, 13], [1, 2, 3, 4, 5, 6, 7], special, small);
  const batch = padBatch(windows, 0);
  assert.equal(batch.batch, 2);
  assert.equal(batch.seqLen, 12);
  const row1 = Array.from(batch.inputIds.slice(12), Number);
  assert.deepEqual(row1, [101, 11, 12, 13, 102, 5, 6, 7, 102, 0, 0, 0]);
  assert.deepEqual(Array.from(batch.attentionMask.slice(12), Number), [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
  assert.deepEqual(Array.from(batch.tokenTypeIds.slice(12), Number), [0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0]);
});

// One window over a 4-token passage "ab 😀 cd éf": offsets in code points.
const passage = "ab 😀 cd éf";
const offsets = [
  [0, 2],
  [3, 4],
  [5, 7],
  [8, 10],
];
const oneWindow = buildWindows([11], [1, 2, 3, 4], special, small); // [CLS] q [SEP] p0..p3 [SEP]

function logits(values) {
  const out = new Float32Array(oneWindow[0].inputIds.length).fill(-10);
  for (const [i, v] of Object.entries(values)) out[Number(i)] = v;
  return out;
}

test("best span beats the null score; offsets are code points (emoji is one)", () => {
  // passage token k sits at input index 3 + k
  const start = logits({ 0: 0, 4: 3 }); // s = token 1 (the emoji)
  const end = logits({ 0: 0, 5: 2 }); // e = token 2
  const r = decode(oneWindow, [start], [end], offsets, passage, small);
  assert.equal(r.abstained, false);
  assert.equal(r.answer, "😀 cd");
  assert.equal(r.start, 3);
  assert.equal(r.end, 7);
  assert.equal(r.score, 5);
  assert.equal(r.null_score, 0);
});

test("abstains when null - best > threshold, answers when threshold allows", () => {
  const start = logits({ 0: 4, 3: 1 });
  const end = logits({ 0: 4, 3: 1 });
  const r = decode(oneWindow, [start], [end], offsets, passage, small);
  assert.equal(r.abstained, true);
  assert.equal(r.answer, "");
  assert.equal(r.start, null);
  assert.equal(r.end, null);
  assert.equal(r.score, 2);
  assert.equal(r.null_score, 8);
  const lenient = decode(oneWindow, [start], [end], offsets, passage, { ...small, nullThreshold: 6 });
  assert.equal(lenient.abstained, false);
  assert.equal(lenient.answer, "ab");
  const equal = decode(oneWindow, [start], [end], offsets, passage, { ...small, nullThreshold: 5.999 });
  assert.equal(equal.abstained, true);
});

test("spans longer than max_answer_tokens are not considered; e >= s", () => {
  const start = logits({ 3: 5 }); // token 0
  const end = logits({ 6: 5, 4: 1 }); // token 3 would be 4 tokens long (limit 3)
  const r = decode(oneWindow, [start], [end], offsets, passage, small);
  assert.equal(r.answer, "ab 😀");
  const backwards = decode(oneWindow, [logits({ 6: 5 })], [logits({ 3: 5 })], offsets, passage, small);
  // end before start is never a span: the best is (0, 0) at 5 - 10, not (3, 0) at 10
  assert.equal(backwards.score, -5);
  assert.equal(backwards.start_token, 0);
  assert.equal(backwards.end_token, 0);
});

test("ties: earlier window, then smaller start, then smaller end", () => {
  const tie = logits({ 3: 1, 4: 1 }); // starts 0 and 1 equal
  const r = decode(oneWindow, [tie], [logits({ 4: 1, 5: 1 })], offsets, passage, small);
  assert.equal(r.start_token, 0);
  assert.equal(r.end_token, 1);
  // two windows with the same best score: the first wins
  const p = [1, 2, 3, 4, 5, 6, 7];
  const windows = buildWindows([11, 12, 13], p, special, small); // [0,6) and [4,7)
  const offs = p.map((_, i) => [2 * i, 2 * i + 1]);
  const text = "a b c d e f g";
  const s0 = new Float32Array(12).fill(-10);
  const e0 = new Float32Array(12).fill(-10);
  s0[5 + 4] = 2; // window 0, passage token 4
  e0[5 + 4] = 2;
  const s1 = new Float32Array(12).fill(-10);
  const e1 = new Float32Array(12).fill(-10);
  s1[5 + 0] = 2; // window 1, passage token 4 as well
  e1[5 + 0] = 2;
  const both = decode(windows, [s0, s1], [e0, e1], offs, text, small);
  assert.equal(both.window, 0);
  assert.equal(both.answer, "e");
});

test("null score is the minimum over windows", () => {
  const p = [1, 2, 3, 4, 5, 6, 7];
  const windows = buildWindows([11, 12, 13], p, special, small);
  const a = new Float32Array(12).fill(-10);
  const b = new Float32Array(12).fill(-10);
  a[0] = 3;
  b[0] = 1;
  const r = decode(windows, [a, b], [a, b], p.map((_, i) => [i, i + 1]), "abcdefg", small);
  assert.equal(r.null_score, 2);
});

test("input checks: empty passage, empty question, question too long", () => {
  assert.throws(() => checkTexts("q?", " \n\t"), (e) => e instanceof QAInputError && e.code === "empty-passage");
  assert.throws(() => checkTexts("  ", "text"), (e) => e instanceof QAInputError && e.code === "empty-question");
  assert.throws(() => checkQuestionLength([1, 2, 3, 4, 5], small), (e) => e.code === "question-too-long");
  checkQuestionLength([1, 2, 3, 4], small);
});

test("code points vs UTF-16", () => {
  const text = "a😀b🇫🇷c";
  assert.equal(sliceCodePoints(text, 1, 3), "😀b");
  assert.equal(codePointToUtf16(text, 2), 3);
  assert.equal(codePointToUtf16(text, 7), text.length);
});
