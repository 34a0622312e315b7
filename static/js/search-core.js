// What the search page (search.js) and the home page's compare picker share: the Pagefind
// bundle, loaded on first use, and its results turned into what our pages show.
//
// Every URL is resolved against the site root the page was given (a relative link), so the
// site works under any sub-path and from any static host. The index stores site paths
// ("/model/x/"); Pagefind's own base URL guess is not used.

const ISOLATES = /[\u2066-\u2069]/g; // FSI/PDI around right-to-left names (generator.names)

/** A name as people type it: without the bidi isolates the build adds. */
export const plainName = (name) => name.replace(ISOLATES, "").trim();

export class SiteSearch {
  constructor(bundleUrl, rootUrl) {
    this.bundle = new URL(bundleUrl, window.location.href).href;
    this.root = new URL(rootUrl, window.location.href);
    this.pagefind = null;
  }

  /**
   * Pagefind's module, imported and initialised once (a failed load is retried next time):
   * its runtime, entry, meta file and wasm; index chunks and fragments come per query.
   */
  load() {
    if (this.pagefind === null) {
      this.pagefind = import(this.bundle).then(async (pagefind) => {
        // Pagefind also searches meta; only the name (title) should count there, not the
        // comparison partners' names or the summary (searched in the text already).
        const unsearched = { kind: 0, slug: 0, rank: 0, summary: 0, compare: 0 };
        // No web worker: starting one (and fetching its 41 kB script) costs more on a first
        // query than searching on the main thread does (benchmarks/search.py).
        await pagefind.options({ excerptLength: 24, noWorker: true, ranking: { metaWeights: unsearched } });
        await pagefind.init();
        return pagefind;
      });
      this.pagefind.catch(() => {
        this.pagefind = null;
      });
    }
    return this.pagefind;
  }

  siteUrl(path) {
    return new URL(path.replace(/^\/+/, ""), this.root).href;
  }

  /**
   * Pagefind's results for ``query`` (an empty query with a kind lists that kind, best ranked
   * first). Results whose only hit is in meta the page does not show as text (a comparison
   * partner's name) are dropped.
   */
  async search(query, { kind = "" } = {}) {
    const pagefind = await this.load();
    const options = {};
    if (kind) options.filters = { kind };
    if (!query) options.sort = { rank: "desc" };
    const found = await pagefind.search(query || null, options);
    return query ? found.results.filter((r) => r.words && r.words.length > 0) : found.results;
  }

  /** One result's data (Pagefind's fragment) as an artifact. */
  artifact(data) {
    const url = this.siteUrl(data.raw_url || data.url);
    const meta = data.meta || {};
    let compare = [];
    try {
      compare = JSON.parse(meta.compare || "[]");
    } catch {
      compare = [];
    }
    return {
      name: meta.title || "",
      slug: meta.slug || "",
      kind: meta.kind || "",
      rank: meta.rank || "unknown",
      summary: meta.summary || "",
      url,
      compare: compare.map(([path, slug, name]) => ({ url: this.siteUrl(path), slug, name })),
      capabilities: (data.sub_results || [])
        .filter((sub) => sub.anchor && String(sub.anchor.id || "").startsWith("cap-"))
        .map((sub) => ({ title: sub.title, url: `${url}#${sub.anchor.id}`, excerpt: sub.excerpt || "" })),
    };
  }
}

/**
 * Pagefind's excerpt (HTML-escaped text with <mark> around hits) as DOM nodes: only text and
 * <mark>, whatever the excerpt holds. Parsed in an inert <template>, so nothing in it runs.
 */
export function highlighted(excerpt, skip = "") {
  const template = document.createElement("template");
  template.innerHTML = excerpt;
  // A capability's excerpt starts with its title when the title matched; the title is shown
  // already, so ``skip`` drops that many leading characters (across text and marks).
  let drop = skip && template.content.textContent.startsWith(skip) ? skip.length : 0;
  const out = document.createDocumentFragment();
  for (const node of template.content.childNodes) {
    let text = node.textContent || "";
    if (drop > 0) {
      const cut = Math.min(drop, text.length);
      text = text.slice(cut);
      drop -= cut;
      if (drop === 0) text = text.replace(/^[\s.:;,]+/, "");
    }
    if (!text) continue;
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = text;
      out.append(mark);
    } else {
      out.append(document.createTextNode(text));
    }
  }
  return out;
}
