// Token ids from @huggingface/tokenizers, with character offsets of our own.
//
// The library gives correct BERT WordPiece ids for the model's tokenizer.json but no offsets,
// and decoding must map an answer span back to the passage. So we replay the library's own
// steps (its normalizer, pre-tokenizer and WordPiece model: no tokenization rules of ours)
// while tracking, for every normalized character, the original code point it came from:
//   1. split the text on added tokens ("[SEP]" typed into a passage is one token, as in Rust);
//   2. normalize each other section one code point at a time: a code point becomes zero
//      (control characters, accents), one, or several (Hangul NFD, spaces around CJK)
//      normalized code points, each remembering its origin;
//   3. pre-tokenize the normalized text with the library and find each word, in order, in it;
//   4. run the library's WordPiece model on each word and walk the pieces' lengths ("##" is the
//      continuing-subword prefix), an [UNK] covering its whole word.
// Finally the ids are checked against ``tokenizer.encode`` on the whole passage: if they ever
// differ we fail loudly rather than highlight the wrong words. Offsets are Unicode code points,
// end exclusive, like the ``tokenizers`` offsets of the Python side.
//
// Two known differences between the library (0.2.0) and the Rust tokenizer are corrected
// before either sees the text (see ``prepare``), so ids match the build-time pipeline.

/** Alignment failed: the library's ids and our replay disagree (a bug, not the visitor's). */
export class AlignmentError extends Error {
  constructor(message) {
    super(message);
    this.name = "AlignmentError";
  }
}

/** The ids of the special tokens windows need. */
export function specialIds(tokenizer) {
  const id = (token) => {
    const value = tokenizer.token_to_id(token);
    if (value === undefined) throw new Error(`tokenizer.json has no ${token} token`);
    return value;
  };
  return { cls: id("[CLS]"), sep: id("[SEP]"), pad: id("[PAD]") };
}

// CJK ideograph blocks outside the BMP, from the BERT/Rust ``is_chinese_char`` list.
const ASTRAL_CJK = [
  [0x20000, 0x2a6df],
  [0x2a700, 0x2b73f],
  [0x2b740, 0x2b81f],
  [0x2b820, 0x2ceaf],
  [0x2f800, 0x2fa1f],
];

/**
 * The text as the library should see it, and for each of its code points the index of the
 * original code point it stands for (-1 for inserted spaces).
 * - JavaScript's ``toLowerCase`` on a whole string turns a final capital sigma into "ς" where
 *   Rust lower-cases each character to "σ": a different token. We lower-case Σ first.
 * - The library adds spaces around CJK ideographs per UTF-16 unit, so it misses those outside
 *   the BMP (U+20000…); Rust splits them. We add those spaces ourselves.
 */
export function prepare(tokenizer, text) {
  const config = tokenizer.normalizer?.config ?? {};
  const chars = [];
  const origin = [];
  let i = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    if (config.handle_chinese_chars && cp > 0xffff && ASTRAL_CJK.some(([lo, hi]) => cp >= lo && cp <= hi)) {
      chars.push(" ", ch, " ");
      origin.push(-1, i, -1);
    } else {
      chars.push(config.lowercase && ch === "\u03A3" ? "\u03C3" : ch);
      origin.push(i);
    }
    i += 1;
  }
  return { text: chars.join(""), chars, origin };
}

/** Question ids: the library's ids, no special tokens. */
export function encodeQuestion(tokenizer, question) {
  return tokenizer.encode(prepare(tokenizer, question).text, { add_special_tokens: false }).ids;
}

/**
 * Passage ids (from the library) and their code-point offsets into ``passage`` (ours).
 * @returns {{ids: number[], tokens: string[], offsets: [number, number][]}}
 */
