// The shared test vectors (tests/vectors/qa_vectors.json, generated from the Python side by
// `python -m tools.qa_vectors`) through the widget's JS: tokenization ids and code-point
// offsets (static/qa/align.mjs with @huggingface/tokenizers), windows, and decoding of the
// vectors' logits (static/qa/decode.mjs). Run: node --test tests/js/
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { Tokenizer } from "@huggingface/tokenizers";

import { encodePassage, encodeQuestion, specialIds } from "../../static/qa/align.mjs";
import {
  buildWindows,
  checkQuestionLength,
  checkTexts,
  codePointToUtf16,
  decode,
  normalizeSettings,
  QAInputError,
} from "../../static/qa/decode.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const VECTORS = process.env.QA_VECTORS ?? path.join(ROOT, "tests/vectors/qa_vectors.json");
const present = fs.existsSync(VECTORS);
const skip = present ? false : `${VECTORS} is missing (python -m tools.qa_vectors)`;
const data = present ? JSON.parse(fs.readFileSync(VECTORS, "utf8")) : { cases: [] };

function loadTokenizer() {
  const tokenizerPath = path.resolve(ROOT, data.model.tokenizer);
  const configPath = path.join(path.dirname(tokenizerPath), "tokenizer_config.json");
  const config = fs.existsSync(configPath) ? JSON.parse(fs.readFileSync(configPath, "utf8")) : {};
  return new Tokenizer(JSON.parse(fs.readFileSync(tokenizerPath, "utf8")), config);
}

const CODES = {
  "question:is empty": "empty-question",
  "passage:is empty": "empty-passage",
};

test("vectors: the header matches what the widget assumes", { skip }, () => {
  const tokenizer = loadTokenizer();
  assert.deepEqual(specialIds(tokenizer), data.special_ids);
  // (whether the model abstains on it depends on the model; decode.test.mjs covers abstaining)
  assert.ok(data.cases.some((c) => !c.error && c.id.includes("unanswerable")), "an unanswerable case");
  assert.ok(data.cases.some((c) => !c.error && c.windows.length > 1), "a passage over one window");
});

for (const vector of data.cases) {
  test(`vector ${vector.id}`, { skip }, () => {
    const tokenizer = loadTokenizer();
    const settings = normalizeSettings(data.settings);
    if (vector.error) {
      const expected = CODES[`${vector.error.field}:${vector.error.message}`] ?? "question-too-long";
      assert.throws(
        () => {
          checkTexts(vector.question, vector.passage);
          checkQuestionLength(encodeQuestion(tokenizer, vector.question), settings);
        },
        (error) => error instanceof QAInputError && error.code === expected,
      );
      return;
    }
    const questionIds = encodeQuestion(tokenizer, vector.question);
    assert.deepEqual(questionIds, vector.question_ids, "question ids");
    const passage = encodePassage(tokenizer, vector.passage);
    assert.deepEqual(passage.ids, vector.passage_ids, "passage ids");
    assert.deepEqual(passage.offsets, vector.passage_offsets, "code-point offsets");
    const utf16 = passage.offsets.map(([a, b]) => [
      codePointToUtf16(vector.passage, a),
      codePointToUtf16(vector.passage, b),
    ]);
    assert.deepEqual(utf16, vector.passage_offsets_utf16, "UTF-16 offsets");

    const windows = buildWindows(questionIds, passage.ids, specialIds(tokenizer), settings);
    assert.equal(windows.length, vector.windows.length, "number of windows");
    windows.forEach((w, k) => {
      const v = vector.windows[k];
      assert.deepEqual(w.inputIds, v.input_ids, `window ${k} input_ids`);
      assert.deepEqual(w.tokenTypeIds, v.token_type_ids, `window ${k} token_type_ids`);
      assert.equal(w.contextStart, v.context_start, `window ${k} context_start`);
      assert.equal(w.passageStart, v.first, `window ${k} first`);
      assert.equal(w.passageEnd - w.passageStart, v.count, `window ${k} count`);
    });

    // Logits as the worker sees them: Float32Arrays from onnxruntime-web.
    const starts = vector.windows.map((v) => Float32Array.from(v.start_logits));
    const ends = vector.windows.map((v) => Float32Array.from(v.end_logits));
    const result = decode(windows, starts, ends, passage.offsets, vector.passage, settings);
    const expected = vector.expected;
    assert.equal(result.abstained, expected.abstained, "abstained");
    assert.equal(result.answer, expected.answer, "answer");
    assert.equal(result.start, expected.start, "start");
    assert.equal(result.end, expected.end, "end");
    assert.equal(result.score, expected.score, "score");
    assert.equal(result.null_score, expected.null_score, "null_score");
    if (vector.expected_utf16) {
      assert.equal(codePointToUtf16(vector.passage, result.start), vector.expected_utf16.start);
      assert.equal(codePointToUtf16(vector.passage, result.end), vector.expected_utf16.end);
    }
  });
}
