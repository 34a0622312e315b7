// Command-line bridge for tests/browser/test_js_alignment.py: reads {"tokenizer": path,
// "config": path|null, "texts": [...]} on stdin and prints, for each text, the ids and
// code-point offsets static/qa/align.mjs gives (or the error), so Python can compare them with
// the ``tokenizers`` library's own offsets.
import fs from "node:fs";
import { Tokenizer } from "@huggingface/tokenizers";
import { encodePassage, encodeQuestion } from "../../static/qa/align.mjs";

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const tokenizer = new Tokenizer(
  JSON.parse(fs.readFileSync(input.tokenizer, "utf8")),
  input.config ? JSON.parse(fs.readFileSync(input.config, "utf8")) : {},
);
const results = input.texts.map((text) => {
  try {
    const passage = encodePassage(tokenizer, text);
    return { ids: passage.ids, offsets: passage.offsets, question_ids: encodeQuestion(tokenizer, text) };
  } catch (error) {
    return { error: `${error.name}: ${error.message}` };
  }
});
process.stdout.write(JSON.stringify(results));
