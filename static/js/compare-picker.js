// Compare picker: type two artifact names, go to their comparison page when one exists.
// Suggestions come from the site's search index (Pagefind, loaded on first use), so the home
// page downloads nothing per artifact however large the catalog; each result carries the
// artifact's comparison partners, so the pair check needs no request of its own. Without
// JavaScript the form submits to /compare/, which lists every comparison page.
import { SiteSearch, plainName } from "./search-core.js";

const SUGGESTIONS = 8;
const MIN_CHARS = 2; // one letter's prefix matches nearly everything: wait for a second
const LOOKUP = 10; // results checked for an exact name when the typed text was not suggested

const form = document.querySelector("form[data-compare-picker]");

if (form) {
  const search = new SiteSearch(form.dataset.pagefind, form.dataset.root);
  const status = form.querySelector(".picker-status");
  const datalist = document.getElementById(form.elements.namedItem("a").getAttribute("list"));
  const known = new Map(); // lower-cased name or slug -> artifact, from every result seen
  const asked = { a: 0, b: 0 }; // a newer keystroke makes older suggestions stale

  const remember = (artifact) => {
    known.set(plainName(artifact.name).toLowerCase(), artifact);
    known.set(artifact.slug, artifact);
    return artifact;
  };

  const lookup = async (query, limit) => {
    const found = await search.search(query);
    const data = await Promise.all(found.slice(0, limit).map((r) => r.data()));
    return data.map((d) => remember(search.artifact(d)));
  };

  const unavailable = () => {
    status.textContent = "Search could not be loaded; the Compare button lists every comparison.";
  };

  const suggest = async (input) => {
    const query = input.value.trim();
    const mine = ++asked[input.name];
    if (query.length < MIN_CHARS) return;
    let found;
    try {
      found = await lookup(query, SUGGESTIONS);
    } catch {
      unavailable();
      return;
    }
    if (mine !== asked[input.name]) return;
    datalist.replaceChildren(
      ...found.map((artifact) => {
        const option = document.createElement("option");
        option.value = plainName(artifact.name);
        return option;
      }),
    );
  };

  const resolve = async (text) => {
    const wanted = plainName(text).toLowerCase();
    if (!wanted) return null;
    if (known.has(wanted)) return known.get(wanted);
    const found = await lookup(text.trim(), LOOKUP);
    return found.find((a) => plainName(a.name).toLowerCase() === wanted || a.slug === wanted) || null;
  };

  for (const name of ["a", "b"]) {
    const input = form.elements.namedItem(name);
    input.addEventListener("focus", () => search.load().catch(() => {}), { once: true });
    input.addEventListener("input", () => suggest(input));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let a;
    let b;
    try {
      [a, b] = await Promise.all(["a", "b"].map((name) => resolve(form.elements.namedItem(name).value)));
    } catch {
      form.submit(); // no index: fall back to the comparison list
      return;
    }
    if (!a || !b) {
      status.textContent = "Pick two artifacts from the list.";
      return;
    }
    if (a.slug === b.slug) {
      status.textContent = "Pick two different artifacts.";
      return;
    }
    const page = a.compare.find((other) => other.slug === b.slug);
    if (page) {
      window.location.href = page.url;
    } else {
      status.textContent = "There is no comparison page for this pair yet; see each artifact's page.";
    }
  });
}
