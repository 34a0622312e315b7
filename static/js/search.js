// The search page: type-ahead search over artifacts and capabilities (Pagefind), a kind
// filter, results with rank, matching capabilities and comparison pages. The query and kind
// live in the address (?q=…&kind=…), so a search can be linked and the back button works.
// Without JavaScript the form stays hidden and the page's ranked lists remain.
import { SiteSearch, highlighted } from "./search-core.js";

const PAGE = 10; // results rendered at a time ("More results" adds the next ones)
const COMPARISONS_SHOWN = 5; // per result; the artifact page lists them all
const DELAY_MS = 120; // type-ahead: wait this long after the last keystroke
// Type-ahead waits for two characters: one letter's prefix matches nearly every artifact, and
// Pagefind's ranking costs time per matching page (docs/benchmarks.md). Enter searches anyway.
const MIN_CHARS = 2;

const box = document.querySelector("[data-search]");

if (box) {
  const search = new SiteSearch(box.dataset.bundle, box.dataset.root);
  const form = box.querySelector("form");
  const input = form.elements.namedItem("q");
  const status = box.querySelector(".search-status");
  const list = box.querySelector(".search-results");
  const more = box.querySelector(".search-more");
  const kindNames = new Map(
    [...form.querySelectorAll("input[name=kind]")].map((radio) => [radio.value, radio.dataset.label]),
  );
  let results = [];
  let shown = 0;
  let generation = 0; // a newer search makes older answers stale
  let timer = 0;

  const kind = () => form.elements.namedItem("kind").value;

  const element = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    Object.assign(node, props);
    node.append(...children);
    return node;
  };

  const link = (href, text) => element("a", { href, textContent: text });

  const render = (artifact) => {
    const item = element("li", { className: "search-result" });
    item.append(element("h3", {}, link(artifact.url, artifact.name)));
    const rank = element("span", { className: "rank" }, artifact.rank);
    if (artifact.rank !== "unknown") rank.append(element("span", { className: "of", textContent: "/100" }));
    item.append(element("p", { className: "result-meta" }, `${artifact.kind} · UnfragileRank `, rank));
    if (artifact.summary) item.append(element("p", { className: "result-summary", textContent: artifact.summary }));
    if (artifact.capabilities.length) {
      const caps = element("ul", { className: "result-capabilities" });
      for (const cap of artifact.capabilities) {
        const excerpt = highlighted(cap.excerpt, cap.title);
        caps.append(element("li", {}, link(cap.url, cap.title), ...(excerpt.textContent ? [": ", excerpt] : [])));
      }
      item.append(element("p", { className: "result-label", textContent: "Matching capabilities" }), caps);
    }
    if (artifact.compare.length) {
      const pages = element("ul", { className: "result-comparisons" });
      for (const other of artifact.compare.slice(0, COMPARISONS_SHOWN)) {
        pages.append(element("li", {}, link(other.url, `vs ${other.name}`)));
      }
      const rest = artifact.compare.length - COMPARISONS_SHOWN;
      if (rest > 0) pages.append(element("li", {}, link(`${artifact.url}#comparisons-h`, `+${rest} more`)));
      item.append(element("p", { className: "result-label", textContent: "Comparison pages" }), pages);
    }
    return item;
  };

  // The next page of results: every fragment is requested at once, and each result is shown,
  // in order, as soon as its own fragment has arrived.
  const showMore = async (mine) => {
    const next = results.slice(shown, shown + PAGE);
    const pending = next.map((result) => result.data());
    let first = null;
    for (const data of pending) {
      const artifact = search.artifact(await data);
      if (mine !== generation) return null;
      const item = render(artifact);
      list.append(item);
      first = first || item;
    }
    shown += next.length;
    more.hidden = shown >= results.length;
    return first;
  };

  const remember = (query, chosen) => {
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    if (chosen) params.set("kind", chosen);
    const text = params.toString();
    const address = `${window.location.pathname}${text ? `?${text}` : ""}`;
    if (address !== `${window.location.pathname}${window.location.search}`) {
      window.history.replaceState(null, "", address);
    }
  };

  const run = async () => {
    window.clearTimeout(timer);
    const mine = ++generation;
    const query = input.value.trim();
    const chosen = kind();
    remember(query, chosen);
    if (!query && !chosen) {
      results = [];
      shown = 0;
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "";
      box.dataset.state = "idle";
      return;
    }
    box.dataset.state = "searching";
    let found;
    try {
      found = await search.search(query, { kind: chosen });
    } catch {
      if (mine === generation) {
        status.textContent = "Search could not be loaded. Every artifact is in the lists below.";
        box.dataset.state = "error";
      }
      return;
    }
    if (mine !== generation) return;
    results = found;
    shown = 0;
    list.replaceChildren();
    await showMore(mine);
    if (mine !== generation) return;
    const count = results.length;
    const where = chosen ? ` among ${kindNames.get(chosen)}` : "";
    const what = query ? ` for “${query}”` : "";
    status.textContent = `${count === 0 ? "No" : count} result${count === 1 ? "" : "s"}${what}${where}.`;
    box.dataset.state = "done";
    box.dataset.searches = String(Number(box.dataset.searches || 0) + 1); // for tests and benchmarks
  };

  const later = () => {
    window.clearTimeout(timer);
    const length = input.value.trim().length;
    if (length > 0 && length < MIN_CHARS) return;
    box.dataset.state = "typing";
    timer = window.setTimeout(run, DELAY_MS);
  };

  input.addEventListener("focus", () => search.load().catch(() => {}), { once: true });
  input.addEventListener("input", later);
  form.addEventListener("change", (event) => {
    if (event.target.name === "kind") run();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  more.addEventListener("click", async () => {
    const first = await showMore(generation);
    if (first) first.querySelector("a").focus();
  });

  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  const wanted = params.get("kind") || "";
  for (const radio of form.querySelectorAll("input[name=kind]")) radio.checked = radio.value === wanted;
  if (!form.elements.namedItem("kind").value) form.querySelector("input[name=kind]").checked = true;
  box.hidden = false;
  box.dataset.state = "idle";
  if (input.value || wanted) {
    run();
  } else {
    // This page is for searching: fetch Pagefind's runtime once the page is idle, so the first
    // query waits only for its own index chunk and fragments.
    const warm = () =>
      search.load().then(
        () => (box.dataset.ready = "true"),
        () => {},
      );
    if ("requestIdleCallback" in window) window.requestIdleCallback(warm, { timeout: 1000 });
    else window.setTimeout(warm, 200);
  }
}