export function encodePassage(tokenizer, passage) {
  const prepared = prepare(tokenizer, passage);
  const reference = tokenizer.encode(prepared.text, { add_special_tokens: false });
  const aligned = alignTokens(tokenizer, prepared);
  const same =
    aligned.ids.length === reference.ids.length && aligned.ids.every((id, i) => id === reference.ids[i]);
  if (!same) {
    let at = aligned.ids.findIndex((id, i) => id !== reference.ids[i]);
    if (at < 0) at = Math.min(aligned.ids.length, reference.ids.length);
    throw new AlignmentError(
      `cannot map tokens back to the passage: token ${at} is ${JSON.stringify(aligned.tokens[at])} ` +
        `by alignment but ${JSON.stringify(reference.tokens[at])} by the tokenizer`,
    );
  }
  return { ids: reference.ids, tokens: reference.tokens, offsets: aligned.offsets };
}

/** Added tokens matched in raw text (those not normalized), longest first. */
function rawAddedTokens(tokenizer) {
  const tokens = [];
  for (const token of tokenizer.get_added_tokens_decoder().values()) {
    if (!token.normalized) tokens.push({ chars: Array.from(token.content), id: token.id, content: token.content });
  }
  return tokens.sort((a, b) => b.chars.length - a.chars.length);
}

function matchesAt(chars, at, needle) {
  if (at + needle.length > chars.length) return false;
  for (let j = 0; j < needle.length; j += 1) if (chars[at + j] !== needle[j]) return false;
  return true;
}

/** Steps 1-4 above on a ``prepare``d text; exported for tests. */
export function alignTokens(tokenizer, prepared) {
  const out = { ids: [], tokens: [], offsets: [] };
  const added = rawAddedTokens(tokenizer);
  const { chars, origin } = prepared;
  let sectionStart = 0;
  for (let i = 0; i < chars.length; ) {
    const hit = added.find((t) => matchesAt(chars, i, t.chars));
    if (!hit) {
      i += 1;
      continue;
    }
    alignSection(tokenizer, chars, origin, sectionStart, i, out);
    out.ids.push(hit.id);
    out.tokens.push(hit.content);
    out.offsets.push([origin[i], origin[i + hit.chars.length - 1] + 1]);
    i += hit.chars.length;
    sectionStart = i;
  }
  alignSection(tokenizer, chars, origin, sectionStart, chars.length, out);
  return out;
}

function alignSection(tokenizer, chars, origin, from, to, out) {
  // 2. per-code-point normalization, remembering origins
  const normalized = [];
  const source = [];
  for (let i = from; i < to; i += 1) {
    const text = tokenizer.normalizer ? tokenizer.normalizer(chars[i]) : chars[i];
    for (const ch of text) {
      normalized.push(ch);
      source.push(origin[i]);
    }
  }
  if (normalized.length === 0) return;
  // 3. pre-tokenize with the library and locate each word in order
  const joined = normalized.join("");
  const words = tokenizer.pre_tokenizer ? tokenizer.pre_tokenizer(joined) : [joined];
  const model = tokenizer.model;
  const prefix = model.config?.continuing_subword_prefix ?? "##";
  let cursor = 0;
  for (const word of words) {
    const wordChars = Array.from(word);
    let at = cursor;
    while (at + wordChars.length <= normalized.length && !matchesAt(normalized, at, wordChars)) at += 1;
    if (at + wordChars.length > normalized.length) {
      throw new AlignmentError(`cannot find the word ${JSON.stringify(word)} in the normalized passage`);
    }
    cursor = at + wordChars.length;
    // 4. WordPiece pieces of this word, walked by length
    let pos = at;
    for (const piece of model([word])) {
      let length;
      if (piece === model.unk_token) {
        length = cursor - pos;
      } else {
        const body = pos > at && piece.startsWith(prefix) ? piece.slice(prefix.length) : piece;
        length = Array.from(body).length;
      }
      out.tokens.push(piece);
      out.ids.push(model.tokens_to_ids.get(piece) ?? model.unk_token_id);
      out.offsets.push([source[pos], source[pos + length - 1] + 1]);
      pos += length;
    }
  }
}
