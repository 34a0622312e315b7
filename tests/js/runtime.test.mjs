// The shared vectors' windows through onnxruntime-web's WebAssembly build (the runtime the
// widget ships, here in Node): logits within the vectors' tolerance of native ONNX Runtime, and
// the same answers once decoded. Run: node --test tests/js/
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import * as ort from "onnxruntime-web";

import { decode, normalizeSettings, padBatch } from "../../static/qa/decode.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const VECTORS = process.env.QA_VECTORS ?? path.join(ROOT, "tests/vectors/qa_vectors.json");
const data = fs.existsSync(VECTORS) ? JSON.parse(fs.readFileSync(VECTORS, "utf8")) : null;
const modelPath = data ? path.resolve(ROOT, data.model.onnx) : null;
const skip = !data
  ? `${VECTORS} is missing (python -m tools.qa_vectors)`
  : !fs.existsSync(modelPath)
    ? `${modelPath} is missing`
    : false;

test("onnxruntime-web logits and answers match the vectors", { skip }, async () => {
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(new Uint8Array(fs.readFileSync(modelPath)));
  const settings = normalizeSettings(data.settings);
  const tolerance = data.logit_tolerance;
  let worst = 0;
  for (const vector of data.cases.filter((c) => !c.error)) {
    // The windows as decode.mjs builds them (checked against the vectors in vectors.test.mjs).
    const windows = vector.windows.map((v) => ({
      inputIds: v.input_ids,
      tokenTypeIds: v.token_type_ids,
      attentionMask: v.input_ids.map(() => 1),
      contextStart: v.context_start,
      passageStart: v.first,
      passageEnd: v.first + v.count,
    }));
    const starts = [];
    const ends = [];
    for (const [k, w] of windows.entries()) {
      const batch = padBatch([w], data.special_ids.pad);
      const shape = [1, batch.seqLen];
      const feeds = {
        input_ids: new ort.Tensor("int64", batch.inputIds, shape),
        attention_mask: new ort.Tensor("int64", batch.attentionMask, shape),
        token_type_ids: new ort.Tensor("int64", batch.tokenTypeIds, shape),
      };
      const out = await session.run(feeds);
      for (const [name, expected] of [
        ["start_logits", vector.windows[k].start_logits],
        ["end_logits", vector.windows[k].end_logits],
      ]) {
        const got = out[name].data;
        assert.equal(got.length, expected.length, `${vector.id} window ${k} ${name} length`);
        got.forEach((x, i) => {
          const diff = Math.abs(x - expected[i]);
          worst = Math.max(worst, diff);
          assert.ok(diff <= tolerance, `${vector.id} window ${k} ${name}[${i}]: ${x} vs ${expected[i]}`);
        });
      }
      starts.push(out.start_logits.data);
      ends.push(out.end_logits.data);
    }
    const result = decode(windows, starts, ends, vector.passage_offsets, vector.passage, settings);
    assert.equal(result.abstained, vector.expected.abstained, `${vector.id}: abstained`);
    assert.equal(result.answer, vector.expected.answer, `${vector.id}: answer`);
  }
  await session.release();
  console.log(`largest logit difference, onnxruntime-web vs native: ${worst}`);
});
